"""The rows a streamed ledger (:mod:`lianjian.loaders.stream`) gives ``Neo4jStore.write``:
its nodes per label and its relationships per group, read from the spill a batch at a
time, as the database keeps them (:func:`~lianjian.graph.neo4j.personal.stored_props`,
:func:`~lianjian.graph.neo4j.writes.edge_row`)."""

from __future__ import annotations

from collections.abc import Iterator

from lianjian.graph.neo4j.personal import stored_props
from lianjian.graph.neo4j.writes import Chunks, edge_row
from lianjian.loaders.stream import Streamed

__all__ = ["StreamedRows"]


class StreamedRows:
    def __init__(self, streamed: Streamed) -> None:
        spill, schema = streamed.spill, streamed.schema
        self.spill, self.labels = spill, spill.nodes.labels()
        self.total = len(spill.nodes) + len(spill.edges)
        self.personal = any(schema.nodes[lb].personal for lb in self.labels)

    def node_groups(self, with_names: bool) -> dict[str, Chunks]:
        nodes = self.spill.nodes

        def group(label: str) -> Chunks:
            rows = lambda: (  # noqa: E731
                {"id": i, "props": stored_props(i, label, p, with_names)}
                for i, p in nodes.stored(label)
            )
            return Chunks(nodes.count(label), rows)

        return {label: group(label) for label in self.labels}

    def edge_groups(self) -> Iterator[tuple[tuple[str, str, str, bool], Chunks]]:
        edges = self.spill.edges
        for key, count in edges.groups():
            yield key, Chunks(count, lambda key=key: map(edge_row, edges.of_group(key)))
