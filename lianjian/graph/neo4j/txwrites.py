"""The writes of a version load inside its one transaction (docs/store.md): the removed
entities and links deleted, the added and changed ones written, in batched ``UNWIND``
statements of at most :data:`BATCH` rows, one per label (or per relationship type and
end labels). A source's first version into a database holding no graph is not written
here but in batched transactions of its own (:mod:`lianjian.graph.neo4j.first`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from lianjian.core.model import Edge, GraphData
from lianjian.graph.neo4j.personal import stored_props
from lianjian.graph.neo4j.writes import Batches, edge_cypher, node_cypher

__all__ = ["BATCH", "delete_nodes", "write_nodes", "delete_links", "write_links"]

BATCH = 10000  # rows per statement inside the load's transaction


def _batches(tx, cypher: str, rows: list | Batches, **params: Any) -> None:
    for batch in rows.batches(BATCH) if isinstance(rows, Batches) else _slices(rows):
        tx.run(cypher, rows=batch, **params).consume()


def _slices(rows: list) -> Iterator[list]:
    for n in range(0, len(rows), BATCH):
        yield rows[n : n + BATCH]


def delete_nodes(tx, ids: Iterable[tuple[str, str]]) -> None:
    """DETACH DELETE the entities ``(id, label)``."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for i, label in ids:
        by_label[label].append(i)
    for label, group in by_label.items():
        _batches(tx, f"UNWIND $rows AS i MATCH (n:{label} {{id: i}}) DETACH DELETE n", group)


def write_nodes(tx, data: GraphData, ids: Iterable[str], create: bool = False) -> None:
    """MERGE (or, into an empty database, CREATE) the entities ``ids`` of ``data``, as the
    database keeps them (members by pseudonym, without names)."""
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in ids:
        label, props = data.nodes[i]
        by_label[label].append({"id": i, "props": stored_props(i, label, props, False)})
    for label, rows in by_label.items():
        _batches(tx, node_cypher(label, create), rows)


def delete_links(tx, keys: Iterable[tuple[str, str, str, str]], labels: dict[str, str]) -> None:
    """DELETE the links ``(type, source, target, key)`` whose ends are still there."""
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for t, s, d, k in keys:
        if s in labels and d in labels:
            groups[(t, labels[s], labels[d])].append({"s": s, "t": d, "k": k})
    for (t, sl, tl), rows in groups.items():
        _batches(
            tx,
            f"UNWIND $rows AS row MATCH (a:{sl} {{id: row.s}})-[r:{t} {{key: row.k}}]->"
            f"(b:{tl} {{id: row.t}}) DELETE r",
            rows,
        )


def write_links(
    tx, data: GraphData, edges: Iterable[Edge], theirs: dict[str, str] | None = None
) -> None:
    """MERGE the links ``edges`` of ``data`` on their keys; ``theirs``: the labels of the
    entities of other sources a link may end at (a reference resolved in the store)."""
    groups: dict[tuple[str, str, str, bool], list[dict[str, Any]]] = defaultdict(list)

    def label(i: str) -> str:
        return data.nodes[i][0] if i in data.nodes else (theirs or {})[i]

    for e in edges:
        row: dict[str, Any] = {"s": e.source, "t": e.target, "k": e.key}
        if e.props:
            row["props"] = {"key": e.key, **e.props}
        groups[(e.type, label(e.source), label(e.target), bool(e.props))].append(row)
    for (t, sl, tl, with_props), rows in groups.items():
        _batches(tx, edge_cypher(t, sl, tl, with_props), rows)
