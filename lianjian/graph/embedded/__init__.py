"""The embedded backend: a NetworkX multigraph in the process (:mod:`.store`, built
compactly by :mod:`.compact`, cached by :mod:`.cache`) and the read view its queries run
over (:mod:`.view`)."""

from lianjian.graph.embedded.store import EmbeddedStore, cache_dir
from lianjian.graph.embedded.view import View

__all__ = ["EmbeddedStore", "View", "cache_dir"]
