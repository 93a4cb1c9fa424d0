"""The graph model every backend receives: nodes by id, typed edges, and the report.

A node is ``(label, properties)``; an edge is ``(type, source id, target id, key,
properties)``. The key tells parallel edges of one type apart (two links of
different kinds between the same organisations) and makes writes idempotent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lianjian.loaders.report import Report

__all__ = ["Edge", "GraphData", "Stats"]


class Edge(NamedTuple):
    type: str
    source: str
    target: str
    key: str
    props: dict[str, Any]


@dataclass
class GraphData:
    nodes: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    fingerprint: str = ""

    def label_of(self, node_id: str) -> str | None:
        node = self.nodes.get(node_id)
        return node[0] if node else None

    def stats(self) -> Stats:
        nodes = Counter(label for label, _ in self.nodes.values())
        rels = Counter(e.type for e in self.edges)
        return Stats(dict(sorted(nodes.items())), dict(sorted(rels.items())))


@dataclass
class Stats:
    """Node counts per label and relationship counts per type: equal on every backend."""

    nodes: dict[str, int]
    relationships: dict[str, int]

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
        }
