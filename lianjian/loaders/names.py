"""References by name: a reference cell that is no id is matched by name.

A name is matched as written first, then by its key (:func:`lianjian.core.text.name_key`:
script, width, variant characters, punctuation and the official naming patterns of
lianjian/core/naming.yaml folded), among the entities of the kind the column wants. A
name of one such entity resolves. A name of several is narrowed to those that lie
deepest inside what the row's other references name (``scope_edges`` in naming.yaml:
a grid inside the community the row names, a building inside its grid or compound);
if several remain it is ambiguous, and the candidates are reported, never guessed
between. A name of none is reported with the nearest names (rapidfuzz) as "did you mean".
A name that is none and holds ``/`` or ``>`` is a path (``胜利街道/东方社区``): its last
part is the name, and the parts before it name what the entity lies in, top down.

The indexes are built on the first reference that is no id, so a ledger keyed by ids
pays nothing for them.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from lianjian.core.model import Edge, GraphData
from lianjian.core.text import name_key, naming

__all__ = ["Match", "Names", "path_parts"]

Chain = Callable[[str], list[str]]  # a node → the name keys of what it lies in, top down


def path_parts(text: str) -> list[str]:
    """The parts of a reference written as a path, ``胜利街道/东方社区`` or ``胜利街道>东方社区``
    (full-width ``／`` and ``＞`` too); no parts when it is a plain name.

    >>> path_parts("胜利街道 ／ 东方社区")
    ['胜利街道', '东方社区']
    >>> path_parts("东方社区")
    []
    """
    wide = unicodedata.normalize("NFKC", text)
    if "/" not in wide and ">" not in wide:
        return []
    parts = [p.strip() for p in wide.replace(">", "/").split("/")]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else []


def _within(keys: list[str], chain: list[str]) -> bool:
    """Whether the name keys ``keys`` are among ``chain``'s, in that order (top down)."""
    it = iter(chain)
    return all(any(k == c for c in it) for k in keys)


@dataclass(frozen=True, slots=True)
class Match:
    """How a name matched (a key of :data:`lianjian.core.report.HOW_RESOLVED`), the node it
    resolved to, or the candidates (ambiguous) or the nearest names (unknown)."""

    how: str
    node: str | None = None
    candidates: tuple[str, ...] = ()


class Names:
    """Name lookup over a ledger's nodes, scoped by the relationships made so far."""

    def __init__(self, data: GraphData) -> None:
        self.data = data
        cfg = naming()
        self.scope_edges = frozenset(cfg["scope_edges"])
        self.limit = int(cfg["suggestions"]["limit"])
        self.cutoff = float(cfg["suggestions"]["score_cutoff"])
        self._exact: dict[str, list[str]] | None = None
        self._folded: dict[str, list[str]] = {}
        self._up: dict[str, list[str]] | None = None
        self._choices: dict[tuple, tuple[list[str], list[str]]] = {}
        self._paths: dict[tuple, Match] = {}  # a path looked up: rows repeat the same one
        self._chains: dict[str, list[str]] = {}  # node → :meth:`chain`, while it holds
        self._in_chains: set[str] = set()  # the nodes those chains were made of

    # ------------------------------------------------------------ indexes

    def _index(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        if self._exact is None:
            exact: dict[str, list[str]] = defaultdict(list)
            folded: dict[str, list[str]] = defaultdict(list)
            for node_id, (_, props) in self.data.nodes.items():
                name = props.get("name")
                if name:
                    exact[name].append(node_id)
                    folded[props.get("name_key") or name_key(name)].append(node_id)
            self._exact, self._folded = exact, folded
        return self._exact, self._folded

    def _containers(self) -> dict[str, list[str]]:
        if self._up is None:
            up: dict[str, list[str]] = defaultdict(list)
            for e in self.data.edges:
                if e.type in self.scope_edges:
                    up[e.source].append(e.target)
            self._up = up
        return self._up

    @property
    def scoped(self) -> bool:
        """Whether the scope is kept (built on first use): new edges must be :meth:`added`."""
        return self._up is not None

    def forget_scope(self) -> None:
        """Edges were dropped: the scope is rebuilt from the edges on its next use."""
        self._up = None
        self._forget_chains()

    def _forget_chains(self) -> None:
        self._chains, self._in_chains, self._paths = {}, set(), {}

    def added(self, edge: Edge) -> None:
        """Keep the scope up to date with an edge just made."""
        if self._up is not None and edge.type in self.scope_edges:
            self._up[edge.source].append(edge.target)
            if edge.source in self._in_chains:  # what lies above a node looked up changed
                self._forget_chains()

    def ancestors(self, node_id: str) -> list[str]:
        """What ``node_id`` lies in, nearest first (a cycle is walked once)."""
        up = self._containers()
        out: list[str] = []
        seen = {node_id}
        frontier = [node_id]
        while frontier:
            nxt: list[str] = []
            for n in frontier:
                for p in up.get(n, ()):
                    if p not in seen:
                        seen.add(p)
                        out.append(p)
                        nxt.append(p)
            frontier = nxt
        return out

    def path(self, node_id: str) -> str:
        """Names from the top down to the node, and its id: ``沙市区/胜利街道/东方社区 (R3)``."""
        up = self._containers()
        chain = [node_id]
        while up.get(chain[-1]) and up[chain[-1]][0] not in chain:
            chain.append(up[chain[-1]][0])
        names = [str(self.data.nodes[n][1].get("name", n)) for n in reversed(chain)]
        return "/".join(names) + f" ({node_id})"

    # ------------------------------------------------------------ lookup

    def _fits(self, node_id: str, labels: tuple[str, ...], levels: tuple[str, ...]) -> bool:
        label, props = self.data.nodes[node_id]
        return label in labels and (not levels or props.get("level") in levels)

    def chain(self, node_id: str) -> list[str]:
        """The name keys of what ``node_id`` lies in (by the relationships made), top down."""
        if node_id not in self._chains:
            nodes, above = self.data.nodes, self.ancestors(node_id)
            self._in_chains.update((node_id, *above))
            self._chains[node_id] = [
                nodes[a][1].get("name_key") or name_key(str(nodes[a][1].get("name", "")))
                for a in reversed(above)
            ]
        return self._chains[node_id]

    def lookup(
        self,
        text: str,
        labels: tuple[str, ...],
        levels: tuple[str, ...],
        chain: Chain | None = None,
    ) -> Match:
        """The entity of the kind wanted named ``text``, unscoped (see :meth:`narrow`); a
        path (:func:`path_parts`) is looked up by its last part among the entities that lie
        in what its other parts name (``chain``: what a node lies in; :meth:`chain` if None)."""
        wide = unicodedata.normalize("NFKC", text).strip()  # an id typed full-width: ＯＲ１
        if wide != text and wide in self.data.nodes and self._fits(wide, labels, levels):
            return Match("id", wide)
        exact, folded = self._index()
        for how, ids in (
            ("exact_name", exact.get(text, ())),
            ("folded_name", folded.get(name_key(text), ())),
        ):
            found = tuple(n for n in ids if self._fits(n, labels, levels))
            if len(found) == 1:
                return Match(how, found[0])
            if found:
                return Match("ambiguous", None, found)
        parts = path_parts(text)
        if parts:
            return self._by_path(parts, labels, levels, chain or self.chain)
        return Match("unknown", None, self._nearest(text, labels, levels))

    def _by_path(
        self, parts: list[str], labels: tuple[str, ...], levels: tuple[str, ...], chain: Chain
    ) -> Match:
        key = (tuple(parts), labels, levels, chain == self.chain)  # one instance, one chain
        if key not in self._paths:
            self._paths[key] = self._find_path(parts, labels, levels, chain)
        return self._paths[key]

    def _find_path(
        self, parts: list[str], labels: tuple[str, ...], levels: tuple[str, ...], chain: Chain
    ) -> Match:
        _, folded = self._index()
        name, above = parts[-1], [name_key(p) for p in parts[:-1]]
        found = tuple(
            n
            for n in folded.get(name_key(name), ())
            if self._fits(n, labels, levels) and _within(above, chain(n))
        )
        if len(found) == 1:
            return Match(self.how_named(name, found[0]), found[0])
        if found:
            return Match("ambiguous", None, found)
        return Match("unknown", None, self._nearest(name, labels, levels))

    def anchors(self, nodes: Any) -> set[str]:
        """The nodes a row's resolved references name, and all they lie in."""
        out: set[str] = set()
        for n in nodes:
            out.add(n)
            out.update(self.ancestors(n))
        return out

    def narrow(self, candidates: tuple[str, ...], anchors: set[str]) -> tuple[str, ...]:
        """The candidates that lie deepest inside the row's ``anchors`` (all of them when
        none lies inside): one is the entity meant, several stay ambiguous."""
        depth: dict[str, int] = {}
        for c in candidates:
            depth[c] = -1
            for a in (c, *self.ancestors(c)):
                if a in anchors:
                    depth[c] = len(self.ancestors(a))
                    break
        best = max(depth.values())
        return tuple(c for c in candidates if depth[c] == best)

    def match_row(self, refs: Sequence[Any], start: int) -> dict[tuple[int, str], Match]:
        """The name matches of the references (``Ref`` of lianjian.loaders.resolve) of the
        row whose first is ``refs[start]`` (a row's references are consecutive, with one
        source) that are no ids, keyed by (index, target): those of one entity first, then
        the ambiguous ones narrowed inside the row's own entity and what its ids and
        other names name."""
        nodes = self.data.nodes
        source = refs[start].source
        matches: dict[tuple[int, str], Match] = {}
        named: list[str] = [source]  # a secretary is looked up among its org's members
        i = start
        while i < len(refs) and refs[i].source == source:
            spec = refs[i].prop.edge
            for target in refs[i].targets:
                if target in nodes:
                    named.append(target)
                    continue
                m = self.lookup(target, spec.targets, spec.levels)
                if m.how == "ambiguous" and source in m.candidates:
                    # the row's own entity is never what it refers to (its parent, say)
                    m = self._one_of(target, tuple(c for c in m.candidates if c != source))
                matches[i, target] = m
            i += 1
        if any(m.how == "ambiguous" for m in matches.values()):
            anchors = self.anchors([*named, *(m.node for m in matches.values() if m.node)])
            for (i, target), m in matches.items():
                if m.how == "ambiguous":
                    matches[i, target] = self._one_of(target, self.narrow(m.candidates, anchors))
        return matches

    def _one_of(self, text: str, candidates: tuple[str, ...]) -> Match:
        """The match of ``text`` when these candidates remain: one resolves, several do not."""
        if len(candidates) == 1:
            return Match(self.how_named(text, candidates[0]), candidates[0])
        return Match("ambiguous", None, candidates)

    def how_named(self, text: str, node_id: str) -> str:
        """Whether ``text`` is the node's name as written or only its folded form."""
        return "exact_name" if self.data.nodes[node_id][1].get("name") == text else "folded_name"

    def _nearest(self, text: str, labels: tuple[str, ...], levels: tuple[str, ...]) -> tuple:
        key = (labels, levels)
        if key not in self._choices:
            ids = [n for n in self.data.nodes if self._fits(n, labels, levels)]
            _, folded = self._index()
            keys = {n: k for k, ns in folded.items() for n in ns}
            self._choices[key] = ([keys.get(n, "") for n in ids], ids)
        keys, ids = self._choices[key]
        if not keys:
            return ()
        hits = process.extract(
            name_key(text), keys, scorer=fuzz.ratio, limit=self.limit, score_cutoff=self.cutoff
        )
        return tuple(ids[i] for _, _, i in hits)

    # ------------------------------------------------------------ reasons

    def why(self, m: Match, text: str, wanted: str, personal: bool) -> str:
        """The reason an ambiguous or unknown name is reported with. ``personal``: the
        reference or what it names is personal data, so no candidate is named."""
        if m.how == "ambiguous":
            if personal:
                return f"ambiguous name: {len(m.candidates)} candidates (not listed: personal data)"
            listed = "; ".join(self.path(c) for c in m.candidates)
            return f"ambiguous name: {len(m.candidates)} candidates, {listed}"
        why = f"unknown name: no {wanted} has this name or ID"
        if m.candidates and not personal:
            why += "; did you mean " + ", ".join(self.path(c) for c in m.candidates) + "?"
        return why
