"""A scale above the embedded store's reach (``--embedded-max``, default 10; README: the
embedded store is meant for one city, up to about scale 30 on 24 GB): the harness holds
nothing of the ledger there.

A stage that needs the parsed model parses it in its own forked child first, untimed
(:func:`lianjian.bench.measure.forked`'s ``setup``), so its time and its peak above the
model are the stage's own, as at the smaller scales. The query stages read the database
alone. Not run there: the embedded stages and the dashboard (embedded), the naive
baseline, and the store of record (a first version's rules run on an in-memory copy of
the ledger, an embedded graph: README). The ledger files → Neo4j stage
(:func:`files_to_neo4j`), run at every scale, is the command a user runs, in a process
of its own: its peak is the whole Neo4j path's Python memory.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lianjian.bench import baselines, stages, stores
from lianjian.bench.dashboard import lianjian_command
from lianjian.bench.measure import forked
from lianjian.loaders.ledger import load_ledger

__all__ = ["files_to_neo4j", "command_peak", "one_scale"]

BUSIEST = (
    "MATCH (c:Region {level: 'community'}) "
    "RETURN c.id AS id ORDER BY COUNT { (c)--() } DESC, c.id DESC LIMIT 1"
)  # the embedded harness's busiest community: most relationships, the last id on a tie


def files_to_neo4j(ledger: Path, settings: Any) -> stages.Stage:
    """``lianjian load LEDGER --neo4j --replace`` in a process of its own; its value
    holds the command's peak resident memory (``peak_mib``) and the nodes it wrote."""

    def run() -> dict[str, Any]:
        env = {**os.environ, "NEO4J_URI": settings.uri, "NEO4J_USER": settings.user,
               "NEO4J_PASSWORD": settings.password, "NEO4J_DATABASE": settings.database}  # fmt: skip
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                [*lianjian_command(), "load", str(ledger), "--neo4j", "--replace"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                tail = err.read().decode("utf-8", "replace").strip().splitlines()[-2:]
                raise RuntimeError(f"load exited {proc.returncode}: {' | '.join(tail)}")
        with stores.neo4j(settings) as s:
            nodes = sum(s.stats().nodes.values())
        return {"peak_mib": round(usage.ru_maxrss / 1024, 1), "nodes": nodes}

    return run


def command_peak(r: dict[str, Any]) -> dict[str, Any]:
    """A :func:`files_to_neo4j` result with the command's own peak as the stage's."""
    if isinstance(r.get("value"), dict) and "peak_mib" in r["value"]:
        r["peak_mib"] = r["value"]["peak_mib"]
    return r


def _size_and_busiest(settings: Any) -> dict[str, Any]:
    with stores.neo4j(settings) as s:
        counts = s.stats()
        rows, _, _ = s.driver.execute_query(BUSIEST, database_=s.database, routing_="r")
    return {
        "nodes": sum(counts.nodes.values()),
        "relationships": sum(counts.relationships.values()),
        "members": counts.nodes.get("Member", 0),
        "community": rows[0]["id"] if rows else None,
    }


def one_scale(
    out: dict[str, Any],
    ledger: Path,
    server: Any,
    timed: Callable[..., dict[str, Any]],
    admin: bool,
    n: int,
) -> None:
    """The stages of a scale above ``--embedded-max`` (see the module docstring)."""
    timed("parse", "embedded", stages.parse(ledger))
    out["not_run"] = "embedded stages, dashboard, naive baseline, store of record"
    if server is None:
        return
    settings = server.settings
    command_peak(timed("neo4j_from_files", "neo4j", files_to_neo4j(ledger, settings)))
    found = forked(lambda: _size_and_busiest(settings))
    if "error" in found:
        out["size"] = {"error": found["error"]}
        return
    size = dict(found["value"])
    community = size.pop("community")
    out["size"] = size
    ctx = stages.Ctx(ledger, None, None, community, settings)  # type: ignore[arg-type]
    out["neo4j_rss_mib"] = server.rss_mib()
    for name, fn in stages.neo4j_stages(ctx).items():
        timed(name, "neo4j_cold", fn, 1)
        timed(name, "neo4j", fn)
    out["neo4j_peak_mib"] = server.rss_mib("VmHWM")

    def with_model(make: Callable[[stages.Ctx], stages.Stage]) -> Callable[[], stages.Stage]:
        def setup() -> stages.Stage:  # in the child: the model parsed, untimed
            return make(stages.Ctx(ledger, load_ledger(ledger), None, community, settings))  # type: ignore[arg-type]

        return setup

    load = with_model(stages.neo4j_load)
    timed("neo4j_load", "neo4j", None, setup=stages.emptied(settings, load))
    if server.home:
        timed(
            "neo4j_bulk",
            "neo4j",
            None,
            setup=with_model(lambda c: stages.neo4j_bulk(c, server.home)),
        )
        server.restarted()
    if admin:
        r = forked(
            lambda: None,
            7200,
            with_model(lambda c: lambda: baselines.admin_import(c.data, server.jars)),
        )
        out["admin_import"] = r.get("value") if "value" in r else r
