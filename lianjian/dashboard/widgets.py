"""Helpers the pages share: gap findings and pairings for the current scope and date,
entity counts, CSV bytes for downloads (:mod:`lianjian.present`).

Everything here reads the cached results in :mod:`lianjian.dashboard.state`, so
switching pages or languages never runs a rule twice.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from lianjian.core.privacy import pseudonym
from lianjian.dashboard import state
from lianjian.dashboard.display import node_name
from lianjian.dashboard.state import Ctx
from lianjian.dashboard.tables import XLSX, cell_value, xlsx_bytes
from lianjian.present.formats import csv_bytes
from lianjian.present.gaps import item_rows
from lianjian.queries.catalogue import RULES
from lianjian.queries.gaps.find import GapResult

__all__ = [
    "gap_result",
    "gap_items",
    "flags",
    "rule_title",
    "rule_definition",
    "fix_text",
    "pairing",
    "label_counts",
    "csv_bytes",
    "downloads",
    "display_name",
    "shown_id",
    "SCOPE",
]

SCOPE = object()  # "the sidebar's scope", as a default argument


def gap_result(ctx: Ctx) -> GapResult:
    """The gap findings as of the sidebar's date."""
    with st.spinner(ctx.t("computing_gaps")):
        return state.gaps_of(ctx.cfg.key, ctx.as_of.isoformat(), ctx.store)


def gap_items(ctx: Ctx, allowed: Any = SCOPE) -> dict[str, list[dict[str, Any]]]:
    """Each rule's items (dicts) within ``allowed`` (the sidebar's scope by default; None: all).

    An item is ``GapItem.to_dict()`` with ``fix_zh`` and ``fix_en`` beside it: the fix in
    each language, members shown as :func:`display_name` shows them (a pseudonym unless
    names are on)."""
    allowed = ctx.allowed if allowed is SCOPE else allowed
    return item_rows(gap_result(ctx), allowed, lambda m: display_name(ctx, m))


def rule_title(rule: str, lang: str) -> str:
    """A rule's title from the rule catalogue, or its id."""
    return RULES[rule].title(lang) if rule in RULES else rule


def rule_definition(ctx: Ctx, rule: str) -> str:
    """A rule's definition from the rule catalogue in the page's language, with the
    thresholds the findings used filled in (empty for a rule the catalogue lacks)."""
    if rule not in RULES:
        return ""
    if ctx.lang != "zh":
        return RULES[rule].definition
    return RULES[rule].definition_zh.format(**gap_result(ctx).params.to_dict())


def fix_text(item: dict[str, Any], lang: str) -> str:
    """The fix of a :func:`gap_items` item in ``lang`` (empty where it has none)."""
    return item.get("fix_zh" if lang == "zh" else "fix_en") or ""


def flags(ctx: Ctx) -> dict[str, list[tuple[str, str]]]:
    """``id → [(rule title, reason)]`` for every flagged entity: what a drawing marks red."""
    items = gap_items(ctx, allowed=None)
    out: dict[str, list[tuple[str, str]]] = {}
    for rule, rows in items.items():
        for i in rows:
            out.setdefault(i["id"], []).append(
                (rule_title(rule, ctx.lang), i["reason_zh" if ctx.lang == "zh" else "reason_en"])
            )
    return out


def pairing(ctx: Ctx, capacity: int = state.PAIRING_CAPACITY) -> dict[str, Any] | None:
    """Pairing proposals as of the sidebar's date, as ``to_dict()``."""
    with st.spinner("…"):
        result = state.pairing_of(ctx.cfg.key, ctx.as_of.isoformat(), capacity, ctx.store)
    return result.to_dict()


def label_counts(ctx: Ctx, allowed: Any = SCOPE) -> Counter:
    """Entities per label (and regions per level as ``Region:level``) within the scope."""
    rows = state.summaries_of(ctx.cfg.key, ctx.store)
    allowed = ctx.allowed if allowed is SCOPE else allowed
    out: Counter = Counter()
    for node_id, row in rows.items():
        if allowed is not None and node_id not in allowed:
            continue
        out[row["label"]] += 1
        if row["label"] == "Region":
            out[f"Region:{row['level']}"] += 1
    return out


def display_name(ctx: Ctx, node_id: str) -> str:
    """The name a person may see for any id (a member's pseudonym unless names are on)."""
    row = state.summaries_of(ctx.cfg.key, ctx.store).get(node_id)
    if row is None:
        return node_id
    return node_name(node_id, row["label"], row, ctx.cfg.with_names)


def shown_id(ctx: Ctx, node_id: str, rule: str | None = None) -> str:
    """The id a person may see: a member's pseudonym (a member of the graph, or the entity
    of a rule that flags members), any other id as it is."""
    row = state.summaries_of(ctx.cfg.key, ctx.store).get(node_id)
    member = (row is not None and row["label"] == "Member") or (
        rule in RULES and RULES[rule].entity == "Member"
    )
    return pseudonym(node_id) if member else node_id


def downloads(
    ctx: Ctx, rows: list[dict[str, Any]], columns: dict[str, str], stem: str, key: str, where=st
) -> None:
    """An Excel and a CSV download of ``rows``: the columns ``columns`` names (key →
    header in the page's language), values in that language, every cell inert."""
    headers = list(columns.values())
    table = [{columns[k]: cell_value(r.get(k), ctx.lang) for k in columns} for r in rows]
    left, right = where.columns(2)
    left.download_button(
        ctx.t("download_xlsx"),
        xlsx_bytes(table, headers, ctx.t("sheet")),
        f"{stem}.xlsx",
        XLSX,
        key=f"{key}_xlsx",
    )
    right.download_button(
        ctx.t("download_csv"), csv_bytes(table, headers), f"{stem}.csv", "text/csv", key=key
    )
