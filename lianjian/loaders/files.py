"""The files of a ledger (a folder of CSV files and workbooks, or one workbook) and their
tables, each read by the reader of its format: :mod:`lianjian.loaders.read` for CSV,
:mod:`lianjian.loaders.workbook` for workbooks (the format told by the content,
:mod:`lianjian.loaders.sniff`). Every entry of a ledger folder that is not read is
reported by name: a spreadsheet or table format lianjian cannot read (``.numbers``) as
a warning, anything else (documents, hidden files, Office lock files, folders) as a notice.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lianjian.core.report import NOTICE, WARNING, Report
from lianjian.loaders.read import LedgerError, RawTable, match_form, match_table, read_csv
from lianjian.loaders.sniff import NAMES, TAKEN_FOR, TEXT, WORKBOOK_SUFFIXES, sniff
from lianjian.loaders.workbook import read_workbook

__all__ = [
    "CSV_SUFFIXES",
    "access_problem",
    "csv_table",
    "is_workbook",
    "ledger_files",
    "path_kind",
    "read_ledger",
    "report_unread",
    "unread_entries",
]


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
    """The files that make up a ledger: the workbook itself, or a folder's files of the
    kinds lianjian reads (``.csv``/``.txt`` and the workbook suffixes); the folder's other
    entries are reported by :func:`read_ledger`.

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
        files = sorted(p for p in path.iterdir() if _read_kind(p) is not None)
        for f in files:
            problem = access_problem(f, "r")
            if problem:
                raise LedgerError(f"{f}: cannot read this ledger file: {problem}")
    except OSError as e:  # a race with the checks above, or a path the system refuses
        raise LedgerError(f"{path}: cannot read the ledger: {e.strerror or e}") from e
    if not files:
        raise LedgerError(f"{path}: no ledger files ({', '.join(READ_SUFFIXES)}) in this folder")
    return files


def unread_entries(path: Path) -> list[Path]:
    """The entries of a ledger folder that are not read (reported by :func:`read_ledger`)."""
    if not path.is_dir():
        return []
    try:
        return sorted(p for p in path.iterdir() if _read_kind(p) is None)
    except OSError as e:
        raise LedgerError(f"{path}: cannot read the ledger: {e.strerror or e}") from e


CSV_SUFFIXES = (".csv", ".tsv", ".txt")
READ_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods")


def _read_kind(p: Path) -> str | None:
    """``csv`` or ``workbook`` for a folder entry that is read, None for one that is not."""
    if p.name.startswith((".", "~$")) or not p.is_file():
        return None
    suffix = p.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    return "workbook" if suffix in WORKBOOK_SUFFIXES else None


def _not_read(entry: Path) -> tuple[str, str]:
    """Why a folder entry is not read, and the severity: a warning for a spreadsheet or
    table format lianjian cannot read (its rows may be the ledger's), a notice for the
    rest (documents, images, hidden files, Office lock files, folders)."""
    name = entry.name
    if name.startswith("~$") or name.startswith(".~lock."):
        return "an Office lock file (the workbook is open somewhere): not read", NOTICE
    if name.startswith("."):
        return "a hidden file: not read", NOTICE
    if entry.is_dir():
        return "a folder: not read (a ledger is the files of one folder)", NOTICE
    if not entry.is_file():
        return f"{path_kind(entry)}: not read", NOTICE
    suffix = entry.suffix.lower()
    what = f"a {suffix} file" if suffix else "a file without a suffix"
    if suffix in _TABLE_FORMATS:
        hint = _TABLE_FORMATS[suffix]
        return f"{what}, a table lianjian cannot read: not read ({hint})", WARNING
    return f"{what}, not a ledger file: not read", NOTICE


_SAVE_AS = "save it as .xlsx or .csv"
# spreadsheet and table formats whose rows are not read: a warning, with what to do
_TABLE_FORMATS = {
    ".numbers": "an Apple Numbers document: export it as .xlsx or .csv",
    ".xlt": f"an Excel template: {_SAVE_AS}",
    ".xltx": f"an Excel template: {_SAVE_AS}",
    ".xltm": f"an Excel template: {_SAVE_AS}",
    ".ett": f"a WPS template: {_SAVE_AS}",
    ".ots": f"an OpenDocument template: {_SAVE_AS}",
    ".fods": f"a flat OpenDocument spreadsheet: {_SAVE_AS}",
    ".dbf": f"a dBase table: {_SAVE_AS}",
    ".mdb": "an Access database: export its tables as .xlsx or .csv",
    ".accdb": "an Access database: export its tables as .xlsx or .csv",
    ".xml": f"perhaps an Excel 2003 XML spreadsheet: {_SAVE_AS}",
}


def read_ledger(
    path: Path,
    table_aliases: dict[str, str],
    known_headers: dict[str, set[str]],
    report: Report,
    forms: dict[str, str] | None = None,
) -> list[RawTable]:
    """All tables of the ledger at ``path`` (a folder of CSV files and workbooks, or one
    workbook); every entry of the folder that is not read is reported by name. ``forms``:
    the folded names of the standard forms → the form, which each table is told as."""
    tables: list[RawTable] = []
    files = ledger_files(path)
    report_unread(path, report)
    for f in files:
        if f.suffix.lower() in CSV_SUFFIXES and not is_workbook(f, report):
            t = csv_table(f, f.name, table_aliases, known_headers, report, forms)
            if t is not None:
                tables.append(t)
            continue
        try:
            tables.extend(_workbook(f, f.name, table_aliases, known_headers, report, forms))
        except LedgerError as e:
            if path.is_file():  # the ledger is this workbook: nothing can be read
                raise
            report.not_read(f.name, f"{e}: file ignored")
    return tables


def report_unread(path: Path, report: Report) -> None:
    """Report every entry of the ledger folder that is not read, by name."""
    for entry in unread_entries(path):
        reason, severity = _not_read(entry)
        report.not_read(entry.name, reason, severity)


def is_workbook(f: Path, report: Report) -> bool:
    """Whether a file named ``.csv``/``.tsv``/``.txt`` is a workbook (an XLSX saved under a CSV name):
    then it is read as one, with a notice. Any other content is read as CSV."""
    try:
        kind = sniff(f)
    except OSError:
        return False  # the CSV reader reports it
    if kind not in NAMES:
        return False
    reason = f"stored as {NAMES[kind]}, not the text file its name says: read as such"
    report.add(f.name, None, None, None, reason, NOTICE)
    return True


def csv_table(
    f: Path,
    label: str,
    table_aliases: dict[str, str],
    known: dict[str, set[str]],
    report: Report,
    forms: dict[str, str] | None,
    stream: bool = False,
) -> RawTable | None:
    """The table of a CSV file, or None (reported); ``stream``: see :func:`read_csv`."""
    table = match_table(f.stem, table_aliases)
    if table is None:
        report.not_read(label, "not a ledger table name: file ignored", NOTICE)
        return None
    t = read_csv(f, label, table, known[table], report, stream)
    if t is not None:
        t.form = match_form(f.stem, forms)
    return t


def _workbook(
    f: Path,
    label: str,
    table_aliases: dict[str, str],
    known: dict[str, set[str]],
    report: Report,
    forms: dict[str, str] | None,
) -> list[RawTable]:
    """A workbook's tables; a file named like a workbook that holds text is read as CSV."""
    suffix = f.suffix.lower()
    try:
        kind = sniff(f)
    except OSError as e:
        raise LedgerError(f"{label}: cannot read the file: {e.strerror or e}") from e
    if kind == TEXT:
        if suffix not in WORKBOOK_SUFFIXES:
            raise LedgerError(f"{label}: not a ledger (a text file without a .csv name)")
        reason = f"a text file, not {NAMES_OF.get(suffix, 'a workbook')}: read as CSV"
        report.add(label, None, None, None, reason, NOTICE)
        t = csv_table(f, label, table_aliases, known, report, forms)
        return [] if t is None else [t]
    if suffix not in WORKBOOK_SUFFIXES and kind not in NAMES:
        raise LedgerError(
            f"{label}: not a ledger ({kind}); give a folder of CSV files or a workbook"
        )
    return read_workbook(f, label, table_aliases, known, report, kind, forms)


NAMES_OF = {s: "an " + t if t[0] in "AEIOUX" else "a " + t for s, t in TAKEN_FOR.items()}
