"""Ledger → validated graph model, in two passes.

Pass one reads every table row by row: required cells, types, enumerations,
duplicate ids. Pass two resolves references once every id is known: missing
targets, wrong kinds, region nesting, parent cycles, and the links table.

Every row ends up loaded or rejected; the :class:`Report` says which and why.

>>> from pathlib import Path
>>> data = load_ledger(Path("data/sample"))
>>> data.report.balanced
True
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lianjian.core.bulk import paused_gc
from lianjian.core.model import GraphData
from lianjian.core.report import NOTICE, Report
from lianjian.core.schema import SCHEMA, Property, Schema
from lianjian.core.text import name_key
from lianjian.loaders.cards import (
    consumed_headers,
    read_card_cell,
    take_consumed,
)
from lianjian.loaders.cells import plan_table
from lianjian.loaders.columns import columns_of, header_index
from lianjian.loaders.derive import derive_ids, derives, temp_id
from lianjian.loaders.files import read_ledger
from lianjian.loaders.forms import FormRows, form_by_headers, form_defaults, form_headers
from lianjian.loaders.places import (
    expect_fills,
    grids_from_lists,
    homes_from_addresses,
    keep_places,
)
from lianjian.loaders.read import RawTable
from lianjian.loaders.reports import join_reports
from lianjian.loaders.resolve import Build, LinkRow, Ref, resolve
from lianjian.loaders.rows import RowReader
from lianjian.loaders.zeros import check_numeric_ids

__all__ = ["load_ledger", "TABLE_ORDER", "known_headers", "no_regions", "read_table"]

Progress = Callable[[str, int], None]
TABLE_ORDER = tuple(SCHEMA.tables)  # regions … members, the three lists and services, links
PROGRESS_EVERY = 5000


def load_ledger(
    path: Path,
    progress: Progress | None = None,
    schema: Schema = SCHEMA,
    today: dt.date | None = None,
    others: dict[str, tuple[str, dict[str, Any]]] | None = None,
) -> GraphData:
    """Read, validate and resolve the ledger at ``path`` into a :class:`GraphData`.
    ``today``: the day the schema's relative bounds (a birth year at least 18 years
    back, a founding date not to come) are taken from; the real today if None.

    Raises :class:`~lianjian.loaders.read.LedgerError` only when nothing can be
    read at all; every row-level problem goes into ``data.report``. ``others``: entities
    of a store's other sources that references may resolve to (:mod:`lianjian.loaders.known`).
    """
    with paused_gc():  # millions of objects made, all kept: no collection walks them again
        return _load(Path(path), progress, schema, today, others)


def _load(
    path: Path,
    progress: Progress | None,
    schema: Schema,
    today: dt.date | None,
    others: dict[str, tuple[str, dict[str, Any]]] | None,
) -> GraphData:
    report = Report()
    headers = header_index(schema)
    known = known_headers(schema, headers)
    raw = read_ledger(path, schema.table_aliases, known, report, schema.form_names)
    b = Build(schema, report, today=today or dt.date.today(), known=others or {})
    b.data.report = report
    order = (*TABLE_ORDER, *schema.joined)  # the 双报到 form's rows after the roster's
    by_table = {t: [r for r in raw if r.table == t] for t in order}
    if not by_table["regions"]:
        no_regions(report)
    forms = FormRows(schema, report)
    for table in order:
        for t in by_table[table]:
            read_table(b, t, headers[table], progress, forms)
    check_numeric_ids(raw, b.data.nodes, schema, report)
    forms.create_units(b)  # the units the org form names and no table has
    grids_from_lists(b)  # the grid ledger's 楼栋: a building's missing grid
    derive_ids(b)  # rows of tables without ids: each id from its name and place
    forms.keep_units_of_loaded_rows(b)
    join_reports(b)  # the 双报到 form's rows: each joined to its member, or rejected
    resolve(b)
    homes_from_addresses(b)  # a roster's 家庭住址: a home where the row gives none
    return b.data


# ---------------------------------------------------------------- pass one


def known_headers(schema: Schema, headers: dict[str, dict[str, str]]) -> dict[str, set[str]]:
    """Per table, the header cells that mark its header row."""
    known = {t: set(ix) for t, ix in headers.items()}
    for table, consumed in consumed_headers(schema).items():  # they mark a header row too
        known[table] |= set(consumed)
    for table, own in form_headers(schema).items():  # and a form's own columns
        known[table] |= own
    return known


def no_regions(report: Report) -> None:
    report.add(
        "regions", None, None, None, "the ledger has no regions table (区划): it is required"
    )


def read_table(
    b: Build,
    t: RawTable,
    index: dict[str, str],
    progress: Progress | None,
    forms: FormRows,
) -> None:
    """Pass one over table ``t``: each row read, checked and added to ``b`` (its node and
    references, or its link row), or rejected with the reason."""
    schema, report = b.schema, b.report
    props = schema.table_properties(t.table)
    label = schema.tables.get(t.table, "")  # none: a links row, or one joined to a node
    personal = schema.personal_table(t.table)  # a row of it is personal data
    joined = t.table in schema.joined  # a row may name its member by a number, else by name
    for row_no, cells, _ in t.above:
        text = " ".join(c for c in cells if c)
        report.add(t.file, row_no, None, text, "above the header: skipped", NOTICE, personal)
    if t.form is None and (by := form_by_headers(schema, t)):  # a form under another name
        t.form = by[0]
        form = schema.forms[by[0]]
        why = f"read as the {form.zh} ({form.en}): its header has {'、'.join(by[1])}"
        report.add(t.file, None, None, None, why, NOTICE)
    known, unknown = columns_of(t, index, report, personal)
    consumed = take_consumed(t, schema, unknown, report)  # ID numbers, phones: never kept
    form = forms.table(t, known, unknown)  # the org form's units (its 单位类别 column)
    defaults = form_defaults(schema, t)  # a column the form gives is not missing
    expect_fills(b, t.table, consumed)  # a 楼栋 list may give the grid buildings rows lack
    wait = b.waits.get(t.table, set())
    cards = bool(consumed.cards)  # a valid ID number stands in for an id
    derive = derives(label, known.values())  # no id column: ids derived from names
    missing = [
        p
        for name, p in props.items()
        if p.required
        and name not in known.values()
        and name not in defaults
        and not ((cards or derive) and name == "id")
        and name not in wait
    ]
    col_name = {name: t.header[i].strip() or name for i, name in known.items()}
    if cards:
        col_name.setdefault("id", consumed.header)
    id_at = next((i for i, name in known.items() if name == "id"), None)
    plan = plan_table(known, unknown, props, defaults)
    read = RowReader(b, t, plan, unknown, col_name, personal)
    n = 0
    for row_no, cells, problem in t.rows:
        n += 1
        if progress and n % PROGRESS_EVERY == 0:
            progress(t.table, PROGRESS_EVERY)
        report.count_in(t.file)
        if problem:
            report.add(t.file, row_no, None, None, problem)
            report.count_rejected(t.file)
            continue
        if missing:
            for p in missing:
                report.add(
                    t.file,
                    row_no,
                    p.zh,
                    None,
                    f"required column {p.name} ({p.zh}) is missing from the table",
                )
            report.count_rejected(t.file)
            continue
        derived: dict[str, Any] = {"id": temp_id(t.file, row_no)} if derive else {}
        if cards:
            has_id = joined or (
                id_at is not None and id_at < len(cells) and bool(str(cells[id_at]).strip())
            )
            derived, ok = read_card_cell(
                report, t, row_no, cells, consumed, has_id, b.today, keyed=joined
            )
            if not ok:
                report.count_rejected(t.file)
                continue
        raw = cells
        if consumed.positions:
            cells = consumed.blank(cells)
        if form:
            cells = form.take(cells)
        values, extra, ok = read.row(row_no, cells, derived)
        if not ok:
            report.count_rejected(t.file)
            continue
        if label:
            ok = _add_node(b, label, t, row_no, values, extra, plan.edges, col_name)
        else:  # counted once its ends resolve, or once it is joined to its member
            rows = b.joined if joined else b.links
            rows.append(LinkRow(values, extra, t.file, row_no, col_name))
        if not ok:
            report.count_rejected(t.file)
        elif label:
            if form:
                form.named(b, row_no, values["id"], values)
            if derive:
                b.derived[values["id"]] = col_name.get("name", "name")
            if wait or consumed.uses:  # a row waits for a column, or a 楼栋 list or address
                keep_places(b, t, row_no, raw, consumed, values, col_name)
            report.count_loaded(t.file)  # link rows are counted once their ends resolve
    if progress:
        progress(t.table, n % PROGRESS_EVERY)


def _add_node(
    b: Build,
    label: str,
    t: RawTable,
    row_no: int,
    values: dict[str, Any],
    extra: dict[str, str],
    edges: dict[str, Property],
    col_name: dict[str, str],
) -> bool:
    """Add the row's node, its references kept for pass two; ``edges``: the table's
    reference columns (each becomes relationships, not a property). Whether it loads."""
    node_id = values["id"] = sys.intern(
        values["id"]
    )  # one string per id, however often referred to
    if node_id in b.where:
        f, r = b.where[node_id]
        b.report.add(
            t.file, row_no, col_name["id"], node_id, f"duplicate ID: first defined at {f}:{r}"
        )
        return False
    b.where[node_id] = (t.file, row_no)
    node: dict[str, Any] = {}
    for name, v in values.items():
        p = edges.get(name)
        if p is not None:
            targets = v if isinstance(v, list) else (v,)
            b.refs.append(Ref(p, node_id, targets, t.file, row_no, col_name[name]))
        else:
            node[name] = v
    for k, v in extra.items():
        node.setdefault(k, v)
    if not b.schema.nodes[label].personal:
        node["name_key"] = name_key(node["name"])
    node["ledger_file"] = t.file
    node["ledger_row"] = row_no
    b.data.nodes[node_id] = (label, node)
    return True
