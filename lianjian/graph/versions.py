"""The store of record: sources, versions, diffs by content, gap history, coverage
per version (docs/store.md). What every persistent backend offers
(:class:`RecordStore`), and the parts computed once for all of them: each entity's and
link's content hash, the diff of a source's latest content against a new ledger, and
the union of every source's latest graph.

An entity's content is its label and properties without where its row was
(``ledger_file``, ``ledger_row``): a row moved in the file is not a change. A link's
content is its type, ends, key and properties. A link that appears, disappears or
changes is a change of its source entity, named by the link's type (``COVERS``).

>>> old = GraphData({"P1": ("PartyOrg", {"id": "P1", "name": "一支部", "ledger_row": 2})})
>>> new = GraphData({"P1": ("PartyOrg", {"id": "P1", "name": "二支部", "ledger_row": 3})})
>>> diff(content_of(old), new).changed
{'P1': ['name']}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

from lianjian.core.model import Edge, GraphData
from lianjian.graph.store import GraphStore
from lianjian.loaders.derive import PLACED_BY

__all__ = [
    "FORMAT",
    "PROVENANCE",
    "StoreFormatError",
    "StoreBusy",
    "Content",
    "Diff",
    "Version",
    "Finding",
    "Conflict",
    "SourceInfo",
    "RecordStore",
    "Staged",
    "entity_hash",
    "link_key",
    "link_hash",
    "content_of",
    "diff",
    "union",
    "name_paths",
    "name_conflicts",
    "conflicts_of",
]

FORMAT = 1  # the store format this code writes and reads (a newer one is refused)
PROVENANCE = frozenset({"ledger_file", "ledger_row"})  # where a row was: not content

LinkKey = tuple[str, str, str, str]  # (type, source, target, key)


class StoreFormatError(ValueError):
    """The store was written in a newer format, or is not a store of this program."""


class StoreBusy(ValueError):
    """Another load holds the store's lock."""


# one encoder for every hash: json.dumps with options builds a new one per call
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _canonical(value: Any) -> bytes:
    return _ENCODER.encode(value).encode()


def entity_hash(label: str, props: Mapping[str, Any]) -> str:
    """SHA-256 (32 hex digits) of an entity's label and properties, provenance left out."""
    content = {k: v for k, v in props.items() if k not in PROVENANCE}
    return hashlib.sha256(_canonical([label, content])).hexdigest()[:32]


def link_key(e: Edge) -> LinkKey:
    return (e.type, e.source, e.target, e.key)


def link_hash(e: Edge) -> str:
    """The hash of a link's properties ("" for none, most links): its key is its identity."""
    return hashlib.sha256(_canonical(e.props)).hexdigest()[:32] if e.props else ""


@dataclass
class Content:
    """A source's latest content as the diff needs it: a hash per entity and per link,
    and the entities' properties (to name what changed)."""

    entities: dict[str, str] = field(default_factory=dict)
    links: dict[LinkKey, str] = field(default_factory=dict)
    props: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def props_of(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The properties of ``ids`` as the store keeps them: read only for the entities
        whose hash differs (a backend may fetch them then, not before)."""
        return {i: self.props.get(i, {}) for i in ids}

    def shown(self, node_id: str, label: str, props: dict[str, Any]) -> dict[str, Any]:
        """A new entity's properties as the store would keep them, to compare with
        :meth:`props_of` (all of them here; Neo4j keeps members without their names)."""
        return props


_LAST: list[tuple[GraphData, Content]] = []  # the last ledger hashed: a load hashes once


def content_of(data: GraphData) -> Content:
    """Every entity's and link's hash in ``data`` (remembered for the last ``data``: the
    diff and a backend's stage of one load share them)."""
    if _LAST and _LAST[0][0] is data:
        return _LAST[0][1]
    content = Content(
        {i: entity_hash(label, p) for i, (label, p) in data.nodes.items()},
        {link_key(e): link_hash(e) for e in data.edges},
        {i: p for i, (_, p) in data.nodes.items()},
        {i: label for i, (label, _) in data.nodes.items()},
    )
    _LAST[:] = [(data, content)]
    return content


@dataclass
class Diff:
    """What a new version adds, removes and changes: entity ids, and per changed entity
    the names of its changed properties and link types; link counts."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    links_added: int = 0
    links_removed: int = 0
    links_changed: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: Content, new: GraphData) -> Diff:
    """The diff of ``old`` (a source's latest content) against ``new``, by content hash;
    properties compared only for the entities whose hash differs."""
    now = content_of(new)
    added = sorted(set(now.entities) - set(old.entities))
    removed = sorted(set(old.entities) - set(now.entities))
    changed: dict[str, set[str]] = {}
    differ = [i for i, h in now.entities.items() if i in old.entities and old.entities[i] != h]
    before = old.props_of(differ)
    for i in differ:
        label, props = new.nodes[i]
        a, b = before.get(i, {}), old.shown(i, label, props)
        names = {k for k in a.keys() | b.keys() if k not in PROVENANCE and a.get(k) != b.get(k)}
        if not names:  # a value the store does not keep (a member's name on Neo4j)
            names = {k for k in props.keys() - b.keys() if k not in PROVENANCE}
        if label != old.labels.get(i):
            names.add("label")
        changed[i] = names
    counts = [0, 0, 0]
    born, gone = set(added), set(removed)
    for k in old.links.keys() | now.links.keys():
        before, after = old.links.get(k), now.links.get(k)
        if before == after:
            continue
        counts[0 if before is None else 1 if after is None else 2] += 1
        source = k[1]
        if source not in gone and source not in born and source in now.entities:
            changed.setdefault(source, set()).add(k[0])
    return Diff(added, removed, {i: sorted(v) for i, v in sorted(changed.items())}, *counts)


@dataclass(frozen=True)
class Version:
    """One recorded load: its number (1, 2, … across all sources), source, as-of date,
    when it was loaded (UTC, ISO), the diff and the conflicts with other sources."""

    version: int
    source: str
    as_of: str
    loaded_at: str
    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]
    links: dict[str, int]
    conflicts: list[dict[str, Any]]
    fingerprint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    """A gap finding's life: first seen in a version, closed (销号) in a later one."""

    rule: str
    id: str
    first_seen: int
    since: str  # the as-of date of the version it was first seen in
    closed_at: int | None = None
    closed_on: str | None = None
    street: str | None = None


@dataclass(frozen=True)
class Conflict:
    """The same id (or link) with different content in two sources; the union keeps
    the first source's (sources in the order they were first loaded). With ``same_as``:
    two ids, one per source, of the same label, folded name and place in the tree (what
    they hang under): both are kept, never merged."""

    id: str
    kept: str
    other: str
    same_as: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class SourceInfo:
    name: str
    as_of: str
    version: int


class Staged(Protocol):
    """A new version staged: :attr:`graph` is the union with it, for the gaps and
    coverage to run on; :meth:`commit` applies all of it at once, or nothing."""

    graph: GraphStore
    conflicts: list[Conflict]

    def commit(
        self,
        version: Version,
        opened: list[Finding],
        closed: Sequence[tuple[str, str]],
        coverage: list[dict[str, Any]],
    ) -> None: ...


@runtime_checkable
class RecordStore(Protocol):
    """A persistent, versioned store (docs/store.md): each source's latest content, the
    versions, the gap findings with first-seen and closed-at versions, and coverage per
    version per street and community. Reads never need the lock; a load holds it."""

    name: str
    location: str  # for messages: the folder, or the database

    def lock(self) -> AbstractContextManager[None]:
        """Exclusive right to load; :class:`StoreBusy` when another load holds it."""

    def sources(self) -> dict[str, SourceInfo]: ...

    def versions(self) -> list[Version]: ...

    def content(self, source: str) -> Content:
        """The source's latest content (empty for a new source)."""

    def stage(self, source: str, data: GraphData) -> Staged:
        """The union of every source's latest graph with ``data`` as ``source``'s."""

    def findings(self) -> list[Finding]: ...

    def coverage_rows(self) -> list[dict[str, Any]]:
        """``{"version", "as_of", "level", "id", "name", "metrics"}`` per version per
        street and community (``metrics`` as :func:`~lianjian.queries.coverage.rates.coverage`)."""

    def graph(self) -> tuple[GraphStore, list[Conflict]]:
        """The union of every source's latest version, and its conflicts."""

    def close(self) -> None: ...


# the links an entity hangs under: its place in the tree, beside its folded name
PARENT_LINKS = ("PART_OF", "SUB_ORG_OF", "IN_GRID", "IN_COMPOUND", "LOCATED_IN")


def name_paths(data: GraphData) -> dict[str, list[str]]:
    """``id → [label, folded name, parent id]`` of every entity a name and a place
    identify (a region, building, unit or organisation: those whose ids may be derived
    from them), the parent the first of :data:`PARENT_LINKS` it has ("" for none). A
    need, resource, project or service record is not among them: two needs of one name
    in one community are two needs."""
    parent: dict[str, str] = {}
    rank = {t: n for n, t in enumerate(PARENT_LINKS)}
    best: dict[str, int] = {}
    for e in data.edges:
        r = rank.get(e.type)
        if r is not None and r < best.get(e.source, len(rank)):
            best[e.source], parent[e.source] = r, e.target
    return {
        i: [label, p["name_key"], parent.get(i, "")]
        for i, (label, p) in data.nodes.items()
        if p.get("name_key") and label in PLACED_BY  # a need's or a service's name repeats
    }


def name_conflicts(parts: Iterable[tuple[str, Mapping[str, Sequence[str]]]]) -> list[Conflict]:
    """Entities of two sources (in load order) with other ids but the same label, folded
    name and parent: a :class:`Conflict` with ``same_as`` (the first source's id)."""
    seen: dict[tuple[str, ...], tuple[str, str]] = {}  # key → (source, id)
    out: list[Conflict] = []
    for source, paths in parts:
        for i, key in paths.items():
            k = tuple(key)
            first = seen.get(k)
            if first is None:
                seen[k] = (source, i)
            elif first[0] != source and first[1] != i:
                out.append(Conflict(i, first[0], source, same_as=first[1]))
    return out


def union(parts: Iterable[tuple[str, GraphData]]) -> tuple[GraphData, list[Conflict]]:
    """One graph of several sources' (in load order): an id or link in two sources with
    the same content is one; with different content, the first source's is kept and the
    pair is a :class:`Conflict` (never merged silently). Only what two sources hold is
    hashed."""
    parts = list(parts)
    if len(parts) == 1:
        return GraphData(parts[0][1].nodes, parts[0][1].edges), []
    nodes: dict[str, tuple[str, dict[str, Any]]] = {}
    owner: dict[str, str] = {}
    edges: dict[LinkKey, Edge] = {}
    edge_owner: dict[LinkKey, str] = {}
    conflicts: list[Conflict] = []
    for source, data in parts:
        for i, node in data.nodes.items():
            if i not in owner:
                nodes[i], owner[i] = node, source
            elif entity_hash(*nodes[i]) != entity_hash(*node):
                conflicts.append(Conflict(i, owner[i], source))
        for e in data.edges:
            k = link_key(e)
            if k not in edge_owner:
                edges[k], edge_owner[k] = e, source
            elif link_hash(edges[k]) != link_hash(e):
                conflicts.append(Conflict("|".join(k), edge_owner[k], source))
    conflicts += name_conflicts((source, name_paths(data)) for source, data in parts)
    return GraphData(nodes, list(edges.values())), conflicts


def conflicts_of(parts: list[tuple[str, dict, dict, dict]]) -> list[Conflict]:
    """The conflicts of the union of ``parts`` (``name, {id: [label, hash]}, {link: hash},
    {id: name path}`` in load order), as :func:`union` names them: for a backend that
    keeps only the hashes."""
    kept: dict[str, tuple[str, Any]] = {}
    kept_links: dict[tuple, tuple[str, str]] = {}
    out: list[Conflict] = []
    for name, entities, links, _ in parts:
        for i, value in entities.items():
            value = tuple(value)
            if i not in kept:
                kept[i] = (name, value)
            elif kept[i][1] != value:
                out.append(Conflict(i, kept[i][0], name))
        for k, h in links.items():
            if k not in kept_links:
                kept_links[k] = (name, h)
            elif kept_links[k][1] != h:
                out.append(Conflict("|".join(k), kept_links[k][0], name))
    return out + name_conflicts((name, paths) for name, _, _, paths in parts)
