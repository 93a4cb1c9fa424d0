"""The embedded backend: a NetworkX ``MultiDiGraph`` in the process, no server needed.

Nodes carry ``label`` and their properties; edges carry ``type`` and theirs, keyed
``TYPE:key`` so parallel edges of different types or link kinds stay apart.
A pickle cache keyed by the ledger's content fingerprint lets a second start on
an unchanged ledger skip parsing.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from pathlib import Path

import networkx as nx

from lianjian.graph.model import GraphData, Stats
from lianjian.graph.store import Progress
from lianjian.loaders.report import Report

__all__ = ["EmbeddedStore", "cache_dir"]


def cache_dir() -> Path:
    """Where cached graphs live: ``$LIANJIAN_CACHE_DIR`` or the user's cache folder."""
    env = os.environ.get("LIANJIAN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lianjian"


class EmbeddedStore:
    """A graph held in memory as a NetworkX multigraph."""

    name = "embedded"

    def __init__(self, graph: nx.MultiDiGraph | None = None, report: Report | None = None) -> None:
        self.graph = graph if graph is not None else nx.MultiDiGraph()
        self.report = report or Report()
        self.from_cache = False

    def write(self, data: GraphData, progress: Progress | None = None) -> None:
        g = self.graph
        total = len(data.nodes) + len(data.edges)
        g.add_nodes_from(
            (node_id, {"label": label, **props}) for node_id, (label, props) in data.nodes.items()
        )
        if progress:
            progress("nodes", len(data.nodes), total)
        g.add_edges_from(
            (e.source, e.target, f"{e.type}:{e.key}", {"type": e.type, "key": e.key, **e.props})
            for e in data.edges
        )
        if progress:
            progress("relationships", total, total)
        self.report = data.report

    def stats(self) -> Stats:
        nodes = Counter(label for _, label in self.graph.nodes(data="label"))
        rels = Counter(t for _, _, t in self.graph.edges(data="type"))
        return Stats(dict(sorted(nodes.items())), dict(sorted(rels.items())))

    def close(self) -> None:
        pass

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
        """Build the graph of the ledger at ``path``, from the cache when it is unchanged."""
        from lianjian.loaders.fingerprint import ledger_fingerprint
        from lianjian.loaders.ledger import load_ledger

        fingerprint = ledger_fingerprint(path)
        cached = cache_dir() / f"{fingerprint}.pickle"
        if use_cache and cached.is_file():
            try:
                with cached.open("rb") as fh:
                    graph, report = pickle.load(fh)
                store = cls(graph, report)
                store.from_cache = True
                return store
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
                pass  # a damaged cache is rebuilt
        data = load_ledger(path, progress=read_progress)
        store = cls()
        store.write(data, progress)
        if use_cache:
            store._save(cached)
        return store

    def _save(self, target: Path) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(target.parent, 0o700)  # the graph holds personal data
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((self.graph, self.report), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except OSError:
            pass  # no cache is only slower
