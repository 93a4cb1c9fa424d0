"""The embedded backend: a NetworkX ``MultiDiGraph`` in the process, no server needed.

Nodes carry ``label`` and their properties; edges carry ``type`` and theirs, keyed
``TYPE:key`` so parallel edges of different types or link kinds stay apart. The graph
is built straight into NetworkX's dicts with what repeats shared (:mod:`.compact`): the
same graph as ``add_nodes_from``/``add_edges_from`` give, in less memory.
A cache keyed by the ledger's content fingerprint (an authenticated pickle, see
:mod:`lianjian.graph.embedded.cache`) lets a second start on an unchanged ledger
skip parsing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from lianjian.core.bulk import paused_gc
from lianjian.core.model import Edge, GraphData, Stats, content_hash
from lianjian.core.privacy import PseudonymKeyError, pseudonym_key
from lianjian.core.report import Report
from lianjian.graph.embedded.cache import GraphCache, cache_dir
from lianjian.graph.embedded.compact import Interner, build, graph_of, parts, unshare
from lianjian.graph.embedded.view import View
from lianjian.graph.store import ConsoleResult, NodePage, Progress, Query, RefusedQuery, Rows
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger

__all__ = ["EmbeddedStore", "cache_dir"]


class EmbeddedStore:
    """A graph held in memory as a NetworkX multigraph."""

    name = "embedded"
    cypher_console = False  # analysts' read-only Cypher (dashboard console)

    def __init__(self, graph: nx.MultiDiGraph | None = None, report: Report | None = None) -> None:
        self.graph = graph if graph is not None else nx.MultiDiGraph()
        self.report = report or Report()
        self.from_cache = False
        self._view: tuple[int, View] | None = None  # (node count it indexed, the view)

    def write(self, data: GraphData, progress: Progress | None = None) -> None:
        self._write(data, progress, consume=False)

    def _write(self, data: GraphData, progress: Progress | None, *, consume: bool) -> None:
        """Add ``data``'s nodes and edges (see :mod:`.compact`); with ``consume`` each
        node and edge is dropped from ``data`` once in the graph, so the model and the
        graph are never both held whole (``data`` is left empty but for its report)."""
        g = self.graph
        n_nodes, total = len(data.nodes), len(data.nodes) + len(data.edges)
        intern = Interner().attrs
        with paused_gc():  # millions of new containers, no cycles among them
            build(g, _nodes(data, intern, consume), ())
            if progress:
                progress("nodes", n_nodes, total)
            build(g, (), _edges(data, consume))
        if progress:
            progress("relationships", total, total)
        self.report = data.report
        self._view = None

    def read(self, queries: Sequence[Query], params: Mapping[str, Any]) -> dict[str, Rows]:
        """Run each query's NetworkX side over one view, sharing one memo between them."""
        memo: dict[str, Any] = {}
        view = self._current_view()
        return {q.name: q.nx(view, params, memo) for q in queries}

    def _current_view(self) -> View:
        """The view of the graph, its label index built once: relationships are read live,
        and a write (or any change in the number of nodes) builds the index again."""
        n = self.graph.number_of_nodes()
        if self._view is None or self._view[0] != n:
            self._view = (n, View(self.graph))
        return self._view[1]

    def replace_relationships(self, rel_type: str, edges: Iterable[Edge]) -> int:
        """Replace every ``rel_type`` relationship by ``edges`` (in memory only: the
        embedded graph is rebuilt from its ledger at the next start)."""
        g = self.graph
        old = [(s, t, k) for s, t, k, d in g.edges(keys=True, data=True) if d["type"] == rel_type]
        unshare(g, {(s, t) for s, t, _ in old})
        g.remove_edges_from(old)
        new = [e for e in edges if e.type == rel_type and e.source in g and e.target in g]
        build(g, (), new)
        return len(new)

    def console(
        self, text: str, params: dict | None = None, *, timeout: float = 10.0, limit: int = 1000
    ) -> ConsoleResult:
        """The Cypher console needs a Cypher engine: refused here."""
        raise RefusedQuery(
            "Cypher 控制台需要 Neo4j 后端", "the Cypher console needs the Neo4j backend"
        )

    def stats(self) -> Stats:
        nodes = Counter(label for _, label in self.graph.nodes(data="label"))
        rels = Counter(t for _, _, t in self.graph.edges(data="type"))
        return Stats(dict(sorted(nodes.items())), dict(sorted(rels.items())))

    def checksum(self) -> str:
        """A content hash of every node and relationship (see :func:`content_hash`)."""
        g = self.graph
        nodes = (
            (d["label"], {k: v for k, v in d.items() if k != "label"})
            for _, d in g.nodes(data=True)
        )
        return content_hash(nodes, (_edge(s, t, d) for s, t, d in g.edges(data=True)))

    def close(self) -> None:
        pass

    # ------------------------------------------------------------ reads for views

    def nodes(self, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """``id → (label, properties)`` for the ids that exist: what a drawing or table shows."""
        g = self.graph
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        for node_id in ids:
            if node_id in g:
                attrs = g.nodes[node_id]
                out[node_id] = (attrs["label"], {k: v for k, v in attrs.items() if k != "label"})
        return out

    def neighbours(self, ids: Iterable[str]) -> list[Edge]:
        """Every relationship with an end in ``ids``, each once: one step of a neighbourhood."""
        g = self.graph
        seen: set[tuple[str, str, str]] = set()
        out: list[Edge] = []
        for node_id in ids:
            if node_id not in g:
                continue
            for s, t, k, d in (
                *g.out_edges(node_id, keys=True, data=True),
                *g.in_edges(node_id, keys=True, data=True),
            ):
                if (s, t, k) not in seen:
                    seen.add((s, t, k))
                    out.append(_edge(s, t, d))
        return out

    def node_summaries(self, labels: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """``{id, label, name, level, kind}`` of every node (of ``labels``): for indexes and trees."""
        wanted = set(labels) if labels is not None else None
        return [
            {
                "id": node_id,
                "label": d["label"],
                "name": d.get("name", ""),
                "level": d.get("level"),
                "kind": d.get("kind"),
            }
            for node_id, d in self.graph.nodes(data=True)
            if wanted is None or d["label"] in wanted
        ]

    def edges_of_type(self, types: Iterable[str]) -> list[Edge]:
        """Every relationship of the given types, with its properties."""
        wanted = set(types)
        return [_edge(s, t, d) for s, t, d in self.graph.edges(data=True) if d["type"] in wanted]

    def edges_at(
        self, ids: Iterable[str], types: Sequence[str], *, into: bool = False
    ) -> list[Edge]:
        """Every relationship of ``types`` from (``into``: to) a node in ``ids``, in the
        graph's order (from: that of :meth:`edges_of_type`)."""
        wanted, start = set(types), set(ids)
        g = self.graph
        at = [n for n in g if n in start]
        edges = g.in_edges(at, data=True) if into else g.out_edges(at, data=True)
        return [_edge(s, t, d) for s, t, d in edges if d["type"] in wanted]

    def node_page(self, label: str, after: str, limit: int) -> NodePage:
        """Up to ``limit`` nodes of ``label`` with ids after ``after``, in id order, with
        their out-relationships and each end's label (a scan of the graph per page)."""
        g = self.graph
        ids = heapq.nsmallest(
            limit, (i for i, d in g.nodes(data=True) if d["label"] == label and i > after)
        )
        page = NodePage({}, [], {})
        for node_id in ids:
            page.nodes[node_id] = {k: v for k, v in g.nodes[node_id].items() if k != "label"}
            for _, t, d in g.out_edges(node_id, data=True):
                page.edges.append(_edge(node_id, t, d))
                page.ends[t] = g.nodes[t]["label"]
        return page

    # ------------------------------------------------------------ cache

    @classmethod
    def from_ledger(
        cls,
        path: Path,
        *,
        use_cache: bool = True,
        progress: Progress | None = None,
        read_progress=None,
    ) -> EmbeddedStore:
        """Build the graph of the ledger at ``path``, from the cache when it is unchanged
        (see :mod:`lianjian.graph.embedded.cache`: only an authenticated file is read).

        The cache is kept per day: some of the schema's bounds are relative to today (a
        birth year at least 18 years back), so another day may judge the ledger differently.
        """
        fingerprint = cache_key(path)
        cache = GraphCache.open() if use_cache else None
        if cache is not None:
            hit = cache.load(fingerprint, (dict, dict, dict, Report))
            if hit is not None:
                store = cls(graph_of(*hit[:3]), hit[3])
                store.from_cache = True
                return store
        data = load_ledger(path, progress=read_progress)
        store = cls()
        store._write(data, progress, consume=True)
        del data
        if cache is not None:
            cache.save(fingerprint, (*parts(store.graph), store.report))
        return store


def cache_key(path: Path) -> str:
    """What the cache keeps the graph of the ledger at ``path`` under: its fingerprint,
    the day (see :meth:`EmbeddedStore.from_ledger`) and which pseudonym key it was read
    with (a member id made from a citizen ID number is a hash under that key)."""
    return f"{ledger_fingerprint(path)}@{dt.date.today().isoformat()}@{_key_id()}"


def _key_id() -> str:
    """8 hex digits telling pseudonym keys apart (a hash of the key, not the key)."""
    try:
        key = pseudonym_key()
    except PseudonymKeyError:
        return "nokey"
    return hashlib.sha256(b"lianjian cache: " + key).hexdigest()[:8]


def _nodes(data: GraphData, intern, consume: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, attributes)`` of the model's nodes, new dicts (label first); with
    ``consume`` each is dropped from the model as it is taken."""
    nodes = data.nodes
    for node_id, (label, props) in nodes.items():
        if consume:
            nodes[node_id] = None  # type: ignore[assignment]  # frees the model's dict
        yield node_id, intern(label, {"label": label, **props})
    if consume:
        nodes.clear()


def _edges(data: GraphData, consume: bool) -> Iterator[Edge]:
    edges = data.edges
    for i, e in enumerate(edges):
        if consume:
            edges[i] = None  # type: ignore[call-overload]
        yield e
    if consume:
        edges.clear()


def _edge(source: str, target: str, attrs: dict[str, Any]) -> Edge:
    props = {k: v for k, v in attrs.items() if k not in ("type", "key")}
    return Edge(attrs["type"], source, target, attrs.get("key", attrs["type"]), props)
