"""Who leads whom: the optimal plan as a minimum-cost flow, and a greedy baseline.

The cost of pairing weak ``w`` with leader ``s`` (in cost units, see ``pairing.yaml``):

    cost(w, s) = place(w, s) + cost_gap × (1 − (score(s) − score(w)))

``place`` is ``cost_community`` in the same community, ``cost_street`` in the same
street, both plus ``cost_per_km`` × the distance (capped; ``unknown_km`` where either
has no coordinates); ``cost_district`` in the same district, ``cost_elsewhere``
otherwise. Costs are kept as integers of 1/10,000 unit (network simplex needs
integers), so both engines and both planners add up the same numbers exactly.

The flow network is linear in size, not weak × strong: a weak org reaches the
leaders of its own street (or, outside any street, its own community) by direct
arcs, every other leader of its district through one hub per district, and every
leader anywhere through one global hub. A path's cost is the pair's cost because
within-street pairs never cost more than ``cost_district`` (checked by
:meth:`PairingParams.check`). The flow is as large as it can be (every weak org
gets a leader while capacity lasts), and among such flows the cheapest.

>>> m = CostModel({"w": _Site(None, None, None, None, 1000),
...                "s": _Site(None, None, None, None, 9000)}, PairingParams())
>>> optimal_plan(["w"], {"s": 1}, m), m.pair_cost("w", "s") / SCALE
({'w': 's'}, 104.0)
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx

from lianjian.queries.pairing.params import PairingParams
from lianjian.queries.places import Place

__all__ = ["CostModel", "optimal_plan", "greedy_plan", "plan_cost", "SCALE", "TIERS", "site"]

SCALE = 10_000  # cost units are kept as integers of 1/SCALE
TIERS = ("community", "street", "district", "elsewhere")
EARTH_KM = 6371.0088


@dataclass(frozen=True)
class _Site:
    """What the cost reads of one org: where it lies, its coordinates, its score × SCALE."""

    community: str | None
    street: str | None
    district: str | None
    point: tuple[float, float] | None
    score: int

    @property
    def group(self) -> tuple[str, str] | None:
        """The local group it meets others in by direct arcs: its street, else its community."""
        if self.street is not None:
            return ("street", self.street)
        if self.community is not None:
            return ("community", self.community)
        return None


def site(place: Place, point: tuple[float, float] | None, score: float) -> _Site:
    """A :class:`_Site` from an org's place, coordinates and score (0..1)."""
    return _Site(place.community, place.street, place.district, point, round(score * SCALE))


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


class CostModel:
    """Pair costs over the sites of the orgs, in integers of 1/SCALE cost unit."""

    def __init__(self, sites: dict[str, _Site], p: PairingParams) -> None:
        self.sites = sites
        self.p = p
        self.tier_cost = {
            "community": round(p.cost_community * SCALE),
            "street": round(p.cost_street * SCALE),
            "district": round(p.cost_district * SCALE),
            "elsewhere": round(p.cost_elsewhere * SCALE),
        }
        self._gap = round(p.cost_gap * SCALE)

    def tier(self, w: str, s: str) -> str:
        a, b = self.sites[w], self.sites[s]
        if a.community is not None and a.community == b.community:
            return "community"
        if a.street is not None and a.street == b.street:
            return "street"
        if a.district is not None and a.district == b.district:
            return "district"
        return "elsewhere"

    def distance(self, w: str, s: str) -> float | None:
        """km between the two, or None where either has no coordinates."""
        a, b = self.sites[w].point, self.sites[s].point
        return None if a is None or b is None else km(a, b)

    def place_cost(self, w: str, s: str) -> int:
        tier = self.tier(w, s)
        cost = self.tier_cost[tier]
        if tier in ("community", "street"):
            d = self.distance(w, s)
            d = self.p.unknown_km if d is None else min(d, self.p.distance_cap_km)
            cost += round(self.p.cost_per_km * d * SCALE)
        return cost

    def weak_part(self, w: str) -> int:
        """The weak org's share of the gap term: cost_gap × score(w)."""
        return round(self.p.cost_gap * self.sites[w].score)

    def strong_part(self, s: str) -> int:
        """The leader's share of the gap term: cost_gap × (1 − score(s)), never negative."""
        return self._gap - round(self.p.cost_gap * self.sites[s].score)

    def pair_cost(self, w: str, s: str) -> int:
        return self.place_cost(w, s) + self.weak_part(w) + self.strong_part(s)


def plan_cost(plan: dict[str, str], m: CostModel) -> int:
    """The total cost of a plan (weak → leader), in 1/SCALE units."""
    return sum(m.pair_cost(w, s) for w, s in plan.items())


def optimal_plan(weak: list[str], room: dict[str, int], m: CostModel) -> dict[str, str]:
    """weak → leader: the most pairs capacity allows, at the least total cost.

    ``room`` is each leader's remaining capacity. A hub links only to its strongest
    leaders (by score, then id) until their room covers the weak orgs it serves (all of
    them for the global hub, those of its district for a district hub): a pair through a
    hub to a weaker leader could always move to one of these at no extra cost, so the
    optimum is the same. Cost: one network simplex over 3 arcs per weak org, the pairs
    within each street, and 3 per leader a hub keeps.
    """
    leaders = [s for s in sorted(room) if room[s] > 0]
    flow = min(len(weak), sum(room[s] for s in leaders))
    if flow == 0:
        return {}
    by_group: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_district: dict[str, list[str]] = defaultdict(list)
    for s in leaders:
        site_ = m.sites[s]
        if site_.group is not None:
            by_group[site_.group].append(s)
        if site_.district is not None:
            by_district[site_.district].append(s)
    served = Counter(m.sites[w].district for w in weak if m.sites[w].district in by_district)
    hubs: dict[object, list[str]] = {
        ("d", d): _strongest(by_district[d], room, m, n) for d, n in sorted(served.items())
    }
    hubs["everywhere"] = _strongest(leaders, room, m, len(weak))
    g = nx.DiGraph()
    g.add_node("src", demand=-flow)
    g.add_node("sink", demand=flow)
    used: set[str] = set()
    for w in sorted(weak):
        node = ("w", w)
        g.add_edge("src", node, capacity=1, weight=m.weak_part(w))
        site_ = m.sites[w]
        for s in by_group.get(site_.group, ()) if site_.group is not None else ():
            g.add_edge(node, ("s", s), capacity=1, weight=m.place_cost(w, s))
            used.add(s)
        if site_.district in served:
            g.add_edge(node, ("d", site_.district), capacity=1, weight=m.tier_cost["district"])
        g.add_edge(node, "everywhere", capacity=1, weight=m.tier_cost["elsewhere"])
    for hub, kept in hubs.items():
        for s in kept:
            g.add_edge(hub, ("s", s), capacity=room[s], weight=0)
            used.add(s)
    for s in sorted(used):
        g.add_edge(("s", s), "sink", capacity=room[s], weight=m.strong_part(s))
    _, flows = nx.network_simplex(g)
    return _decompose(flows, weak)


def _strongest(leaders: list[str], room: dict[str, int], m: CostModel, need: int) -> list[str]:
    """The strongest leaders (by score, then id) until their room reaches ``need``."""
    out: list[str] = []
    total = 0
    for s in sorted(leaders, key=lambda s: (m.strong_part(s), s)):
        if total >= need:
            break
        out.append(s)
        total += room[s]
    return out


def _decompose(flows: dict, weak: list[str]) -> dict[str, str]:
    """Pairs from the arc flows: direct arcs as they are, each hub's inflow (weak orgs by
    id) matched in order to its outflow (leaders by id, once per unit)."""
    plan: dict[str, str] = {}
    into: dict[object, list[str]] = defaultdict(list)
    for w in sorted(weak):
        for target, f in flows.get(("w", w), {}).items():
            if f > 0 and isinstance(target, tuple) and target[0] == "s":
                plan[w] = target[1]  # a direct arc
            elif f > 0:
                into[target].append(w)  # through a district hub or the global one
    for hub, ws in into.items():
        leaders = sorted((t[1], f) for t, f in flows[hub].items() if f > 0)
        plan.update(zip(ws, [s for s, f in leaders for _ in range(f)], strict=True))
    return plan


def greedy_plan(weak: list[str], room: dict[str, int], m: CostModel) -> dict[str, str]:
    """The baseline: weakest first (lowest score, then id), each takes the cheapest leader
    with room left (ties by id). Cost: weak × leaders of its street, plus heap steps."""
    left = {s: n for s, n in room.items() if n > 0}
    by_group: dict[tuple[str, str], list[str]] = defaultdict(list)
    heaps: dict[str | None, list[tuple[int, str]]] = defaultdict(list)
    for s in sorted(left):
        site_ = m.sites[s]
        if site_.group is not None:
            by_group[site_.group].append(s)
        if site_.district is not None:
            heaps[site_.district].append((m.strong_part(s), s))
        heaps[None].append((m.strong_part(s), s))  # None: every leader anywhere
    for h in heaps.values():
        heapq.heapify(h)
    plan: dict[str, str] = {}
    for w in sorted(weak, key=lambda w: (m.sites[w].score, w)):
        best: tuple[int, str] | None = None
        group = m.sites[w].group
        for s in by_group.get(group, ()) if group is not None else ():
            if left[s] > 0:
                best = min(best or (m.pair_cost(w, s), s), (m.pair_cost(w, s), s))
        for key in {m.sites[w].district, None}:
            h = heaps.get(key, [])
            while h and left[h[0][1]] == 0:
                heapq.heappop(h)
            if h:
                s = h[0][1]
                best = min(best or (m.pair_cost(w, s), s), (m.pair_cost(w, s), s))
        if best is None:
            break  # no room anywhere
        plan[w] = best[1]
        left[best[1]] -= 1
    return plan
