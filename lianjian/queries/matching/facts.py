"""The ledger facts matching reads: four queries, each a Cypher file (``matching/*.cypher``)
beside its NetworkX function, gathered into the same plain structures whichever store
answers; everything after (reach, costs, the plan) runs once, in Python, on a :class:`Facts`.

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> gather(EmbeddedStore(), "2026-06-30")
Facts(needs={}, resources={}, members={}, partners={})

Cost: linear in the graph's size; on Neo4j four queries and one to place the regions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lianjian.core.model import is_active
from lianjian.core.schema import SCHEMA
from lianjian.graph.embedded.view import View
from lianjian.graph.store import GraphStore, Query, Rows
from lianjian.queries.catalogue import cypher
from lianjian.queries.places import NOWHERE, Place, anchor_nx, region_places

__all__ = ["NeedFact", "ResourceFact", "MemberFact", "Facts", "gather", "QUERIES", "categories"]

Point = tuple[float, float] | None


@dataclass(frozen=True)
class NeedFact:
    """An open need raised by the as-of date: where it is (its region and that region's
    place), how many units it asks for, by when."""

    id: str
    name: str
    category: str
    quantity: int
    wanted_by: str | None
    region: str | None
    place: Place
    point: Point

    def chain(self) -> tuple[str, ...]:
        """The regions it lies in: its own, its community, street and district."""
        p = self.place
        return tuple(r for r in (self.region, p.community, p.street, p.district) if r)


@dataclass(frozen=True)
class ResourceFact:
    """A resource: category, capacity a month, its provider's place, the area it serves."""

    id: str
    name: str
    category: str | None
    capacity: int
    provider: str | None
    area: str | None
    place: Place  # the provider's
    point: Point
    sides: tuple[str, ...]  # the provider and the units/organisations of the same unit


@dataclass(frozen=True)
class MemberFact:
    """A member reporting to a community, with the categories its skills and posts name."""

    id: str
    community: str
    categories: frozenset[str]
    point: Point
    sides: tuple[str, ...]  # work unit and organisation


@dataclass(frozen=True)
class Facts:
    needs: dict[str, NeedFact]
    resources: dict[str, ResourceFact]
    members: dict[str, MemberFact]
    partners: dict[str, frozenset[str]]  # community → active joint-building partners


def categories(words: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The service categories a member's skills and posts name (by the schema's aliases)."""
    found = (SCHEMA.enum_value("service_category", str(w)) for w in words)
    return frozenset(c for c in found if c is not None)


def _point(lat: Any, lon: Any) -> Point:
    return None if lat is None or lon is None else (float(lat), float(lon))


def gather(store: GraphStore, as_of: str) -> Facts:
    """The facts of ``store`` as of ``as_of`` (ISO date): open needs raised by then, every
    resource and reporting member, the joint-building partners of each community."""
    got = store.read(QUERIES, {})
    open_needs = [
        r
        for r in got["match_needs"]
        if r["status"] in (None, "open") and (r["raised"] is None or r["raised"] <= as_of)
    ]
    res_rows = got["match_resources"]
    anchors = [r["region"] for r in open_needs]
    anchors += [r["area"] or r["anchor"] for r in res_rows]
    places = region_places(store, anchors)
    needs = {
        r["id"]: NeedFact(
            id=r["id"],
            name=r["name"] or "",
            category=r["category"],
            quantity=int(r["quantity"] if r["quantity"] is not None else 1),
            wanted_by=r["wanted_by"],
            region=r["region"],
            place=places.get(r["region"], NOWHERE),
            point=_point(r["lat"], r["lon"]),
        )
        for r in sorted(open_needs, key=lambda r: r["id"])
        if r["category"] is not None
    }
    resources = {
        r["id"]: ResourceFact(
            id=r["id"],
            name=r["name"] or "",
            category=r["category"],
            capacity=max(0, int(r["capacity"] if r["capacity"] is not None else 1)),
            provider=r["provider"],
            area=r["area"],
            place=places.get(r["area"] or r["anchor"], NOWHERE),
            point=_point(r["lat"], r["lon"]),
            sides=tuple(sorted(set(r["sides"]))),
        )
        for r in sorted(res_rows, key=lambda r: r["id"])
    }
    members = {
        r["id"]: MemberFact(
            id=r["id"],
            community=r["community"],
            categories=categories([*r["skills"], *r["posts"]]),
            point=_point(r["lat"], r["lon"]),
            sides=tuple(sorted(x for x in (r["unit"], r["org"]) if x is not None)),
        )
        for r in sorted(got["match_members"], key=lambda r: r["id"])
    }
    partners: dict[str, set[str]] = {}
    for r in got["match_partners"]:
        if is_active(r["until"], as_of):
            partners.setdefault(r["community"], set()).add(r["partner"])
    return Facts(needs, resources, members, {c: frozenset(p) for c, p in sorted(partners.items())})


# ---------------------------------------------------------------- NetworkX sides


def _near_nx(v: View, region: str | None) -> Any:
    """The building with the smallest id (with coordinates) in ``region``'s grid or compound."""
    if region is None or v.label(region) != "Region":
        return None
    inside = {b for rel in ("IN_GRID", "IN_COMPOUND") for b, _ in v.in_edges(region, rel)}
    for b in sorted(inside):
        if v.label(b) == "Building" and v.prop(b, "lat") is not None:
            if v.prop(b, "lon") is not None:
                return b
    return None


def _needs_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    out = []
    for n in sorted(v.ids("Need")):
        regions = [r for r in v.targets(n, "NEEDED_IN") if v.label(r) == "Region"]
        region = regions[0] if regions else None
        near = _near_nx(v, region)
        out.append(
            {
                **{k: v.prop(n, k) for k in ("name", "category", "quantity", "status")},
                **{k: v.prop(n, k) for k in ("raised", "wanted_by")},
                "id": n,
                "region": region,
                "lat": v.prop(near, "lat") if near else None,
                "lon": v.prop(near, "lon") if near else None,
            }
        )
    return out


def _provider_building_nx(v: View, p: str | None) -> str | None:
    """The building steps 1–2 of placing (lianjian/queries/places.py) reach from ``p``."""
    x = p
    if p is not None and v.label(p) == "PartyOrg":
        x = v.target(p, "ORG_OF_UNIT") or v.target(p, "COVERS")
    if x is not None and v.label(x) == "Unit":
        x = v.target(x, "LOCATED_IN") or x
    return x if x is not None and v.label(x) == "Building" else None


def _resources_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    out = []
    for r in sorted(v.ids("Resource")):
        providers = v.targets(r, "OFFERED_BY")
        p = providers[0] if providers else None
        areas = [a for a in v.targets(r, "SERVES_AREA") if v.label(a) == "Region"]
        b = _provider_building_nx(v, p)
        joined = set(v.targets(p, "ORG_OF_UNIT")) | set(v.sources(p, "ORG_OF_UNIT")) if p else set()
        out.append(
            {
                "id": r,
                **{k: v.prop(r, k) for k in ("name", "category", "capacity")},
                "provider": p,
                "area": areas[0] if areas else None,
                "anchor": anchor_nx(v, p) if p is not None else None,
                "lat": v.prop(b, "lat") if b else None,
                "lon": v.prop(b, "lon") if b else None,
                "sides": [] if p is None else [p, *sorted(joined)],
            }
        )
    return out


def _first(v: View, n: str, rel: str, label: str) -> str | None:
    found = [t for t in v.targets(n, rel) if v.label(t) == label]
    return found[0] if found else None


def _members_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    out = []
    for m in sorted(v.ids("Member")):
        community = _first(v, m, "REPORTS_TO", "Region")
        if community is None:
            continue
        home = _first(v, m, "LIVES_IN", "Building")
        out.append(
            {
                "id": m,
                "community": community,
                "skills": list(v.prop(m, "skills") or []),
                "posts": list(v.prop(m, "posts") or []),
                "unit": _first(v, m, "WORKS_AT", "Unit"),
                "org": _first(v, m, "MEMBER_OF", "PartyOrg"),
                "lat": v.prop(home, "lat") if home else None,
                "lon": v.prop(home, "lon") if home else None,
            }
        )
    return out


def _partners_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    found: set[tuple[str, str, Any]] = set()
    for c in v.ids("Region"):
        if v.prop(c, "level") != "community":
            continue
        for o in v.sources(c, "COVERS"):
            if v.label(o) != "PartyOrg":
                continue
            for rel in ("JOINT_BUILD", "SEAT_ON"):
                for x, d in (*v.out_edges(o, rel), *v.in_edges(o, rel)):
                    found.add((c, x, d.get("until")))
    rows = sorted(found, key=lambda t: (t[0], t[1], t[2] or ""))
    return [{"community": c, "partner": x, "until": u} for c, x, u in rows]


QUERIES = (
    Query("match_needs", cypher("matching", "needs"), _needs_nx),
    Query("match_resources", cypher("matching", "resources"), _resources_nx),
    Query("match_members", cypher("matching", "members"), _members_nx),
    Query("match_partners", cypher("matching", "partners"), _partners_nx),
)
