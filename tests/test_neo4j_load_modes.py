"""A load into a database holding no graph CREATEs; one into a database holding a graph
(an update, a second load) MERGEs: the database ends with the same content either way,
compared by ``Neo4jStore.checksum()`` against the model the database should hold."""

from __future__ import annotations

import pytest

from lianjian.core.model import GraphData
from lianjian.graph.neo4j.store import Neo4jStore, stored_model
from lianjian.loaders.ledger import load_ledger
from tests.test_neo4j_faults import duplicates

pytestmark = pytest.mark.neo4j


@pytest.fixture
def written(monkeypatch):
    """The Cypher of every write batch sent while the test runs."""
    from neo4j import ManagedTransaction

    real_run = ManagedTransaction.run
    sent: list[str] = []

    def run(self, query, parameters=None, **kw):
        if query.startswith("UNWIND"):
            sent.append(query)
        return real_run(self, query, parameters, **kw)

    monkeypatch.setattr(ManagedTransaction, "run", run)
    return sent


def test_a_create_load_holds_what_a_merge_load_holds(
    jingzhou_small, neo4j_driver, neo4j_settings, written
):
    data = load_ledger(jingzhou_small)
    db = neo4j_settings["database"]
    store = Neo4jStore(neo4j_driver, db)
    want = stored_model(data).checksum()

    store.write(data, fingerprint="x")  # an empty database: CREATE
    assert written and all(" CREATE " in q and "MERGE" not in q for q in written)
    assert store.checksum() == want
    assert store.stats() == data.stats()

    written.clear()
    store.write(data, fingerprint="x")  # the same ledger again: MERGE, nothing doubled
    assert written and all("MERGE" in q and " CREATE " not in q for q in written)
    assert duplicates(neo4j_driver, db) == (0, 0)
    assert store.checksum() == want

    # a MERGE load from a database holding part of the graph gives the same content
    store.clear()
    first_id, first = next(iter(data.nodes.items()))
    store.write(GraphData({first_id: first}))
    written.clear()
    store.write(data, fingerprint="x")
    assert written and all("MERGE" in q for q in written)
    assert store.checksum() == want
