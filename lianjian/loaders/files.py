"""The files of a ledger (a folder of CSV/XLSX files, or one workbook) and their tables,
each read by the reader of its format: :mod:`lianjian.loaders.read` for CSV,
:mod:`lianjian.loaders.xlsx` for workbooks. A file that is not read is reported by name.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lianjian.core.report import ERROR, NOTICE, Report
from lianjian.loaders.read import LedgerError, RawTable, match_table, read_csv
from lianjian.loaders.xlsx import read_workbook

__all__ = ["ledger_files", "read_ledger", "access_problem", "path_kind"]


_NEEDS = {"r": (os.R_OK, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH, "read")}
_NEEDS["w"] = (os.W_OK, stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH, "write")
_NEEDS["x"] = (os.X_OK, stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH, "execute")


def access_problem(path: Path, need: str) -> str | None:
    """What keeps this process from ``need`` (letters of ``rwx``) on ``path``, or None.

    A permission no one has in the mode (``chmod 0600`` on a folder: nobody may
    enter it) counts as missing even for root, whom the system would let through,
    so a ledger or an output folder is refused the same way for every user.
    """
    mode = path.stat().st_mode
    for letter in need:
        flag, bits, word = _NEEDS[letter]
        if not mode & bits or not os.access(path, flag):
            return f"no {word} permission (mode {stat.S_IMODE(mode):04o})"
    return None


def path_kind(path: Path) -> str:
    """What a path that is neither a regular file nor a folder is, for a message."""
    mode = path.stat().st_mode
    for test, word in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return word
    return "a special file"


def ledger_files(path: Path) -> list[Path]:
    """The files that make up a ledger: the workbook itself, or a folder's CSV/XLSX files.

    ``LedgerError`` (one line naming the path) when the path is missing, is a device,
    pipe or socket, or is a folder or file this process may not read.
    """
    try:
        if not path.exists():
            raise LedgerError(f"no such ledger: {path}")
        if path.is_file():
            problem = access_problem(path, "r")
            if problem:
                raise LedgerError(f"{path}: cannot read the ledger file: {problem}")
            return [path]
        if not path.is_dir():
            raise LedgerError(
                f"{path}: not a ledger ({path_kind(path)}); give a folder of CSV files or a workbook"
            )
        problem = access_problem(path, "rx")
        if problem:
            raise LedgerError(f"{path}: cannot list the ledger folder: {problem}")
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".txt")
        )
        for f in files:
            problem = access_problem(f, "r")
            if problem:
                raise LedgerError(f"{f}: cannot read this ledger file: {problem}")
    except OSError as e:  # a race with the checks above, or a path the system refuses
        raise LedgerError(f"{path}: cannot read the ledger: {e.strerror or e}") from e
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
