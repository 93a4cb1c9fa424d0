"""The in-memory plan of a generated ledger: places, units, organisations, member slots.

Everything but the members is planned in memory (a city at scale 10 is a few
hundred thousand small records); members are only planned as *slots*: an org,
a unit, a count and a first member number. Member ids are therefore known
before a single member row exists, so secretaries, instructors and part-time
committee members can be named while members are still to be streamed out.

Dates are fixed relative to :data:`REF_DATE`, never today, so a seed gives the
same bytes on any day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from lianjian.core.schema import SCHEMA
from lianjian.generator.names import Namer
from lianjian.generator.profiles import Profile

__all__ = [
    "REF_DATE",
    "Building",
    "Community",
    "Gaps",
    "Org",
    "Slot",
    "Street",
    "Unit",
    "World",
    "member_id",
]

REF_DATE = dt.date(2026, 6, 30)
STATE_KINDS = ("agency", "institution", "school", "hospital", "soe")


Link = tuple[str, str, str, dt.date | None, dt.date | None, str]


def member_id(index: int) -> str:
    return f"DY{index:08d}"


@dataclass
class Street:
    id: str
    name: str
    district: int
    town: bool
    lat: float
    lon: float
    communities: list[int] = field(default_factory=list)
    org: str = ""
    office: int = -1  # the street office unit (街道办事处 / 镇政府)


@dataclass
class Community:
    id: str
    name: str
    street: int
    district: int
    village: bool
    lat: float
    lon: float
    grids: list[str] = field(default_factory=list)
    compounds: list[str] = field(default_factory=list)
    compound_grids: dict[str, list[str]] = field(default_factory=dict)
    residential: list[int] = field(default_factory=list)  # building indexes
    by_grid: dict[str, list[int]] = field(default_factory=dict)
    by_compound: dict[str, list[int]] = field(default_factory=dict)
    new_domain: list[int] = field(default_factory=list)
    org: str = ""
    big_committee: str = ""


@dataclass
class Building:
    id: str
    name: str
    kind: str
    grid: str
    compound: str
    households: int | None
    lat: float
    lon: float
    community: int


@dataclass
class Unit:
    id: str
    name: str
    kind: str
    community: int
    location: str
    n: int  # listed members planned
    listed: bool = True  # False: only the declared count is in the ledger
    declared: int | None = None
    plan: str = "none"  # own, joint, guided, none
    orgs: list[str] = field(default_factory=list)
    slots: list[int] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)  # grids (包保联系)
    credit: str = ""


@dataclass
class Org:
    id: str
    name: str
    kind: str
    parent: str = ""
    unit: str = ""
    covers: list[str] = field(default_factory=list)
    founded: dt.date | None = None
    term_end: dt.date | None = None
    rating: int | None = None
    has_committee: str = ""
    secretary: str = ""
    members: int = 0
    first: int = -1  # first member index of the org's own slots
    district: int = 0


@dataclass
class Slot:
    """``n`` members in a row, sharing an org, a unit and where they live."""

    org: str
    unit: int  # unit index or -1
    n: int
    kind: str  # unit, area, village, functional, temporary
    community: int  # home community (-1: anywhere near the unit)
    homes: list[int] | None = None  # candidate home buildings
    start: int = 0
    weight: float = 0.0  # an area slot's share of the area members


class Gaps:
    """Planted gaps: each rule's chance per opportunity, and at least one where allowed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: Counter[str] = Counter()
        self.hits: Counter[str] = Counter()

    def __call__(self, rule: str, p: float, first: bool = False) -> bool:
        """A gap here? At rate ``p``; the second opportunity (``first``: the first) at the
        latest, so that even a small ledger has one of each kind."""
        n = self.seen[rule]
        self.seen[rule] += 1
        draw = self.rng.random()
        if p <= 0:
            return False
        hit = draw < p or (n == (0 if first else 1) and not self.hits[rule])
        if hit:
            self.hits[rule] += 1
        return hit


@dataclass
class World:
    p: Profile
    scale: float
    rng: random.Random
    names: Namer
    gaps: Gaps
    districts: list[tuple[str, str]] = field(default_factory=list)
    district_orgs: list[tuple[str, str]] = field(default_factory=list)  # (agencies, two-new)
    streets: list[Street] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    regions: list[tuple[str, str, str, str]] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    org_index: dict[str, int] = field(default_factory=dict)
    slots: list[Slot] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    link_keys: set[tuple[str, str, str]] = field(default_factory=set)
    roles: dict[int, list[str]] = field(default_factory=dict)
    neglected: set[str] = field(default_factory=set)  # grids nobody is assigned to
    members: int = 0

    def count(self, base: float, at_least: int = 0) -> int:
        return max(at_least, round(base * self.scale))

    def add_org(self, org: Org) -> Org:
        self.org_index[org.id] = len(self.orgs)
        self.orgs.append(org)
        return org

    def org(self, org_id: str) -> Org:
        return self.orgs[self.org_index[org_id]]

    def new_org_id(self) -> str:
        return f"DZZ{len(self.orgs) + 1:06d}"

    def add_slot(self, slot: Slot) -> None:
        if slot.n <= 0:
            return
        if slot.unit >= 0:
            self.units[slot.unit].slots.append(len(self.slots))
        self.slots.append(slot)

    def add_role(self, index: int, role: str) -> None:
        roles = self.roles.setdefault(index, [])
        if role not in roles:
            roles.append(role)

    def link(
        self,
        source: str,
        target: str,
        kind: str,
        since: dt.date | None,
        until: dt.date | None = None,
        note: str = "",
    ) -> bool:
        key = (SCHEMA.enum_value("link_kind", kind), source, target)  # one kind, any name
        if key in self.link_keys or source == target:
            return False
        self.link_keys.add(key)
        if since and until and until < since:  # drawn apart: the link ran between the two days
            since, until = until, since
        self.links.append((source, target, kind, since, until, note))
        return True

    def date(self, first_year: int, last: dt.date) -> dt.date:
        """A day from 1 January ``first_year`` up to ``last``."""
        start = dt.date(first_year, 1, 1)
        return start + dt.timedelta(days=self.rng.randrange(max(1, (last - start).days)))

    def term(self, years: int, expired: bool) -> tuple[dt.date, dt.date]:
        """(election day, term end): ended before REF_DATE if ``expired``, else after it."""
        rng = self.rng
        if expired:
            end = REF_DATE - dt.timedelta(days=rng.randrange(5, 420))
        else:
            end = REF_DATE + dt.timedelta(days=rng.randrange(1, 365 * years))
        return years_before(end, years), end


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February)."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - years, 2, 28)
    return day.replace(year=day.year - years)
