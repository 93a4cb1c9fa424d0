"""Reading the ledger sheets of a workbook as raw text cells, with calamine.

One reader for every workbook kind a maintained library reads: XLSX and XLSM, XLSB,
Excel 97–2003 ``.xls`` (and WPS ``.et`` stored as either), OpenDocument ``.ods``.
What cannot be read is refused with the file named and the format it was taken for.

Which sheets are read:
- a sheet named after a table (``orgs``, ``党组织``, ``2024党员``) is that table;
- a sheet with a default name (``Sheet1``, ``工作表1``) is taken as the table its header
  matches, with a notice; one whose header matches no table, or several, is reported;
- a hidden sheet is reported: ignored (notice) when a visible sheet holds the same
  table, read (warning) when it is the only sheet of its table;
- other sheets are reported as notices and skipped.

What the cells say beyond their values:
- a cell merged down over several rows (``所在党组织`` over each organisation's members)
  gives its value to every row of the range, with a notice naming the range;
- in XLSX, a formula with no saved result or an Excel error rejects its row with the cell
  named, and a number formatted ``000`` keeps its zeros (:mod:`lianjian.loaders.xlsx`);
- a number in an id or reference column is remembered for
  :func:`lianjian.loaders.zeros.check_numeric_ids`, which reports the ones that lost
  their leading zeros.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from lianjian.core.report import ERROR, NOTICE, WARNING, Report
from lianjian.core.schema import SCHEMA
from lianjian.core.text import fold
from lianjian.loaders.ods import ods_merged_ranges
from lianjian.loaders.read import (
    HEADER_SCAN_ROWS,
    LedgerError,
    RawTable,
    Row,
    header_key,
    match_form,
    match_table,
    with_header,
)
from lianjian.loaders.sniff import NAMES, ODS, READABLE, TAKEN_FOR, XLS, XLSB, XLSX, sniff
from lianjian.loaders.xls import xls_error_cells
from lianjian.loaders.xlsx import Special, column_letters, special_cells

__all__ = ["read_workbook", "SheetTable", "DEFAULT_SHEET"]

# the names spreadsheet programs give new sheets: Sheet1, 工作表1, Sheet 2, 表1, Лист1…
DEFAULT_SHEET = re.compile(r"^(sheet|工作表|表|页|feuil|tabelle|hoja|planilha|foglio|лист)\s*\d*$")
# the kinds a suffix is stored as without a notice (WPS writes .et as either)
_EXPECTED = {
    ".xlsx": {XLSX},
    ".xlsm": {XLSX},
    ".xlsb": {XLSB},
    ".xls": {XLS},
    ".et": {XLS, XLSX},
    ".ods": {ODS},
}
# the suffixes calamine reads each kind by, from a path
_SUFFIXES = {XLSX: {".xlsx", ".xlsm"}, XLSB: {".xlsb"}, XLS: {".xls"}, ODS: {".ods"}}
_FATAL = (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit)
Range = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class SheetTable(RawTable):
    # (row, column index, whole number): numeric cells in id and reference columns
    numbers: list[tuple[int, int, int]] = field(default_factory=list)
    # (row, column index, reason): merged ranges filled down, reported once the header is known
    merges: list[tuple[int, int, str]] = field(default_factory=list)


class Cells(list):
    """A row's cell texts, with the indices of the cells that held whole numbers."""

    numeric: tuple[int, ...] = ()


def read_workbook(
    f: Path,
    label: str,
    table_aliases: dict[str, str],
    known_headers: dict[str, set[str]],
    report: Report,
    kind: str | None = None,
    forms: dict[str, str] | None = None,
) -> list[RawTable]:
    """The ledger tables among the workbook's sheets (``kind``: what :func:`sniff` found;
    ``forms``: the folded names of the standard forms → the form each sheet is told as)."""
    taken = TAKEN_FOR.get(f.suffix.lower(), "workbook")
    try:
        kind = kind or sniff(f)
    except OSError as e:
        raise LedgerError(f"{label}: cannot read the file: {e.strerror or e}") from e
    if kind not in READABLE:
        raise LedgerError(f"{label}: not a readable {taken} ({kind})")
    try:
        if f.suffix.lower() in _SUFFIXES[kind]:
            wb = CalamineWorkbook.from_path(str(f))
        else:  # calamine picks its reader by the suffix from a path, by the content from bytes
            wb = CalamineWorkbook.from_filelike(io.BytesIO(f.read_bytes()))
        specials = special_cells(f) if kind == XLSX else xls_error_cells(f) if kind == XLS else {}
        sheets = list(wb.sheets_metadata)
    except BaseException as e:  # calamine raises its own errors, and a Rust panic on bad input
        if isinstance(e, _FATAL):
            raise
        raise LedgerError(f"{label}: not a readable {taken} ({_reason(e)})") from e
    if kind not in _EXPECTED.get(f.suffix.lower(), {kind}):
        reason = f"stored as {NAMES[kind]}, not the {taken} its name says: read as such"
        report.add(label, None, None, None, reason, NOTICE)
    chosen = _choose(wb, sheets, label, table_aliases, known_headers, report, forms)
    out: list[RawTable] = []
    ods_merges: dict[str, list[Range]] | None = None  # one pass over the .ods XML, if needed
    for name, table, form in chosen:
        where = f"{label}[{name}]"
        try:
            sheet = wb.get_sheet_by_name(name)
            merged = sheet.merged_cell_ranges
            if merged is None and kind == ODS:
                ods_merges = ods_merged_ranges(f) if ods_merges is None else ods_merges
                merged = ods_merges.get(name, [])
            rows = sheet.iter_rows()
            offset = (sheet.start or (0, 0))[1]
        except BaseException as e:
            if isinstance(e, _FATAL):
                raise
            report.not_read(where, f"cannot read this sheet ({_reason(e)})")
            continue
        t = SheetTable(table, where, form=form)
        records = _rows(rows, offset, merged or [], specials.get(name, {}), t, known_headers[table])
        found = with_header(t, records, known_headers[table], report)
        if found is not None:
            t.rows = _watch(t, t.rows, report)
            out.append(t)
    return out


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    name = e.__class__.__name__
    return f"{name}: {text[:120]}" if text else name


def _choose(
    wb: CalamineWorkbook,
    sheets: list,
    label: str,
    table_aliases: dict[str, str],
    known_headers: dict[str, set[str]],
    report: Report,
    forms: dict[str, str] | None,
) -> list[tuple[str, str, str | None]]:
    """The (sheet, table, form) to read, in the workbook's order; every other sheet reported."""
    found: list[tuple[str, str, bool, str | None]] = []
    for meta in sheets:
        name, where = meta.name, f"{label}[{meta.name}]"
        hidden = meta.visible != SheetVisibleEnum.Visible
        if meta.typ != SheetTypeEnum.WorkSheet:
            report.add(
                where,
                None,
                None,
                None,
                "not a worksheet (a chart or macro sheet): sheet ignored",
                NOTICE,
            )
            continue
        table = match_table(name, table_aliases)
        if table is None and DEFAULT_SHEET.match(fold(name)):
            table = _by_header(wb, name, where, known_headers, report)
            if table is None:
                continue
        elif table is None:
            what = "hidden sheet, " if hidden else ""
            report.not_read(where, f"{what}not a ledger sheet name: sheet ignored", NOTICE)
            continue
        found.append((name, table, hidden, match_form(name, forms)))
    visible = {table: name for name, table, hidden, _ in reversed(found) if not hidden}
    chosen = []
    for name, table, hidden, form in found:
        where = f"{label}[{name}]"
        if hidden and table in visible:
            reason = f"hidden sheet: ignored, the visible sheet {visible[table]!r} holds the {table} table"
            report.not_read(where, reason, NOTICE)
            continue
        if hidden:
            reason = f"hidden sheet: read as the {table} table (no visible sheet holds it)"
            report.add(where, None, None, None, reason, WARNING)
        chosen.append((name, table, form))
    return chosen


def _by_header(
    wb: CalamineWorkbook, name: str, where: str, known_headers: dict[str, set[str]], report: Report
) -> str | None:
    """The table a default-named sheet's header matches, or None (reported)."""
    try:
        head = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
    except BaseException as e:
        if isinstance(e, _FATAL):
            raise
        report.not_read(where, f"cannot read this sheet ({_reason(e)})")
        return None
    score = {
        table: max((sum(header_key(_text(c)) in known for c in row) for row in head), default=0)
        for table, known in known_headers.items()
    }
    best = max(score.values(), default=0)
    tables = sorted(t for t, s in score.items() if s == best)
    if best < 2:
        empty = not any(_text(c).strip() for row in head for c in row)
        what = "empty" if empty else "no header of a ledger table"
        report.not_read(where, f"default sheet name, {what}: sheet ignored", NOTICE)
        return None
    if len(tables) > 1:
        reason = (
            f"default sheet name and a header that fits several tables ({', '.join(tables)}): "
            "sheet ignored, its rows rejected; name the sheet after its table"
        )
        report.not_read(where, reason, ERROR)
        rows = wb.get_sheet_by_name(name).iter_rows()
        n = max(0, sum(1 for row in rows if any(_text(c).strip() for c in row)) - 1)
        report.count_in(where, n)
        report.count_rejected(where, n)
        return None
    reason = f"default sheet name: read as the {tables[0]} table, whose header it has"
    report.add(where, None, None, None, reason, NOTICE)
    return tables[0]


def _rows(
    values: Iterable[list[Any]],
    offset: int,
    merged: list[Range],
    special: Special,
    t: SheetTable,
    known: set[str],
) -> Iterator[Row]:
    """``(row number, cell texts, problem)``: the problem names a cell that cannot be read."""
    starts: dict[int, list[Range]] = {}
    for (r0, c0), (r1, c1) in merged:
        if r1 > r0:
            starts.setdefault(r0, []).append(((r0, c0), (r1, c1)))
    by_row: dict[int, list[tuple[int, tuple[str, str]]]] = {}
    for (r, c), kind in sorted(special.items()):
        by_row.setdefault(r, []).append((c, kind))
    fills: list[tuple[int, int, str]] = []  # (column, last row, text)
    for i, raw in enumerate(values):
        row_no = i + 1
        cells = Cells(_text(v) for v in raw)
        if offset:
            cells[:0] = [""] * offset
        numeric = [j + offset for j, v in enumerate(raw) if _whole_number(v)]
        problem = None
        for c, (what, extra) in by_row.get(row_no, ()):
            if what == "zeros" and c < len(cells) and c in numeric:
                cells[c] = cells[c].zfill(int(extra))  # a "000" format shows 7 as 007
                numeric.remove(c)
            elif what in ("error", "formula") and problem is None:
                problem = _problem(what, extra, c, row_no)
        if numeric:
            cells.numeric = tuple(numeric)
        fills = [fill for fill in fills if fill[1] >= i]
        for c, _, text in fills:
            if c < len(cells) and not cells[c].strip():
                cells[c] = text
            elif c >= len(cells):
                cells += [""] * (c - len(cells)) + [text]
        for (r0, c0), (r1, _) in starts.get(i, ()):
            text = cells[c0] if c0 < len(cells) else ""
            if text.strip() and header_key(text) not in known:
                fills.append((c0, r1, text))
                _report_fill(t, c0, r0, r1)
        yield row_no, cells, problem


def _report_fill(t: SheetTable, c: int, r0: int, r1: int) -> None:
    letter = column_letters(c)
    rows = f"row {r1 + 1}" if r1 == r0 + 1 else f"rows {r0 + 2}–{r1 + 1}"
    reason = (
        f"merged cells {letter}{r0 + 1}:{letter}{r1 + 1}: the value of {letter}{r0 + 1} "
        f"filled down into {rows}"
    )
    t.merges.append((r0 + 1, c, reason))


def _problem(what: str, extra: str, c: int, row_no: int) -> str:
    cell = f"{column_letters(c)}{row_no}"
    if what == "error":
        return f"cell {cell} shows the Excel error {extra}"
    return (
        f"cell {cell} holds a formula with no saved result "
        "(open and save the workbook in Excel, or paste the values)"
    )


def _watch(t: SheetTable, rows: Iterator[Row], report: Report) -> Iterator[Row]:
    """The rows as they are; the whole numbers met in id and reference columns noted in
    ``t``, and the merged ranges filled down reported under their column's header."""
    watched = _reference_columns(t.table, t.header)
    for rec in rows:
        if t.merges:
            _flush_merges(t, report)
        for j in getattr(rec[1], "numeric", ()):
            if j in watched:
                t.numbers.append((rec[0], j, int(rec[1][j])))
        yield rec
    _flush_merges(t, report)


def _flush_merges(t: SheetTable, report: Report) -> None:
    for row, c, reason in t.merges:
        header = t.header[c].strip() if c < len(t.header) else ""
        report.add(t.file, row, header or column_letters(c), None, reason, NOTICE)
    t.merges.clear()


def _reference_columns(table: str, header: list[str]) -> set[int]:
    """Columns holding ids: the table's id, its references, a link's two ends."""
    keys: set[str] = set()
    for name, p in SCHEMA.table_properties(table).items():
        if name in ("id", "source", "target") or p.edge is not None:
            keys |= {fold(s) for s in (name, p.zh, p.en, *p.aliases) if s}
    return {i for i, cell in enumerate(header) if header_key(cell) in keys}


def _whole_number(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, float) and v.is_integer()
    )


def _text(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
