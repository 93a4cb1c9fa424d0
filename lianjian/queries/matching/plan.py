"""Who serves which need: the optimal plan as a minimum-cost flow, and a greedy baseline.

A *provider* is a resource (``("resource", id)``) or a reporting member
(``("member", id)``). Each open need asks for ``quantity`` units; a resource gives at
most its ``capacity`` a month, a member ``member_capacity``. The cost of one unit of need
``n`` from provider ``p`` (cost units, :class:`MatchParams`):

    cost(n, p) = tier + cost_per_km × min(km, distance_cap_km)   (unknown_km where either
                 + cost_not_joint   unless p is joint-building     has no coordinates)
                   with an organisation that covers n's community
                 + cost_member      when p is a member

``tier`` is ``cost_community`` when p is in n's community (a resource serving that
community, or its grid, or lying there), ``cost_street`` in the same street,
``cost_district`` for a resource whose area is n's district; anything farther is out of
reach. A member reaches only the community it reports to, and only a need of a category
its skills or posts name. The objective, minimised:

    Σ units × cost(n, p)  +  cost_unmatched × units left unmatched

``cost_unmatched`` exceeds every pair's cost, so the plan serves as many units as the
capacities allow, and among such plans the cheapest. Costs are integers of 1/SCALE unit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import networkx as nx

from lianjian.queries.matching.facts import Facts, NeedFact

__all__ = [
    "MatchParams",
    "Candidate",
    "candidates",
    "room",
    "optimal_plan",
    "greedy_plan",
    "plan_cost",
]
__all__ += ["SCALE"]

SCALE = 10_000
EARTH_KM = 6371.0088
Provider = tuple[str, str]  # ("resource" | "member", id)
Plan = dict[tuple[str, Provider], int]  # (need, provider) → units


@dataclass(frozen=True)
class MatchParams:
    cost_community: float = 0.0
    cost_street: float = 20.0
    cost_district: float = 40.0
    cost_per_km: float = 1.0
    distance_cap_km: float = 10.0
    unknown_km: float = 1.0
    cost_not_joint: float = 10.0
    cost_member: float = 5.0
    member_capacity: int = 2
    cost_unmatched: float = 1000.0

    @classmethod
    def of(cls, overrides: Mapping[str, Any] | None) -> MatchParams:
        """The defaults with ``overrides`` (NAME → value or text); ValueError on an unknown
        name or a value that is no number, or where cost_unmatched does not exceed every
        pair's cost."""
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, raw in (overrides or {}).items():
            if name not in types:
                raise ValueError(f"unknown matching parameter {name!r}: one of {sorted(types)}")
            values[name] = int(raw) if types[name] in ("int", int) else float(raw)
        p = cls(**values)
        top = max(p.cost_community, p.cost_street, p.cost_district)
        worst = top + p.cost_per_km * max(p.distance_cap_km, p.unknown_km)
        if p.cost_unmatched <= worst + p.cost_not_joint + p.cost_member:
            raise ValueError("cost_unmatched must exceed the cost of every pair")
        if min(v for f in fields(p) if isinstance(v := getattr(p, f.name), float)) < 0:
            raise ValueError("matching costs are never negative")
        return p


@dataclass(frozen=True)
class Candidate:
    """One provider in reach of one need, with its cost per unit and why."""

    need: str
    provider: Provider
    cost: int  # per unit, 1/SCALE
    tier: str  # community, street, district
    km: float | None
    joint: bool


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _tier(n: NeedFact, area: str | None, place: Any) -> str | None:
    if area is not None:
        if area in (n.region, n.place.community):
            return "community"
        if area == n.place.street:
            return "street"
        if area == n.place.district:
            return "district"
        return None
    if place.community is not None and place.community == n.place.community:
        return "community"
    if place.street is not None and place.street == n.place.street:
        return "street"
    return None


def _candidate(
    n: NeedFact,
    provider: Provider,
    tier: str,
    point: Any,
    sides: tuple[str, ...],
    partners: frozenset[str],
    p: MatchParams,
) -> Candidate:
    """The cost of one unit of ``n`` from ``provider`` (the module's formula)."""
    d = km(n.point, point) if n.point is not None and point is not None else None
    joint = any(s in partners for s in sides)
    tiers = {"community": p.cost_community, "street": p.cost_street, "district": p.cost_district}
    cost = tiers[tier] + p.cost_per_km * (p.unknown_km if d is None else min(d, p.distance_cap_km))
    cost += 0 if joint else p.cost_not_joint
    cost += p.cost_member if provider[0] == "member" else 0
    return Candidate(n.id, provider, round(cost * SCALE), tier, d, joint)


def candidates(f: Facts, p: MatchParams) -> dict[str, list[Candidate]]:
    """need → its providers in reach, cheapest first (ties by provider)."""
    by_category: dict[str, list[str]] = defaultdict(list)
    for r in f.resources.values():
        if r.category is not None and r.capacity > 0:
            by_category[r.category].append(r.id)
    by_community: dict[str, list[str]] = defaultdict(list)
    for m in f.members.values():
        by_community[m.community].append(m.id)
    out: dict[str, list[Candidate]] = {}
    for n in f.needs.values():
        partners = f.partners.get(n.place.community or "", frozenset())
        found: list[Candidate] = []
        for rid in by_category.get(n.category, ()):
            r = f.resources[rid]
            tier = _tier(n, r.area, r.place)
            if tier is not None:
                found.append(_candidate(n, ("resource", rid), tier, r.point, r.sides, partners, p))
        for mid in by_community.get(n.place.community or "", ()) if p.member_capacity > 0 else ():
            m = f.members[mid]
            if n.category in m.categories:
                found.append(
                    _candidate(n, ("member", mid), "community", m.point, m.sides, partners, p)
                )
        out[n.id] = sorted(found, key=lambda c: (c.cost, c.provider))
    return out


def room(f: Facts, p: MatchParams) -> dict[Provider, int]:
    """Each provider's capacity this month."""
    out: dict[Provider, int] = {("resource", r.id): r.capacity for r in f.resources.values()}
    out.update({("member", m): p.member_capacity for m in f.members})
    return out


def optimal_plan(
    f: Facts, cands: dict[str, list[Candidate]], left: dict[Provider, int], unmatched_cost: int
) -> Plan:
    """(need, provider) → units: as many units as capacity allows, at the least total cost.
    One network simplex: source → need (its quantity) → provider (per unit cost) → sink
    (capacity); an arc need → sink at cost_unmatched keeps it feasible."""
    total = sum(n.quantity for n in f.needs.values())
    if total == 0:
        return {}
    g = nx.DiGraph()
    g.add_node("src", demand=-total)
    g.add_node("sink", demand=total)
    unmatched = ("unmatched",)
    g.add_edge(unmatched, "sink", capacity=total, weight=0)
    for n in sorted(f.needs.values(), key=lambda n: n.id):
        g.add_edge("src", ("n", n.id), capacity=n.quantity, weight=0)
        g.add_edge(("n", n.id), unmatched, capacity=n.quantity, weight=unmatched_cost)
        for c in cands.get(n.id, ()):
            g.add_edge(("n", n.id), ("p", *c.provider), capacity=n.quantity, weight=c.cost)
    for prov, cap in sorted(left.items()):
        if ("p", *prov) in g and cap > 0:
            g.add_edge(("p", *prov), "sink", capacity=cap, weight=0)
    for node in list(g.nodes):
        if node[0] == "p" and not g.has_edge(node, "sink"):
            g.remove_node(node)
    _, flows = nx.network_simplex(g)
    plan: Plan = {}
    for n in sorted(f.needs):
        for target, units in sorted(flows.get(("n", n), {}).items(), key=str):
            if units > 0 and target[0] == "p":
                plan[(n, (target[1], target[2]))] = units
    return plan


def greedy_plan(f: Facts, cands: dict[str, list[Candidate]], left: dict[Provider, int]) -> Plan:
    """The baseline: needs by date wanted (then id); each takes its cheapest provider with
    room left, as many units as it has, then the next."""
    left = dict(left)
    plan: Plan = {}
    order = sorted(f.needs.values(), key=lambda n: (n.wanted_by or "9999-12-31", n.id))
    for n in order:
        want = n.quantity
        for c in cands.get(n.id, ()):
            if want == 0:
                break
            take = min(want, left.get(c.provider, 0))
            if take > 0:
                plan[(n.id, c.provider)] = take
                left[c.provider] -= take
                want -= take
    return plan


def plan_cost(plan: Plan, f: Facts, cands: dict[str, list[Candidate]], unmatched_cost: int) -> int:
    """The objective of a plan, in 1/SCALE units: its pairs' cost plus the unmatched units'."""
    cost = {(c.need, c.provider): c.cost for cs in cands.values() for c in cs}
    served: dict[str, int] = defaultdict(int)
    total = 0
    for (n, prov), units in plan.items():
        total += units * cost[(n, prov)]
        served[n] += units
    return total + unmatched_cost * sum(x.quantity - served[x.id] for x in f.needs.values())
