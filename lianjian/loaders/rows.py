"""One row of a table read into typed values: each known column's cell parsed by its
plan (:mod:`lianjian.loaders.cells`), the cells of no column kept as extra ones, what
the row's citizen ID number gives filled in, defaults and required columns checked,
and dates that may not precede another checked.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from lianjian.core.report import ERROR, WARNING
from lianjian.loaders.cards import fill_from_card, numbers_as_ids
from lianjian.loaders.cells import Column, TablePlan, remembered
from lianjian.loaders.read import RawTable
from lianjian.loaders.resolve import Build
from lianjian.loaders.values import MAX_CELL, BadValue, parse_value

__all__ = ["RowReader"]


class RowReader:
    """Reads the rows of the table ``t`` by its ``plan``. ``personal``: the table holds
    personal data, so a cell of no schema column is hidden in the report."""

    def __init__(
        self,
        b: Build,
        t: RawTable,
        plan: TablePlan,
        unknown: dict[int, str],
        col_name: dict[str, str],
        personal: bool,
    ) -> None:
        self.b, self.t, self.plan, self.unknown = b, t, plan, unknown
        self.col_name, self.personal = col_name, personal
        self.props = b.schema.table_properties(t.table)
        self.wait = b.waits.get(t.table, ())  # may be given later (lianjian.loaders.places)
        # whether a cell may hold a citizen ID number that stands for a member id
        schema = b.schema
        self.numbers = bool(plan.member_refs) or t.table in (
            schema.link_table,
            schema.nodes["Member"].table,
        )

    def row(
        self, row_no: int, cells: list[str], derived: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str], bool]:
        """The row's typed values and extra columns, and whether it can load; ``derived``:
        what the row's citizen ID number gives (an id, a birth year, a gender)."""
        b, t, report, col_name = self.b, self.t, self.b.report, self.col_name
        columns, today = self.plan.columns, b.today
        values: dict[str, Any] = {}
        extra: dict[str, str] = {}
        dropped: set[str] = set()  # columns whose cell was refused: no default stands in for them
        ok = True
        for i, cell in enumerate(cells):
            text = cell.strip() if isinstance(cell, str) else str(cell)
            if not text:
                continue
            c = columns.get(i)
            if c is None:
                self._extra(row_no, i, text, extra)
                continue
            name, p, kind = c.name, c.prop, c.kind
            if kind == "text" and len(text) <= MAX_CELL:
                values[name] = text.strip()
                continue
            if kind == "ref" and len(text) <= MAX_CELL:
                values[name] = unicodedata.normalize("NFKC", text).strip()
                continue
            if kind == "enums":
                self._enums(row_no, text, c, values)
                continue
            if kind == "id":
                text = unicodedata.normalize("NFKC", text).strip()
            memo = c.memo
            if memo is not None and (hit := memo.get(text)) is not None and hit[0]:
                values[name] = hit[1]  # read before: the same value
                continue
            try:
                values[name] = remembered(text, p, memo, today)
            except BadValue as e:
                dropped.add(name)
                # a personal column's value; or, in a personal table, a paste no column holds
                hide = p.personal or (self.personal and len(text) > MAX_CELL)
                if p.required:
                    report.add(
                        t.file, row_no, col_name[name], text, f"{e}: row rejected", personal=hide
                    )
                    ok = False
                else:
                    report.add(
                        t.file, row_no, col_name[name], text, f"{e}: value dropped", WARNING, hide
                    )
        props, schema = self.props, b.schema
        if self.numbers:
            refs = self.plan.member_refs
            own = numbers_as_ids(
                report, t.file, row_no, values, props, col_name, schema, t.table, refs
            )
            derived = {**own, **derived}  # the ID-number column's, where both are given
        if derived:
            fill_from_card(
                report, t.file, row_no, values, dropped, derived, props, col_name, b.today
            )
        wait = self.wait
        for name, p, default in self.plan.tail:  # a grid-ledger row is a grid
            if default is not None and name not in values and name not in dropped:
                values[name] = default  # an empty cell; a refused one stays absent
            if p.required and name not in values and ok and name not in wait:
                if name in col_name:
                    report.add(
                        t.file,
                        row_no,
                        col_name[name],
                        None,
                        f"required value {name} ({p.zh}) is empty",
                    )
                ok = False
        if ok and self.plan.ordered:
            ok = self._dates_in_order(row_no, values)
        return values, extra, ok

    def _extra(self, row_no: int, i: int, text: str, extra: dict[str, str]) -> None:
        """A cell of no schema column: kept as an extra column, unless it is too long."""
        column = self.unknown.get(i, f"column_{i + 1}")
        if len(text) > MAX_CELL:
            self.b.report.add(
                self.t.file,
                row_no,
                column,
                text,
                f"cell too long ({len(text)} characters, at most {MAX_CELL}): value dropped",
                WARNING,
                self.personal,
            )
        else:
            extra[column] = text

    def _enums(self, row_no: int, text: str, c: Column, values: dict[str, Any]) -> None:
        """A list of enumeration values: a refused item is dropped, the others kept."""
        items = []
        for item in parse_value(text, c.whole):
            try:
                items.append(remembered(item, c.item, c.items, self.b.today))
            except BadValue as e:
                self.b.report.add(
                    self.t.file,
                    row_no,
                    self.col_name[c.name],
                    item,
                    f"{e}: item dropped",
                    WARNING,
                    c.prop.personal,
                )
        if items:  # every item refused: the column is absent, not an empty list
            values[c.name] = sorted(set(items), key=items.index)

    def _dates_in_order(self, row_no: int, values: dict[str, Any]) -> bool:
        """A date before the column it may not precede (``not_before``: a term that ends
        before the organisation was founded, a link that ends before it starts). A links
        row is the relationship and its period, so it is rejected; elsewhere the later
        column is dropped. Whether the row can load."""
        b, t = self.b, self.t
        for name, p in self.plan.ordered:
            first = p.not_before
            if first is None or name not in values or first not in values:
                continue
            if values[name] >= values[first]:
                continue
            reject = p.required or t.table == b.schema.link_table
            why = f"{values[name]} is before {first} {values[first]}: " + (
                "row rejected" if reject else "value dropped"
            )
            severity = ERROR if reject else WARNING
            b.report.add(
                t.file, row_no, self.col_name[name], values[name], why, severity, p.personal
            )
            if reject:
                return False
            del values[name]
        return True
