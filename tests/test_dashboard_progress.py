"""The dashboard on a store of record (Streamlit's AppTest, no browser): the sample as
version 1, the modified copy as version 2 (tests/record_ledgers.py). The Progress page
shows the coverage trend, the worklist of open gaps by age with the level responsible,
and the gap closed (销号) since version 1, held to the scope; the Overview's cards show
the change since version 1; a one-shot ledger's Progress page says how to start a
history; ``lianjian dashboard`` without a ledger path runs on the store."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from lianjian.cli import dashboard as cli_dashboard
from lianjian.cli.app import app
from lianjian.core.privacy import pseudonym
from lianjian.queries.catalogue import RULES
from tests.record_ledgers import SERVED_IN_JUNE, V1, V2, month_two_ledger, run

APP = Path(__file__).resolve().parent.parent / "lianjian" / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def record(sample_ledger, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("progress")
    v2 = month_two_ledger(sample_ledger, tmp / "v2")
    path = tmp / "store"
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", path)
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", path)
    return path


@pytest.fixture
def env(monkeypatch, record):
    monkeypatch.delenv("LIANJIAN_DASHBOARD_LEDGER", raising=False)
    monkeypatch.setenv("LIANJIAN_DASHBOARD_STORE", str(record))
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
    monkeypatch.delenv("LIANJIAN_DASHBOARD_NAMES", raising=False)
    monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
    return monkeypatch


def start(page: str | None = "progress") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table holding ``column``."""
    return next(f.value for f in at.dataframe if column in f.value.columns)


def title(rule: str) -> str:
    return RULES[rule].title_zh


def charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Each chart's Vega-Lite spec and the rows it draws (sent beside it as Arrow)."""
    out = []
    for chart in at.get("vega_lite_chart"):
        (data,) = chart.proto.datasets
        out.append((json.loads(chart.proto.spec), pa.ipc.open_stream(data.data.data).read_pandas()))
    return out


def test_the_worklist_lists_open_gaps_oldest_first_with_who_answers(env):
    at = start()
    assert at.title[0].value == "进展"
    work = table(at, "挂账月数")
    rows = {(r["编号"], r["规则"]): r for _, r in work.iterrows()}
    b0103 = rows[("B0103", title("building_without_group"))]
    assert (b0103["挂账月数"], b0103["首次发现"]) == (1, V1)
    assert (b0103["责任层级"], b0103["责任单位"]) == ("社区", "红门路社区")
    b0101 = rows[("B0101", title("building_without_group"))]
    assert (b0101["挂账月数"], b0101["首次发现"]) == (0, V2)  # opened in version 2
    p24 = rows[("P24", title("org_without_secretary"))]
    assert (p24["挂账月数"], p24["责任层级"], p24["责任单位"]) == (0, "社区", "梅台巷社区")
    assert ("SS0102G02", title("grid_without_branch")) not in rows  # closed (销号)
    assert ("SS0102G02", title("grid_without_assigned_member")) in rows  # another rule: still open
    ages = list(work["挂账月数"])
    assert ages == sorted(ages, reverse=True) and ages[0] == 1 and ages[-1] == 0
    assert {"编号", "名称", "街道"} <= set(work.columns)
    shown = {m.label: m.value for m in at.metric}
    assert shown["本期新发现"] == "3" and shown["本期销号"] == str(1 + len(SERVED_IN_JUNE))
    assert shown["待整改覆盖空白"] == str(len(work))


def test_the_gap_closed_since_version_one_is_listed(env):
    at = start()
    done = table(at, "销号日期")
    assert done.to_dict("records") == [
        {
            "规则": title("grid_without_branch"),
            "编号": "SS0102G02",
            "名称": "梅台巷社区第二网格",
            "首次发现": V1,
            "销号日期": V2,
            "历时月数": 1,
            "街道": "胜利街道",
        },
        *(  # a member by pseudonym, in the id column too
            {
                "规则": title("member_without_service"),
                "编号": pseudonym(m),
                "名称": pseudonym(m),
                "首次发现": V1,
                "销号日期": V2,
                "历时月数": 1,
                "街道": "胜利街道",
            }
            for m in SERVED_IN_JUNE
        ),
    ]
    assert any(s.value == "本期销号（版本 1 → 2）" for s in at.subheader)


def test_the_trend_has_two_points_per_street_on_a_fitted_axis(env):
    at = start()
    (by_street, drawn), (by_metric, per_metric) = charts(at)
    assert "**各街道网格建支部率**" in [m.value for m in at.markdown]
    assert by_street["encoding"]["y"]["scale"]["domain"] == [0.7, 1]  # fitted: 80 % to 100 %
    assert by_street["encoding"]["color"]["field"] == "region"
    assert by_street["encoding"]["x"]["type"] == "ordinal"  # a tick per version's date
    assert drawn[["as_of", "version", "region", "covered", "total"]].values.tolist() == [
        [V1, 1, "胜利街道", 4, 5],
        [V2, 2, "胜利街道", 5, 5],
    ]
    assert by_metric["encoding"]["color"]["field"] == "metric"
    buildings = per_metric[per_metric["metric"] == "楼栋建党小组率"]
    assert buildings[["as_of", "covered", "total"]].values.tolist() == [[V1, 5, 8], [V2, 4, 8]]
    rates = table(at, "网格建支部率")
    points = [(r["截至日期"], r["版本"], r["区划"]) for _, r in rates.iterrows()]
    assert points == [(V1, 1, "胜利街道"), (V2, 2, "胜利街道")]
    assert list(rates["网格建支部率"]) == [0.8, 1.0]
    assert list(rates["楼栋建党小组率"]) == [0.625, 0.5]
    at.selectbox(key="progress_metric").set_value("buildings_with_group").run()
    (by_street, drawn), _ = charts(at)
    assert "**各街道楼栋建党小组率**" in [m.value for m in at.markdown]
    assert drawn["rate"].tolist() == [0.625, 0.5]
    assert by_street["encoding"]["y"]["scale"]["domain"] == [0.4, 1]


def test_the_page_in_english(env):
    at = start()
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Progress"
    work = table(at, "Age (months)")
    assert {"Level responsible", "Responsible", "First seen"} <= set(work.columns)
    assert set(work["Level responsible"]) == {"Community", "Street"}  # a member: its street
    assert table(at, "Closed on")["Rule"].tolist() == [
        RULES["grid_without_branch"].title_en,
        *[RULES["member_without_service"].title_en] * len(SERVED_IN_JUNE),
    ]


def test_the_scope_holds_the_page_to_a_community(env):
    env.setenv("LIANJIAN_DASHBOARD_SCOPE", "SS0101")  # 红门路社区: B0101, B0103, not P24
    at = start()
    work = table(at, "挂账月数")
    assert {"B0101", "B0103"} <= set(work["编号"])
    assert not {"P24", "SS0102G02"} & set(work["编号"])  # in 梅台巷社区
    assert len(work) == 29  # the 28 of tests/test_dashboard_apptest.py's SCOPED_GAPS, and B0101
    # closed in SS0101: the members who served in June, all three working at unit 001 or 018
    assert {m.label: m.value for m in at.metric}["本期销号"] == str(len(SERVED_IN_JUNE))
    rates = table(at, "网格建支部率")
    assert set(rates["区划"]) == {"红门路社区"} and len(rates) == 2


def test_a_worklist_row_chosen_opens_the_explorer_centred_on_it(env):
    """What choosing a row does (the browser test clicks one): the next run goes to the
    Explorer centred on the row's entity."""
    at = start()
    at.session_state["progress_goto"] = "B0103"
    at.run()
    assert not at.exception
    assert at.selectbox(key="explorer_details").value == "B0103"
    assert 'data-centre="B0103"' in at.get("iframe")[0].proto.srcdoc


def test_the_overview_cards_show_the_change_since_version_one(env):
    at = start(None)
    cards = {m.label: m for m in at.metric}
    assert cards["网格建支部率"].value == "100.0%"
    assert cards["网格建支部率"].proto.delta == "+20.0 pp · 5 / 5"
    assert cards["楼栋建党小组率"].proto.delta == "-12.5 pp · 4 / 8"
    # three opened (B0101, P24, 三板桥社区's need N04 raised in June), four closed
    # (SS0102G02 and the three members who served in June)
    assert cards["覆盖空白"].proto.delta == "-1"
    assert "版本 1（2026-05-31）→ 版本 2（2026-06-30）" in cards["覆盖空白"].proto.help


def test_a_one_shot_ledger_has_no_history_and_says_how_to_start_one(monkeypatch, sample_ledger):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(sample_ledger))
    monkeypatch.delenv("LIANJIAN_DASHBOARD_STORE", raising=False)
    at = start()
    assert "没有历史记录" in at.info[0].value
    assert "lianjian load LEDGER --source NAME --as-of" in at.code[0].value
    assert not at.dataframe
    overview = start(None)
    assert all(not m.proto.delta or " / " in m.proto.delta for m in overview.metric)


def test_the_command_runs_the_dashboard_on_the_store(record, monkeypatch, tmp_path):
    started = {}

    def fake_run(cmd, env):
        started.update(env)
        return 0

    monkeypatch.setattr(cli_dashboard, "_run", fake_run)
    result = CliRunner().invoke(app, ["dashboard", "--store", str(record), "--port", "8599"])
    assert result.exit_code == 0, result.output
    assert "LIANJIAN_DASHBOARD_LEDGER" not in started
    assert started["LIANJIAN_DASHBOARD_STORE"] == str(record.resolve())
    # a long temporary path wraps the line at the console's width
    assert "latest version 2" in " ".join(result.output.split())
    said = CliRunner().invoke(app, ["dashboard", "--store", str(tmp_path / "none")])
    assert said.exit_code == 2 and "no store at" in said.output
    both = CliRunner().invoke(app, ["dashboard", str(record), "--store", str(record)])
    assert both.exit_code == 2 and "not both" in both.output


@pytest.mark.neo4j
def test_the_progress_page_on_the_neo4j_store(
    monkeypatch, neo4j_driver, neo4j_settings, sample_ledger, tmp_path
):
    for key, name in (("uri", "URI"), ("user", "USER"), ("password", "PASSWORD"),
                      ("database", "DATABASE")):  # fmt: skip
        monkeypatch.setenv(f"NEO4J_{name}", neo4j_settings[key])
    v2 = month_two_ledger(sample_ledger, tmp_path / "v2")
    run("load", sample_ledger, "--backend", "neo4j", "--source", "shashi", "--as-of", V1)
    run("load", v2, "--backend", "neo4j", "--source", "shashi", "--as-of", V2)
    started = {}
    monkeypatch.setattr(cli_dashboard, "_run", lambda cmd, env: started.update(env) or 0)
    said = CliRunner().invoke(app, ["dashboard", "--backend", "neo4j"])
    assert said.exit_code == 0 and "latest version 2" in said.output, said.output
    assert started["LIANJIAN_DASHBOARD_STORE"] == "neo4j"
    assert "LIANJIAN_DASHBOARD_LEDGER" not in started
    monkeypatch.delenv("LIANJIAN_DASHBOARD_LEDGER", raising=False)
    monkeypatch.setenv("LIANJIAN_DASHBOARD_STORE", "neo4j")
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "neo4j")
    monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
    at = start()
    work = table(at, "挂账月数")
    rows = {(r["编号"], r["规则"]): r for _, r in work.iterrows()}
    assert rows[("B0103", title("building_without_group"))]["挂账月数"] == 1
    assert rows[("B0101", title("building_without_group"))]["挂账月数"] == 0
    assert ("P24", title("org_without_secretary")) in rows
    assert table(at, "销号日期")["编号"].tolist() == [
        "SS0102G02",
        *(pseudonym(m) for m in SERVED_IN_JUNE),
    ]
    assert table(at, "网格建支部率")["网格建支部率"].tolist() == [0.8, 1.0]


def test_a_user_sees_the_history_of_their_region_only(env, tmp_path):
    from lianjian.auth.users import Role, User, hash_password, save_users
    from lianjian.dashboard import login as gate
    from tests.test_users_dashboard import PW, SECRET, login

    users = tmp_path / "users.toml"
    save_users({"wang": User("wang", Role.analyst, "SS0102", hash_password(PW))}, users)
    env.setenv("LIANJIAN_DASHBOARD_USERS", str(users))
    env.setenv("LIANJIAN_SESSION_SECRET", SECRET)
    env.setenv("LIANJIAN_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    gate._attempts.clear()
    gate._sessions.clear()
    at = login("wang")
    at.switch_page("views/progress.py").run()
    assert not at.exception
    work = set(table(at, "挂账月数")["编号"])
    assert "P24" in work and not {"B0101", "B0103"} & work  # 梅台巷社区 only
    assert table(at, "销号日期")["编号"].tolist() == ["SS0102G02"]  # its grid's branch
    assert set(table(at, "网格建支部率")["区划"]) == {"梅台巷社区"}
    at.switch_page("views/overview.py").run()
    card = next(m for m in at.metric if m.label == "网格建支部率")
    assert card.proto.delta.startswith("+50.0 pp")  # 梅台巷社区: 1 of 2 grids, then 2 of 2


def test_a_version_loaded_while_the_dashboard_runs_is_shown_on_the_next_run(
    env, record, sample_ledger, tmp_path
):
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(record, copy)
    env.setenv("LIANJIAN_DASHBOARD_STORE", str(copy))
    at = start()
    assert "共 2 个版本" in at.caption[0].value
    # month three is the sample again: the branch of grid SS0102G02 is gone
    run("load", sample_ledger, "--source", "shashi", "--as-of", "2026-07-31", "--store", copy)
    at.run()
    assert not at.exception
    assert "共 3 个版本" in at.caption[0].value
    assert any(s.value == "本期销号（版本 2 → 3）" for s in at.subheader)
    work = table(at, "挂账月数")
    again = work[(work["编号"] == "SS0102G02") & (work["规则"] == title("grid_without_branch"))]
    assert again[["挂账月数", "首次发现"]].values.tolist() == [[0, "2026-07-31"]]  # a new finding


def test_a_finding_on_an_entity_no_longer_held_is_scoped_by_its_street(sample_ledger):
    """Closed because its entity was removed: shown to the street's view, never to a
    community's (which the street it was found in cannot place)."""
    from types import SimpleNamespace

    from lianjian.dashboard import history
    from lianjian.dashboard.scope import region_tree, scope_ids
    from lianjian.graph.embedded.store import EmbeddedStore

    store = EmbeddedStore.from_ledger(sample_ledger)
    tree = region_tree(store)

    def ctx(scope):
        return SimpleNamespace(cfg=SimpleNamespace(key=f"scoped:{sample_ledger}"), store=store,
                               tree=tree, scope=scope, allowed=scope_ids(store, tree, scope))  # fmt: skip

    assert history.in_scope(ctx(None), "GONE", None)
    assert history.in_scope(ctx("SS01"), "GONE", "SS01")
    assert not history.in_scope(ctx("SS01"), "GONE", "SS02")
    assert not history.in_scope(ctx("SS0101"), "GONE", "SS01")
    assert history.in_scope(ctx("SS0101"), "B0103", "SS01")
    assert not history.in_scope(ctx("SS0101"), "B0202", "SS01")  # held, elsewhere
