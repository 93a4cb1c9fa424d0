"""The embedded graph in less memory: the same NetworkX ``MultiDiGraph``, built straight
into its adjacency dictionaries with what repeats held once.

- An edge without properties has the data dict ``{"type", "key"}`` of every other such
  edge of its type and key: one :class:`Shared` dict for all of them.
- A pair of nodes joined by one such edge has the key dict ``{"TYPE:key": data}`` of every
  other such pair: one :class:`Shared` dict again (NetworkX keeps one per pair, shared by
  the pair's ``_succ`` and ``_pred`` entries).
- Repeated values of a property (a member's gender or birth year, a service's date) are
  one object (:class:`Interner`).

A :class:`Shared` dict refuses changes, so no change made through one edge can reach
another: NetworkX calls that would change one (``add_edge`` on a pair already joined,
``remove_edge``) raise ``TypeError`` instead; the store first gives the pairs it changes
dicts of their own (:func:`unshare`).

>>> import networkx as nx
>>> from lianjian.core.model import Edge
>>> g = nx.MultiDiGraph()
>>> build(g, [("O1", {"label": "PartyOrg"}), ("G1", {"label": "Region"}),
...           ("G2", {"label": "Region"})],
...       [Edge("COVERS", "O1", "G1", "COVERS", {}), Edge("COVERS", "O1", "G2", "COVERS", {})])
>>> g.edges["O1", "G1", "COVERS:COVERS"] is g.edges["O1", "G2", "COVERS:COVERS"]
True
>>> g.edges["O1", "G1", "COVERS:COVERS"]["type"] = "X"
Traceback (most recent call last):
TypeError: a dict shared by many edges of the embedded graph cannot be changed
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from lianjian.core.model import Edge

__all__ = ["Shared", "Interner", "build", "unshare", "edge_key", "parts", "graph_of"]


class Shared(dict):
    """A dict shared by many edges (data or key dict): it refuses changes."""

    __slots__ = ()

    def __new__(cls, items: Any = ()) -> Shared:
        self = dict.__new__(cls)
        dict.update(self, items)
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # filled by __new__; a second __init__ must not change it

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a dict shared by many edges of the embedded graph cannot be changed")

    __setitem__ = __delitem__ = _refuse  # type: ignore[assignment]
    update = setdefault = pop = popitem = clear = __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        return (type(self), (dict(self),))


POOL_TRIAL = 1024  # values of a property seen before its pool is judged


POOLED = (str, int, float)  # not bool: True == 1 would pool them together


class Interner:
    """One object per repeated value (text or number) of a property of a label. A
    property whose values are mostly distinct (names, coordinates) stops being pooled
    after a trial, so the pools stay small."""

    def __init__(self) -> None:
        self._pools: dict[tuple[str, str], dict[Any, Any] | None] = {}
        self._seen: dict[tuple[str, str], int] = {}

    def attrs(self, label: str, attrs: dict[str, Any]) -> dict[str, Any]:
        """``attrs`` with its repeated string values replaced by their pooled object."""
        pools, seen = self._pools, self._seen
        for k, v in attrs.items():
            if type(v) not in POOLED:
                continue
            where = (label, k)
            pool = pools.get(where, ...)
            if pool is ...:
                pool = pools[where] = {}
                seen[where] = 0
            if pool is None:
                continue
            same = pool.setdefault(v, v)
            if type(same) is type(v):  # 1 and 1.0 are one key, not one value
                attrs[k] = same
            n = seen[where] = seen[where] + 1
            if n == POOL_TRIAL and len(pool) > n // 2:
                pools[where] = None  # mostly distinct: not worth a pool
        return attrs


def edge_key(type_: str, key: str) -> str:
    """The NetworkX key of an edge: ``TYPE:key`` (parallel edges stay apart)."""
    return f"{type_}:{key}"


def build(
    g: nx.MultiDiGraph,
    nodes: Iterable[tuple[str, dict[str, Any]]],
    edges: Iterable[Edge],
) -> None:
    """Add ``nodes`` (id, attribute dict, used as it is) and then ``edges`` to ``g``,
    as ``add_nodes_from`` and ``add_edges_from`` would (same order, same dicts' contents;
    an end not among the nodes is added with no attributes), sharing what repeats."""
    node, succ, pred = g._node, g._succ, g._pred
    for n, attrs in nodes:
        if n in node:
            node[n].update(attrs)
        else:
            node[n] = attrs
            succ[n] = {}
            pred[n] = {}
    plain: dict[tuple[str, str], tuple[str, Shared, Shared]] = {}  # (type, key) → shared
    for e in edges:
        s, t = e.source, e.target
        for end in (s, t):
            if end not in node:
                node[end] = {}
                succ[end] = {}
                pred[end] = {}
        if e.props:
            k = edge_key(e.type, e.key)
            data: dict[str, Any] = {"type": e.type, "key": e.key, **e.props}
            one = None
        else:
            shared = plain.get((e.type, e.key))
            if shared is None:
                k = edge_key(e.type, e.key)
                data = Shared({"type": e.type, "key": e.key})
                shared = plain[e.type, e.key] = (k, data, Shared({k: data}))
            k, data, one = shared
        keyed = succ[s].get(t)
        if keyed is None:
            succ[s][t] = pred[t][s] = one if one is not None else {k: data}
            continue
        if type(keyed) is Shared:
            keyed = succ[s][t] = pred[t][s] = dict(keyed)
        old = keyed.get(k)
        keyed[k] = data if old is None else {**old, **data}  # add_edge merges a repeat


def unshare(g: nx.MultiDiGraph, pairs: Iterable[tuple[str, str]]) -> None:
    """Give each pair ``(source, target)`` of ``g`` key and data dicts of its own, so
    NetworkX may change its edges."""
    succ, pred = g._succ, g._pred
    for s, t in pairs:
        keyed = succ.get(s, {}).get(t)
        if keyed is None:
            continue
        if type(keyed) is Shared or any(type(d) is Shared for d in keyed.values()):
            succ[s][t] = pred[t][s] = {k: dict(d) for k, d in keyed.items()}


Parts = tuple[dict[str, dict[str, Any]], dict[str, dict], dict[str, dict]]


def parts(g: nx.MultiDiGraph) -> Parts:
    """What the graph is made of: its node, successor and predecessor dicts (what the
    cache keeps; the order of every dict is the graph's own)."""
    return g._node, g._succ, g._pred


def graph_of(node: dict[str, dict[str, Any]], succ: dict, pred: dict) -> nx.MultiDiGraph:
    """The ``MultiDiGraph`` made of these :func:`parts`."""
    g = nx.MultiDiGraph()
    g._node = node
    g._succ = succ  # NetworkX keeps _adj the same object
    g._pred = pred
    return g
