"""The Cypher of a load into Neo4j: key constraints, node and relationship batches
(``CREATE`` into a database holding no graph, ``MERGE`` on the keys otherwise), and
the batched delete of ``load --replace``. Labels and relationship types come from the
schema file (checked to be plain identifiers there); every value is a parameter.
"""

from __future__ import annotations

import itertools
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from lianjian.core.model import Edge, GraphData
from lianjian.core.schema import Schema
from lianjian.graph.neo4j.marker import META_LABEL
from lianjian.graph.neo4j.personal import stored_props

__all__ = [
    "ALREADY_THERE",
    "Batches",
    "Chunks",
    "CLEAR",
    "CLEAR_BATCH",
    "clear_statements",
    "Neo4jLoadError",
    "constraint_statements",
    "edge_cypher",
    "edge_groups",
    "edge_row",
    "GraphRows",
    "node_cypher",
    "node_groups",
]

CLEAR_BATCH = 10000  # relationships, then nodes, deleted per transaction by clear()


class Neo4jLoadError(ValueError):
    """A load that did not leave the database holding the ledger."""


ALREADY_THERE = (
    "EquivalentSchemaRuleAlreadyExists",
    "ConstraintAlreadyExists",
    "IndexAlreadyExists",
    "ConstraintWithNameAlreadyExists",
    "IndexWithNameAlreadyExists",
)


def clear_statements(keep: tuple[str, ...] = ()) -> tuple[str, str]:
    """Deleting the graph in bounded transactions: the relationships, then the nodes
    (but those of the labels ``keep``)."""
    kept = f"WHERE NOT ({' OR '.join(f'n:{label}' for label in keep)}) " if keep else ""
    return (
        f"MATCH ()-[r]->() CALL (r) {{ DELETE r }} IN TRANSACTIONS OF {CLEAR_BATCH} ROWS",
        f"MATCH (n) {kept}CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {CLEAR_BATCH} ROWS",
    )


CLEAR = clear_statements()


def constraint_statements(schema: Schema) -> list[str]:
    out = []
    for label in schema.nodes:
        out.append(
            f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        )
        if not schema.nodes[label].personal:
            out.append(
                f"CREATE INDEX {label.lower()}_name_key IF NOT EXISTS FOR (n:{label}) ON (n.name_key)"
            )
        for prop in ("kind", "level"):
            if prop in schema.nodes[label].properties:
                out.append(
                    f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
                )
    out.append(
        f"CREATE CONSTRAINT lianjian_ledger_key IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.key IS UNIQUE"
    )
    return out


def node_cypher(label: str, create: bool = False) -> str:
    """MERGE on the id (an update), or CREATE (a database known to hold no graph)."""
    if create:
        return f"UNWIND $rows AS row CREATE (n:{label}) SET n = row.props"
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n = row.props"


def edge_cypher(
    rel: str, source_label: str, target_label: str, with_props: bool = True, create: bool = False
) -> str:
    """MERGE on the edge's key (an update), or CREATE (a database known to hold no graph);
    edges from a reference column have no other properties."""
    ends = (
        f"UNWIND $rows AS row "
        f"MATCH (a:{source_label} {{id: row.s}}) MATCH (b:{target_label} {{id: row.t}}) "
    )
    if create:
        return (
            ends
            + f"CREATE (a)-[r:{rel}]->(b) SET r = "
            + ("row.props" if with_props else "{key: row.k}")
        )
    return (
        ends
        + f"MERGE (a)-[r:{rel} {{key: row.k}}]->(b)"
        + (" SET r = row.props" if with_props else "")
    )


class Batches:
    """The rows of one statement, made a batch at a time from ``items`` (ids or edge
    positions) by ``row``: a load holds the ledger's model and one batch of rows, never
    a second copy of the whole graph as parameter dicts."""

    def __init__(self, items: Sequence[Any], row: Callable[[Any], dict[str, Any]]) -> None:
        self.items, self.row = items, row

    def __len__(self) -> int:
        return len(self.items)

    def batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        for n in range(0, len(self.items), size):
            yield [self.row(i) for i in self.items[n : n + size]]


def edge_row(e: Edge) -> dict[str, Any]:
    """An edge's parameter row: its ends, its key, and its properties if it has any."""
    out: dict[str, Any] = {"s": e.source, "t": e.target, "k": e.key}
    if e.props:
        out["props"] = {"key": e.key, **e.props}
    return out


class Chunks:
    """The rows of one statement from an iterable made anew for each pass (``rows``), a
    batch at a time; ``count``: how many it gives."""

    def __init__(self, count: int, rows: Callable[[], Iterable[dict[str, Any]]]) -> None:
        self.count, self.rows = count, rows

    def __len__(self) -> int:
        return self.count

    def batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        rows = iter(self.rows())
        while batch := list(itertools.islice(rows, size)):
            yield batch


class GraphRows:
    """What a load writes of a model: its nodes per label, its edge groups."""

    def __init__(self, data: GraphData, schema: Schema) -> None:
        self.data = data
        self.total = len(data.nodes) + len(data.edges)
        self.personal = any(schema.nodes[lb].personal for lb, _ in data.nodes.values())

    def node_groups(self, with_names: bool) -> dict[str, Batches]:
        return node_groups(self.data, lambda i, lb, p: stored_props(i, lb, p, with_names))

    def edge_groups(self) -> Iterator[tuple[tuple[str, str, str, bool], Batches]]:
        return edge_groups(self.data)


def node_groups(
    data: GraphData, props: Callable[[str, str, dict[str, Any]], dict[str, Any]]
) -> dict[str, Batches]:
    """The nodes per label, each row ``{id, props}`` with ``props(id, label, properties)``
    (the properties as the database keeps them)."""
    ids: dict[str, list[str]] = defaultdict(list)
    for node_id, (label, _) in data.nodes.items():
        ids[label].append(node_id)

    def row(node_id: str) -> dict[str, Any]:
        label, p = data.nodes[node_id]
        return {"id": node_id, "props": props(node_id, label, p)}

    return {label: Batches(group, row) for label, group in ids.items()}


def edge_groups(data: GraphData) -> Iterator[tuple[tuple[str, str, str, bool], Batches]]:
    """Edges grouped by (type, source label, target label, has properties): one statement
    each. An edge repeated (same type, ends and key) is written once, with the last one's
    properties, as MERGE then SET would leave it: so CREATE gives what MERGE gives.

    One type at a time: the repeats are found among the edges of that type (a repeat
    has the type of the edge it repeats), so besides the model the groups hold one
    position (8 bytes) per edge and the keys of one type."""
    edges = data.edges
    by_type: dict[str, array[int]] = defaultdict(lambda: array("q"))
    for n, e in enumerate(edges):
        by_type[e.type].append(n)

    def row(n: int) -> dict[str, Any]:
        return edge_row(edges[n])

    for rel, positions in by_type.items():
        last: dict[tuple[str, str, str], int] = {}
        for n in positions:
            e = edges[n]
            last[(e.source, e.target, e.key)] = n
        groups: dict[tuple[str, str, str, bool], array[int]] = defaultdict(lambda: array("q"))
        for n in last.values():
            e = edges[n]
            groups[(rel, data.nodes[e.source][0], data.nodes[e.target][0], bool(e.props))].append(n)
        del last
        for key, group in groups.items():
            yield key, Batches(group, row)
