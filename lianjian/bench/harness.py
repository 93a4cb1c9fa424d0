"""The benchmark harness: generate jingzhou ledgers at several scales and time every
stage on each backend, with the baselines measured in the same run.

    lianjian bench --scales 0.1,1,10 --repeat 3 [--out artefacts/bench] [--readme]
    lianjian bench --scales 0.1,1 --no-neo4j        (or python -m lianjian.bench …)

Per scale: ledger parse and validation; embedded build from CSV and from the cache;
the dashboard's cold start in Chromium, without the cache and with it, to the first
figure and the Explorer's drawing (:mod:`lianjian.bench.dashboard`; ``--no-dashboard``);
all gap rules, coverage rates, pairing, matching (需求匹配), the Explorer's subgraph (depth 2 around the
busiest community) and RDF export (N-Triples, Turtle) on the embedded store; the Neo4j
load (``CREATE`` into the emptied database) and the same queries on Neo4j (the first,
cold run apart), then the bulk load (``load --bulk``: CSV files, the server stopped,
``neo4j-admin`` import, started again; not with ``--external``); the store of record's
full load and a version where 1% of the entities changed (:mod:`lianjian.bench.versions`),
on both. Each run is a forked
child (:mod:`lianjian.bench.measure`): the median and spread of seconds and the peak
memory above the parent's. Baselines: one auto-commit ``MERGE`` per row; Neo4j's own
``neo4j-admin database import full``; rdflib's ``serialize`` (on at most
``--rdflib-max-triples`` of the triples: compared by triples per second, which
favours rdflib, whose throughput falls as its graph grows); greedy pairing and greedy
matching.
Scales above 1 run each stage once: a run there takes minutes. Scales above
``--embedded-max`` run the Neo4j stages only, the harness holding no ledger
(:mod:`lianjian.bench.large`); the ledger files → Neo4j stage, the load command in a
process of its own, runs at every scale.

Neo4j is the project's own server started in a temporary folder for the run (so no
database of yours is emptied), or with ``--external`` the one ``NEO4J_URI`` names,
which is emptied. Writes ``bench-<time>.json`` and ``.md`` under ``--out``;
``--readme`` puts the table into README.md between the bench markers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lianjian.bench import baselines, dashboard, large, matching, stages, stores, versions
from lianjian.bench.measure import median_run, proc_status_mib, repeat
from lianjian.bench.rdf import RDFLIB_MAX_TRIPLES
from lianjian.bench.report import markdown, update_readme
from lianjian.generator.generate import generate
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j import server as srv
from lianjian.graph.neo4j.store import Neo4jSettings
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.catalogue import RULES

__all__ = ["run_bench", "machine", "run", "render", "OUT", "PROFILES", "RESULTS", "ROOT"]

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "artefacts" / "bench"
RESULTS = ROOT / "benchmarks" / "results"  # the runs the README's table is rendered from
EMBEDDED_MAX = 10.0  # above it, Neo4j only and the harness holds no ledger (bench/large.py)
PROFILES = ("jingzhou", "nanqiao", "shuangtaizi")


def machine() -> dict[str, Any]:
    """Cores, memory, CPU and Python of the machine the run is on."""
    mem = 0.0
    cpu = platform.processor()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024**2
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": platform.system(),
    }


class _Server:
    """The Neo4j the run uses: a private one in a temporary home, or ``NEO4J_URI``."""

    def __init__(self, external: bool, say: Callable[[str], None]) -> None:
        self.home: Path | None = None
        self.jars = Path(os.environ.get("LIANJIAN_NEO4J_HOME", ROOT / ".neo4j"))
        if external:
            self.settings = Neo4jSettings.from_env()
            self.pid = None
            return
        srv.fetch(self.jars)
        self.home = Path(tempfile.mkdtemp(prefix="lianjian-bench-neo4j-"))
        (self.home / "lib").symlink_to(self.jars / "lib")
        say("starting a private Neo4j for the run …")
        info = srv.start(self.home)
        self.pid = info.pid
        self.settings = Neo4jSettings(info.uri, info.user, info.password, "neo4j")

    def restarted(self) -> None:
        """Note the server's new process after a stage restarted it (the bulk load)."""
        info = srv.status(self.home) if self.home else None
        self.pid = info.pid if info else self.pid

    def rss_mib(self, field: str = "VmRSS") -> float | None:
        """The server process's resident memory now (``VmHWM``: its peak so far), MiB."""
        return round(proc_status_mib(field, self.pid), 1) if self.pid else None

    def close(self) -> None:
        if self.home:
            srv.stop(self.home)
            shutil.rmtree(self.home, ignore_errors=True)


def run_bench(
    scales: list[float],
    *,
    repeats: int = 3,
    profile: str = "jingzhou",
    seed: int = 0,
    neo4j: bool = True,
    external: bool = False,
    rdflib_max_triples: int | None = RDFLIB_MAX_TRIPLES,
    naive_rows: int = 2000,
    admin: bool = True,
    browser: bool = True,
    embedded_max: float = EMBEDDED_MAX,
    say: Callable[[str], None] = lambda s: None,
    partial: Path | None = None,
) -> dict[str, Any]:
    """Run every stage at every scale; returns the whole result (what the JSON file holds).

    ``partial``: a file rewritten after each scale, so a long run that is stopped keeps
    what it measured."""
    result: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "profile": profile,
        "seed": seed,
        "repeat": repeats,
        "rdflib_max_triples": rdflib_max_triples,
        "rules": len(RULES),
        "embedded_max": embedded_max,
        "scales": {},
    }
    server = _Server(external, say) if neo4j else None
    naive_scale = min(scales, key=lambda s: abs(s - 1))
    try:
        for scale in scales:
            with tempfile.TemporaryDirectory(prefix="lianjian-bench-") as tmp:
                ledger, cache = Path(tmp) / "ledger", Path(tmp) / "cache"
                say(f"[{scale:g}] generating {profile} …")
                t0 = time.perf_counter()
                counts = generate(ledger, profile=profile, scale=scale, seed=seed)
                out: dict[str, Any] = {"generate_s": round(time.perf_counter() - t0, 2)}
                out["rows"] = counts
                result["scales"][f"{scale:g}"] = out
                _one_scale(
                    out,
                    ledger,
                    cache,
                    scale,
                    repeats,
                    server,
                    say,
                    rdflib_max_triples,
                    naive_rows if scale == naive_scale else 0,
                    admin,
                    browser,
                    embedded_max,
                )
                out["load_average"].append(round(os.getloadavg()[0], 2))
            if partial:
                partial.write_text(json.dumps(result, indent=1), "utf-8")
    finally:
        if server:
            server.close()
    result["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return result


def _one_scale(
    out: dict[str, Any],
    ledger: Path,
    cache: Path,
    scale: float,
    n: int,
    server: _Server | None,
    say: Callable[[str], None],
    rdflib_max_triples: int | None,
    naive_rows: int,
    admin: bool,
    browser: bool = True,
    embedded_max: float = EMBEDDED_MAX,
) -> None:
    st: dict[str, dict[str, Any]] = {}
    out["stages"] = st
    out["load_average"] = [round(os.getloadavg()[0], 2)]  # and at the end: how busy it was
    n = n if scale <= 1 else 1  # a run at scale 10 takes minutes; its noise is small
    out["repeat"] = n

    def timed(stage: str, backend: str, fn, runs: int = n, setup=None) -> dict[str, Any]:
        say(f"[{scale:g}] {stage} ({backend}) × {runs} …")
        st.setdefault(stage, {})[backend] = r = repeat(fn, runs, timeout=7200, setup=setup)
        if "error" in r:
            say(f"[{scale:g}] {stage} ({backend}) failed: {r['error']}")
        return r

    if scale > embedded_max:  # the harness holds nothing of the ledger
        large.one_scale(out, ledger, server, timed, admin, n)
        return
    timed("parse", "embedded", stages.parse(ledger))
    timed("build_csv", "embedded", stages.embedded_build(ledger, cache, from_cache=False))
    os.environ["LIANJIAN_CACHE_DIR"] = str(cache / "warm")
    store = EmbeddedStore.from_ledger(ledger)  # also warms the cache for the next stage
    timed("build_cache", "embedded", stages.embedded_build(ledger, cache / "warm", from_cache=True))
    data = load_ledger(ledger)
    size = data.stats()
    out["size"] = {
        "nodes": sum(size.nodes.values()),
        "relationships": sum(size.relationships.values()),
        "members": size.nodes.get("Member", 0),
    }
    ctx = stages.Ctx(ledger, data, store, stages.busiest_community(store))
    for name, fn in stages.embedded_stages(ctx).items():
        timed(name, "embedded", fn)
    if browser:
        say(f"[{scale:g}] dashboard: cold start and the Explorer, in Chromium …")
        out["dashboard"] = dashboard.cold_start(ledger, ctx.community)
        if "error" in out["dashboard"]:
            say(f"[{scale:g}] dashboard: {out['dashboard']['error']}")
    for fmt in ("nt", "ttl"):
        fn = stages.rdf_export(data, fmt, rdflib=True, limit=rdflib_max_triples)
        timed(f"rdf_{fmt}", "rdflib", fn, 1)
    for name, fn in stages.pairing_plans(store).items():
        timed("pairing_plan", name, fn)
    for name, fn in matching.plan_stages(store).items():
        timed("matching_plan", name, fn)
    changed, _ = versions.changed_copy(data)
    say(f"[{scale:g}] store of record: full load and 1% versions (embedded) × {n} …")
    with tempfile.TemporaryDirectory(prefix="lianjian-bench-record-") as folder:
        _record(st, "embedded", versions.one_backend("embedded", data, changed, n, Path(folder)))
    if server is None:
        return
    ctx.settings = server.settings
    large.command_peak(
        timed("neo4j_from_files", "neo4j", large.files_to_neo4j(ledger, server.settings))
    )
    timed(
        "neo4j_load",
        "neo4j",
        None,
        setup=stages.emptied(ctx.settings, lambda: stages.neo4j_load(ctx)),
    )
    out["neo4j_rss_mib"] = server.rss_mib()
    for name, fn in stages.neo4j_stages(ctx).items():
        timed(name, "neo4j_cold", fn, 1)
        timed(name, "neo4j", fn)
    out["neo4j_peak_mib"] = server.rss_mib("VmHWM")  # the process started with the run
    if server.home:  # the bulk path needs the server's folder: not on --external
        timed("neo4j_bulk", "neo4j", stages.neo4j_bulk(ctx, server.home))
        server.restarted()
    if naive_rows:
        say(f"[{scale:g}] naive per-row loader on {naive_rows} nodes …")
        with stores.neo4j(server.settings) as s:
            out["naive_load"] = baselines.naive_load(s, data, naive_rows)
    if admin:
        say(f"[{scale:g}] neo4j-admin database import full …")
        out["admin_import"] = median_run(
            [baselines.admin_import(data, server.jars) for _ in range(n)]
        )
    say(f"[{scale:g}] store of record: full load and 1% versions (neo4j) × {n} …")
    _record(st, "neo4j", versions.one_backend("neo4j", data, changed, n, server.settings))


def _record(st: dict[str, dict[str, Any]], backend: str, r: dict[str, Any]) -> None:
    """The store of record's two loads as two stages of the table."""
    st.setdefault("record_full", {})[backend] = r["full"]
    st.setdefault("record_version", {})[backend] = r.get("version", {"error": "no full load"})


def run(
    scales: list[float],
    *,
    out: Path = OUT,
    readme: bool = False,
    say: Callable[[str], None] = lambda s: None,
    **options: Any,
) -> str:
    """:func:`run_bench` (``options`` are its own), then write ``bench-<time>.json`` and
    ``.md`` under ``out`` and, with ``readme``, the JSON under ``benchmarks/results/`` and
    the table rendered from it into README.md; returns the table."""
    out.mkdir(parents=True, exist_ok=True)
    result = run_bench(sorted(scales), say=say, partial=out / "bench-partial.json", **options)
    stamp = result["started"].replace(":", "").replace("-", "")[:15]
    text = json.dumps(result, indent=1)
    (out / f"bench-{stamp}.json").write_text(text, "utf-8")
    table = markdown(result)
    (out / f"bench-{stamp}.md").write_text(table, "utf-8")
    if readme:
        RESULTS.mkdir(parents=True, exist_ok=True)
        kept = RESULTS / f"bench-{stamp}.json"
        kept.write_text(text, "utf-8")
        return render(kept, readme=True)
    return table


def render(path: Path, *, readme: bool = False) -> str:
    """The table of the result in ``path`` (a ``bench-<time>.json``); with ``readme`` put
    into README.md with the line naming the file it was rendered from."""
    try:
        result = json.loads(Path(path).read_text("utf-8"))
        table = markdown(result)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{Path(path).name}: not a benchmark result ({e})") from None
    if readme:
        where = Path(path).resolve()
        shown = where.relative_to(ROOT).as_posix() if where.is_relative_to(ROOT) else where.name
        table += f"\nRendered from `{shown}`.\n"
        update_readme(ROOT / "README.md", table)
    return table
