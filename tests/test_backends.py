"""Both backends hold the same graph: equal stats, idempotent loads, the cache."""

from __future__ import annotations

import pytest

from lianjian.graph.backends import LedgerMismatch, open_graph
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jSettings, Neo4jStore
from lianjian.loaders.ledger import load_ledger
from tests.ledgers import REGIONS, write_ledger


def test_sample_is_clean(sample_data):
    rows_in, loaded, rejected = sample_data.report.totals
    assert rejected == 0 and rows_in == loaded > 0
    assert [p for p in sample_data.report.problems if p.severity != "notice"] == []


def test_embedded_stats_match_model(sample_ledger, sample_data):
    store = EmbeddedStore.from_ledger(sample_ledger, use_cache=False)
    assert store.stats() == sample_data.stats()
    assert set(store.stats().nodes) == {
        *("Region", "Building", "Unit", "PartyOrg", "Member"),
        *("Need", "Resource", "Project", "Service"),  # the three lists and the services
    }


def test_embedded_cache_second_start(sample_ledger):
    first = EmbeddedStore.from_ledger(sample_ledger)
    second = EmbeddedStore.from_ledger(sample_ledger)
    assert second.from_cache and first.stats() == second.stats()
    assert second.report.totals == first.report.totals


def test_cache_notices_a_changed_ledger(tmp_path):
    write_ledger(tmp_path, {"regions": REGIONS[:2]})
    assert EmbeddedStore.from_ledger(tmp_path).stats().nodes == {"Region": 1}
    write_ledger(tmp_path, {"regions": REGIONS[:3]})
    store = EmbeddedStore.from_ledger(tmp_path)
    assert not store.from_cache and store.stats().nodes == {"Region": 2}


@pytest.mark.neo4j
@pytest.mark.parametrize("ledger", ["sample", "jingzhou"])
def test_neo4j_equals_embedded_and_reload_is_idempotent(
    ledger, sample_ledger, jingzhou_small, neo4j_driver, neo4j_settings
):
    path = sample_ledger if ledger == "sample" else jingzhou_small
    data = load_ledger(path)
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    store.write(data)
    first = store.stats()
    assert first == EmbeddedStore.from_ledger(path, use_cache=False).stats()
    store.write(data)
    assert store.stats() == first
    # properties survive the trip: a node read back equals the model's
    node_id, (label, props) = next(iter(data.nodes.items()))
    records, _, _ = neo4j_driver.execute_query(
        f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p",
        id=node_id,
        database_=neo4j_settings["database"],
    )
    assert records[0]["p"] == {"id": node_id, **props}


@pytest.mark.neo4j
def test_open_graph_loads_empty_database_and_refuses_another_ledger(
    sample_ledger, tmp_path, neo4j_driver, neo4j_settings
):
    settings = Neo4jSettings(
        neo4j_settings["uri"],
        neo4j_settings["user"],
        neo4j_settings["password"],
        neo4j_settings["database"],
    )
    store = open_graph(sample_ledger, "neo4j", settings=settings)
    try:
        assert store.stats() == load_ledger(sample_ledger).stats()
    finally:
        store.close()
    write_ledger(tmp_path, {"regions": REGIONS[:2]})
    with pytest.raises(LedgerMismatch, match="--replace"):
        open_graph(tmp_path, "neo4j", settings=settings)


def test_settings_from_env_never_show_password(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://example.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_USER", "analyst")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-value")
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    s = Neo4jSettings.from_env()
    assert (s.uri, s.user, s.password, s.database) == (
        "neo4j+s://example.databases.neo4j.io",
        "analyst",
        "s3cret-value",
        "neo4j",
    )
    assert "s3cret" not in repr(s)


def test_settings_missing_uri_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(RuntimeError, match="NEO4J_URI"):
        Neo4jSettings.from_env()


def test_embedded_reads_see_every_write():
    """The embedded store keeps its view's label index between reads: a write rebuilds it."""
    from lianjian.core.model import GraphData
    from lianjian.graph.store import Query

    count = Query("n", "", lambda view, params, memo: [{"n": len(view.ids("Region"))}])
    store = EmbeddedStore()
    assert store.read([count], {})["n"] == [{"n": 0}]
    data = GraphData()
    data.nodes["G1"] = ("Region", {"name": "一网格", "level": "grid"})
    store.write(data)
    assert store.read([count], {})["n"] == [{"n": 1}]
    store.graph.add_node("G2", label="Region")  # even a change made beside the store
    assert store.read([count], {})["n"] == [{"n": 2}]
