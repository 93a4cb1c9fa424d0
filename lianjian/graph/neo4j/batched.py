"""Writing a load's batches with several writers at once.

A Neo4j server runs each transaction on one thread: with one writer, the server's other
cores and the loader's own wait while a batch is written. Here ``writers`` managed
transactions run at the same time, each on a session of its own, and the loader makes
the next batch while they run. At most ``writers`` batches are in flight and one more is
being made, so the rows held stay bounded; the batch size is chosen so that ``writers``
batches together take no more of the server's transaction memory than one batch of
10,000 rows did with one writer.

Two transactions may touch the same node (two batches of relationships ending at one
organisation). The server's locks keep them apart; a deadlock between them is a
transient error, and ``execute_write`` runs the rolled-back transaction again, so a batch
is committed once (a ``CREATE`` load is also counted afterwards).

The nodes are written before any relationship: :func:`write_all` is called once for
the nodes and once for the relationships, each call waiting for its last batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from lianjian.graph.neo4j.settings import Neo4jConfigError

__all__ = ["BATCH_SIZE", "WRITERS", "writers", "write_all"]

WRITERS = 2  # writers by default: measured at jingzhou scale 1, 1.45× one writer
BATCH_SIZE = 5000  # rows per batch: WRITERS batches in flight hold 10,000 rows

Progress = Callable[[str, int, int], None]


def writers() -> int:
    """How many writers a load runs: ``LIANJIAN_NEO4J_WRITERS`` (a whole number from 1
    to 16), or :data:`WRITERS`."""
    value = os.environ.get("LIANJIAN_NEO4J_WRITERS", "").strip()
    if not value:
        return WRITERS
    if not value.isdigit() or not 1 <= int(value) <= 16:
        raise Neo4jConfigError(
            f"LIANJIAN_NEO4J_WRITERS must be a whole number from 1 to 16, not {value!r}"
        )
    return int(value)


def write_all(
    driver: Any,
    database: str,
    statements: Iterable[tuple[str, Any, str]],
    count: int,
    total: int,
    progress: Progress | None = None,
    n: int = WRITERS,
) -> int:
    """Run each ``(cypher, rows, stage)`` of ``statements`` (``rows`` gives its batches
    with ``rows.batches(size)``) on ``$rows``, in batches of :data:`BATCH_SIZE`, with
    ``n`` transactions at a time. ``count``: the rows written before; the
    progress is told the stage, the rows written so far and ``total``. Returns the count
    after. The first batch that fails is raised once the batches in flight have ended;
    none is started after it."""

    def one(cypher: str, batch: list[dict[str, Any]]) -> int:
        def work(tx) -> None:
            tx.run(cypher, rows=batch).consume()

        with driver.session(database=database) as session:
            session.execute_write(work)
        return len(batch)

    in_flight: dict[Future[int], str] = {}

    def settle() -> None:  # wait for a batch in flight to end
        nonlocal count
        finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in finished:
            stage = in_flight.pop(future)
            count += future.result()  # raises the batch's error
            if progress:
                progress(stage, count, total)

    with ThreadPoolExecutor(n, thread_name_prefix="lianjian-writer") as pool:
        try:
            for cypher, rows, stage in statements:
                for batch in rows.batches(BATCH_SIZE):
                    while len(in_flight) >= n:
                        settle()
                    in_flight[pool.submit(one, cypher, batch)] = stage
            while in_flight:
                settle()
        except BaseException:
            for future in in_flight:
                future.cancel()
            wait(in_flight)  # the batches already running end before the error goes up
            raise
    return count
