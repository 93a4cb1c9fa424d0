"""What every graph backend offers: write a graph model once, then answer queries.

Backends are siblings (embedded NetworkX, Neo4j); the rest of the code holds a
:class:`GraphStore` and never asks which one it has.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from lianjian.core.model import GraphData, Stats

__all__ = ["GraphStore", "Progress"]

# progress(stage, done, total): called as a write advances, for a progress bar
Progress = Callable[[str, int, int], None]


@runtime_checkable
class GraphStore(Protocol):
    name: str

    def write(self, data: GraphData, progress: Progress | None = None) -> None:
        """Store the graph model (idempotent: writing the same model twice changes nothing)."""

    def stats(self) -> Stats:
        """Node counts per label and relationship counts per type."""

    def close(self) -> None: ...
