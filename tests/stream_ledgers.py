"""Generated ledgers with faults written into them, for the streaming load's parity tests:
each fault one the streaming load resolves itself (no reference left to be matched by
name), so both loads must give the same report and the same graph."""

from __future__ import annotations

import csv
from pathlib import Path

Table = list[list[str]]


def read_table(folder: Path, table: str) -> Table:
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write_table(folder: Path, table: str, rows: Table) -> None:
    with (folder / f"{table}.csv").open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


def _col(rows: Table, header: str) -> int:
    return rows[0].index(header)


def inject_faults(folder: Path) -> Path:
    """Write into a generated ledger: faults of pass one (a duplicate id, a bad
    enumeration, a birth year that is no number, a blank required cell, a row above the
    header, a missing required column), references dropped in pass two (a target of the
    wrong kind, a wrong region nesting, an organisation its own parent, a parent cycle)
    and link rows rejected (a duplicate, a link to itself, an end of the wrong kind);
    and beside the tables a file that is no table and a document."""
    regions = read_table(folder, "regions")
    level, parent = _col(regions, "层级"), _col(regions, "上级编号")
    communities = [r for r in regions[1:] if r[level] == "社区"]
    communities[1][parent] = communities[0][0]  # a community inside a community
    write_table(folder, "regions", regions)

    orgs = read_table(folder, "orgs")
    up = _col(orgs, "上级党组织")
    with_parent = [r for r in orgs[1:] if r[up]]
    a, b = with_parent[3], with_parent[4]
    a[up], b[up] = b[0], a[0]  # a parent cycle of two
    c, d, e = with_parent[7:10]
    c[up], d[up], e[up] = d[0], e[0], c[0]  # a cycle of three,
    with_parent[10][up] = c[0]  # an organisation below it,
    with_parent[2][up] = e[0]  # and one above in the table (its walk meets the cycle first)
    with_parent[5][up] = with_parent[5][0]  # its own parent
    buildings = read_table(folder, "buildings")
    with_parent[6][up] = buildings[1][0]  # a building as a parent organisation
    orgs.insert(0, ["党组织台账（2026年）"])  # a title row above the header
    write_table(folder, "orgs", orgs)

    members = read_table(folder, "members")
    sex, born, name = _col(members, "性别"), _col(members, "出生年份"), _col(members, "姓名")
    members[5][0] = members[4][0]  # a duplicate id
    members[7][sex] = "未知"
    members[9][born] = "一九八〇"
    members[11][name] = ""
    write_table(folder, "members", members)

    links = read_table(folder, "links")
    src, dst = _col(links, "源编号"), _col(links, "目标编号")
    links.append(list(links[1]))  # the same link twice
    links[2][dst] = links[2][src]  # a link to itself
    links[3][dst] = orgs[2][0]  # an organisation where a grid or building is wanted
    write_table(folder, "links", links)

    services = read_table(folder, "services")
    drop = _col(services, "服务日期")
    write_table(folder, "services", [r[:drop] + r[drop + 1 :] for r in services])

    (folder / "notes.csv").write_text("备注,说明\n1,2\n", encoding="utf-8")
    (folder / "说明.docx").write_bytes(b"PK\x03\x04")
    return folder
