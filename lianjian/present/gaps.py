"""Coverage-gap findings (:class:`~lianjian.queries.gaps.find.GapResult`) as CSV, as
tables, and as the rows the dashboard shows; the fix rendered per language.

Members in a fix are shown as ``name_of(member id)``: a pseudonym by default, a name
only where the user asked for names (``--with-names``, the dashboard's names flag).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from lianjian.core.privacy import member_label, pseudonym
from lianjian.present.formats import csv_text
from lianjian.present.table import Block, Column, Table, columns, more
from lianjian.queries.catalogue import RULES
from lianjian.queries.gaps.find import Fix, GapResult

__all__ = ["fix_text", "member_ids", "namer", "gaps_csv", "gaps_blocks", "item_rows", "CSV_HEAD"]

NameOf = Callable[[str], str]
CSV_HEAD = ["as_of", "rule", "rule_zh", "rule_en", "id", "name", "street", "street_name"]
CSV_HEAD += ["reason_zh", "reason_en", "fix"]


def fix_text(fix: Fix | None, lang: str | None = None, name_of: NameOf = pseudonym) -> str:
    """The fix in ``lang`` (``zh`` or ``en``), or both as ``中文 / English`` when None;
    empty when there is none."""
    if fix is None:
        return ""
    return fix.joined(name_of) if lang is None else fix.text(lang, name_of)


def member_ids(result: GapResult) -> set[str]:
    """Every member id a fix of ``result`` names or an item is (to look their names up)."""
    named = {m for items in result.rules.values() for i in items if i.fix for m in i.fix.members}
    return named | {i.id for items in result.rules.values() for i in items if i.member}


def gaps_csv(result: GapResult, name_of: NameOf = pseudonym) -> str:
    """One row per flagged entity, every rule: the columns of :data:`CSV_HEAD`."""
    day = result.as_of.isoformat()
    rows = (
        [day, rid, RULES[rid].title_zh, RULES[rid].title_en, *i.shown(name_of)]
        + [i.street, i.street_name]
        + [i.reason_zh, i.reason_en, fix_text(i.fix, None, name_of)]
        for rid, items in result.rules.items()
        for i in items
    )
    return csv_text(CSV_HEAD, rows)


def gaps_blocks(result: GapResult, limit: int, name_of: NameOf = pseudonym) -> list[Block]:
    """A summary per rule, counts per street, and the first ``limit`` items of each rule."""
    day = result.as_of.isoformat()
    number = {rid: n for n, rid in enumerate(result.rules, 1)}
    t = Table(
        f"覆盖空白 Coverage gaps (as of {day})",
        [
            Column("#", justify="right"),
            Column("规则 Rule", no_wrap=True),
            Column("名称 Title"),
            Column("数量 Count", justify="right"),
        ],
    )
    for rid, items in result.rules.items():
        r = RULES[rid]
        t.add(str(number[rid]), rid, f"{r.title_zh}\n{r.title_en}", str(len(items)))
    blocks: list[Block] = [t]

    shown = [rid for rid, items in result.rules.items() if items]
    streets = result.by_street()
    if streets:
        s = Table(
            "按街道 By street",
            [
                Column("街道 Street"),
                Column("合计 Total", justify="right"),
                Column("各规则数量 Count per rule (#: N)"),
            ],
        )
        for row in streets:
            name = row["street_name"] or "未定位 unplaced"
            label = f"{name} ({row['street']})" if row["street"] else name
            counts = row["counts"]
            per_rule = "  ".join(f"#{number[rid]}: {counts[rid]}" for rid in shown if counts[rid])
            s.add(label, str(sum(counts.values())), per_rule)
        blocks.append(s)

    if limit <= 0:
        return blocks
    for rid in shown:
        items = result.rules[rid]
        r = RULES[rid]
        d = Table(
            f"#{number[rid]} {r.title_zh} {r.title_en}",
            columns(
                "编号 ID", "名称 Name", "街道 Street", "原因 Reason", "建议 Fix", overflow="fold"
            ),
        )
        for i in items[:limit]:
            shown_id, shown_name = i.shown(name_of)
            d.add(
                shown_id,
                shown_name,
                i.street_name or "",
                i.reason_zh,
                fix_text(i.fix, None, name_of),
            )
        blocks.append(d)
        blocks += more(len(items), limit)
    return blocks


def item_rows(
    result: GapResult, allowed: Collection[str] | None = None, name_of: NameOf = pseudonym
) -> dict[str, list[dict[str, Any]]]:
    """Each rule's items within ``allowed`` (all when None) as dicts: ``to_dict()`` (its
    ``fix`` is ``中文 / English`` with pseudonyms, as exports take it) and ``fix_zh``,
    ``fix_en``: the fix in each language with members shown as ``name_of`` says."""
    out: dict[str, list[dict[str, Any]]] = {}
    for rid, items in result.rules.items():
        out[rid] = [
            {
                **i.to_dict(),
                "fix_zh": fix_text(i.fix, "zh", name_of),
                "fix_en": fix_text(i.fix, "en", name_of),
            }
            for i in items
            if allowed is None or i.id in allowed
        ]
    return out


def namer(store: Any, members: Collection[str], with_names: bool) -> NameOf:
    """How a fix shows members: pseudonyms, or (``with_names``) the names ``store`` holds
    for ``members`` (a member without a name keeps its pseudonym)."""
    if not with_names or not members:
        return pseudonym
    names = {m: props.get("name") for m, (_, props) in store.nodes(members).items()}
    return lambda m: member_label(m, names.get(m), True)
