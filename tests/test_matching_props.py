"""Matching on random ledgers: the plan keeps every constraint and is never worse than
greedy (Hypothesis); Cypher on Neo4j and NetworkX gather the same facts, hence the same
proposals, on random ledgers and on the hand ledger (tests/test_matching.py).

The random ledgers are those of the gap parity test (``tests/random_ledgers.py``) with the
members' skills and posts, a need list and a resource list added; the constraints are
checked against those rows, not the module's own terms.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianjian.core.privacy import pseudonym
from lianjian.core.schema import SCHEMA
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.matching.facts import gather
from lianjian.queries.matching.match import match
from lianjian.queries.matching.services import summarise
from tests.ledgers import write_ledger
from tests.random_ledgers import AS_OF, HEADERS, ledgers, maybe

LISTS = Path(__file__).parent / "fixtures" / "lists"
CATEGORIES = ["legal", "education", "elderly"]
WORDS = ["法律", "课业辅导", "助老", "摄影", ""]  # 摄影: a skill of no category
LIST_HEADERS = {
    "needs": ["id", "name", "category", "region", "quantity", "raised", "status"],
    "resources": ["id", "name", "category", "provider", "capacity", "area"],
}


@st.composite
def list_ledgers(draw) -> dict[str, list[list[str]]]:
    """A random ledger (:func:`tests.random_ledgers.ledgers`) with skills, needs, resources."""
    tables = draw(ledgers())
    regions = [r[0] for r in tables["regions"]]
    places = [r[0] for r in tables["regions"] if r[2] in ("community", "grid")]
    providers = [u[0] for u in tables["units"]] + [o[0] for o in tables["orgs"]]
    members = [[*m, maybe(draw, WORDS), maybe(draw, WORDS)] for m in tables["members"]]
    needs = [
        [
            f"N{i}",
            f"需求{i}",
            draw(st.sampled_from(CATEGORIES)),
            draw(st.sampled_from([*places, "X404"])),
            maybe(draw, ["1", "2", "3"]),
            maybe(draw, ["2026-01-01", AS_OF, "2026-07-01"]),
            maybe(draw, ["open", "done", "claimed"], 2),
        ]
        for i in range(draw(st.integers(0, 8)))
    ]
    resources = [
        [
            f"R{i}",
            f"资源{i}",
            draw(st.sampled_from(CATEGORIES)),
            draw(st.sampled_from([*providers, "Z404"])) if providers else "Z404",
            maybe(draw, ["0", "1", "2", "-1"]),
            maybe(draw, regions, 2),
        ]
        for i in range(draw(st.integers(0, 6)))
    ]
    return {**tables, "members": members, "needs": needs, "resources": resources}


def _write(tmp: Path, tables: dict[str, list[list[str]]]) -> Path:
    headers = {**HEADERS, **LIST_HEADERS, "members": [*HEADERS["members"], "skills", "posts"]}
    return write_ledger(tmp, {t: [headers[t], *rows] for t, rows in tables.items()})


def _load(tables):
    with tempfile.TemporaryDirectory() as tmp:
        return load_ledger(_write(Path(tmp), tables))


def check_plan(data, result) -> None:
    """Each proposal within the rows' own terms: an open need raised by the date, a
    provider of its category with room, a member reporting to its community."""
    nodes = data.nodes
    member_of = {pseudonym(m): m for m, (label, _) in nodes.items() if label == "Member"}
    reports = {e.source: e.target for e in data.edges if e.type == "REPORTS_TO"}
    needed_in = {e.source: e.target for e in data.edges if e.type == "NEEDED_IN"}
    parent = {e.source: e.target for e in data.edges if e.type == "PART_OF"}
    served: dict[str, int] = defaultdict(int)
    load: dict[str, int] = defaultdict(int)
    for p in result.proposals:
        need = nodes[p.need][1]
        assert need.get("status", "open") == "open"
        assert need.get("raised") is None or need["raised"] <= AS_OF
        served[p.need] += p.units
        load[p.provider] += p.units
        if p.kind == "resource":
            res = nodes[p.provider][1]
            assert res["category"] == need["category"]
        else:
            m = member_of[p.provider]
            region = needed_in[p.need]
            community = region if nodes[region][1]["level"] == "community" else parent[region]
            assert reports[m] == community
            words = [*nodes[m][1].get("skills", []), *nodes[m][1].get("posts", [])]
            assert need["category"] in {SCHEMA.enum_value("service_category", w) for w in words}
    for n, units in served.items():
        assert units <= nodes[n][1].get("quantity", 1)
    for prov, units in load.items():
        cap = 2 if prov in member_of else nodes[prov][1].get("capacity", 1)
        assert units <= cap, prov
    left = {u.need: u.units for u in result.unmatched}
    for n, units in served.items():
        assert units + left.get(n, 0) == nodes[n][1].get("quantity", 1)
    assert result.matched_optimal >= result.matched_greedy
    assert result.optimal <= result.greedy


@settings(max_examples=120, deadline=None)
@given(tables=list_ledgers())
def test_plan_keeps_every_constraint_and_beats_greedy_on_random_ledgers(tables):
    data = _load(tables)
    store = EmbeddedStore()
    store.write(data)
    check_plan(data, match(store, AS_OF))


@pytest.fixture
def neo(neo4j_driver, neo4j_settings):
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    yield store
    store.clear()


def _both(data, neo):
    embedded = EmbeddedStore()
    embedded.write(data)
    neo.clear()
    neo.write(data)
    return embedded, neo


@pytest.mark.neo4j
def test_engines_agree_on_the_hand_ledger(neo):
    embedded, neo = _both(load_ledger(LISTS), neo)
    assert gather(neo, AS_OF) == gather(embedded, AS_OF)
    on_neo = match(neo, AS_OF).to_dict()
    assert on_neo == match(embedded, AS_OF).to_dict()
    assert on_neo["objective"] == {"optimal": 3080.0, "greedy": 4044.0}
    assert {p["need"] for p in on_neo["proposals"]} == {"N1", "N2", "N3", "N5"}
    for by in ("member", "unit"):
        assert summarise(neo, by) == summarise(embedded, by)
    assert [(t.key, t.hours) for t in summarise(neo, "unit")] == [("", 5.0), ("U3", 1.5)]


@pytest.mark.neo4j
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=list_ledgers())
def test_engines_agree_on_random_ledgers(neo4j_driver, neo4j_settings, tables):
    data = _load(tables)
    neo = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    embedded, neo = _both(data, neo)
    try:
        facts = gather(neo, AS_OF), gather(embedded, AS_OF)
        results = match(neo, AS_OF).to_dict(), match(embedded, AS_OF).to_dict()
    finally:
        neo.clear()
    assert facts[0] == facts[1]
    assert results[0] == results[1]
