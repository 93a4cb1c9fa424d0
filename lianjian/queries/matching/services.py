"""Service records summarised per member or per work unit (服务记录汇总): counts and hours
within a date range, from a Query in Cypher and NetworkX.

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> summarise(EmbeddedStore(), by="unit")
[]

A member is shown by its pseudonym (lianjian.core.privacy), never by id or name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lianjian.core.privacy import pseudonym
from lianjian.graph.embedded.view import View
from lianjian.graph.store import GraphStore, Query, Rows
from lianjian.queries.catalogue import cypher

__all__ = ["SERVICES", "ServiceTotal", "summarise", "BY"]

BY = ("member", "unit")


@dataclass(frozen=True)
class ServiceTotal:
    key: str  # the member's pseudonym, or the unit's id ("" for members of no unit)
    services: int
    hours: float
    categories: int  # distinct categories served

    def to_dict(self, by: str) -> dict[str, Any]:
        return {by: self.key, "services": self.services, "hours": self.hours,
                "categories": self.categories}  # fmt: skip


def _services_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    out = []
    for s in sorted(v.ids("Service")):
        members = [m for m in v.targets(s, "SERVICE_BY") if v.label(m) == "Member"]
        if not members:
            continue
        m = members[0]
        units = [u for u in v.targets(m, "WORKS_AT") if v.label(u) == "Unit"]
        out.append(
            {
                "id": s,
                "member": m,
                "unit": units[0] if units else None,
                "date": v.prop(s, "date"),
                "hours": v.prop(s, "hours"),
                "category": v.prop(s, "category"),
            }
        )
    return out


SERVICES = Query("services", cypher("matching", "services"), _services_nx)


def summarise(
    store: GraphStore, by: str = "member", start: str | None = None, end: str | None = None
) -> list[ServiceTotal]:
    """Totals per member (pseudonymised) or per work unit of the services dated from
    ``start`` to ``end`` (ISO dates, both included; None: unbounded), most hours first."""
    if by not in BY:
        raise ValueError(f"--by wants member or unit, not {by!r}")
    rows = store.read([SERVICES], {})["services"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        d = r["date"]
        if (start and (d is None or d < start)) or (end and (d is None or d > end)):
            continue
        key = pseudonym(r["member"]) if by == "member" else (r["unit"] or "")
        groups.setdefault(key, []).append(r)
    totals = [
        ServiceTotal(
            key,
            len(rs),
            round(sum(float(r["hours"] or 0) for r in rs), 2),
            len({r["category"] for r in rs if r["category"]}),
        )
        for key, rs in groups.items()
    ]
    return sorted(totals, key=lambda t: (-t.hours, -t.services, t.key))
