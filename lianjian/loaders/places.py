"""Places the forms name in a consumed column (docs/ledger.md, "The standard forms"): a
grid's buildings (the grid ledger's 楼栋) and a member's home address (the roster's 家庭住址).

- **楼栋**: each name of a grid's list is matched to a building of the ledger (its name,
  as written or folded), and of several to those lying deepest inside the grid: in it,
  then in no grid but in a compound of the grid's community, then placed nowhere. A
  building whose row names no grid gets this one (the rows of the buildings table may
  leave their grid empty while a regions table has a 楼栋 column: those still without one
  are rejected as before); one in another grid or another community is reported and
  left; a name of no building is reported, once per cell. No building is created.
- **家庭住址**: where the member's row gives no home, the buildings whose folded name occurs
  in the folded address (not inside a longer number), the longest of them, and of several
  those with most of their compound, grid and community names in the address: exactly one
  is the member's home (LIVES_IN); otherwise nothing is linked. The address is kept in
  memory only until it is matched, never stored, shown or counted by its text: validate
  counts how many matched (``Report.addresses``: matched, unmatched, ambiguous).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from lianjian.core.model import NO_PROPS, Edge
from lianjian.core.report import NOTICE, WARNING
from lianjian.core.text import name_key
from lianjian.loaders.cards import Consumed
from lianjian.loaders.derive import Paths
from lianjian.loaders.read import RawTable
from lianjian.loaders.resolve import Build, Ref
from lianjian.loaders.values import split_list

__all__ = ["expect_fills", "keep_places", "grids_from_lists", "homes_from_addresses"]

LISTS = "regions.buildings"  # how validate names the 楼栋 column's counts
ADDRESS_OUTCOME = {"folded_name": "matched", "unknown": "unmatched", "ambiguous": "ambiguous"}
NUMERALS = frozenset("0123456789零〇一二两三四五六七八九十百千")
UNMATCHED = (
    "no building of the ledger has this name: not matched (a 楼栋 list gives a building "
    "its grid and creates none; a range such as 1-6号楼 is not expanded)"
)


@dataclass(slots=True)
class Listed:
    """A regions row's 楼栋 cell: the grid and the building names it lists."""

    grid: str
    names: list[str]
    file: str
    row: int
    column: str


def expect_fills(b: Build, table: str, consumed: Consumed) -> None:
    """A table with a 楼栋 column: the rows of the table its column fills (buildings) may
    leave that required column (grid) empty, to be given it by a list."""
    if "buildings" not in consumed.uses.values():
        return
    columns = b.schema.consumed_columns.get(table, {})
    for c in columns.values():
        if c["use"] == "buildings":
            other, _, column = c["fills"].partition(".")
            b.waits.setdefault(other, set()).add(column)


def keep_places(
    b: Build,
    t: RawTable,
    row_no: int,
    cells: list[str],
    consumed: Consumed,
    values: dict[str, Any],
    col_name: dict[str, str],
) -> None:
    """What a loaded row holds for later: the line it is rejected with if nothing gives it
    the column it waits for, its 楼栋 list, its member's folded address (no home given)."""
    node = values["id"]
    props = b.schema.table_properties(t.table)
    for name in b.waits.get(t.table, ()):
        if name not in values:
            p = props[name]
            if name in col_name:
                line = (col_name[name], f"required value {name} ({p.zh}) is empty")
            else:
                line = (p.zh, f"required column {name} ({p.zh}) is missing from the table")
            b.waiting[node] = (t.file, row_no, *line)
    if not consumed.uses:
        return
    listed = consumed.text(cells, "buildings")
    if listed:
        b.lists.append(
            Listed(node, split_list(listed), t.file, row_no, consumed.headers["buildings"])
        )
    address = consumed.text(cells, "address")
    if address and "home" not in values:
        b.addresses[node] = name_key.__wrapped__(address)  # not in name_key's cache


# ---------------------------------------------------------------- 楼栋


def grids_from_lists(b: Build) -> None:
    """Match every 楼栋 list, then reject the rows still waiting for a grid."""
    if b.lists:
        _match_lists(b)
    b.lists = []
    _reject_waiting(b)


def _match_lists(b: Build) -> None:
    nodes, report = b.data.nodes, b.report
    paths = Paths(b)
    paths.settle(("Region",))  # a grid or compound typed as a derived id
    filled = dataclasses.replace(b.schema.nodes["Building"].properties["grid"])
    b.uncounted.add(id(filled))  # no cell of the buildings table gave it
    refs: dict[str, dict[str, Ref]] = defaultdict(dict)
    for r in b.refs:
        if nodes[r.source][0] == "Building":
            refs[r.source][r.prop.name] = r
    given: dict[str, str] = {}  # building → the grid a list gave it
    made: list[Ref] = []
    kept = _kept(b, paths)
    for cell in b.lists:
        g = kept.get(cell.grid, cell.grid)
        if g is None:  # a row whose id cannot be derived: reported with its row
            continue
        level = nodes[g][1].get("level")
        if level != "grid":
            why = f"a {level} is not a grid: a 楼栋 list gives a grid's buildings: not read"
            report.add(cell.file, cell.row, cell.column, "、".join(cell.names), why, WARNING)
            continue
        community = paths.place(g, "Region")[0]
        unmatched = []
        for name in cell.names:
            m = paths.names.lookup(name, ("Building",), (), paths.chain)
            if m.how == "unknown":
                unmatched.append(name)
                report.count_reference(LISTS, "unknown")
                continue
            where = {
                c: _depth(paths, refs[c], c, g, community, given)
                for c in ((m.node,) if m.node else m.candidates)
            }
            where = {c: d for c, d in where.items() if d is not None}
            best = max((d[0] for d in where.values()), default=None)
            chosen = [c for c, d in where.items() if d[0] == best]
            if not chosen:  # the building's own grid cell names no one grid: told in its row
                report.count_reference(LISTS, m.how)
                continue
            if len(chosen) > 1:
                report.count_reference(LISTS, "ambiguous")
                listed = "; ".join(_shown(paths, c) for c in chosen)
                why = f"ambiguous name: {len(chosen)} buildings, {listed}: no grid given"
                report.add(cell.file, cell.row, cell.column, name, why, WARNING)
                continue
            c = chosen[0]
            report.count_reference(LISTS, paths.names.how_named(name, c))
            depth, other = where[c]
            if depth in (1, 2):
                given[c] = g
                b.waiting.pop(c, None)
                made.append(Ref(filled, c, (g,), cell.file, cell.row, cell.column))
            elif depth == 0:
                why = _elsewhere(paths, c, g, other, given)
                report.add(cell.file, cell.row, cell.column, name, why, WARNING)
        if unmatched:
            report.add(cell.file, cell.row, cell.column, "、".join(unmatched), UNMATCHED, NOTICE)
    if made:  # after the regions' and buildings' own, before what lies in a building
        places = (i for i, r in enumerate(b.refs) if nodes[r.source][0] in ("Region", "Building"))
        at = max(places, default=-1) + 1
        b.refs[at:at] = made


def _kept(b: Build, paths: Paths) -> dict[str, str | None]:
    """Each region row without an id → the row that will hold its derived id: itself, the
    first row of the same path (the second is the same grid twice), or None (no path)."""
    first: dict[str, str] = {}
    out: dict[str, str | None] = {}
    for n in b.derived:
        if n in paths.nodes and paths.nodes[n][0] == "Region":
            path = paths.path(n)
            out[n] = None if path is None else first.setdefault(path, n)
    return out


def _depth(
    paths: Paths, refs: dict[str, Ref], c: str, g: str, community: str | None, given: dict
) -> tuple[int, str | None] | None:
    """How deep building ``c`` lies inside grid ``g``: 3 in it, 2 in no grid but in a
    compound of its community, 1 placed nowhere, 0 elsewhere (with the grid or compound it
    lies in); None when its own grid cell names no one grid (reported in its row)."""
    grid = given.get(c)
    ref = refs.get("grid")
    if grid is None and ref is not None:
        grid = paths.target(c, ref.targets[0], ref)[0]
        if grid is None:
            return None
    if grid is not None:
        return (3, None) if grid == g else (0, grid)
    ref = refs.get("compound")
    compound = paths.target(c, ref.targets[0], ref)[0] if ref is not None else None
    if compound is None or community is None:
        return 1, None
    return (2, None) if paths.place(compound, "Region")[0] == community else (0, compound)


def _shown(paths: Paths, n: str) -> str:
    paths.path(n)  # what it lies in, for its full name
    return paths.shown(n, full=True)


def _elsewhere(paths: Paths, c: str, g: str, other: Any, given: dict) -> str:
    """Why building ``c``, listed by grid ``g``, is left where it is."""
    here = _shown(paths, g)
    if given.get(c) == other:
        return (
            f"{_shown(paths, c)} has the grid {_shown(paths, other)} already, from its 楼栋 "
            f"list: not given {here}"
        )
    if paths.nodes[other][1].get("level") == "grid":
        return f"the buildings row of {_shown(paths, c)} names the grid {_shown(paths, other)}, not {here}: nothing changed"
    return (
        f"{_shown(paths, c)} lies in the compound {_shown(paths, other)}, not in the community "
        f"of {here}: nothing changed"
    )


def _reject_waiting(b: Build) -> None:
    """The rows still without the column they waited for: rejected with the line they
    would have had in pass one."""
    if not b.waiting:
        return
    for n, (file, row, column, why) in b.waiting.items():
        b.report.add(file, row, column, None, why)
        del b.data.nodes[n]
        b.where.pop(n, None)
        b.derived.pop(n, None)
        b.report.count_loaded(file, -1)
        b.report.count_rejected(file)
    gone, b.waiting = b.waiting, {}
    b.refs = [r for r in b.refs if r.source not in gone]


# ---------------------------------------------------------------- 家庭住址


def homes_from_addresses(b: Build) -> None:
    """A LIVES_IN relationship for each member whose folded address names one building."""
    if not b.addresses:
        return
    nodes, edges = b.data.nodes, b.data.edges
    index: dict[str, list[str]] = defaultdict(list)
    for n, (label, p) in nodes.items():
        if label == "Building":
            index[p.get("name_key") or name_key(str(p.get("name", "")))].append(n)
    parent = {e.source: e.target for e in edges if e.type == "PART_OF"}
    around: dict[str, list[str]] = defaultdict(list)  # a building → its compound, grid, community
    for e in edges:
        if e.type in ("IN_GRID", "IN_COMPOUND") and nodes[e.source][0] == "Building":
            around[e.source] += [e.target, *([parent[e.target]] if e.target in parent else [])]
    context = {c: {nodes[r][1].get("name_key", "") for r in rs} - {""} for c, rs in around.items()}
    spec = b.schema.nodes["Member"].properties["home"].edge
    assert spec is not None
    starts: dict[str, set[int]] = defaultdict(set)  # a name's first two characters → lengths
    for k in index:
        starts[k[:2]].add(len(k))
    by_start = {k: tuple(sorted(v)) for k, v in starts.items() if k}
    housed = {e.source for e in edges if e.type == spec.type}  # a home the 双报到 form gave
    for member, address in b.addresses.items():
        if member in housed:
            continue
        how, home = _home(address, index, by_start, context)
        b.report.count_address(ADDRESS_OUTCOME[how])
        if home is not None:
            edges.append(Edge(spec.type, member, home, spec.type, NO_PROPS))
    b.addresses.clear()


def _home(
    address: str,
    index: dict[str, list[str]],
    by_start: dict[str, tuple[int, ...]],
    context: dict[str, set[str]],
) -> tuple[str, str | None]:
    """How ``address`` (folded) matched, and the one building it names, if any
    (``by_start``: the lengths of the names in ``index`` by their first two characters)."""
    found: set[str] = set()
    n = len(address)
    for i in range(n):
        sizes = by_start.get(address[i : i + 2], ()) + by_start.get(address[i], ())
        if not sizes or (i and address[i] in NUMERALS and address[i - 1] in NUMERALS):
            continue  # no name starts here, or inside a longer number (3号楼 in 13号楼)
        for size in sizes:
            j = i + size
            if j > n or (j < n and address[j - 1] in NUMERALS and address[j] in NUMERALS):
                continue
            if address[i:j] in index:
                found.add(address[i:j])
    if not found:
        return "unknown", None
    top = max(map(len, found))
    candidates = [c for k in found if len(k) == top for c in index[k]]
    if len(candidates) > 1:
        score = {c: sum(k in address for k in context.get(c, ())) for c in candidates}
        best = max(score.values())
        candidates = [c for c in candidates if score[c] == best]
    return ("folded_name", candidates[0]) if len(candidates) == 1 else ("ambiguous", None)
