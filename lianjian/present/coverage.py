"""Coverage rates (:func:`lianjian.queries.coverage.rates.coverage` rows) as CSV and as a table."""

from __future__ import annotations

import math
from typing import Any

from lianjian.present.formats import csv_text
from lianjian.present.table import Column, Table
from lianjian.queries.coverage.rates import METRICS

__all__ = ["coverage_csv", "coverage_table", "rate_floor", "LEVEL_ZH"]

LEVEL_ZH = {"district": "区县", "street": "街道", "community": "社区"}


def coverage_csv(rows: list[dict[str, Any]]) -> str:
    """One row per region: level, id, name, parent, then covered/total/rate per metric."""
    head = ["level", "id", "name", "parent", "parent_name"]
    for m in METRICS:
        head += [f"{m}_covered", f"{m}_total", f"{m}_rate"]
    out = []
    for r in rows:
        cells = [r["level"], r["id"], r["name"], r["parent"], r["parent_name"]]
        for m in METRICS:
            v = r["metrics"][m]
            cells += [v["covered"], v["total"], v["rate"]]
        out.append(cells)
    return csv_text(head, out)


def coverage_table(rows: list[dict[str, Any]], level: str) -> Table:
    """Each region's rate and counts per metric (``—`` where nothing is counted)."""
    caption = "; ".join(f"{m['short']}: {m['zh']} {m['en']}" for m in METRICS.values())
    t = Table(
        f"覆盖率 Coverage by {level} ({LEVEL_ZH[level]})",
        [Column(f"{LEVEL_ZH[level]} {level.capitalize()}")]
        + [Column(m["short"].replace(" ", "\n", 1), justify="right") for m in METRICS.values()],
        caption=caption,
    )
    for r in rows:
        label = f"{r['name']} ({r['id']})" if r["id"] else r["name"]
        cells = []
        for m in METRICS:
            v = r["metrics"][m]
            rate = "—" if v["rate"] is None else f"{v['rate']:.0%}"
            cells.append(f"{rate} {v['covered']}/{v['total']}")
        t.add(label, *cells)
    return t


def rate_floor(rates) -> float:
    """Where a rate axis starts: a little below the lowest rate, in steps of 10 %, so that
    95 % and 98 % differ visibly (the dashboard's charts and the report's) (0 when some rate is below 30 %).

    >>> rate_floor([0.8, 1.0]), rate_floor([0.25]), rate_floor([])
    (0.7, 0.0, 0.0)
    """
    known = [r for r in rates if r is not None and r == r]
    lowest = min(known, default=0.0)
    return 0.0 if lowest < 0.3 else math.floor(lowest * 10 - 0.5) / 10
