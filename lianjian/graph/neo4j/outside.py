"""What a load of the Neo4j store of record writes outside its one transaction
(docs/store.md): the source's hashes, the findings it opens and its coverage rows.

Written in the load's transaction they took more than a server's transaction memory
pool holds: at jingzhou scale 10 the hashes as one JSON property were about 300 MB of
text and the first version opened 250,000 findings (a 1.3 GiB pool refused them). Now
they are written in transactions of their own before the load's transaction commits,
and nothing reads them before it does:

- a source's hashes are ``LianjianHashes`` pieces of at most :data:`PIECE` entries, a
  set of pieces named by the version that wrote it; the source's node names its current
  set (``hashes``), which the load's transaction sets;
- a finding and a coverage row carry the version that wrote them (``first_seen``,
  ``version``), and are read only up to the latest version recorded.

A load that stops before its commit so leaves pieces no source names and rows of a
version never recorded; the next load deletes them under its lock (:func:`clear_uncommitted`),
with the sets of pieces superseded since.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from lianjian.graph.neo4j.batched import write_all, writers
from lianjian.graph.neo4j.writes import Batches

__all__ = [
    "COVERAGE", "FINDING", "HASHES", "INDEX", "LOCK", "PIECE", "SOURCE", "VERSION",
    "clear_uncommitted", "legacy", "pieces", "read_set", "write_coverage",
    "write_findings", "write_set",
]  # fmt: skip

SOURCE, HASHES, VERSION, FINDING, COVERAGE, LOCK = (
    "LianjianSource",
    "LianjianHashes",
    "LianjianVersion",
    "LianjianFinding",
    "LianjianCoverage",
    "LianjianLoadLock",
)
PIECE = 20000  # entries a piece holds: about 1.3 MB of text for links
_PER_TRANSACTION = 4  # pieces a transaction writes
KINDS = ("entities", "links", "names")

INDEX = f"CREATE INDEX lianjian_hashes IF NOT EXISTS FOR (n:{HASHES}) ON (n.source, n.set)"


def pieces(
    entities: dict[str, tuple[str, str]],
    links: dict[tuple[str, str, str, str], str],
    names: dict[str, list[str]],
) -> Iterator[dict[str, Any]]:
    """The pieces of one source's hashes: ``{kind, seq, body}``, ``body`` a JSON list of
    entries (``[ID, LABEL, HASH]``, ``[TYPE, S, T, KEY, HASH]``, ``[ID, LABEL, NAME, PARENT]``)."""
    entries: dict[str, Iterator[list]] = {
        "entities": ([i, label, h] for i, (label, h) in entities.items()),
        "links": ([*k, h] for k, h in links.items()),
        "names": ([i, *path] for i, path in names.items()),
    }
    for kind in KINDS:
        seq, piece = 0, []
        for entry in entries[kind]:
            piece.append(entry)
            if len(piece) == PIECE:
                yield {"kind": kind, "seq": seq, "body": json.dumps(piece, ensure_ascii=False)}
                seq, piece = seq + 1, []
        if piece or seq == 0:
            yield {"kind": kind, "seq": seq, "body": json.dumps(piece, ensure_ascii=False)}


def write_set(driver: Any, database: str, source: str, number: int, rows: Iterator[dict]) -> None:
    """Write the pieces ``rows`` as set ``number`` of ``source``, a few per transaction.
    Nothing names the set until the load's transaction commits."""
    cypher = (
        f"UNWIND $rows AS row CREATE (h:{HASHES} {{source: $source, set: $set, "
        "kind: row.kind, seq: row.seq, body: row.body})"
    )

    def work(tx, batch) -> None:
        tx.run(cypher, rows=batch, source=source, set=number).consume()

    with driver.session(database=database) as session:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) == _PER_TRANSACTION:
                session.execute_write(work, batch)
                batch = []
        if batch:
            session.execute_write(work, batch)


def decode(bodies: list[tuple[str, str]]) -> tuple[dict, dict, dict]:
    """``(entities {ID: [LABEL, HASH]}, links {(TYPE, S, T, KEY): HASH}, names
    {ID: [LABEL, NAME, PARENT]})`` from the ``(kind, body)`` of a set's pieces."""
    entities: dict[str, list[str]] = {}
    links: dict[tuple[str, str, str, str], str] = {}
    names: dict[str, list[str]] = {}
    for kind, body in bodies:
        for entry in json.loads(body):
            if kind == "entities":
                entities[entry[0]] = entry[1:]
            elif kind == "links":
                links[tuple(entry[:4])] = entry[4]
            else:
                names[entry[0]] = entry[1:]
    return entities, links, names


def read_set(run: Callable[..., list], source: str, number: int) -> tuple[dict, dict, dict]:
    """The set ``number`` of ``source`` through ``run`` (a read in the caller's transaction)."""
    rows = run(
        f"MATCH (h:{HASHES} {{source: $source, set: $set}}) RETURN h.kind AS k, h.body AS b "
        "ORDER BY h.kind, h.seq",
        source=source,
        set=number,
    )
    return decode([(r["k"], r["b"]) for r in rows])


def legacy(entities: str, links: str, names: str | None) -> tuple[dict, dict, dict]:
    """The same from a format-1 source node, whose hashes were JSON properties of its own."""
    return (
        json.loads(entities),
        {(t, s, d, k): h for t, s, d, k, h in json.loads(links)},
        json.loads(names or "{}"),
    )


def write_findings(driver: Any, database: str, opened: list[Any]) -> None:
    """Create the findings ``opened`` (:class:`~lianjian.graph.versions.Finding`)."""
    row = lambda f: {k: v for k, v in f.__dict__.items() if v is not None}  # noqa: E731
    cypher = f"UNWIND $rows AS row CREATE (f:{FINDING}) SET f = row"
    write_all(driver, database, [(cypher, Batches(opened, row), "")], 0, 0, None, writers())


def write_coverage(driver: Any, database: str, version: int, rows: list[dict], seq: int) -> None:
    """Create the coverage ``rows`` of ``version``, numbered from ``seq``."""
    cypher = (
        f"UNWIND $rows AS row CREATE (c:{COVERAGE} {{seq: row.seq, version: {int(version)}, "
        "body: row.b})"
    )
    numbered = [(seq + n, r) for n, r in enumerate(rows)]
    row = lambda x: {"seq": x[0], "b": json.dumps(x[1], ensure_ascii=False)}  # noqa: E731
    write_all(driver, database, [(cypher, Batches(numbered, row), "")], 0, 0, None, writers())


LATEST = f"OPTIONAL MATCH (v:{VERSION}) WITH coalesce(max(v.version), 0) AS latest "


def clear_uncommitted(driver: Any, database: str) -> None:
    """Delete the pieces no source names and the findings and coverage rows of a version
    never recorded, in bounded transactions."""
    with driver.session(database=database) as session:
        for statement in (
            f"MATCH (h:{HASHES}) WHERE NOT EXISTS {{ MATCH (s:{SOURCE} {{name: h.source}}) "
            "WHERE s.hashes = h.set }",
            f"{LATEST}MATCH (h:{FINDING}) WHERE h.first_seen > latest",
            f"{LATEST}MATCH (h:{COVERAGE}) WHERE h.version > latest",
        ):
            session.run(
                f"{statement} CALL (h) {{ DELETE h }} IN TRANSACTIONS OF 500 ROWS"
            ).consume()
