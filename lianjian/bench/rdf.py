"""Benchmark: our streaming RDF writers against rdflib's ``Graph.serialize`` on the same triples.

    python -m lianjian.bench.rdf LEDGER [LEDGER …] [--formats nt,ttl,jsonld] [--no-rdflib]
        [--repeat 3] [--rdflib-max-triples 1000000]

Each measurement runs in a fresh child process that reads the graph model from a
pickle made once per ledger, so runs do not share memory. Reported per run:
triples, seconds, triples per second, the process's peak resident memory and
the peak above what the graph model alone holds (``VmHWM`` from ``/proc``, reset
after loading where the kernel allows). ``full`` is the whole command as a user
runs it: read the ledger's CSV files, then write the export; its peak is the
command's memory. rdflib gets at most about ``--rdflib-max-triples`` triples (it
holds ~1 KB a triple and its Turtle writer is slow), so the ratio compares triples
per second, which favours rdflib: its throughput falls as its graph grows.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lianjian.bench.measure import proc_status_mib as _status
from lianjian.bench.measure import reset_peak as _reset_peak

__all__ = ["bench", "measure"]


def measure(impl: str, fmt: str, source: str, out: str, limit: int | None = None) -> dict[str, Any]:
    """One run in this process: ``impl`` is ``ours``, ``rdflib`` (on about ``limit``
    triples at most) or ``full``; returns the figures."""
    from lianjian.export.rdf import RDFLIB_FORMATS, export_rdf, rdflib_graph

    t0 = time.perf_counter()
    if impl == "full":
        data = None
    else:
        with open(source, "rb") as fh:
            data = pickle.load(fh)
    gc.collect()
    reset = _reset_peak()
    base_rss = _status("VmRSS")
    t1 = time.perf_counter()
    result: dict[str, Any] = {"impl": impl, "format": fmt}
    if impl == "full":
        from lianjian.loaders.ledger import load_ledger

        data = load_ledger(Path(source))
        t_load = time.perf_counter()
        n = export_rdf(data, out, fmt)
        result["load_s"] = round(t_load - t1, 2)
        t1 = t_load
    elif impl == "ours":
        n = export_rdf(data, out, fmt)
    else:
        g = rdflib_graph(data, limit=limit)
        t_build = time.perf_counter()
        g.serialize(destination=out, format=RDFLIB_FORMATS[fmt], encoding="utf-8")
        n = len(g)
        result["build_s"] = round(t_build - t1, 2)
        result["serialize_s"] = round(time.perf_counter() - t_build, 2)
    seconds = time.perf_counter() - t1
    result.update(
        triples=n,
        seconds=round(seconds, 2),
        triples_per_s=round(n / seconds) if seconds else None,
        bytes=os.path.getsize(out),
        peak_rss_mib=round(_status("VmHWM")),
        model_rss_mib=round(base_rss),
        export_peak_mib=round(_status("VmHWM") - base_rss) if reset else None,
        setup_s=round(t1 - t0, 2),
    )
    return result


def bench(
    ledger: Path,
    formats: tuple[str, ...] = ("nt", "ttl"),
    impls: tuple[str, ...] = ("ours", "rdflib", "full"),
    timeout: float | None = None,
    repeat: int = 1,
    rdflib_max_triples: int | None = None,
) -> list[dict[str, Any]]:
    """Measure every implementation × format on ``ledger``; returns one dict per
    implementation and format.

    ``repeat``: runs of our writers (``ours``, ``full``), of which the median by time
    is kept, with ``runs`` and ``spread_s``; rdflib runs once (its runs are long).
    Cost: the ledger is parsed once (plus once per ``full`` run).
    """
    from lianjian.loaders.ledger import load_ledger

    results = []
    with tempfile.TemporaryDirectory(prefix="lianjian-bench-") as tmp:
        model = Path(tmp) / "model.pickle"
        data = load_ledger(ledger)
        stats = data.stats()
        with model.open("wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        del data
        for fmt in formats:
            for impl in impls:
                out = Path(tmp) / f"out.{impl}.{fmt}"
                source = str(ledger) if impl == "full" else str(model)
                cmd = [sys.executable, "-m", "lianjian.bench.rdf", "--child", impl, fmt, source]
                cmd += [str(out), str(rdflib_max_triples or 0)]
                runs = [_run(cmd, timeout) for _ in range(1 if impl == "rdflib" else repeat)]
                out.unlink(missing_ok=True)
                ok = sorted((r for r in runs if "error" not in r), key=lambda r: r["seconds"])
                r = ok[len(ok) // 2] if ok else runs[-1]
                if len(ok) > 1:
                    r["spread_s"] = round(ok[-1]["seconds"] - ok[0]["seconds"], 2)
                r.update(impl=impl, format=fmt, runs=len(ok), ledger=str(ledger))
                r["nodes"] = sum(stats.nodes.values())
                r["edges"] = sum(stats.relationships.values())
                results.append(r)
    return results


def _run(cmd: list[str], timeout: float | None) -> dict[str, Any]:
    """One child run: its JSON line, or ``{"error"}``."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout} s"}
    if proc.returncode:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or [f"rc {proc.returncode}"]
        return {"error": tail[0]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| ledger | nodes | edges | format | impl | triples | s | triples/s | peak RSS MiB | export peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "error" in r:
            rows.append(
                f"| {r['ledger']} | | | {r['format']} | {r['impl']} | error: {r['error']} |"
            )
            continue
        spread = f" ±{r['spread_s']}" if "spread_s" in r else ""
        rows.append(
            f"| {r['ledger']} | {r['nodes']} | {r['edges']} | {r['format']} | {r['impl']} | "
            f"{r['triples']} | {r['seconds']}{spread} | {r['triples_per_s']} | {r['peak_rss_mib']} | "
            f"{r['export_peak_mib']} |"
        )
    ours = {(r["ledger"], r["format"]): r for r in results if r.get("impl") == "ours"}
    for r in results:
        o = ours.get((r.get("ledger"), r.get("format")))
        if r.get("impl") == "rdflib" and o and "error" not in r and "error" not in o:
            ratio = o["triples_per_s"] / r["triples_per_s"]
            rows.append(f"\n{r['ledger']} {r['format']}: ours / rdflib throughput = {ratio:.1f}×")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m lianjian.bench.rdf", description=__doc__)
    p.add_argument("ledgers", nargs="*", type=Path)
    p.add_argument("--formats", default="nt,ttl")
    p.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline")
    p.add_argument("--timeout", type=float, default=None, help="seconds per run")
    p.add_argument("--repeat", type=int, default=3, help="runs of ours (the median is kept)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--child",
        nargs=5,
        metavar=("IMPL", "FORMAT", "SOURCE", "OUT", "LIMIT"),
        help=argparse.SUPPRESS,
    )
    p.add_argument(
        "--rdflib-max-triples",
        type=int,
        default=1_000_000,
        help="give rdflib about this many triples at most (0: all); default 1,000,000",
    )
    args = p.parse_args(argv)
    if args.child:
        impl, fmt, source, out, limit = args.child
        print(json.dumps(measure(impl, fmt, source, out, int(limit) or None)))
        return
    impls = ("ours", "full") if args.no_rdflib else ("ours", "rdflib", "full")
    results = []
    for ledger in args.ledgers:
        results += bench(
            ledger,
            tuple(args.formats.split(",")),
            impls,
            args.timeout,
            args.repeat,
            args.rdflib_max_triples,
        )
    print(json.dumps(results, indent=1) if args.json else _table(results))


if __name__ == "__main__":
    main()
