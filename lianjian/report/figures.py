"""What a report says, gathered once from a store: the headline counts, the coverage
rates per street and community, the gap counts per rule, the gaps per street with
their fixes, the communities with the lowest coverage, and the pairing proposals.

Everything is read through the library (:func:`~lianjian.queries.gaps.find.find_gaps`,
:func:`~lianjian.queries.coverage.rates.coverage`,
:func:`~lianjian.queries.pairing.propose.propose`), so the report's figures are the
ones ``lianjian gaps``, ``coverage``, ``pair`` and ``stats`` give. A :class:`Scope`
narrows everything to one region's subtree the way the dashboard does: the caller
passes the ids in scope (the dashboard's ``scope_ids``), the report only filters.

Members appear only in fixes, as ``name_of(id)`` says (a pseudonym by default).
Cost: that of the gap rules, coverage and pairing on the store (linear in its size).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.privacy import pseudonym
from lianjian.graph.store import GraphStore
from lianjian.present.gaps import fix_text
from lianjian.queries.catalogue import RULES
from lianjian.queries.coverage.rates import METRICS, coverage, coverage_counts
from lianjian.queries.gaps.find import GapItem, GapResult, find_gaps
from lianjian.queries.geo import BUILDING_RULES, buildings, grid_outlines
from lianjian.queries.pairing.propose import PairingResult, propose
from lianjian.queries.params import resolve_as_of
from lianjian.queries.scope import Scope
from lianjian.report.mapsvg import map_svg
from lianjian.report.words import OTHER

__all__ = ["Figures", "GapRow", "PairRow", "gather", "scope_of", "SCOPE_LEVELS"]

#: the levels a report can be held to (the coverage rates are kept at these)
SCOPE_LEVELS = ("district", "street", "community")
COUNTED = ("PartyOrg", "Member", "Unit", "Building", "Region")
NameOf = Callable[[str], str]


def scope_of(tree: Any, region: str | None, allowed: Collection[str] | None) -> Scope | None:
    """The :class:`Scope` of ``region`` in a region tree (``regions``, ``subtree``), with
    ``allowed`` the entity ids in it; None for the whole graph. ``ValueError`` for a
    region the ledger lacks or one below the community level."""
    if region is None:
        return None
    if region not in tree.regions:
        raise ValueError(f"no region {region!r} in this ledger (give a region id)")
    level = tree.regions[region]["level"]
    if level not in SCOPE_LEVELS:
        raise ValueError(
            f"{region} is a {level}: a report covers a district, a street or a community"
        )
    name = str(tree.regions[region].get("name") or region)
    path = tree.path_text(region)
    return Scope(
        region, name, level, path, frozenset(tree.subtree(region)), frozenset(allowed or ())
    )


@dataclass(frozen=True)
class GapRow:
    """One flagged entity as the report lists it."""

    rule: str
    id: str
    name: str
    street: str | None
    street_name: str | None
    reason: str
    fix: str


@dataclass(frozen=True)
class PairRow:
    """One proposed pairing: the weak organisation, its proposed leader, why."""

    weak: str
    weak_name: str
    strong: str
    strong_name: str
    reason: str


@dataclass
class Figures:
    """Everything a report shows, in one language (``lang``)."""

    as_of: dt.date
    lang: str
    place: str | None  # the scope's or the single top region's name; None: several
    level: str | None  # its level
    counts: Counter  # label → n, ``Region:level`` → n, ``Region:level:other`` → towns, villages
    total: dict[str, dict[str, Any]]  # metric → {covered, total, rate} over the scope
    districts: list[dict[str, Any]]  # coverage rows per district within the scope
    streets: list[dict[str, Any]]  # coverage rows per street within the scope
    communities: list[dict[str, Any]]  # coverage rows per community within the scope
    gap_counts: dict[str, int]  # rule → flagged within the scope (every rule)
    definitions: dict[str, str]  # rule → its definition, thresholds filled in
    gaps: list[GapRow]  # every flagged entity in the scope, by street then rule
    weak: int  # weak organisations in the scope
    pairs: list[PairRow] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    #: per street, the rates of the store of record's last two versions that differ:
    #: ``{"name", "metric", "before", "after", "from", "to"}`` (empty without history)
    changes: list[dict[str, Any]] = field(default_factory=list)
    #: the map of the scope's buildings (inline SVG, '' when none has coordinates) and
    #: how many it shows with a gap, covered, and without coordinates
    map_svg: str = ""
    map_counts: tuple[int, int, int] = (0, 0, 0)

    def worst(self, n: int = 10) -> list[dict[str, Any]]:
        """The ``n`` communities of lowest mean coverage (over the rates each has), the
        most uncovered first among equals; each row gains ``mean`` and ``lowest``."""
        ranked = []
        for row in self.communities:
            rated = {m: v for m, v in row["metrics"].items() if v["rate"] is not None}
            if not rated or row["id"] is None:
                continue
            mean = sum(v["rate"] for v in rated.values()) / len(rated)
            short = sum(v["total"] - v["covered"] for v in rated.values())
            lowest = min(rated, key=lambda m: (rated[m]["rate"], list(METRICS).index(m)))
            ranked.append(({**row, "mean": mean, "lowest": lowest}, short))
        ranked.sort(key=lambda x: (x[0]["mean"], -x[1], x[0]["id"]))
        return [row for row, short in ranked[:n] if row["mean"] < 1]


def gather(
    store: GraphStore,
    as_of: dt.date | str | None = None,
    scope: Scope | None = None,
    lang: str = "zh",
    name_of: NameOf = pseudonym,
    capacity: int = 3,
    gaps: GapResult | None = None,
    pairing: PairingResult | None = None,
    trend: dict[str, Any] | None = None,
) -> Figures:
    """The figures of a report on ``store`` as of ``as_of`` (today when None) within
    ``scope`` (the whole graph when None). ``gaps`` and ``pairing`` (computed for the
    same date) spare running the rules again, as the dashboard has them cached;
    ``trend`` (:func:`lianjian.record.history.trend` per street) gives the change
    since the previous version."""
    day = resolve_as_of(as_of)
    allowed = scope.ids if scope else None
    regions = scope.regions if scope else None
    gaps = gaps if gaps is not None else find_gaps(store, as_of=day)
    pairing = pairing if pairing is not None else propose(store, as_of=day, capacity=capacity)
    counted = coverage_counts(store, day)
    streets = _within(coverage(store, "street", day, counts=counted), regions)
    communities = _within(coverage(store, "community", day, counts=counted), regions)
    districts = _within(coverage(store, "district", day, counts=counted), regions)
    if scope is None:
        total = _summed(districts)
    else:
        own = coverage(store, scope.level, day, counts=counted)
        total = next((r["metrics"] for r in own if r["id"] == scope.id), {})
    params = gaps.params.to_dict()
    drawn, mapped = _map(store, gaps, allowed)
    return Figures(
        map_svg=drawn,
        map_counts=mapped,
        as_of=day,
        lang=lang,
        place=scope.name if scope else _single_root(store),
        level=scope.level if scope else _root_level(store),
        counts=_counts(store, allowed),
        total=total,
        districts=districts,
        streets=streets,
        communities=communities,
        gap_counts={
            r: sum(1 for i in items if allowed is None or i.id in allowed)
            for r, items in gaps.rules.items()
        },
        definitions={
            r: (RULES[r].definition_zh.format(**params) if lang == "zh" else RULES[r].definition)
            for r in gaps.rules
        },
        gaps=_gap_rows(gaps, allowed, lang, name_of),
        weak=sum(1 for w in pairing.weak if allowed is None or w in allowed),
        pairs=[
            PairRow(
                p.weak,
                pairing.names.get(p.weak, ""),
                p.strong,
                pairing.names.get(p.strong, ""),
                p.reason_zh if lang == "zh" else p.reason_en,
            )
            for p in pairing.proposals
            if allowed is None or p.weak in allowed
        ],
        unmatched=[
            (u, pairing.names.get(u, ""))
            for u in pairing.unmatched
            if allowed is None or u in allowed
        ],
        changes=_changes(trend, regions),
    )


# ---------------------------------------------------------------- helpers


def _changes(trend: dict[str, Any] | None, regions: frozenset[str] | None) -> list[dict]:
    """The street rates that differ between the last two versions of the trend."""
    rows = [r for r in (trend or {}).get("trend", []) if r["id"] is not None]
    versions = sorted({r["version"] for r in rows})
    if len(versions) < 2:
        return []
    before = {r["id"]: r for r in rows if r["version"] == versions[-2]}
    out = []
    for r in rows:
        if r["version"] != versions[-1] or (regions is not None and r["id"] not in regions):
            continue
        old = before.get(r["id"])
        for m in METRICS:
            was = old["metrics"].get(m, {}).get("rate") if old else None
            now = r["metrics"].get(m, {}).get("rate")
            if was != now:
                out.append(
                    {"name": r["name"], "metric": m, "before": was, "after": now,
                     "from": old["as_of"] if old else None, "to": r["as_of"]}
                )  # fmt: skip
    return out


def _within(rows: list[dict[str, Any]], regions: frozenset[str] | None) -> list[dict[str, Any]]:
    """Coverage rows of regions in the scope (every row, the unplaced one too, when None);
    a row where nothing is counted is left out."""
    kept = [r for r in rows if regions is None or r["id"] in regions]
    return [r for r in kept if any(v["total"] for v in r["metrics"].values())]


def _summed(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    total: dict[str, list[int]] = {m: [0, 0] for m in METRICS}
    for row in rows:
        for m, v in row["metrics"].items():
            total[m][0] += v["covered"]
            total[m][1] += v["total"]
    return {
        m: {"covered": c, "total": n, "rate": round(c / n, 4) if n else None}
        for m, (c, n) in total.items()
    }


def _counts(store: GraphStore, allowed: frozenset[str] | None) -> Counter:
    out: Counter = Counter()
    for row in store.node_summaries(list(COUNTED)):
        if allowed is not None and row["id"] not in allowed:
            continue
        out[row["label"]] += 1
        if row["label"] == "Region":
            out[f"Region:{row['level']}"] += 1
            other = OTHER.get(row["level"])
            if other and str(row.get("name") or "").endswith(other[0]):
                out[f"Region:{row['level']}:other"] += 1  # a town, a village
        elif row["label"] == "Building":
            out[f"Building:{row['kind']}"] += 1
    return out


def _roots(store: GraphStore) -> list[dict[str, Any]]:
    regions = {r["id"]: r for r in store.node_summaries(["Region"])}
    children = {e.source for e in store.edges_of_type(["PART_OF"]) if e.target in regions}
    return [r for i, r in regions.items() if i not in children]


def _single_root(store: GraphStore) -> str | None:
    roots = _roots(store)
    return str(roots[0]["name"] or roots[0]["id"]) if len(roots) == 1 else None


def _root_level(store: GraphStore) -> str | None:
    roots = _roots(store)
    return roots[0]["level"] if len(roots) == 1 else None


def _gap_rows(
    gaps: GapResult, allowed: frozenset[str] | None, lang: str, name_of: NameOf
) -> list[GapRow]:
    def row(rule: str, i: GapItem) -> GapRow:
        reason = i.reason_zh if lang == "zh" else i.reason_en
        fix = fix_text(i.fix, lang, name_of)
        return GapRow(rule, i.id, i.name, i.street, i.street_name, reason, fix)

    order = {r: n for n, r in enumerate(gaps.rules)}
    rows = [
        row(rule, i)
        for rule, items in gaps.rules.items()
        for i in items
        if allowed is None or i.id in allowed
    ]
    rows.sort(key=lambda g: (g.street is None, g.street or "", order[g.rule], g.id))
    return rows


def _map(store: GraphStore, gaps: GapResult, allowed) -> tuple[str, tuple[int, int, int]]:
    """The buildings in scope on a map (building rules' findings in amber), and the counts
    of those with a gap, covered, and without coordinates."""
    inside = [b for b in buildings(store) if allowed is None or b.id in allowed]
    flagged = {i.id for r in BUILDING_RULES for i in gaps.rules.get(r, ())}
    placed = [b for b in inside if b.placed]
    gap = sum(b.id in flagged for b in placed)
    return (
        map_svg(placed, flagged, grid_outlines(placed)),
        (gap, len(placed) - gap, len(inside) - len(placed)),
    )
