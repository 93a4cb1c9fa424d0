"""Coverage rates (覆盖率) per district, street or community, on either backend.

Each rate is the complement of one gap rule over that rule's population, both
declared in ``rules.yaml`` (:data:`~lianjian.queries.catalogue.METRICS`):
covered = the population − what the rule flags, each entity placed the same way
(:mod:`lianjian.queries.places`). No predicate is written a second time here.

========================= ======================================= ================================
metric                    population                              rule it is the complement of
========================= ======================================= ================================
grids_with_branch         grids                                   grid_without_branch
buildings_with_group      residential buildings                   building_without_group
new_domain_covered        commercial buildings, parks, markets    new_domain_uncovered
units_covered             units                                   unit_uncovered (coverage only)
grids_with_members        grids                                   grid_without_assigned_member
communities_with_big_     communities                             community_without_big_committee
committee
========================= ======================================= ================================

>>> from lianjian.graph.embedded import EmbeddedStore
>>> coverage(EmbeddedStore(), "street")
[]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from lianjian.graph.embedded.view import View
from lianjian.graph.store import GraphStore, Query, Rows
from lianjian.queries.catalogue import ALL_RULES, cypher
from lianjian.queries.catalogue import METRICS as _METRICS
from lianjian.queries.gaps.run import RULE_QUERIES, query_params
from lianjian.queries.params import GapParams, resolve_as_of, resolve_params
from lianjian.queries.places import LEVELS, NOWHERE, Place, anchor_nx, region_places

__all__ = ["coverage", "coverage_counts", "METRICS", "LEVELS", "POPULATION", "REGIONS"]

#: metric → {"zh", "en", "short"}: the names the tables and pages show
METRICS: dict[str, dict[str, str]] = {
    m.id: {"zh": m.zh, "en": m.en, "short": m.short} for m in _METRICS.values()
}

UNPLACED = {"zh": "未定位", "en": "unplaced"}

Counts = dict[tuple[Place, str], list[int]]  # (place, metric) → [covered, total]


def _flagged_per_anchor(rule: Query) -> Query:
    """A rule's flags counted per anchor region, in the database on Neo4j (the flagged
    entities themselves never reach Python): what a rate subtracts from its population."""

    def nx(view: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
        counted = Counter(r["anchor"] for r in rule.nx(view, params, memo))
        return [{"anchor": a, "flagged": n} for a, n in counted.items()]

    text = f"CALL () {{\n{rule.cypher}\n}}\nRETURN anchor, count(*) AS flagged"
    return Query(f"{rule.name}.per_anchor", text, nx)


#: rule → its flags counted per anchor, for the rules the rates are complements of
FLAGGED: dict[str, Query] = {
    m.rule: _flagged_per_anchor(RULE_QUERIES[m.rule]) for m in _METRICS.values()
}


def coverage(
    store: GraphStore,
    level: str = "street",
    as_of: dt.date | str | None = None,
    params: GapParams | Mapping[str, Any] | None = None,
    counts: Counts | None = None,
) -> list[dict[str, Any]]:
    """Coverage shares per region of ``level`` (district, street or community).

    ``counts`` (from :func:`coverage_counts` for the same as-of date and params) spares
    running the rules again when several levels are wanted.

    Returns one row per region of that level, by id, then one row with id None
    for entities that lie in no such region (only if there are any)::

        {"level", "id", "name", "parent", "parent_name",
         "metrics": {METRIC: {"covered": N, "total": N, "rate": float | None}}}

    ``rate`` is covered / total rounded to 4 places, None where total is 0.
    Cost: that of the six rules (their flags counted per anchor in the database), plus one count per population and one read of the
    regions; linear in the graph's size.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if counts is None:
        counts = coverage_counts(store, as_of, params)
    return _rows(counts, _regions(store, level), level)


def coverage_counts(
    store: GraphStore,
    as_of: dt.date | str | None = None,
    params: GapParams | Mapping[str, Any] | None = None,
) -> Counts:
    """(place, metric) → [covered, total], for every level at once: each population
    minus what its rule flags. The costly part of :func:`coverage`."""
    values = query_params(resolve_params(params), resolve_as_of(as_of))
    got = store.read(list(FLAGGED.values()), values)
    flagged = {rule: got[q.name] for rule, q in FLAGGED.items()}
    totals: dict[str, Rows] = {}
    for m in _METRICS.values():
        population = ALL_RULES[m.rule].population.params()  # the catalogue checks it is there
        totals[m.id] = store.read([POPULATION], population)["population"]
    anchors = {r["anchor"] for rows in (*flagged.values(), *totals.values()) for r in rows}
    places = region_places(store, anchors)
    counts: Counts = {}
    for m in _METRICS.values():
        for r in totals[m.id]:
            acc = counts.setdefault((places.get(r["anchor"], NOWHERE), m.id), [0, 0])
            acc[0] += r["total"]
            acc[1] += r["total"]
        for r in flagged[m.rule]:
            counts[(places.get(r["anchor"], NOWHERE), m.id)][0] -= r["flagged"]
    return counts


def _regions(store: GraphStore, level: str) -> list[tuple[str, str, str | None, str | None]]:
    rows = store.read([REGIONS], {"level": level})["regions"]
    return [(r["id"], r["name"], r["parent"], r["parent_name"]) for r in rows]


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


# ---------------------------------------------------------------- the two reads


def _population_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    key, wanted = params["key"], set(params["values"])
    per = Counter(
        anchor_nx(v, n) for n in v.ids(params["label"]) if key is None or v.prop(n, key) in wanted
    )
    return [{"anchor": a, "total": n} for a, n in per.items()]


def _regions_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    return [
        {
            "id": r,
            "name": v.prop(r, "name"),
            "parent": parent,
            "parent_name": v.prop(parent, "name") if parent else None,
        }
        for r in v.ids("Region")
        if v.prop(r, "level") == params["level"]
        for parent in [v.target(r, "PART_OF")]
    ]


#: ``{"label", "key", "values"}`` → ``{"anchor", "total"}`` per anchor region
POPULATION = Query("population", cypher("coverage", "population"), _population_nx)
#: ``{"level"}`` → the regions of that level with their parent
REGIONS = Query("regions", cypher("coverage", "regions"), _regions_nx)
