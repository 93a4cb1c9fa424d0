"""Places of a generated ledger: districts, streets, communities, grids, compounds, buildings.

The nesting is the ledger's (docs/ledger.md, schema ``region_nesting``): district →
street → community → grid / compound. A compound spans one to three grids of
its community; grids outside compounds hold loose buildings (old streets,
village houses). Communities cluster around their street, streets around their
district, districts around the profile's city centre.
"""

from __future__ import annotations

import math

from lianjian.generator.model import Building, Community, Street, World
from lianjian.generator.names import GROUP_NUMS
from lianjian.generator.words import spelling, words

__all__ = ["build_places"]

LEVEL = words("region_level")  # 区县 街道 社区 小区 网格, as the levels below are written
DISTRICT = {s: spelling("region_level", "district", s) for s in "区县市"}  # by the name's end
TOWN = spelling("region_level", "street", "乡镇")
VILLAGE = spelling("region_level", "community", "村")


def _spread(w: World, total: int, bins: int, weights: list[float]) -> list[int]:
    """``total`` items over ``bins`` bins, each at least one, the rest by weight."""
    counts = [1] * bins
    rest = total - bins
    if rest > 0:
        for i in w.rng.choices(range(bins), weights, k=rest):
            counts[i] += 1
    return counts


def _jitter(w: World, lat: float, lon: float, sd: float) -> tuple[float, float]:
    return lat + w.rng.gauss(0, sd), lon + w.rng.gauss(0, sd * 1.15)


def build_places(w: World) -> None:
    p, rng = w.p, w.rng
    n_dist = w.count(len(p.districts), 1)
    n_streets = max(n_dist, w.count(p.streets))
    n_comm = max(n_streets, w.count(p.communities))
    town_share = min(1.0, max(0.0, (p.village_share - 0.05) / 0.8))

    spread = 0.22 * math.sqrt(n_dist / len(p.districts))
    centres = []
    for i in range(n_dist):
        if i < len(p.districts):
            code, name = p.districts[i]
        else:
            extra = i - len(p.districts)
            code = f"{int(p.code) + 1 + extra // 20}{extra % 20 + 1:02d}"
            name = w.names.district()
        w.districts.append((code, name))
        level = DISTRICT.get(name[-1], DISTRICT["市"])
        w.regions.append((code, p.city + name if i < len(p.districts) else name, level, ""))
        centres.append((p.center[0], p.center[1]) if i == 0 else _jitter(w, *p.center, spread))

    real = list(p.street_names)
    per_district = _spread(w, n_streets, n_dist, [1.0] * n_dist)
    for d, k in enumerate(per_district):
        code, _ = w.districts[d]
        for j in range(1, k + 1):
            if real:
                name = real.pop(0)
                w.names.used.add(("", name))
                town = name.endswith("镇")
            else:
                town = rng.random() < town_share
                name = w.names.street(town)
            sid = f"{code}{(100 if town else 0) + j:03d}"
            lat, lon = _jitter(w, *centres[d], 0.04)
            w.streets.append(Street(sid, name, d, town, lat, lon))
            w.regions.append((sid, name, TOWN if town else LEVEL["street"], code))

    per_street = _spread(w, n_comm, n_streets, [1.3 if s.town else 1.0 for s in w.streets])
    slots = [s for s, k in enumerate(per_street) for _ in range(k)]
    order = list(range(n_comm))
    rng.shuffle(order)
    order.sort(key=lambda i: not w.streets[slots[i]].town)
    villages = set(order[: round(n_comm * p.village_share)])
    numbers = [0] * n_streets
    for i, s in enumerate(slots):
        _community(w, w.streets[s], s, i in villages, numbers)


def _community(w: World, street: Street, s: int, village: bool, numbers: list[int]) -> None:
    p, rng = w.p, w.rng
    numbers[s] += 1
    cid = f"{street.id}{(200 if village else 0) + numbers[s]:03d}"
    name = w.names.community(village)
    lat, lon = _jitter(w, street.lat, street.lon, 0.012)
    c = Community(cid, name, s, street.district, village, lat, lon)
    ci = len(w.communities)
    w.communities.append(c)
    street.communities.append(ci)
    w.regions.append((cid, name, VILLAGE if village else LEVEL["community"], street.id))

    mean = p.grids_village if village else p.grids_urban
    n_grids = max(1, round(rng.gauss(mean, mean * 0.25)))
    for k in range(1, n_grids + 1):
        gid = f"{cid}G{k:02d}"
        c.grids.append(gid)
        c.by_grid[gid] = []
        w.regions.append((gid, f"{name}第{k}网格", LEVEL["grid"], cid))

    if village:
        n_cp = 1 if rng.random() < p.compounds_village else 0
    else:
        n_cp = max(0, round(rng.gauss(p.compounds_urban, p.compounds_urban * 0.45)))
    ptr = 0
    for k in range(1, n_cp + 1):
        xid = f"{cid}X{k:02d}"
        span_n = min(n_grids, rng.choices((1, 2, 3), (0.55, 0.33, 0.12))[0])
        span = [c.grids[(ptr + j) % n_grids] for j in range(span_n)]
        ptr += span_n
        cp_name = w.names.compound()
        c.compounds.append(xid)
        c.compound_grids[xid] = span
        c.by_compound[xid] = []
        w.regions.append((xid, cp_name, LEVEL["compound"], cid))
        n_b = max(2, round(rng.gauss(p.buildings_compound, p.buildings_compound * 0.4)))
        for j in range(1, n_b + 1):
            grid = span[(j - 1) * len(span) // n_b]
            _building(
                w, c, ci, f"{cp_name}{j}栋", "residential", grid, xid, rng.randrange(24, 200, 6)
            )

    spanned = {g for span in c.compound_grids.values() for g in span}
    for k, grid in enumerate(c.grids):
        if grid in spanned:
            continue
        n_b = max(1, round(rng.gauss(p.buildings_loose, p.buildings_loose * 0.5)))
        if village:
            group = GROUP_NUMS[k % len(GROUP_NUMS)]
            for j in range(1, n_b + 1):
                b_name = w.names.numbered(f"{name}{group}组", j)
                _building(w, c, ci, b_name, "residential", grid, "", rng.randrange(4, 31))
        else:
            road = w.names.road()
            no = rng.randrange(1, 30)
            for _ in range(n_b):
                b_name = w.names.numbered(road, no)
                _building(w, c, ci, b_name, "residential", grid, "", rng.randrange(6, 61))
                no = int(b_name.removeprefix(road).removesuffix("号楼")) + rng.randrange(1, 5)
    if not c.residential:
        _building(w, c, ci, f"{name}1号楼", "residential", c.grids[0], "", rng.randrange(6, 61))

    rate = 0.08 if village else p.new_domain
    n_new = int(rate) + (rng.random() < rate - int(rate))
    for _ in range(n_new):
        kind = "park" if village else rng.choices(("commercial", "market", "park"), (5, 3, 2))[0]
        grid = rng.choice(c.grids)
        _building(w, c, ci, w.names.new_domain(kind), kind, grid, "", None)


def _building(
    w: World,
    c: Community,
    ci: int,
    name: str,
    kind: str,
    grid: str,
    compound: str,
    households: int | None,
) -> None:
    residential = kind == "residential"
    k = len(c.residential if residential else c.new_domain) + 1
    bid = f"{c.id}{'B' if residential else 'L'}{k:03d}"
    lat, lon = _jitter(w, c.lat, c.lon, 0.003)
    index = len(w.buildings)
    w.buildings.append(Building(bid, name, kind, grid, compound, households, lat, lon, ci))
    if residential:
        c.residential.append(index)
        c.by_grid[grid].append(index)
        if compound:
            c.by_compound[compound].append(index)
    else:
        c.new_domain.append(index)
