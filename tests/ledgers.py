"""Writing small ledgers for the tests: one helper, :func:`write_ledger`.

A ledger is given as ``{table: rows}``. The table is the file's stem (``regions``,
``党员``) or, with ``xlsx=True``, the sheet's name. Rows are lists (the first is the
header, and rows above it, such as a title, are written as given) or dicts (the
header is their keys in the order they first appear), or the CSV text as is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Rows = Sequence[Sequence[Any]] | Sequence[Mapping[str, Any]] | str

# four nested regions, district down to grid
REGIONS = [
    ["id", "name", "level", "parent"],
    ["R1", "沙市区", "district", ""],
    ["R2", "胜利街道", "street", "R1"],
    ["R3", "东方社区", "community", "R2"],
    ["R4", "一网格", "grid", "R3"],
]


def as_lists(rows: Rows) -> list[list[Any]]:
    """The rows as lists, the header first."""
    if isinstance(rows, str):
        return [list(r) for r in csv.reader(io.StringIO(rows, newline=""))]
    if rows and isinstance(rows[0], Mapping):
        header = list(dict.fromkeys(k for row in rows for k in row))
        return [header, *([row.get(k, "") for k in header] for row in rows)]
    return [list(r) for r in rows]


def csv_text(rows: Rows) -> str:
    """The rows as CSV text, one ``\\n`` at each line's end (text is kept as is)."""
    if isinstance(rows, str):
        return rows
    buf = io.StringIO()
    plain = csv.writer(buf, lineterminator="\n")
    # with "\n" as the line end, csv leaves a cell holding a lone "\r" unquoted, which a
    # reader takes for a line break: such rows are written fully quoted
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in as_lists(rows):
        (quoted if any("\r" in str(c) for c in row) else plain).writerow(row)
    return buf.getvalue()


def write_ledger(
    folder: Path, tables: Mapping[str, Rows], *, encoding: str = "utf-8-sig", xlsx: bool = False
) -> Path:
    """Write the tables into ``folder`` (made if missing) as ``<table>.csv`` files in
    ``encoding``, and return the folder; or, with ``xlsx``, as the sheets of one
    workbook ``ledger.xlsx`` (cells keep their Python types), and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    if not xlsx:
        for table, rows in tables.items():
            (folder / f"{table}.csv").write_bytes(csv_text(rows).encode(encoding))
        return folder
    wb = Workbook()
    for n, (table, rows) in enumerate(tables.items()):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = table
        for row in as_lists(rows):
            ws.append(row)
    path = folder / "ledger.xlsx"
    wb.save(path)
    return path
