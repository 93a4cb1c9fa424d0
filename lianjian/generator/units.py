"""Units of a generated ledger and their party organisations.

Units of every kind the ledger format has (docs/ledger.md), with member counts shaped like a city's: a
few large agencies, hospitals and state firms, many small private firms and
social organisations with none, one or two members. What each unit gets
follows the rules (Party Constitution art. 30; 支部工作条例 2018): three or more
members, an own organisation (a branch, or a general branch / committee over
branches of at most 50); one or two, a joint branch of up to five units; none,
party *work* coverage by a joint branch or an instructor. A few units are left
without, as the gap rules expect to find in a real ledger.
"""

from __future__ import annotations

import math
from itertools import accumulate

from lianjian.generator.model import STATE_KINDS, Org, Slot, Unit, World

__all__ = ["build_units", "build_unit_orgs"]

SHARES = {
    "agency": 0.16,
    "institution": 0.12,
    "school": 0.06,
    "hospital": 0.03,
    "soe": 0.07,
    "private": 0.40,
    "social": 0.16,
}
MEDIANS = {"agency": 40, "institution": 25, "school": 20, "hospital": 60, "soe": 40, "office": 30}
CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_PREFIX = {
    "agency": "11",
    "institution": "12",
    "school": "12",
    "hospital": "12",
    "social": "52",
}
ORDINALS = "一二三四五六七八九十"


def ordinal(k: int) -> str:
    """第一, 第二 ... 第十, then digits."""
    return f"第{ORDINALS[k - 1]}" if 1 <= k <= len(ORDINALS) else f"第{k}"


def _kinds(w: World, n: int) -> list[str]:
    """``n`` unit kinds in the shares above (largest remainder), shuffled."""
    raw = {k: n * s for k, s in SHARES.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: counts[k] - raw[k])[: n - sum(counts.values())]:
        counts[k] += 1
    kinds = [k for k, c in counts.items() for _ in range(c)]
    w.rng.shuffle(kinds)
    return kinds


def _small(w: World, kind: str) -> int:
    r = w.rng.random()
    zero, few, typical = {"private": (0.33, 0.63, 6), "social": (0.5, 0.8, 3)}.get(
        kind, (0.2, 0.45, 5)
    )
    if r < zero:
        return 0
    if r < few:
        return w.rng.randint(1, 2)
    return 3 + int(w.rng.lognormvariate(math.log(typical), 0.7))


def build_units(w: World) -> None:
    p, rng = w.p, w.rng
    n_units = w.count(p.units, 1)
    offices = len(w.streets)
    others = max(0, n_units - offices)
    has_compounds = any(c.compounds for c in w.communities)
    n_property = min(others, w.count(p.property_units, 1 if has_compounds else 0))
    kinds = ["office"] * offices + ["property"] * n_property + _kinds(w, others - n_property)
    cum = list(accumulate(1.0 if c.village else 3.0 for c in w.communities))
    spots = range(len(w.communities))
    new_domain: dict[int, list[int]] = {}
    for bi, b in enumerate(w.buildings):
        if b.kind != "residential":
            d = w.communities[b.community].district
            new_domain.setdefault(d, []).extend([bi] * (2 if b.kind == "park" else 1))

    raw: list[float] = []
    for i, kind in enumerate(kinds):
        if kind == "office":
            ci = w.streets[i].communities[0]
            w.streets[i].office = i
        else:
            ci = rng.choices(spots, cum_weights=cum)[0]
        c = w.communities[ci]
        dname = w.districts[c.district][1]
        if kind == "office":
            street = w.streets[c.street]
            name = street.name + ("人民政府" if street.town else "办事处")
        else:
            name = w.names.unit(kind, dname, p.city)
        location = c.id
        if kind in ("private", "social") and new_domain.get(c.district) and rng.random() < 0.55:
            bi = rng.choice(new_domain[c.district])
            location, ci = w.buildings[bi].id, w.buildings[bi].community
        code = w.districts[c.district][0]
        credit = CREDIT_PREFIX.get(kind, "91") + code + "".join(rng.choices(CREDIT, k=10))
        u = Unit(f"0{i + 1:05d}", name, "agency" if kind == "office" else kind, ci, location, 0)
        u.credit = credit
        w.units.append(u)
        if kind in MEDIANS:
            raw.append(rng.lognormvariate(math.log(MEDIANS[kind]), 0.7))
        else:
            raw.append(-1.0)
            u.n = _small(w, kind)

    budget = w.count(p.members) * p.employed_share
    small = sum(u.n for u, r in zip(w.units, raw, strict=True) if r < 0)
    big = sum(r for r in raw if r > 0) or 1.0
    factor = max(0.2, (budget - small) / big)
    for u, r in zip(w.units, raw, strict=True):
        if r > 0:
            u.n = max(3, round(r * factor))
        _plan(w, u)


def _plan(w: World, u: Unit) -> None:
    """Own org, joint branch, guidance or nothing; and whether members are listed.

    A property company left with nothing counts against ``property_work`` whatever
    its size, so a profile whose property companies are all covered (002) has none.
    """
    g, gaps, rng = w.p.gaps, w.gaps, w.rng
    if u.kind == "property":
        left = gaps("property_work", g.property_work, first=True)
        if u.n >= 3:
            u.plan = "none" if left else "own"
        elif u.n >= 1:
            u.plan = "none" if left else "joint"
        else:
            u.plan = "none" if left else "joint" if rng.random() < 0.3 else "guided"
    elif u.n >= 3:
        u.plan = "none" if gaps("unit_own_org", g.unit_own_org) else "own"
    elif u.n >= 1:
        u.plan = "none" if gaps("unit_joint", g.unit_joint, first=True) else "joint"
        if u.plan == "joint" and u.kind in ("private", "social") and rng.random() < 0.08:
            u.listed, u.declared = False, u.n  # a count only, no names yet
    elif u.kind in ("private", "social"):
        if rng.random() < 0.3:
            u.plan = "joint"
        else:
            u.plan = "none" if gaps("unit_work", g.unit_work, first=True) else "guided"
    if u.listed and rng.random() < (0.7 if u.n == 0 else 0.5):
        u.declared = u.n


def _unit_parent(w: World, u: Unit) -> str:
    c = w.communities[u.community]
    agencies, two_new = w.district_orgs[c.district]
    if u.kind in STATE_KINDS and not u.name.endswith(("办事处", "人民政府")):
        return agencies
    if u.kind in ("private", "social"):
        return two_new
    return w.streets[c.street].org


def _new_org(w: World, name: str, kind: str, parent: str, unit: str = "") -> Org:
    c_district = 0
    if parent:
        c_district = w.org(parent).district
    return w.add_org(Org(w.new_org_id(), name, kind, parent, unit, district=c_district))


def build_unit_orgs(w: World) -> None:
    """Own orgs, the joint branches of new-domain buildings and streets, loose members."""
    g, rng = w.p.gaps, w.rng
    for ui, u in enumerate(w.units):
        if u.plan == "own":
            _own_org(w, ui, u)
    pool: dict[str, list[int]] = {}  # location → joint-plan units there
    at: dict[str, list[int]] = {}  # location → all units there
    for ui, u in enumerate(w.units):
        at.setdefault(u.location, []).append(ui)
        if u.plan == "joint":
            pool.setdefault(u.location, []).append(ui)
    for c in w.communities:
        for bi in c.new_domain:
            b = w.buildings[bi]
            if any(w.units[ui].plan == "own" for ui in at.get(b.id, [])):
                continue  # a unit's own org covers the building (两个覆盖)
            if w.gaps("new_domain", g.new_domain, first=True):
                for ui in pool.pop(b.id, []):
                    pool.setdefault(c.id, []).append(ui)  # joined elsewhere, not here
                continue
            small = pool.pop(b.id, [])
            if len(small) < 2:  # one small unit is no joint branch: it joins one nearby
                pool.setdefault(c.id, []).extend(small)
                o = _new_org(w, f"{b.name}功能型党组织", "functional", c.org)
                o.covers = [b.id]
                w.add_slot(Slot(o.id, -1, rng.randint(3, 9), "functional", b.community))
                continue
            size = min(len(small), 5)
            if len(small) >= 6 and w.gaps("joint_wide", g.joint_wide, first=True):
                size = min(len(small), 7)
            _joint(w, f"{b.name}联合党支部", c.org, small[:size], [b.id])
            pool.setdefault(c.id, []).extend(small[size:])
    by_district: dict[int, list[int]] = {}
    for units in pool.values():
        for ui in units:
            by_district.setdefault(w.communities[w.units[ui].community].district, []).append(ui)
    numbers: dict[tuple[int, str], int] = {}
    for _, units in sorted(by_district.items()):
        units.sort(key=lambda ui: (w.units[ui].kind == "property", w.units[ui].community, ui))
        while units:
            size = rng.randint(2, 5)
            if len(units) >= 6 and w.gaps("joint_wide", g.joint_wide, first=True):
                size = rng.randint(6, 7)
            if len(units) - size == 1:
                size = len(units) if len(units) <= 5 else size - 1
            chunk, units = units[:size], units[size:]
            prop = all(w.units[ui].kind == "property" for ui in chunk)
            what = "物业企业" if prop else "非公企业和社会组织"
            s = w.communities[w.units[chunk[0]].community].street
            k = numbers[(s, what)] = numbers.get((s, what), 0) + 1
            street = w.streets[s]
            _joint(w, f"{street.name}{what}{ordinal(k)}联合党支部", street.org, chunk, [])
    for ui, u in enumerate(w.units):
        if u.plan in ("none", "guided") and u.listed and u.n > 0:
            w.add_slot(Slot("", ui, u.n, "unit", -1))


def _joint(w: World, name: str, parent: str, units: list[int], extra: list[str]) -> None:
    o = _new_org(w, name, "joint_branch", parent)
    o.covers = extra + [w.units[ui].id for ui in units]
    for ui in units:
        u = w.units[ui]
        if u.listed:
            w.add_slot(Slot(o.id, ui, u.n, "unit", -1))


def _own_org(w: World, ui: int, u: Unit) -> None:
    g, rng = w.p.gaps, w.rng
    parent = _unit_parent(w, u)
    formal = rng.random() < 0.3
    if u.n <= 50 or (u.n <= 80 and w.gaps("oversized", g.oversized, first=True)):
        name = f"中共{u.name}支部委员会" if formal else f"{u.name}党支部"
        o = _new_org(w, name, "branch", parent, u.id)
        u.orgs.append(o.id)
        w.add_slot(Slot(o.id, ui, u.n, "unit", -1))
        return
    kind = "general_branch" if u.n <= 100 else "committee"
    if formal:
        name = f"中共{u.name}{'总支部委员会' if kind == 'general_branch' else '委员会'}"
    else:
        name = f"{u.name}{'党总支' if kind == 'general_branch' else '党委'}"
    top = _new_org(w, name, kind, parent, u.id)
    u.orgs.append(top.id)
    parts = math.ceil(u.n / 45)
    for k in range(parts):
        size = u.n * (k + 1) // parts - u.n * k // parts
        o = _new_org(w, f"{u.name}{ordinal(k + 1)}党支部", "branch", top.id, u.id)
        u.orgs.append(o.id)
        w.add_slot(Slot(o.id, ui, size, "unit", -1))
