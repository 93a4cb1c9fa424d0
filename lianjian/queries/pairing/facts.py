"""The ledger facts strong-leads-weak pairing reads, gathered per engine into the same
plain structures: Cypher on Neo4j (``pairing/*.cypher``), NetworkX on the embedded store.

Everything after this step (scores, sets, the plan, the audit) runs once, in Python,
on a :class:`Facts`, so both backends give the same answer by construction as long as
they gather the same facts (the tests hold them to it).

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> gather(EmbeddedStore(), "2026-06-30", born_after=1986, educated=["bachelor"])
Facts(orgs={}, links=[])

Cost: linear in the graph's size; on Neo4j three queries and one to place the regions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lianjian.graph.embedded.view import View
from lianjian.queries.catalogue import cypher
from lianjian.queries.places import NOWHERE, Place, anchor_nx, region_place_nx, region_places_cypher

__all__ = ["OrgFacts", "LinkFact", "Facts", "gather", "EDUCATED"]

#: education values that count as college or higher (大专及以上)
EDUCATED = ("college", "bachelor", "postgraduate")


@dataclass(frozen=True)
class OrgFacts:
    """One party organisation: its kind and rating, member counts, where it lies."""

    id: str
    name: str
    kind: str | None
    rating: int | None
    members: int
    young: int
    educated: int
    employed_in_area: int
    place: Place
    point: tuple[float, float] | None


@dataclass(frozen=True)
class LinkFact:
    """One JOINT_BUILD relationship between two organisations (kind, dates as ISO text)."""

    source: str
    target: str
    kind: str
    since: str | None
    until: str | None

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.source, self.target, self.kind, self.since or "", self.until or "")

    def active(self, as_of: str) -> bool:
        """Active when ``until`` is empty or not before ``as_of`` (RULES.md)."""
        return self.until is None or self.until == "" or self.until >= as_of


@dataclass(frozen=True)
class Facts:
    """Every organisation by id (sorted) and every JOINT_BUILD link (sorted)."""

    orgs: dict[str, OrgFacts]
    links: list[LinkFact]


def gather(store: Any, as_of: str, *, born_after: int, educated: Iterable[str]) -> Facts:
    """The facts of ``store`` (embedded or Neo4j): members born after ``born_after`` count
    as young, those with an education in ``educated`` as educated. ``ValueError`` for any
    other kind of store."""
    name = getattr(store, "name", None)
    wanted = sorted(set(educated))
    if name == "embedded":
        return _gather_nx(View(store.graph), born_after, wanted)
    if name == "neo4j":
        return _gather_cypher(store, born_after, wanted)
    raise ValueError(f"pairing needs an embedded or a Neo4j store, not {store!r}")


# ---------------------------------------------------------------- NetworkX


def _gather_nx(v: View, born_after: int, educated: list[str]) -> Facts:
    places: dict[str, Place] = {}
    good = set(educated)
    area = _Area(v)
    points: dict[str, tuple[float, float] | None] = {}
    orgs: dict[str, OrgFacts] = {}
    for o in sorted(v.ids("PartyOrg")):
        members = [m for m in v.sources(o, "MEMBER_OF") if v.label(m) == "Member"]
        anchor = anchor_nx(v, o)
        orgs[o] = OrgFacts(
            id=o,
            name=v.prop(o, "name") or "",
            kind=v.prop(o, "kind"),
            rating=v.prop(o, "rating"),
            members=len(members),
            young=sum(1 for m in members if _born_after(v.prop(m, "birth_year"), born_after)),
            educated=sum(1 for m in members if v.prop(m, "education") in good),
            employed_in_area=area.employed(o),
            place=region_place_nx(v, anchor, places),
            point=_point_nx(v, o, anchor, points),
        )
    links = sorted(
        (
            LinkFact(s, t, d.get("kind") or "", d.get("since"), d.get("until"))
            for s in orgs
            for t, d in v.out_edges(s, "JOINT_BUILD")
            if v.label(t) == "PartyOrg"
        ),
        key=LinkFact.sort_key,
    )
    return Facts(orgs, links)


def _born_after(year: Any, born_after: int) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and year > born_after


class _Area:
    """Employed members in an org's area: what it covers, the regions below (up to 3
    steps), and the grids of the buildings it covers. The members of each region's part
    of an area are gathered once and shared by every org that covers it."""

    def __init__(self, v: View) -> None:
        self.v = v
        self.children: dict[str, list[str]] = {}
        self.members: dict[str, set[str]] = {}
        for r in v.ids("Region"):
            for parent in v.targets(r, "PART_OF"):
                if v.label(parent) == "Region":
                    self.children.setdefault(parent, []).append(r)
            for rel in ("ASSIGNED_TO", "REPORTS_TO"):
                for m, _ in v.in_edges(r, rel):
                    if v.label(m) == "Member" and v.prop(m, "category") == "employed":
                        self.members.setdefault(r, set()).add(m)
        self._below: dict[str, set[str]] = {}

    def below(self, r: str) -> set[str]:
        """Employed members of ``r`` and the regions up to 3 steps below it."""
        found = self._below.get(r)
        if found is None:
            seen, level = {r}, [r]
            for _ in range(3):
                level = [c for x in level for c in self.children.get(x, ()) if c not in seen]
                seen.update(level)
            found = set().union(*(self.members.get(x, ()) for x in seen))
            self._below[r] = found
        return found

    def employed(self, o: str) -> int:
        v = self.v
        parts: list[set[str]] = []
        for t in v.targets(o, "COVERS"):
            label = v.label(t)
            if label == "Region":
                parts.append(self.below(t))
            elif label == "Building":
                grids = (g for g in v.targets(t, "IN_GRID") if v.label(g) == "Region")
                parts.extend(self.members.get(g, set()) for g in grids)
        return len(parts[0]) if len(parts) == 1 else len(set().union(*parts))


def _coords(v: View, b: str) -> tuple[float, float] | None:
    lat, lon = v.prop(b, "lat"), v.prop(b, "lon")
    return None if lat is None or lon is None else (float(lat), float(lon))


def _point_nx(
    v: View, o: str, anchor: str | None, cache: dict[str, tuple[float, float] | None]
) -> tuple[float, float] | None:
    """The building places steps 1–2 reach, if it has coordinates; else the first building
    (by id, with coordinates) of the anchor grid or compound (cached per anchor)."""
    x = v.target(o, "ORG_OF_UNIT") or v.target(o, "COVERS")
    if x is not None and v.label(x) == "Unit":
        x = v.target(x, "LOCATED_IN") or x
    if x is not None and v.label(x) == "Building":
        here = _coords(v, x)
        if here is not None:
            return here
    if anchor is None:
        return None
    if anchor not in cache:
        inside = {b for rel in ("IN_GRID", "IN_COMPOUND") for b, _ in v.in_edges(anchor, rel)}
        with_coords = (_coords(v, b) for b in sorted(inside) if v.label(b) == "Building")
        cache[anchor] = next((c for c in with_coords if c is not None), None)
    return cache[anchor]


# ---------------------------------------------------------------- Cypher


def _gather_cypher(store: Any, born_after: int, educated: list[str]) -> Facts:
    def read(name: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = store.driver.execute_query(
            cypher("pairing", name), params, database_=store.database, routing_="r"
        )
        return [dict(r) for r in records]

    rows = read("org_facts", born_after=born_after, educated=educated)
    area = {r["id"]: r["employed_in_area"] for r in read("org_area")}
    regions = region_places_cypher(store.driver, store.database, (r["anchor"] for r in rows))
    orgs = {
        r["id"]: OrgFacts(
            id=r["id"],
            name=r["name"] or "",
            kind=r["kind"],
            rating=r["rating"],
            members=r["members"],
            young=r["young"],
            educated=r["educated"],
            employed_in_area=area.get(r["id"], 0),
            place=regions.get(r["anchor"], NOWHERE) if r["anchor"] is not None else NOWHERE,
            point=None if r["lat"] is None or r["lon"] is None else (r["lat"], r["lon"]),
        )
        for r in sorted(rows, key=lambda r: r["id"])
    }
    links = sorted(
        (
            LinkFact(r["source"], r["target"], r["kind"] or "", r["since"], r["until"])
            for r in read("links")
        ),
        key=LinkFact.sort_key,
    )
    return Facts(orgs, links)
