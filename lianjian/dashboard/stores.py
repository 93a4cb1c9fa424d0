"""Where the dashboard's graph comes from: a ledger read for this run of the app (the
one-shot behaviour, :func:`open_store`), or the store of record (docs/store.md,
:func:`open_on_record`): the union of every source's latest version, with the record
the Progress page and the Overview's changes read.

Each is opened once per process (``st.cache_resource``). A store of record's key names
its latest version (:func:`record_stamp`: the record file's time for the embedded
store, the latest version number on Neo4j), so a version loaded while the dashboard
runs is shown on the next page run, with every cached result computed again.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, NamedTuple

import streamlit as st

from lianjian.core.balance import Balance
from lianjian.dashboard.opening import Opening
from lianjian.graph.backends import Opened, open_ledger, open_record
from lianjian.graph.embedded.persist import RECORD
from lianjian.graph.versions import Conflict

__all__ = ["open_store", "open_on_record", "record_stamp", "OnRecord"]


class OnRecord(NamedTuple):
    """The store of record, the graph of its sources' union, and their conflicts."""

    record: Any  # a lianjian.graph.versions.RecordStore
    store: Any
    conflicts: list[Conflict]


@st.cache_resource(show_spinner=False)
def _opened_box(key: str, ledger: str, backend: str, strict: bool, with_names: bool) -> dict:
    """Where the open store of a ledger is kept (one per process, shared by sessions), with
    the lock that makes a second session wait for the first one's opening."""
    return {"lock": threading.Lock()}


def open_store(
    key: str,
    ledger: str,
    backend: str,
    strict: bool,
    with_names: bool = False,
    opening: Opening | None = None,
) -> Opened:
    """The store and the ledger's balance, opened once per process; a ledger that cannot
    be used raises :class:`RefusedLedger` and is not kept (the next run tries again).

    The first opening draws its progress (``opening``): it runs outside Streamlit's
    cached function, whose replay cannot hold elements drawn into the page."""
    box = _opened_box(key, ledger, backend, strict, with_names)
    with box["lock"]:
        if "opened" not in box:
            see = f"see `lianjian validate {ledger}`"
            box["opened"] = open_ledger(
                Path(ledger),
                backend,
                check=lambda b: b.check(strict, see),
                with_names=with_names,
                progress=opening.write if opening else None,
                read_progress=opening.read if opening else None,
            )
        return box["opened"]


@st.cache_resource(show_spinner=False)
def _neo4j_record():
    """The Neo4j store of record (its driver shared by every version's graph)."""
    return open_record(None, "neo4j")


def record_stamp(backend: str, folder: Path | None) -> str:
    """What changes when a version is recorded: the embedded record file's modification
    time, or the latest version number on Neo4j ("" when there is no record yet)."""
    if backend == "neo4j":
        return str(max((s.version for s in _neo4j_record().sources().values()), default=0))
    try:
        return str((Path(folder or "") / RECORD).stat().st_mtime_ns)
    except OSError:
        return ""


@st.cache_resource(show_spinner=False, max_entries=2)
def open_on_record(key: str, backend: str, folder: str | None) -> OnRecord:
    """The store of record (embedded in ``folder``, or the configured Neo4j database) as
    of the version ``key`` names; ``ValueError`` for none, or one holding no source."""
    record = _neo4j_record() if backend == "neo4j" else open_record(Path(folder or ""), backend)
    store, conflicts = record.graph()
    return OnRecord(record, store, conflicts)


CLEAN = Balance()  # a store of record: every ledger was checked when it was loaded
