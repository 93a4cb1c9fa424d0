"""Strong leads weak on random ledgers: the plan keeps every constraint and is never
worse than greedy (Hypothesis), and Cypher on Neo4j and NetworkX gather the same facts,
hence the same scores and plan; ``lianjian pair --write`` on Neo4j.

The random ledgers are those of the gap parity test (``tests/random_ledgers.py``); the
constraints are checked against the ledger rows themselves, not the module's own terms.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.pairing.facts import EDUCATED, gather
from lianjian.queries.pairing.params import PairingParams
from lianjian.queries.pairing.plan import CostModel, greedy_plan, optimal_plan, plan_cost
from lianjian.queries.pairing.plan import _Site as Site
from lianjian.queries.pairing.propose import propose, strength_scores
from tests.ledgers import write_ledger
from tests.pairing_ledger import PAIRING_HAND as HAND
from tests.random_ledgers import AS_OF, HEADERS, ledgers, with_headers

LEADER_KINDS = {
    "working_committee",
    "committee",
    "general_branch",
    "branch",
    "joint_branch",
    "temporary_branch",
    "functional",
    "big_committee",
    "alliance",
}


def _rows(tables: dict[str, list[list[str]]], table: str) -> list[dict[str, str]]:
    return [dict(zip(HEADERS[table], row, strict=True)) for row in tables[table]]


def expected_terms(tables: dict[str, list[list[str]]]):
    """From the rows: ratings and kinds, the weak and leader sets (default thresholds),
    who is partnered, and whom each org leads, by the definitions of docs/rules.md."""
    orgs = {o["id"]: o for o in _rows(tables, "orgs")}
    rating = {o: int(r["rating"]) if r["rating"] else None for o, r in orgs.items()}
    weak = {o for o, r in rating.items() if r is not None and r <= 2}
    strong = {
        o for o, r in rating.items() if r is not None and r >= 4 and orgs[o]["kind"] in LEADER_KINDS
    }
    partnered: set[str] = set()
    led: dict[str, set[str]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    for link in _rows(tables, "links"):
        s, t, kind, until = link["source"], link["target"], link["kind"], link["until"]
        key = (kind, s, t, link["since"])
        if key in seen:  # the loader rejects a second link of one kind, ends and start date
            continue
        if s == t or (until and link["since"] and until < link["since"]):
            continue  # and a link of an org to itself, or one that ends before it starts
        seen.add(key)
        if until and until < AS_OF:
            continue
        if kind == "strong_leads_weak":
            partnered.add(t)
            led.setdefault(s, set()).add(t)
        elif kind == "joint_build":
            for a, b in ((s, t), (t, s)):
                if (rating.get(b) or 0) >= 4:
                    partnered.add(a)
                    if a in weak:
                        led.setdefault(b, set()).add(a)
    return weak, strong, partnered, led


def check_plan(result, tables, capacity: int) -> None:
    weak, strong, partnered, led = expected_terms(tables)
    proposals = result.proposals
    todo = weak - partnered
    assert set(result.weak) == weak and set(result.strong) == strong
    # only weak → strong, never a weak org that is partnered already (active pairs kept)
    assert all(p.weak in todo and p.strong in strong for p in proposals)
    # each weak org gets at most one new partner; proposals and unmatched split the rest
    assert len({p.weak for p in proposals}) == len(proposals)
    assert {p.weak for p in proposals} | set(result.unmatched) == todo
    assert not {p.weak for p in proposals} & set(result.unmatched)
    # capacity, counting the active links
    new: dict[str, int] = {}
    for p in proposals:
        new[p.strong] = new.get(p.strong, 0) + 1
    for s, n in new.items():
        assert len(led.get(s, ())) + n <= capacity, s
    # as many pairs as the room allows
    room = sum(max(0, capacity - len(led.get(s, ()))) for s in strong)
    assert len(proposals) == min(len(todo), room)
    # optimal is never worse than greedy, which pairs as many
    assert result.greedy_pairs == len(proposals)
    assert result.total_cost <= result.greedy_cost + 1e-9
    assert result.total_cost == pytest.approx(sum(p.cost for p in proposals), abs=1e-3)
    # every score is the sum of its contributions
    for s in result.scores.values():
        assert s.score == round(sum(s.contributions.values()), 4)
        assert 0 <= s.score <= 1


@settings(max_examples=150, deadline=None)
@given(tables=ledgers(), capacity=st.integers(0, 3))
def test_plan_keeps_every_constraint_on_random_ledgers(tables, capacity):
    with tempfile.TemporaryDirectory() as tmp:
        data = load_ledger(write_ledger(Path(tmp), with_headers(tables)))
    store = EmbeddedStore()
    store.write(data)
    result = propose(store, as_of=AS_OF, capacity=capacity)
    check_plan(result, tables, capacity)
    # the audit's weak orgs without a partner are those of the gap rule
    gaps = find_gaps(store, AS_OF, rules=["weak_without_partner"]).ids("weak_without_partner")
    audited = [a.ids[0] for a in result.audit if a.kind == "weak_without_partner"]
    assert sorted(audited) == gaps


# ---------------------------------------------------------------- the flow network

# where an org may lie: (community, street, district), some levels unknown
PLACES = [
    ("C1", "S1", "D1"),
    ("C2", "S1", "D1"),
    ("C3", "S2", "D1"),
    ("C4", "S3", "D2"),
    (None, "S1", "D1"),  # placed at street level
    ("C9", None, None),  # a community outside any street
    (None, None, "D2"),
    (None, None, None),  # unplaced
]


@st.composite
def problems(draw):
    """Weak orgs, leaders with room, and their sites (place, coordinates, score)."""
    point = st.one_of(st.none(), st.tuples(st.floats(29.9, 30.1), st.floats(111.9, 112.1)))
    n_weak, n_strong = draw(st.integers(0, 9)), draw(st.integers(0, 7))
    sites, room = {}, {}
    for i in range(n_weak + n_strong):
        c, s, d = draw(st.sampled_from(PLACES))
        score = draw(st.integers(0, 4000)) if i < n_weak else draw(st.integers(2000, 10_000))
        sites[f"o{i}"] = Site(c, s, d, draw(point), score)
    for i in range(n_weak, n_weak + n_strong):
        room[f"o{i}"] = draw(st.integers(0, 3))
    params = draw(st.sampled_from([{}, {"cost_gap": 45}, {"cost_per_km": 3, "unknown_km": 4}]))
    return [f"o{i}" for i in range(n_weak)], room, CostModel(sites, PairingParams(**params))


def full_bipartite_cost(weak, room, m) -> int:
    """The reference: every weak org linked to every leader at the pair's own cost."""
    flow = min(len(weak), sum(room.values()))
    if flow == 0:
        return 0
    g = nx.DiGraph()
    g.add_node("src", demand=-flow)
    g.add_node("sink", demand=flow)
    for w in weak:
        g.add_edge("src", w, capacity=1, weight=0)
        for s, r in room.items():
            if r:
                g.add_edge(w, s, capacity=1, weight=m.pair_cost(w, s))
    for s, r in room.items():
        if r:
            g.add_edge(s, "sink", capacity=r, weight=0)
    return nx.network_simplex(g)[0]


@settings(max_examples=300, deadline=None)
@given(problem=problems())
def test_the_linear_network_finds_the_full_optimum(problem):
    weak, room, m = problem
    best = optimal_plan(weak, room, m)
    greedy = greedy_plan(weak, room, m)
    assert len(best) == len(greedy) == min(len(weak), sum(room.values()))
    assert plan_cost(best, m) == full_bipartite_cost(weak, room, m)
    assert plan_cost(best, m) <= plan_cost(greedy, m)
    used: dict[str, int] = {}
    for s in best.values():
        used[s] = used.get(s, 0) + 1
    assert all(n <= room[s] for s, n in used.items())


# ---------------------------------------------------------------- Neo4j


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
def test_engines_agree_on_the_pairing_ledger(pairing_ledger, neo):
    embedded, neo = _both(load_ledger(pairing_ledger), neo)
    facts = [gather(s, AS_OF, born_after=1986, educated=EDUCATED) for s in (embedded, neo)]
    assert facts[0] == facts[1]
    assert facts[0].orgs["W1"].point == (30.0, 112.0)
    assert facts[0].orgs["A2"].place.community == "C1"
    assert strength_scores(neo, AS_OF) == strength_scores(embedded, AS_OF)
    for capacity in (0, 2, 3):
        assert (
            propose(neo, AS_OF, capacity).to_dict() == propose(embedded, AS_OF, capacity).to_dict()
        )


@pytest.mark.neo4j
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=ledgers(), capacity=st.integers(0, 3))
def test_engines_agree_on_random_ledgers(neo4j_driver, neo4j_settings, tables, capacity):
    with tempfile.TemporaryDirectory() as tmp:
        data = load_ledger(write_ledger(Path(tmp), with_headers(tables)))
    neo = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    embedded, neo = _both(data, neo)
    try:
        on_neo = propose(neo, AS_OF, capacity)
        on_nx = propose(embedded, AS_OF, capacity)
    finally:
        neo.clear()
    assert on_neo.scores == on_nx.scores
    assert on_neo.to_dict() == on_nx.to_dict()
    assert (on_neo.total_cost, on_neo.greedy_cost) == (on_nx.total_cost, on_nx.greedy_cost)


def _count(neo, rel: str) -> int:
    records, _, _ = neo.driver.execute_query(
        "MATCH ()-[r]->() WHERE type(r) = $rel RETURN count(r) AS n",
        rel=rel,
        database_=neo.database,
    )
    return records[0]["n"]


@pytest.mark.neo4j
def test_cli_write_stores_proposed_pairs_on_neo4j(pairing_ledger, neo, neo4j_settings, monkeypatch):
    monkeypatch.setenv("NEO4J_USER", neo4j_settings["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings["password"])
    args = ["pair", str(pairing_ledger), "-b", "neo4j", "--uri", neo4j_settings["uri"]]
    args += ["--database", neo4j_settings["database"], "--as-of", AS_OF, "-f", "json"]
    run = CliRunner().invoke
    res = run(app, args)  # loads the ledger into the empty database, writes nothing
    assert res.exit_code == 0, res.output
    plan = json.loads(res.output)
    joint = _count(neo, "JOINT_BUILD")
    assert joint == len(HAND["links"]) - 1 and _count(neo, "PROPOSED_PAIR") == 0

    for capacity in ("3", "2"):  # the second run replaces the first's proposals
        res = CliRunner().invoke(app, [*args, "--write", "-c", capacity])
        assert res.exit_code == 0, res.output
        assert "wrote 5 PROPOSED_PAIR" in res.stderr
    assert json.loads(res.stdout)["proposals"] != plan["proposals"]
    assert _count(neo, "JOINT_BUILD") == joint
    records, _, _ = neo.driver.execute_query(
        "MATCH (s)-[r:PROPOSED_PAIR]->(w) RETURN s.id AS s, w.id AS w, r.cost AS cost, "
        "r.as_of AS as_of, r.capacity AS capacity ORDER BY w",
        database_=neo.database,
    )
    got = [(r["w"], r["s"], r["cost"], r["as_of"], r["capacity"]) for r in records]
    expected = [
        (p["weak"], p["strong"], p["cost"], AS_OF, 2) for p in json.loads(res.stdout)["proposals"]
    ]
    assert got == expected


# ---------------------------------------------------------------- a generated ledger


def test_generated_ledger_plan_and_benchmark(jingzhou_small):
    from lianjian.bench.pairing import bench

    report = bench(jingzhou_small, as_of=AS_OF, capacity=1)
    plan = report["plan"]
    assert plan["weak"] > 0 and plan["leaders"] > 0 and plan["weak_to_pair"] > 0
    assert plan["covered_optimal"] == plan["covered_greedy"]
    assert plan["covered_optimal"] == min(plan["weak_to_pair"], plan["room"])
    assert plan["total_cost_optimal"] <= plan["total_cost_greedy"]
    assert plan["saving"] == pytest.approx(plan["total_cost_greedy"] - plan["total_cost_optimal"])
    store = EmbeddedStore.from_ledger(jingzhou_small, use_cache=False)
    result = propose(store, as_of=AS_OF, capacity=1)
    loads: dict[str, int] = {}
    for p in result.proposals:
        loads[p.strong] = loads.get(p.strong, 0) + 1
        assert p.weak in result.weak and p.strong in result.strong
    assert all(n <= 1 for n in loads.values())
    assert len(result.proposals) == plan["covered_optimal"]


@pytest.mark.neo4j
def test_engines_agree_on_a_generated_ledger(jingzhou_small, neo):
    embedded, neo = _both(load_ledger(jingzhou_small), neo)
    facts = [gather(s, AS_OF, born_after=1986, educated=EDUCATED) for s in (embedded, neo)]
    assert facts[0] == facts[1]
    assert sum(1 for o in facts[0].orgs.values() if o.point is not None) > 0
    assert sum(o.employed_in_area for o in facts[0].orgs.values()) > 0
    for capacity in (1, 3):
        on_neo, on_nx = propose(neo, AS_OF, capacity), propose(embedded, AS_OF, capacity)
        assert on_neo.to_dict() == on_nx.to_dict()
        assert on_neo.scores == on_nx.scores
