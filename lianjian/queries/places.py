"""Where an entity lies: its community, street and district (所属社区、街道、区县).

One definition on both backends: steps 1–3 end each query that places what it
returns as its ``anchor`` column (Cypher, or :func:`anchor_nx`), and
:data:`REGION_PLACES` does step 4 (``cypher/region_places.cypher``, or
:func:`region_place_nx`):

1. start from the entity; an organisation starts from its own unit, else from the
   entity it covers with the smallest id;
2. a unit moves to its location (a region or a building);
3. a building moves to its grid, else its compound;
4. the region reached, or its ancestor (``PART_OF``) at each level, is the place.

Anything that reaches no region has no place (all ``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from lianjian.core.schema import SCHEMA
from lianjian.graph.embedded.view import View
from lianjian.graph.store import GraphStore, Query, Rows
from lianjian.queries.catalogue import cypher

__all__ = ["Place", "NOWHERE", "places_nx", "region_places", "REGION_PLACES", "LEVELS"]

LEVELS = SCHEMA.levels_down_to("community")  # district, street, community


class Place(NamedTuple):
    district: str | None = None
    district_name: str | None = None
    street: str | None = None
    street_name: str | None = None
    community: str | None = None
    community_name: str | None = None

    @classmethod
    def of_record(cls, r: Any) -> Place:
        """The place a Cypher record names in the columns ``district``, ``district_name``,
        ``street``, ``street_name``, ``community`` and ``community_name``."""
        return cls(*(r[f] for f in cls._fields))

    def at(self, level: str) -> tuple[str | None, str | None]:
        """``(id, name)`` of the region at ``level`` (district, street or community)."""
        return getattr(self, level), getattr(self, f"{level}_name")


NOWHERE = Place()


def anchor_nx(v: View, n: str) -> str | None:
    """The region an entity lies in (steps 1–3 above), or None."""
    x: str | None = n
    if v.label(n) == "PartyOrg":
        x = v.target(n, "ORG_OF_UNIT") or v.target(n, "COVERS")
    if x is not None and v.label(x) == "Unit":
        x = v.target(x, "LOCATED_IN") or x
    if x is not None and v.label(x) == "Building":
        x = v.target(x, "IN_GRID") or v.target(x, "IN_COMPOUND") or x
    return x if x is not None and v.label(x) == "Region" else None


def region_place_nx(v: View, region: str | None, cache: dict[str, Place]) -> Place:
    """The place of a region: itself or its ancestor at each level (within 4 steps up)."""
    if region is None:
        return NOWHERE
    if region in cache:
        return cache[region]
    found: dict[str, tuple[str, str]] = {}
    r: str | None = region
    for _ in range(5):
        if r is None:
            break
        level = v.prop(r, "level")
        if level in LEVELS and level not in found:
            found[level] = (r, v.prop(r, "name"))
        r = v.target(r, "PART_OF")
    place = Place(
        *found.get("district", (None, None)),
        *found.get("street", (None, None)),
        *found.get("community", (None, None)),
    )
    cache[region] = place
    return place


def places_nx(v: View, ids: Iterable[str]) -> dict[str, Place]:
    """The place of each id, from the embedded graph. Cost: a few lookups per id."""
    cache: dict[str, Place] = {}
    return {n: region_place_nx(v, anchor_nx(v, n), cache) for n in ids if n in v.g}


def _region_places_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    cache = memo.setdefault("places", {})
    return [
        {"id": r, **region_place_nx(v, r, cache)._asdict()}
        for r in params["ids"]
        if v.label(r) == "Region"
    ]


#: step 4 on both backends: ``{"ids": [region ids]}`` → one row per region found
REGION_PLACES = Query("region_places", cypher("cypher", "region_places"), _region_places_nx)


def region_places(store: GraphStore, anchors: Iterable[str | None]) -> dict[str, Place]:
    """The place of each anchor region (steps 1–3 give the anchor; this is step 4).

    Every query that places what it returns gives each row an ``anchor`` column; this
    one read places the distinct anchors (at most every region).
    """
    ids = sorted({r for r in anchors if r is not None})
    if not ids:
        return {}
    rows = store.read([REGION_PLACES], {"ids": ids})["region_places"]
    return {r["id"]: Place.of_record(r) for r in rows}
