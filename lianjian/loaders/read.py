"""Reading a ledger's CSV tables as raw text cells, and finding the header row
(shared with the workbook reader, :mod:`lianjian.loaders.workbook`).

This layer knows files, encodings and spreadsheets; it knows nothing of the
schema beyond the header names it is asked to look for. Each table comes out as
a :class:`RawTable` whose rows are ``(row_number, cells, problem)``: a row the
reader could not decode carries the reason instead of being dropped.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lianjian.core.report import ERROR, NOTICE, Report
from lianjian.core.text import fold
from lianjian.loaders.encoding import decode, detect_encoding, looks_binary

__all__ = [
    "RawTable",
    "LedgerError",
    "read_csv",
    "detect_encoding",
    "match_table",
    "match_form",
    "with_header",
    "header_key",
]

csv.field_size_limit(1 << 30)

HEADER_SCAN_ROWS = 10  # a title row or two above the header is common in Excel ledgers


class LedgerError(Exception):
    """The ledger as a whole cannot be read (no such path, no tables, a broken workbook)."""


Row = tuple[int, list[str], str | None]


@dataclass
class RawTable:
    table: str
    file: str
    header: list[str] = field(default_factory=list)
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))
    above: list[Row] = field(default_factory=list)  # rows above the header, reported by the loader
    form: str | None = None  # the standard form the file or sheet was recognised as, if any


def match_table(name: str, table_aliases: dict[str, str]) -> str | None:
    """The table a file or sheet name stands for: `orgs`, `党组织`, `orgs 党组织`, `2024党组织`…"""
    key = fold(name)
    if key in table_aliases:
        return table_aliases[key]
    hits = {t for alias, t in table_aliases.items() if key.startswith(alias) or key.endswith(alias)}
    return hits.pop() if len(hits) == 1 else None


def match_form(name: str, form_names: dict[str, str] | None) -> str | None:
    """The standard form a file or sheet name read as a table stands for, if any: the
    longest form name it is, begins or ends with (`胜利街道网格台账`: the grid ledger)."""
    key = fold(name)
    hits = [n for n in form_names or () if key.startswith(n) or key.endswith(n)]
    return form_names[max(hits, key=len)] if form_names and hits else None


# ---------------------------------------------------------------- CSV

# A line as open(newline="") gives it: up to and including \r\n, \r or \n (a bare
# carriage return ends a line, as it does for Excel), or the last one without.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def lines(text: str) -> Iterator[str]:
    r"""The lines of ``text`` with their ends, one at a time (no copy of the whole text,
    unlike ``io.StringIO``, which holds four bytes a character).

    >>> list(lines("a,b\r\nc\rd\n\ne"))
    ['a,b\r\n', 'c\r', 'd\n', '\n', 'e']
    """
    return map(re.Match.group, _LINE.finditer(text))


def read_csv(
    f: Path, label: str, table: str, known: set[str], report: Report, stream: bool = False
) -> RawTable | None:
    """The table of a CSV file, its rows read as they are asked for. ``stream``: a file of
    strict UTF-8 (with or without its byte order mark, no NUL byte) is read from the file
    as its rows are asked for, never held whole; any other is decoded whole as always."""
    if stream and (opened := _utf8_stream(f)) is not None:
        handle, delimiter = opened
        return with_header(RawTable(table, label), _records(handle, delimiter, {}), known, report)
    try:
        data = f.read_bytes()
    except OSError as e:
        report.not_read(label, f"cannot read file: {e.strerror}", ERROR)
        return None
    decoded = decode(data, lambda text: _header_hits(text, known))
    if decoded.text is None:
        n = _rows_of_refused(data, decoded.encoding)
        advice = f"; {decoded.advice}" if decoded.advice else ""
        report.add(label, 1, None, None, f"{decoded.refused}: all its rows rejected{advice}")
        report.count_in(label, n)
        report.count_rejected(label, n)
        return None
    del data  # the text alone from here on: a large file is held once, not twice
    text, bad_lines = decoded.text, decoded.bad
    if decoded.notice:
        report.add(label, None, None, None, decoded.notice, NOTICE)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    if "\x00" in text:
        text = text.replace("\x00", "")
    return with_header(
        RawTable(table, label), _records(lines(text), delimiter, bad_lines), known, report
    )


def _records(text: Iterable[str], delimiter: str, bad_lines: dict[int, str]) -> Iterator[Row]:
    """Each record with its row number as a spreadsheet shows it: a record whose quoted
    cell holds a line break is one row, however many lines it spans."""
    reader = csv.reader(text, delimiter=delimiter)
    start = 1
    for row in itertools.count(1):
        problem = None
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:  # the reader goes on at the next line
            cells, problem = [], f"not a readable CSV line: {e}"
        end = reader.line_num
        if bad_lines:
            problem = next((bad_lines[n] for n in range(start, end + 1) if n in bad_lines), problem)
        yield row, cells, problem
        start = end + 1


def _utf8_stream(f: Path) -> tuple[Iterator[str], str] | None:
    """The lines of ``f`` read from the file, and its delimiter, when :func:`decode` would
    take it as it is (UTF-8, its byte order mark dropped, nothing marked, no NUL to
    remove); None for any other file, or one that cannot be read (the caller reports it).
    The file is read through once to check it, a chunk at a time."""
    try:
        with f.open("rb") as raw:
            head = raw.read(_SAMPLE)
            codec = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
            if head.startswith(_WIDE_BOMS) or b"\x00" in head or looks_binary(head):
                return None
            check = codecs.getincrementaldecoder(codec)()
            counts, chunk = [0, 0, False], head  # tabs and commas of the first line
            while chunk:
                if b"\x00" in chunk:
                    return None
                text = check.decode(chunk)
                if not counts[2]:
                    part, found, _ = text.partition("\n")
                    counts = [
                        counts[0] + part.count("\t"),
                        counts[1] + part.count(","),
                        bool(found),
                    ]
                chunk = raw.read(_SAMPLE)
            check.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return None
    return _file_lines(f, codec), "\t" if counts[0] > counts[1] else ","


def _file_lines(f: Path, codec: str) -> Iterator[str]:
    """The lines as :func:`lines` gives them of the whole text: open(newline="") ends a
    line at \\r\\n, \\r or \\n, as it does."""
    with f.open(encoding=codec, newline="") as text:
        yield from text


_SAMPLE = 1 << 16  # the bytes :func:`decode` looks at for binary and UTF-16 content
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


def _header_hits(text: str, known: set[str]) -> int:
    """The most known header cells in one of the first rows of ``text``."""
    rows = itertools.islice(csv.reader(lines(text)), HEADER_SCAN_ROWS)
    return max((sum(header_key(c) in known for c in r) for r in rows), default=0)


def _rows_of_refused(data: bytes, encoding: str) -> int:
    """The rows of a file that is refused, but for its header: every line but the first of
    a binary file; the records that hold something of a text file whose encoding is not
    known (its quotes, commas and line ends are ASCII bytes in every encoding read)."""
    if encoding == "binary" or encoding.startswith("utf-16") or encoding == "utf-32":
        return max(0, data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1)
    rows = csv.reader(lines(data.decode("latin-1")))
    return max(0, sum(1 for r in rows if any(c.strip() for c in r)) - 1)


# ---------------------------------------------------------------- header


def with_header(
    t: RawTable,
    records: Iterator[Row],
    known: set[str],
    report: Report,
) -> RawTable | None:
    """Find the header among the first rows; rows above it are kept in ``t.above`` for the
    loader to report as skipped (it knows whether their cells are personal data).

    A header split over two rows by merged cells (``编号`` merged down over two
    rows beside ``组织关系`` merged across ``所在党组织 | 工作单位``) is read as one.
    """
    head: list[Row] = []
    best, best_score = None, 0
    for rec in records:
        head.append(rec)
        score = sum(1 for c in rec[1] if header_key(c) in known)
        if score > best_score:
            best, best_score = len(head) - 1, score
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if not [r for r in head if _filled(r)]:
        report.add(t.file, None, None, None, "empty table: no header and no rows", NOTICE)
        return None
    if best is None:
        n = _count_rest(head, records)
        report.add(t.file, head[0][0], None, None, "no recognisable header row: rows rejected")
        report.count_in(t.file, n)
        report.count_rejected(t.file, n)
        return None
    t.header, first, last = _joined_header(head, best, known)
    t.above = [r for r in head[:first] if any(c.strip() for c in r[1])]
    t.rows = _chain(head[last + 1 :], records)
    return t


def _joined_header(head: list[Row], best: int, known: set[str]) -> tuple[list[str], int, int]:
    """The header row joined with a neighbour that fills its blank or unknown columns with
    known headers (the second row of a merged header); and the first and last row used.

    The row below joins only if every cell it has is a header: a data row never does.
    """
    header = list(head[best][1])
    first = last = best
    for j in (best - 1, best + 1):
        if not 0 <= j < len(head):
            continue
        cells = head[j][1]
        fills = [
            i
            for i, c in enumerate(cells)
            if header_key(c) in known and (i >= len(header) or header_key(header[i]) not in known)
        ]
        if not fills or (j > best and any(c.strip() and header_key(c) not in known for c in cells)):
            continue
        header += [""] * (len(cells) - len(header))
        for i in fills:
            header[i] = cells[i]
        first, last = min(first, j), max(last, j)
    return header, first, last


def _filled(rec: Row) -> bool:
    """A row that holds something (a cell, or a problem that must be reported)."""
    return bool(rec[2]) or any(map(str.strip, rec[1]))


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    for rec in first:
        if _filled(rec):
            yield rec
    for rec in rest:  # _filled, inline: it is asked of every row
        if rec[2] or any(map(str.strip, rec[1])):
            yield rec


def _count_rest(head: list[Row], rest: Iterator[Row]) -> int:
    return sum(1 for r in [*head, *rest] if _filled(r))


_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]|[*＊]")


def header_key(cell: str) -> str:
    """Fold a header cell; a note in brackets or a required-star (`编号(必填)*`) is ignored."""
    return fold(_BRACKETS.sub("", cell)) or fold(cell)


HeaderMap = Callable[[str], str | None]
