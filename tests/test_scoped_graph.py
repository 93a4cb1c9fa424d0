"""The dashboard's export of a scope (:func:`scoped_graph`) reads the relationships of the
scope's nodes only (``edges_at``), and holds what filtering every relationship of
the graph gave: the same nodes and relationships, on the embedded store and on Neo4j."""

from __future__ import annotations

import random

import pytest

from lianjian.core.model import GraphData
from lianjian.core.schema import SCHEMA
from lianjian.dashboard.subgraph import PERSONAL_RELS
from lianjian.dashboard.tables import scoped_graph
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.scope import region_tree, scope_ids, scoped_stats


def _filtered(store, allowed: set[str], with_names: bool) -> GraphData:
    """The scope as it was read before: every relationship of the types, then filtered."""
    data = GraphData()
    data.nodes.update(store.nodes(allowed))
    types = [r for r in SCHEMA.relationships if with_names or r not in PERSONAL_RELS]
    data.edges = [
        e for e in store.edges_of_type(types) if e.source in data.nodes and e.target in data.nodes
    ]
    return data


def _scopes(store) -> list[set[str]]:
    ids = sorted(r["id"] for r in store.node_summaries())
    rng = random.Random(7)
    return [set(rng.sample(ids, len(ids) // 2)), set(ids[:40]), {ids[0]}, set()]


@pytest.fixture
def sample_store(sample_ledger) -> EmbeddedStore:
    store = EmbeddedStore()
    store.write(load_ledger(sample_ledger))
    return store


@pytest.mark.parametrize("with_names", [False, True])
def test_a_scope_holds_what_filtering_every_relationship_gave(sample_store, with_names):
    for allowed in _scopes(sample_store):
        got = scoped_graph(sample_store, allowed, with_names)
        want = _filtered(sample_store, allowed, with_names)
        assert got.nodes == want.nodes
        assert got.edges == want.edges  # the same order: the tables' rows do not move
    assert len(scoped_graph(sample_store, _scopes(sample_store)[0]).edges) > 50


def test_edges_at_reads_only_the_nodes_given(sample_store):
    (a, b) = sorted(r["id"] for r in sample_store.node_summaries(["PartyOrg"]))[:2]
    out = sample_store.edges_at([a], list(SCHEMA.relationships))
    assert out and {e.source for e in out} == {a}
    assert sample_store.edges_at([a], ["NO_SUCH_TYPE"]) == []
    rel = out[0].type
    both = sample_store.edges_at([a, b], [rel])
    assert {e.type for e in both} == {rel} and {e.source for e in both} <= {a, b}


@pytest.mark.neo4j
def test_neo4j_scopes_are_the_embedded_ones(
    neo4j_driver, neo4j_settings, sample_ledger, sample_store
):
    from lianjian.graph.neo4j.store import Neo4jStore  # the driver: only for this test

    data = load_ledger(sample_ledger)
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    store.write(data)
    key = lambda e: (e.type, e.source, e.target, e.key)  # noqa: E731
    for allowed in _scopes(sample_store):
        for with_names in (False, True):
            got = scoped_graph(store, allowed, with_names)
            want = _filtered(store, allowed, with_names)
            assert got.nodes == want.nodes
            assert sorted(got.edges, key=key) == sorted(want.edges, key=key)
            embedded = scoped_graph(sample_store, allowed, with_names)
            assert sorted(got.edges, key=key) == sorted(embedded.edges, key=key)
            assert [e.type for e in got.edges] == sorted(
                (e.type for e in got.edges), key=list(SCHEMA.relationships).index
            )
    assert _check_scopes(store, reference=sample_store) >= 3  # walked in Cypher


_MEMBER = ("MEMBER_OF", "REPORTS_TO", "ASSIGNED_TO", "LIVES_IN", "WORKS_AT")
_TYPES = ("IN_GRID", "IN_COMPOUND", "LOCATED_IN", "COVERS", "ORG_OF_UNIT", "SUB_ORG_OF")
_LISTS = ("NEEDED_IN", "OFFERED_BY", "SERVES_AREA", "FOR_NEED", "SERVICE_BY", "SERVICE_FOR")


def _scope_by_every_relationship(store, tree, region_id: str) -> set[str]:
    """The scope as it was read before: every relationship of the types, then walked."""
    regions = tree.subtree(region_id)
    by: dict[str, list[tuple[str, str]]] = {}
    for e in store.edges_of_type(_TYPES + _MEMBER + _LISTS):
        by.setdefault(e.type, []).append((e.source, e.target))
    at = lambda t, ends: {s for s, d in by.get(t, ()) if d in ends}  # noqa: E731
    buildings = at("IN_GRID", regions) | at("IN_COMPOUND", regions)
    units = at("LOCATED_IN", regions | buildings)
    places = regions | buildings | units
    orgs = at("COVERS", places) | at("ORG_OF_UNIT", units)
    while True:
        more = at("SUB_ORG_OF", orgs) - orgs
        if not more:
            break
        orgs |= more
    inside = places | orgs
    members = {s for t in _MEMBER for s in at(t, inside)}
    needs = at("NEEDED_IN", regions)
    resources = at("OFFERED_BY", inside) | at("SERVES_AREA", regions)
    projects = at("FOR_NEED", needs)
    services = at("SERVICE_BY", members) | at("SERVICE_FOR", needs | projects)
    return inside | members | needs | resources | projects | services


def _check_scopes(store, reference=None) -> int:
    tree = region_tree(store)
    checked = 0
    for region in tree.regions:
        got = scope_ids(store, tree, region)
        assert got == _scope_by_every_relationship(reference or store, tree, region), region
        assert scoped_stats(store, got) == scoped_stats(reference or store, got)
        checked += len(got) > len(tree.subtree(region))
    return checked


def test_a_scope_is_walked_from_its_regions_as_from_every_relationship(
    sample_store, jingzhou_small
):
    assert _check_scopes(sample_store) >= 3
    jz = EmbeddedStore()
    jz.write(load_ledger(jingzhou_small))
    assert _check_scopes(jz) >= 10
    tree = region_tree(jz)
    (city,) = tree.roots()
    stats = scoped_stats(jz, scope_ids(jz, tree, city))
    assert stats.nodes and stats.relationships["MEMBER_OF"] > 100
