"""What every graph backend offers, and the one way queries talk to a backend.

Backends are siblings (embedded NetworkX, Neo4j). The rest of the code holds a
:class:`GraphStore` and never asks which one it has: a query is a :class:`Query`
that carries its text in each backend's dialect (a Cypher file for Neo4j, a Python
function over the embedded graph's :class:`~lianjian.graph.embedded.view.View`),
and the store runs the dialect it speaks.

>>> from lianjian.graph.embedded import EmbeddedStore
>>> count = Query(
...     "labels",
...     cypher="MATCH (n) RETURN n.label AS label, count(*) AS n",
...     nx=lambda view, params, memo: [{"label": "Region", "n": len(view.ids("Region"))}],
... )
>>> EmbeddedStore().read([count], {})
{'labels': [{'label': 'Region', 'n': 0}]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

from lianjian.core.model import Edge, GraphData, Stats

__all__ = [
    "GraphStore",
    "Progress",
    "Query",
    "Rows",
    "NxQuery",
    "ConsoleResult",
    "NodeValue",
    "RelValue",
    "PathValue",
    "RefusedQuery",
    "NodePage",
]

# progress(stage, done, total): called as a write advances, for a progress bar
Progress = Callable[[str, int, int], None]

Rows = list[dict[str, Any]]

# nx(view, params, memo) → rows: ``memo`` is one dict shared by every query of one
# :meth:`GraphStore.read` call, for facts several queries reuse (member counts, places)
NxQuery = Callable[[Any, Mapping[str, Any], dict[str, Any]], Rows]


@dataclass(frozen=True)
class Query:
    """One read query in both dialects; both must return the same rows (as dicts).

    ``cypher`` takes its values only as ``$params``; ``nx`` gets the same params.
    """

    name: str
    cypher: str
    nx: NxQuery


class NodeValue(NamedTuple):
    """A node in a console result: its id, label and properties."""

    id: str
    label: str
    props: dict[str, Any]


class RelValue(NamedTuple):
    """A relationship in a console result, with its end nodes (None where not returned)."""

    type: str
    start: NodeValue | None
    end: NodeValue | None
    element_id: str
    props: dict[str, Any]


class PathValue(NamedTuple):
    nodes: list[NodeValue]
    rels: list[RelValue]


@dataclass
class ConsoleResult:
    """An analyst's read-only query result: plain values (nodes, relationships and paths
    as :class:`NodeValue`, :class:`RelValue`, :class:`PathValue`), at most the row limit."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    query_type: str
    elapsed_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


class NodePage(NamedTuple):
    """One page of the nodes of a label (:meth:`GraphStore.node_page`): ``nodes`` id →
    properties, in id order; ``edges`` their out-relationships; ``ends`` the label of
    each relationship's other end."""

    nodes: dict[str, dict[str, Any]]
    edges: list[Edge]
    ends: dict[str, str]


class RefusedQuery(ValueError):
    """The console will not run this query; ``reason_zh``/``reason_en`` say why."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@runtime_checkable
class GraphStore(Protocol):
    """A graph held by a backend: written from a graph model, read by queries and views.

    Every method answers in the model's terms (ids, labels, properties, :class:`Edge`),
    never in a driver's; several ledgers in one store are told apart by the
    ``ledger_file`` property their nodes carry.
    """

    name: str  # for messages only: nothing outside a backend branches on it
    cypher_console: bool  # whether :meth:`console` can run analysts' Cypher

    def write(self, data: GraphData, progress: Progress | None = None) -> None:
        """Store the graph model (idempotent: writing the same model twice changes nothing)."""

    def read(self, queries: Sequence[Query], params: Mapping[str, Any]) -> dict[str, Rows]:
        """Run read-only queries with the same params: ``{query.name: rows}``."""

    def replace_relationships(self, rel_type: str, edges: Iterable[Edge]) -> int:
        """Remove every relationship of ``rel_type`` and write ``edges`` (all of that type,
        between existing nodes) in one step; returns how many were written. For derived
        relationships (proposals), never for the ledger's own."""

    def console(
        self, text: str, params: dict | None = None, *, timeout: float = 10.0, limit: int = 1000
    ) -> ConsoleResult:
        """An analyst's Cypher query, run only if read-only, within ``timeout`` seconds and
        ``limit`` rows; :class:`RefusedQuery` otherwise (and on a store without Cypher)."""

    def stats(self) -> Stats:
        """Node counts per label and relationship counts per type."""

    def nodes(self, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """``id → (label, properties)`` for the ids that exist."""

    def neighbours(self, ids: Iterable[str]) -> list[Edge]:
        """Every relationship with an end in ``ids``, each once."""

    def node_summaries(self, labels: Iterable[str] | None = None) -> Rows:
        """``{id, label, name, level, kind}`` of every node (of ``labels``)."""

    def edges_of_type(self, types: Iterable[str]) -> list[Edge]:
        """Every relationship of the given types, with its properties."""

    def edges_at(
        self, ids: Iterable[str], types: Sequence[str], *, into: bool = False
    ) -> list[Edge]:
        """Every relationship of ``types`` from (``into``: to) a node in ``ids``, with its
        properties: read at those nodes, not from every relationship of the types."""

    def node_page(self, label: str, after: str, limit: int) -> NodePage:
        """Up to ``limit`` nodes of ``label`` whose ids sort after ``after`` (``""``: from
        the first), in id order, with their out-relationships: read page by page, a
        whole label in bounded memory."""

    def close(self) -> None: ...
