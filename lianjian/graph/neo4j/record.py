"""The Neo4j store of record (docs/store.md): the same :class:`RecordStore` interface
as the embedded one, in the configured database.

The union of sources is the database itself. Beside it, nodes of labels no query
matches hold the record: ``LianjianSource`` (a source's latest version, and the set of
``LianjianHashes`` pieces holding a hash per entity and per link: a monthly load reads
no more),
``LianjianVersion``, ``LianjianFinding`` and ``LianjianCoverage``; the store's format
is a property of the ledger marker (``LianjianLedger``, ``record_format``).

A load is one write transaction (but for a first version into a database holding no
graph, written in batched transactions behind a marker: :mod:`~lianjian.graph.neo4j.first`):
:meth:`Neo4jRecord.lock` opens it and first writes the ``LianjianLoadLock`` node (unique
by key), so a second load waits on that node's lock until the first commits or rolls
back; every read under the lock, the diff applied by :meth:`Neo4jRecord.stage`, the gap
rules and coverage run on the staged graph (read through the same transaction) and the
record written by ``commit`` are in it, but for the hashes, findings and coverage rows
written beside it (:mod:`~lianjian.graph.neo4j.outside`), which no reader sees before
it commits. A server killed, or a load failing, before the commit leaves the previous
version as it was.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lianjian.core.model import GraphData
from lianjian.core.privacy import pseudonym_key
from lianjian.core.schema import SCHEMA
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j import outside
from lianjian.graph.neo4j.first import PENDING, is_pending, write_first
from lianjian.graph.neo4j.marker import META_LABEL, NOT_A_RECORD
from lianjian.graph.neo4j.outside import COVERAGE, FINDING, LATEST, LOCK, SOURCE, VERSION
from lianjian.graph.neo4j.personal import stored_props
from lianjian.graph.neo4j.settings import Neo4jSettings
from lianjian.graph.neo4j.store import Neo4jStore, driver_from_env
from lianjian.graph.neo4j.txwrites import (
    delete_links,
    delete_nodes,
    write_links,
    write_nodes,
)
from lianjian.graph.store import GraphStore
from lianjian.graph.versions import (
    Conflict,
    Content,
    Finding,
    SourceInfo,
    StoreFormatError,
    Version,
    conflicts_of,
    content_of,
    link_key,
    name_paths,
)

__all__ = ["Neo4jRecord", "STORE_FORMAT"]

STORE_FORMAT = 2  # 2: hashes in pieces, rows beside the transaction; 1 is read, written as 2
_MARKER = f"MERGE (m:{META_LABEL} {{key: 'ledger'}})"


class _TxStore(Neo4jStore):
    """The database as the open load transaction sees it: queries read the staged union."""

    def __init__(self, record: Neo4jRecord) -> None:
        super().__init__(record.driver, record.database)
        self._record = record

    def _read(self, cypher: str, **params: Any) -> list:
        return self._record._run(cypher, **params)

    def close(self) -> None:  # the driver is the record's
        pass


class _StoredContent(Content):
    """A source's hashes from its record node; properties fetched only for the entities
    whose hash differs, as the database keeps them (members without names)."""

    def __init__(self, record: Neo4jRecord, entities, links, labels) -> None:
        super().__init__(entities, links, {}, labels)
        self._record = record

    def props_of(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        by_label: dict[str, list[str]] = defaultdict(list)
        for i in ids:
            by_label[self.labels[i]].append(i)
        for label, group in by_label.items():
            for r in self._record._run(
                f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.id AS id, "
                "properties(n) AS p",
                ids=group,
            ):
                out[r["id"]] = dict(r["p"])
        return out

    def shown(self, node_id: str, label: str, props: dict[str, Any]) -> dict[str, Any]:
        return stored_props(node_id, label, props, False)


class Neo4jRecord:
    """The store of record in a Neo4j database (see the module docstring)."""

    name = "neo4j"

    def __init__(self, driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        self.location = f"Neo4j database {database!r}"
        self._tx = None
        self._parts: list[tuple[str, dict, dict, dict]] | None = None  # read under the lock
        self._fresh = False  # the load's database held no version when it took the lock
        self._leftover = False  # ... and held what a first version stopped half-way wrote
        self._check_format()

    @classmethod
    def open(cls, settings: Neo4jSettings | None = None) -> Neo4jRecord:
        s = settings or Neo4jSettings.from_env()
        driver = driver_from_env(s)
        try:
            return cls(driver, s.database)
        except BaseException:
            driver.close()
            raise

    # ------------------------------------------------------------ plumbing

    def _run(self, cypher: str, **params: Any) -> list:
        if self._tx is not None:
            return list(self._tx.run(cypher, params))
        records, _, _ = self.driver.execute_query(
            cypher, params, database_=self.database, routing_="r"
        )
        return records

    def _marker(self) -> dict[str, Any] | None:
        rows = self._run(f"MATCH (m:{META_LABEL} {{key: 'ledger'}}) RETURN properties(m) AS p")
        return dict(rows[0]["p"]) if rows else None

    def _check_format(self) -> None:
        marker = self._marker() or {}
        fmt = marker.get("record_format")
        if fmt is not None and (not isinstance(fmt, int) or fmt > STORE_FORMAT):
            raise StoreFormatError(
                f"the {self.location} has store format {fmt}, newer than this lianjian reads "
                f"(format {STORE_FORMAT}): use a newer lianjian"
            )
        if fmt is None and marker.get("fingerprint") and not is_pending(marker):
            raise ValueError(f"the {self.location} {NOT_A_RECORD}")  # no store: no history

    # ------------------------------------------------------------ reads

    def sources(self) -> dict[str, SourceInfo]:
        rows = self._run(
            f"MATCH (s:{SOURCE}) RETURN s.name AS n, s.as_of AS a, s.version AS v ORDER BY s.order"
        )
        return {r["n"]: SourceInfo(r["n"], r["a"], r["v"]) for r in rows}

    def versions(self) -> list[Version]:
        rows = self._run(f"MATCH (v:{VERSION}) RETURN v.body AS b ORDER BY v.version")
        return [Version(**json.loads(r["b"])) for r in rows]

    def findings(self) -> list[Finding]:
        rows = self._run(
            f"{LATEST}MATCH (f:{FINDING}) WHERE f.first_seen <= latest "
            "RETURN properties(f) AS p ORDER BY f.first_seen, f.rule, f.id"
        )
        return [Finding(**{k: r["p"].get(k) for k in Finding.__dataclass_fields__}) for r in rows]

    def coverage_rows(self) -> list[dict[str, Any]]:
        rows = self._run(
            f"{LATEST}MATCH (c:{COVERAGE}) WHERE c.version <= latest RETURN c.body AS b "
            "ORDER BY c.seq"
        )
        return [json.loads(r["b"]) for r in rows]

    def content(self, source: str) -> Content:
        part = next((p for p in self._all_content() if p[0] == source), None)
        if part is None:
            return Content()
        _, entities, links, _ = part
        return _StoredContent(
            self,
            {i: h for i, (_, h) in entities.items()},
            links,
            {i: label for i, (label, _) in entities.items()},
        )

    def _all_content(self) -> list[tuple[str, dict, dict, dict]]:
        """Every source's hashes and name paths, in load order; under the lock read once
        per load (the diff, the stage and the conflicts share them)."""
        if self._tx is not None and self._parts is not None:
            return self._parts
        rows = self._run(
            f"MATCH (s:{SOURCE}) RETURN s.name AS n, s.hashes AS h, s.entities AS e, "
            "s.links AS l, s.names AS p ORDER BY s.order"
        )
        parts = [
            (r["n"], *(outside.legacy(r["e"], r["l"], r["p"]) if r["h"] is None
                       else outside.read_set(self._run, r["n"], r["h"])))
            for r in rows
        ]  # fmt: skip
        if self._tx is not None:
            self._parts = parts
        return parts

    def graph(self) -> tuple[Neo4jStore, list[Conflict]]:
        if not self.sources():
            raise ValueError(
                f"the {self.location} holds no source yet; load one: lianjian load LEDGER "
                "--backend neo4j --source NAME --as-of DATE"
            )
        # conflicts are between two sources: one source's hashes are not read at all
        conflicts = conflicts_of(self._all_content()) if len(self.sources()) > 1 else []
        return Neo4jStore(self.driver, self.database), conflicts

    # ------------------------------------------------------------ writes

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One write transaction for the whole load; its first write is the lock node,
        so another load of this database waits until this one commits or rolls back. The
        plain load's lock (:meth:`Neo4jStore._load_lock`) is taken first and held as long,
        so a ``load --neo4j`` without ``--source`` waits too (then refuses the record)."""
        store = Neo4jStore(self.driver, self.database)
        store.ensure_schema()
        for stmt in (
            f"CREATE CONSTRAINT lianjian_load_lock IF NOT EXISTS FOR (n:{LOCK}) REQUIRE n.key IS UNIQUE",
            f"CREATE CONSTRAINT lianjian_source_name IF NOT EXISTS FOR (n:{SOURCE}) REQUIRE n.name IS UNIQUE",
            outside.INDEX,
        ):  # fmt: skip
            self.driver.execute_query(stmt, database_=self.database)
        # the plain load's lock as well: a plain load and this one wait for each other
        with store._load_lock(), self.driver.session(database=self.database) as session:
            # no time limit (0): the load lasts as long as the ledger takes, and a client
            # gone ends it (the server's default, 600 s on the project server, ended a
            # first version at jingzhou scale 10)
            tx = session.begin_transaction(metadata={"lianjian": "load"}, timeout=0)
            try:
                tx.run(f"MERGE (l:{LOCK} {{key: 'load'}}) SET l.taken_at = datetime()").consume()
                self._tx, self._parts = tx, None
                self._check_format()
                marker = self._marker() or {}
                empty = store.is_empty()
                if marker.get("record_format") is None and not empty and not is_pending(marker):
                    raise ValueError(f"the {self.location} {NOT_A_RECORD}")
                # no version yet: the graph is empty, or what a stopped first version left
                self._fresh = marker.get("record_format") is None
                self._leftover = self._fresh and not empty
                outside.clear_uncommitted(self.driver, self.database)  # what a stopped load left
                yield
            finally:
                self._tx, self._parts, self._fresh, self._leftover = None, None, False, False
                if not tx.closed():
                    tx.rollback()

    def stage(self, source: str, data: GraphData) -> _Staged:
        if any(SCHEMA.nodes[label].personal for label, _ in data.nodes.values()):
            pseudonym_key()  # members are written by pseudonym: fail before writing
        now = content_of(data)
        self._pending = (source, now, data, source not in self.sources())
        if self._fresh:
            return self._stage_first(source, data)
        return self._stage_diff(source, data)

    def _stage_first(self, source: str, data: GraphData) -> _Staged:
        """Into a database holding no graph: everything written with CREATE, in batched
        transactions of their own (:mod:`~lianjian.graph.neo4j.first`). The staged
        union is ``data`` alone as the database will hold it; the rules and coverage run on
        that in memory, not through the transaction (whose reads slow down with every
        write it holds, and this one holds the whole ledger)."""
        held = GraphData(
            {i: (lb, stored_props(i, lb, p, False)) for i, (lb, p) in data.nodes.items()},
            data.edges,
        )
        write_first(Neo4jStore(self.driver, self.database), data, self._leftover, LOCK)
        staged = EmbeddedStore()
        staged.write(held)
        return _Staged(staged, [], self)  # the only source: no conflict

    def _stage_diff(self, source: str, data: GraphData) -> _Staged:
        """The diff against the source's stored hashes applied in the transaction: only
        the entities and links added, removed or changed are written."""
        others = [(n, e, lk) for n, e, lk, _ in self._all_content() if n != source]
        old = self.content(source)
        now = content_of(data)
        held = {i for _, e, _ in others for i in e}
        held_links = {k for _, _, lk in others for k in lk}
        order = list(self.sources())
        first = source not in order
        rank = {n: i for i, n in enumerate(order if not first else [*order, source])}
        owner: dict[Any, str] = {}  # an entity's or link's first source
        for n, e, lk in sorted(others, key=lambda o: rank[o[0]]):
            for i in (*e, *lk):
                owner.setdefault(i, n)
        mine = rank[source]

        def ours(i) -> bool:  # whether this source's content is the union's
            return i not in owner or rank[owner[i]] > mine

        # removed: entities only this source held; relabelled ones are removed then added
        gone = [i for i in old.entities if i not in now.entities and i not in held]
        relabel = [i for i in now.entities if i in old.labels and old.labels[i] != data.nodes[i][0]]
        delete_nodes(self._tx, [(i, old.labels[i]) for i in gone + relabel])
        write = [
            i
            for i, h in now.entities.items()
            if ours(i) and (old.entities.get(i) != h or i in relabel or i not in old.entities)
        ]
        write_nodes(self._tx, data, write)
        links_gone = [k for k in old.links if k not in now.links and k not in held_links]
        # a link may end at another source's entity (a reference resolved in the store)
        theirs = {i: v[0] for _, e, _ in others for i, v in e.items()}
        delete_links(self._tx, links_gone, {**theirs, **old.labels})
        touched = set(relabel)  # their links went with them (DETACH DELETE)
        new_links = [
            e
            for e in data.edges
            if ours(link_key(e))
            and (
                old.links.get(link_key(e)) != now.links[link_key(e)]
                or e.source in touched
                or e.target in touched
            )
        ]
        write_links(self._tx, data, new_links, theirs)
        mine_entities = {i: (data.nodes[i][0], h) for i, h in now.entities.items()}
        parts = [p for p in self._all_content() if p[0] != source]
        mine_part = (source, mine_entities, now.links, name_paths(data))
        parts.insert(mine if not first else len(parts), mine_part)
        return _Staged(_TxStore(self), conflicts_of(parts), self)

    def _commit(self, version: Version, opened, closed, coverage) -> None:
        source, now, data, first = self._pending
        tx = self._tx
        entities = {i: (data.nodes[i][0], h) for i, h in now.entities.items()}
        # in transactions of their own: read only once this one commits
        outside.write_set(self.driver, self.database, source, version.version,
                         outside.pieces(entities, now.links, name_paths(data)))  # fmt: skip
        outside.write_findings(self.driver, self.database, opened)
        seq = self._run(f"MATCH (c:{COVERAGE}) RETURN count(c) AS n")[0]["n"]
        outside.write_coverage(self.driver, self.database, version.version, coverage, seq)
        tx.run(
            f"MERGE (s:{SOURCE} {{name: $n}}) ON CREATE SET s.order = $order "
            "SET s.as_of = $a, s.version = $v, s.fingerprint = $f, s.hashes = $v "
            "REMOVE s.entities, s.links, s.names",
            n=source, order=len(self.sources()), a=version.as_of, v=version.version,
            f=version.fingerprint,
        ).consume()  # fmt: skip
        body = json.dumps(version.to_dict(), ensure_ascii=False)
        tx.run(
            f"CREATE (v:{VERSION} {{version: $v, source: $s, as_of: $a, body: $b}})",
            v=version.version, s=source, a=version.as_of, b=body,
        ).consume()  # fmt: skip
        tx.run(
            f"UNWIND $keys AS k MATCH (f:{FINDING} {{rule: k[0], id: k[1]}}) "
            "WHERE f.closed_at IS NULL SET f.closed_at = $v, f.closed_on = $a",
            keys=[list(k) for k in closed], v=version.version, a=version.as_of,
        ).consume()  # fmt: skip
        tx.run(
            f"{_MARKER} SET m.record_format = $fmt, m.fingerprint = 'record:' + $v, "
            f"m.names = coalesce(m.names, false), m.loaded_at = datetime() REMOVE m.{PENDING}",
            fmt=STORE_FORMAT, v=str(version.version),
        ).consume()  # fmt: skip
        tx.commit()

    def close(self) -> None:
        self.driver.close()


@dataclass
class _Staged:
    graph: GraphStore
    conflicts: list[Conflict]
    record: Neo4jRecord

    def commit(
        self,
        version: Version,
        opened: list[Finding],
        closed: Sequence[tuple[str, str]],
        coverage: list[dict[str, Any]],
    ) -> None:
        self.record._commit(version, opened, closed, coverage)
