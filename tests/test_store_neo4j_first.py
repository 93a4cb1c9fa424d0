"""A source's first version on Neo4j, written in batched transactions behind a marker.

One transaction held the whole ledger, and a server with a bounded transaction memory
pool refused it ("The memory pool limit was exceeded"). The first test proves its ledger
large enough to fail that way on its server, then loads it as a first version. The
second kills the server while a first version is under way: what it left is cleared by
the next load, which then holds what a clean load holds.
"""

from __future__ import annotations

import os

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import TransientError

from lianjian.generator.generate import generate
from lianjian.graph.neo4j import server as srv
from lianjian.graph.neo4j.marker import META_LABEL
from lianjian.graph.neo4j.personal import stored_props
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.graph.neo4j.writes import edge_cypher, edge_groups, node_cypher, node_groups
from lianjian.loaders.ledger import load_ledger
from tests.neo4j_fixture import start_server
from tests.record_ledgers import V1, V2
from tests.test_neo4j_faults import driver_for, kill_when, lianjian, private_server  # noqa: F401
from tests.test_neo4j_replace import bounded_server  # noqa: F401

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

PENDING = f"MATCH (m:{META_LABEL} {{key: 'ledger'}}) RETURN m.record_pending AS p"


def _env(info) -> dict[str, str]:
    return {**os.environ, "NEO4J_URI": info.uri, "NEO4J_USER": "neo4j",
            "NEO4J_PASSWORD": info.password, "NEO4J_DATABASE": "neo4j"}  # fmt: skip


def _first(ledger, env, timeout: float = 900) -> tuple[int, str, str]:
    load = lianjian("load", str(ledger), "--neo4j", "--source", "s", "--as-of", V1, env=env)
    out, err = load.communicate(timeout=timeout)
    return load.returncode, out, err


def _history(env) -> str:
    done = lianjian("history", "--neo4j", "--format", "json", env=env)
    out, err = done.communicate(timeout=240)
    assert done.returncode == 0, err
    return out


def _one_transaction(session, data) -> None:
    """The old way: every entity and link created in the load's one transaction."""
    with session.begin_transaction() as tx:
        held = node_groups(data, lambda i, lb, p: stored_props(i, lb, p, False))
        for label, rows in held.items():
            for batch in rows.batches(10000):
                tx.run(node_cypher(label, create=True), rows=batch).consume()
        for (t, sl, tl, props), rows in edge_groups(data):
            for batch in rows.batches(10000):
                tx.run(edge_cypher(t, sl, tl, props, create=True), rows=batch).consume()
        tx.rollback()


def test_a_first_version_too_large_for_one_transaction_loads(tmp_path, bounded_server):  # noqa: F811
    info = bounded_server
    ledger = tmp_path / "jz"
    generate(ledger, profile="jingzhou", scale=0.1, seed=7)
    data = load_ledger(ledger)
    driver = GraphDatabase.driver(info.uri, auth=("neo4j", info.password))
    try:
        store = Neo4jStore(driver)
        with driver.session(database="neo4j") as session:  # the old way fails here
            with pytest.raises(TransientError, match="memory pool limit was exceeded|threshold"):
                _one_transaction(session, data)
        assert store.is_empty()
        code, out, err = _first(ledger, _env(info))
        assert code == 0, err
        assert out.startswith("version 1 of source s"), out
        assert store.stats() == data.stats()
        assert driver.execute_query(PENDING).records[0]["p"] is None  # the marker is plain
        assert '"version": 1' in _history(_env(info))
    finally:
        driver.close()


def test_a_first_version_stopped_half_way_is_cleared_by_the_next_load(
    jingzhou_small,
    private_server,  # noqa: F811
):
    info = srv.status(private_server)
    env = _env(info)
    load = lianjian("load", str(jingzhou_small), "--neo4j", "--source", "s", "--as-of", V1, env=env)

    def under_way(driver) -> bool:  # some batches committed, the version not yet
        rows = driver.execute_query(PENDING).records
        return bool(rows and rows[0]["p"]) and not Neo4jStore(driver).is_empty()

    kill_when(load, info, under_way)

    info = srv.start(private_server)  # the same data folder, recovered
    env = _env(info)
    driver = driver_for(info.uri, info.password)
    try:
        store = Neo4jStore(driver)
        assert driver.execute_query(PENDING).records[0]["p"] is True
        assert not store.is_empty()  # what the stopped load wrote
        history = lianjian("history", "--neo4j", "--format", "json", env=env)
        said = "".join(history.communicate(timeout=240))
        assert '"version": 1' not in said  # no version was recorded
        code, out, err = _first(jingzhou_small, env)
        assert code == 0, err
        assert out.startswith("version 1 of source s"), out
        assert store.stats() == load_ledger(jingzhou_small).stats()  # nothing twice
        assert driver.execute_query(PENDING).records[0]["p"] is None
        assert '"version": 1' in _history(env)
    finally:
        driver.close()


def test_a_load_outlasts_the_servers_transaction_timeout(tmp_path, jingzhou_small, sample_ledger):
    """The load's transaction asks for no time limit: on a server whose default is a few
    seconds (longer than a batch, shorter than a load), a first version and a later one
    (the generated ledger's, then the sample's: most entities removed) still load."""
    home = tmp_path / "neo4j"
    home.mkdir()
    info = start_server(home, settings={"db.transaction.timeout": "6s"})
    try:
        env = _env(info)
        code, out, err = _first(jingzhou_small, env)
        assert code == 0, err
        assert out.startswith("version 1 of source s"), out
        again = lianjian(
            "load", str(sample_ledger), "--neo4j", "--source", "s", "--as-of", V2, env=env
        )
        out, err = again.communicate(timeout=900)
        assert again.returncode == 0, err
        assert out.startswith("version 2 of source s"), out
    finally:
        srv.stop(home)
