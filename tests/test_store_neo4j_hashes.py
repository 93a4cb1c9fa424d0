"""A source's hashes on Neo4j in pieces, written outside the load's transaction.

As one JSON property of the source's node, written in the load's transaction, they
took more than a server's transaction memory pool holds (a 1.3 GiB pool at jingzhou
scale 10). The first test proves its ledger's hashes too large for one transaction on
its server, then loads a first version and a later one. The others: the pieces of a
load that stops before its commit are named by no source and cleared by the next load;
a store of format 1 (the hashes on the source's node) is read and written as format 2.
"""

from __future__ import annotations

import json
import math
import shutil

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import TransientError

from lianjian.generator.generate import generate
from lianjian.graph.neo4j import outside as hashes
from lianjian.graph.neo4j import record as rec
from lianjian.graph.versions import content_of, name_paths
from lianjian.loaders.ledger import load_ledger
from lianjian.record.load import load_version
from tests.record_ledgers import V1, V2, as_json, edit_orgs, run
from tests.test_neo4j_faults import lianjian
from tests.test_neo4j_replace import bounded_server  # noqa: F401
from tests.test_store_neo4j import NEO, loaded, neo, v2, versions  # noqa: F401
from tests.test_store_neo4j_first import _env, _first, _history

pytestmark = pytest.mark.neo4j

SETS = "MATCH (h:LianjianHashes) RETURN h.source AS s, h.set AS n, count(h) AS k ORDER BY n"
NAMED = "MATCH (s:LianjianSource) RETURN s.name AS n, s.hashes AS h, keys(s) AS keys"


def _one_property(data) -> dict[str, str]:
    """The old way: the hashes as JSON properties of the source's node."""
    now = content_of(data)
    return {
        "e": json.dumps(
            {i: [data.nodes[i][0], h] for i, h in now.entities.items()}, ensure_ascii=False
        ),  # fmt: skip
        "l": json.dumps([[*k, h] for k, h in now.links.items()], ensure_ascii=False),
        "p": json.dumps(name_paths(data), ensure_ascii=False),
    }


def _pieces_expected(data) -> int:
    now = content_of(data)
    return sum(
        max(1, math.ceil(n / hashes.PIECE))
        for n in (len(now.entities), len(now.links), len(name_paths(data)))
    )


@pytest.mark.slow
def test_hashes_too_large_for_one_transaction_are_kept(tmp_path, bounded_server):  # noqa: F811
    info = bounded_server
    ledger = tmp_path / "jz"
    generate(ledger, profile="jingzhou", scale=0.8, seed=7)
    data = load_ledger(ledger)
    driver = GraphDatabase.driver(info.uri, auth=("neo4j", info.password))
    try:
        with driver.session(database="neo4j") as session:  # the old way fails here
            with pytest.raises(
                TransientError, match="memory pool limit was exceeded|would use more than the limit"
            ):
                with session.begin_transaction() as tx:
                    props = _one_property(data)
                    tx.run("CREATE (:Old {e: $e, l: $l, p: $p})", props).consume()
        env = _env(info)
        code, out, err = _first(ledger, env)
        assert code == 0, err
        assert out.startswith("version 1 of source s"), out
        sets = driver.execute_query(SETS).records
        assert [(r["s"], r["n"], r["k"]) for r in sets] == [("s", 1, _pieces_expected(data))]
        # a later version: one organisation renamed
        renamed = {}

        def rename(header, rows):
            renamed["id"] = rows[1][0]
            rows[1][1] = rows[1][1] + "（更名）"
            return rows

        edit_orgs(ledger, rename)
        again = lianjian("load", str(ledger), "--neo4j", "--source", "s", "--as-of", V2, env=env)
        out, err = again.communicate(timeout=900)
        assert again.returncode == 0, err
        assert out.startswith("version 2 of source s"), out
        history = json.loads(_history(env))
        assert [v["version"] for v in history["versions"]] == [1, 2]
        changes = lianjian("changes", "--neo4j", "--format", "json", env=env)
        out, err = changes.communicate(timeout=600)
        assert changes.returncode == 0, err
        assert json.loads(out)["entities"] == {  # read back from the pieces of version 1
            "added": [],
            "removed": [],
            "changed": [{"id": renamed["id"], "properties": ["name", "name_key"]}],
        }
        named = driver.execute_query(NAMED).records
        assert [(r["n"], r["h"]) for r in named] == [("s", 2)]
        assert "entities" not in named[0]["keys"] and "links" not in named[0]["keys"]
    finally:
        driver.close()


def _sets(driver) -> list[tuple[str, int]]:
    return [(r["s"], r["n"]) for r in driver.execute_query(SETS).records]


def _rows_of(driver, version: int) -> tuple[int, int]:
    """The findings first seen in ``version`` and its coverage rows, as the database holds them."""
    found = driver.execute_query(
        "MATCH (f:LianjianFinding {first_seen: $v}) RETURN count(f) AS n", v=version
    ).records[0]["n"]
    rows = driver.execute_query(
        "MATCH (c:LianjianCoverage {version: $v}) RETURN count(c) AS n", v=version
    ).records[0]["n"]
    return found, rows


def test_what_a_stopped_load_wrote_beside_its_transaction_is_unread_then_cleared(
    loaded,  # noqa: F811
    v2,  # noqa: F811
    monkeypatch,
    tmp_path,
):
    assert _sets(loaded) == [("shashi", 1), ("shashi", 2)]  # the superseded set is kept
    record = rec.Neo4jRecord.open()
    try:
        findings, trend = record.findings(), record.coverage_rows()
    finally:
        record.close()
    written = hashes.write_coverage

    class Stop(Exception):
        pass

    def stop_after(*args, **kwargs):  # all of it written beside, the transaction not
        written(*args, **kwargs)
        raise Stop

    monkeypatch.setattr(rec.outside, "write_coverage", stop_after)
    v2_again = shutil.copytree(v2, tmp_path / "v2-again")
    edit_orgs(v2, lambda header, rows: rows[:-1])  # a third month: the new branch gone
    record = rec.Neo4jRecord.open()
    try:
        with pytest.raises(Stop):
            load_version(record, "shashi", "2026-07-31", load_ledger(v2))
        assert _sets(loaded) == [("shashi", 2), ("shashi", 3)]  # set 1 went under its lock
        found, rows = _rows_of(loaded, 3)
        assert found >= 1 and rows >= 1  # the grid without a branch again, and coverage
        assert record.findings() == findings and record.coverage_rows() == trend  # unread
    finally:
        record.close()
    assert versions() == [1, 2]  # the record names set 2 and reads it
    assert as_json("gaps", *NEO, "--as-of", V2)["rules"]["grid_without_branch"]["count"] == 0
    monkeypatch.setattr(rec.outside, "write_coverage", written)
    said = run("load", v2_again, *NEO, "--source", "shashi", "--as-of", "2026-07-31")
    assert said.startswith("unchanged"), said
    assert _sets(loaded) == [("shashi", 2)]  # the stopped load's pieces are gone
    assert _rows_of(loaded, 3) == (0, 0)  # and its findings and coverage rows
    said = run("load", v2, *NEO, "--source", "shashi", "--as-of", "2026-07-31")
    assert said.startswith("version 3 of source shashi"), said
    assert _sets(loaded) == [("shashi", 2), ("shashi", 3)]
    assert _rows_of(loaded, 3) == (found, rows)
    assert as_json("changes", *NEO)["entities"]["removed"] == ["P24"]
    july = as_json("gaps", *NEO, "--as-of", "2026-07-31")
    assert july["rules"]["grid_without_branch"]["count"] == 1


def test_a_store_of_format_1_is_read_and_written_as_format_2(neo, sample_ledger, v2):  # noqa: F811
    """Version 1 rewritten as format 1 wrote it (the hashes on the source's node), then
    version 2 loaded: the same diff as from format 2, and the store is format 2 after."""
    run("load", sample_ledger, *NEO, "--source", "shashi", "--as-of", V1)
    props = _one_property(load_ledger(sample_ledger))
    neo.execute_query(
        "MATCH (s:LianjianSource) SET s.entities = $e, s.links = $l, s.names = $p "
        "REMOVE s.hashes WITH s MATCH (h:LianjianHashes) DETACH DELETE h",
        props,
    )
    neo.execute_query("MATCH (m:LianjianLedger {key: 'ledger'}) SET m.record_format = 1")
    assert versions() == [1]
    said = run("load", v2, *NEO, "--source", "shashi", "--as-of", V2)
    assert said.startswith("version 2 of source shashi"), said
    assert as_json("changes", *NEO)["entities"] == {
        "added": ["P24"],
        "removed": [],
        "changed": [
            {"id": "P09", "properties": ["COVERS"]},
            {"id": "P16", "properties": ["name", "name_key"]},
        ],
    }
    fmt = neo.execute_query("MATCH (m:LianjianLedger {key: 'ledger'}) RETURN m.record_format AS f")
    assert fmt.records[0]["f"] == rec.STORE_FORMAT == 2
    named = neo.execute_query(NAMED).records
    assert [(r["n"], r["h"]) for r in named] == [("shashi", 2)]
    assert not {"entities", "links", "names"} & set(named[0]["keys"])
    assert _sets(neo) == [("shashi", 2)]  # nothing named set 1: there was none
