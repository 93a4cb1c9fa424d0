"""Party organisations of a generated ledger, by place: street, community, compound,
grid and building, and the big committees, functional and temporary organisations
and alliances around them.

The five levels of 南谯区's published practice: street working committee — community committee (or
general branch) — compound / grid branch — building party group — member
household. Villages have a branch (or a general branch with grid branches).
Gaps are planted at the profile's rates: compounds, grids and buildings left
without an organisation.
"""

from __future__ import annotations

import datetime as dt

from lianjian.generator.model import REF_DATE, Community, Org, Slot, World, member_id

__all__ = ["build_street_orgs", "build_area_orgs", "build_other_orgs", "finalize_orgs"]

FUNCTIONAL = (
    "老党员志愿服务队",
    "流动党员",
    "红色物业",
    "退役军人",
    "新时代文明实践",
    "平安巡逻队",
    "银发先锋",
    "邻里互助",
    "快递小哥",
    "网约车司机",
)
PROJECTS = (
    "老旧小区改造项目",
    "防汛抢险",
    "安置房建设项目",
    "乡村振兴工作队",
    "重点项目建设",
    "文明城市创建",
    "招商引资专班",
    "棚户区改造项目",
)
ALLIANCES = ("区域化", "红色物业", "产业", "商圈", "村企", "共建共享", "")


def _org(w: World, name: str, kind: str, parent: str, district: int, covers: list[str]) -> Org:
    return w.add_org(Org(w.new_org_id(), name, kind, parent, covers=covers, district=district))


def build_street_orgs(w: World) -> None:
    """The district's agency and two-new working committees; one org per street."""
    for d, (code, name) in enumerate(w.districts):
        a = _org(w, f"中共{name}直属机关工作委员会", "working_committee", "", d, [code])
        t = _org(
            w, f"中共{name}非公有制经济组织和社会组织工作委员会", "working_committee", "", d, [code]
        )
        w.district_orgs.append((a.id, t.id))
    for s in w.streets:
        dname = w.districts[s.district][1]
        if s.town:
            o = _org(w, f"中共{dname}{s.name}委员会", "committee", "", s.district, [s.id])
        else:
            o = _org(
                w, f"中共{dname}{s.name}工作委员会", "working_committee", "", s.district, [s.id]
            )
        s.org = o.id


def _area_slot(w: World, org: str, kind: str, ci: int, homes: list[int]) -> None:
    """A slot whose size is set later, by the households of the buildings it covers."""
    c = w.communities[ci]
    homes = homes or c.residential
    weight = sum(w.buildings[b].households or 0 for b in homes) * (1.6 if kind == "village" else 1)
    w.slots.append(Slot(org, -1, 0, kind, ci, homes, weight=max(weight, 20.0)))


def build_area_orgs(w: World) -> None:
    names = {r[0]: r[1] for r in w.regions}
    for ci, c in enumerate(w.communities):
        district = c.district
        street_org = w.streets[c.street].org
        covering: dict[str, str] = {}  # compound or grid → the branch on it
        if c.village:
            _village(w, ci, c, street_org, covering, names)
        else:
            _urban(w, ci, c, street_org, covering, names)
        if w.p.grid_groups:
            for grid in c.grids:
                parent = covering.get(grid, c.org)
                _org(w, f"{names[grid]}党小组", "group", parent, district, [grid])
        _building_groups(w, c, covering)


def _formal(w: World, plain: str, formal: str) -> str:
    return formal if w.rng.random() < 0.3 else plain


def _village(
    w: World,
    ci: int,
    c: Community,
    street_org: str,
    covering: dict[str, str],
    names: dict[str, str],
) -> None:
    big = len(c.grids) >= 4
    if big:
        name = _formal(w, f"{c.name}党总支", f"中共{c.name}总支部委员会")
        o = _org(w, name, "general_branch", street_org, c.district, [c.id])
        c.org = o.id
        _grid_branches(w, ci, c, o.id, covering, "village")
    else:
        name = _formal(w, f"{c.name}党支部", f"中共{c.name}支部委员会")
        o = _org(w, name, "branch", street_org, c.district, [c.id, *c.grids])
        c.org = o.id
        for grid in c.grids:
            covering[grid] = o.id
        _area_slot(w, o.id, "village", ci, c.residential)
    for xid in c.compounds:
        if not w.gaps("compound_org", w.p.gaps.compound_org):
            b = _org(w, f"{names[xid]}党小组", "group", c.org, c.district, [xid])
            covering[xid] = b.id


def _urban(
    w: World,
    ci: int,
    c: Community,
    street_org: str,
    covering: dict[str, str],
    names: dict[str, str],
) -> None:
    g = w.p.gaps
    kind = "committee" if len(c.grids) >= 8 or w.rng.random() < 0.5 else "general_branch"
    if kind == "committee":
        name = _formal(w, f"{c.name}党委", f"中共{c.name}委员会")
    else:
        name = _formal(w, f"{c.name}党总支", f"中共{c.name}总支部委员会")
    o = _org(w, name, kind, street_org, c.district, [c.id])
    c.org = o.id
    for xid in c.compounds:
        if w.gaps("compound_org", g.compound_org):
            continue
        grids = [gr for gr in c.compound_grids[xid] if gr not in covering]
        b = _org(w, f"{names[xid]}党支部", "branch", o.id, c.district, [xid, *grids])
        covering[xid] = b.id
        for gr in grids:
            covering[gr] = b.id
        _area_slot(w, b.id, "area", ci, c.by_compound[xid])
    _grid_branches(w, ci, c, o.id, covering, "area")


def _grid_branches(
    w: World, ci: int, c: Community, parent: str, covering: dict[str, str], slot: str
) -> None:
    """A branch on each grid no branch covers yet, but for the gaps planted."""
    for k, grid in enumerate(c.grids, 1):
        if grid in covering or w.gaps("grid_branch", w.p.gaps.grid_branch):
            continue
        b = _org(w, f"{c.name}第{k}网格党支部", "branch", parent, c.district, [grid])
        covering[grid] = b.id
        _area_slot(w, b.id, slot, ci, c.by_grid[grid])


def _building_groups(w: World, c: Community, covering: dict[str, str]) -> None:
    """A party group (sometimes over two or three neighbours) or a member household."""
    rng, rate = w.rng, w.p.gaps.building_group
    done: set[int] = set()
    for i, bi in enumerate(c.residential):
        if bi in done:
            continue
        b = w.buildings[bi]
        if w.gaps("building_group", rate):
            continue
        parent = covering.get(b.compound) or covering.get(b.grid) or c.org
        if rng.random() < 0.15:
            _org(w, f"{b.name}党员中心户", "household", parent, c.district, [b.id])
            continue
        group = [bi]
        if rng.random() < 0.25:
            for bj in c.residential[i + 1 : i + 3]:
                nb = w.buildings[bj]
                if bj not in done and nb.compound == b.compound and nb.grid == b.grid:
                    group.append(bj)
        done.update(group)
        name = f"{b.name}党小组" if len(group) == 1 else f"{b.name}等{len(group)}栋楼党小组"
        _org(w, name, "group", parent, c.district, [w.buildings[x].id for x in group])


def build_other_orgs(w: World) -> None:
    """Functional and temporary organisations, big committees, alliances."""
    p, rng = w.p, w.rng
    for ci, c in enumerate(w.communities):
        n = int(p.functional) + (rng.random() < p.functional - int(p.functional))
        for what in rng.sample(FUNCTIONAL, min(n, len(FUNCTIONAL))):
            o = _org(w, f"{c.name}{what}功能型党支部", "functional", c.org, c.district, [c.id])
            w.add_slot(Slot(o.id, -1, rng.randint(3, 14), "functional", ci))
    n_temp = w.count(p.temporary)
    for ci in sorted(rng.choices(range(len(w.communities)), k=n_temp)):
        c = w.communities[ci]
        project = rng.choice(PROJECTS)
        covers = [c.id]
        if c.new_domain and rng.random() < 0.3:
            covers = [w.buildings[rng.choice(c.new_domain)].id]
        street_org = w.streets[c.street].org
        name = w.names.unique(
            lambda c=c, project=project: f"{c.name}{project}临时党支部",
            f"{c.name}{project}第",
            "temporary",
        )
        o = _org(w, name, "temporary_branch", street_org, c.district, covers)
        w.add_slot(Slot(o.id, -1, rng.randint(3, 12), "temporary", ci))
    for c in w.communities:
        rate = p.big_committee_village if c.village else p.big_committee_urban
        if rng.random() < rate:
            street_org = w.streets[c.street].org
            o = _org(w, f"{c.name}大党委", "big_committee", street_org, c.district, [c.id])
            c.big_committee = o.id
    for s in w.streets:
        n = int(p.alliances) + (rng.random() < p.alliances - int(p.alliances))
        for what in rng.sample(ALLIANCES, min(n, len(ALLIANCES))):
            _org(w, f"{s.name}{what}党建联合体", "alliance", s.org, s.district, [s.id])


RATED = {
    "working_committee": 0.3,
    "committee": 0.85,
    "general_branch": 0.85,
    "branch": 0.85,
    "joint_branch": 0.85,
    "temporary_branch": 0.6,
    "functional": 0.6,
}
SECRETARY_KINDS = ("working_committee", "committee", "general_branch", "branch", "joint_branch")
TERM_YEARS = {
    "working_committee": 5,
    "committee": 5,
    "general_branch": 5,
    "branch": 3,
    "joint_branch": 3,
    "big_committee": 5,
}
FOUNDED = {
    "working_committee": 1995,
    "committee": 1998,
    "general_branch": 2000,
    "branch": 2008,
    "joint_branch": 2012,
    "temporary_branch": 2024,
    "functional": 2017,
    "group": 2017,
    "household": 2018,
    "big_committee": 2018,
    "alliance": 2019,
}


def finalize_orgs(w: World) -> None:
    """Member counts, secretaries, committees, ratings and terms, once slots have members."""
    g, rng, gaps = w.p.gaps, w.rng, w.gaps
    for s in w.slots:
        if s.org:
            o = w.org(s.org)
            o.members += s.n
            if o.first < 0:
                o.first = s.start
    below: dict[str, int] = {}  # org → a member somewhere under it
    for o in reversed(w.orgs):
        mine = o.first if o.first >= 0 else below.get(o.id, -1)
        if mine >= 0 and o.parent and o.parent not in below:
            below[o.parent] = mine
        below.setdefault(o.id, mine)
    for o in w.orgs:
        k = o.kind
        if k in SECRETARY_KINDS or k in ("temporary_branch", "functional"):
            who = below.get(o.id, -1)
            if who >= 0 and not (k in SECRETARY_KINDS and gaps("secretary", g.secretary)):
                o.secretary = member_id(who)
        if k in ("branch", "joint_branch") and o.members >= 7:
            o.has_committee = rng.choice(("否", "")) if gaps("committee", g.committee) else "是"
        elif k in ("branch", "joint_branch", "temporary_branch", "functional"):
            o.has_committee = "是" if o.members >= 7 else rng.choice(("否", "否", "否", ""))
        elif k in ("working_committee", "committee", "general_branch"):
            o.has_committee = "是"
        if k in RATED and rng.random() < RATED[k]:
            o.rating = rng.choices((5, 4, 3, 2, 1), (22, 38, 30, 6, 4))[0]
        founded = w.date(FOUNDED[k], REF_DATE)
        if k in TERM_YEARS:
            start, end = w.term(TERM_YEARS[k], gaps("term", g.term))
            o.term_end = end
            founded = min(founded, start)
        elif k == "temporary_branch":
            expired = gaps("term", g.term)
            founded = w.date(2024, REF_DATE)
            days = rng.randrange(30, 400)
            o.term_end = (
                REF_DATE - dt.timedelta(days=days)
                if expired
                else REF_DATE + dt.timedelta(days=days)
            )
            founded = min(founded, o.term_end - dt.timedelta(days=200))
        o.founded = founded
