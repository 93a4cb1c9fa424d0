"""The coverage-gap rules over the embedded NetworkX graph: one function per rule.

Each function takes a :class:`Ctx` (the graph view, the thresholds, the as-of
date) and returns rows ``{"id", "name", "fix", **facts}`` exactly as the Cypher
file of the same name does: ``fix`` is a map of what a suggested fix needs (or
None), facts are the extra columns the reason quotes (counts, dates). Cost: each
rule looks at the nodes of one label and the edges around them, so all of them
together are linear in the graph's size.
"""

from __future__ import annotations

from collections.abc import Callable

from lianjian.graph.embedded.view import is_active
from lianjian.queries.gaps.facts import (
    BRANCH_KINDS,
    GRASS_ROOTS,
    GROUP_KINDS,
    NEW_DOMAIN,
    SECRETARY_KINDS,
    SIZED_BRANCH_KINDS,
    UNGUIDED_UNIT_KINDS,
    Ctx,
    Row,
)
from lianjian.queries.gaps.lists import LIST_RULES

__all__ = ["NX_RULES"]


def _ceil_div(a: int, b: int) -> dict[str, int] | None:
    return {"parts": (a + b - 1) // b} if b > 0 else None


def _nodes(c: Ctx, label: str, key: str, values: frozenset[str] | str) -> list[str]:
    wanted = frozenset({values}) if isinstance(values, str) else values
    return [n for n in c.v.ids(label) if c.v.prop(n, key) in wanted]


# ---------------------------------------------------------------- regions and buildings


def grid_without_branch(c: Ctx) -> list[Row]:
    out = []
    for g in _nodes(c, "Region", "level", "grid"):
        if c.orgs_into(g, "COVERS", BRANCH_KINDS):
            continue
        best = None
        for parent in c.v.targets(g, "PART_OF"):
            for s in c.v.sources(parent, "PART_OF"):
                if s == g or c.v.prop(s, "level") != "grid":
                    continue
                for o in c.orgs_into(s, "COVERS", BRANCH_KINDS):
                    if best is None or (o, s) < best:
                        best = (o, s)
        fix = None
        if best:
            o, s = best
            fix = {
                "org": o,
                "org_name": c.v.prop(o, "name"),
                "grid": s,
                "grid_name": c.v.prop(s, "name"),
            }
        out.append(c.row(g, fix))
    return out


def compound_without_org(c: Ctx) -> list[Row]:
    out = []
    for cp in _nodes(c, "Region", "level", "compound"):
        if c.orgs_into(cp, "COVERS", GRASS_ROOTS):
            continue
        orgs = {
            o
            for b in c.v.sources(cp, "IN_COMPOUND")
            if c.v.label(b) == "Building"
            for grid in c.v.targets(b, "IN_GRID")
            for o in c.orgs_into(grid, "COVERS", BRANCH_KINDS)
        }
        fix = None
        if orgs:
            o = min(orgs)
            fix = {"org": o, "org_name": c.v.prop(o, "name")}
        out.append(c.row(cp, fix))
    return out


def building_without_group(c: Ctx) -> list[Row]:
    out = []
    for b in _nodes(c, "Building", "kind", "residential"):
        if c.orgs_into(b, "COVERS", GROUP_KINDS):
            continue
        residents = [
            m
            for m in c.v.sources(b, "LIVES_IN")
            if c.v.label(m) == "Member" and c.v.prop(m, "status") == "full"
        ]
        fix = {"count": len(residents), "members": residents[:3]} if residents else None
        out.append(c.row(b, fix))
    return out


def new_domain_uncovered(c: Ctx) -> list[Row]:
    out = []
    for b in _nodes(c, "Building", "kind", NEW_DOMAIN):
        if c.orgs_into(b, "COVERS"):
            continue
        units = [u for u in c.v.sources(b, "LOCATED_IN") if c.v.label(u) == "Unit"]
        if any(c.has_own_org(u) for u in units):
            continue
        out.append(c.row(b, {"units": len(units)} if len(units) >= 2 else None))
    return out


def grid_without_assigned_member(c: Ctx) -> list[Row]:
    out = []
    for g in _nodes(c, "Region", "level", "grid"):
        if any(c.v.label(m) == "Member" for m in c.v.sources(g, "ASSIGNED_TO")):
            continue
        cands: set[str] = set()
        for comm in c.v.targets(g, "PART_OF"):
            if c.v.prop(comm, "level") != "community":
                continue
            for m in c.v.sources(comm, "REPORTS_TO"):
                if (
                    c.v.label(m) == "Member"
                    and c.v.prop(m, "category") == "employed"
                    and not any(c.v.label(r) == "Region" for r in c.v.targets(m, "ASSIGNED_TO"))
                ):
                    cands.add(m)
        ms = sorted(cands)
        out.append(c.row(g, {"count": len(ms), "members": ms[:3]} if ms else None))
    return out


def community_without_big_committee(c: Ctx) -> list[Row]:
    out = []
    need = c.p.big_committee_min_seats
    for comm in _nodes(c, "Region", "level", "community"):
        seats = {
            b: sum(1 for _, d in c.v.in_edges(b, "SEAT_ON") if is_active(d, c.as_of))
            for b in c.orgs_into(comm, "COVERS", frozenset({"big_committee"}))
        }
        if any(n >= need for n in seats.values()):
            continue
        fix = None
        if seats:
            b = min(seats, key=lambda o: (-seats[o], o))
            fix = {
                "org": b,
                "org_name": c.v.prop(b, "name"),
                "seats": seats[b],
                "missing": need - seats[b],
            }
        out.append(c.row(comm, fix))
    return out


# ---------------------------------------------------------------- units


def unit_needs_own_org(c: Ctx) -> list[Row]:
    out = []
    for u in c.v.ids("Unit"):
        if c.has_own_org(u):
            continue
        full = c.full_members(u)
        if full < c.p.min_members_for_org:
            continue
        joint = c.orgs_into(u, "COVERS", frozenset({"joint_branch"}))
        fix = {"org": joint[0], "org_name": c.v.prop(joint[0], "name")} if joint else None
        out.append(c.row(u, fix, full=full))
    return out


def unit_needs_joint_org(c: Ctx) -> list[Row]:
    out = []
    for u in c.v.ids("Unit"):
        full = c.full_members(u)
        if not 1 <= full <= 2 or c.has_own_org(u) or c.joint_covered(u):
            continue
        out.append(c.row(u, c.nearby_joint_branch(u), full=full))
    return out


def unit_without_party_work(c: Ctx) -> list[Row]:
    out = []
    for u in _nodes(c, "Unit", "kind", UNGUIDED_UNIT_KINDS):
        if c.full_members(u) or c.has_own_org(u) or c.joint_covered(u) or c.guided(u):
            continue
        out.append(c.row(u, c.nearby_joint_branch(u)))
    return out


def unit_uncovered(c: Ctx) -> list[Row]:
    return [
        c.row(u)
        for u in c.v.ids("Unit")
        if not (c.has_own_org(u) or c.joint_covered(u) or c.guided(u))
    ]


def property_without_party_work(c: Ctx) -> list[Row]:
    out = []
    for u in _nodes(c, "Unit", "kind", "property"):
        if c.has_own_org(u) or c.joint_covered(u) or c.guided(u):
            continue
        best = None
        for cp, d in c.v.out_edges(u, "MANAGES"):
            if not is_active(d, c.as_of):
                continue
            for o in c.orgs_into(cp, "COVERS", GRASS_ROOTS):
                if best is None or (o, cp) < best:
                    best = (o, cp)
        fix = None
        if best:
            o, cp = best
            fix = {
                "org": o,
                "org_name": c.v.prop(o, "name"),
                "compound": cp,
                "compound_name": c.v.prop(cp, "name"),
            }
        out.append(c.row(u, fix))
    return out


# ---------------------------------------------------------------- organisations


def joint_branch_too_wide(c: Ctx) -> list[Row]:
    out = []
    limit = c.p.joint_branch_max_units
    for o in _nodes(c, "PartyOrg", "kind", "joint_branch"):
        units = sum(1 for w in c.v.targets(o, "COVERS") if c.v.label(w) == "Unit")
        if units > limit:
            out.append(c.row(o, _ceil_div(units, limit), units=units))
    return out


def branch_oversized(c: Ctx) -> list[Row]:
    out = []
    limit = c.p.branch_max_members
    for o in _nodes(c, "PartyOrg", "kind", SIZED_BRANCH_KINDS):
        members = c.members_of(o)
        if members > limit:
            out.append(c.row(o, _ceil_div(members, limit), members=members))
    return out


def branch_without_committee(c: Ctx) -> list[Row]:
    out = []
    for o in _nodes(c, "PartyOrg", "kind", SIZED_BRANCH_KINDS):
        if c.v.prop(o, "has_committee") is True:
            continue
        members = c.members_of(o)
        if members >= c.p.committee_min_members:
            out.append(c.row(o, None, members=members))
    return out


def org_without_secretary(c: Ctx) -> list[Row]:
    return [
        c.row(o)
        for o in _nodes(c, "PartyOrg", "kind", SECRETARY_KINDS)
        if not any(c.v.label(m) == "Member" for m in c.v.sources(o, "SECRETARY_OF"))
    ]


def term_expired(c: Ctx) -> list[Row]:
    out = []
    for o in c.v.ids("PartyOrg"):
        end = c.v.prop(o, "term_end")
        if isinstance(end, str) and end < c.as_of:
            out.append(c.row(o, None, term_end=end))
    return out


def _rating(c: Ctx, o: str) -> int | None:
    r = c.v.prop(o, "rating")
    return r if isinstance(r, int) and not isinstance(r, bool) else None


def weak_without_partner(c: Ctx) -> list[Row]:
    out = []
    for o in c.v.ids("PartyOrg"):
        rating = _rating(c, o)
        if rating is None or rating > c.p.weak_rating_max:
            continue
        if _partnered(c, o):
            continue
        best = None
        for parent in c.v.targets(o, "SUB_ORG_OF"):
            if c.v.label(parent) != "PartyOrg":
                continue
            for p in c.v.sources(parent, "SUB_ORG_OF"):
                pr = _rating(c, p)
                if p == o or c.v.label(p) != "PartyOrg" or pr is None:
                    continue
                if pr >= c.p.strong_rating_min and (best is None or (-pr, p) < best):
                    best = (-pr, p)
        fix = None
        if best:
            p = best[1]
            fix = {"org": p, "org_name": c.v.prop(p, "name"), "partner_rating": -best[0]}
        out.append(c.row(o, fix, rating=rating))
    return out


def _partnered(c: Ctx, o: str) -> bool:
    """Target of an active strong_leads_weak link, or joint-built with a strong org."""
    for s, d in c.v.in_edges(o, "JOINT_BUILD"):
        if c.v.label(s) != "PartyOrg" or not is_active(d, c.as_of):
            continue
        if d.get("kind") == "strong_leads_weak":
            return True
        if d.get("kind") == "joint_build" and _strong(c, s):
            return True
    for t, d in c.v.out_edges(o, "JOINT_BUILD"):
        if c.v.label(t) != "PartyOrg" or not is_active(d, c.as_of):
            continue
        if d.get("kind") == "joint_build" and _strong(c, t):
            return True
    return False


def _strong(c: Ctx, o: str) -> bool:
    r = _rating(c, o)
    return r is not None and r >= c.p.strong_rating_min


NX_RULES: dict[str, Callable[[Ctx], list[Row]]] = {
    f.__name__: f
    for f in (
        grid_without_branch,
        compound_without_org,
        building_without_group,
        new_domain_uncovered,
        unit_needs_own_org,
        unit_needs_joint_org,
        joint_branch_too_wide,
        unit_without_party_work,
        grid_without_assigned_member,
        community_without_big_committee,
        property_without_party_work,
        branch_oversized,
        branch_without_committee,
        org_without_secretary,
        term_expired,
        weak_without_partner,
    )
}
NX_RULES |= LIST_RULES  # the rules over the lists (lists.py), in the catalogue's order
NX_RULES["unit_uncovered"] = unit_uncovered
