"""The files of a ledger (a folder of CSV/XLSX files, or one workbook) and their tables,
each read by the reader of its format: :mod:`lianjian.loaders.read` for CSV,
:mod:`lianjian.loaders.xlsx` for workbooks. A file that is not read is reported by name.
"""

from __future__ import annotations

from pathlib import Path

from lianjian.core.report import ERROR, NOTICE, Report
from lianjian.loaders.read import LedgerError, RawTable, match_table, read_csv
from lianjian.loaders.xlsx import read_workbook

__all__ = ["ledger_files", "read_ledger"]


def ledger_files(path: Path) -> list[Path]:
    """The files that make up a ledger: the workbook itself, or a folder's CSV/XLSX files."""
    if not path.exists():
        raise LedgerError(f"no such ledger: {path}")
    if path.is_file():
        return [path]
    files = sorted(
        p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".txt")
    )
    if not files:
        raise LedgerError(f"{path}: no .csv or .xlsx files in this folder")
    return files


def read_ledger(
    path: Path,
    table_aliases: dict[str, str],
    known_headers: dict[str, set[str]],
    report: Report,
) -> list[RawTable]:
    """All tables of the ledger at ``path`` (a folder of CSV files or one workbook)."""
    tables: list[RawTable] = []
    for f in ledger_files(path):
        label = f.name if path.is_dir() else f.name
        suffix = f.suffix.lower()
        if suffix == ".xlsx":
            try:
                tables.extend(read_workbook(f, label, table_aliases, known_headers, report))
            except LedgerError as e:
                if path.is_file():  # the ledger is this workbook: nothing can be read
                    raise
                report.add(label, None, None, None, f"{e}: file ignored")
        elif suffix in (".csv", ".txt"):
            table = match_table(f.stem, table_aliases)
            if table is None:
                report.add(label, None, None, None, "not a ledger table name: file ignored", NOTICE)
                continue
            t = read_csv(f, label, table, known_headers[table], report)
            if t is not None:
                tables.append(t)
        else:
            report.add(label, None, None, None, f"unsupported file type {suffix}", ERROR)
    return tables
