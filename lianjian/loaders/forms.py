"""The standard forms' own rules, applied to the tables read as them (the schema's
``forms``; docs/ledger.md, "The standard forms"): the values a form gives its rows'
empty columns (a grid-ledger row is a grid), and the units the org form names.

Each name in the org form's 单位名称 is matched to a unit of the ledger by name, once
every table is read. A name no unit has becomes a unit created from the form: named
so, of the kind its 单位类别 gives (else the one the organisation's 党组织类别 gives), its
id derived as a units table without ids derives it (:mod:`lianjian.loaders.derive`: a
unit placed nowhere), the form's file and row its source. A unit named in several rows
is created once (by its folded name); one whose rows are all rejected is not kept. A
created unit is no row of the ledger: the report counts it apart (``created``). A name
of which no unit can be made (no kind, an unreadable one, a text that reads as an id,
several names where the organisation is no joint branch) is reported, its relationship
dropped. A 联合党支部 (``joint``) lists its units, and covers each. A 单位类别 that
differs from the kind of the unit matched is reported; the unit is not changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lianjian.core.forms import FormUnits
from lianjian.core.report import WARNING, Report
from lianjian.core.schema import Property, Schema
from lianjian.core.text import fold, name_key
from lianjian.loaders.derive import derived_id, segment
from lianjian.loaders.names import Names
from lianjian.loaders.read import RawTable, header_key
from lianjian.loaders.resolve import Build, Ref
from lianjian.loaders.values import BadValue, parse_value, split_list

__all__ = ["FormRows", "form_defaults", "form_headers"]

UNIT = "Unit"
_LABELS = (UNIT,)


def form_by_headers(schema: Schema, t: RawTable) -> tuple[str, list[str]] | None:
    """The form a table not named as one is, by a header only that form has (the schema's
    ``headers``), and those headers; None if no form's, or several forms', are there."""
    cells = {fold(c): c.strip() for c in t.header if c.strip()}
    hits = {
        f.name: [cells[fold(h)] for h in f.headers if fold(h) in cells]
        for f in schema.forms.values()
        if f.table == t.table
    }
    hits = {name: found for name, found in hits.items() if found}
    return next(iter(hits.items())) if len(hits) == 1 else None


def form_defaults(schema: Schema, t: RawTable) -> dict[str, str]:
    """The values the form ``t`` was recognised as gives its rows' empty columns."""
    form = schema.forms.get(t.form) if t.form else None
    return form.defaults if form else {}


def form_headers(schema: Schema) -> dict[str, set[str]]:
    """Per table: the folded headers of the forms' own columns (they mark a header row)."""
    out: dict[str, set[str]] = {}
    for form in schema.forms.values():
        if form.units:
            out.setdefault(form.table, set()).update(fold(h) for h in form.units.kind_headers)
    return out


@dataclass(slots=True)
class _Named:
    """One unit an org-form row names, and what the row says of its kind."""

    text: str
    ref: Ref  # the organisation's reference holding the name
    kind: str | None  # the row's 单位类别 as a unit kind (None: empty or refused)
    kind_cell: str  # the 单位类别 as written ("" when empty)
    kind_column: str
    category: str | None  # the organisation's category
    by_category: str | None  # the kind the category gives
    why: str | None = None  # why the row alone makes no unit (several names, no joint branch)
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the form's broader kinds


@dataclass
class FormRows:
    """The org form's units, gathered row by row in pass one, matched or created once
    every table is read (:meth:`create_units`)."""

    schema: Schema
    report: Report
    named: list[_Named] = field(default_factory=list)
    created: dict[str, list[_Named]] = field(default_factory=dict)  # unit id → its rows

    def table(self, t: RawTable, known: dict[int, str], unknown: dict[int, str]) -> _Table | None:
        """The reader of a table of the org form, or None for any other table. Its
        单位类别 is among the ``unknown`` columns; :meth:`_Table.take` blanks it in each
        row, so it never becomes an extra column."""
        form = self.schema.forms.get(t.form) if t.form else None
        if form is None or form.units is None:
            return None
        u = form.units
        heads = {fold(h) for h in u.kind_headers}
        at = next((i for i in sorted(unknown) if header_key(t.header[i]) in heads), None)
        props = self.schema.table_properties(t.table)
        named = {name: t.header[i].strip() for i, name in known.items()}
        unit_column = named.get(u.column) or props[u.column].zh
        kind_column = t.header[at].strip() if at is not None else u.kind["zh"]
        p = props[u.joint[0]]
        joint = (
            f"{named.get(p.name) or p.zh} is not {self.schema.enum_label(p.enum or '', u.joint[1])}"
        )
        return _Table(self, u, t, at, unit_column, kind_column, joint)

    def create_units(self, b: Build) -> None:
        """Match each name to a unit of the ledger, or create the unit (before ids are
        derived: an organisation's place may be its unit)."""
        if not self.named:
            return
        nodes = b.data.nodes
        units: dict[str, list[str]] = {}  # folded name → the ledger's units of that name
        for node_id, (label, props) in nodes.items():
            if label == UNIT:
                units.setdefault(props["name_key"], []).append(node_id)
        by_key: dict[str, str] = {}  # folded name → the unit created for it
        names: Names | None = None  # the nearest names, for a name of which none is made
        for n in self.named:
            if n.text in nodes:  # an id: resolved, or reported, as any reference
                self._same_kind(b, n, n.text)
                continue
            key = name_key(n.text)
            if key in by_key:
                self.created[by_key[key]].append(n)
                self._same_kind(b, n, by_key[key])
                continue
            found = units.get(key, [])
            exact = [u for u in found if nodes[u][1]["name"] == n.text]
            found = exact if len(exact) == 1 else found
            if len(found) == 1:
                self._same_kind(b, n, found[0])
                continue
            if found:  # a name several units have: ambiguous, as any reference
                continue
            why = self._why_not(n)
            if why is None:
                by_key[key] = self._create(b, n)
            else:
                names = names or Names(b.data)
                self._not_created(b, names, n, why)

    def keep_units_of_loaded_rows(self, b: Build) -> None:
        """Drop a created unit whose every naming row was rejected (once ids are derived)."""
        for unit, rows in self.created.items():
            if any(n.ref.source in b.data.nodes for n in rows):
                self.report.count_created(self.schema.nodes[UNIT].table)
            else:
                del b.data.nodes[unit]
                del b.where[unit]

    def _create(self, b: Build, n: _Named) -> str:
        unit = derived_id(UNIT, segment(UNIT, {"name": n.text}))
        props = {"id": unit, "name": n.text, "kind": n.kind or n.by_category}
        props.update(name_key=name_key(n.text), ledger_file=n.ref.file, ledger_row=n.ref.row)
        b.data.nodes[unit] = (UNIT, props)
        b.where[unit] = (n.ref.file, n.ref.row)
        self.created[unit] = [n]
        return unit

    def _why_not(self, n: _Named) -> str | None:
        """Why no unit can be created of this name, or None."""
        if n.why:
            return n.why
        if n.text.isascii() and " " not in n.text:
            return "it reads as an ID, not a name"
        if n.kind_cell and n.kind is None:
            return f"its {n.kind_column} {n.kind_cell} is no unit kind"
        if n.kind is None and n.by_category is None:
            category = self.schema.enum_label("org_category", n.category) if n.category else ""
            gives = f"the category {category} gives none" if category else "nor does a category"
            return f"{n.kind_column} gives no kind, {gives}"
        return None

    def _not_created(self, b: Build, names: Names, n: _Named, why: str) -> None:
        """Report the name, and take it out of its reference (reported once, here)."""
        ref = n.ref
        base = names.why(names.lookup(n.text, _LABELS, ()), n.text, UNIT, False)
        reason = f"{base}; no unit created: {why}: relationship dropped"
        self.report.add(ref.file, ref.row, ref.column, n.text, reason, WARNING)
        ref.targets = [x for x in ref.targets if x != n.text]
        table = self.schema.nodes[b.data.nodes[ref.source][0]].table
        self.report.count_reference(f"{table}.{ref.prop.name}", "unknown")

    def _same_kind(self, b: Build, n: _Named, unit: str) -> None:
        """A 单位类别 that is not the kind of the unit matched: reported, the unit kept."""
        label, props = b.data.nodes[unit]
        if label != UNIT or n.kind is None or props.get("kind") in (None, n.kind):
            return
        if n.kind in n.broader.get(props["kind"], ()):  # a hospital is an institution
            return
        enum = self.schema.nodes[UNIT].properties["kind"].enum
        assert enum is not None
        has, says = (f"{k} ({self.schema.enum_label(enum, k)})" for k in (props["kind"], n.kind))
        reason = f"{props['name']} ({unit}) is of kind {has}, the form says {says}: its kind kept"
        self.report.add(n.ref.file, n.ref.row, n.kind_column, n.kind_cell, reason, WARNING)


@dataclass
class _Table:
    """The org form's rows, one at a time: the 单位类别 cell taken out before the row is
    read (:meth:`take`), its units noted once the row's node is made (:meth:`named`)."""

    rows: FormRows
    units: FormUnits
    t: RawTable
    kind_at: int | None
    unit_column: str
    kind_column: str
    not_joint: str  # what a row that lists several units is not: 所在单位情况 is not 联合党支部
    kind_cell: str = ""

    def take(self, cells: list[str]) -> list[str]:
        """The row without its 单位类别 cell (kept for :meth:`named`)."""
        i = self.kind_at
        if i is None or i >= len(cells):
            self.kind_cell = ""
            return cells
        self.kind_cell = str(cells[i]).strip()
        return [*cells[:i], "", *cells[i + 1 :]]

    def named(self, b: Build, row_no: int, node_id: str, values: dict[str, Any]) -> None:
        """Note the units the row of ``node_id`` names; a joint branch's reference to its
        units becomes one to what it covers."""
        u, report, file = self.units, self.rows.report, self.t.file
        ref = next(
            (r for r in _row_refs(b, node_id) if r.prop.name == u.column and r.targets), None
        )
        kind = self._kind(row_no)
        if ref is None:
            if self.kind_cell:
                why = f"no unit named ({self.unit_column} is empty): value dropped"
                report.add(file, row_no, self.kind_column, self.kind_cell, why, WARNING)
            return
        text = ref.targets[0]
        listed = split_list(text)
        joint_column, joint, covers = u.joint
        why = None
        if values.get(joint_column) == joint:
            prop = self.rows.schema.table_properties(self.t.table)[covers]
            ref.prop, ref.targets = prop, listed
        elif len(listed) > 1:
            listed, why = [text], f"{len(listed)} units named, but {self.not_joint}"
        category = values.get(u.kind_column)
        by_category = u.kind_of.get(category) if category else None
        cell, column = self.kind_cell, self.kind_column
        for name in listed:
            n = _Named(name, ref, kind, cell, column, category, by_category, why, u.broader)
            self.rows.named.append(n)

    def _kind(self, row_no: int) -> str | None:
        """The 单位类别 as a unit kind; an unreadable one reported (None)."""
        if not self.kind_cell:
            return None
        kind: Property = self.rows.schema.nodes[UNIT].properties["kind"]
        try:
            return parse_value(self.kind_cell, kind)
        except BadValue as e:
            why = f"{e}: value dropped"
            self.rows.report.add(
                self.t.file, row_no, self.kind_column, self.kind_cell, why, WARNING
            )
            return None


def _row_refs(b: Build, node_id: str) -> list[Ref]:
    """The references of the row just read (the last ones made, all of ``node_id``)."""
    out = []
    for r in reversed(b.refs):
        if r.source != node_id:
            break
        out.append(r)
    return out
