"""The dashboard's logic without Streamlit: neighbourhoods with a cap and summaries,
the name search, escaping in drawings, scoping, and the read-only Cypher guard."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest

from lianjian.core.model import Edge, GraphData
from lianjian.core.privacy import pseudonym
from lianjian.core.schema import SCHEMA
from lianjian.dashboard.display import count_label, node_name
from lianjian.dashboard.render import render_html
from lianjian.dashboard.scope import region_tree, scope_ids
from lianjian.dashboard.search import SearchIndex
from lianjian.dashboard.subgraph import PERSONAL_RELS, add_pairings, neighbourhood, node_rows
from lianjian.dashboard.tables import csv_zip, scoped_graph
from lianjian.graph import cypher_text as console
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger

XSS = "<img src=x onerror=alert(1)>"


def crowd_graph() -> GraphData:
    """A community with 2 grids, 5 buildings, 3 orgs, and 300 members reporting to it."""
    g = GraphData()

    def node(i, label, **props):
        g.nodes[i] = (label, {"id": i, **props})

    def edge(rel, s, t, **props):
        g.edges.append(Edge(rel, s, t, rel if not props else f"{rel}|{s}", props))

    node("D", "Region", name="沙市区", level="district")
    node("S", "Region", name="胜利街道", level="street")
    node("C", "Region", name="幸福社区", level="community")
    edge("PART_OF", "S", "D")
    edge("PART_OF", "C", "S")
    for g_id in ("G1", "G2"):
        node(g_id, "Region", name=f"{g_id}网格", level="grid")
        edge("PART_OF", g_id, "C")
    for b in range(5):
        node(f"B{b}", "Building", name=f"{b}号楼", kind="residential")
        edge("IN_GRID", f"B{b}", "G1")
    node("O1", "PartyOrg", name="幸福社区党委", kind="committee", rating=5)
    node("O2", "PartyOrg", name=XSS, kind="branch", rating=1)
    node("O3", "PartyOrg", name="老链接党支部", kind="branch")
    edge("COVERS", "O1", "C")
    edge("COVERS", "O2", "G1")
    edge("SUB_ORG_OF", "O2", "O1")
    edge("JOINT_BUILD", "O3", "C", kind="joint_build", until="2020-01-01")
    for m in range(300):
        node(f"M{m:03}", "Member", name=f"张{m}", status="full")
        edge("REPORTS_TO", f"M{m:03}", "C")
        if m < 3:
            edge("LIVES_IN", f"M{m:03}", "B0")
    return g


@pytest.fixture(scope="module")
def crowd() -> EmbeddedStore:
    store = EmbeddedStore()
    store.write(crowd_graph())
    return store


@pytest.fixture(scope="module")
def sample_store(sample_ledger) -> EmbeddedStore:
    return EmbeddedStore.from_ledger(sample_ledger, use_cache=False)


# ---------------------------------------------------------------- subgraph


def test_a_crowd_of_members_becomes_one_summary_node(crowd):
    sub = neighbourhood(crowd, ["C"], 1, cap=150, as_of="2026-01-01")
    assert set(sub.nodes) == {"C", "S", "G1", "G2", "O1"}  # O3's link ended in 2020
    assert [(s.via, s.label, s.count, s.rel) for s in sub.summaries] == [
        ("C", "Member", 300, "REPORTS_TO")
    ]
    assert count_label(300, "Member", "zh") == "300 名党员"
    assert count_label(300, "Member", "en") == "300 party members"
    assert {(e.source, e.target) for e in sub.edges} == {
        ("C", "S"),
        ("G1", "C"),
        ("G2", "C"),
        ("O1", "C"),
    }


def test_cap_keeps_structure_first_and_summarises_the_rest(crowd):
    sub = neighbourhood(crowd, ["C"], 2, cap=8, group_max=1000, as_of="2026-01-01")
    assert len(sub.nodes) == 8
    # step one fills the cap in order: regions, organisations, then members by id
    assert list(sub.nodes) == ["C", "G1", "G2", "S", "O1", "M000", "M001", "M002"]
    # everything else within two steps is counted once in a summary
    assert sub.hidden == Counter({"Member": 297, "Building": 5, "Region": 1, "PartyOrg": 1})
    assert len(sub.summaries) <= 40


def test_flagged_entities_are_drawn_even_in_a_crowd(crowd):
    sub = neighbourhood(crowd, ["C"], 1, cap=150, priority={"M007"}, as_of="2026-01-01")
    assert "M007" in sub.nodes
    assert [s.count for s in sub.summaries] == [299]


def test_type_filter_depth_and_personal_relationships(crowd):
    sub = neighbourhood(crowd, ["G1"], 3, labels=["Region", "Building"], as_of="2026-01-01")
    assert {sub.nodes[n][0] for n in sub.nodes} == {"Region", "Building"}
    assert {sub.depth[n] for n in sub.nodes} == {0, 1, 2, 3}
    homes = neighbourhood(crowd, ["B0"], 1, exclude=PERSONAL_RELS)
    assert set(homes.nodes) == {"B0", "G1"}
    assert "LIVES_IN" in PERSONAL_RELS


def test_proposed_pairings_bring_their_partner(crowd):
    sub = neighbourhood(crowd, ["G1"], 1)
    assert add_pairings(sub, crowd, [("O2", "O1", {"reason_zh": "近", "reason_en": "near"})]) == 1
    assert "O1" in sub.nodes
    assert any(
        e.type == "PROPOSED_PAIR" and (e.source, e.target) == ("O1", "O2") for e in sub.edges
    )


def test_neighbourhood_on_sample_counts_every_neighbour_once(sample_store):
    tree = region_tree(sample_store)
    community = tree.of_level("community")[0]
    neighbours = {x for e in sample_store.neighbours([community]) for x in (e.source, e.target)} - {
        community
    }
    sub = neighbourhood(sample_store, [community], 1, cap=10, group_max=3)
    assert len(sub.nodes) <= 10
    assert len(sub.nodes) - 1 + sum(s.count for s in sub.summaries) == len(neighbours)


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["勝利", "胜利", "ＳＬ", "sl", "sljd", "勝利街道"])
def test_search_finds_the_street_however_typed(sample_store, query):
    index = SearchIndex.from_store(sample_store)
    street = next(r for r in sample_store.node_summaries(["Region"]) if r["level"] == "street")
    assert "胜利" in street["name"]
    assert street["id"] in [h.id for h in index.search(query, limit=50)]


def test_search_folds_official_names(sample_store):
    index = SearchIndex.from_store(sample_store)
    org = next(
        r
        for r in sample_store.node_summaries(["PartyOrg"])
        if r["name"].startswith("中共") and r["name"].endswith("委员会")
    )
    core = org["name"][2:-3]  # 中共胜利街道工作委员会 → 胜利街道工作
    variants = [
        org["name"],
        "中国共产党" + core + "委员会",
        core.replace("工作", "") + ("党工委" if "工作" in core else "党委"),
        org["name"].replace("胜利", "勝利").replace("员会", "員會"),
    ]
    for v in variants:
        assert org["id"] == index.search(v, limit=5)[0].id, v


def test_members_are_found_by_pseudonym_only(crowd):
    plain = SearchIndex.from_store(crowd)
    assert plain.search("张7") == [] or all(h.label != "Member" for h in plain.search("张7"))
    assert [h.id for h in plain.search(pseudonym("M007"))] == ["M007"]
    named = SearchIndex.from_store(crowd, with_names=True)
    assert "M007" in [h.id for h in named.search("张7", limit=20)]


# ---------------------------------------------------------------- escaping and privacy


def test_drawing_escapes_names_and_runs_nothing(crowd):
    sub = neighbourhood(crowd, ["G1"], 1)
    page = render_html(sub, flags={"O2": [("规则", "原因 <script>alert(2)</script>")]})
    assert XSS not in page and "<script>alert(2)" not in page
    assert "onerror=alert(1)" in html.unescape(page.replace("\\u0026", "&"))  # shown as text
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 2  # vis-network and the drawing; nothing from the data
    assert "https://" not in page.split("<script>")[0]  # nothing fetched from the network


def test_script_end_tag_in_a_name_stays_in_its_string():
    store = EmbeddedStore()
    g = GraphData()
    g.nodes["X"] = (
        "Unit",
        {"id": "X", "name": "</script><script>alert(3)</script>", "kind": "private"},
    )
    store.write(g)
    page = render_html(neighbourhood(store, ["X"], 1))
    assert "</script><script>alert(3)" not in page


def test_members_pseudonymised_in_drawings_rows_and_exports(crowd):
    sub = neighbourhood(crowd, ["C"], 1, cap=500, group_max=1000)
    page = render_html(sub)
    rows = node_rows(sub)
    assert "张7" not in page and not any("张" in r["name"] for r in rows)
    assert pseudonym("M007") in page
    label, props = sub.nodes["M007"]
    assert node_name("M007", label, props, with_names=True) == "张7"
    archive = csv_zip(scoped_graph(crowd, None))
    assert "张7".encode() not in archive


def test_scope_of_a_grid_holds_its_buildings_and_orgs(crowd):
    tree = region_tree(crowd)
    assert tree.path("G1") == ["D", "S", "C", "G1"]
    inside = scope_ids(crowd, tree, "G1")
    assert {"G1", "B0", "B4", "O2"} <= inside
    assert "C" not in inside and "G2" not in inside
    assert scope_ids(crowd, tree, None) is None


# ---------------------------------------------------------------- Cypher console


@pytest.mark.parametrize(
    "query,ok",
    [
        ("MATCH (n) RETURN n LIMIT 1;", True),
        ("MATCH (n) WHERE n.name = 'a;b' RETURN n // a comment; with a semicolon", True),
        ("LOAD CSV FROM 'x' AS r RETURN r", False),
        ("MATCH (n) RETURN n; CREATE (x)", False),
        ("match (n) call { return 1 as x } in transactions return n", False),
        ("SHOW USERS", False),
    ],
)
def test_lexical_check(query, ok):
    if ok:
        assert console.lexical_check(query)
    else:
        with pytest.raises(console.RefusedQuery):
            console.lexical_check(query)


# the console against the real server: tests/test_console_guard.py


@pytest.mark.neo4j
def test_neighbourhood_is_the_same_on_neo4j(
    sample_ledger, sample_store, neo4j_driver, neo4j_settings
):
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    store.write(load_ledger(sample_ledger))
    community = region_tree(sample_store).of_level("community")[0]
    for depth in (1, 2):
        a = neighbourhood(sample_store, [community], depth, cap=40, group_max=5)
        b = neighbourhood(store, [community], depth, cap=40, group_max=5)
        assert set(a.nodes) == set(b.nodes)
        assert a.summaries == b.summaries
        assert {(e.source, e.target, e.type) for e in a.edges} == {
            (e.source, e.target, e.type) for e in b.edges
        }
    assert region_tree(store).regions == region_tree(sample_store).regions


# ---------------------------------------------------------------- background warm-up


def test_warm_up_fills_every_cache_the_pages_read_first(monkeypatch, sample_ledger):
    from lianjian.dashboard import state

    calls = []
    monkeypatch.setattr(state, "gaps_of", lambda *a: calls.append(("gaps", a[:2])))
    monkeypatch.setattr(state, "pairing_of", lambda *a: calls.append(("pairing", a[:3])))
    monkeypatch.setattr(state, "coverage_of", lambda *a: calls.append(("coverage", a[:3])))
    store = EmbeddedStore.from_ledger(sample_ledger)
    thread = state.warm_up.__wrapped__("k", "2026-06-30", store)
    thread.join(60)
    assert not thread.is_alive() and thread.daemon
    assert calls == [  # what the Overview shows first comes first; the pairings last
        ("gaps", ("k", "2026-06-30")),
        *[("coverage", ("k", level, "2026-06-30")) for level in state.SCOPE_LEVELS],
        ("pairing", ("k", "2026-06-30", state.PAIRING_CAPACITY)),
    ]


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch, caplog, sample_ledger):
    from lianjian.dashboard import state

    def broken(*a):
        raise RuntimeError("server went away")

    monkeypatch.setattr(state, "gaps_of", broken)
    thread = state.warm_up.__wrapped__("k2", "2026-06-30", None)
    thread.join(60)
    assert "warming the dashboard's caches failed" in caplog.text
    assert "server went away" in caplog.text


def test_a_gap_is_drawn_in_its_own_colour_and_the_legend_beside_the_drawing(crowd):
    from lianjian.dashboard.render import FLAG_COLOR, GAP_COLOR

    assert GAP_COLOR not in {n.color for n in SCHEMA.nodes.values()}
    sub = neighbourhood(crowd, ["O2"], 1)
    page = render_html(sub, flags={"O2": [("规则", "原因")]})
    nodes = json.loads(re.search(r"var rawNodes = (.*?);\n", page).group(1))
    flagged = next(n for n in nodes if n["id"] == "O2")
    assert flagged["color"]["background"] == FLAG_COLOR["background"] == GAP_COLOR
    assert flagged["color"]["background"] != SCHEMA.nodes["PartyOrg"].color
    assert page.index('id="legend"') < page.index('id="graph"')  # above it, not over it
    assert ".legend { position: absolute" not in page


def test_xlsx_cells_are_inert_text_or_numbers(tmp_path):
    from openpyxl import load_workbook

    from lianjian.dashboard.tables import xlsx_bytes

    rows = [
        {"名称": '=HYPERLINK("http://x","点我")', "数量": 3, "说明": "+1\x07", "空": None},
        {"名称": "@SUM(A1)", "数量": 2.5, "说明": "-2", "空": ""},
    ]
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes(rows, ["名称", "数量", "说明", "空"], "数据"))
    ws = load_workbook(path)["数据"]
    cells = [[c for c in row] for row in ws.iter_rows()]
    assert [c.value for c in cells[0]] == ["名称", "数量", "说明", "空"]
    assert [c.value for c in cells[1][:3]] == ['\'=HYPERLINK("http://x","点我")', 3, "'+1"]
    assert [c.value for c in cells[2][:3]] == ["'@SUM(A1)", 2.5, "'-2"]
    assert all(c.data_type != "f" for row in cells for c in row)


def test_export_tables_speak_chinese_and_keep_members_pseudonymous(sample_store, tmp_path):
    from openpyxl import load_workbook

    from lianjian.dashboard.tables import graph_tables, graph_xlsx

    data = scoped_graph(sample_store, None)
    tables = graph_tables(data)
    name, heads, rows = tables["orgs"]
    assert name == "党组织" and heads[:3] == ["编号", "名称", "类型"]
    kinds = {r["类型"] for r in rows}
    assert "党工委" in kinds and "working_committee" not in kinds
    values = [v for _, _, rs in tables.values() for r in rs for v in r.values()]
    assert not [v for v in values if isinstance(v, bool)] and "是" in values  # yes/no in words
    assert tables["relationships"][1][:3] == ["起点", "终点", "关系"]
    path = tmp_path / "g.xlsx"
    path.write_bytes(graph_xlsx(data))
    book = load_workbook(path)
    assert "党员" in book.sheetnames and "关系" in book.sheetnames
    members = list(book["党员"].iter_rows(values_only=True))
    names = {r["name"] for r in sample_store.node_summaries(["Member"])}
    assert not names & {v for row in members for v in row}
    assert list(graph_tables(data, lang="en")["orgs"][1][:2]) == ["ID", "Name"]
