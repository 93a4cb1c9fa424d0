"""The store of record on Neo4j (issue "the graph as the system of record"): the
sample as version 1, the modified copy as version 2, exact ids as on the embedded
backend (and the same ``changes`` JSON: a parity test); the same content again records
nothing; out of order refused; two loads at once; a newer format refused; the queries
without a ledger path."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from lianjian.core.privacy import pseudonym
from lianjian.graph.neo4j.record import Neo4jRecord
from lianjian.graph.neo4j.settings import Neo4jSettings
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.graph.versions import RecordStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.coverage.rates import coverage
from lianjian.queries.gaps.find import find_gaps
from lianjian.record.load import LEVELS, load_version
from tests.record_ledgers import SERVED_IN_JUNE, V1, V2, as_json, month_two_ledger, run
from tests.test_store_sources import TWIN_CONFLICTS, twin_ledger

pytestmark = pytest.mark.neo4j
NEO = ("--backend", "neo4j")


@pytest.fixture
def neo(neo4j_driver, neo4j_settings, monkeypatch):
    """An emptied database, named by ``NEO4J_*`` for the commands."""
    for key, name in (("uri", "URI"), ("user", "USER"), ("password", "PASSWORD"),
                      ("database", "DATABASE")):  # fmt: skip
        monkeypatch.setenv(f"NEO4J_{name}", neo4j_settings[key])
    return neo4j_driver


@pytest.fixture
def v2(sample_ledger, tmp_path) -> Path:
    return month_two_ledger(sample_ledger, tmp_path / "v2")


@pytest.fixture
def loaded(neo, sample_ledger, v2):
    run("load", sample_ledger, *NEO, "--source", "shashi", "--as-of", V1)
    said = run("load", v2, *NEO, "--source", "shashi", "--as-of", V2)
    assert said.startswith("version 2 of source shashi")
    return neo


def versions() -> list[int]:
    return [v["version"] for v in as_json("history", *NEO)["versions"]]


def test_changes_list_exactly_the_modifications(loaded):
    result = as_json("changes", *NEO)
    assert result["from"] == 1 and result["to"] == 2
    assert result["entities"] == {
        "added": ["P24"],
        "removed": [],
        "changed": [
            {"id": "P09", "properties": ["COVERS"]},
            {"id": "P16", "properties": ["name", "name_key"]},
        ],
    }
    assert result["gaps"]["opened"] == [
        {"rule": "building_without_group", "id": "B0101"},
        {"rule": "community_need_unreached", "id": "SS0103"},  # N04 was raised on 06-15
        {"rule": "org_without_secretary", "id": "P24"},
    ]
    assert result["gaps"]["closed"] == [  # in the order of the ledger's ids
        {"rule": "grid_without_branch", "id": "SS0102G02"},
        *({"rule": "member_without_service", "id": pseudonym(m)} for m in SERVED_IN_JUNE),
    ]
    still = {(g["rule"], g["id"]): g for g in result["gaps"]["open"]}
    assert still[("building_without_group", "B0103")]["age_months"] == 1
    history = as_json("history", *NEO)["versions"]
    assert [(v["version"], v["added"], v["removed"], v["changed"]) for v in history] == [
        (1, 211, 0, 0),  # 190 entities and the 21 list rows
        (2, 1, 0, 2),
    ]


def test_both_backends_give_the_same_changes(loaded, sample_ledger, v2, tmp_path):
    store = tmp_path / "store"
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", store)
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", store)
    for span in ([], ["--from", "0", "--to", "1"], ["--from", "0", "--to", "2"]):
        assert as_json("changes", *NEO, *span) == as_json("changes", "--store", store, *span)
    trend = as_json("coverage", "--trend", *NEO)
    assert trend == as_json("coverage", "--trend", "--store", store)
    assert [(r["version"], r["id"]) for r in trend["trend"]] == [(1, "SS01"), (2, "SS01")]
    communities = as_json("coverage", "--trend", "--level", "community", *NEO)
    assert len(communities["trend"]) == 6


def test_queries_run_on_the_database_without_a_ledger(loaded, v2):
    assert as_json("gaps", *NEO, "--as-of", V2) == as_json("gaps", v2, "--as-of", V2)
    assert as_json("coverage", *NEO, "--as-of", V2) == as_json("coverage", v2, "--as-of", V2)
    assert as_json("pair", *NEO, "--as-of", V2) == as_json("pair", v2, "--as-of", V2)
    assert as_json("stats", *NEO) == as_json("stats", v2)


def test_the_same_content_again_records_nothing(loaded, v2):
    said = run("load", v2, *NEO, "--source", "shashi", "--as-of", V2)
    assert said.startswith("unchanged")
    assert versions() == [1, 2]


def test_a_month_out_of_order_is_refused_unless_backfill(loaded, sample_ledger):
    said = run("load", sample_ledger, *NEO, "--source", "shashi", "--as-of", V1, code=2)
    assert "before the latest version" in said and "--backfill" in said
    assert versions() == [1, 2]
    run("load", sample_ledger, *NEO, "--source", "shashi", "--as-of", V1, "--backfill")
    assert versions() == [1, 2, 3]
    back = as_json("changes", *NEO)["entities"]
    assert back == {"added": [], "removed": ["P24"], "changed": [
        {"id": "P09", "properties": ["COVERS"]},
        {"id": "P16", "properties": ["name", "name_key"]},
    ]}  # fmt: skip


def test_a_second_load_waits_for_the_first(neo, neo4j_settings, sample_ledger, v2):
    run("load", sample_ledger, *NEO, "--source", "shashi", "--as-of", V1)
    first = Neo4jRecord.open()
    done: list[str] = []

    def second() -> None:
        done.append(run("load", v2, *NEO, "--source", "shashi", "--as-of", V2))

    try:
        with first.lock():  # a load holding the database
            thread = threading.Thread(target=second)
            thread.start()
            wait_until_blocked(neo, thread)
            assert done == [] and thread.is_alive()  # it waits, writes nothing
        thread.join(120)
    finally:
        first.close()
    assert done and done[0].startswith("version 2 of source shashi")
    assert versions() == [1, 2]


BLOCKED = "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n"


def wait_until_blocked(driver, thread: threading.Thread) -> None:
    """Until the server shows a transaction waiting on another's lock (the thread's)."""
    deadline = time.monotonic() + 240
    while not driver.execute_query(BLOCKED).records[0]["n"]:
        assert thread.is_alive(), "the second load ended without waiting"
        assert time.monotonic() < deadline, "no transaction ever waited on the lock"
        time.sleep(0.2)


def test_a_plain_load_waits_for_a_load_of_the_record_then_refuses_it(neo, sample_ledger):
    run("load", sample_ledger, *NEO, "--source", "shashi", "--as-of", V1)
    record = Neo4jRecord.open()
    done: list[str] = []

    def plain() -> None:
        done.append(run("load", sample_ledger, *NEO, code=2))

    try:
        with record.lock():  # a load of the record holding the database
            thread = threading.Thread(target=plain)
            thread.start()
            wait_until_blocked(neo, thread)
            assert done == []
        thread.join(240)
    finally:
        record.close()
    assert done and "holds a store of record (loaded with --source)" in done[0]
    assert "--replace" in done[0] and len(done[0].strip().splitlines()) == 1
    assert versions() == [1]  # the record as it was
    assert as_json("gaps", *NEO, "--as-of", V1) == as_json("gaps", sample_ledger, "--as-of", V1)


def test_a_load_of_the_record_waits_for_a_plain_load(neo, neo4j_settings, sample_ledger):
    store = Neo4jStore(neo, neo4j_settings["database"])
    store.ensure_schema()  # as a load does before its lock (the lock node's key is unique)
    done: list[str] = []

    def recorded() -> None:
        done.append(run("load", sample_ledger, *NEO, "--source", "shashi", "--as-of", V1))

    with store._load_lock():  # a plain load holding the database
        thread = threading.Thread(target=recorded)
        thread.start()
        wait_until_blocked(neo, thread)
        assert done == []
    thread.join(240)
    assert done and done[0].startswith("version 1 of source shashi")


def test_a_plain_load_over_a_store_of_record_is_refused_unless_replace(
    loaded, neo4j_settings, sample_ledger
):
    said = run("load", sample_ledger, *NEO, code=2)
    assert "holds a store of record" in said and len(said.strip().splitlines()) == 1
    assert versions() == [1, 2]
    run("load", sample_ledger, *NEO, "--replace")
    plain = Neo4jStore(loaded, neo4j_settings["database"])
    assert plain.stats() == load_ledger(sample_ledger).stats()
    assert not plain.holds_record()


def test_a_database_of_a_newer_format_is_refused(loaded, v2):
    loaded.execute_query("MATCH (m:LianjianLedger {key: 'ledger'}) SET m.record_format = 99")
    for args in (["history", *NEO], ["gaps", *NEO], ["load", v2, *NEO, "--source", "s",
                                                     "--as-of", V2]):  # fmt: skip
        said = run(*args, code=2)
        assert "format 99, newer than this lianjian reads" in said
        assert len(said.strip().splitlines()) == 1


def test_a_database_holding_a_plain_load_is_not_taken_for_a_store(neo, sample_ledger, v2):
    run("load", sample_ledger, *NEO)
    for args in (["load", v2, *NEO, "--source", "shashi", "--as-of", V2], ["history", *NEO],
                 ["changes", *NEO], ["gaps", *NEO], ["coverage", "--trend", *NEO]):  # fmt: skip
        said = run(*args, code=2)  # not an empty history: no store of record at all
        assert "holds a ledger loaded without --source" in said, args
        assert len(said.strip().splitlines()) == 1, said
    assert as_json("gaps", sample_ledger, *NEO)["rules"]  # the ledger named: it is read


def test_an_empty_database_says_what_to_do(neo):
    said = run("gaps", *NEO, code=2)
    assert "holds no source yet" in said and "--source NAME" in said


def test_the_neo4j_store_of_record_has_the_interface(loaded, sample_ledger):
    record = Neo4jRecord.open()
    try:
        assert isinstance(record, RecordStore)
        assert {s.name: (s.as_of, s.version) for s in record.sources().values()} == {
            "shashi": (V2, 2)
        }
        closed = [(f.rule, f.id, f.first_seen, f.closed_at, f.closed_on)
                  for f in record.findings() if f.closed_at is not None]  # fmt: skip
        assert closed == [
            ("grid_without_branch", "SS0102G02", 1, 2, V2),
            *(("member_without_service", m, 1, 2, V2) for m in SERVED_IN_JUNE),
        ]
        # a load that fails before its commit leaves the database as it was
        data = load_ledger(sample_ledger)

        class Stop(Exception):
            pass

        def stop(*args, **kwargs):
            raise Stop

        record._commit = stop
        with pytest.raises(Stop):
            load_version(record, "shashi", "2026-07-31", data)
    finally:
        record.close()
    assert versions() == [1, 2]
    assert as_json("gaps", *NEO, "--as-of", V2)["rules"]["grid_without_branch"]["count"] == 0
    n = loaded.execute_query("MATCH (n:PartyOrg {id: 'P24'}) RETURN count(n) AS n").records
    assert n[0]["n"] == 1  # the staged removal of P24 was rolled back


def test_conflicts_between_sources_are_named_as_on_the_embedded_backend(
    neo, sample_ledger, tmp_path
):
    other = twin_ledger(sample_ledger, tmp_path / "other")
    run("load", sample_ledger, *NEO, "--source", "one", "--as-of", V1)
    said = run("load", other, *NEO, "--source", "two", "--as-of", V1)
    assert "conflict: P25 of source two has the name and place of P16 of source one" in said
    record = Neo4jRecord.open()
    try:
        _, conflicts = record.graph()
    finally:
        record.close()
    assert [(c.id, c.kept, c.other, c.same_as) for c in conflicts] == TWIN_CONFLICTS
    name = neo.execute_query("MATCH (n:PartyOrg {id: 'P16'}) RETURN n.name AS n").records
    assert name[0]["n"] == "荆州市沙市区税务局机关党支部"  # the first source's is kept
    assert "conflict: P16 differs" in run("stats", *NEO)


def test_a_first_version_records_what_the_database_gives(neo, jingzhou_small):
    """The first version into an empty database runs the rules and coverage on the ledger
    in memory, not through its transaction: what it records equals what they give on the
    database after the commit, and the database holds the ledger's counts (CREATE)."""
    data = load_ledger(jingzhou_small)
    record = Neo4jRecord.open()
    try:
        done = load_version(record, "jz", V1, data)
        recorded = sorted((f.rule, f.id, f.street, f.first_seen) for f in record.findings())
        rows = record.coverage_rows()
    finally:
        record.close()
    assert done.version is not None and done.version.version == 1
    store = Neo4jStore.from_settings(Neo4jSettings.from_env())
    try:
        found = find_gaps(store, as_of=V1)
        expected_rows = [
            {"version": 1, "as_of": V1, "level": level, "id": r["id"], "name": r["name"],
             "metrics": r["metrics"]}
            for level in LEVELS
            for r in coverage(store, level, as_of=V1)
        ]  # fmt: skip
        stats = store.stats()
    finally:
        store.close()
    expected = sorted((k, i.id, i.street, 1) for k, items in found.rules.items() for i in items)
    assert len(recorded) > 50 and recorded == expected
    assert len(rows) > 10 and rows == expected_rows
    assert stats == data.stats()
