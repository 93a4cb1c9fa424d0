"""Pairing proposals (:func:`lianjian.queries.pairing.propose.propose`) as CSV and as tables."""

from __future__ import annotations

from typing import Any

from lianjian.present.formats import csv_records
from lianjian.present.table import Block, Column, Table, columns, more

__all__ = ["pair_csv", "pair_blocks", "CSV_HEAD"]

CSV_HEAD = ["section", "kind", "weak", "weak_name", "strong", "strong_name", "ids", "cost"]
CSV_HEAD += ["reason_zh", "reason_en"]


def pair_csv(result: Any) -> str:
    """One CSV for all three parts: ``section`` is proposal, unmatched or audit."""
    names = result.names
    rows: list[dict[str, Any]] = [
        {
            "section": "proposal",
            "weak": p.weak,
            "weak_name": names.get(p.weak, ""),
            "strong": p.strong,
            "strong_name": names.get(p.strong, ""),
            "cost": p.cost,
            "reason_zh": p.reason_zh,
            "reason_en": p.reason_en,
        }
        for p in result.proposals
    ]
    rows += [
        {"section": "unmatched", "weak": u, "weak_name": names.get(u, "")} for u in result.unmatched
    ]
    rows += [
        {
            "section": "audit",
            "kind": a.kind,
            "ids": ";".join(a.ids),
            "reason_zh": a.reason_zh,
            "reason_en": a.reason_en,
        }
        for a in result.audit
    ]
    return csv_records(CSV_HEAD, rows)


def pair_blocks(result: Any, limit: int) -> list[Block]:
    """The summary, the first ``limit`` proposals, the unmatched and the audit."""
    names = result.names
    s = Table(
        f"以强带弱结对 Strong leads weak (as of {result['as_of']})",
        [Column("项目 Item"), Column("数量 Value", justify="right")],
    )
    s.add("后进党组织 Weak organisations", str(len(result.weak)))
    s.add("可带领的党组织 Possible leaders", str(len(result.strong)))
    s.add("建议结对 Proposals", str(len(result.proposals)))
    s.add("无法结对 Unmatched", str(len(result.unmatched)))
    s.add("审计发现 Audit findings", str(len(result.audit)))
    s.add("总成本 Total cost (optimal)", f"{result.total_cost:.2f}")
    s.add("贪心基线 Greedy baseline", f"{result.greedy_cost:.2f} ({result.greedy_pairs} pairs)")
    blocks: list[Block] = [s]
    if limit <= 0:
        return blocks
    t = Table(
        "建议结对 Proposals",
        columns("后进 Weak", "带领 Leader", "成本 Cost", "理由 Reason", overflow="fold"),
    )
    for p in result.proposals[:limit]:
        t.add(
            f"{names.get(p.weak, '')} ({p.weak})",
            f"{names.get(p.strong, '')} ({p.strong})",
            f"{p.cost:.2f}",
            f"{p.reason_zh}\n{p.reason_en}",
        )
    blocks += [t, *more(len(result.proposals), limit)]
    if result.unmatched:
        shown = [f"{names.get(u, '')} ({u})" for u in result.unmatched[:limit]]
        blocks.append("无法结对 Unmatched (no leader has room): " + "、".join(shown))
        blocks += more(len(result.unmatched), limit)
    a = Table(
        "现有结对审计 Audit of existing pairings",
        columns("类型 Kind", "编号 IDs", "原因 Reason", overflow="fold"),
    )
    for item in result.audit[:limit]:
        a.add(item.kind, "、".join(item.ids), f"{item.reason_zh}\n{item.reason_en}")
    blocks += [a, *more(len(result.audit), limit)]
    return blocks
