"""The latest version of a store of record read page by page, for an export that
streams (``lianjian export rdf --backend neo4j``): the Python process holds one page of
entities at a time, whatever the size of the database.

:func:`streamed` answers a :class:`~lianjian.record.snapshot.Snapshot` whose ``data``
is a :class:`StoreGraph` instead of a whole graph model: its :meth:`StoreGraph.chunks`
read each label's entities in id order, ``size`` at a time (``WHERE n.id > $after ORDER
BY n.id LIMIT $size`` on Neo4j, the id index read in order), each with its
out-relationships and the label of each one's other end: all a chunk's triples need
(a link's target is named by its label and id; a member's IRI is its keyed hash, the
stored pseudonym being left out as in :func:`~lianjian.record.snapshot.snapshot`).

The latest version holds every source, so the union the database holds is that
version: every entity, and every relationship but the ones ``lianjian pair --write``
and ``match --write`` add (in no source). Which source holds what (for each ledger
row's ledger) is read only when the store has more than one source: the ids and link
keys of every source (their hashes, not their properties). An earlier version is read
whole by :func:`~lianjian.record.snapshot.snapshot`, as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lianjian.core.model import Edge, GraphData
from lianjian.core.schema import SCHEMA
from lianjian.graph.store import GraphStore
from lianjian.graph.versions import RecordStore
from lianjian.queries.matching.write import PROPOSED_MATCH
from lianjian.queries.pairing.propose import PROPOSED
from lianjian.record.snapshot import Snapshot, exported_props, held_sources, owners, snapshot

__all__ = ["CHUNK", "DERIVED", "Chunk", "ModelGraph", "StoreGraph", "streamed"]

CHUNK = 5000  # entities read and written at a time
DERIVED = frozenset({PROPOSED, PROPOSED_MATCH})  # relationships of no source: not exported
_NO_PROPS: dict[str, Any] = {}


@dataclass
class Chunk:
    """Entities to write (``nodes``: id → (label, properties)), their out-links by
    source id (``out``), and ``ends``: id → (label, properties the IRI needs) of each
    link's target."""

    nodes: Mapping[str, tuple[str, dict[str, Any]]]
    out: Mapping[str, list[Edge]]
    ends: Mapping[str, tuple[str, dict[str, Any]]]


class ModelGraph:
    """A graph model as one chunk, for what reads a :class:`StoreGraph`."""

    def __init__(self, data: GraphData) -> None:
        self.data = data

    def chunks(self) -> Iterator[Chunk]:
        out: dict[str, list[Edge]] = defaultdict(list)
        for e in self.data.edges:
            out[e.source].append(e)
        yield Chunk(self.data.nodes, out, self.data.nodes)

    def lookup(self, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        nodes = self.data.nodes
        return {i: nodes[i] for i in ids if i in nodes}


class StoreGraph:
    """A store's graph read ``size`` entities at a time (see the module docstring)."""

    fingerprint = ""  # the export names the store's version instead

    def __init__(self, graph: GraphStore, size: int = CHUNK) -> None:
        if size < 1:
            raise ValueError("the chunk size is at least 1")
        self.graph, self.size = graph, size
        self._rels = frozenset(SCHEMA.relationships) - DERIVED

    def chunks(self) -> Iterator[Chunk]:
        """Every entity, label by label in schema order, in id order within a label."""
        for label in SCHEMA.nodes:
            after = ""
            while True:
                page = self.graph.node_page(label, after, self.size)
                if not page.nodes:
                    break
                out: dict[str, list[Edge]] = defaultdict(list)
                for e in page.edges:
                    if e.type in self._rels:
                        out[e.source].append(e)
                nodes = {i: (label, exported_props(label, p)) for i, p in page.nodes.items()}
                ends = {i: (tl, _NO_PROPS) for i, tl in page.ends.items()}
                yield Chunk(nodes, out, ends)
                if len(page.nodes) < self.size:
                    break
                after = next(reversed(page.nodes))

    def lookup(self, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """``id → (label, properties)`` of the entities among ``ids`` (a gap's)."""
        return {
            i: (label, exported_props(label, props))
            for i, (label, props) in self.graph.nodes(ids).items()
        }


def streamed(record: RecordStore, number: int | None = None, size: int = CHUNK) -> Snapshot:
    """The store's latest version as a :class:`Snapshot` holding a :class:`StoreGraph`;
    an earlier ``number`` as :func:`~lianjian.record.snapshot.snapshot` reads it (whole).
    Errors as :func:`~lianjian.record.snapshot.held_sources`."""
    versions, number, held = held_sources(record, number)
    if number != versions[-1].version:
        return snapshot(record, number)
    graph, conflicts = record.graph()
    return Snapshot(
        StoreGraph(graph, size),
        versions[-1],
        list(held.values()),
        owners(record, held) if len(held) > 1 else {},  # one source holds everything
        conflicts,
    )
