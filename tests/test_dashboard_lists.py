"""The 清单 page (three lists) on the sample street as of 2026-06-30, in Streamlit's AppTest:
the figures are those computed by hand in tests/test_sample_lists.py, on the whole
ledger and within one community's scope; members appear by pseudonym unless names are on.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lianjian.core.privacy import pseudonym
from lianjian.dashboard.access import DOWNLOAD_KEY
from tests.test_dashboard_apptest import all_text, metrics, start

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def env(monkeypatch, sample_ledger):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(sample_ledger))
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
    monkeypatch.delenv("LIANJIAN_DASHBOARD_NAMES", raising=False)
    monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
    return monkeypatch


def page():
    at = start("lists")
    at.date_input(key="as_of").set_value(AS_OF).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def frame(at, first_column: str, column: str):
    """The table whose first column is ``first_column`` and that has ``column``."""
    found = [
        f.value
        for f in at.dataframe
        if f.value.columns[0] == first_column and column in f.value.columns
    ]
    assert len(found) == 1, [list(f.value.columns) for f in at.dataframe]
    return found[0]


def test_the_whole_street_shows_the_hand_computed_plan(env, sample_data):
    at = page()
    assert at.title[0].value == "三张清单"
    assert metrics(at) == {
        "待认领需求": "5",
        "待认领数量": "9",
        "建议匹配数量": "7",
        "逐个认领可匹配": "6",
        "目标值（最优 / 贪心）": "2,092 / 3,051",
    }
    summary = frame(at, "社区", "项目清单")
    assert summary.values.tolist() == [
        ["三板桥社区", 2, 1, 1, 1],  # N04 N07; N04 open; R05; PJ01
        ["梅台巷社区", 3, 2, 1, 0],  # N02 N05 N08 (raised 07-06); R04
        ["红门路社区", 3, 2, 4, 1],  # N01 N03 N06; R01 R02 R03 R06 (P16's unit 001); PJ02
    ]
    matches = frame(at, "需求 编号", "原因")
    assert matches[["需求 编号", "承接方", "数量", "匹配代价"]].values.tolist() == [
        ["N01", "市一医院专家义诊队 (R01)", 1, 1.0],
        ["N01", "爱心社工陪诊助医 (R02)", 1, 11.0],
        ["N02", "市一医院专家义诊队 (R01)", 1, 31.0],
        ["N03", pseudonym("M0091"), 1, 6.0],
        ["N05", pseudonym("M0097"), 2, 16.0],
        ["N05", "梅台物业保洁维修队 (R04)", 1, 11.0],
    ]
    work = frame(at, "社区", "剩余天数")
    assert work[["编号", "剩余天数", "数量", "已匹配", "未匹配"]].values.tolist() == [
        ["N01", 5, 2, 2, 0],
        ["N02", 20, 1, 1, 0],
        ["N03", 31, 1, 1, 0],
        ["N04", 46, 1, 0, 1],
        ["N05", 62, 4, 3, 1],
    ]
    assert work["原因"].iloc[3] == "本社区和所在街道内没有心理咨询援助类的资源或报到党员"
    totals = frame(at, "党员", "服务次数")
    assert totals.values.tolist() == [
        [pseudonym("M0112"), 2, 5.0, 1, "2026-05-16"],
        *sorted(
            [
                [pseudonym("M0089"), 1, 1.5, 1, "2026-06-22"],
                [pseudonym("M0090"), 1, 1.5, 1, "2026-06-22"],
            ]
        ),
        [pseudonym("M0087"), 1, 1.0, 1, "2026-06-06"],
    ]
    names = {p["name"] for _, (label, p) in sample_data.nodes.items() if label == "Member"}
    text = " ".join(all_text(at))
    assert not [n for n in names if n in text]


def test_a_community_scope_matches_only_within_it(env):
    env.setenv("LIANJIAN_DASHBOARD_SCOPE", "SS0102")  # 梅台巷社区
    at = page()
    # N02 loses R01 (the hospital lies in 红门路社区); N05 keeps R04 and M0097:
    # 11 + 2 × 16 + 1000 (N02) + 1000 (N05's fourth unit) = 2043, greedy the same
    assert metrics(at) == {
        "待认领需求": "2",
        "待认领数量": "5",
        "建议匹配数量": "3",
        "逐个认领可匹配": "3",
        "目标值（最优 / 贪心）": "2,043 / 2,043",
    }
    assert frame(at, "社区", "提出日期")["编号"].tolist() == ["N02", "N05", "N08"]
    # R02's provider, the social work centre, lies here though it serves 红门路社区 only
    assert frame(at, "社区", "承接方")["编号"].tolist() == ["R02", "R04"]
    work = frame(at, "社区", "剩余天数")
    assert work["原因"].iloc[0] == "本社区和所在街道内没有医疗卫生类的资源或报到党员"
    assert not any(f.value.columns[0] == "党员" for f in at.dataframe)  # no services here
    assert "梅台巷社区" in at.caption[0].value


def test_names_show_only_when_turned_on(env):
    env.setenv("LIANJIAN_DASHBOARD_NAMES", "1")
    at = page()
    providers = frame(at, "需求 编号", "原因")["承接方"].tolist()
    assert "石磊" in providers and "武红秀" in providers
    assert frame(at, "党员", "服务次数")["党员"].iloc[0] == "程光"


def test_each_table_downloads_as_excel_and_csv_and_is_audited(env):
    at = page()
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels.count("下载 CSV") == labels.count("下载 Excel") == 7
    keys = {b.key for b in buttons}
    tables = ("summary", "needs", "resources", "projects", "matches", "worklist", "services")
    assert keys == {f"lists_{x}_dl{end}" for x in tables for end in ("", "_xlsx")}
    assert all(DOWNLOAD_KEY.search(k) for k in keys)  # each download with names is audited


# ---------------------------------------------------------------- users


def test_users_see_their_region_and_names_by_role(env, tmp_path):
    """Started --with-names: a viewer held to 梅台巷社区 sees its lists and pseudonyms, an
    officer held to 红门路社区 sees names, and only his community's members' services."""
    from lianjian.auth.users import Role, User, hash_password, save_users
    from lianjian.dashboard import login as gate
    from tests.test_users_dashboard import PW, SECRET, login

    users = tmp_path / "users.toml"
    h = hash_password(PW)
    people = {"meitai_viewer": (Role.viewer, "SS0102"), "hongmen_officer": (Role.officer, "SS0101")}
    save_users({n: User(n, role, region, h) for n, (role, region) in people.items()}, users)
    env.setenv("LIANJIAN_DASHBOARD_NAMES", "1")
    env.setenv("LIANJIAN_DASHBOARD_USERS", str(users))
    env.setenv("LIANJIAN_SESSION_SECRET", SECRET)
    env.setenv("LIANJIAN_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    gate._attempts.clear()
    gate._sessions.clear()

    def lists_as(name: str):
        at = login(name)
        at.switch_page("views/lists.py").run()
        at.date_input(key="as_of").set_value(AS_OF).run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    viewer = lists_as("meitai_viewer")
    assert metrics(viewer)["目标值（最优 / 贪心）"] == "2,043 / 2,043"  # as the SS0102 scope
    providers = frame(viewer, "需求 编号", "原因")["承接方"].tolist()
    assert pseudonym("M0097") in providers and "武红秀" not in providers
    # 红门路社区: N01 takes both units of R01 (1 each), N03 member M0091 (6): 8 either way
    officer = lists_as("hongmen_officer")
    assert metrics(officer)["目标值（最优 / 贪心）"] == "8 / 8"
    assert frame(officer, "社区", "提出日期")["编号"].tolist() == ["N01", "N03", "N06"]
    assert "石磊" in frame(officer, "需求 编号", "原因")["承接方"].tolist()
    # 程光 (M0112) reports to 三板桥社区 but belongs to the bank's branch P18, in 红门路社区
    shown = sorted(frame(officer, "党员", "服务次数")["党员"])
    assert shown == sorted(["漕春海", "沈磊梅", "史小", "程光"])


# ---------------------------------------------------------------- in Chromium


@pytest.mark.slow
def test_the_page_in_chromium_shows_the_plan_and_no_name(server, hostile_ledger, page):
    """The hostile sample (members renamed 机密姓名…, entities named like XSS attacks), as of
    today: the cards hold what the library computes and no member's name is shown."""
    from playwright.sync_api import expect

    from lianjian.graph.embedded.store import EmbeddedStore
    from lianjian.queries.matching.match import match
    from tests.browser_fixtures import (
        ARTEFACTS,
        MEMBER_MARK,
        everything_shown,
        metric_value,
        no_script_ran,
        settle,
    )

    r = match(EmbeddedStore.from_ledger(hostile_ledger), as_of=dt.date.today())
    assert r.needs == 6 and r.optimal < r.greedy  # N08 (raised 2026-07-06) is open too
    page.goto(f"{server}/lists")
    settle(page, "三张清单")
    expect(metric_value(page, "待认领需求")).to_have_text(str(r.needs))
    expect(metric_value(page, "建议匹配数量")).to_have_text(str(r.matched_optimal))
    expect(metric_value(page, "目标值（最优 / 贪心）")).to_have_text(
        f"{r.optimal:,.0f} / {r.greedy:,.0f}"
    )
    expect(page.get_by_role("heading", name="建议匹配")).to_be_visible()
    expect(page.get_by_role("button", name="下载 Excel").first).to_be_visible()
    assert MEMBER_MARK not in everything_shown(page)
    no_script_ran(page)
    page.screenshot(path=str(ARTEFACTS / "dashboard-lists.png"), full_page=True)
