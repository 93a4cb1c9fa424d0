"""The dashboard's export of a scope (:func:`scoped_graph`) reads the relationships of the
scope's nodes only (``edges_from``), and holds what filtering every relationship of
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


def test_edges_from_reads_only_the_nodes_given(sample_store):
    (a, b) = sorted(r["id"] for r in sample_store.node_summaries(["PartyOrg"]))[:2]
    out = sample_store.edges_from([a], list(SCHEMA.relationships))
    assert out and {e.source for e in out} == {a}
    assert sample_store.edges_from([a], ["NO_SUCH_TYPE"]) == []
    rel = out[0].type
    both = sample_store.edges_from([a, b], [rel])
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
