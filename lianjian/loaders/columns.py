"""Which column of a table is which property: every spelling a header may have (the
schema's English and Chinese names and aliases, folded), and the columns of no property,
kept as extra columns.
"""

from __future__ import annotations

from lianjian.core.report import NOTICE, Report
from lianjian.core.schema import Schema
from lianjian.core.text import fold
from lianjian.loaders.read import RawTable, header_key

__all__ = ["header_index", "columns_of", "MAX_HEADER"]

MAX_HEADER = 200  # longer header text is no column name


def header_index(schema: Schema) -> dict[str, dict[str, str]]:
    """Per table: every folded header spelling (English, Chinese, alias) → property name."""
    out: dict[str, dict[str, str]] = {}
    for table in schema.read_tables:
        index: dict[str, str] = {}
        for name, p in schema.table_properties(table).items():
            for alias in (name, p.zh, p.en, *p.aliases):
                index[fold(alias)] = name
        out[table] = index
    return out


def columns_of(
    t: RawTable, index: dict[str, str], report: Report, personal: bool
) -> tuple[dict[int, str], dict[int, str]]:
    """Column positions of known properties, and of unknown columns (kept as properties);
    ``personal``: the table's rows are personal data (a too-long header cell is a pasted row)."""
    known: dict[int, str] = {}
    unknown: dict[int, str] = {}
    for i, cell in enumerate(t.header):
        name = index.get(header_key(cell))
        if name is not None and name not in known.values():
            known[i] = name
        elif len(cell.strip()) > MAX_HEADER:  # no column name: a paste gone wrong
            unknown[i] = f"column_{i + 1}"
            report.add(
                t.file,
                None,
                unknown[i],
                cell,
                f"header cell too long ({len(cell)} characters): column kept as {unknown[i]}",
                NOTICE,
                personal,
            )
        elif cell.strip():
            if name is not None:
                report.add(
                    t.file,
                    None,
                    cell,
                    None,
                    f"second column for {name}: kept as {cell.strip()!r}",
                    NOTICE,
                )
            unknown[i] = cell.strip()
        else:
            unknown[i] = f"column_{i + 1}"
    return known, unknown
