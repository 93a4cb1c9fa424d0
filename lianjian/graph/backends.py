"""Choosing a backend by name (a plain name → class table with lazy imports), and
opening a ledger's graph on it with the balance of the ledger's report
(:func:`open_ledger`): from the ledger, from the embedded cache or from the Neo4j
ledger marker, so a command says what was lost however the graph was found.

>>> sorted(BACKENDS)
['embedded', 'neo4j']
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lianjian.core.balance import Balance
from lianjian.graph.neo4j.bulk import bulk_load
from lianjian.graph.neo4j.settings import Neo4jSettings
from lianjian.graph.neo4j.streamed import StreamedRows
from lianjian.graph.store import GraphStore, Progress
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.stream import NotStreamable, stream_ledger

if TYPE_CHECKING:  # the class itself is imported by name, with the driver, when asked for
    from lianjian.graph.neo4j.store import Neo4jStore

__all__ = [
    "BACKENDS",
    "backend_class",
    "open_graph",
    "open_ledger",
    "Opened",
    "open_neo4j",
    "open_record",
    "load_into_neo4j",
    "bulk_into_neo4j",
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


Check = Callable[[Balance], None]  # raises (e.g. RefusedLedger) when the ledger must not be used


class Opened(NamedTuple):
    """A store holding a ledger's graph, and the balance of that ledger's report."""

    store: GraphStore
    balance: Balance


def load_into_neo4j(
    store,
    ledger: Path,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    read_progress=None,
    check: Check | None = None,
    with_names: bool = False,
    stream: bool = False,
    folder: Path | None = None,
    whole: Callable[[str], None] | None = None,
):
    """Validate the ledger and write it to Neo4j with its balance, members by pseudonym
    unless ``with_names``; returns the report.

    ``check`` sees the balance before anything is written: when it raises, the database
    is left as it was (not even cleared with ``replace``).

    ``stream``: without the ledger's model, read, checked and resolved in chunks of rows
    against an index on disk in ``folder`` (:mod:`lianjian.loaders.stream`), then written
    from it a batch at a time; the same report and the same database. A ledger using what
    the streaming load does not handle yet is loaded whole, after ``whole`` is told why
    (nothing is written by then).
    """
    streamed = None
    if stream:
        try:
            streamed = stream_ledger(ledger, progress=read_progress, folder=folder)
        except NotStreamable as e:
            if whole is not None:
                whole(str(e))
    with streamed or nullcontext():
        if streamed is not None:
            report, graph = streamed.report, StreamedRows(streamed)
        else:
            graph = load_ledger(ledger, progress=read_progress)
            report = graph.report
        balance = Balance.from_report(report)
        if check is not None:
            check(balance)
        if replace:
            store.clear()
        store.write(graph, progress, ledger_fingerprint(ledger), with_names)
        store.set_ledger_balance(balance.to_dict())
    return report


def bulk_into_neo4j(
    store,
    ledger: Path,
    settings: Neo4jSettings,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    read_progress=None,
    check: Check | None = None,
    with_names: bool = False,
):
    """:func:`load_into_neo4j` through Neo4j's offline importer, into the project's own
    server (:mod:`lianjian.graph.neo4j.bulk`); returns the report and a store open on the
    loaded database (``store`` is closed)."""
    data = load_ledger(ledger, progress=read_progress)
    balance = Balance.from_report(data.report)
    if check is not None:
        check(balance)
    fingerprint = ledger_fingerprint(ledger)
    fresh = bulk_load(store, data, settings, replace, with_names, fingerprint, progress)
    fresh.set_ledger_balance(balance.to_dict())
    return data.report, fresh


def open_ledger(
    ledger: Path,
    backend: str = "embedded",
    *,
    use_cache: bool = True,
    settings=None,
    progress: Progress | None = None,
    read_progress=None,
    check: Check | None = None,
    with_names: bool = False,
) -> Opened:
    """A store holding the ledger's graph, with the balance of the ledger's report.

    Embedded: built from the ledger, or from its cache, which keeps the whole report
    beside the graph. Neo4j: the configured database; if it is empty the ledger is
    loaded first (with names only ``with_names``; its balance kept in the ledger
    marker), and if it holds another ledger :class:`LedgerMismatch` says how to replace
    it. A command asking for names refuses a database loaded without them; one that did
    not ask uses a database loaded with names (its outputs show pseudonyms) but its
    Cypher console refuses to run there (``names_allowed``). A database loaded before
    the marker kept a balance has it read from the ledger again (same fingerprint,
    same report) and kept. ``check`` sees the balance before the store is returned,
    and before anything is written to Neo4j; when it raises, the store is closed.
    """
    cls = backend_class(backend)
    if backend == "embedded":
        store = cls.from_ledger(
            ledger, use_cache=use_cache, progress=progress, read_progress=read_progress
        )
        balance = Balance.from_report(store.report)
        if check is not None:
            check(balance)  # nothing to close: the graph lives in this process
        return Opened(store, balance)
    store = open_neo4j(settings)
    store.names_allowed = with_names
    try:
        held = store.marker()
        if held is None and store.is_empty():  # the check runs before the ledger is written
            report = load_into_neo4j(
                store,
                ledger,
                progress=progress,
                read_progress=read_progress,
                check=check,
                with_names=with_names,
            )
            return Opened(store, Balance.from_report(report))
        if held != ledger_fingerprint(ledger):
            raise LedgerMismatch(
                "the Neo4j database holds another ledger (or an older version of this one); "
                f"load this one with: lianjian load {ledger} --backend neo4j --replace"
                + (" --with-names" if with_names else "")
            )
        if with_names and not store.holds_names():
            raise LedgerMismatch(
                "the Neo4j database holds this ledger without member names; load it with "
                f"names: lianjian load {ledger} --backend neo4j --replace --with-names"
            )
        balance = Balance.from_dict(store.ledger_balance())
        if balance is None:
            balance = Balance.from_report(load_ledger(ledger).report)
            store.set_ledger_balance(balance.to_dict())
        if check is not None:
            check(balance)
    except BaseException:
        store.close()
        raise
    return Opened(store, balance)


def open_record(
    directory: Path | None,
    backend: str = "embedded",
    create: bool = False,
    settings: Neo4jSettings | None = None,
    uri: str | None = None,
    database: str | None = None,
):
    """The store of record (docs/store.md): embedded, in ``directory`` (the default folder
    when None); Neo4j, the database ``settings`` point at (``NEO4J_*`` when None, with
    ``uri`` and ``database`` instead of theirs when given)."""
    # by name, as the backends above: opening a store of record loads NetworkX or the driver
    if backend == "neo4j":
        chosen = settings or Neo4jSettings.from_env(uri=uri, database=database)
        return import_module("lianjian.graph.neo4j.record").Neo4jRecord.open(chosen)
    backend_class(backend)  # an unknown backend is refused by name
    return import_module("lianjian.graph.embedded.persist").EmbeddedRecord.open(directory, create)


def open_graph(ledger: Path, backend: str = "embedded", **options) -> GraphStore:
    """The store of :func:`open_ledger` (the same options), without the balance."""
    return open_ledger(ledger, backend, **options).store
