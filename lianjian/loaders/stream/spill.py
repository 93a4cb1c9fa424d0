"""The streaming load's index on disk: one SQLite file (the standard library's
``sqlite3``) holding every row's id, label and place in the ledger, its properties,
its reference cells, the link rows and the relationships resolved, so that the
Python process holds none of them. The page cache is bounded by a pragma.

The views below give pass one and pass two of :mod:`lianjian.loaders.ledger` and
:mod:`lianjian.loaders.resolve` the containers they use (``Build.where``,
``GraphData.nodes``, ``Build.refs``, ``Build.links``, ``GraphData.edges``), so the
same row and reference code runs over the spill as over the model.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lianjian.core.model import NO_PROPS, Edge
from lianjian.core.schema import Property
from lianjian.loaders.resolve import LinkRow, Ref

__all__ = ["Spill"]

CACHE_KIB = 16 * 1024  # SQLite's page cache: 16 MiB, whatever the ledger's size
LIGHT = ("level", "kind", "ledger_file")
TICK = 5000
KNOWN = (
    1 << 16
)  # nodes kept as looked up (:meth:`Nodes.get`)  # what a reference's checks read of its target

_TABLES = (
    "CREATE TABLE entity (id TEXT PRIMARY KEY, file TEXT, row INTEGER, label TEXT,"
    " level TEXT, kind TEXT, props BLOB)",
    "CREATE TABLE ref (seq INTEGER PRIMARY KEY, item BLOB)",
    "CREATE TABLE link (seq INTEGER PRIMARY KEY, item BLOB)",
    "CREATE TABLE edge (seq INTEGER PRIMARY KEY, type TEXT, src TEXT, dst TEXT, key TEXT,"
    " props BLOB, sl TEXT, tl TEXT, UNIQUE (type, src, dst, key))",
    "CREATE TABLE seen (key BLOB PRIMARY KEY, row INTEGER)",
)
_DUMP = pickle.HIGHEST_PROTOCOL


class Spill:
    """The index file at ``path`` (created; removed with :meth:`close`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")  # one transaction: the file is scratch, never a record
        for stmt in _TABLES:
            self.db.execute(stmt)
        self.props: list[Property] = []  # the reference columns, by position
        self._prop_at: dict[int, int] = {}
        self.where, self.nodes = Where(self), Nodes(self)
        self.refs, self.links = Refs(self), Links(self)
        self.edges, self.seen = Edges(self), Seen(self)

    def finish(self) -> None:
        """Once every relationship is resolved: the labels of its ends beside each, and the
        indexes the writes read by (the nodes by label, the edges by group)."""
        self.db.execute(
            "UPDATE edge SET sl = (SELECT label FROM entity WHERE id = src),"
            " tl = (SELECT label FROM entity WHERE id = dst)"
        )
        self.db.execute("CREATE INDEX entity_label ON entity (label)")
        self.db.execute("CREATE INDEX edge_group ON edge (type, sl, tl, props IS NOT NULL, seq)")

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

    def prop_index(self, p: Property) -> int:
        at = self._prop_at.get(id(p))
        if at is None:
            at = self._prop_at[id(p)] = len(self.props)
            self.props.append(p)
        return at

    def rows(self, sql: str, *args: Any) -> Iterator[tuple]:
        """The rows of a query, on a cursor of their own (others may run meanwhile)."""
        return iter(self.db.cursor().execute(sql, args))


class Where:
    """``Build.where``: id → (file, row) of the row that defined it."""

    def __init__(self, s: Spill) -> None:
        self.s = s

    def __contains__(self, node_id: str) -> bool:
        if node_id in self.s.nodes.known:
            return True
        row = self.s.db.execute("SELECT 1 FROM entity WHERE id = ?", (node_id,)).fetchone()
        return row is not None

    def __getitem__(self, node_id: str) -> tuple[str, int]:
        row = self.s.db.execute("SELECT file, row FROM entity WHERE id = ?", (node_id,)).fetchone()
        if row is None:
            raise KeyError(node_id)
        return row[0], row[1]

    def __setitem__(self, node_id: str, where: tuple[str, int]) -> None:
        self.s.db.execute("INSERT INTO entity (id, file, row) VALUES (?, ?, ?)", (node_id, *where))


class Nodes:
    """``GraphData.nodes``: id → (label, properties). Read back, a node has only the
    properties a reference's checks read (:data:`LIGHT`); :meth:`stored` gives them all."""

    def __init__(self, s: Spill) -> None:
        self.s = s
        self.known: dict[str, tuple[str, dict[str, Any]]] = {}  # the last looked up

    def get(self, node_id: str) -> tuple[str, dict[str, Any]] | None:
        """(label, the properties of :data:`LIGHT`) of a node, None if none. The nodes
        looked up are kept in :attr:`known`, at most :data:`KNOWN` of them (references
        name the same communities, buildings and organisations again and again)."""
        node = self.known.get(node_id)
        if node is not None:
            return node
        row = self.s.db.execute(
            "SELECT label, level, kind, file FROM entity WHERE id = ?", (node_id,)
        ).fetchone()
        if row is None or row[0] is None:  # none, or its row not read yet
            return None
        if len(self.known) >= KNOWN:
            self.known.clear()
        node = self.known[node_id] = row[0], _light(row[1:])
        return node

    def __contains__(self, node_id: str) -> bool:
        return self.get(node_id) is not None

    def __len__(self) -> int:
        return self.s.db.execute("SELECT count(*) FROM entity").fetchone()[0]

    def __setitem__(self, node_id: str, node: tuple[str, dict[str, Any]]) -> None:
        self.known.pop(node_id, None)
        label, props = node
        self.s.db.execute(
            "UPDATE entity SET label = ?, level = ?, kind = ?, props = ? WHERE id = ?",
            (label, props.get("level"), props.get("kind"), pickle.dumps(props, _DUMP), node_id),
        )

    def __getitem__(self, node_id: str) -> tuple[str, dict[str, Any]]:
        node = self.get(node_id)
        if node is None:
            raise KeyError(node_id)
        return node

    def items(self) -> Iterator[tuple[str, tuple[str, dict[str, Any]]]]:
        for node_id, label, *light in self.s.rows(
            "SELECT id, label, level, kind, file FROM entity ORDER BY rowid"
        ):
            yield node_id, (label, _light(light))

    def values(self) -> Iterator[tuple[str, dict[str, Any]]]:
        return (node for _, node in self.items())

    def labels(self) -> list[str]:
        return [r[0] for r in self.s.rows("SELECT DISTINCT label FROM entity ORDER BY label")]

    def count(self, label: str) -> int:
        return self.s.db.execute(
            "SELECT count(*) FROM entity WHERE label = ?", (label,)
        ).fetchone()[0]

    def stored(self, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The nodes of ``label`` with all their properties, in the ledger's order."""
        for node_id, props in self.s.rows(
            "SELECT id, props FROM entity WHERE label = ? ORDER BY rowid", label
        ):
            yield node_id, pickle.loads(props)


def _light(values: Any) -> dict[str, Any]:
    return {k: v for k, v in zip(LIGHT, values, strict=True) if v is not None}


class Refs:
    """``Build.refs``: the reference cells of pass one, in the order they were read;
    ``tick``, when set, is told of every :data:`TICK` read back (a progress bar)."""

    def __init__(self, s: Spill) -> None:
        self.s = s
        self.tick: Callable[[int], None] | None = None

    def append(self, r: Ref) -> None:
        item = (self.s.prop_index(r.prop), r.source, tuple(r.targets), r.file, r.row, r.column)
        self.s.db.execute("INSERT INTO ref (item) VALUES (?)", (pickle.dumps(item, _DUMP),))

    def __iter__(self) -> Iterator[Ref]:
        n = 0
        for (item,) in self.s.rows("SELECT item FROM ref ORDER BY seq"):
            p, source, targets, file, row, column = pickle.loads(item)
            yield Ref(self.s.props[p], source, targets, file, row, column)
            n += 1
            if self.tick and n % TICK == 0:
                self.tick(TICK)
        if self.tick:
            self.tick(n % TICK)

    def __setitem__(self, i: int, value: None) -> None:
        """Pass two frees each reference as it goes: here nothing is held to free."""


class Links:
    """``Build.links``: the link rows, in the order they were read."""

    def __init__(self, s: Spill) -> None:
        self.s = s

    def append(self, link: LinkRow) -> None:
        item = (link.values, link.extra, link.file, link.row, link.columns)
        self.s.db.execute("INSERT INTO link (item) VALUES (?)", (pickle.dumps(item, _DUMP),))

    def __iter__(self) -> Iterator[LinkRow]:
        for (item,) in self.s.rows("SELECT item FROM link ORDER BY seq"):
            yield LinkRow(*pickle.loads(item))

    def __bool__(self) -> bool:
        return self.s.db.execute("SELECT 1 FROM link LIMIT 1").fetchone() is not None


class Edges:
    """``GraphData.edges``: the relationships resolved. One of the same type, ends and key
    is kept once (the first; the repeats of an edge without properties are equal to it,
    and a link repeated is rejected before it becomes an edge)."""

    def __init__(self, s: Spill) -> None:
        self.s = s

    def append(self, e: Edge) -> None:
        props = pickle.dumps(dict(e.props), _DUMP) if e.props else None
        self.s.db.execute(
            "INSERT OR IGNORE INTO edge (type, src, dst, key, props) VALUES (?, ?, ?, ?, ?)",
            (e.type, e.source, e.target, e.key, props),
        )

    def __len__(self) -> int:
        return self.s.db.execute("SELECT count(*) FROM edge").fetchone()[0]

    def __iter__(self) -> Iterator[Edge]:
        return self.of_type(None)

    def of_type(self, rel: str | None) -> Iterator[Edge]:
        where = "" if rel is None else " WHERE type = ?"
        args = () if rel is None else (rel,)
        for t, src, dst, key, props in self.s.rows(
            f"SELECT type, src, dst, key, props FROM edge{where} ORDER BY seq", *args
        ):
            yield Edge(t, src, dst, key, pickle.loads(props) if props else NO_PROPS)

    def into_cycles(self, rel: str) -> list[Edge]:
        """The edges of ``rel`` (in order) of every source whose parents may lead into a
        cycle: not those whose every chain of parents ends at a root, pruned in SQL a
        level at a time (a walk from them finds no cycle, and no walk that finds one
        passes them)."""
        db = self.s.db
        db.execute("CREATE TEMP TABLE up (src TEXT, dst TEXT)")
        db.execute("INSERT INTO up SELECT src, dst FROM edge WHERE type = ?", (rel,))
        db.execute("CREATE INDEX temp.up_src ON up (src)")
        while db.execute("DELETE FROM up WHERE dst NOT IN (SELECT src FROM up)").rowcount:
            pass
        rows = self.s.rows(
            "SELECT type, src, dst, key FROM edge WHERE type = ?"
            " AND src IN (SELECT src FROM up) ORDER BY seq",
            rel,
        )
        edges = [Edge(t, a, b, k, NO_PROPS) for t, a, b, k in rows]
        db.execute("DROP TABLE up")
        return edges

    def drop_from(self, rel: str, sources: set[str]) -> None:
        self.s.db.executemany(
            "DELETE FROM edge WHERE type = ? AND src = ?", ((rel, s) for s in sources)
        )

    def groups(self) -> list[tuple[tuple[str, str, str, bool], int]]:
        """(type, source label, target label, has properties) of the edges, and how many."""
        return [
            ((t, a, b, bool(p)), n)
            for t, a, b, p, n in self.s.rows(
                "SELECT type, sl, tl, props IS NOT NULL, count(*) FROM edge"
                " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
            )
        ]

    def of_group(self, key: tuple[str, str, str, bool]) -> Iterator[Edge]:
        rel, sl, tl, with_props = key
        for src, dst, k, props in self.s.rows(
            "SELECT src, dst, key, props FROM edge"
            " WHERE type = ? AND sl = ? AND tl = ? AND (props IS NOT NULL) = ? ORDER BY seq",
            rel,
            sl,
            tl,
            with_props,
        ):
            yield Edge(rel, src, dst, k, pickle.loads(props) if props else NO_PROPS)


class Seen:
    """The links loaded so far: (kind, source, target, start date) → the row."""

    def __init__(self, s: Spill) -> None:
        self.s = s

    def __contains__(self, key: tuple) -> bool:
        return (
            self.s.db.execute("SELECT 1 FROM seen WHERE key = ?", (_key(key),)).fetchone()
            is not None
        )

    def __getitem__(self, key: tuple) -> int:
        return self.s.db.execute("SELECT row FROM seen WHERE key = ?", (_key(key),)).fetchone()[0]

    def __setitem__(self, key: tuple, row: int) -> None:
        self.s.db.execute("INSERT OR REPLACE INTO seen VALUES (?, ?)", (_key(key), row))


def _key(key: tuple) -> bytes:
    return pickle.dumps(key, _DUMP)
