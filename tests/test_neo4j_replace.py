"""Replacing a large graph on a server with a bounded transaction memory pool.

The project's server leaves the pool unbounded, but a server configured as many are
(``db.memory.transaction.total.max``) refused the old ``--replace``: it deleted nodes with
DETACH in batches of 10,000 nodes, and a batch holding communities and large
organisations took their thousands of relationships with it ("The memory pool limit was
exceeded"). The test proves its ledger is large enough to fail the old way on this server,
then replaces it with ``lianjian load --replace``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import TransientError

from lianjian.generator.generate import generate
from lianjian.graph.neo4j import server as srv
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from tests.neo4j_fixture import start_server

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

POOL = "40m"  # loads in batches of 10,000 rows fit; a node batch with DETACH does not
OLD_CLEAR = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


@pytest.fixture
def bounded_server(tmp_path, monkeypatch):
    home = tmp_path / "neo4j"
    home.mkdir()
    settings = {"db.memory.transaction.total.max": POOL}
    monkeypatch.setattr(srv, "start", _with_settings(srv.start, settings))
    info = start_server(home)
    yield info
    srv.stop(home)


def _with_settings(start, settings):
    def started(home, **kw):
        return start(home, settings=settings, **kw)

    return started


def _load(ledger, info, *flags: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NEO4J_URI": info.uri,
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": info.password,
        "NEO4J_DATABASE": "neo4j",
    }
    return subprocess.run(
        [sys.executable, "-m", "lianjian.cli", "load", str(ledger), "--backend", "neo4j", *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_replace_deletes_in_bounded_batches(tmp_path, bounded_server):
    info = bounded_server
    ledger = tmp_path / "jz"
    generate(ledger, profile="jingzhou", scale=0.1, seed=7)
    stats = load_ledger(ledger).stats()
    first = _load(ledger, info)
    assert first.returncode == 0, first.stderr
    driver = GraphDatabase.driver(info.uri, auth=("neo4j", info.password))
    try:
        store = Neo4jStore(driver)
        loaded = store.stats()
        assert loaded == stats
        with driver.session(database="neo4j") as session:  # the old way fails here
            with pytest.raises(TransientError, match="memory pool limit was exceeded|threshold"):
                session.run(OLD_CLEAR).consume()
        assert store.stats() == loaded  # the failed delete left the graph as it was
        again = _load(ledger, info, "--replace")
        assert again.returncode == 0, again.stderr
        assert "memory" not in again.stderr
        assert store.stats() == loaded
        store.clear()
        assert sum(store.stats().nodes.values()) == 0
    finally:
        driver.close()
