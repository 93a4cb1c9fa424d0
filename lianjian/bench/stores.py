"""How the benchmarks open a store, and the one place they reach inside one.

Timing a single gap rule, loading row by row and picking the Explorer's busiest
community need what the store interface does not offer (the embedded NetworkX graph,
the Neo4j driver); that access is kept to the few functions at the end of this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx

from lianjian.core.model import GraphData
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jSettings, Neo4jStore

__all__ = ["embedded", "held", "neo4j", "replace", "nx_graph", "read", "session"]


def embedded(data: GraphData) -> EmbeddedStore:
    """A fresh embedded store holding ``data``."""
    store = EmbeddedStore()
    store.write(data)
    return store


@contextmanager
def held(store: Any) -> Iterator[Any]:
    """A store already open, as a context manager that leaves it open."""
    yield store


@contextmanager
def neo4j(settings: Neo4jSettings | None = None) -> Iterator[Neo4jStore]:
    """The Neo4j store of ``settings`` (default: from ``NEO4J_*``), closed afterwards."""
    store = Neo4jStore.from_settings(settings or Neo4jSettings.from_env())
    try:
        yield store
    finally:
        store.close()


def replace(store: Any, data: GraphData) -> None:
    """Empty the store, then write ``data``."""
    store.clear()
    store.write(data)


# ---------------------------------------------------------------- inside the stores


def nx_graph(store: EmbeddedStore) -> nx.MultiDiGraph:
    """The embedded store's NetworkX graph."""
    return store.graph


def read(store: Neo4jStore, text: str, params: dict[str, Any]) -> Any:
    """One read query through the driver: the ``EagerResult`` (records and summary)."""
    return store.driver.execute_query(text, params, database_=store.database, routing_="r")


def session(store: Neo4jStore) -> Any:
    """A driver session on the store's database (a context manager)."""
    return store.driver.session(database=store.database)
