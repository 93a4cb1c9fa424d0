"""Helpers the pages share: gap findings and pairings for the current scope and date,
entity counts, CSV bytes for downloads.

Everything here reads the cached results in :mod:`lianjian.dashboard.state`, so
switching pages or languages never runs a rule twice.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from lianjian.dashboard import state
from lianjian.dashboard.display import node_name
from lianjian.dashboard.state import Ctx
from lianjian.dashboard.tables import csv_bytes

__all__ = [
    "gap_result",
    "gap_items",
    "flags",
    "rule_title",
    "fix_text",
    "pairing",
    "label_counts",
    "csv_bytes",
    "not_available",
    "display_name",
    "SCOPE",
]

SCOPE = object()  # "the sidebar's scope", as a default argument


def gap_result(ctx: Ctx):
    """The gap findings as of the sidebar's date (None while the module is missing)."""
    with st.spinner("…"):
        return state.gaps_of(ctx.cfg.key, ctx.as_of.isoformat(), ctx.store)


def gap_items(ctx: Ctx, allowed: Any = SCOPE) -> dict[str, list[dict[str, Any]]] | None:
    """Each rule's items (dicts) within ``allowed`` (the sidebar's scope by default; None: all)."""
    result = gap_result(ctx)
    if result is None:
        return None
    allowed = ctx.allowed if allowed is SCOPE else allowed
    out = {}
    for rule, body in result.to_dict()["rules"].items():
        items = body["items"]
        out[rule] = items if allowed is None else [i for i in items if i["id"] in allowed]
    return out


def rule_title(rule: str, lang: str) -> str:
    """A rule's title from the rule catalogue, or its id."""
    mod = state.optional("lianjian.queries.catalogue")
    if mod is None or rule not in mod.RULES:
        return rule
    return mod.RULES[rule].title(lang)


def fix_text(fix: str | None, lang: str) -> str:
    """The half of a bilingual fix (``中文 / English``) in ``lang``."""
    if not fix:
        return ""
    zh, sep, en = fix.partition(" / ")
    return (zh if lang == "zh" else en) if sep else fix


def flags(ctx: Ctx) -> dict[str, list[tuple[str, str]]]:
    """``id → [(rule title, reason)]`` for every flagged entity: what a drawing marks red."""
    items = gap_items(ctx, allowed=None)
    out: dict[str, list[tuple[str, str]]] = {}
    for rule, rows in (items or {}).items():
        for i in rows:
            out.setdefault(i["id"], []).append(
                (rule_title(rule, ctx.lang), i["reason_zh" if ctx.lang == "zh" else "reason_en"])
            )
    return out


def pairing(ctx: Ctx, capacity: int = state.PAIRING_CAPACITY) -> dict[str, Any] | None:
    """Pairing proposals as of the sidebar's date, as ``to_dict()`` (None while missing)."""
    with st.spinner("…"):
        result = state.pairing_of(ctx.cfg.key, ctx.as_of.isoformat(), capacity, ctx.store)
    return result.to_dict() if result is not None else None


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


def not_available(ctx: Ctx, what: str) -> None:
    st.info(ctx.t("not_yet", what=what), icon=":material/hourglass_empty:")
