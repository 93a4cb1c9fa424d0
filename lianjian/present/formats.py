"""The writers: CSV (as a string for the CLI, as bytes for downloads) and JSON.

Every cell goes through :func:`lianjian.present.escape.csv_cell`; JSON text through
:func:`lianjian.present.escape.json_safe`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lianjian.present.escape import csv_cell, json_safe

__all__ = ["csv_text", "csv_records", "csv_bytes", "json_text"]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV with ``header`` and ``rows`` (sequences), ``\\n`` line ends: what the CLI prints."""
    # written with CRLF so that a cell holding a lone CR is quoted too (the writer quotes
    # only the characters of its line end), each line then ended with LF
    lines = _Lines()
    w = csv.writer(lines)
    w.writerow(header)
    w.writerows([csv_cell(v) for v in row] for row in rows)
    return "".join(line[:-2] + "\n" for line in lines)


class _Lines(list):
    """What a csv writer writes, a line (one row) at a time."""

    write = list.append


def csv_records(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV of ``rows`` (mappings) in ``columns``; a missing key gives an empty cell."""
    return csv_text(columns, ([row.get(k) for k in columns] for row in rows))


def csv_bytes(rows: list[Mapping[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """CSV as Excel opens it (UTF-8 with BOM, CRLF line ends): what a download gives."""
    columns = list(columns or (list(rows[0]) if rows else []))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows([csv_cell(row.get(k)) for k in columns] for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def json_text(data: Any) -> str:
    """JSON as the CLI prints it: two-space indent, non-ASCII kept (but control and
    invisible formatting characters, escaped), ``\\n`` at the end."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
