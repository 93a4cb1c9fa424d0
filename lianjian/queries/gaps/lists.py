"""The rules over the three lists and the service records (三张清单、双报到), over the
embedded NetworkX graph: one function per rule, each returning the rows its Cypher file
(``gaps/<id>.cypher``) returns.

* **open need**: a need whose ``status`` is open (or empty) and whose ``raised`` date is
  empty or not after the as-of date, as matching reads it (docs/matching.md);
* **reach**: a resource with a capacity above 0 reaches a need as in matching: its
  ``area`` is the need's region, community, street or district; without an area, its
  provider lies in the need's community or street;
* **the quarter**: the calendar quarter of the as-of date, from its first day to the
  as-of date.

A ledger without lists flags nothing: ``member_without_service`` looks only where the
ledger keeps service records, ``seat_unit_without_resource`` only where it keeps a
resource list. Cost: linear in the graph's size (reach: needs × resources of the category).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from lianjian.graph.embedded.view import is_active
from lianjian.queries.catalogue import KINDS
from lianjian.queries.gaps.facts import Ctx, Row
from lianjian.queries.places import NOWHERE, Place, anchor_nx, region_place_nx

__all__ = ["LIST_RULES", "quarter_start"]

SEAT_KINDS = KINDS["seat_kinds"]


def quarter_start(day: str) -> str:
    """The first day of the calendar quarter of ``day`` (ISO text).

    >>> quarter_start("2026-06-30"), quarter_start("2026-07-01")
    ('2026-04-01', '2026-07-01')
    """
    d = dt.date.fromisoformat(day)
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1).isoformat()


def _region(c: Ctx, n: str, rel: str) -> str | None:
    found = [r for r in c.v.targets(n, rel) if c.v.label(r) == "Region"]
    return found[0] if found else None


def _open_needs(c: Ctx) -> list[str]:
    return [
        n
        for n in c.v.ids("Need")
        if c.v.prop(n, "status") in (None, "open")
        and (c.v.prop(n, "raised") is None or c.v.prop(n, "raised") <= c.as_of)
    ]


def _row(c: Ctx, n: str, anchor: str | None, name: Any = "", **facts: Any) -> Row:
    return {"id": n, "name": name, "anchor": anchor, "fix": None, **facts}


# ---------------------------------------------------------------- needs


def need_open_too_long(c: Ctx) -> list[Row]:
    out = []
    day = dt.date.fromisoformat(c.as_of)
    for n in _open_needs(c):
        raised = c.v.prop(n, "raised")
        if raised is None:
            continue
        days = (day - dt.date.fromisoformat(raised)).days
        if days > c.p.need_open_max_days:
            region = _region(c, n, "NEEDED_IN")
            out.append(_row(c, n, region, c.v.prop(n, "name"), raised=raised, days=days))
    return out


def _reaches(area: str | None, where: Place, region: str, need: Place) -> bool:
    """Matching's reach (lianjian/queries/matching/plan.py): ``where`` is the provider's place."""
    if area is not None:
        return area in (region, need.community, need.street, need.district)
    return (where.community is not None and where.community == need.community) or (
        where.street is not None and where.street == need.street
    )


def _resources(c: Ctx) -> dict[str, list[tuple[str | None, Place]]]:
    """category → (area, the provider's place) of each resource with a capacity above 0."""
    out: dict[str, list[tuple[str | None, Place]]] = {}
    for r in c.v.ids("Resource"):
        capacity = c.v.prop(r, "capacity")
        if (1 if capacity is None else capacity) <= 0:
            continue
        area = _region(c, r, "SERVES_AREA")
        providers = c.v.targets(r, "OFFERED_BY")
        where = c.place(providers[0]) if providers else NOWHERE
        out.setdefault(c.v.prop(r, "category"), []).append((area, where))
    return out


def community_need_unreached(c: Ctx) -> list[Row]:
    by_category = _resources(c)
    cache: dict[str, Place] = {}
    unreached: dict[str, list[str]] = {}
    for n in _open_needs(c):
        region = _region(c, n, "NEEDED_IN")
        if region is None:
            continue
        here = region_place_nx(c.v, region, cache)
        if here.community is None:
            continue
        offered = by_category.get(c.v.prop(n, "category"), ())
        if not any(_reaches(area, where, region, here) for area, where in offered):
            unreached.setdefault(here.community, []).append(n)
    return [
        _row(c, comm, comm, c.v.prop(comm, "name"), needs=len(ns), need_ids=", ".join(sorted(ns)))
        for comm, ns in unreached.items()
    ]


# ---------------------------------------------------------------- projects


def project_overdue_without_outcome(c: Ctx) -> list[Row]:
    out = []
    for p in c.v.ids("Project"):
        due, outcome = c.v.prop(p, "due"), c.v.prop(p, "outcome")
        if due is None or due >= c.as_of or (outcome is not None and str(outcome).strip()):
            continue
        needs = [n for n in c.v.targets(p, "FOR_NEED") if c.v.label(n) == "Need"]
        anchor = _region(c, needs[0], "NEEDED_IN") if needs else None
        out.append(_row(c, p, anchor, c.v.prop(p, "name"), due=due))
    return out


# ---------------------------------------------------------------- 双报到


def member_without_service(c: Ctx) -> list[Row]:
    if not c.v.ids("Service"):
        return []
    start = quarter_start(c.as_of)
    served = {
        m
        for s in c.v.ids("Service")
        if c.v.prop(s, "date") is not None and start <= c.v.prop(s, "date") <= c.as_of
        for m in c.v.targets(s, "SERVICE_BY")
    }
    out = []
    for m in c.v.ids("Member"):
        community = _region(c, m, "REPORTS_TO")
        if community is not None and m not in served:
            out.append(_row(c, m, community, None, since=start))
    return out


def seat_unit_without_resource(c: Ctx) -> list[Row]:
    if not c.v.ids("Resource"):
        return []
    out = []
    for u in c.v.ids("Unit"):
        seats = [
            o
            for o, d in c.v.out_edges(u, "SEAT_ON")
            if c.v.label(o) == "PartyOrg" and c.kind(o) in SEAT_KINDS and is_active(d, c.as_of)
        ]
        if not seats:
            continue
        sides = [u, *c.orgs_into(u, "ORG_OF_UNIT")]
        if any(c.v.label(r) == "Resource" for s in sides for r in c.v.sources(s, "OFFERED_BY")):
            continue
        o = min(seats)
        fix = {"org": o, "org_name": c.v.prop(o, "name")}
        out.append({**_row(c, u, anchor_nx(c.v, u), c.v.prop(u, "name")), "fix": fix})
    return out


LIST_RULES: dict[str, Callable[[Ctx], list[Row]]] = {
    f.__name__: f
    for f in (
        need_open_too_long,
        community_need_unreached,
        member_without_service,
        project_overdue_without_outcome,
        seat_unit_without_resource,
    )
}
