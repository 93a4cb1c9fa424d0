"""The store of record's history for the pages: the versions, the gaps opened, closed
(销号) and still open at the latest version, and the coverage kept with each version
(:mod:`lianjian.record.history`), read once per version of the store (cached) and held
to the sidebar's scope, and so to the user's (:mod:`lianjian.dashboard.access`).

A finding is in scope when its entity is; one whose entity the latest version no
longer holds (closed because it was removed) is in scope when the street it was found
in is within the scope's subtree, so a community's view never shows another's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from lianjian.dashboard import state
from lianjian.dashboard.state import Ctx
from lianjian.graph.versions import Finding
from lianjian.queries.coverage.rates import METRICS
from lianjian.record.history import changes, history, trend

__all__ = [
    "history_of",
    "summed",
    "in_scope",
    "responsible",
    "rates_at",
    "open_at",
    "deltas",
    "trend_rows",
]


@st.cache_resource(show_spinner=False)
def history_of(key: str, _record) -> dict[str, Any]:
    """``{"versions", "changes", "findings", "street", "community"}``: :func:`history`'s
    versions, :func:`changes` from the version before the latest to the latest (from the
    empty store when there is one version), every finding, and the coverage trend at
    each level kept."""
    versions = history(_record)["versions"]
    return {
        "versions": versions,
        "changes": changes(_record) if versions else None,
        "findings": _record.findings(),
        "street": trend(_record, "street")["trend"],
        "community": trend(_record, "community")["trend"],
    }


def in_scope(ctx: Ctx, entity_id: str, street: str | None) -> bool:
    """Whether a finding on ``entity_id`` (found in ``street``) is within the scope."""
    if ctx.allowed is None or entity_id in ctx.allowed:
        return True
    if entity_id in state.summaries_of(ctx.cfg.key, ctx.store) or ctx.scope is None:
        return False
    return street is not None and street in ctx.tree.subtree(ctx.scope)


def responsible(ctx: Ctx, entity_id: str, street: str | None) -> tuple[str, str | None]:
    """The level that answers for a gap, and its region: the community the entity lies in
    (a community's own gap is its own), else its street (the street it was found in for
    an entity placed nowhere else, a member), else the district."""
    region = state.region_of(ctx, entity_id)
    for level in ("community", "street"):
        at = ctx.tree.ancestor(region, level) if region else None
        if at is not None:
            return level, at
    if street is not None:
        return "street", street
    return "district", ctx.tree.ancestor(region, "district") if region else None


def summed(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The coverage metrics of several regions' rows added up, the rates computed again."""
    total: dict[str, list[int]] = {}
    for row in rows:
        for m, v in row["metrics"].items():
            acc = total.setdefault(m, [0, 0])
            acc[0] += v["covered"]
            acc[1] += v["total"]
    return {
        m: {"covered": c, "total": n, "rate": round(c / n, 4) if n else None}
        for m, (c, n) in total.items()
    }


def rates_at(ctx: Ctx, data: dict[str, Any], version: int, region: Any = ...) -> dict[str, Any]:
    """The coverage kept with ``version`` for ``region`` (default: the scope): a street's
    or community's own row, a district's streets summed, every street for the whole."""
    region = ctx.scope if region is ... else region
    level = ctx.tree.regions[region]["level"] if region is not None else None
    if level in ("street", "community"):
        rows = [r for r in data[level] if r["version"] == version and r["id"] == region]
        return rows[0]["metrics"] if rows else {}
    within = ctx.tree.subtree(region) if region is not None else None
    return summed(
        r
        for r in data["street"]
        if r["version"] == version and (within is None or r["id"] in within)
    )


def open_at(ctx: Ctx, findings: list[Finding], version: int, rule: str | None = None) -> int:
    """How many findings (of ``rule``, or all) in scope were open at ``version``."""
    return sum(
        f.first_seen <= version
        and (f.closed_at is None or f.closed_at > version)
        and (rule is None or f.rule == rule)
        and in_scope(ctx, f.id, f.street)
        for f in findings
    )


def deltas(ctx: Ctx) -> dict[str, Any] | None:
    """The change from the version before the latest to the latest, in scope: ``{"from",
    "to": (number, as_of), "gaps", "weak": count changes, "rates": {metric: change}}``;
    None on a one-shot ledger or a store of one version."""
    if ctx.record is None:
        return None
    data = history_of(ctx.cfg.key, ctx.record)
    if len(data["versions"]) < 2:
        return None
    before, last = data["versions"][-2], data["versions"][-1]
    a, b = before["version"], last["version"]
    old, new = rates_at(ctx, data, a), rates_at(ctx, data, b)
    found = data["findings"]
    rates = {}
    for m in METRICS:
        x, y = old.get(m, {}).get("rate"), new.get(m, {}).get("rate")
        rates[m] = None if x is None or y is None else round(y - x, 6)
    return {
        "from": (a, before["as_of"]),
        "to": (b, last["as_of"]),
        "gaps": open_at(ctx, found, b) - open_at(ctx, found, a),
        "weak": open_at(ctx, found, b, "weak_without_partner")
        - open_at(ctx, found, a, "weak_without_partner"),
        "rates": rates,
    }


def trend_rows(ctx: Ctx, data: dict[str, Any], level: str) -> list[dict[str, Any]]:
    """The trend rows at ``level`` within the scope, the last version of each date only
    (two sources loaded for one month: the month's figure is its later version's)."""
    within = ctx.tree.subtree(ctx.scope) if ctx.scope is not None else None
    last: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in data[level]:
        if r["id"] is not None and (within is None or r["id"] in within):
            key = (r["as_of"], r["id"])
            if key not in last or last[key]["version"] < r["version"]:
                last[key] = r
    return sorted(last.values(), key=lambda r: (r["as_of"], r["name"] or "", r["id"]))
