"""Members of a generated ledger: how many each slot holds, then the rows, streamed.

:func:`plan_members` fixes the size of every area slot (compound, grid and
village branches share what the units leave of the profile's total, by the
households they cover) and numbers the members, so member ids are known before
any row is made. :func:`member_rows` then yields one row per member, slot by
slot, drawing names, ages, homes, reporting and grid assignment as it goes:
the rows are never all in memory.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Iterator, Sequence
from itertools import accumulate

from lianjian.generator.model import World, member_id
from lianjian.generator.names import person_name
from lianjian.generator.words import words

__all__ = ["plan_members", "member_rows", "ROLE_ZH"]

ROLE_ZH = words("member_role")
CATEGORY_ZH = words("member_category")
GENDER_ZH = words("gender")
STATUS_ZH = words("member_status")
MIX = {  # slot kind → category weights (employed, retired, mobile, other)
    "unit": (1, 0, 0, 0),
    "area": (17, 68, 5, 10),
    "village": (3, 25, 10, 62),
    "functional": (20, 45, 35, 0),
    "temporary": (50, 0, 50, 0),
}
CATEGORIES = ("employed", "retired", "mobile", "other")
FEMALE = {"employed": 0.38, "retired": 0.28, "mobile": 0.25, "other": 0.3}
BORN = {
    "employed": (1966, 2001),
    "retired": (1936, 1966),
    "mobile": (1970, 2003),
    "other": (1950, 1998),
}
EDUCATION = ("postgraduate", "bachelor", "college", "high_school", "middle_or_below")
EDUCATION_ZH = tuple(words("education")[e] for e in EDUCATION)  # drawn by EDU_WEIGHTS
EDU_WEIGHTS = {
    "employed": (12, 50, 25, 10, 3),
    "retired": (2, 15, 20, 33, 30),
    "mobile": (1, 15, 30, 34, 20),
    "other": (0, 3, 10, 30, 57),
}
P_LEADER, P_OWNERS, P_GRID_WORKER = 0.17, 0.016, 0.02


def _cumulative(weights: Sequence[float]) -> tuple[list[float], float]:
    cum = list(accumulate(weights))
    return cum, cum[-1]


MIX_CUM = {k: _cumulative(v) for k, v in MIX.items()}
EDU_CUM = {k: _cumulative(v) for k, v in EDU_WEIGHTS.items()}


def plan_members(w: World) -> None:
    """Area slot sizes, member numbers, and the grids nobody is to be assigned to."""
    rng = w.rng
    target = w.count(w.p.members, 1)
    area = [s for s in w.slots if s.kind in ("area", "village")]
    fixed = sum(s.n for s in w.slots if s.kind not in ("area", "village"))
    budget = max(0, target - fixed)
    shares = [s.weight * rng.lognormvariate(0, 0.25) for s in area]
    lo, hi = 0.0, budget / (sum(shares) or 1.0) * 2 + 1
    for _ in range(40):  # the factor that makes the sizes (at least 3 each) add up to budget
        mid = (lo + hi) / 2
        if sum(max(3, round(mid * x)) for x in shares) > budget:
            hi = mid
        else:
            lo = mid
    for s, x in zip(area, shares, strict=True):
        s.n = max(3, round(lo * x))
    index = 1
    for s in w.slots:
        s.start = index
        index += s.n
    w.members = index - 1
    for c in w.communities:
        for grid in c.grids:
            if w.gaps("assigned", w.p.gaps.assigned):
                w.neglected.add(grid)


def member_rows(w: World) -> Iterator[list[str]]:
    """One row per member (in the schema's column order), slot by slot."""
    p, rng = w.p, w.rng
    rand, choice, randint = rng.random, rng.choice, rng.randint
    comms = w.communities
    buildings = w.buildings
    by_street = [[ci for ci in s.communities] for s in w.streets]
    by_district: list[list[int]] = [[] for _ in w.districts]
    for ci, c in enumerate(comms):
        by_district[c.district].append(ci)
    open_grids = [[g for g in c.grids if g not in w.neglected] for c in comms]
    led = bytearray(len(buildings))
    roles_plan = w.roles
    named: dict[str, set[str]] = {}  # org → its members' names: a name is unique in its org
    for s in w.slots:
        names = named.setdefault(s.org, set())
        mix, mix_total = MIX_CUM[s.kind]
        unit = w.units[s.unit] if s.unit >= 0 else None
        contacts = [g for g in unit.contacts if g not in w.neglected] if unit else []
        home_comm = comms[s.community] if s.community >= 0 else None
        for k in range(s.n):
            index = s.start + k
            cat = "employed" if unit else CATEGORIES[bisect(mix, rand() * mix_total)]
            female = rand() < FEMALE[cat]
            lo, hi = BORN[cat]
            born = randint(lo, hi)
            edu_cum, edu_total = EDU_CUM[cat]
            edu = EDUCATION_ZH[bisect(edu_cum, rand() * edu_total)]
            young = born >= 1990
            probationary = k > 0 and cat != "retired" and rand() < (0.12 if young else 0.045)
            home = -1
            if unit is not None:
                if rand() >= 0.08:
                    uc = comms[unit.community]
                    pool = by_street[uc.street] if rand() < 0.55 else by_district[uc.district]
                    home = choice(comms[choice(pool)].residential)
            elif s.homes:
                home = choice(s.homes)
            elif home_comm is not None and not (cat == "mobile" and rand() < 0.5):
                home = choice(home_comm.residential)
            reported = assigned = ""
            if cat == "employed" and home >= 0:
                hc = buildings[home].community
                if rand() < (p.report_rate if unit else p.report_rate / 2):
                    reported = comms[hc].id
                if contacts:
                    if rand() < p.assign_rate:
                        assigned = choice(contacts)
                elif unit is not None and rand() < p.assign_rate * 0.3 and open_grids[hc]:
                    assigned = choice(open_grids[hc])
            roles = list(roles_plan.get(index, ()))
            if home >= 0 and cat != "mobile":
                b = buildings[home]
                if not led[home] and rand() < P_LEADER:
                    led[home] = 1
                    roles.append("building_leader")
                if b.compound and rand() < P_OWNERS:
                    roles.append("owners_committee")
            if s.kind in ("area", "village") and rand() < P_GRID_WORKER:
                roles.append("grid_worker")
            name = person_name(rng, female)
            while name in names:  # a secretary is named by name, looked up in their org
                name = person_name(rng, female)
            names.add(name)
            yield [
                member_id(index),
                name,
                GENDER_ZH["female" if female else "male"],
                str(born),
                edu,
                STATUS_ZH["probationary" if probationary else "full"],
                CATEGORY_ZH[cat],
                s.org,
                unit.id if unit else "",
                buildings[home].id if home >= 0 else "",
                reported,
                assigned,
                "、".join(ROLE_ZH[r] for r in roles),
            ]
