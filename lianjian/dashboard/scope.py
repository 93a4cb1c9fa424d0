"""Scoping the dashboard to one region's subtree, and the as-of date of links.

The subtree itself (:func:`scope_ids`), the region tree and the intersection of two
scopes (:func:`narrower`) are :mod:`lianjian.queries.scope`'s, shared with
``lianjian gaps|coverage|stats --scope`` so that a page and a command count the same
entities; this module adds where each entity lies (:func:`anchors`) and the as-of date.

>>> active({"since": "2024-01-01", "until": "2024-12-31"}, "2025-01-01")
False
>>> active({"until": ""}, "2025-01-01")
True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from lianjian.core.model import is_active
from lianjian.core.schema import SCHEMA
from lianjian.queries.scope import OutOfScope, RegionTree, narrower, region_tree, scope_ids

__all__ = [
    "RegionTree",
    "region_tree",
    "scope_ids",
    "anchors",
    "active",
    "narrower",
    "OutOfScope",
    "LEVELS",
]

LEVELS = SCHEMA.region_levels  # district, street, community, compound, grid


def anchors(store) -> dict[str, str]:
    """``id → the region it lies in`` for every placed organisation, unit and building,
    by the library's steps (:mod:`lianjian.queries.places`): an organisation from its own
    unit, else what it covers with the smallest id; a unit from its location; a
    building from its grid, else its compound. O(relationships of those types)."""
    first: dict[str, dict[str, str]] = defaultdict(dict)
    for e in store.edges_of_type(("ORG_OF_UNIT", "COVERS", "LOCATED_IN", "IN_GRID", "IN_COMPOUND")):
        held = first[e.type].get(e.source)
        if held is None or e.target < held:
            first[e.type][e.source] = e.target
    out: dict[str, str] = {}

    def building(b: str) -> str | None:
        return first["IN_GRID"].get(b) or first["IN_COMPOUND"].get(b)

    def unit(u: str) -> str | None:
        at = first["LOCATED_IN"].get(u)
        return (building(at) or at) if at is not None else None

    for b in set(first["IN_GRID"]) | set(first["IN_COMPOUND"]):
        out[b] = building(b)  # type: ignore[assignment]
    for u in first["LOCATED_IN"]:
        out[u] = unit(u)  # type: ignore[assignment]
    for o in set(first["ORG_OF_UNIT"]) | set(first["COVERS"]):
        x = first["ORG_OF_UNIT"].get(o) or first["COVERS"][o]
        out[o] = out.get(x, x)  # type: ignore[assignment]
    return {k: v for k, v in out.items() if v is not None}


def active(props: dict[str, Any], as_of: str | dt.date | None) -> bool:
    """Whether a link is active on the as-of date: its ``until`` is empty or not before it.

    The same definition the gap rules use (docs/rules.md), so a drawn pairing and a
    ``weak_without_partner`` finding never disagree.
    """
    if as_of is None:
        return True
    day = as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of)
    return is_active(props.get("until"), day)
