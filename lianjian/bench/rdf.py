"""Benchmark: our streaming RDF writers against rdflib's ``Graph.serialize`` on the same triples.

    lianjian bench rdf LEDGER [LEDGER …] [--formats nt,ttl,jsonld] [--no-rdflib]
        [--repeat 3] [--rdflib-max-triples 1000000] [--timeout S] [--json]

Each measurement runs in a fresh child process (``python -m lianjian.bench.rdf``
with the run's arguments) that reads the graph model from a pickle made once per
ledger, so runs do not share memory. Reported per run: triples, seconds, triples per
second, the process's peak resident memory and the peak above what the graph model
alone holds (``VmHWM`` from ``/proc``, reset after loading where the kernel allows).
``full`` is the whole command as a user runs it: read the ledger's CSV files, then
write the export; its peak is the command's memory. rdflib gets at most about
``--rdflib-max-triples`` triples (it holds ~1 KB a triple and its Turtle writer is
slow), so the ratio compares triples per second, which favours rdflib: its
throughput falls as its graph grows.

The baseline itself is here too: :func:`rdflib_graph` builds the export's triples as
an rdflib ``Graph`` (terms with the same lexical forms as our writers), and
:func:`rdflib_export` serialises it.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from lianjian.bench.measure import Peak, median_run
from lianjian.core.model import GraphData
from lianjian.export.rdf import DEFAULT_BASE, export_rdf, namespaces
from lianjian.export.terms import _lexical, check_base
from lianjian.export.triples import Triples
from lianjian.loaders.ledger import load_ledger

__all__ = [
    "RDFLIB_FORMATS",
    "RDFLIB_MAX_TRIPLES",
    "bench",
    "measure",
    "rdflib_export",
    "rdflib_graph",
    "table",
]

RDFLIB_FORMATS = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld"}
RDFLIB_MAX_TRIPLES = 1_000_000
XSD = "http://www.w3.org/2001/XMLSchema#"


# ---------------------------------------------------------------- the rdflib baseline


class _RdflibTerms:
    """Terms as rdflib objects, with the same lexical forms as the text writers."""

    def __init__(self, ns: dict[str, str], rdflib: Any) -> None:
        self.ns, self.URIRef, self.Literal = ns, rdflib.URIRef, rdflib.Literal
        self.type = rdflib.RDF.type
        self._xsd: dict[str, Any] = {}

    def name(self, prefix: str, local: str):
        return self.URIRef(self.ns[prefix] + local)

    subject = name

    def iri(self, iri: str):
        return self.URIRef(iri)

    klass = predicate = iri

    def string(self, text: str):
        return self.Literal(text)

    def lang(self, text: str, tag: str):
        return self.Literal(text, lang=tag)

    def typed(self, lexical: str, datatype: str):
        dt = self._xsd.get(datatype)
        if dt is None:
            dt = self._xsd[datatype] = self.URIRef(XSD + datatype)
        return self.Literal(lexical, datatype=dt)

    def literal(self, value: Any):
        if type(value) is str:
            return self.Literal(value)
        lexical, datatype = _lexical(value)
        return self.typed(lexical, datatype) if datatype != "string" else self.Literal(lexical)


def rdflib_graph(
    data: GraphData,
    *,
    base: str = DEFAULT_BASE,
    with_names: bool = False,
    gaps: dict[str, Any] | None = None,
    limit: int | None = None,
):
    """The export's triples in an rdflib ``Graph`` (prefixes bound).

    Cost: every triple held as rdflib objects in memory (roughly 1 KB a triple).
    ``limit``: stop after the entity that brings the count to at least this many
    triples (rdflib's throughput is measured on such a prefix where the whole would
    not fit).
    """
    # deferred: the child runs of our own writers report the whole process's peak
    # memory, which must not include rdflib
    import rdflib

    ns = namespaces(check_base(base))
    g = rdflib.Graph()
    for prefix, iri in ns.items():
        g.bind(prefix, iri, override=True, replace=True)
    add = g.add
    n = 0
    terms = _RdflibTerms(ns, rdflib)
    for s, po in Triples(data, terms, base=base, with_names=with_names, gaps=gaps):
        for p, o in po:
            add((s, p, o))
        n += len(po)
        if limit is not None and n >= limit:
            break
    return g


def rdflib_export(
    data: GraphData,
    out: str | os.PathLike | IO[str],
    fmt: str = "ttl",
    *,
    base: str = DEFAULT_BASE,
    with_names: bool = False,
) -> int:
    """The same triples serialised by rdflib's ``Graph.serialize``; returns the count."""
    g = rdflib_graph(data, base=base, with_names=with_names)
    text = g.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
    if isinstance(out, (str, os.PathLike)):
        Path(out).write_bytes(text)
    else:
        out.write(text.decode("utf-8") if isinstance(out, io.TextIOBase) else text)
    return len(g)


# ---------------------------------------------------------------- the benchmark


def measure(impl: str, fmt: str, source: str, out: str, limit: int | None = None) -> dict[str, Any]:
    """One run in this process: ``impl`` is ``ours``, ``rdflib`` (on about ``limit``
    triples at most) or ``full``; returns the figures."""
    t0 = time.perf_counter()
    if impl == "full":
        data = None
    else:
        with open(source, "rb") as fh:
            data = pickle.load(fh)
    peak = Peak()
    t1 = time.perf_counter()
    result: dict[str, Any] = {"impl": impl, "format": fmt}
    if impl == "full":
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
    above = peak.above_mib()
    result.update(
        triples=n,
        seconds=round(seconds, 2),
        triples_per_s=round(n / seconds) if seconds else None,
        bytes=os.path.getsize(out),
        peak_rss_mib=round(peak.hwm_mib()),
        model_rss_mib=round(peak.base_mib),
        export_peak_mib=None if above is None else round(above),
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
                cmd = [sys.executable, "-m", "lianjian.bench.rdf", impl, fmt, source]
                cmd += [str(out), str(rdflib_max_triples or 0)]
                runs = [_run(cmd, timeout) for _ in range(1 if impl == "rdflib" else repeat)]
                out.unlink(missing_ok=True)
                r = median_run(runs)
                r.update(impl=impl, format=fmt, ledger=str(ledger))
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


def table(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table, then ours ÷ rdflib throughput per ledger and format."""
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


if __name__ == "__main__":  # one child run of bench(): IMPL FORMAT SOURCE OUT LIMIT
    impl, fmt, source, out, limit = sys.argv[1:6]
    print(json.dumps(measure(impl, fmt, source, out, int(limit) or None)))
