"""One region's subtree (范围): what ``--scope REGION`` and the dashboard hold results to.

A street office sees its street: the regions below it, the buildings in its
grids and compounds, the units located there, the organisations set up on any
of these (and their sub-organisations), and the members who belong, live, work,
report or are assigned there (:func:`scope_ids`). The dashboard's scope and
``lianjian gaps|coverage|stats --scope`` both read this module, so a page and a
command given the same region count the same entities. Works on either store
through ``node_summaries``, ``edges_of_type`` (the region tree) and ``edges_at`` (the
scope: the relationships at what it holds); O(relationships of the scope).

A region is named by its id, its name, or a path of names (or ids) from an ancestor
down, ``胜利街道/红门路社区``; a name or path that fits no region, or more than one, is
refused (:func:`resolve_region`), never guessed.

>>> t = RegionTree({"D": {"name": "沙市区", "level": "district", "parent": None},
...                 "S1": {"name": "胜利街道", "level": "street", "parent": "D"},
...                 "C1": {"name": "新村社区", "level": "community", "parent": "S1"},
...                 "S2": {"name": "崇文街道", "level": "street", "parent": "D"},
...                 "C2": {"name": "新村社区", "level": "community", "parent": "S2"}})
>>> resolve_region(t, "S1"), resolve_region(t, "崇文街道/新村社区")
('S1', 'C2')
>>> resolve_region(t, "新村社区")
Traceback (most recent call last):
...
ValueError: --scope 新村社区 is ambiguous: C1 (沙市区/胜利街道/新村社区), C2 (沙市区/崇文街道/新村社区); give the id or a longer path
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.model import Stats
from lianjian.core.schema import SCHEMA
from lianjian.queries.gaps.find import GapResult

__all__ = [
    "RegionTree",
    "region_tree",
    "scope_ids",
    "OutOfScope",
    "narrower",
    "resolve_region",
    "Scope",
    "open_scope",
    "scoped_gaps",
    "scoped_stats",
    "scoped_coverage",
]

SEP = "/"  # between the names of a region path


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

    def path_text(self, region_id: str) -> str:
        """The names from the top region down to ``region_id``, joined by ``/``."""
        return SEP.join(str(self.regions[r]["name"] or r) for r in self.path(region_id))


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


# what places a member: where they belong, report, are assigned, live and work
_MEMBER_TYPES = ("MEMBER_OF", "REPORTS_TO", "ASSIGNED_TO", "LIVES_IN", "WORKS_AT")


def scope_ids(store, tree: RegionTree, region_id: str | None) -> set[str] | None:
    """Every entity id within ``region_id``'s subtree, or None (no limit) for the whole
    graph: step by step from the regions, each step the relationships into what the
    steps before found (``edges_at(..., into=True)``), never every relationship."""
    if not region_id:
        return None
    regions = tree.subtree(region_id)

    def sources(targets: Collection[str], *types: str) -> set[str]:
        return {e.source for e in store.edges_at(targets, types, into=True)} if targets else set()

    buildings = sources(regions, "IN_GRID", "IN_COMPOUND")
    units = sources(regions | buildings, "LOCATED_IN")
    places = regions | buildings | units
    orgs = sources(places, "COVERS") | sources(units, "ORG_OF_UNIT")
    todo = set(orgs)
    while todo:  # sub-organisations of an organisation in scope are in scope
        todo = sources(todo, "SUB_ORG_OF") - orgs
        orgs |= todo
    inside = places | orgs
    members = sources(inside, *_MEMBER_TYPES)
    # a need where it is raised, a resource by its provider or the area it serves, a
    # project by its need, a service by who did it or what it was for
    needs = sources(regions, "NEEDED_IN")
    resources = sources(inside, "OFFERED_BY") | sources(regions, "SERVES_AREA")
    projects = sources(needs, "FOR_NEED")
    services = sources(members, "SERVICE_BY") | sources(needs | projects, "SERVICE_FOR")
    return inside | members | needs | resources | projects | services


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
    lianjian.queries.scope.OutOfScope: S2
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


def _same(a: Any, b: str) -> bool:
    return a is not None and unicodedata.normalize("NFC", str(a)) == b


def resolve_region(tree: RegionTree, text: str) -> str:
    """The one region ``text`` names: its id, its name, or a ``/`` path of names or ids
    ending at it (each a child of the one before). ``ValueError`` (one line) when no
    region fits or more than one does: the text is compared exactly (Unicode NFC, the
    spaces around each part ignored), nothing is guessed."""
    wanted = unicodedata.normalize("NFC", text.strip())
    if not wanted:
        raise ValueError("--scope wants a region id, name or path, not an empty text")
    paths = [[wanted]] + ([[p.strip() for p in wanted.split(SEP)]] if SEP in wanted else [])
    found: set[str] = set()
    for parts in paths:
        for r in tree.regions:
            chain = tree.path(r)
            if len(chain) >= len(parts) and all(
                c == p or _same(tree.regions[c]["name"], p)
                for c, p in zip(chain[-len(parts) :], parts, strict=True)
            ):
                found.add(r)
    if len(found) == 1:
        return found.pop()
    if not found:
        raise ValueError(f"--scope {text}: no region of this ledger has that id, name or path")
    listed = ", ".join(f"{r} ({tree.path_text(r)})" for r in sorted(found))
    raise ValueError(f"--scope {text} is ambiguous: {listed}; give the id or a longer path")


@dataclass(frozen=True)
class Scope:
    """A region and every entity id within its subtree (:func:`scope_ids`)."""

    id: str
    name: str
    level: str
    path: str
    regions: frozenset[str]
    ids: frozenset[str]

    def to_dict(self) -> dict[str, str]:
        """What a JSON result says of its scope: ``{"id", "name", "level", "path"}``."""
        return {"id": self.id, "name": self.name, "level": self.level, "path": self.path}


def open_scope(store, text: str, tree: RegionTree | None = None) -> Scope:
    """The scope ``text`` names in ``store`` (:func:`resolve_region`)."""
    tree = tree if tree is not None else region_tree(store)
    region = resolve_region(tree, text)
    v = tree.regions[region]
    ids = scope_ids(store, tree, region) or set()
    return Scope(
        region,
        str(v["name"] or region),
        str(v["level"]),
        tree.path_text(region),
        frozenset(tree.subtree(region)),
        frozenset(ids),
    )


def scoped_gaps(result: GapResult, allowed: Collection[str]) -> GapResult:
    """The findings about entities within ``allowed``: every rule kept, as the dashboard's
    pages count them (an item is in scope when its entity is)."""
    rules = {rid: [i for i in items if i.id in allowed] for rid, items in result.rules.items()}
    return GapResult(result.as_of, rules, result.params)


def scoped_stats(store, allowed: Collection[str]) -> Stats:
    """Node counts per label within ``allowed`` and relationship counts per type between
    two of them (what the dashboard's export of the scope holds)."""
    nodes = Counter(label for label, _ in store.nodes(allowed).values())
    rels = Counter(
        e.type for e in store.edges_at(allowed, list(SCHEMA.relationships)) if e.target in allowed
    )
    return Stats(dict(sorted(nodes.items())), dict(sorted(rels.items())))


def scoped_coverage(rows: list[dict[str, Any]], scope: Scope) -> list[dict[str, Any]]:
    """The coverage rows of regions within the scope's subtree (the unplaced row left
    out: what lies in no region lies in no scope)."""
    return [r for r in rows if r["id"] is not None and r["id"] in scope.regions]
