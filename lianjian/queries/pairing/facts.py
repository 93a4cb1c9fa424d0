"""The ledger facts strong-leads-weak pairing reads: three queries, each a Cypher file
(``pairing/*.cypher``) beside its NetworkX function, gathered into the same plain
structures whichever store answers.

Everything after this step (scores, sets, the plan, the audit) runs once, in Python,
on a :class:`Facts`, so both backends give the same answer by construction as long as
they gather the same facts (the tests hold them to it).

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> gather(EmbeddedStore(), "2026-06-30", born_after=1986, educated=["bachelor"])
Facts(orgs={}, links=[])

Cost: linear in the graph's size; on Neo4j three queries and one to place the regions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lianjian.core.model import is_active
from lianjian.graph.embedded.view import View
from lianjian.graph.store import GraphStore, Query, Rows
from lianjian.queries.catalogue import cypher
from lianjian.queries.places import NOWHERE, Place, anchor_nx, region_places

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
        """Active when ``until`` is empty or not before ``as_of``."""
        return is_active(self.until, as_of)


@dataclass(frozen=True)
class Facts:
    """Every organisation by id (sorted) and every JOINT_BUILD link (sorted)."""

    orgs: dict[str, OrgFacts]
    links: list[LinkFact]


def gather(store: GraphStore, as_of: str, *, born_after: int, educated: Iterable[str]) -> Facts:
    """The facts of ``store``: members born after ``born_after`` count as young, those
    with an education in ``educated`` as educated. Three reads (organisations, their
    areas' employed members, the links) and one to place the organisations."""
    params = {"born_after": born_after, "educated": sorted(set(educated))}
    got = store.read([ORG_FACTS, ORG_AREA, LINKS], params)
    rows = got["org_facts"]
    area = {r["id"]: r["employed_in_area"] for r in got["org_area"]}
    regions = region_places(store, (r["anchor"] for r in rows))
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
            for r in got["links"]
        ),
        key=LinkFact.sort_key,
    )
    return Facts(orgs, links)


# ---------------------------------------------------------------- NetworkX sides


def _org_facts_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    born_after, good = params["born_after"], set(params["educated"])
    points: dict[str, tuple[float, float] | None] = {}
    out = []
    for o in sorted(v.ids("PartyOrg")):
        members = [m for m in v.sources(o, "MEMBER_OF") if v.label(m) == "Member"]
        anchor = anchor_nx(v, o)
        point = _point_nx(v, o, anchor, points)
        out.append(
            {
                "id": o,
                "name": v.prop(o, "name"),
                "kind": v.prop(o, "kind"),
                "rating": v.prop(o, "rating"),
                "members": len(members),
                "young": sum(
                    1 for m in members if _born_after(v.prop(m, "birth_year"), born_after)
                ),
                "educated": sum(1 for m in members if v.prop(m, "education") in good),
                "anchor": anchor,
                "lat": point[0] if point else None,
                "lon": point[1] if point else None,
            }
        )
    return out


def _org_area_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    area = _Area(v)
    rows = ({"id": o, "employed_in_area": area.employed(o)} for o in v.ids("PartyOrg"))
    return [r for r in rows if r["employed_in_area"] > 0]


def _links_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    return [
        {
            "source": s,
            "target": t,
            "kind": d.get("kind"),
            "since": d.get("since"),
            "until": d.get("until"),
        }
        for s in v.ids("PartyOrg")
        for t, d in v.out_edges(s, "JOINT_BUILD")
        if v.label(t) == "PartyOrg"
    ]


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


ORG_FACTS = Query("org_facts", cypher("pairing", "org_facts"), _org_facts_nx)
ORG_AREA = Query("org_area", cypher("pairing", "org_area"), _org_area_nx)
LINKS = Query("links", cypher("pairing", "links"), _links_nx)
