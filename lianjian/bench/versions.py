"""The store of record: a version load where 1% of the entities changed, against a full
load (the first version of the same ledger into an empty store), on each backend.

    lianjian bench versions [LEDGER | --generate jingzhou --scale 1] [--repeat 3] [--neo4j]

Both loads are :func:`lianjian.record.load.load_version` as ``lianjian load --source``
runs it: the diff, the staged graph, the twenty-one gap rules and the coverage rates on
it, the commit. The version runs alternate between the changed copy and the ledger
itself, a month apart, so each run is a 1% version on a store that already holds the
other. Each run is a forked child; its seconds are measured inside it, around the load
only (emptying Neo4j before a full load is not timed). Medians, spreads and the ratio
version ÷ full are reported; it is a benchmark, never a timed test.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lianjian.bench.measure import forked
from lianjian.core.model import GraphData
from lianjian.graph.embedded.persist import EmbeddedRecord
from lianjian.graph.neo4j.record import Neo4jRecord
from lianjian.graph.neo4j.store import Neo4jSettings, Neo4jStore
from lianjian.record.load import load_version

__all__ = ["changed_copy", "bench", "SHARE"]

SHARE = 0.01  # the share of entities a version changes
SOURCE = "bench"


def changed_copy(data: GraphData, share: float = SHARE) -> tuple[GraphData, int]:
    """A copy of ``data`` where ``share`` of its entities, spread evenly over the ids of
    those with a name, have another name; and how many."""
    named = sorted(i for i, (_, p) in data.nodes.items() if p.get("name"))
    n = max(1, round(share * len(data.nodes)))
    step = max(1, len(named) // n)
    picked = set(named[::step][:n])
    nodes = {
        i: (label, {**p, "name": p["name"] + "（改）"}) if i in picked else (label, p)
        for i, (label, p) in data.nodes.items()
    }
    return GraphData(nodes, data.edges, data.report, data.fingerprint + "-changed"), len(picked)


def _month(n: int) -> str:
    return f"{2026 + n // 12}-{n % 12 + 1:02d}-28"


def _open(backend: str, where: Any):
    return EmbeddedRecord.open(where, create=True) if backend == "embedded" else (
        Neo4jRecord.open(where)
    )  # fmt: skip


def _load(record, data: GraphData, as_of: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    done = load_version(record, SOURCE, as_of, data)
    seconds = time.perf_counter() - t0
    d = done.diff
    return {"seconds": seconds, "version": done.version.version if done.version else None,
            "added": len(d.added), "removed": len(d.removed), "changed": len(d.changed)}  # fmt: skip


def _empty(backend: str, where: Any, run: int) -> Any:
    """An empty store for a full load: a new folder, or the database emptied."""
    if backend == "embedded":
        return where / f"full-{run}"
    store = Neo4jStore.from_settings(where)
    try:
        store.clear()
    finally:
        store.close()
    return where


def _runs(fn, n: int) -> dict[str, Any]:
    runs = [forked(fn, timeout=3600) for _ in range(max(1, n))]
    ok = [r["value"] for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[-1]["error"]}
    secs = [r["seconds"] for r in ok]
    return {
        "median_s": round(statistics.median(secs), 3),
        "spread_s": round(max(secs) - min(secs), 3),
        "runs": len(ok),
        "peak_mib": max((r.get("peak_mib") or 0) for r in runs if "error" not in r),
        "value": {k: v for k, v in ok[-1].items() if k != "seconds"},
    }


def one_backend(backend: str, data: GraphData, changed: GraphData, n: int, where: Any) -> dict:
    """The full and the version loads on ``backend`` (``where``: a folder, or the
    Neo4j settings), and their ratio."""
    full_run = [0]

    def full():
        record = _open(backend, _empty(backend, where, full_run[0]))
        try:
            return _load(record, data, _month(0))
        finally:
            record.close()

    out: dict[str, Any] = {}
    fulls = []
    for k in range(max(1, n)):  # one child per run; the folder named by the run
        full_run[0] = k
        fulls.append(_runs(full, 1))
    ok = [r for r in fulls if "error" not in r]
    if not ok:
        return {"full": fulls[-1]}
    secs = [r["median_s"] for r in ok]
    out["full"] = {**ok[-1], "median_s": round(statistics.median(secs), 3),
                   "spread_s": round(max(secs) - min(secs), 3), "runs": len(ok)}  # fmt: skip
    target = where / "full-0" if backend == "embedded" else where

    def version():
        record = _open(backend, target)
        try:  # the store holds one of the two: load the other, a month later
            count = len(record.versions())
            return _load(record, changed if count % 2 else data, _month(count))
        finally:
            record.close()

    out["version"] = _runs(version, n)
    if "error" not in out["version"]:
        out["ratio"] = round(out["version"]["median_s"] / out["full"]["median_s"], 3)
    return out


def bench(
    data: GraphData,
    repeat: int = 3,
    settings: Neo4jSettings | None = None,
    say: Callable[[str], None] = lambda s: None,
) -> dict[str, Any]:
    """The version load against the full load, embedded and (with ``settings``) on Neo4j;
    ``say`` hears each backend's figures as they come."""
    changed, count = changed_copy(data)
    size = data.stats()
    result: dict[str, Any] = {
        "entities": sum(size.nodes.values()),
        "links": sum(size.relationships.values()),
        "changed_entities": count,
    }
    folder = Path(tempfile.mkdtemp(prefix="lianjian-bench-record-"))
    try:
        result["embedded"] = _with_load(one_backend, "embedded", data, changed, repeat, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    say(f"embedded: {json.dumps(result['embedded'])}")
    if settings is not None:
        result["neo4j"] = _with_load(one_backend, "neo4j", data, changed, repeat, settings)
        say(f"neo4j: {json.dumps(result['neo4j'])}")
    return result


def _with_load(fn, *args) -> dict[str, Any]:
    """``fn(*args)`` and the machine's load average (1 minute) before and after it: on a
    shared machine the figures mean little without it."""
    before = os.getloadavg()[0]
    out = fn(*args)
    return {**out, "load_average": [round(before, 2), round(os.getloadavg()[0], 2)]}
