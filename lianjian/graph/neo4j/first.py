"""A source's first version into a Neo4j database holding no graph (docs/store.md).

A later version is one transaction: its diff is small. The first holds the whole
ledger, more than a server's transaction memory pool may hold (at jingzhou scale 1 it
exceeded the 837 MiB of a server with a 1.2 GB heap), so it is written as a plain load
is: ``CREATE`` in batched transactions of their own, while the load's transaction keeps
the load lock. Before the first batch the ledger marker says that a first version is
under way (``record_pending``); the load's own transaction removes that when it commits
the version. A load that stops half-way (a server killed, a failed batch) so leaves a
marker that no reader takes for a ledger, and the next load clears what it left, in
bounded batches, and begins again.
"""

from __future__ import annotations

from lianjian.core.model import GraphData
from lianjian.graph.neo4j.marker import META_LABEL, PENDING
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.graph.neo4j.writes import GraphRows, clear_statements

__all__ = ["PENDING", "write_first", "is_pending"]


def is_pending(marker: dict | None) -> bool:
    """Whether the marker's properties say a first version began and never committed."""
    return bool((marker or {}).get(PENDING))


def write_first(store: Neo4jStore, data: GraphData, leftover: bool, lock_label: str) -> None:
    """Mark the first version under way, clear what a stopped one left (``leftover``),
    then write ``data`` with CREATE in batched transactions (members by pseudonym)."""
    store._marked(f"MERGE (m:{META_LABEL} {{key: 'ledger'}}) SET m.{PENDING} = true")
    if leftover:
        with store.driver.session(database=store.database) as session:
            # never the marker or the load lock: the load's transaction holds the lock's
            # write lock, and deleting it would wait on that transaction for ever
            for statement in clear_statements((META_LABEL, lock_label)):
                session.run(statement).consume()
    store._write_graph(GraphRows(data, store.schema), create=True, with_names=False, progress=None)
