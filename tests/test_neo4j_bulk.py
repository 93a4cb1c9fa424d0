"""``lianjian load --backend neo4j --bulk``: the offline importer into the project's own
server gives the database a batched load gives (compared by content), and is refused on
a database holding a graph and on any other server, in one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from neo4j import GraphDatabase

from lianjian.graph.neo4j import server as srv
from lianjian.graph.neo4j.bulk import BulkError, write_admin_csv
from lianjian.graph.neo4j.store import Neo4jStore, stored_model
from lianjian.loaders.ledger import load_ledger
from tests.neo4j_fixture import start_server


@pytest.fixture
def own_server(tmp_path):
    home = tmp_path / "neo4j"
    home.mkdir()
    info = start_server(home)
    yield info
    srv.stop(home)


def _lianjian(info, *args: str, uri: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LIANJIAN_NEO4J_HOME": str(info.home),
        "NEO4J_URI": uri or info.uri,
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": info.password,
        "NEO4J_DATABASE": "neo4j",
    }
    return subprocess.run(
        [sys.executable, "-m", "lianjian.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.neo4j
@pytest.mark.slow
def test_bulk_load_equals_a_batched_load_and_refuses_what_it_cannot_do(sample_ledger, own_server):
    info = own_server
    data = load_ledger(sample_ledger)
    done = _lianjian(info, "load", str(sample_ledger), "--backend", "neo4j", "--bulk")
    assert done.returncode == 0, done.stderr
    assert "loaded into Neo4j, members by pseudonym" in done.stdout
    info = srv.status(info.home)  # started again, on the same port
    assert info is not None and info.uri == own_server.uri
    driver = GraphDatabase.driver(info.uri, auth=("neo4j", info.password))
    try:
        store = Neo4jStore(driver)
        assert store.checksum() == stored_model(data).checksum()  # what a batched load holds
        assert store.marker() is not None and not store.holds_names()
        assert store.ledger_balance()["rows_in"] == data.report.totals[0]
        constraints = driver.execute_query("SHOW CONSTRAINTS YIELD name").records
        assert len(constraints) >= len(data.stats().nodes)
        # the commands read it as any loaded database
        gaps = _lianjian(info, "gaps", str(sample_ledger), "--backend", "neo4j", "--format", "json")
        assert gaps.returncode == 0, gaps.stderr
    finally:
        driver.close()

    again = _lianjian(info, "load", str(sample_ledger), "--backend", "neo4j", "--bulk")
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [
        "error: --bulk is for a new database and this one holds a graph: "
        "add --replace to overwrite it, or load without --bulk"
    ]
    elsewhere = f"bolt://127.0.0.1:{srv.free_port()}"
    remote = _lianjian(
        info, "load", str(sample_ledger), "--backend", "neo4j", "--bulk", uri=elsewhere
    )
    assert remote.returncode == 2 and "Traceback" not in remote.stderr
    assert f"it needs the project's own server ({info.uri}), not {elsewhere}" in remote.stderr
    replaced = _lianjian(
        info, "load", str(sample_ledger), "--backend", "neo4j", "--bulk", "--replace"
    )
    assert replaced.returncode == 0, replaced.stderr


def test_a_column_of_several_types_is_refused_not_written_differently(tmp_path, sample_ledger):
    data = load_ledger(sample_ledger)
    node_id, (label, props) = next(iter(data.nodes.items()))
    other = next(n for n, (lb, _) in data.nodes.items() if lb == label and n != node_id)
    props["odd"] = 3
    data.nodes[other][1]["odd"] = "3"
    with pytest.raises(BulkError, match=rf"{label}\.odd holds values of several types"):
        write_admin_csv(data, tmp_path)


def test_list_values_use_a_separator_none_of_them_holds(tmp_path, sample_ledger):
    from lianjian.graph.neo4j.bulk import _delimiter

    data = load_ledger(sample_ledger)
    member = next(n for n, (lb, _) in data.nodes.items() if lb == "Member")
    data.nodes[member][1]["roles"] = ["a\x1fb", "c;d"]
    assert _delimiter(data) == "\x1e"
