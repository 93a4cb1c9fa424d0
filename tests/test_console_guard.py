"""The Cypher console against the real server: every write is refused before it runs,
each guard holds on its own, and the graph's checksum is unchanged afterwards.

The guards, outermost first (``lianjian/graph/cypher_text.py`` and ``lianjian/graph/neo4j/console.py``): a lexical check
(one statement; no ``LOAD CSV``, ``IN TRANSACTIONS``, ``USE``, admin commands),
the plan's query type from ``EXPLAIN`` (must be ``r``), and a READ session with a
server-side timeout and a row cap. Each test here removes the others and shows
the remaining one still refuses, so none is relied upon alone; the last shows why
the READ session alone is no security boundary.
"""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from lianjian.dashboard import console as shown_values
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j import console
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.graph.store import RefusedQuery
from lianjian.loaders.ledger import load_ledger

pytestmark = pytest.mark.neo4j

WRITES = [  # refused by the plan check and by the READ session, each alone
    "CREATE (x:Intruder)",
    "MERGE (x:Intruder {a: 1})",
    "MATCH (n:Region) SET n.name = 'x'",
    "MATCH (n:Region) REMOVE n.name",
    "MATCH (n:Member) DELETE n",
    "MATCH (n:Region) DETACH DELETE n",
    "CALL db.createLabel('Intruder')",
    "CALL db.createProperty('intruder')",
    "CALL db.createRelationshipType('INTRUDES')",
    "MATCH (n) FOREACH (x IN [1] | SET n.touched = true)",
    "MATCH (n) CALL (n) { SET n.touched = true } RETURN count(*)",
    "MATCH (n:Region) WITH n LIMIT 1 CREATE (n)-[:INTRUDES]->(:Intruder) RETURN n",
]
OTHERS = [  # refused by the lexical check before the server sees them
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "LOAD CSV WITH HEADERS FROM $url AS row RETURN row",
    "CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN n",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "MATCH (n) RETURN n; CREATE (x:Intruder)",
    "MATCH (n) RETURN count(n); MATCH (m) RETURN count(m)",
    "MATCH (n) RETURN n /* ; */ ; MATCH (n) DETACH DELETE n",
    "USE system SHOW USERS",
    "SHOW USERS",
    "CREATE INDEX intruder FOR (n:Region) ON (n.intruder)",
    "DROP CONSTRAINT region_id",
    "CALL dbms.listConfig()",
    "",
]


@pytest.fixture
def graph(sample_ledger, neo4j_driver, neo4j_settings):
    db = neo4j_settings["database"]
    store = Neo4jStore(neo4j_driver, db)
    store.write(load_ledger(sample_ledger), fingerprint="sample")
    return neo4j_driver, db, store


@pytest.fixture
def web():
    """An HTTP server on 127.0.0.1 that notes every request: did LOAD CSV fetch anything?"""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            hits.append(self.path)
            body = b"a,b\n1,2\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/x.csv", hits
    server.shutdown()


def schema_tokens(driver, db) -> tuple:
    labels = driver.execute_query(
        "CALL db.labels() YIELD label RETURN collect(label) AS l", database_=db
    )
    keys = driver.execute_query(
        "CALL db.propertyKeys() YIELD propertyKey RETURN collect(propertyKey) AS k", database_=db
    )
    return sorted(labels.records[0]["l"]), sorted(keys.records[0]["k"])


def test_every_write_and_every_trick_is_refused_and_the_graph_is_unchanged(graph, web):
    driver, db, store = graph
    url, hits = web
    before = store.checksum(), schema_tokens(driver, db)
    for query in [*WRITES, *OTHERS, f"LOAD CSV FROM '{url}' AS row RETURN row"]:
        with pytest.raises(RefusedQuery):
            console.run_read(driver, db, query, {"url": url})
    assert (store.checksum(), schema_tokens(driver, db)) == before
    assert hits == []  # nothing was fetched
    assert "Intruder" not in before[1][0]


def test_the_plan_check_alone_refuses_writes(graph, monkeypatch):
    driver, db, store = graph
    monkeypatch.setattr(console, "lexical_check", lambda text: text)  # a hole in the first guard
    before = store.checksum()
    for query in WRITES:
        with pytest.raises(RefusedQuery, match="read-only"):
            console.run_read(driver, db, query)
    assert store.checksum() == before


def test_the_read_session_alone_refuses_writes(graph, monkeypatch):
    from neo4j.exceptions import Neo4jError

    driver, db, store = graph
    monkeypatch.setattr(console, "check_read_only", lambda d, db_, text, params=None: text)
    before = store.checksum(), schema_tokens(driver, db)
    for query in WRITES:
        with pytest.raises(Neo4jError):  # the server refuses a write in a READ session
            console.run_read(driver, db, query)
    assert (store.checksum(), schema_tokens(driver, db)) == before


def test_a_read_session_alone_is_no_security_boundary(graph, web, monkeypatch):
    """Without the lexical check, a READ session lets LOAD CSV fetch what it is told: the
    server's read mode stops writes, not reads of files and URLs."""
    driver, db, _ = graph
    url, hits = web
    monkeypatch.setattr(console, "lexical_check", lambda text: text)
    result = console.run_read(driver, db, f"LOAD CSV FROM '{url}' AS row RETURN row")
    assert result.query_type == "r" and result.rows == [[["a", "b"]], [["1", "2"]]]
    assert hits == ["/x.csv"]


def test_rows_are_capped_and_members_masked(graph, sample_ledger):
    driver, db, store = graph
    result = console.run_read(driver, db, "UNWIND range(1, 100000) AS x RETURN x", limit=7)
    assert [r[0] for r in result.rows] == list(range(1, 8)) and result.truncated
    query = "MATCH (m:Member) RETURN m, m.name AS name"
    result = console.run_read(driver, db, query, limit=3)
    assert len(result.rows) == 3 and result.truncated and result.query_type == "r"
    assert all(row[1] is None for row in result.rows)  # loaded without names: none to show
    store.write(load_ledger(sample_ledger), fingerprint="sample", with_names=True)
    result = console.run_read(driver, db, query, limit=3)
    names = frozenset(
        r["name"] for r in EmbeddedStore.from_ledger(sample_ledger).node_summaries(["Member"])
    )
    shown = [[shown_values.safe_value(v, False, names) for v in row] for row in result.rows]
    assert all(
        row[0]["name"].startswith("党员-") and row[1] == "（已隐去 hidden）" for row in shown
    )
    assert all("birth_year" not in row[0] for row in shown)


def test_a_long_query_is_stopped_by_the_timeout(graph):
    driver, db, _ = graph
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(
                console.run_read(
                    driver, db, "UNWIND range(1, 10000000000) AS x RETURN sum(x)", timeout=1.0
                )
            )
        except Exception as e:  # noqa: BLE001 - inspected below
            outcome.append(e)

    t0 = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    elapsed = time.monotonic() - t0
    if worker.is_alive():  # no timeout held: end the query so the suite goes on
        for rec in driver.execute_query("SHOW TRANSACTIONS", database_=db).records:
            if "range(1, 10000000000)" in rec["currentQuery"]:
                driver.execute_query(
                    "TERMINATE TRANSACTION $id", id=rec["transactionId"], database_=db
                )
        pytest.fail("the query ran past 30 s: the console's timeout did not hold")
    assert isinstance(outcome[0], Exception)
    assert "timeout" in str(outcome[0]).lower() or "terminated" in str(outcome[0]).lower()
    assert elapsed < 20
