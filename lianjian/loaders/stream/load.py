"""Pass one and pass two of the ledger over the spill (:mod:`lianjian.loaders.stream.spill`):
the same row checks (:func:`lianjian.loaders.ledger.read_table`) and the same reference
resolution (:mod:`lianjian.loaders.resolve`) as the model load, with the rows, ids,
references and relationships on disk. One CSV file is read at a time, the tables in the
model load's order; the report is the model load's.

What this does not handle yet (workbooks, the standard forms, the 双报到 table, ids
derived from names, 楼栋 lists and home addresses, a reference that is no id of the
ledger, which the model load matches by name) raises :class:`NotStreamable`, with the
reason, before anything is written: the caller loads the ledger whole instead.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

from lianjian.core.model import GraphData
from lianjian.core.report import Report
from lianjian.core.schema import SCHEMA, Schema
from lianjian.loaders.columns import header_index
from lianjian.loaders.files import (
    CSV_SUFFIXES,
    csv_table,
    is_workbook,
    ledger_files,
    report_unread,
)
from lianjian.loaders.forms import FormRows
from lianjian.loaders.ledger import TABLE_ORDER, Progress, known_headers, no_regions, read_table
from lianjian.loaders.names import Names
from lianjian.loaders.read import match_form, match_table
from lianjian.loaders.resolve import Build, _break_cycles, _resolve_links, _resolve_refs
from lianjian.loaders.stream.spill import Spill

__all__ = ["NotStreamable", "Streamed", "stream_ledger"]


class NotStreamable(Exception):
    """The ledger uses something the streaming load does not handle yet: the reason."""


class Streamed:
    """A ledger read and resolved into its spill: the report, and the nodes and
    relationships to write (:attr:`spill`). Close it to remove the file."""

    def __init__(self, spill: Spill, report: Report, schema: Schema) -> None:
        self.spill, self.report, self.schema = spill, report, schema

    def close(self) -> None:
        self.spill.close()

    def __enter__(self) -> Streamed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stream_ledger(
    path: Path,
    progress: Progress | None = None,
    schema: Schema = SCHEMA,
    today: dt.date | None = None,
    folder: Path | None = None,
) -> Streamed:
    """Read, check and resolve the ledger at ``path`` into an index file in ``folder``
    (the system's temporary folder when None). Raises ``LedgerError`` as the model load
    does, and :class:`NotStreamable` for what is not handled yet."""
    path = Path(path)
    handle, name = tempfile.mkstemp(prefix="lianjian-stream-", suffix=".sqlite", dir=folder)
    os.close(handle)  # SQLite opens the empty file as a new database
    spill = Spill(Path(name))
    try:
        report = _read(path, spill, progress, schema, today or dt.date.today())
    except BaseException:
        spill.close()
        raise
    return Streamed(spill, report, schema)


def _read(
    path: Path, spill: Spill, progress: Progress | None, schema: Schema, today: dt.date
) -> Report:
    report = Report()
    files = ledger_files(path)
    report_unread(path, report)
    headers = header_index(schema)
    known = known_headers(schema, headers)
    by_table: dict[str, list[Path]] = defaultdict(list)
    for f in files:
        if f.suffix.lower() not in CSV_SUFFIXES or is_workbook(f, report):
            raise NotStreamable(f"{f.name} is a workbook (or named as one)")
        table = match_table(f.stem, schema.table_aliases)
        if table is None:
            csv_table(f, f.name, schema.table_aliases, known, report, schema.form_names)
            continue  # reported as not a ledger table
        if table in schema.joined:
            raise NotStreamable(f"{f.name} is the {table} table, joined to the members by name")
        if match_form(f.stem, schema.form_names):
            raise NotStreamable(f"{f.name} is one of the standard forms")
        by_table[table].append(f)
    data = GraphData(spill.nodes, spill.edges, report)  # type: ignore[arg-type]
    b = Build(schema, report, data, spill.where, spill.refs, spill.links, today=today)  # type: ignore[arg-type]
    forms = FormRows(schema, report)
    for table in TABLE_ORDER:
        read = 0
        for f in by_table[table]:
            t = csv_table(f, f.name, schema.table_aliases, known, report, schema.form_names, True)
            if t is None:
                continue
            read += 1
            read_table(b, t, headers[table], progress, forms)
            if t.form is not None:
                raise NotStreamable(f"{f.name} is read as one of the standard forms")
        if table == "regions" and not read:  # the model load says it before any table
            no_regions(report)  # is read: the report lists it under "regions" all the same
    _whole_only(b, forms)
    _by_id_only(b)
    if progress:
        spill.refs.tick = lambda n: progress("references: resolving", n)
    _resolve_refs(b, Names(b.data))
    for label, rel in (("Region", "PART_OF"), ("PartyOrg", "SUB_ORG_OF")):
        _cycles(b, spill, label, rel)
    _resolve_links(b, None, spill.seen)
    spill.finish()
    return report


def _whole_only(b: Build, forms: FormRows) -> None:
    """Refuse what pass one left for the steps only the model load has."""
    why = (
        (forms.named or forms.created, "units named by an organisation form"),
        (b.derived, "rows without ids (ids derived from names and places)"),
        (b.lists or b.waits or b.waiting, "楼栋 lists filling buildings' grids"),
        (b.addresses, "home addresses matched to buildings"),
        (b.uncounted or b.joined, "references no cell gave"),
    )
    for held, what in why:
        if held:
            raise NotStreamable(f"the ledger has {what}")


def _by_id_only(b: Build) -> None:
    """Refuse a reference or link end that is no id of the ledger: the model load looks
    it up by name (and suggests names when it is none)."""
    nodes = b.data.nodes
    for ref in b.refs:
        for target in ref.targets:
            if target not in nodes:
                raise NotStreamable(f"{ref.file} row {ref.row}: a reference that is no id")
    for link in b.links:
        for end in ("source", "target"):
            if link.values[end] not in nodes:
                raise NotStreamable(f"{link.file} row {link.row}: a link end that is no id")


def _cycles(b: Build, spill: Spill, label: str, rel: str) -> None:
    """Parent cycles, as the model load breaks them, over the edges of this relationship
    that may lead into one (:meth:`~lianjian.loaders.stream.spill.Edges.into_cycles`)."""
    edges = spill.edges.into_cycles(rel)
    shim = SimpleNamespace(data=SimpleNamespace(edges=edges), where=b.where, report=b.report)
    _break_cycles(shim, label, rel)  # type: ignore[arg-type]
    kept = {e.source for e in shim.data.edges}
    spill.edges.drop_from(rel, {e.source for e in edges} - kept)
