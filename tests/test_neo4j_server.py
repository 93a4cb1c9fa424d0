"""The project's own Neo4j server really runs: version, loopback only, auth on."""

from __future__ import annotations

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

pytestmark = pytest.mark.neo4j


def test_server_answers_with_version(neo4j_driver, neo4j_settings):
    records = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition",
        database_=neo4j_settings["database"],
    ).records
    assert records[0]["name"] == "Neo4j Kernel"
    assert records[0]["v"].startswith("5.26.")
    assert neo4j_driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1


def test_wrong_password_refused(neo4j_settings):
    with GraphDatabase.driver(
        neo4j_settings["uri"], auth=(neo4j_settings["user"], "wrong-password")
    ) as d:
        with pytest.raises(AuthError):
            d.verify_connectivity()


def test_listens_on_loopback_only(neo4j_driver, neo4j_settings):
    if "127.0.0.1" not in neo4j_settings["uri"]:
        pytest.skip("an external server given by NEO4J_URI")
    rows = neo4j_driver.execute_query(
        "SHOW SETTINGS YIELD name, value "
        "WHERE name IN ['server.default_listen_address', 'server.bolt.listen_address'] "
        "RETURN name, value",
    ).records
    values = {r["name"]: r["value"] for r in rows}
    assert values["server.default_listen_address"] == "127.0.0.1"
    assert values["server.bolt.listen_address"].startswith("127.0.0.1:")


def test_routing_scheme_works_against_a_single_server(neo4j_settings):
    """``neo4j://`` (routing, as for clusters and Aura) works unchanged."""
    from lianjian.graph.neo4j.store import Neo4jSettings, driver_from_env

    uri = neo4j_settings["uri"].replace("bolt://", "neo4j://")
    s = Neo4jSettings(
        uri, neo4j_settings["user"], neo4j_settings["password"], neo4j_settings["database"]
    )
    driver = driver_from_env(s)
    try:
        assert driver.execute_query("RETURN 2 AS two", database_=s.database).records[0]["two"] == 2
    finally:
        driver.close()


def test_memory_settings_reach_the_config(tmp_path, monkeypatch):
    from lianjian.graph.neo4j import server as srv

    monkeypatch.setenv("LIANJIAN_NEO4J_HEAP", "3G")
    monkeypatch.setenv("LIANJIAN_NEO4J_PAGECACHE", "1500m")
    srv.write_conf(tmp_path, 7687)
    conf = (tmp_path / "conf" / "neo4j.conf").read_text()
    assert "server.memory.heap.max_size=3g" in conf
    assert "server.memory.pagecache.size=1500m" in conf
    monkeypatch.delenv("LIANJIAN_NEO4J_HEAP")
    monkeypatch.delenv("LIANJIAN_NEO4J_PAGECACHE")
    monkeypatch.setattr(srv, "available_memory", lambda: 20 * 1024**3)
    assert srv.memory_settings() == ("2560m", "2560m")  # an eighth of what is free, each


def test_memory_defaults_follow_the_machine_within_bounds():
    from lianjian.graph.neo4j import server as srv

    gib = 1024**3
    assert srv.memory_defaults(4 * gib) == {  # a small machine: the floors
        "LIANJIAN_NEO4J_HEAP": "1g",
        "LIANJIAN_NEO4J_PAGECACHE": "512m",
    }
    assert srv.memory_defaults(24 * gib) == {
        "LIANJIAN_NEO4J_HEAP": "3g",
        "LIANJIAN_NEO4J_PAGECACHE": "3g",
    }
    big = srv.memory_defaults(512 * gib)  # the heap stops below 32 GiB, the page cache does not
    assert big == {"LIANJIAN_NEO4J_HEAP": "31g", "LIANJIAN_NEO4J_PAGECACHE": "64g"}
    assert 0 < srv.available_memory() < 1 << 50


def test_a_bad_memory_setting_is_one_line_before_anything_starts(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "LIANJIAN_NEO4J_HOME": str(tmp_path / "home"),
        "LIANJIAN_NEO4J_PAGECACHE": "lots",
    }
    done = subprocess.run(
        [sys.executable, "-m", "lianjian.cli.app", "neo4j", "start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "LIANJIAN_NEO4J_PAGECACHE='lots'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "home").exists()  # nothing fetched, nothing started
