"""A load's batches written by several transactions at once: how many run together, in
what order the nodes and relationships go, and what a failing batch does. A driver
that records the transactions stands in for the server here; the loads on a real
server (test_store_neo4j*.py, test_neo4j_*.py) run with the default writers."""

from __future__ import annotations

import threading

import pytest
from typer.testing import CliRunner

from lianjian.cli import app
from lianjian.graph.neo4j.batched import BATCH_SIZE, WRITERS, write_all, writers
from lianjian.graph.neo4j.settings import Neo4jConfigError
from lianjian.graph.neo4j.writes import Batches

WAIT = 60  # seconds a transaction waits for its companion before the test fails


class Transactions:
    """A driver whose write transactions record their rows, and which holds each one
    until ``hold`` of them run at once (or, with ``hold`` 1, not at all)."""

    def __init__(self, hold: int = 1, fail_on: str | None = None):
        self.lock = threading.Lock()
        self.running = self.most = 0
        self.written: list[list[str]] = []
        self.barrier = threading.Barrier(hold) if hold > 1 else None
        self.fail_on = fail_on

    def session(self, database=None):
        return _Session(self)


class _Session:
    def __init__(self, transactions: Transactions):
        self.t = transactions

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute_write(self, work):
        t = self.t
        with t.lock:
            t.running += 1
            t.most = max(t.most, t.running)
        try:
            work(self)
        finally:
            with t.lock:
                t.running -= 1

    def run(self, cypher, rows):
        t = self.t
        ids = [r["id"] for r in rows]
        if t.barrier:
            t.barrier.wait(WAIT)  # raises BrokenBarrierError if the other never comes
        if t.fail_on in ids:
            raise RuntimeError(f"batch holding {t.fail_on} refused")
        with t.lock:
            t.written.append(ids)

        class Result:
            def consume(self):
                return None

        return Result()


def _rows(n: int, prefix: str = "n") -> Batches:
    return Batches([f"{prefix}{i}" for i in range(n)], lambda i: {"id": i})


def test_two_writers_run_two_transactions_at_once_and_never_more():
    driver = Transactions(hold=2)
    statements = [("CREATE A", _rows(4 * BATCH_SIZE), "A")]
    seen: list[tuple[str, int, int]] = []
    count = write_all(driver, "db", statements, 7, 99, lambda *a: seen.append(a), n=2)
    assert count == 7 + 4 * BATCH_SIZE
    assert driver.most == 2  # the barrier of two passed: two ran together, never three
    assert sorted(i for batch in driver.written for i in batch) == sorted(
        f"n{i}" for i in range(4 * BATCH_SIZE)
    )
    assert all(len(batch) == BATCH_SIZE for batch in driver.written)
    # the progress is told after each batch, with the running count and the total
    assert [c for _, c, _ in seen] == [7 + k * BATCH_SIZE for k in range(1, 5)]
    assert {(s, t) for s, _, t in seen} == {("A", 99)}


def test_one_writer_runs_the_batches_one_after_another_in_order():
    driver = Transactions(hold=1)
    statements = [("CREATE A", _rows(BATCH_SIZE + 3, "a"), "A"), ("CREATE B", _rows(2, "b"), "B")]
    assert write_all(driver, "db", statements, 0, 0, n=1) == BATCH_SIZE + 5
    assert driver.most == 1
    assert [batch[0] for batch in driver.written] == ["a0", f"a{BATCH_SIZE}", "b0"]


def test_a_failing_batch_is_raised_and_no_batch_starts_after_it():
    driver = Transactions(hold=1, fail_on="n2")
    made: list[str] = []

    def row(i: str) -> dict[str, str]:
        made.append(i)
        return {"id": i}

    # batches of one row: the third fails
    many = Batches([f"n{i}" for i in range(50)], row)

    class OneByOne:
        def __len__(self):
            return len(many)

        def batches(self, size):
            return many.batches(1)

    with pytest.raises(RuntimeError, match="holding n2 refused"):
        write_all(driver, "db", [("CREATE", OneByOne(), "A")], 0, 0, n=1)
    assert driver.written == [["n0"], ["n1"]]
    assert len(made) <= 4  # the rows in flight and the next one made; not the other 46


def test_the_writers_come_from_the_environment_and_a_bad_value_is_refused(monkeypatch):
    monkeypatch.delenv("LIANJIAN_NEO4J_WRITERS", raising=False)
    assert writers() == WRITERS == 2
    monkeypatch.setenv("LIANJIAN_NEO4J_WRITERS", " 4 ")
    assert writers() == 4
    for bad in ("0", "17", "two", "-1", "1.5"):
        monkeypatch.setenv("LIANJIAN_NEO4J_WRITERS", bad)
        with pytest.raises(Neo4jConfigError, match="LIANJIAN_NEO4J_WRITERS must be"):
            writers()


def test_a_bad_writers_setting_is_one_line_before_any_server_is_asked(monkeypatch, sample_ledger):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("LIANJIAN_NEO4J_WRITERS", "many")
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "k" * 32)
    result = CliRunner().invoke(app, ["load", str(sample_ledger), "--neo4j"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert any("LIANJIAN_NEO4J_WRITERS must be a whole number from 1 to 16" in x for x in lines)
    assert not any("connect" in x.lower() for x in lines)
