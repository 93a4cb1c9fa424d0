"""The Cypher of a load into Neo4j: key constraints, node and relationship batches
(``CREATE`` into a database holding no graph, ``MERGE`` on the keys otherwise), and
the batched delete of ``load --replace``. Labels and relationship types come from the
schema file (checked to be plain identifiers there); every value is a parameter.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lianjian.core.model import Edge, GraphData
from lianjian.core.schema import Schema
from lianjian.graph.neo4j.marker import META_LABEL

__all__ = [
    "ALREADY_THERE",
    "CLEAR",
    "CLEAR_BATCH",
    "Neo4jLoadError",
    "constraint_statements",
    "edge_cypher",
    "edge_groups",
    "node_cypher",
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


CLEAR = (
    f"MATCH ()-[r]->() CALL (r) {{ DELETE r }} IN TRANSACTIONS OF {CLEAR_BATCH} ROWS",
    f"MATCH (n) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {CLEAR_BATCH} ROWS",
)


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


def edge_groups(data: GraphData) -> dict[tuple[str, str, str, bool], list[dict[str, Any]]]:
    """Edges grouped by (type, source label, target label, has properties): one statement
    each. An edge repeated (same type, ends and key) is written once, with the last one's
    properties, as MERGE then SET would leave it: so CREATE gives what MERGE gives."""
    last: dict[tuple[str, str, str, str], Edge] = {}
    for e in data.edges:
        last[(e.type, e.source, e.target, e.key)] = e
    groups: dict[tuple[str, str, str, bool], list[dict[str, Any]]] = defaultdict(list)
    for e in last.values():
        sl, tl = data.nodes[e.source][0], data.nodes[e.target][0]
        row: dict[str, Any] = {"s": e.source, "t": e.target, "k": e.key}
        if e.props:
            row["props"] = {"key": e.key, **e.props}
        groups[(e.type, sl, tl, bool(e.props))].append(row)
    return groups
