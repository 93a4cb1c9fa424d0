"""Choosing a backend by name: a plain name → class table with lazy imports.

>>> sorted(BACKENDS)
['embedded', 'neo4j']
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from lianjian.graph.neo4j.settings import Neo4jSettings
from lianjian.graph.store import GraphStore, Progress
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger

if TYPE_CHECKING:  # the class itself is imported by name, with the driver, when asked for
    from lianjian.graph.neo4j.store import Neo4jStore

__all__ = [
    "BACKENDS",
    "backend_class",
    "open_graph",
    "open_neo4j",
    "load_into_neo4j",
    "LedgerMismatch",
]

BACKENDS = {
    "embedded": "lianjian.graph.embedded.store:EmbeddedStore",
    "neo4j": "lianjian.graph.neo4j.store:Neo4jStore",
}


class LedgerMismatch(RuntimeError):
    """The Neo4j database holds a different ledger than the one asked about."""


def backend_class(name: str) -> type:
    try:
        module, _, cls = BACKENDS[name].partition(":")
    except KeyError:
        raise ValueError(
            f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}"
        ) from None
    return getattr(import_module(module), cls)


def open_neo4j(settings: Neo4jSettings | None = None) -> Neo4jStore:
    """The Neo4j store ``settings`` point at (``NEO4J_*`` when None), on a driver of its own
    (closed with the store)."""
    return backend_class("neo4j").from_settings(settings or Neo4jSettings.from_env())


def load_into_neo4j(
    store,
    ledger: Path,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    read_progress=None,
    with_names: bool = False,
):
    """Validate the ledger and write it to Neo4j, members by pseudonym unless
    ``with_names``; returns the validation report."""
    data = load_ledger(ledger, progress=read_progress)
    if replace:
        store.clear()
    store.write(
        data, progress=progress, fingerprint=ledger_fingerprint(ledger), with_names=with_names
    )
    return data.report


def open_graph(
    ledger: Path,
    backend: str = "embedded",
    *,
    use_cache: bool = True,
    settings=None,
    progress: Progress | None = None,
    with_names: bool = False,
) -> GraphStore:
    """A store holding the ledger's graph.

    Embedded: built from the ledger (or its cache). Neo4j: the configured database;
    if it is empty the ledger is loaded first (with names only ``with_names``), and if
    it holds another ledger :class:`LedgerMismatch` says how to replace it. A command
    asking for names refuses a database loaded without them; one that did not ask uses
    a database loaded with names (its outputs show pseudonyms) but its Cypher console
    refuses to run there (``names_allowed``).
    """
    cls = backend_class(backend)
    if backend == "embedded":
        return cls.from_ledger(ledger, use_cache=use_cache, progress=progress)
    store = open_neo4j(settings)
    store.names_allowed = with_names
    held = store.marker()
    if held == ledger_fingerprint(ledger) and (store.holds_names() or not with_names):
        return store
    if held is None and store.is_empty():
        load_into_neo4j(store, ledger, progress=progress, with_names=with_names)
        return store
    store.close()
    if held == ledger_fingerprint(ledger):
        raise LedgerMismatch(
            "the Neo4j database holds this ledger without member names; load it with "
            f"names: lianjian load {ledger} --backend neo4j --replace --with-names"
        )
    raise LedgerMismatch(
        "the Neo4j database holds another ledger (or an older version of this one); "
        f"load this one with: lianjian load {ledger} --backend neo4j --replace"
        + (" --with-names" if with_names else "")
    )
