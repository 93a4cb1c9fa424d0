"""Reading the ledger sheets of an XLSX workbook as raw text cells.

Excel ledgers carry what CSV files do not: typed cells (dates, numbers with a
``000`` format), extra sheets, and formulas. A formula is read as the result
Excel saved with it; a formula with no saved result (a workbook written by a
program and never opened in Excel) or one showing an Excel error (``#REF!``)
cannot be read, so its row is rejected with the cell named, never loaded as an
empty or wrong value.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path
from typing import Any

from lianjian.core.report import NOTICE, Report
from lianjian.loaders.read import LedgerError, RawTable, Row, match_table, with_header

__all__ = ["read_workbook"]

_ZEROS = re.compile(r"^0+$")
_FORMULA = (b"<f>", b"<f ", b"<x:f>", b"<x:f ")


def read_workbook(
    f: Path,
    label: str,
    table_aliases: dict[str, str],
    known_headers: dict[str, set[str]],
    report: Report,
) -> list[RawTable]:
    """The ledger tables among the workbook's sheets; other sheets are reported and skipped."""
    # deferred: openpyxl takes ~0.2 s to import and a CSV ledger never needs it
    from openpyxl import load_workbook

    try:
        wb = load_workbook(f, read_only=True, data_only=True)
        # the formulas themselves, only where there are any: to tell "no saved result" from empty
        formulas = load_workbook(f, read_only=True) if _has_formulas(f) else None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as e:
        raise LedgerError(f"{label}: not a readable XLSX workbook ({e.__class__.__name__})") from e
    out = []
    for ws in wb.worksheets:
        table = match_table(ws.title, table_aliases)
        where = f"{label}[{ws.title}]"
        if table is None:
            report.add(where, None, None, None, "not a ledger sheet name: sheet ignored", NOTICE)
            continue
        shadow = formulas[ws.title].iter_rows() if formulas is not None else iter(())
        t = with_header(
            RawTable(table, where), _rows(ws.iter_rows(), shadow), known_headers[table], report
        )
        if t is not None:
            out.append(t)
    return out


def _has_formulas(f: Path) -> bool:
    """Whether any worksheet holds a formula (a scan of the XML, far cheaper than a second parse)."""
    with zipfile.ZipFile(f) as z:
        for name in z.namelist():
            if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                continue
            with z.open(name) as fh:
                tail = b""
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    block = tail + chunk
                    if any(tag in block for tag in _FORMULA):
                        return True
                    tail = block[-8:]
    return False


def _rows(values: Iterator, formulas: Iterator) -> Iterator[Row]:
    """``(row number, cell texts, problem)``: the problem names a cell that cannot be read."""
    for i, (row, shadow) in enumerate(zip_longest(values, formulas, fillvalue=()), 1):
        cells = [_cell_text(c) for c in row]
        problem = None
        for j, c in enumerate(row):
            if getattr(c, "data_type", None) == "e":
                problem = f"cell {_column(j)}{i} shows the Excel error {c.value}"
            elif c.value is None and j < len(shadow) and _is_formula(shadow[j]):
                problem = (
                    f"cell {_column(j)}{i} holds a formula with no saved result "
                    "(open and save the workbook in Excel, or paste the values)"
                )
            if problem:
                break
        yield i, cells, problem


def _is_formula(cell: Any) -> bool:
    v = getattr(cell, "value", None)
    return getattr(cell, "data_type", None) == "f" or (isinstance(v, str) and v.startswith("="))


def _column(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_text(cell: Any) -> str:
    v = getattr(cell, "value", None)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        fmt = getattr(cell, "number_format", "") or ""
        if _ZEROS.match(fmt):  # a "000" format shows 7 as 007: keep what the user sees
            return str(v).zfill(len(fmt))
        return str(v)
    return str(v)
