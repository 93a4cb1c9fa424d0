"""The neighbourhood of some entities, capped so that a drawing stays quick to read and draw.

A community in a city ledger has thousands of members: drawing them all helps
nobody and takes the browser seconds. :func:`neighbourhood` walks out from the
seeds one step at a time (depth 1–3). A crowd of one label on one node (the
326 members reporting to a community) becomes one summary node "326 名党员" hung
on that node; the rest is kept up to ``cap`` nodes, structure first (regions,
organisations, units, buildings, then members; flagged entities first within a
label), and what does not fit is summarised the same way. Only kept nodes are
walked further, so the work is bounded by the cap, not by the graph.

Works on either store through ``nodes(ids)`` and ``neighbours(ids)``: one or two
reads per step. Links inactive on the as-of date are left out; ``allowed`` (a
scope's ids) bounds the drawing to one region's subtree: the seeds, every step of the
walk, and the pairing partners :func:`add_pairings` adds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.model import Edge
from lianjian.core.schema import SCHEMA
from lianjian.dashboard.display import (
    LABEL_ORDER,
    count_label,
    kind_name,
    node_name,
    public_props,
    rel_name,
    type_name,
)
from lianjian.dashboard.scope import active

__all__ = [
    "Summary",
    "Subgraph",
    "neighbourhood",
    "add_pairings",
    "node_rows",
    "edge_rows",
    "public_nodes",
    "PROPOSED",
    "PERSONAL_RELS",
]

PROPOSED = "PROPOSED_PAIR"
# relationships that are personal data themselves (a member's home): drawn only with names
PERSONAL_RELS = frozenset(
    p.edge.type
    for t in SCHEMA.nodes.values()
    for p in t.properties.values()
    if p.personal and p.edge is not None
)
MAX_DEPTH = 3


@dataclass(frozen=True)
class Summary:
    """A summary node: ``count`` entities of ``label`` reached from ``via`` and not drawn."""

    id: str
    via: str
    label: str
    count: int
    rel: str


@dataclass
class Subgraph:
    nodes: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    allowed: set[str] | None = None  # the scope it was drawn in: nothing outside is added

    @property
    def hidden(self) -> Counter:
        """How many entities of each label the summaries stand for."""
        out: Counter = Counter()
        for s in self.summaries:
            out[s.label] += s.count
        return out


def neighbourhood(
    store,
    seeds: Iterable[str],
    depth: int = 1,
    *,
    labels: Iterable[str] | None = None,
    cap: int = 150,
    allowed: set[str] | None = None,
    as_of: str | dt.date | None = None,
    priority: set[str] | None = None,
    exclude: Iterable[str] = (),
    group_max: int = 25,
    max_summaries: int = 40,
) -> Subgraph:
    """Seeds and everything within ``depth`` steps, at most ``cap`` nodes plus summaries.

    More than ``group_max`` entities of one label reached from one node become a
    summary node at once (entities in ``priority``, the flagged ones, are still
    drawn); then the ``cap`` is filled in order of label, flag and id.
    Relationship types in ``exclude`` are neither walked nor drawn (see
    :data:`PERSONAL_RELS`: where a member lives is personal data).
    """
    depth = max(1, min(MAX_DEPTH, int(depth)))
    wanted = set(labels) if labels is not None else None
    skip = set(exclude)
    sub = Subgraph(seeds=list(dict.fromkeys(seeds)), allowed=allowed)
    sub.seeds = [s for s in sub.seeds if allowed is None or s in allowed]
    sub.nodes.update(store.nodes(sub.seeds))
    sub.seeds = [s for s in sub.seeds if s in sub.nodes]
    sub.depth.update(dict.fromkeys(sub.seeds, 0))
    seen: set[str] = set(sub.seeds)
    edges: dict[tuple[str, str, str, str], Edge] = {}
    overflow: dict[tuple[str, str], Counter] = defaultdict(Counter)
    frontier = list(sub.seeds)
    expanded: set[str] = set()
    for step in range(1, depth + 1):
        if not frontier:
            break
        here = set(frontier)
        found: dict[str, tuple[str, str]] = {}  # new id → (the node it was reached from, rel)
        for e in store.neighbours(frontier):
            if e.type in skip or not active(e.props, as_of):
                continue
            edges[(e.source, e.target, e.type, e.key)] = e
            for a, b in ((e.source, e.target), (e.target, e.source)):
                if a in here and b not in seen and b not in found:
                    if allowed is None or b in allowed:
                        found[b] = (a, e.type)
        expanded |= here
        seen |= set(found)
        info = store.nodes(found)
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for i in info:
            if wanted is None or info[i][0] in wanted:
                groups[(found[i][0], info[i][0])].append(i)
        candidates: list[str] = []
        for ids in groups.values():
            if len(ids) <= group_max:
                candidates += ids
            else:  # a crowd of one kind on one node: one summary, but flagged ones still drawn
                candidates += [i for i in ids if priority and i in priority]
        ordered = sorted(candidates, key=lambda i: _rank(i, info[i][0], priority))
        room = max(0, cap - len(sub.nodes))
        frontier = ordered[:room]
        for i in frontier:
            sub.nodes[i] = info[i]
            sub.depth[i] = step
        drawn = set(frontier)
        for (via, label), ids in groups.items():
            for i in ids:
                if i not in drawn:
                    overflow[(via, label)][found[i][1]] += 1
    rest = [n for n in sub.nodes if n not in expanded]
    if rest:  # relationships among the last step's nodes
        for e in store.neighbours(rest):
            if e.type not in skip and active(e.props, as_of):
                edges[(e.source, e.target, e.type, e.key)] = e
    sub.edges = [e for e in edges.values() if e.source in sub.nodes and e.target in sub.nodes]
    sub.summaries = _summaries(overflow, sub.seeds, max_summaries)
    return sub


def add_pairings(
    sub: Subgraph, store, pairs: Iterable[tuple[str, str, dict[str, Any]]], rel: str = PROPOSED
) -> int:
    """Draw proposed pairings (weak, strong, props) that touch the subgraph; returns how many.

    The partner outside the drawing is added, so a weak organisation always shows
    whom it is proposed to be paired with, but only from within the scope the drawing
    was made in (``sub.allowed``): a partner in another street is neither drawn nor
    named, and neither is the pairing.
    """
    touching = [(w, s, p) for w, s, p in pairs if w in sub.nodes or s in sub.nodes]
    missing = {x for w, s, _ in touching for x in (w, s) if x not in sub.nodes}
    if sub.allowed is not None:
        missing &= sub.allowed
    for node_id, node in store.nodes(missing).items():
        sub.nodes[node_id] = node
        sub.depth[node_id] = MAX_DEPTH + 1
    n = 0
    for w, s, props in touching:
        if w in sub.nodes and s in sub.nodes:
            sub.edges.append(Edge(rel, s, w, f"{rel}|{s}|{w}", dict(props)))
            n += 1
    return n


def node_rows(
    sub: Subgraph,
    lang: str = "zh",
    with_names: bool = False,
    flags: dict[str, list[tuple[str, str]]] | None = None,
) -> list[dict[str, Any]]:
    """One row per drawn node and per summary: what a download of the drawing holds."""
    flags = flags or {}
    rows = []
    for node_id, (label, props) in sub.nodes.items():
        rows.append(
            {
                "id": node_id,
                "type": type_name(label, lang),
                "kind": kind_name(label, props, lang),
                "name": node_name(node_id, label, props, with_names),
                "depth": sub.depth.get(node_id, ""),
                "gaps": "; ".join(rule for rule, _ in flags.get(node_id, ())),
            }
        )
    for s in sub.summaries:
        rows.append(
            {
                "id": s.id,
                "type": type_name(s.label, lang),
                "kind": "",
                "name": count_label(s.count, s.label, lang),
                "depth": "",
                "gaps": "",
            }
        )
    return rows


def edge_rows(sub: Subgraph, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per drawn relationship (summaries included): the other half of a download."""
    rows = [
        {
            "source": e.source,
            "target": e.target,
            "type": e.type,
            "name": rel_name(e.type, lang),
            "kind": str(e.props.get("kind", "")),
        }
        for e in sub.edges
    ]
    rows += [
        {"source": s.via, "target": s.id, "type": s.rel, "name": rel_name(s.rel, lang), "kind": ""}
        for s in sub.summaries
    ]
    return rows


def public_nodes(sub: Subgraph, with_names: bool = False) -> dict[str, dict[str, Any]]:
    """Each drawn node's properties as they may leave the process (for a JSON download)."""
    return {
        node_id: {"label": label, **public_props(node_id, label, props, with_names)}
        for node_id, (label, props) in sub.nodes.items()
    }


# ---------------------------------------------------------------- helpers


def _rank(node_id: str, label: str, priority: set[str] | None) -> tuple[int, int, str]:
    flagged = 0 if priority and node_id in priority else 1
    return LABEL_ORDER.get(label, 9), flagged, node_id


def _summaries(
    overflow: dict[tuple[str, str], Counter], seeds: list[str], max_summaries: int
) -> list[Summary]:
    """Summary nodes per (reached from, label); per label on the first seed when too many."""
    if len(overflow) > max_summaries and seeds:
        merged: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for (_, label), rels in overflow.items():
            merged[(seeds[0], label)].update(rels)
        overflow = merged
    out = []
    for (via, label), rels in sorted(overflow.items()):
        out.append(
            Summary(
                id=f"…more:{via}:{label}",
                via=via,
                label=label,
                count=sum(rels.values()),
                rel=rels.most_common(1)[0][0],
            )
        )
    return out
