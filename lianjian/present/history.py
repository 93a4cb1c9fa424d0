"""The store of record's history as tables and CSV: the versions (``lianjian history``),
the changes between two versions (``lianjian changes``) and the coverage trend
(``lianjian coverage --trend``), from the dicts of :mod:`lianjian.record.history`."""

from __future__ import annotations

from typing import Any

from lianjian.present.coverage import LEVEL_ZH
from lianjian.present.formats import csv_text
from lianjian.present.table import Block, Column, Table
from lianjian.queries.coverage.rates import METRICS

__all__ = ["conflict_lines", "history_table", "changes_blocks", "trend_table", "trend_csv"]


def conflict_lines(conflicts, shown: int = 10) -> list[str]:
    """A warning line per conflict between sources (the union keeps the first's), at
    most ``shown``, then how many more."""
    lines = [
        f"warning: conflict: {c.id} of source {c.other} has the name and place of "
        f"{c.same_as} of source {c.kept}: both kept, not merged"
        if c.same_as
        else f"warning: conflict: {c.id} differs between sources {c.kept} (kept) and {c.other}"
        for c in conflicts[:shown]
    ]
    if len(conflicts) > shown:
        lines.append(f"warning: and {len(conflicts) - shown} more conflicts between sources")
    return lines


def history_table(result: dict[str, Any]) -> Table:
    """One row per version: number, source, as-of date, when loaded, entity counts."""
    t = Table(
        "版本 Versions",
        [Column("版本\nNo.", justify="right"), Column("来源\nSource"),
         Column("截至\nAs of", no_wrap=True), Column("加载 UTC\nLoaded at", no_wrap=True),
         Column("新增\nAdded", justify="right"), Column("删除\nRemoved", justify="right"),
         Column("变更\nChanged", justify="right")],
    )  # fmt: skip
    for v in result["versions"]:
        loaded = v["loaded_at"].replace("T", " ")[:16]
        t.add(v["version"], v["source"], v["as_of"], loaded, v["added"], v["removed"],
              v["changed"])  # fmt: skip
    return t


def changes_blocks(result: dict[str, Any], limit: int = 20) -> list[Block]:
    """A heading line, the entities added/removed/changed, the gaps opened, closed
    (销号) and still open (oldest first); at most ``limit`` rows per table."""
    ent, gaps = result["entities"], result["gaps"]
    blocks: list[Block] = [
        f"版本 {result['from']} → {result['to']}: 新增 added {len(ent['added'])}, "
        f"删除 removed {len(ent['removed'])}, 变更 changed {len(ent['changed'])}; "
        f"空白 gaps opened {len(gaps['opened'])}, closed 销号 {len(gaps['closed'])}, "
        f"open {len(gaps['open'])}"
    ]
    t = Table(
        "实体变化 Entities", [Column("变化 Change"), Column("编号 Id"), Column("属性 Properties")]
    )
    rows = [("added", i, "") for i in ent["added"]] + [("removed", i, "") for i in ent["removed"]]
    rows += [("changed", c["id"], ", ".join(c["properties"])) for c in ent["changed"]]
    for row in rows[:limit]:
        t.add(*row)
    blocks.append(t)
    g = Table("空白 Gaps", [Column("状态 State"), Column("规则 Rule"), Column("编号 Id"),
                            Column("自 Since", no_wrap=True), Column("月 Months", justify="right")])  # fmt: skip
    for state in ("opened", "closed"):
        for item in gaps[state][:limit]:
            g.add(state, item["rule"], item["id"], "", "")
    for item in gaps["open"][:limit]:
        g.add("open", item["rule"], item["id"], item["since"], item["age_months"])
    blocks.append(g)
    return blocks


def _rate(v: dict[str, Any]) -> str:
    return "—" if v["rate"] is None else f"{v['rate']:.0%} {v['covered']}/{v['total']}"


def trend_table(result: dict[str, Any]) -> Table:
    """Per version and region: each metric's rate and counts."""
    level = result["level"]
    t = Table(
        f"覆盖率趋势 Coverage trend by {level} ({LEVEL_ZH[level]})",
        [Column("版本 截至\nVersion", no_wrap=True),
         Column(f"{LEVEL_ZH[level]} {level.capitalize()}", no_wrap=True)]
        + [Column(m["short"].replace(" ", "\n", 1), justify="right") for m in METRICS.values()],
    )  # fmt: skip
    for r in result["trend"]:
        label = f"{r['name']}\n({r['id']})" if r["id"] else r["name"]
        cells = (_rate(r["metrics"][m]) for m in METRICS)
        t.add(f"{r['version']}\n{r['as_of']}", label, *cells)
    return t


def trend_csv(result: dict[str, Any]) -> str:
    """One row per version and region: covered/total/rate per metric."""
    head = ["version", "as_of", "level", "id", "name"]
    for m in METRICS:
        head += [f"{m}_covered", f"{m}_total", f"{m}_rate"]
    rows = []
    for r in result["trend"]:
        cells = [r["version"], r["as_of"], result["level"], r["id"], r["name"]]
        for m in METRICS:
            v = r["metrics"][m]
            cells += [v["covered"], v["total"], v["rate"]]
        rows.append(cells)
    return csv_text(head, rows)
