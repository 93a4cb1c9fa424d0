"""Ids derived from names: a table of regions, buildings, units or organisations without
an ``id`` column (docs/ledger.md, "Tables without ids").

Each entity's id is its kind's prefix and the first 12 hex digits of SHA-256 of its
*path*: the segments from the top down to it, joined by ``/``. A segment is the
entity's kind and its name key (:func:`lianjian.core.text.name_key`: script, width,
variant characters, punctuation and the party naming patterns folded), ``grid:第三网格``;
a region's kind is its level. What an entity lies in (its *place*) is, per table:

- a region: its parent region;
- a building: its compound, else its grid;
- a unit: its location (a region or a building), else nothing;
- an organisation: its parent organisation, else its unit, else what it covers when
  that is one entity, else nothing.

An entity placed nowhere has its own segment as its path. The place may be given by
id or by name, and may itself have a derived id: the paths are worked out top down.
An id-keyed entity has a path too (by its names), so a derived id does not change when
the ledger above it gains or loses its ids. A place that is unknown, ambiguous, of the
wrong kind or in a cycle gives no id: the row is reported and rejected, never guessed.
Two rows of the same path are one entity twice: the second is a duplicate ID. A place
may be typed as a derived id itself (``R-…``): it is the entity whose path gives that id.

>>> derived_id("Region", "district:沙市区")
'R-ba4d6b3257cc'
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from lianjian.core.report import ERROR
from lianjian.core.text import name_key
from lianjian.loaders.names import Names
from lianjian.loaders.resolve import Build, Ref, check_target

__all__ = ["PREFIX", "PLACED_BY", "Paths", "derives", "temp_id", "derived_id", "derive_ids"]

PREFIX = {"Region": "R-", "Building": "B-", "Unit": "U-", "PartyOrg": "O-"}
# the reference columns that place an entity, the first given one counts
PLACED_BY = {
    "Region": ("parent",),
    "Building": ("compound", "grid"),
    "Unit": ("location",),
    "PartyOrg": ("parent", "unit", "covers"),
}
KIND = {"Building": "building", "Unit": "unit", "PartyOrg": "org"}  # a region's is its level
HEX = 12
MAX_DEPTH = 200  # a deeper chain of places is no ledger's: reported, not followed
TEMP = "\x00derive:"  # the id of a row whose id is not derived yet: no cell holds a NUL
_DERIVED = re.compile(rf"([A-Z]-)[0-9a-f]{{{HEX}}}")  # the shape of a derived id


class _Later(Exception):
    """A place typed as a derived id whose entity's path is not known yet."""


def derives(label: str | None, columns: Any) -> bool:
    """Whether a table of ``label`` whose columns are ``columns`` derives its ids."""
    return label in PREFIX and "id" not in set(columns)


def temp_id(file: str, row: int) -> str:
    return f"{TEMP}{file}:{row}"


def derived_id(label: str, path: str) -> str:
    """The id of an entity of ``label`` at ``path``."""
    return PREFIX[label] + hashlib.sha256(path.encode("utf-8")).hexdigest()[:HEX]


def segment(label: str, props: dict[str, Any]) -> str:
    """An entity's own part of a path: its kind and its name key."""
    kind = props.get("level", "") if label == "Region" else KIND.get(label, label)
    return f"{kind}:{name_key(str(props.get('name', '')))}"


def _typed(text: str, labels: tuple[str, ...]) -> bool:
    """Whether ``text`` has the shape of an id derived for one of ``labels``."""
    m = _DERIVED.fullmatch(text)
    return m is not None and any(PREFIX.get(label) == m.group(1) for label in labels)


class Paths:
    """Every entity's path, worked out on demand (top down, each once)."""

    def __init__(self, b: Build) -> None:
        self.b = b
        self.nodes = b.data.nodes
        self.names = Names(b.data)
        self.refs: dict[str, dict[str, Ref]] = {}
        for r in b.refs:
            self.refs.setdefault(r.source, {})[r.prop.name] = r
        self.memo: dict[str, str | None] = {}
        self.why: dict[str, tuple[Ref | None, str]] = {}  # why a pending row has no path
        self.stack: list[str] = []
        self.up: dict[str, str] = {}  # what each entity lies in, once told
        self.typed: dict[str, str] = {}  # a derived id → the pending row it is the id of
        self.deferring = False  # a place typed as a derived id not known yet: _Later

    def settle(self, labels: tuple[str, ...] | None = None) -> None:
        """Learn the derived ids of the pending rows (of ``labels``, or all), so a place typed
        as one is found: rounds until no more are learnt (a place typed as the derived id of
        a row whose own place is typed so is learnt in a later round)."""
        todo = [
            n
            for n in self.b.derived
            if n in self.nodes and (not labels or self.nodes[n][0] in labels)
        ]
        self.deferring = True
        while todo:
            later = []
            for n in todo:
                try:
                    p = self.path(n)
                except _Later:
                    self.stack.clear()
                    later.append(n)
                    continue
                if p is not None:
                    self.typed.setdefault(derived_id(self.nodes[n][0], p), n)
            if len(later) == len(todo):
                break
            todo = later
        self.deferring = False

    def chain(self, node_id: str) -> list[str]:
        """The name keys of what ``node_id`` lies in, top down (by its path)."""
        path = self.path(node_id)
        return [s.partition(":")[2] for s in path.split("/")[:-1]] if path else []

    def shown(self, node_id: str, full: bool = False) -> str:
        """An entity as a report names it: its id, or its name and row while pending;
        ``full``: after the names of what it lies in, top down (``沙市区/胜利街道 (R2)``)."""
        where = node_id
        pending = node_id in self.b.derived
        if pending:
            f, r = self.b.where[node_id]
            where = f"{f}:{r}"
        name = str(self.nodes[node_id][1].get("name", ""))
        if not pending and not full:
            return node_id
        chain, n = [name], node_id
        while full and self.up.get(n) and self.up[n] != node_id and len(chain) < 16:
            n = self.up[n]
            chain.append(str(self.nodes[n][1].get("name", "")))
        return "/".join(reversed(chain)) + f" ({where})"

    def path(self, n: str) -> str | None:
        if n in self.memo:
            return self.memo[n]
        if n in self.stack:  # a cycle: none of it has a path
            cycle = self.stack[self.stack.index(n) :]
            text = " → ".join(self.shown(c) for c in [*cycle, n])
            for c in cycle:
                self.why.setdefault(c, (self._place_ref(c), f"parent cycle {text}"))
            return None
        if len(self.stack) > MAX_DEPTH:
            self.why.setdefault(n, (self._place_ref(n), f"placed more than {MAX_DEPTH} deep"))
            return None
        self.stack.append(n)
        label, props = self.nodes[n]
        own = segment(label, props)
        place, why = self.place(n, label)  # a _Later leaves the stack to settle()
        result: str | None = own
        if why:
            self.why.setdefault(n, why)
            result = None
        elif place is not None:
            self.up[n] = place
            up = self.path(place)
            if up is None:
                self.why.setdefault(
                    n,
                    (
                        self._place_ref(n),
                        f"its place {self.shown(place)} has no path (see its row)",
                    ),
                )
                result = None
            else:
                result = f"{up}/{own}"
        self.stack.pop()
        if n in self.why:
            result = None
        self.memo[n] = result
        return result

    def _place_ref(self, n: str) -> Ref | None:
        label = self.nodes[n][0]
        refs = self.refs.get(n, {})
        return next((refs[c] for c in PLACED_BY.get(label, ()) if c in refs), None)

    def place(self, n: str, label: str) -> tuple[str | None, tuple[Ref, str] | None]:
        """The node ``n`` lies in (None: nowhere), or why it cannot be told."""
        refs = self.refs.get(n, {})
        for column in PLACED_BY.get(label, ()):
            ref = refs.get(column)
            if ref is None:
                continue
            targets = list(dict.fromkeys(ref.targets))
            if len(targets) != 1:  # several covered entities place nothing
                continue
            found, why = self.target(n, targets[0], ref)
            return found, ((ref, why) if why else None)
        return None, None

    def target(self, n: str, text: str, ref: Ref) -> tuple[str | None, str | None]:
        spec = ref.prop.edge
        assert spec is not None
        if text in self.nodes:
            found: str | None = text
        elif text in self.typed:
            found = self.typed[text]
        elif self.deferring and _typed(text, spec.targets):
            raise _Later(text)
        else:
            m = self.names.lookup(text, spec.targets, spec.levels, self.chain)
            found = m.node
            others = tuple(c for c in m.candidates if c != n) if m.how == "ambiguous" else ()
            if len(others) == 1:
                found = others[0]
            elif others:
                by_path: dict[str | None, str] = {}
                for c in others:  # rows of one path are one entity (a duplicate, reported)
                    by_path.setdefault(self.path(c), c)
                if len(by_path) != 1 or None in by_path:
                    listed = "; ".join(self.shown(c, full=True) for c in by_path.values())
                    return None, f"ambiguous name: {len(by_path)} candidates, {listed}"
                found = others[0]
            elif found is None:
                wanted = " or ".join(spec.targets) + (
                    f"({'/'.join(spec.levels)})" if spec.levels else ""
                )
                return None, f"unknown name: no {wanted} has this name or ID"
        assert found is not None
        why = check_target(self.b.data, found, spec.targets, spec.levels)
        if why is None and found == n:
            why = "a reference to itself"
        if why is None and spec.type == "PART_OF":
            child, parent = self.nodes[n][1]["level"], self.nodes[found][1]["level"]
            if parent not in self.b.schema.region_nesting.get(child, ()):
                why = f"wrong level nesting: a {child}'s parent cannot be a {parent}"
        return (None, why.replace(found, self.shown(found))) if why else (found, None)


def derive_ids(b: Build) -> None:
    """Give every row read without an id (:func:`temp_id`) its derived id, or reject it."""
    pending = [n for n in b.derived if n in b.data.nodes]
    if not pending:
        return
    paths = Paths(b)
    paths.settle()
    renamed: dict[str, str] = {}
    first: dict[str, str] = {}
    for n in pending:
        label, props = b.data.nodes[n]
        path = paths.path(n)
        f, r = b.where[n]
        if path is None:
            ref, why = paths.why[n]
            column = ref.column if ref else b.derived.get(n, "name")
            value = ", ".join(ref.targets) if ref else None
            b.report.add(f, r, column, value, f"{why}: no id can be derived: row rejected", ERROR)
        else:
            new = derived_id(label, path)
            if new in b.where or new in first:
                df, dr = b.where[first[new]] if new in first else b.where[new]
                why = f"duplicate ID: first defined at {df}:{dr} (the same name in the same place)"
                b.report.add(f, r, b.derived.get(n, "name"), new, why, ERROR)
            else:
                first[new] = n
                renamed[n] = new
                props["id"] = new
                continue
        b.report.count_loaded(f, -1)
        b.report.count_rejected(f)
    gone = {n for n in pending if n not in renamed}
    nodes = b.data.nodes
    b.data.nodes = {renamed.get(k, k): v for k, v in nodes.items() if k not in gone}
    b.where = {renamed.get(k, k): v for k, v in b.where.items() if k not in gone}
    refs = []
    for ref in b.refs:
        if ref.source in b.derived:
            if ref.source not in renamed:
                continue
            ref.source = renamed[ref.source]
        if id(ref.prop) in b.uncounted:  # a grid given by a 楼栋 list: the grid's own id
            if ref.targets[0] in gone:
                continue
            ref.targets = [renamed.get(ref.targets[0], ref.targets[0])]
        refs.append(ref)
    b.refs = refs
    b.derived = {}
