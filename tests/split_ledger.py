"""Splitting a ledger into one ledger per street (for the store of record's tests).

Each street's ledger holds the rows placed in that street, the rows placed in none
(the district's regions, units and organisations), and, transitively, every row a
row it holds refers to (by a cell holding that row's id): each row keeps all its
references, so a row that two streets hold is the same row in both.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import networkx as nx

from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.embedded.view import View
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.places import places_nx

SEPARATORS = re.compile(r"[;；、,，\s]+")


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def split_by_street(ledger: Path, out: Path) -> dict[str, Path]:
    """``{street id: folder}``: the ledger at ``ledger`` (CSV files, the id first in each
    row) split into ``out/<street id>``."""
    data = load_ledger(ledger)
    store = EmbeddedStore()
    store.write(data)
    view = View(store.graph)
    street = {n: p.street for n, p in places_nx(view, list(store.graph)).items()}
    for m in view.ids("Member"):  # a member lies where its organisation lies
        org = view.target(m, "MEMBER_OF")
        street[m] = street.get(org) if org else None
    tables = {p: _read(p) for p in sorted(ledger.glob("*.csv"))}
    links = ledger / "links.csv"  # rows of two ids, no id of their own
    rows = {
        r[0]: (p, i) for p, t in tables.items() if p != links for i, r in enumerate(t[1:], 1) if r
    }
    refers = nx.DiGraph()
    for p, t in tables.items():
        for i, r in enumerate(t[1:], 1):
            for cell in r if p == links else r[1:]:
                for value in SEPARATORS.split(cell):
                    if value in rows:
                        refers.add_edge((p, i), rows[value])
    streets = sorted({s for s in street.values() if s})
    folders = {}
    for s in streets:
        seeds = {rows[n] for n, at in street.items() if at in (s, None) and n in rows}
        seeds |= {
            (p, i)
            for p, t in tables.items()
            for i, r in enumerate(t[1:], 1)
            if p == links and r and street.get(r[0]) in (s, None)  # a link: where its source is
        }
        held = set(seeds)
        for seed in seeds:
            if seed in refers:
                held |= nx.descendants(refers, seed)
        folder = out / s
        folder.mkdir(parents=True)
        for p, t in tables.items():
            kept = [r for i, r in enumerate(t[1:], 1) if (p, i) in held]
            with (folder / p.name).open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows([t[0], *kept])
        folders[s] = folder
    return folders


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def split_with_district(ledger: Path, out: Path) -> tuple[Path, dict[str, Path], int]:
    """``(district folder, {street id: folder}, references by name)``: the ledger split
    by street (:func:`split_by_street`) with every unit in the district's ledger only
    (with the regions and the buildings the units lie in), the streets holding no unit:
    their rows refer to the district's units by id; in the last street, an
    organisation's unit (所在单位) is written as the unit's name where that name is one
    unit's only and no other unit of the street's ledger has it (it has none)."""
    streets = split_by_street(ledger, out / "streets")
    units = _read(ledger / "units.csv")
    buildings = _read(ledger / "buildings.csv")
    where = {r[3] for r in units[1:]}  # 所在位置: a region or a building
    district = out / "district"
    district.mkdir()
    shutil.copy(ledger / "regions.csv", district / "regions.csv")
    _write(district / "units.csv", units)
    _write(district / "buildings.csv", [buildings[0], *(r for r in buildings[1:] if r[0] in where)])
    names = [r[1] for r in units[1:]]
    unique = {r[0]: r[1] for r in units[1:] if names.count(r[1]) == 1}
    by_name = 0
    for n, folder in enumerate(streets.values()):
        _write(folder / "units.csv", [units[0]])
        if n != len(streets) - 1:
            continue
        orgs = _read(folder / "orgs.csv")
        col = orgs[0].index("所在单位")
        for r in orgs[1:]:
            if r[col] in unique:
                r[col], by_name = unique[r[col]], by_name + 1
        _write(folder / "orgs.csv", orgs)
    return district, streets, by_name
