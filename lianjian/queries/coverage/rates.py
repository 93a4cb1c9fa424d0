"""Coverage rates (覆盖率) per district, street or community, on either backend.

Six shares, each the complement of a gap rule over the same entities:

========================= ======================================= =====================
metric                    covered / total                         rule it mirrors
========================= ======================================= =====================
grids_with_branch         grids with a (general/joint) branch     grid_without_branch
buildings_with_group      residential buildings with a party      building_without_group
                          group or a member household
new_domain_covered        commercial buildings, parks, markets    new_domain_uncovered
                          covered by an org or holding a unit
                          with its own org
units_covered             units with their own org, joint-covered organisation and work
                          or the target of an active guides link  coverage (两个覆盖)
grids_with_members        grids some member is assigned to        grid_without_assigned_member
communities_with_big_     communities with a big committee of     community_without_big_committee
committee                 enough active seats
========================= ======================================= =====================

Entities are placed as :mod:`lianjian.queries.places` says (a building where its
grid lies, a unit where its location lies). On Neo4j each metric is one Cypher
query in ``coverage/`` that counts per place; the embedded store counts the
same in Python. Both give the same numbers.

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> coverage(EmbeddedStore(), "street")
[]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from lianjian.queries.catalogue import cypher
from lianjian.queries.params import GapParams, resolve_as_of, resolve_params
from lianjian.queries.places import LEVELS, Place

__all__ = ["coverage", "METRICS", "LEVELS"]

METRICS: dict[str, dict[str, str]] = {
    "grids_with_branch": {
        "zh": "网格建支部率",
        "en": "grids with a branch",
        "short": "网格支部 grid branch",
    },
    "buildings_with_group": {
        "zh": "楼栋建党小组率",
        "en": "residential buildings with a group",
        "short": "楼栋小组 bldg group",
    },
    "new_domain_covered": {
        "zh": "新兴领域覆盖率",
        "en": "new-domain sites covered",
        "short": "新兴领域 new domain",
    },
    "units_covered": {
        "zh": "单位两个覆盖率",
        "en": "units with organisation or work coverage",
        "short": "单位覆盖 units",
    },
    "grids_with_members": {
        "zh": "网格有下沉党员率",
        "en": "grids with assigned members",
        "short": "网格下沉 grid members",
    },
    "communities_with_big_committee": {
        "zh": "社区建大党委率",
        "en": "communities with a working big committee",
        "short": "大党委 big cttee",
    },
}

UNPLACED = {"zh": "未定位", "en": "unplaced"}

Counts = dict[tuple[Place, str], list[int]]  # (place, metric) → [covered, total]


def coverage(
    store: Any,
    level: str = "street",
    as_of: dt.date | str | None = None,
    params: GapParams | Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Coverage shares per region of ``level`` (district, street or community).

    Returns one row per region of that level, by id, then one row with id None
    for entities that lie in no such region (only if there are any)::

        {"level", "id", "name", "parent", "parent_name",
         "metrics": {METRIC: {"covered": N, "total": N, "rate": float | None}}}

    ``rate`` is covered / total rounded to 4 places, None where total is 0.
    Cost: linear in the graph's size; on Neo4j seven queries.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    day = resolve_as_of(as_of).isoformat()
    p = resolve_params(params)
    name = getattr(store, "name", None)
    if name == "embedded":
        counts, regions = _counts_nx(store, day, p, level)
    elif name == "neo4j":
        counts, regions = _counts_cypher(store, day, p, level)
    else:
        raise ValueError(f"coverage needs an embedded or a Neo4j store, not {store!r}")
    return _rows(counts, regions, level)


def _rows(
    counts: Counts, regions: list[tuple[str, str, str | None, str | None]], level: str
) -> list[dict[str, Any]]:
    per: dict[str | None, dict[str, list[int]]] = {}
    for (place, metric), (covered, total) in counts.items():
        key = place.at(level)[0]
        acc = per.setdefault(key, {}).setdefault(metric, [0, 0])
        acc[0] += covered
        acc[1] += total
    rows = []
    listed = [(rid, name, parent, pname) for rid, name, parent, pname in sorted(regions)]
    if None in per:
        listed.append((None, f"{UNPLACED['zh']} {UNPLACED['en']}", None, None))
    for rid, name, parent, pname in listed:
        got = per.get(rid, {})
        metrics = {}
        for m in METRICS:
            covered, total = got.get(m, (0, 0))
            rate = round(covered / total, 4) if total else None
            metrics[m] = {"covered": covered, "total": total, "rate": rate}
        rows.append(
            {
                "level": level,
                "id": rid,
                "name": name,
                "parent": parent,
                "parent_name": pname,
                "metrics": metrics,
            }
        )
    return rows


# ---------------------------------------------------------------- embedded


def _counts_nx(store, day: str, p: GapParams, level: str):
    from lianjian.graph.embedded.view import View, is_active
    from lianjian.queries.facts_nx import BRANCH_KINDS, GROUP_KINDS, NEW_DOMAIN, Ctx

    c = Ctx(View(store.graph), p, day)
    v = c.v
    counts: Counts = {}

    def add(n: str, metric: str, ok: bool) -> None:
        acc = counts.setdefault((c.place(n), metric), [0, 0])
        acc[0] += ok
        acc[1] += 1

    big = frozenset({"big_committee"})
    for r in v.ids("Region"):
        lv = v.prop(r, "level")
        if lv == "grid":
            add(r, "grids_with_branch", bool(c.orgs_into(r, "COVERS", BRANCH_KINDS)))
            assigned = any(v.label(m) == "Member" for m in v.sources(r, "ASSIGNED_TO"))
            add(r, "grids_with_members", assigned)
        elif lv == "community":
            ok = any(
                sum(1 for _, d in v.in_edges(b, "SEAT_ON") if is_active(d, day))
                >= p.big_committee_min_seats
                for b in c.orgs_into(r, "COVERS", big)
            )
            add(r, "communities_with_big_committee", ok)
    for b in v.ids("Building"):
        kind = v.prop(b, "kind")
        if kind == "residential":
            add(b, "buildings_with_group", bool(c.orgs_into(b, "COVERS", GROUP_KINDS)))
        elif kind in NEW_DOMAIN:
            ok = bool(c.orgs_into(b, "COVERS")) or any(
                v.label(u) == "Unit" and c.has_own_org(u) for u in v.sources(b, "LOCATED_IN")
            )
            add(b, "new_domain_covered", ok)
    for u in v.ids("Unit"):
        add(u, "units_covered", c.has_own_org(u) or c.joint_covered(u) or c.guided(u))
    regions = [
        (r, v.prop(r, "name"), parent, v.prop(parent, "name") if parent else None)
        for r in v.ids("Region")
        if v.prop(r, "level") == level
        for parent in [v.target(r, "PART_OF")]
    ]
    return counts, regions


# ---------------------------------------------------------------- Neo4j


def _counts_cypher(store, day: str, p: GapParams, level: str):
    values = {**p.to_dict(), "as_of": day}
    counts: Counts = {}
    for metric in METRICS:
        records, _, _ = store.driver.execute_query(
            cypher("coverage", metric), values, database_=store.database, routing_="r"
        )
        for r in records:
            place = Place.of_record(r)
            acc = counts.setdefault((place, metric), [0, 0])
            acc[0] += r["covered"]
            acc[1] += r["total"]
    records, _, _ = store.driver.execute_query(
        cypher("coverage", "regions"), {"level": level}, database_=store.database, routing_="r"
    )
    regions = [(r["id"], r["name"], r["parent"], r["parent_name"]) for r in records]
    return counts, regions
