"""The graph model every backend receives: nodes by id, typed edges, and the report.

A node is ``(label, properties)``; an edge is ``(type, source id, target id, key,
properties)``. The key tells parallel edges of one type apart (two links of
different kinds between the same organisations) and makes writes idempotent.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lianjian.core.report import Report

__all__ = ["is_active", "Edge", "GraphData", "Stats", "content_hash", "NO_PROPS", "FrozenProps"]


class FrozenProps(dict):
    """A dict that refuses changes: :data:`NO_PROPS`, shared by every edge without
    properties (most of them; a million empty dicts would cost 64 MB)."""

    __slots__ = ()

    def _frozen(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("the properties of an edge without properties cannot be changed")

    __setitem__ = __delitem__ = _frozen  # type: ignore[assignment]
    update = setdefault = pop = popitem = clear = _frozen  # type: ignore[assignment]
    __ior__ = _frozen  # type: ignore[assignment]


NO_PROPS: dict[str, Any] = FrozenProps()


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

    def checksum(self) -> str:
        """The :func:`content_hash` of this model: what a store holding it must give."""
        return content_hash(
            ((label, {"id": node_id, **props}) for node_id, (label, props) in self.nodes.items()),
            self.edges,
        )

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


def is_active(until: Any, as_of: str) -> bool:
    """An active link (有效关系): its ``until`` is empty or not before ``as_of`` (ISO text).

    The one definition in Python; the Cypher files say the same as
    ``r.until IS NULL OR r.until >= $as_of``.

    >>> is_active(None, "2026-06-30"), is_active("2026-06-30", "2026-06-30")
    (True, True)
    >>> is_active("2026-06-29", "2026-06-30")
    False
    """
    return until is None or until == "" or str(until) >= as_of


def content_hash(nodes: Iterable[tuple[str, dict[str, Any]]], edges: Iterable[Edge]) -> str:
    """SHA-256 over every node (label, properties) and edge (type, ends, key, properties),
    in a canonical order: equal on every backend holding the same graph, so a reload
    after a crash can be compared with a clean load, not only counted."""
    lines = [_canonical(["node", label, props]) for label, props in nodes]
    lines += [_canonical(["edge", e.type, e.source, e.target, e.key, e.props]) for e in edges]
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
