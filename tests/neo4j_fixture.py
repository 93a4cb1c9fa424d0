"""A real Neo4j for the tests: ``NEO4J_URI`` if set, else the project's own server.

Where no Neo4j can be had, the Neo4j tests skip with the reason, unless
``LIANJIAN_REQUIRE_NEO4J=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from lianjian.graph.neo4j import server as srv

ROOT = Path(__file__).resolve().parent.parent


def _unavailable(reason: str):
    if os.environ.get("LIANJIAN_REQUIRE_NEO4J") == "1":
        pytest.fail(
            f"Neo4j is required (LIANJIAN_REQUIRE_NEO4J=1) but unavailable: {reason}", pytrace=False
        )
    pytest.skip(f"no Neo4j: {reason}")


def start_server(home: Path, **kw) -> srv.ServerInfo:
    """The project's own Neo4j started in ``home``, on the shared jars; skips (or fails,
    where Neo4j is required) when it cannot be had."""
    jars = Path(os.environ.get("LIANJIAN_NEO4J_HOME", ROOT / ".neo4j"))
    # the tests' servers are small (several may run at once), not sized from the machine
    os.environ.setdefault("LIANJIAN_NEO4J_HEAP", "1g")
    os.environ.setdefault("LIANJIAN_NEO4J_PAGECACHE", "512m")
    try:
        srv.fetch(jars)
    except Exception as e:
        _unavailable(f"{e.__class__.__name__}: {e}")
    (home / "lib").symlink_to(jars / "lib")
    try:
        return srv.start(home, **kw)
    except Exception as e:  # no Java, no Maven, no network to Maven Central, a crash
        _unavailable(f"{e.__class__.__name__}: {e}")


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory):
    if os.environ.get("NEO4J_URI"):
        yield {
            "uri": os.environ["NEO4J_URI"],
            "user": os.environ.get("NEO4J_USER", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD", ""),
            "database": os.environ.get("NEO4J_DATABASE", "neo4j"),
        }
        return
    # a fresh server per test session (its own data, its own free port), sharing the jars
    home = tmp_path_factory.mktemp("neo4j")
    info = start_server(home)
    sys.__stderr__.write(f"\nNeo4j {srv.NEO4J_VERSION} started on {info.uri} for the tests\n")
    yield {"uri": info.uri, "user": info.user, "password": info.password, "database": "neo4j"}
    srv.stop(home)


@pytest.fixture
def neo4j_driver(neo4j_settings):
    """A driver on an emptied database (nodes, relationships, constraints, indexes)."""
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(
        neo4j_settings["uri"],
        auth=(neo4j_settings["user"], neo4j_settings["password"]),
        notifications_min_severity="OFF",
    )
    db = neo4j_settings["database"]
    from lianjian.graph.neo4j.store import Neo4jStore

    Neo4jStore(driver, db).clear()
    for rec in driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=db).records:
        driver.execute_query(f"DROP CONSTRAINT `{rec['name']}` IF EXISTS", database_=db)
    for rec in driver.execute_query(
        "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'", database_=db
    ).records:
        driver.execute_query(f"DROP INDEX `{rec['name']}` IF EXISTS", database_=db)
    yield driver
    driver.close()
