"""Scoping the dashboard to one region's subtree, and the as-of date of links.

A street office sees its street: the regions below it, the buildings in its
grids and compounds, the units located there, the organisations set up on any
of these (and their sub-organisations), and the members who belong, live, work,
report or are assigned there. Works on either store through
``node_summaries`` and ``edges_of_type``; O(relationships of those types).

>>> active({"since": "2024-01-01", "until": "2024-12-31"}, "2025-01-01")
False
>>> active({"until": ""}, "2025-01-01")
True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.model import is_active
from lianjian.core.schema import SCHEMA

__all__ = ["RegionTree", "region_tree", "scope_ids", "anchors", "active", "LEVELS"]

LEVELS = SCHEMA.region_levels  # district, street, community, compound, grid


@dataclass
class RegionTree:
    """The region hierarchy: ``regions[id] = {name, level, parent}`` and children lists."""

    regions: dict[str, dict[str, Any]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def roots(self) -> list[str]:
        return [r for r, v in self.regions.items() if v["parent"] not in self.regions]

    def children_of(self, region_id: str | None, level: str | None = None) -> list[str]:
        """Direct children (of ``level`` if given); the roots when ``region_id`` is None."""
        ids = self.roots() if region_id is None else self.children.get(region_id, [])
        return [r for r in ids if level is None or self.regions[r]["level"] == level]

    def path(self, region_id: str) -> list[str]:
        """The ids from the top region down to ``region_id``."""
        out: list[str] = []
        node: str | None = region_id
        while node in self.regions and node not in out:
            out.append(node)
            node = self.regions[node]["parent"]
        return out[::-1]

    def subtree(self, region_id: str) -> set[str]:
        out, todo = set(), [region_id]
        while todo:
            r = todo.pop()
            if r not in out and r in self.regions:
                out.add(r)
                todo.extend(self.children.get(r, ()))
        return out

    def of_level(self, level: str, within: set[str] | None = None) -> list[str]:
        return [
            r
            for r, v in self.regions.items()
            if v["level"] == level and (within is None or r in within)
        ]

    def ancestor(self, region_id: str, level: str) -> str | None:
        """The region of ``level`` above (or equal to) ``region_id``."""
        for r in self.path(region_id):
            if self.regions[r]["level"] == level:
                return r
        return None


def region_tree(store) -> RegionTree:
    """The region hierarchy of a store."""
    tree = RegionTree()
    for row in store.node_summaries(["Region"]):
        tree.regions[row["id"]] = {"name": row["name"], "level": row["level"], "parent": None}
    for e in store.edges_of_type(["PART_OF"]):
        if e.source in tree.regions:
            tree.regions[e.source]["parent"] = e.target
            tree.children[e.target].append(e.source)
    for kids in tree.children.values():
        kids.sort(key=lambda r: (tree.regions.get(r, {}).get("name") or "", r))
    return tree


_PLACE_TYPES = ("IN_GRID", "IN_COMPOUND", "LOCATED_IN", "COVERS", "ORG_OF_UNIT", "SUB_ORG_OF")
_MEMBER_TYPES = ("MEMBER_OF", "REPORTS_TO", "ASSIGNED_TO", "LIVES_IN", "WORKS_AT")


def scope_ids(store, tree: RegionTree, region_id: str | None) -> set[str] | None:
    """Every entity id within ``region_id``'s subtree, or None (no limit) for the whole graph."""
    if not region_id:
        return None
    regions = tree.subtree(region_id)
    by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in store.edges_of_type(_PLACE_TYPES + _MEMBER_TYPES):
        by_type[e.type].append((e.source, e.target))
    buildings = {s for t in ("IN_GRID", "IN_COMPOUND") for s, d in by_type[t] if d in regions}
    units = {s for s, d in by_type["LOCATED_IN"] if d in regions or d in buildings}
    places = regions | buildings | units
    orgs = {s for s, d in by_type["COVERS"] if d in places}
    orgs |= {s for s, d in by_type["ORG_OF_UNIT"] if d in units}
    below: dict[str, list[str]] = defaultdict(list)
    for child, parent in by_type["SUB_ORG_OF"]:
        below[parent].append(child)
    todo = list(orgs)
    while todo:  # sub-organisations of an organisation in scope are in scope
        for child in below.get(todo.pop(), ()):
            if child not in orgs:
                orgs.add(child)
                todo.append(child)
    inside = places | orgs
    members = {s for t in _MEMBER_TYPES for s, d in by_type[t] if d in inside}
    return inside | members


def anchors(store) -> dict[str, str]:
    """``id → the region it lies in`` for every placed organisation, unit and building,
    by the library's steps (:mod:`lianjian.queries.places`): an organisation from its own
    unit, else what it covers with the smallest id; a unit from its location; a
    building from its grid, else its compound. O(relationships of those types)."""
    first: dict[str, dict[str, str]] = defaultdict(dict)
    for e in store.edges_of_type(("ORG_OF_UNIT", "COVERS", "LOCATED_IN", "IN_GRID", "IN_COMPOUND")):
        held = first[e.type].get(e.source)
        if held is None or e.target < held:
            first[e.type][e.source] = e.target
    out: dict[str, str] = {}

    def building(b: str) -> str | None:
        return first["IN_GRID"].get(b) or first["IN_COMPOUND"].get(b)

    def unit(u: str) -> str | None:
        at = first["LOCATED_IN"].get(u)
        return (building(at) or at) if at is not None else None

    for b in set(first["IN_GRID"]) | set(first["IN_COMPOUND"]):
        out[b] = building(b)  # type: ignore[assignment]
    for u in first["LOCATED_IN"]:
        out[u] = unit(u)  # type: ignore[assignment]
    for o in set(first["ORG_OF_UNIT"]) | set(first["COVERS"]):
        x = first["ORG_OF_UNIT"].get(o) or first["COVERS"][o]
        out[o] = out.get(x, x)  # type: ignore[assignment]
    return {k: v for k, v in out.items() if v is not None}


def active(props: dict[str, Any], as_of: str | dt.date | None) -> bool:
    """Whether a link is active on the as-of date: its ``until`` is empty or not before it.

    The same definition the gap rules use (docs/rules.md), so a drawn pairing and a
    ``weak_without_partner`` finding never disagree.
    """
    if as_of is None:
        return True
    day = as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of)
    return is_active(props.get("until"), day)


class OutOfScope(LookupError):
    """Two regions with nothing in common, or a region the ledger does not have."""


def narrower(tree: RegionTree, asked: str | None, limit: str | None) -> str | None:
    """The intersection of two subtrees (None is the whole graph): the deeper region when
    one holds the other. A region asked for outside ``limit`` (or missing) is refused,
    never widened: what a user may see is ``limit``'s subtree at most.

    >>> t = RegionTree({"D": {"name": "D", "level": "district", "parent": None},
    ...                 "S1": {"name": "S1", "level": "street", "parent": "D"},
    ...                 "S2": {"name": "S2", "level": "street", "parent": "D"}})
    >>> t.children["D"] = ["S1", "S2"]
    >>> narrower(t, "D", "S1"), narrower(t, "S1", "D"), narrower(t, None, "S2")
    ('S1', 'S1', 'S2')
    >>> narrower(t, "S2", "S1")
    Traceback (most recent call last):
    ...
    lianjian.dashboard.scope.OutOfScope: S2
    """
    for region in (asked, limit):
        if region is not None and region not in tree.regions:
            raise OutOfScope(region)
    if limit is None:
        return asked
    if asked is None or asked in tree.subtree(limit):
        return limit if asked is None else asked
    if limit in tree.subtree(asked):
        return limit
    raise OutOfScope(asked)
