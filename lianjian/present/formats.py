"""The writers: CSV (as a string for the CLI, as bytes for downloads) and JSON.

Every cell goes through :func:`lianjian.present.escape.csv_cell`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lianjian.present.escape import csv_cell

__all__ = ["csv_text", "csv_records", "csv_bytes", "json_text"]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV with ``header`` and ``rows`` (sequences), ``\\n`` line ends: what the CLI prints."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


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
    """JSON as the CLI prints it: two-space indent, non-ASCII kept, ``\\n`` at the end."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
