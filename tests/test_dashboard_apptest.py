"""Every dashboard page renders on the sample ledger (Streamlit's AppTest, no browser)
and shows the figures the library computes; members never appear by name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lianjian.core.schema import SCHEMA
from lianjian.dashboard.render import GAP_COLOR
from lianjian.dashboard.scope import region_tree, scope_ids
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries.gaps.find import find_gaps

APP = Path(__file__).resolve().parent.parent / "lianjian" / "dashboard" / "app.py"
PAGES = ["explorer", "gaps", "map", "progress", "pairings", "export"]


@pytest.fixture
def env(monkeypatch, sample_ledger):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(sample_ledger))
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
    monkeypatch.delenv("LIANJIAN_DASHBOARD_NAMES", raising=False)
    monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
    return monkeypatch


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def expected(sample_ledger):
    store = EmbeddedStore.from_ledger(sample_ledger)
    rows = store.node_summaries()
    gaps = find_gaps(store, as_of=dt.date.today()).to_dict()["rules"]
    return {
        "communities": sum(r["level"] == "community" for r in rows),
        "grids": sum(r["level"] == "grid" for r in rows),
        "orgs": sum(r["label"] == "PartyOrg" for r in rows),
        "members": sum(r["label"] == "Member" for r in rows),
        "gaps": sum(v["count"] for v in gaps.values()),
        "weak": gaps["weak_without_partner"]["count"],
        "rules": {rule: v["count"] for rule, v in gaps.items()},
        "member_names": {r["name"] for r in rows if r["label"] == "Member"},
        "street": next(r for r in rows if r["level"] == "street"),
    }


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def all_text(at: AppTest) -> list[str]:
    """Every piece of text on the page: markdown, captions, tables, drawings."""
    out = [e.value for kind in ("markdown", "caption", "title", "subheader") for e in at.get(kind)]
    for frame in at.dataframe:
        out += [str(v) for v in frame.value.to_numpy().ravel()]
        out += [str(c) for c in frame.value.columns]
    out += [f.proto.srcdoc for f in at.get("iframe")]
    return out


def test_overview_shows_the_sample_kpis(env, expected):
    at = start()
    shown = metrics(at)
    assert at.title[0].value == "覆盖总览"
    assert shown["社区"] == str(expected["communities"])
    assert shown["网格"] == str(expected["grids"])
    assert shown["党组织"] == str(expected["orgs"])
    assert shown["党员"] == str(expected["members"])
    assert shown["覆盖空白"] == str(expected["gaps"])
    assert shown["后进党组织待结对"] == str(expected["weak"])
    assert shown["网格建支部率"].endswith("%")


def test_english_switch_uses_schema_and_catalogue_names(env, expected):
    at = start()
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert metrics(at)["Party member"] == str(expected["members"])  # the schema's name


# The sample's findings as of 2026-06-30 that lie in 红门路社区 (SS0101), checked by hand
# against data/sample: 28 of its 46.
SCOPE_AS_OF = dt.date(2026, 6, 30)
SCOPED_GAPS = {
    ("building_without_group", "B0103"),  # in grid SS0101G02
    ("new_domain_uncovered", "BC01"),  # in grid SS0101G02
    ("unit_needs_own_org", "006"),  # in building BC01
    ("unit_needs_joint_org", "019"),  # located in SS0101
    ("joint_branch_too_wide", "P15"),  # covers units 003, 008, 014 of SS0101 (and others)
    ("unit_without_party_work", "011"),  # located in SS0101
    ("branch_oversized", "P05"),  # covers grid SS0101G01
    ("branch_without_committee", "P06"),  # covers grid SS0101G02
    ("weak_without_partner", "P06"),
    # reporting members who work at 001, 002 or 018 (units located in SS0101) and did no
    # service in 2026Q2 (the sample's services are M0087's, M0089's, M0090's and M0112's)
    *(("member_without_service", f"M{n:04}") for n in (88, *range(91, 102), *range(108, 112))),
    *(("member_without_service", m) for m in ("M0113", "M0114", "M0124")),
}


def test_scope_to_a_community_rolls_kpis_down(env, sample_ledger):
    rules = find_gaps(EmbeddedStore.from_ledger(sample_ledger), SCOPE_AS_OF).rules
    found = {(rule, i.id) for rule, items in rules.items() for i in items}
    assert SCOPED_GAPS < found and len(found) == 46
    env.setenv("LIANJIAN_DASHBOARD_SCOPE", "SS0101")
    at = start()
    at.date_input(key="as_of").set_value(SCOPE_AS_OF).run()
    assert not at.exception
    assert metrics(at)["社区"] == "1"
    assert metrics(at)["覆盖空白"] == str(len(SCOPED_GAPS))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_names(env, expected, page):
    at = start(page)
    text = "\n".join(all_text(at))
    assert not [n for n in expected["member_names"] if n and len(n) >= 2 and n in text]


def test_gaps_page_has_one_table_per_rule(env, expected):
    at = start("gaps")
    assert len(at.expander) == len(expected["rules"])
    tables = [f.value for f in at.dataframe]
    summary = tables[0]
    assert list(summary.iloc[:, 1]) == list(expected["rules"].values())
    assert [len(t) for t in tables[1:]] == [n for n in expected["rules"].values() if n]


def test_explorer_search_draws_the_street(env, expected):
    at = start("explorer")
    at.text_input(key="explorer_query").set_value("勝利").run()
    assert not at.exception
    hit = at.selectbox(key="explorer_hit")
    assert hit.value.id == expected["street"]["id"]
    page = at.get("iframe")[0].proto.srcdoc
    assert "vis.Network" in page and expected["street"]["name"] in page
    assert at.selectbox(key="explorer_details").value == expected["street"]["id"]


def test_pairings_page_names_audit_kinds_in_the_chosen_language(env, sample_ledger):
    from lianjian.queries.pairing.audit import AUDIT_LABELS
    from lianjian.queries.pairing.propose import propose

    store = EmbeddedStore.from_ledger(sample_ledger)
    kinds = {a["kind"] for a in propose(store, as_of=dt.date.today()).to_dict()["audit"]}
    assert "expired_link" in kinds
    at = start("pairings")
    audit = at.dataframe[-1].value
    assert set(audit["类型"]) == {AUDIT_LABELS[k][0] for k in kinds}
    at.sidebar.radio[0].set_value("en").run()
    audit = at.dataframe[-1].value
    assert set(audit.iloc[:, 0]) == {AUDIT_LABELS[k][1] for k in kinds}
    assert not set(audit.iloc[:, 0]) & kinds


def test_console_page_is_not_listed_on_the_embedded_store(env):
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/cypher.py")


@pytest.mark.neo4j
def test_console_page_on_neo4j_refuses_writes_and_reads(env, neo4j_driver, neo4j_settings):
    env.setenv("LIANJIAN_DASHBOARD_BACKEND", "neo4j")
    env.setenv("NEO4J_URI", neo4j_settings["uri"])
    env.setenv("NEO4J_USER", neo4j_settings["user"])
    env.setenv("NEO4J_PASSWORD", neo4j_settings["password"])
    env.setenv("NEO4J_DATABASE", neo4j_settings["database"])
    at = start("cypher")
    at.text_area(key="cypher_text").set_value("MATCH (n:Region) SET n.name = 'x'").run()
    at.button(key="cypher_run").click().run()
    assert "已拒绝" in at.error[0].value
    at.text_area(key="cypher_text").set_value("MATCH (r:Region) RETURN r.name AS name").run()
    at.button(key="cypher_run").click().run()
    assert not at.error and len(at.dataframe[0].value) > 0


@pytest.mark.parametrize("with_names", [False, True])
def test_gaps_page_shows_a_fix_naming_a_member_whose_name_holds_a_slash(
    env, sample_ledger, tmp_path, with_names
):
    import shutil

    from tests.browser_fixtures import rename_members

    ledger = tmp_path / "ledger"
    shutil.copytree(sample_ledger, ledger)
    rename_members(ledger, "机密 / 姓名")
    env.setenv("LIANJIAN_DASHBOARD_LEDGER", str(ledger))
    if with_names:
        env.setenv("LIANJIAN_DASHBOARD_NAMES", "1")
    at = start("gaps")
    fixes = [v for f in at.dataframe[1:] if "建议" in f.value for v in f.value["建议"] if v]
    leaders = [f for f in fixes if "候选组长" in f]
    assert leaders
    for fix in leaders:
        shown = fix.split("候选组长：", 1)[1].split("、")
        if with_names:  # each name whole, never cut at its " / "
            assert all(s.startswith("机密 / 姓名") for s in shown), fix
        else:
            assert all(s.startswith("党员-") for s in shown) and "机密" not in fix
    at.sidebar.radio[0].set_value("en").run()
    fixes = [
        v
        for f in at.dataframe[1:]
        if "Suggested fix" in f.value
        for v in f.value["Suggested fix"]
        if v
    ]
    leaders = [f for f in fixes if "candidate leaders" in f]
    assert leaders and all(("机密 / 姓名" in f) is with_names for f in leaders)
    assert not any("候选组长" in f for f in fixes)  # the English half only


def test_a_top_level_region_chosen_in_the_sidebar_scopes_the_page(env, districts_ledger):
    """Two districts: choosing one (a top-level region) holds the cards to it, and the
    scope line names it; "全部" again gives the whole graph."""
    store = EmbeddedStore.from_ledger(districts_ledger)
    tree = region_tree(store)
    district = tree.roots()[0]
    ids = scope_ids(store, tree, district)
    gaps = find_gaps(store, as_of=dt.date.today())
    inside = sum(i.id in ids for items in gaps.rules.values() for i in items)
    everywhere = sum(len(items) for items in gaps.rules.values())
    env.setenv("LIANJIAN_DASHBOARD_LEDGER", str(districts_ledger))
    at = start()
    assert at.caption[0].value.startswith("范围: 全部")
    assert metrics(at)["覆盖空白"] == f"{everywhere:,}"
    at.selectbox(key="scope_0").set_value(district).run()
    assert not at.exception
    assert at.caption[0].value.startswith(f"范围: {tree.regions[district]['name']}")
    assert metrics(at)["覆盖空白"] == f"{inside:,}" != f"{everywhere:,}"
    at.selectbox(key="scope_0").set_value("").run()
    assert metrics(at)["覆盖空白"] == f"{everywhere:,}"


def test_explorer_has_one_selection(env, expected):
    """A search result, a region picked, a node picked in the details and ``?centre=``
    each make the one selection: the selectors, the drawing and the details follow it,
    and the search box never overrides a later choice."""
    at = start("explorer")
    at.text_input(key="explorer_query").set_value("勝利").run()
    street = expected["street"]["id"]
    assert at.session_state["explorer_centre"] == street
    assert at.selectbox(key="explorer_level_0").value == street  # the search shows where
    community = at.selectbox(key="explorer_level_1").options[1]
    at.selectbox(key="explorer_level_1").select_index(1).run()
    chosen = at.selectbox(key="explorer_level_1").value
    assert community and at.session_state["explorer_centre"] == chosen
    assert at.text_input(key="explorer_query").value == ""  # the search gave way
    assert at.selectbox(key="explorer_details").value == chosen
    assert f'data-centre="{chosen}"' in at.get("iframe")[0].proto.srcdoc
    other = street  # the community's street is drawn beside it: pick it in the details
    at.selectbox(key="explorer_details").set_value(other).run()
    assert at.session_state["explorer_centre"] == other
    assert f'data-centre="{other}"' in at.get("iframe")[0].proto.srcdoc
    assert at.selectbox(key="explorer_details").value == other
    assert at.selectbox(key="explorer_level_0").value == other
    assert at.selectbox(key="explorer_level_1").value == ""


def test_explorer_opens_on_the_centre_the_url_names(env):
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.switch_page("views/explorer.py")
    at.query_params["centre"] = "B0103"
    at.run()
    assert not at.exception
    assert at.selectbox(key="explorer_details").value == "B0103"
    assert 'data-centre="B0103"' in at.get("iframe")[0].proto.srcdoc
    assert at.selectbox(key="explorer_level_1").value == "SS0101"  # 红门路社区


def test_zh_gaps_page_has_no_rule_id_and_defines_rules_in_chinese(env, expected):
    from lianjian.queries.catalogue import RULES

    at = start("gaps")
    text = "\n".join(all_text(at) + [e.label for e in at.expander])
    assert not [r for r in RULES if r in text]  # no raw rule id anywhere
    definitions = [c.value for c in at.caption if c.value.startswith("定义")]
    assert len(definitions) == len(expected["rules"])
    for d in definitions:
        assert "{" not in d and not any(w in d for w in ("org", "kind", "grid", "unit"))
    assert "党员超过50名的党支部和联合党支部" in text  # a threshold filled in
    at.sidebar.radio[0].set_value("en").run()
    assert any(c.value.startswith("Definition: grids covered by no org") for c in at.caption)


def test_no_developer_text_and_one_term_for_weak_organisations(env):
    at = start("explorer")
    assert not [c.value for c in at.caption if " ms" in c.value]
    for page in ("overview", "gaps", "pairings"):
        if page != "overview":
            at.switch_page(f"views/{page}.py")
        at.run()
        text = "\n".join(all_text(at) + [m.label for m in at.metric])
        assert "软弱涣散" not in text and "后进组织" not in text, page
    assert "后进党组织" in text
    assert any("匹配代价越小越合适" in c.value for c in at.caption)  # 代价 explained


def test_towns_and_villages_go_by_their_own_names(env, sample_ledger, tmp_path):
    """A 镇 is not listed as a 街道 and a 村 is not counted as a 社区."""
    import shutil

    from tests.browser_fixtures import add_rows

    ledger = tmp_path / "ledger"
    shutil.copytree(sample_ledger, ledger)
    district = next(
        r["id"]
        for r in EmbeddedStore.from_ledger(sample_ledger).node_summaries(["Region"])
        if r["level"] == "district"
    )
    add_rows(
        ledger,
        "regions",
        [
            {"id": "ZZ-T", "name": "岑河镇", "level": "镇", "parent": district},
            {"id": "ZZ-V", "name": "杏林村", "level": "村", "parent": "ZZ-T"},
            {"id": "ZZ-VG", "name": "杏林村第1网格", "level": "网格", "parent": "ZZ-V"},
        ],
    )
    env.setenv("LIANJIAN_DASHBOARD_LEDGER", str(ledger))
    at = start()
    communities = metrics(at)["社区 / 村"]
    assert communities == "3 / 1"
    assert at.sidebar.selectbox(key="scope_0").label == "范围 · 街道 / 镇"
    at.switch_page("views/gaps.py").run()
    assert at.selectbox(key="gaps_street").label == "街道 / 镇"
    assert {"街道 / 镇", "社区 / 村", "网格"} <= set(at.dataframe[1].value.columns)
    at.sidebar.radio[0].set_value("en").run()
    assert at.selectbox(key="gaps_street").label == "Street / Town"


def test_overview_charts_fit_their_axis_and_never_alarm_at_full_coverage(env):
    import json

    at = start()
    rates, gaps = (json.loads(c.proto.spec) for c in at.get("vega_lite_chart"))
    x = rates["encoding"]["x"]
    assert x["scale"]["domain"] == [0.7, 1]  # the sample's street is at 80 %: not 0–100 %
    assert rates["encoding"]["x2"] == {"datum": 0.7}  # bars start at the axis, so they show
    assert rates["encoding"]["color"] == {"value": "#4e79a7"}  # one calm colour, no red
    assert "scheme" not in json.dumps(rates)
    assert gaps["mark"]["color"] == GAP_COLOR != SCHEMA.nodes["PartyOrg"].color
    assert gaps["encoding"]["x"]["axis"]["format"] == ",d"


def test_cards_use_thousands_separators(env, districts_ledger):
    env.setenv("LIANJIAN_DASHBOARD_LEDGER", str(districts_ledger))
    members = sum(1 for _ in EmbeddedStore.from_ledger(districts_ledger).node_summaries(["Member"]))
    at = start()
    assert members >= 1000 and metrics(at)["党员"] == f"{members:,}"


def test_depth_three_is_capped_with_a_message(env):
    at = start("explorer")
    at.slider(key="explorer_depth").set_value(3).run()
    assert not at.exception
    assert any("关系层数为3时最多显示 80 个节点" in i.value for i in at.info)
    page = at.get("iframe")[0].proto.srcdoc
    assert "显示 80 个节点" in page or int(page.split("显示 ")[1].split(" 个节点")[0]) <= 80


@pytest.mark.parametrize("page", ["explorer", "gaps", "pairings", "export"])
def test_every_csv_download_has_an_excel_one_beside_it(env, page):
    at = start(page)
    labels = [b.proto.label for b in at.get("download_button")]
    csv = [x for x in labels if "CSV" in x]
    assert csv and len([x for x in labels if "Excel" in x]) == len(csv), labels
