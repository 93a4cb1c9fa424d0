"""``lianjian match --write`` on a real Neo4j: the sample street's proposals stored as
PROPOSED_MATCH relationships (need → resource or member), replacing earlier ones, the
ledger left as it was; refused on the embedded store.

The plan is tests/test_sample_lists.py's, computed by hand there.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.model import content_hash
from lianjian.graph.neo4j.marker import META_LABEL
from lianjian.graph.neo4j.store import Neo4jStore, _record_edge
from tests.conftest import SAMPLE

AS_OF = "2026-06-30"

# need, provider id, kind, units, cost per unit: the hand-computed optimum
FIRST = [
    ("N01", "R01", "resource", 1, 1.0),
    ("N01", "R02", "resource", 1, 11.0),
    ("N02", "R01", "resource", 1, 31.0),
    ("N03", "M0091", "member", 1, 6.0),
    ("N05", "M0097", "member", 2, 16.0),
    ("N05", "R04", "resource", 1, 11.0),
]
# with member_capacity=0 no member serves: N03 goes to R03 (0 + 1 + 10), N05 keeps R04
SECOND = [
    ("N01", "R01", "resource", 1, 1.0),
    ("N01", "R02", "resource", 1, 11.0),
    ("N02", "R01", "resource", 1, 31.0),
    ("N03", "R03", "resource", 1, 11.0),
    ("N05", "R04", "resource", 1, 11.0),
]


@pytest.fixture
def neo(neo4j_driver, neo4j_settings):
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    yield store
    store.clear()


def _proposed(neo: Neo4jStore) -> list[tuple]:
    records, _, _ = neo.driver.execute_query(
        "MATCH (n:Need)-[r:PROPOSED_MATCH]->(p) RETURN n.id AS need, p.id AS p, "
        "r.provider_kind AS kind, r.units AS units, r.cost AS cost, r.as_of AS as_of, "
        "r.run_at AS run_at, r.reason_zh AS zh, r.reason_en AS en ORDER BY need, p",
        database_=neo.database,
    )
    return [dict(r) for r in records]


def _ledger_checksum(neo: Neo4jStore) -> str:
    """Neo4jStore.checksum with the PROPOSED_MATCH relationships left out."""
    nodes = neo._read(
        f"MATCH (n) WHERE NOT n:{META_LABEL} "
        "RETURN [l IN labels(n) WHERE l IN $labels][0] AS label, properties(n) AS props",
        labels=list(neo.schema.nodes),
    )
    edges = neo._read(
        "MATCH (a)-[r]->(b) WHERE type(r) <> 'PROPOSED_MATCH' "
        "RETURN a.id AS s, b.id AS t, type(r) AS type, properties(r) AS props"
    )
    return content_hash(
        ((r["label"], dict(r["props"])) for r in nodes), (_record_edge(r) for r in edges)
    )


@pytest.mark.neo4j
def test_write_stores_replaces_and_leaves_the_ledger(neo, neo4j_settings, monkeypatch):
    monkeypatch.setenv("NEO4J_USER", neo4j_settings["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings["password"])
    args = ["match", str(SAMPLE), "-b", "neo4j", "--uri", neo4j_settings["uri"]]
    args += ["--database", neo4j_settings["database"], "--as-of", AS_OF, "-f", "json"]
    run = CliRunner().invoke

    res = run(app, args)  # loads the sample into the empty database, writes nothing
    assert res.exit_code == 0, res.output
    assert _proposed(neo) == []
    ledger = neo.checksum()
    assert _ledger_checksum(neo) == ledger  # the helper sees what checksum() sees

    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    res = run(app, [*args, "--write"])
    assert res.exit_code == 0, res.output
    assert "wrote 6 PROPOSED_MATCH relationships (as of 2026-06-30)" in res.stderr
    got = _proposed(neo)
    assert [(r["need"], r["p"], r["kind"], r["units"], r["cost"]) for r in got] == FIRST
    assert {r["as_of"] for r in got} == {AS_OF}
    (run_at,) = {r["run_at"] for r in got}
    assert before <= dt.datetime.fromisoformat(run_at) <= dt.datetime.now(dt.UTC)
    shown = {
        (p["need"], p.get("resource", p.get("member"))): p
        for p in json.loads(res.stdout)["proposals"]
    }
    n03 = next(r for r in got if r["need"] == "N03")
    assert n03["zh"] == next(p for (n, _), p in shown.items() if n == "N03")["reason_zh"]
    assert n03["en"].startswith("a member reporting to the community, offering legal aid")
    assert neo.checksum() != ledger and _ledger_checksum(neo) == ledger

    res = run(app, [*args, "--write", "-p", "member_capacity=0"])  # replaces the first
    assert res.exit_code == 0, res.output
    assert "wrote 5 PROPOSED_MATCH" in res.stderr
    got = _proposed(neo)
    assert [(r["need"], r["p"], r["kind"], r["units"], r["cost"]) for r in got] == SECOND
    assert _ledger_checksum(neo) == ledger


def test_write_is_refused_on_the_embedded_store():
    res = CliRunner().invoke(app, ["match", str(SAMPLE), "--as-of", AS_OF, "--write"])
    assert res.exit_code == 2
    assert "--write needs --backend neo4j" in res.output
    assert len(res.output.strip().splitlines()) == 1
