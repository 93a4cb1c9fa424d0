"""Matching proposals (:func:`lianjian.queries.matching.match.match`) as CSV and as tables."""

from __future__ import annotations

from typing import Any

from lianjian.present.formats import csv_records
from lianjian.present.table import Block, Column, Table, columns, more

__all__ = ["match_csv", "match_blocks", "services_csv", "services_blocks", "CSV_HEAD"]

CSV_HEAD = ["section", "need", "need_name", "resource", "resource_name", "member", "units"]
CSV_HEAD += ["cost", "kind", "reason_zh", "reason_en"]


def match_csv(result: Any) -> str:
    """One CSV for both parts: ``section`` is proposal or unmatched."""
    names = result.names
    rows: list[dict[str, Any]] = []
    for p in result.proposals:
        row = {"section": "proposal", "need": p.need, "need_name": names.get(p.need, "")}
        row[p.kind] = p.provider
        if p.kind == "resource":
            row["resource_name"] = names.get(p.provider, "")
        row.update(units=p.units, cost=p.cost, reason_zh=p.reason_zh, reason_en=p.reason_en)
        rows.append(row)
    rows += [
        {
            "section": "unmatched",
            "need": u.need,
            "need_name": names.get(u.need, ""),
            "units": u.units,
            "kind": u.kind,
            "reason_zh": u.reason_zh,
            "reason_en": u.reason_en,
        }
        for u in result.unmatched
    ]
    return csv_records(CSV_HEAD, rows)


def match_blocks(result: Any, limit: int) -> list[Block]:
    """The summary with both objectives, the first ``limit`` proposals, the unmatched."""
    names = result.names
    s = Table(
        f"需求匹配 Matching needs (as of {result.as_of.isoformat()})",
        [Column("项目 Item"), Column("数量 Value", justify="right")],
    )
    s.add("待认领需求 Open needs", str(result.needs))
    s.add("需求数量 Units asked for", str(result.units))
    s.add("建议匹配 Proposals", str(len(result.proposals)))
    s.add("已匹配数量 Units matched (optimal)", str(result.matched_optimal))
    s.add("贪心基线匹配 Units matched (greedy)", str(result.matched_greedy))
    s.add("目标值 Objective (optimal)", f"{result.optimal:.2f}")
    s.add("贪心基线 Objective (greedy)", f"{result.greedy:.2f}")
    blocks: list[Block] = [s]
    if limit <= 0:
        return blocks
    t = Table(
        "建议匹配 Proposals",
        columns(
            "需求 Need",
            "服务方 Provider",
            "数量 Units",
            "成本 Cost",
            "理由 Reason",
            overflow="fold",
        ),
    )
    for p in result.proposals[:limit]:
        who = f"{names.get(p.provider, '')} ({p.provider})" if p.kind == "resource" else p.provider
        t.add(
            f"{names.get(p.need, '')} ({p.need})",
            who,
            str(p.units),
            f"{p.cost:.2f}",
            f"{p.reason_zh}\n{p.reason_en}",
        )
    blocks += [t, *more(len(result.proposals), limit)]
    if result.unmatched:
        u = Table(
            "未匹配需求 Unmatched needs",
            columns("需求 Need", "数量 Units", "原因 Reason", overflow="fold"),
        )
        for x in result.unmatched[:limit]:
            u.add(
                f"{names.get(x.need, '')} ({x.need})", str(x.units), f"{x.reason_zh}\n{x.reason_en}"
            )
        blocks += [u, *more(len(result.unmatched), limit)]
    return blocks


def services_csv(totals: list[Any], by: str) -> str:
    """One row per member (pseudonym) or unit: services, hours, categories."""
    return csv_records([by, "services", "hours", "categories"], [t.to_dict(by) for t in totals])


def services_blocks(totals: list[Any], by: str, names: dict[str, str], limit: int) -> list[Block]:
    """The totals as a table, the first ``limit`` rows (most hours first)."""
    head = "党员 Member" if by == "member" else "单位 Unit"
    t = Table(
        f"服务记录汇总 Service records per {by}",
        columns(head, "次数 Services", "时长 Hours", "类别数 Categories"),
    )
    for x in totals[:limit]:
        if by == "member":
            who = x.key
        else:
            who = f"{names.get(x.key, '')} ({x.key})" if x.key else "无工作单位 No work unit"
        t.add(who, str(x.services), f"{x.hours:g}", str(x.categories))
    return [t, *more(len(totals), limit)]
