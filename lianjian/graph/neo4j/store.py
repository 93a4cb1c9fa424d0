"""The Neo4j backend: the same graph model in a Neo4j 5 database, via the official driver.

Writes are ``UNWIND $rows …`` batches in managed transactions (``execute_write``
retries transient errors), several at once (:mod:`~lianjian.graph.neo4j.batched`):
the key constraints first, then the nodes, then the relationships. Into a database
holding no graph the batches ``CREATE`` (no lookup before each write); into one holding
a graph (an update, or a load stopped half-way and run again) they ``MERGE`` on the
keys, so loading the same ledger twice leaves the same graph, and either way the
database holds the same content.

Personal data stays out of the database unless the ledger is loaded with names
(:func:`stored_props`): a member is written with its pseudonym and without its name or
any column the schema does not declare (a note, an archive number); the ledger marker
records which of the two the database holds (:meth:`Neo4jStore.holds_names`). Labels and relationship types come from the schema file
(checked to be plain identifiers there); every value travels as a parameter.
The driver is passed in; :func:`driver_from_env` builds one from ``NEO4J_*``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from neo4j import GraphDatabase
from neo4j.exceptions import ClientError, DriverError, Neo4jError

from lianjian.core.model import Edge, GraphData, Stats, content_hash
from lianjian.core.privacy import pseudonym_key
from lianjian.core.schema import IDENT, SCHEMA, Schema
from lianjian.graph.neo4j.batched import write_all, writers
from lianjian.graph.neo4j.console import run_read
from lianjian.graph.neo4j.marker import META_LABEL, LedgerMarker
from lianjian.graph.neo4j.personal import stored_model, stored_props
from lianjian.graph.neo4j.reads import rows_of
from lianjian.graph.neo4j.settings import Neo4jConfigError, Neo4jSettings
from lianjian.graph.neo4j.writes import (
    ALREADY_THERE,
    CLEAR,
    GraphRows,
    Neo4jLoadError,
    constraint_statements,
    edge_cypher,
    node_cypher,
)
from lianjian.graph.store import ConsoleResult, NodePage, Progress, Query, RefusedQuery, Rows

__all__ = [
    "Neo4jStore",
    "Neo4jSettings",
    "Neo4jConfigError",
    "Neo4jLoadError",
    "driver_from_env",
    "META_LABEL",
    "stored_props",
    "stored_model",
]


def driver_from_env(settings: Neo4jSettings | None = None):
    """A driver for ``bolt://``, ``neo4j://`` (routing: clusters, Aura) or ``neo4j+s://`` URIs."""

    s = settings or Neo4jSettings.from_env()
    # counting a relationship type the database has not seen yet is normal here
    driver = GraphDatabase.driver(
        s.uri, auth=(s.user, s.password), notifications_min_severity="OFF"
    )
    try:
        driver.verify_connectivity()  # fail fast: queries would retry for half a minute
    except Exception:
        driver.close()
        raise
    return driver


class Neo4jStore(LedgerMarker):
    """A graph held in a Neo4j database."""

    name = "neo4j"
    cypher_console = True  # analysts' read-only Cypher (dashboard console)

    @classmethod
    def from_settings(cls, settings: Neo4jSettings) -> Neo4jStore:
        """The store on a driver of its own (closed with the store)."""
        writers()  # a bad LIANJIAN_NEO4J_WRITERS is refused before the server is asked
        return cls(driver_from_env(settings), settings.database)

    def __init__(self, driver, database: str = "neo4j", schema: Schema = SCHEMA) -> None:
        self.driver = driver
        self.database = database
        self.schema = schema
        # whether whoever holds this store may see member names: the console runs on a
        # database loaded with names only then (a query can compute anything from a name)
        self.names_allowed = False
        self._columns: dict[str, tuple[str, ...]] = {}  # a read query's columns, by its text
        self.writers = writers()  # transactions a load runs at once

    # ------------------------------------------------------------ writes

    def ensure_schema(self) -> None:
        """Create the key constraints and indexes the schema implies (idempotent).

        Two loads starting at once may both create a rule: ``IF NOT EXISTS`` does not
        cover that race, and the loser's "already exists" error is the rule holding."""
        for stmt in constraint_statements(self.schema):
            try:
                self.driver.execute_query(stmt, database_=self.database)
            except ClientError as e:
                if not (e.code or "").endswith(ALREADY_THERE):
                    raise

    def write(
        self,
        data: GraphData | Any,
        progress: Progress | None = None,
        fingerprint: str = "",
        with_names: bool = False,
    ) -> None:
        """Write ``data`` (a model, or the rows of a streamed ledger: ``total``,
        ``personal``, ``node_groups()``, ``edge_groups()`` as of ``GraphRows``); members
        with their names only ``with_names`` (see :func:`stored_props`). With names, the
        marker says so before the first write, so a load stopped half-way is never taken
        for a database without names; a database that held names keeps saying so until
        it is cleared (``load --replace``)."""
        graph = GraphRows(data, self.schema) if isinstance(data, GraphData) else data
        if not with_names and graph.personal:
            pseudonym_key()  # members are written by pseudonym: fail before writing anything
        self.ensure_schema()
        with self._load_lock():
            if self.holds_record():  # its sources' hashes would no longer say what it holds
                raise Neo4jLoadError(
                    "Neo4j: the database holds a store of record (loaded with --source): load "
                    "this ledger with --source, or into another database, or clear it first "
                    "with --replace"
                )
            create = self.is_empty()  # no graph: CREATE, no lookup before each write
            names = with_names or self.holds_names()  # names leave only with the database
            if with_names:
                self._mark_names()
            self._write_graph(graph, create, with_names, progress)
            if fingerprint:
                self.set_marker(fingerprint, names)

    def _write_graph(
        self, graph: Any, create: bool, with_names: bool, progress: Progress | None
    ) -> None:
        """The nodes, then the relationships (:func:`write_all`, several writers at once);
        a CREATE load is counted afterwards."""
        total = graph.total
        by_label = graph.node_groups(with_names)
        nodes = {label: len(rows) for label, rows in by_label.items()}
        statements = ((node_cypher(lb, create), rows, lb) for lb, rows in by_label.items())
        done = write_all(self.driver, self.database, statements, 0, total, progress, self.writers)
        del by_label, statements
        rels: dict[str, int] = defaultdict(int)

        def edge_statements() -> Iterator[tuple[str, Any, str]]:
            for (rel, sl, tl, with_props), rows in graph.edge_groups():
                rels[rel] += len(rows)
                yield edge_cypher(rel, sl, tl, with_props, create), rows, rel

        write_all(
            self.driver, self.database, edge_statements(), done, total, progress, self.writers
        )
        if create and self.stats() != Stats(
            dict(sorted(nodes.items())), dict(sorted(rels.items()))
        ):
            # CREATE is not idempotent: a batch retried after its commit went unacknowledged
            raise Neo4jLoadError(
                "Neo4j: the database after the load does not hold the ledger's counts "
                "(a write committed twice?): load it again with --replace"
            )

    @contextmanager
    def _load_lock(self) -> Iterator[None]:
        """One load at a time on a database: an open transaction holding the write lock
        of a marker node (key ``load``) for as long as the load runs, never committed. A
        second load waits on that lock, then finds the graph and merges; the server frees
        the lock when the transaction ends, however the load ends (a crash included)."""
        with self.driver.session(database=self.database) as session:
            tx = session.begin_transaction(timeout=0)  # 0: no time limit
            try:
                tx.run(f"MERGE (l:{META_LABEL} {{key: 'load'}}) SET l.held = true").consume()
                yield
            finally:
                with suppress(Neo4jError, DriverError):  # a server gone has freed the lock
                    tx.rollback()

    def clear(self) -> None:
        """Delete every node and relationship, in bounded batches: the relationships first,
        then the nodes. (Deleting nodes with DETACH in batches of nodes is not bounded: a
        batch holding a community or a large organisation also deletes its thousands of
        relationships, and exceeds the server's transaction memory pool.)"""
        with self.driver.session(database=self.database) as session:
            for statement in CLEAR:
                session.run(statement).consume()

    # ------------------------------------------------------------ reads

    def stats(self) -> Stats:
        nodes, rels = {}, {}
        for label in self.schema.nodes:
            records, _, _ = self.driver.execute_query(
                f"MATCH (n:{label}) RETURN count(n) AS c", database_=self.database, routing_="r"
            )
            if records[0]["c"]:
                nodes[label] = records[0]["c"]
        for rel in self.schema.relationships:
            records, _, _ = self.driver.execute_query(
                f"MATCH ()-[r:{rel}]->() RETURN count(r) AS c",
                database_=self.database,
                routing_="r",
            )
            if records[0]["c"]:
                rels[rel] = records[0]["c"]
        return Stats(dict(sorted(nodes.items())), dict(sorted(rels.items())))

    def read(self, queries: Sequence[Query], params: Mapping[str, Any]) -> dict[str, Rows]:
        """Run each query's Cypher in a read transaction, with the same params; the rows
        come back as one list per query (:func:`~lianjian.graph.neo4j.reads.rows_of`)."""
        return {
            q.name: rows_of(self._read, self.driver, self.database, q.cypher, params, self._columns)
            for q in queries
        }

    def replace_relationships(self, rel_type: str, edges: Iterable[Edge]) -> int:
        """Replace every ``rel_type`` relationship by ``edges``, in one write transaction."""
        if not IDENT.match(rel_type):
            raise ValueError(f"not a relationship type: {rel_type!r}")
        rows = [
            {"s": e.source, "t": e.target, "props": {"key": e.key, **e.props}}
            for e in edges
            if e.type == rel_type
        ]
        find = self._match_ids()

        def work(tx) -> int:
            tx.run(f"MATCH ()-[r:{rel_type}]->() DELETE r").consume()
            record = tx.run(
                f"UNWIND $rows AS row WITH row, row.s AS i CALL (i) {{ {find} }} "
                f"WITH row, n AS a, row.t AS i CALL (i) {{ {find} }} WITH row, a, n AS b "
                f"CREATE (a)-[r:{rel_type}]->(b) SET r = row.props RETURN count(r) AS written",
                rows=rows,
            ).single()
            return record["written"] if record else 0

        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def console(
        self, text: str, params: dict | None = None, *, timeout: float = 10.0, limit: int = 1000
    ) -> ConsoleResult:
        """An analyst's query, refused unless read-only, bounded in time and rows, and
        refused on a database holding names unless :attr:`names_allowed`."""
        if not self.names_allowed and self.holds_names():
            raise RefusedQuery(
                "此数据库载有党员姓名（以 --with-names 加载）：仅在以 --with-names 启动时可用控制台",
                "the database holds member names (loaded with --with-names): the console "
                "runs on it only when names were asked for (--with-names)",
            )
        return run_read(self.driver, self.database, text, params, timeout=timeout, limit=limit)

    def checksum(self) -> str:
        """A content hash of every node and relationship but the ledger marker, equal to
        :meth:`EmbeddedStore.checksum` for the same ledger (see :func:`content_hash`)."""
        nodes = self._read(
            f"MATCH (n) WHERE NOT n:{META_LABEL} "
            "RETURN [l IN labels(n) WHERE l IN $labels][0] AS label, properties(n) AS props",
            labels=list(self.schema.nodes),
        )
        edges = self._read(
            "MATCH (a)-[r]->(b) RETURN a.id AS s, b.id AS t, type(r) AS type, "
            "properties(r) AS props"
        )
        return content_hash(
            ((r["label"], dict(r["props"])) for r in nodes), (_record_edge(r) for r in edges)
        )

    def close(self) -> None:
        self.driver.close()

    # ------------------------------------------------------------ reads for views

    def _read(self, cypher: str, **params: Any) -> list:
        records, _, _ = self.driver.execute_query(
            cypher, params, database_=self.database, routing_="r"
        )
        return records

    def _match_ids(self) -> str:
        """A subquery finding each ``i`` by id under every label, so each lookup uses its index."""
        return " UNION ".join(
            f"MATCH (n:{label} {{id: i}}) RETURN n" for label in self.schema.nodes
        )

    def nodes(self, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """``id → (label, properties)`` for the ids that exist: what a drawing or table shows."""
        records = self._read(
            f"UNWIND $ids AS i CALL (i) {{ {self._match_ids()} }} "
            "RETURN n.id AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, "
            "properties(n) AS props",
            ids=list(dict.fromkeys(ids)),
            labels=list(self.schema.nodes),
        )
        return {r["id"]: (r["label"], dict(r["props"])) for r in records}

    def neighbours(self, ids: Iterable[str]) -> list[Edge]:
        """Every relationship with an end in ``ids``, each once: one step of a neighbourhood."""
        records = self._read(
            f"UNWIND $ids AS i CALL (i) {{ {self._match_ids()} }} "
            "MATCH (n)-[r]-() RETURN DISTINCT startNode(r).id AS s, endNode(r).id AS t, "
            "type(r) AS type, properties(r) AS props",
            ids=list(dict.fromkeys(ids)),
        )
        return [_record_edge(r) for r in records if r["s"] is not None and r["t"] is not None]

    def node_summaries(self, labels: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """``{id, label, name, level, kind}`` of every node (of ``labels``): for indexes and trees."""
        out: list[dict[str, Any]] = []
        for label in labels if labels is not None else self.schema.nodes:
            if label not in self.schema.nodes:
                continue
            for r in self._read(
                f"MATCH (n:{label}) RETURN n.id AS id, n.name AS name, n.level AS level, "
                "n.kind AS kind"
            ):
                out.append({"label": label, **dict(r)})
        return out

    def edges_at(
        self, ids: Iterable[str], types: Sequence[str], *, into: bool = False
    ) -> list[Edge]:
        """Every relationship of ``types`` from (``into``: to) a node in ``ids`` (each
        found by its label's id index), grouped by type in the order of ``types``."""
        wanted = [t for t in types if t in self.schema.relationships]
        ends = "b.id AS s, n.id AS t" if into else "n.id AS s, b.id AS t"
        records = self._read(
            f"UNWIND $ids AS i CALL (i) {{ {self._match_ids()} }} "
            f"MATCH (n){'<' if into else ''}-[r]-{'' if into else '>'}(b) WHERE type(r) IN $types "
            f"RETURN {ends}, type(r) AS type, properties(r) AS props",
            ids=list(dict.fromkeys(ids)),
            types=wanted,
        )
        by_type: dict[str, list[Edge]] = {t: [] for t in wanted}
        for r in records:
            by_type[r["type"]].append(_record_edge(r))
        return [e for t in wanted for e in by_type[t]]

    def node_page(self, label: str, after: str, limit: int) -> NodePage:
        """Up to ``limit`` nodes of ``label`` with ids after ``after``, in id order (the
        id index read in order), with their out-relationships and each end's label."""
        records = self._read(
            f"MATCH (n:{label}) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit "
            "RETURN n.id AS id, properties(n) AS props, [(n)-[r]->(b) | {t: b.id, "
            "type: type(r), props: properties(r), "
            "label: [l IN labels(b) WHERE l IN $labels][0]}] AS out",
            after=after,
            limit=limit,
            labels=list(self.schema.nodes),
        )
        page = NodePage({}, [], {})
        for r in records:
            page.nodes[r["id"]] = dict(r["props"])
            for o in r["out"]:
                if o["t"] is None or o["label"] is None:
                    continue
                page.edges.append(_record_edge({"s": r["id"], **o}))
                page.ends[o["t"]] = o["label"]
        return page

    def edges_of_type(self, types: Iterable[str]) -> list[Edge]:
        """Every relationship of the given types, with its properties."""
        out: list[Edge] = []
        for rel in types:
            if rel not in self.schema.relationships:
                continue
            records = self._read(
                f"MATCH (a)-[r:{rel}]->(b) RETURN a.id AS s, b.id AS t, $rel AS type, "
                "properties(r) AS props",
                rel=rel,
            )
            out.extend(_record_edge(r) for r in records)
        return out


def _record_edge(record) -> Edge:
    props = dict(record["props"] or {})
    key = props.pop("key", record["type"])
    return Edge(record["type"], record["s"], record["t"], key, props)
