"""Links of a generated ledger: contacts, property service, seats, guidance, pairings.

* 包保联系 (001: 54 units contact 366 grids): the larger state units each take
  a run of grids; their employed members are later assigned to those grids.
* 物业服务: property companies manage most compounds of their district.
* 大党委 seats (003, "1+1+N+X"): resident units, property companies and
  contact units sit on a community's big committee; one of their members is
  the part-time committee member (兼职委员).
* 指导: instructors (members of agencies) and agencies guide units without
  members, new-domain buildings and organisations.
* 联建共建 and 以强带弱 (004): communities pair with units; weak organisations
  get a strong partner, except the few the gap rule is meant to find.
"""

from __future__ import annotations

import datetime as dt

from lianjian.generator.model import REF_DATE, STATE_KINDS, World, member_id
from lianjian.generator.words import spelling, words

__all__ = ["build_links"]

KIND = words("link_kind")  # the kinds as the links table writes them: 联建共建, 包保联系 ...
PAIRED = spelling("link_kind", "joint_build", "结对共建")  # joint building's other name


def _since(w: World, first_year: int = 2019) -> dt.date:
    return w.date(first_year, REF_DATE - dt.timedelta(days=30))


def _expired(w: World) -> dt.date:
    return REF_DATE - dt.timedelta(days=w.rng.randrange(10, 500))


def _future(w: World) -> dt.date | None:
    return REF_DATE + dt.timedelta(days=w.rng.randrange(60, 1500)) if w.rng.random() < 0.3 else None


def _member_of(w: World, ui: int) -> int:
    """A member index of unit ``ui`` (-1 when none is listed)."""
    u = w.units[ui]
    if not u.slots:
        return -1
    s = w.slots[w.rng.choice(u.slots)]
    return s.start + w.rng.randrange(s.n)


def build_links(w: World) -> None:
    offices = {s.office for s in w.streets}
    _contacts(w, offices)
    managers = _manages(w)
    _seats(w, managers)
    _guides(w, offices)
    _pairings(w)


def _contacts(w: World, offices: set[int]) -> None:
    rng = w.rng
    able = [ui for ui, u in enumerate(w.units) if u.n >= 3 and u.slots and ui not in offices]
    able.sort(key=lambda ui: (w.units[ui].kind not in STATE_KINDS, -w.units[ui].n, ui))
    k = min(len(able), w.count(w.p.contact_units, 1))
    grids = [g for c in w.communities for g in c.grids if rng.random() >= 0.03]
    if not k or not grids:
        return
    chosen = able[:k]
    rng.shuffle(chosen)
    sizes = _shares([w.units[ui].n for ui in chosen], len(grids))
    start = 0
    for ui, size in zip(chosen, sizes, strict=True):
        part, start = grids[start : start + size], start + size
        u = w.units[ui]
        for g in part:
            if w.link(u.id, g, KIND["contact"], _since(w), None, "包保联系网格"):
                u.contacts.append(g)


def _shares(weights: list[int], total: int) -> list[int]:
    """``total`` split by weight, each at least one while there are enough to go round."""
    whole = sum(weights) or 1
    sizes = [max(1 if total >= len(weights) else 0, total * x // whole) for x in weights]
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    diff, i = total - sum(sizes), 0
    while diff and order:
        j = order[i % len(order)]
        if diff > 0:
            sizes[j], diff = sizes[j] + 1, diff - 1
        elif sizes[j] > 1:
            sizes[j], diff = sizes[j] - 1, diff + 1
        i += 1
    return sizes


def _manages(w: World) -> dict[int, list[int]]:
    """Property service links; returns community → managing property units."""
    rng = w.rng
    props: dict[int, list[int]] = {}
    for ui, u in enumerate(w.units):
        if u.kind == "property":
            props.setdefault(w.communities[u.community].district, []).append(ui)
    anywhere = [ui for units in props.values() for ui in units]
    managers: dict[int, list[int]] = {}
    for ci, c in enumerate(w.communities):
        for xid in c.compounds:
            pool = props.get(c.district) or anywhere
            if not pool or rng.random() < 0.1:
                continue  # an old compound without a property company
            ui = rng.choice(pool)
            until = _expired(w) if rng.random() < 0.04 else None
            w.link(w.units[ui].id, xid, KIND["manages"], _since(w, 2012), until, "")
            if until is None and ui not in managers.setdefault(ci, []):
                managers[ci].append(ui)
    return managers


def _seats(w: World, managers: dict[int, list[int]]) -> None:
    rng, p = w.rng, w.p
    local: dict[int, list[int]] = {}
    by_street: dict[int, list[int]] = {}
    for ui, u in enumerate(w.units):
        local.setdefault(u.community, []).append(ui)
        by_street.setdefault(w.communities[u.community].street, []).append(ui)
    contact_of: dict[str, int] = {}
    for ui, u in enumerate(w.units):
        for g in u.contacts:
            contact_of[g] = ui
    for ci, c in enumerate(w.communities):
        if not c.big_committee:
            continue
        tiers = [local.get(ci, []), managers.get(ci, [])]
        tiers.append([contact_of[g] for g in c.grids if g in contact_of])
        tiers.append(by_street.get(c.street, []))
        candidates: list[int] = []
        for tier in tiers:
            tier = sorted(set(tier))
            rng.shuffle(tier)
            candidates.extend(ui for ui in tier if ui not in candidates)
        n = max(3, round(rng.gauss(p.seats_mean, 1.5)))
        expire = 0
        if w.gaps("big_committee_seats", p.gaps.big_committee_seats):
            n, expire = (rng.randint(0, 2), 0) if rng.random() < 0.6 else (3, 1)
        for j, ui in enumerate(candidates[:n]):
            until = _expired(w) if j < expire else None
            if w.link(w.units[ui].id, c.big_committee, KIND["seat"], _since(w, 2018), until, ""):
                who = _member_of(w, ui)
                if who >= 0 and until is None:
                    w.add_role(who, "part_time_member")


def _guides(w: World, offices: set[int]) -> None:
    rng, p = w.rng, w.p
    agencies = [ui for ui, u in enumerate(w.units) if u.kind == "agency" and u.slots]
    agencies = [ui for ui in agencies if ui not in offices] or agencies
    pending = [ui for ui, u in enumerate(w.units) if u.plan == "guided"]
    rng.shuffle(pending)
    extra = [w.buildings[bi].id for c in w.communities for bi in c.new_domain]
    extra += [c.org for c in w.communities if c.org]
    n_instr = round(p.instructors * len(w.communities)) if agencies else 0
    for _ in range(n_instr):
        who = _member_of(w, rng.choice(agencies))
        if who < 0:
            continue
        w.add_role(who, "instructor")
        for _ in range(rng.randint(1, 3)):
            target = w.units[pending.pop()].id if pending else rng.choice(extra) if extra else ""
            if target:
                w.link(member_id(who), target, KIND["guides"], _since(w), None, "党建指导员")
    for ui in pending:  # the rest: an agency of the district guides them
        u = w.units[ui]
        d = w.communities[u.community].district
        near = [a for a in agencies if w.communities[w.units[a].community].district == d]
        pool = near or agencies or [a for a, x in enumerate(w.units) if x.kind == "agency"]
        if pool:
            w.link(
                w.units[rng.choice(pool)].id,
                u.id,
                KIND["guides"],
                _since(w),
                _future(w),
                "行业指导",
            )
    for u in w.units:  # guidance that lapsed: the unit is left uncovered
        if u.plan == "none" and u.n == 0 and agencies and rng.random() < 0.3:
            src = w.units[rng.choice(agencies)].id
            w.link(src, u.id, KIND["guides"], _since(w, 2018), _expired(w), "指导关系已到期")


def _pairings(w: World) -> None:
    rng, g = w.rng, w.p.gaps
    strong: dict[int, list[str]] = {}
    for o in w.orgs:
        if o.rating is not None and o.rating >= 4:
            strong.setdefault(o.district, []).append(o.id)
    all_strong = [o for d in sorted(strong) for o in strong[d]]
    unit_tops = {}
    for u in w.units:
        if u.orgs and u.kind in STATE_KINDS:
            unit_tops.setdefault(w.communities[u.community].district, []).append(u.orgs[0])
    for c in w.communities:  # 结对共建: a community with one to three units
        if c.village or not c.org:
            continue
        pool = unit_tops.get(c.district, [])
        for top in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
            until = _expired(w) if rng.random() < 0.1 else _future(w)
            w.link(c.org, top, PAIRED, _since(w), until, "社区与驻区单位结对共建")
    for s in w.streets:
        pool = unit_tops.get(s.district, [])
        for top in rng.sample(pool, min(len(pool), rng.randint(2, 6))):
            w.link(
                s.org, top, KIND["joint_build"], _since(w), _future(w), "街道党工委与驻区单位联建"
            )
    street_of = {s.org: s for s in w.streets}
    for o in w.orgs:
        if o.kind != "alliance":
            continue
        street = street_of[o.parent]
        members = [w.communities[ci].org for ci in street.communities]
        members += unit_tops.get(street.district, [])[:6]
        for m in rng.sample(members, min(len(members), rng.randint(3, 8))):
            w.link(o.id, m, KIND["joint_build"], _since(w, 2020), None, "党建联合体成员单位")
    for o in w.orgs:  # 以强带弱
        if o.rating is None or o.rating > 2:
            continue
        pool = [x for x in strong.get(o.district, []) if x != o.id] or all_strong
        if not pool:
            continue
        partner = rng.choice(pool)
        if w.gaps("weak_partner", g.weak_partner):
            if rng.random() < 0.4:
                w.link(
                    partner,
                    o.id,
                    KIND["strong_leads_weak"],
                    _since(w, 2021),
                    _expired(w),
                    "结对期满未续签",
                )
            continue
        if rng.random() < 0.8:
            w.link(
                partner,
                o.id,
                KIND["strong_leads_weak"],
                _since(w, 2021),
                _future(w),
                "以强带弱结对帮扶",
            )
        elif rng.random() < 0.5:
            w.link(o.id, partner, PAIRED, _since(w, 2021), None, "与先进党组织结对共建")
        else:
            w.link(partner, o.id, PAIRED, _since(w, 2021), None, "先进党组织结对共建")
