"""The harness's result as a Markdown table: medians per stage and scale, peak memory,
the growth exponent, and the baselines as ratios to ours.

The growth exponent of a stage is the slope of log(time) against log(graph size,
nodes + relationships) over the scales run: 1 is linear, 2 quadratic.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

__all__ = ["exponent", "markdown", "ratios", "update_readme", "BEGIN", "END", "SERVER_MEMORY"]

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LABELS = {
    "parse": "parse + validate 解析校验",
    "build_csv": "embedded build from CSV 内嵌图构建",
    "build_cache": "embedded build from cache 缓存加载",
    "neo4j_from_files": "ledger files → Neo4j, the command (its whole peak) 台账入库",
    "neo4j_load": "Neo4j load 写入",
    "neo4j_bulk": "Neo4j bulk load (--bulk) 离线导入",
    "gaps": "all gap rules 覆盖空白",
    "coverage": "coverage rates 覆盖率",
    "pairing": "pairing 以强带弱",
    "pairing_plan": "pairing plan only 结对求解",
    "matching": "matching 需求匹配",
    "matching_plan": "matching plan only 匹配求解",
    "explorer": "Explorer subgraph 子图",
    "rdf_nt": "RDF N-Triples",
    "rdf_ttl": "RDF Turtle",
    "record_full": "store of record: full load 首个版本",
    "record_version": "store of record: 1% changed 版本加载",
}


def exponent(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log y on log x; None with fewer than two usable points, or
    sizes less than 1.5× apart."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    if max(x for x, _ in pts) - min(x for x, _ in pts) < math.log(1.5):
        return None  # sizes too close to say (rdflib's capped triples): a slope of noise
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if sxx == 0:
        return None
    return round(sum((x - mx) * (y - my) for x, y in pts) / sxx, 2)


def _triples(stage: str, r: dict[str, Any]) -> int | None:
    """The triples an RDF stage wrote (its value), else None."""
    value = r.get("value")
    return value if stage.startswith("rdf_") and isinstance(value, int) else None


SERVER_MEMORY = {
    "neo4j_rss_mib": "Neo4j server resident after the load (MiB)",
    "neo4j_peak_mib": "Neo4j server peak resident, load and queries (MiB)",
}


def _mib(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f}"


def _cell(stage: str, r: dict[str, Any] | None) -> str:
    if not r:
        return "–"
    if "error" in r:
        return "error"
    s = f"{r['median_s']:.3g} s"
    if r.get("runs", 1) > 1:
        s += f" ±{r['spread_s']:.2g}"
    if r.get("peak_mib") is not None:
        s += f" · {r['peak_mib']:.0f} MiB"
    n = _triples(stage, r)
    if n:
        s += f" · {n / 1e6:.3g} M triples"
    return s


def ratios(scale: dict[str, Any]) -> dict[str, float | None]:
    """Baseline time ÷ ours at one scale (above 1: ours is faster)."""
    st = scale.get("stages", {})
    out: dict[str, float | None] = {}

    def med(stage: str, backend: str) -> float | None:
        r = st.get(stage, {}).get(backend)
        return r.get("median_s") if r and "error" not in r else None

    def rate(stage: str, backend: str) -> float | None:
        """Triples per second of an RDF stage (its value is the number written)."""
        r = st.get(stage, {}).get(backend)
        if not r or "error" in r or not r.get("median_s") or not r.get("value"):
            return None
        return r["value"] / r["median_s"]

    load = med("neo4j_load", "neo4j")
    rows = scale.get("size", {})
    n = rows.get("nodes", 0) + rows.get("relationships", 0)
    naive = scale.get("naive_load")
    if load and naive and n:
        out["naive_per_row_vs_batched"] = round(naive["per_row_ms"] / (1000 * load / n), 1)
    admin = scale.get("admin_import")
    bulk = med("neo4j_bulk", "neo4j")
    if admin and "seconds" in admin:
        for key, ours in (("batched_vs_admin_import", load), ("bulk_vs_admin_import", bulk)):
            if ours:
                out[key] = round(ours / admin["seconds"], 2)
    for fmt in ("nt", "ttl"):  # by throughput: rdflib may have had fewer triples
        ours, lib = rate(f"rdf_{fmt}", "embedded"), rate(f"rdf_{fmt}", "rdflib")
        if ours and lib:
            out[f"rdflib_{fmt}_vs_ours"] = round(ours / lib, 1)
    for backend in ("embedded", "neo4j"):  # above 3: a version costs under a third
        full, version = med("record_full", backend), med("record_version", backend)
        if full and version:
            out[f"full_load_vs_version_{backend}"] = round(full / version, 2)
    plan = st.get("pairing_plan", {})
    if "optimal" in plan and "greedy" in plan and "error" not in plan["optimal"]:
        o, g = plan["optimal"]["value"], plan["greedy"]["value"]
        out["greedy_cost_vs_optimal"] = round(g["cost"] / o["cost"], 4) if o["cost"] else None
    plan = st.get("matching_plan", {})
    if "optimal" in plan and "greedy" in plan and "error" not in plan["optimal"]:
        o, g = plan["optimal"]["value"], plan["greedy"]["value"]
        ratio = round(g["objective"] / o["objective"], 6) if o["objective"] else None
        out["greedy_matching_objective_vs_optimal"] = ratio
    return out


def markdown(result: dict[str, Any]) -> str:
    """The whole result as Markdown: machine, one table of stages × scales, baselines."""
    m = result["machine"]
    scales = list(result["scales"])
    lines = [
        f"Benchmark of {result['started']} on {m['cores']} cores, {m['memory_gib']} GiB "
        f"({m['cpu']}, Python {m['python']}); profile {result['profile']}, seed "
        f"{result['seed']}, median of {result['repeat']} runs ± spread (one run above scale 1) · peak memory above "
        "the harness's own. RDF growth is per triple written; rdflib gets at most "
        f"about {result.get('rdflib_max_triples') or 0:,} triples, so its ratio compares "
        "triples per second."
        + (f" The gap rules: {result['rules']}." if result.get("rules") else ""),
        "",
        "| scale | " + " | ".join(scales) + " |",
        "|---|" + "---|" * len(scales),
    ]
    for key in ("members", "nodes", "relationships"):
        row = [f"{result['scales'][s].get('size', {}).get(key, 0):,}" for s in scales]
        lines.append(f"| {key} | " + " | ".join(row) + " |")
    loads = [result["scales"][s].get("load_average") for s in scales]
    if any(loads):
        row = [" → ".join(f"{x:g}" for x in v) if v else "–" for v in loads]
        lines.append("| load average, start → end | " + " | ".join(row) + " |")
    for key, what in SERVER_MEMORY.items():
        row = [_mib(result["scales"][s].get(key)) for s in scales]
        if any(c != "–" for c in row):
            lines.append(f"| {what} | " + " | ".join(row) + " |")
    lines += [
        "",
        "| stage | backend | " + " | ".join(scales) + " | growth |",
        "|---|---|" + "---|" * len(scales) + "---|",
    ]
    seen: list[tuple[str, str]] = []
    for s in scales:
        for stage, by in result["scales"][s].get("stages", {}).items():
            for backend in by:
                if (stage, backend) not in seen:
                    seen.append((stage, backend))
    for stage, backend in seen:
        cells, pts = [], []
        for s in scales:
            sc = result["scales"][s]
            r = sc.get("stages", {}).get(stage, {}).get(backend)
            cells.append(_cell(stage, r))
            if r and "error" not in r:
                size = sc.get("size", {})
                # RDF grows with the triples written (rdflib's are capped), the rest with the graph
                x = _triples(stage, r) or size.get("nodes", 0) + size.get("relationships", 0)
                pts.append((x, r["median_s"]))
        k = exponent(pts)
        lines.append(
            f"| {LABELS.get(stage, stage)} | {backend} | "
            + " | ".join(cells)
            + f" | {'' if k is None else k} |"
        )
    lines += _dashboard_rows(result, scales)
    lines += [
        "",
        "| baseline ÷ ours | " + " | ".join(scales) + " |",
        "|---|" + "---|" * len(scales),
    ]
    all_ratios = {s: ratios(result["scales"][s]) for s in scales}
    for key in (
        "naive_per_row_vs_batched",
        "batched_vs_admin_import",
        "bulk_vs_admin_import",
        "rdflib_nt_vs_ours",
        "rdflib_ttl_vs_ours",
        "greedy_cost_vs_optimal",
        "full_load_vs_version_embedded",
        "full_load_vs_version_neo4j",
    ):
        row = [str(all_ratios[s].get(key, "–")) for s in scales]
        if any(c != "–" for c in row):
            lines.append(f"| {key} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


DASHBOARD = {  # (start, figure) → the row's label
    ("no_cache", "kpi_s"): "dashboard: start → first figure, no cache (server peak) 看板冷启动",
    ("cache", "kpi_s"): "dashboard: start → first figure, cache (server peak) 看板启动（缓存）",
    ("cache", "explorer_s"): "dashboard: Explorer opened → drawn (server peak) 子图绘制",
}


def _dashboard_rows(result: dict[str, Any], scales: list[str]) -> list[str]:
    """The dashboard's starts in Chromium (:mod:`lianjian.bench.dashboard`), with the
    server's peak memory; none where no scale ran them."""
    runs = [result["scales"][s].get("dashboard") or {} for s in scales]
    if not any("cache" in r for r in runs):
        return []
    out = []
    for (start, figure), label in DASHBOARD.items():
        cells = []
        for r in runs:
            one = r.get(start) or {}
            v = one.get(figure)
            cells.append("–" if v is None else f"{v:.3g} s · {one['server_peak_mib']:.0f} MiB")
        out.append(f"| {label} | embedded | " + " | ".join(cells) + " | |")
    return out


def update_readme(readme: Path, table: str) -> None:
    """Replace what lies between the bench markers in ``readme`` with ``table``."""
    text = readme.read_text("utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{readme.name} has no {BEGIN} … {END} markers")
    new = re.sub(
        re.escape(BEGIN) + ".*?" + re.escape(END), BEGIN + "\n" + table + END, text, flags=re.S
    )
    readme.write_text(new, "utf-8")
