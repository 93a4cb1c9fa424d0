"""A version of a store of record as one graph model, for an export (``lianjian export
rdf`` without a ledger path): the entities and links the store held at that version,
the versions of the sources that made it, and which source each entity and link came
from (so each ledger row is named in its own ledger).

The store keeps each source's latest content only, not every version's
(docs/store.md), so a version can be rebuilt only when every source it held is still
at the version it had then: the latest one, or an earlier one followed only by the
first versions of sources loaded later (street B loaded after street A's version 1:
version 1 is street A alone). Any other version is :class:`NotKept`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lianjian.core.model import GraphData
from lianjian.core.schema import SCHEMA
from lianjian.graph.versions import Conflict, RecordStore, Version, link_key

if TYPE_CHECKING:  # the streamed graph's module builds snapshots: no import cycle at run time
    from lianjian.record.stream import StoreGraph

__all__ = ["Snapshot", "NotKept", "snapshot", "held_sources", "owners", "exported_props"]


class NotKept(ValueError):
    """A version the store cannot rebuild: a source it held has changed since."""


@dataclass
class Snapshot:
    """Version ``version`` of a store: ``data`` (members as the store keeps them; read
    whole, or page by page by :func:`~lianjian.record.stream.streamed`), the
    version each source was at (``sources``, in load order, ``version`` among them),
    the first source holding each entity id and link key (``owner``), the conflicts."""

    data: GraphData | StoreGraph
    version: Version
    sources: list[Version]
    owner: dict[Any, str] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)


def held_sources(record: RecordStore, number: int | None) -> tuple[list[Version], int, dict]:
    """The store's versions, the version asked for (default: the latest) and the version
    each source was at then (``source → Version``, load order); ``ValueError`` for a
    store without versions or a version that does not exist, :class:`NotKept` for one
    the store cannot rebuild."""
    versions = record.versions()
    if not versions:
        raise ValueError(
            f"the store {record.location} holds no version yet; load one: "
            "lianjian load LEDGER --source NAME --as-of DATE"
        )
    latest = versions[-1].version
    number = latest if number is None else number
    if not 1 <= number <= latest:
        raise ValueError(f"version {number} does not exist; the store has versions 1 to {latest}")
    current = record.sources()  # each source's latest version, in load order
    held: dict[str, Version] = {}
    for v in versions:
        if v.version <= number:
            held[v.source] = v
    changed = sorted(s for s, v in held.items() if current[s].version != v.version)
    if changed:
        raise NotKept(
            f"version {number} cannot be exported: the store keeps each source's latest "
            f"content only, and source {', '.join(changed)} has changed since (exportable: "
            f"the latest version, {latest})"
        )
    return versions, number, {name: held[name] for name in current if name in held}


def owners(record: RecordStore, held: dict[str, Version]) -> dict[Any, str]:
    """The first source (in load order) holding each entity id and link key of the
    sources ``held``."""
    owner: dict[Any, str] = {}
    for name in held:
        content = record.content(name)
        for key in (*content.entities, *content.links):
            owner.setdefault(key, name)
    return owner


def exported_props(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """A stored node's properties as the export takes them (in place): without the id
    (Neo4j keeps it as a property too) and, for a member, without the stored pseudonym
    (the export makes its own from the key)."""
    props.pop("id", None)
    if SCHEMA.nodes[label].personal:
        props.pop("pseudonym", None)
    return props


def snapshot(record: RecordStore, number: int | None = None) -> Snapshot:
    """The store's latest version (or version ``number``) as a :class:`Snapshot`, the
    whole graph in memory; errors as :func:`held_sources`."""
    versions, number, held = held_sources(record, number)
    graph, conflicts = record.graph()
    owner = owners(record, held)
    nodes = graph.nodes([i for i in owner if isinstance(i, str)])
    edges = [e for e in graph.edges_of_type(SCHEMA.relationships) if link_key(e) in owner]
    for label, props in nodes.values():
        exported_props(label, props)
    return Snapshot(
        GraphData(nodes, edges),
        next(v for v in versions if v.version == number),
        list(held.values()),
        owner,
        [c for c in conflicts if c.kept in held and c.other in held],
    )
