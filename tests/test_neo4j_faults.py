"""Neo4j under faults: a server killed in the middle of a load, two loads at once,
transient errors. What a load leaves is compared by content, not only by counts:
``Neo4jStore.checksum()`` hashes every node and relationship and equals
``EmbeddedStore.checksum()`` for the same ledger loaded with names, and the checksum of
the model as the database holds it (``stored_model``: members by pseudonym) without.

The kill test starts its own server in a temporary home (sharing the jars of
``.neo4j/``), never the session's shared one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j import server as srv
from lianjian.graph.neo4j.store import Neo4jStore, stored_model
from lianjian.loaders.ledger import load_ledger
from tests.neo4j_fixture import start_server

pytestmark = pytest.mark.neo4j


def lianjian(*args: str, env: dict[str, str]) -> subprocess.Popen:
    """The command in a process of its own, from the code under test."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from lianjian.cli.app import main; sys.exit(main())",
            *args,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def driver_for(uri: str, password: str):
    from neo4j import GraphDatabase

    return GraphDatabase.driver(uri, auth=("neo4j", password), notifications_min_severity="OFF")


def duplicates(driver, db: str) -> tuple[int, int]:
    """Nodes sharing a label and id, relationships sharing type, ends and key."""
    nodes = driver.execute_query(
        "MATCH (n) WITH labels(n) AS l, n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS d",
        database_=db,
    ).records[0]["d"]
    rels = driver.execute_query(
        "MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, r.key AS k, count(*) AS c WHERE c > 1 "
        "RETURN count(*) AS d",
        database_=db,
    ).records[0]["d"]
    return nodes, rels


# ---------------------------------------------------------------- on the shared server


def test_checksum_is_the_same_on_both_backends(sample_ledger, neo4j_driver, neo4j_settings):
    data = load_ledger(sample_ledger)
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    store.write(data, fingerprint="x", with_names=True)
    embedded = EmbeddedStore.from_ledger(sample_ledger, use_cache=False)
    assert store.checksum() == embedded.checksum() == data.checksum()
    store.clear()
    store.write(data, fingerprint="x")  # members by pseudonym, without their names
    assert store.checksum() == stored_model(data).checksum() != data.checksum()
    # one changed property is a different graph
    neo4j_driver.execute_query(
        "MATCH (r:Region) WITH r LIMIT 1 SET r.name = r.name + ' '",
        database_=neo4j_settings["database"],
    )
    assert store.checksum() != stored_model(data).checksum()


def test_two_loads_of_one_ledger_at_once_make_no_duplicates(
    jingzhou_small, neo4j_driver, neo4j_settings
):
    data = load_ledger(jingzhou_small)
    db = neo4j_settings["database"]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def load() -> None:
        driver = driver_for(neo4j_settings["uri"], neo4j_settings["password"])
        try:
            start.wait(timeout=60)
            Neo4jStore(driver, db).write(data)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            driver.close()

    threads = [threading.Thread(target=load) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert errors == [] and not any(t.is_alive() for t in threads)
    store = Neo4jStore(neo4j_driver, db)
    assert duplicates(neo4j_driver, db) == (0, 0)
    assert store.stats() == data.stats()
    assert store.checksum() == stored_model(data).checksum()
    constraints = {
        r["name"] for r in neo4j_driver.execute_query("SHOW CONSTRAINTS", database_=db).records
    }
    assert {"region_id", "member_id", "partyorg_id"} <= constraints


def test_transient_errors_are_retried_by_managed_transactions(
    sample_ledger, monkeypatch, neo4j_driver, neo4j_settings
):
    from neo4j import ManagedTransaction
    from neo4j.exceptions import Neo4jError

    real_run = ManagedTransaction.run
    injected: list[str] = []

    def flaky_run(self, query, parameters=None, **kw):
        if query.startswith("UNWIND") and len(injected) < 3:
            injected.append(query)
            raise Neo4jError._hydrate_neo4j(
                code="Neo.TransientError.Transaction.DeadlockDetected", message="injected"
            )
        return real_run(self, query, parameters, **kw)

    monkeypatch.setattr(ManagedTransaction, "run", flaky_run)
    data = load_ledger(sample_ledger)
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    store.write(data)
    assert len(injected) == 3  # the writes went through managed transactions, and failed
    monkeypatch.undo()
    assert store.checksum() == stored_model(data).checksum()  # …and were retried to the same graph


# ---------------------------------------------------------------- a server of its own


@pytest.fixture
def private_server(tmp_path):
    """A Neo4j of this test alone, in a temporary home: it may be killed."""
    home = tmp_path / "neo4j"
    home.mkdir()
    start_server(home)
    yield home
    srv.stop(home)


def kill_when(load: subprocess.Popen, info: srv.ServerInfo, ready) -> tuple[str, str]:
    """Kill the server of ``info`` (SIGKILL) once ``ready(driver)`` says the load is far
    enough, while it still runs; the load's output after it has ended (exit code 2)."""
    driver = driver_for(info.uri, info.password)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and load.poll() is None:
            if ready(driver):
                break
            time.sleep(0.05)
    finally:
        driver.close()
    assert load.poll() is None, "the load ended before the server could be killed"
    os.killpg(info.pid, signal.SIGKILL)
    out, err = load.communicate(timeout=240)
    assert load.returncode == 2, out + err
    assert "Traceback" not in err + out and info.password not in err + out
    return out, err


@pytest.mark.slow
def test_server_killed_mid_load_then_a_reload_equals_a_clean_load(jingzhou_small, private_server):
    """The generated jingzhou ledger (a few thousand members) takes seconds to load."""

    ledger = jingzhou_small
    data = load_ledger(ledger)
    info = srv.status(private_server)
    env = {
        **os.environ,
        "NEO4J_URI": info.uri,
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": info.password,
        "NEO4J_DATABASE": "neo4j",
    }
    load = lianjian("load", str(ledger), "--neo4j", env=env)
    # once the load has written part of the graph
    out, err = kill_when(load, info, lambda d: not Neo4jStore(d).is_empty())
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Neo4j: "), err

    info = srv.start(private_server)  # the same data folder, recovered
    env["NEO4J_URI"] = info.uri
    driver = driver_for(info.uri, info.password)
    try:
        store = Neo4jStore(driver)
        partial = store.stats()
        assert partial != data.stats()  # the kill did leave a half-written graph
        again = lianjian("load", str(ledger), "--neo4j", env=env)
        out, err = again.communicate(timeout=540)
        assert again.returncode == 0, err
        reloaded = (store.stats(), store.checksum())
        assert duplicates(driver, "neo4j") == (0, 0)
        store.clear()
        store.write(data)
        clean = (store.stats(), store.checksum())
    finally:
        driver.close()
    assert reloaded == clean
    assert clean == (data.stats(), stored_model(data).checksum())
