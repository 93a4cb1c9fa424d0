"""Member names and other personal values in Neo4j, against the real server.

A database loaded without names holds nothing a read-only Cypher query could turn back
into a name: the console tricks that defeat a mask of exact values (``m.name + '·'``,
``split(m.name, '')``, ``reverse(m.name)``, ``properties(m)``) find none, nor a personal
value kept as an extra column (an archive number, a WeChat id). ``lianjian load --with-names`` stores them, the
marker says so, and the console then runs only for whoever asked for names.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lianjian.core.privacy import pseudonym
from lianjian.graph.backends import LedgerMismatch, load_into_neo4j, open_graph
from lianjian.graph.neo4j.settings import Neo4jSettings
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.graph.store import RefusedQuery
from lianjian.loaders.ledger import load_ledger

pytestmark = pytest.mark.neo4j

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

TRICKS = [
    "MATCH (m:Member) RETURN m.name + '·' AS x",
    "MATCH (m:Member) RETURN split(m.name, '') AS x",
    "MATCH (m:Member) RETURN reverse(m.name) AS x",
    "MATCH (m:Member) RETURN properties(m) AS x",
    "MATCH (m:Member) RETURN [k IN keys(m) | coalesce(toStringOrNull(m[k]), '') + '·'] AS x",
    "MATCH (m:Member) RETURN m AS x",
    "MATCH (n) RETURN n AS x",
]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    """The sample with an archive number and a WeChat id on every member, as extra columns
    (headers the schema does not name; an ID-card number or a phone column is never kept)."""
    path = tmp_path_factory.mktemp("names") / "ledger"
    shutil.copytree(SAMPLE, path)
    members = path / "members.csv"
    with members.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0] += ["档案号", "微信号"]
    for i, row in enumerate(rows[1:]):
        row += [f"42100219790101{i:04d}", f"139{i:08d}"]
    with members.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def settings(neo4j_settings) -> Neo4jSettings:
    s = neo4j_settings
    return Neo4jSettings(s["uri"], s["user"], s["password"], s["database"])


def personal_values(ledger: Path) -> set[str]:
    """Every member's name (and its reverse), archive number and WeChat id."""
    out: set[str] = set()
    for label, props in load_ledger(ledger).nodes.values():
        if label == "Member":
            out |= {props["name"], props["name"][::-1], props["档案号"], props["微信号"]}
    assert len(out) > 100
    return out


def texts(value) -> list[str]:
    """Every string in a result value, and each list of strings joined (split's pieces)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        out = [t for v in value for t in texts(v)]
        if value and all(isinstance(v, str) for v in value):
            out.append("".join(value))
        return out
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in [k, *texts(v)]]
    if hasattr(value, "props"):  # a node or relationship of the console
        return [getattr(value, "id", ""), *texts(dict(value.props))]
    return [str(value)]


def found(store: Neo4jStore, secrets: set[str]) -> list[str]:
    hits = []
    for query in TRICKS:
        result = store.console(query, limit=100000)
        assert result.rows, query
        shown = "\n".join(t for row in result.rows for v in row for t in texts(v))
        hits += [s for s in secrets if s in shown]
    return hits


def test_a_default_database_holds_no_name_for_any_query(ledger, neo4j_driver, settings):
    store = open_graph(ledger, "neo4j", settings=settings)  # loads the empty database
    try:
        assert not store.holds_names()
        assert found(store, personal_values(ledger)) == []
        rows = store.console("MATCH (m:Member) RETURN m.id AS id, m.pseudonym AS p").rows
        assert rows and all(p == pseudonym(i) for i, p in rows)  # found by pseudonym
        # what the analyses count is still there: the gap rules and the pairing agree
        assert store.stats() == load_ledger(ledger).stats()
    finally:
        store.close()


def lianjian(*args: str, settings: Neo4jSettings) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NEO4J_URI": settings.uri,
        "NEO4J_USER": settings.user,
        "NEO4J_PASSWORD": settings.password,
        "NEO4J_DATABASE": settings.database,
    }
    return subprocess.run(
        [sys.executable, "-m", "lianjian.cli.app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_load_with_names_stores_them_and_the_marker_says_so(ledger, neo4j_driver, settings):
    secrets = personal_values(ledger)
    proc = lianjian("load", str(ledger), "--neo4j", "--with-names", settings=settings)
    assert proc.returncode == 0, proc.stderr
    assert "WITH member names" in proc.stdout
    store = Neo4jStore.from_settings(settings)
    try:
        assert store.holds_names()
        store.names_allowed = True  # an analyst allowed to see names finds them
        assert set(found(store, secrets)) == secrets
        store.names_allowed = False  # whoever did not ask for names gets no console
        with pytest.raises(RefusedQuery, match="holds member names"):
            store.console("RETURN 1")
    finally:
        store.close()
    # the outputs still pseudonymise: a command without names uses it, and its console refuses
    store = open_graph(ledger, "neo4j", settings=settings)
    try:
        with pytest.raises(RefusedQuery):
            store.console("MATCH (m:Member) RETURN m.name")
    finally:
        store.close()
    # a load without names over it drops them but keeps the mark: only --replace clears it
    assert lianjian("load", str(ledger), "--neo4j", settings=settings).returncode == 0
    store = Neo4jStore.from_settings(settings)
    try:
        assert store.holds_names()
        store.names_allowed = True
        assert found(store, secrets) == []
    finally:
        store.close()
    proc = lianjian("load", str(ledger), "--neo4j", "--replace", settings=settings)
    assert proc.returncode == 0, proc.stderr
    assert "members by pseudonym" in proc.stdout
    store = Neo4jStore.from_settings(settings)
    try:
        assert not store.holds_names()
        assert found(store, secrets) == []
    finally:
        store.close()


def test_a_command_asking_for_names_refuses_a_database_without_them(ledger, neo4j_driver, settings):
    store = Neo4jStore.from_settings(settings)
    try:
        load_into_neo4j(store, ledger)
    finally:
        store.close()
    with pytest.raises(LedgerMismatch, match="--replace --with-names"):
        open_graph(ledger, "neo4j", settings=settings, with_names=True)
    proc = lianjian(
        "gaps", str(ledger), "--neo4j", "--with-names", "--as-of", "2026-06-30", settings=settings
    )
    assert proc.returncode == 2 and "--with-names" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""
