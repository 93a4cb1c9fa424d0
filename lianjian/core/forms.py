"""The standard forms of the schema (``forms`` in schema.yaml; docs/ledger.md, "The
standard forms"): the names a file or sheet of each goes by, the table it is read as,
the values it gives its rows' empty columns, and the units the org form names.

>>> from lianjian.core.schema import SCHEMA
>>> SCHEMA.forms["grid_ledger"].defaults
{'level': 'grid'}
>>> SCHEMA.form_names["党组织和所在单位基本信息"]
'org_form'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Form", "FormUnits", "load_forms", "check_forms"]


@dataclass(frozen=True)
class FormUnits:
    """The units a form's organisations are in: the column naming them, the column of
    their kind (its header spellings), the category → kind table used where that column
    is empty, and when a row lists several units that it covers (a joint branch)."""

    column: str
    kind: dict[str, Any]  # zh, en, aliases: the headers of the kind column
    kind_column: str  # the organisation's column whose value gives a kind by kind_of
    kind_of: dict[str, str]
    joint: tuple[str, str, str]  # (column, value) that makes a row joint; the covers column
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)  # kind → wider

    @property
    def kind_headers(self) -> tuple[str, ...]:
        return (self.kind["zh"], self.kind["en"], *self.kind.get("aliases", ()))


@dataclass(frozen=True)
class Form:
    name: str
    zh: str
    en: str
    table: str
    names: tuple[str, ...]
    defaults: dict[str, str] = field(default_factory=dict, hash=False)
    units: FormUnits | None = None
    headers: tuple[str, ...] = ()  # a header only this form has: a table with it is the form


def load_forms(raw: dict[str, Any]) -> dict[str, Form]:
    """The ``forms`` section as written (checked against the tables by :func:`check_forms`)."""
    out = {}
    for name, f in raw.items():
        u = f.get("units")
        units = None
        if u is not None:
            j = u["joint"]
            units = FormUnits(
                column=u["column"],
                kind=dict(u["kind"]),
                kind_column=u["kind_of"]["column"],
                kind_of={str(k): str(v) for k, v in u["kind_of"]["values"].items()},
                joint=(j["column"], str(j["value"]), j["covers"]),
                broader={str(k): tuple(v) for k, v in u.get("broader", {}).items()},
            )
        defaults = {k: str(v) for k, v in f.get("defaults", {}).items()}
        out[name] = Form(
            name,
            f["zh"],
            f["en"],
            f["table"],
            tuple(f["names"]),
            defaults,
            units,
            tuple(f.get("headers", ())),
        )
    return out


def check_forms(schema: Any) -> None:
    """``ValueError`` for a form of no table, a default of no column or not of its
    enumeration, a units column that names no unit, a kind no enumeration has."""
    seen: dict[str, str] = {}
    for form in schema.forms.values():
        if form.table not in schema.tables:
            raise ValueError(f"schema: form {form.name} is read as {form.table}, no such table")
        props = schema.table_properties(form.table)
        for name in form.names:
            if seen.setdefault(name, form.name) != form.name:
                raise ValueError(f"schema: {name!r} names forms {seen[name]} and {form.name}")
        for column, value in form.defaults.items():
            _enum_value(schema, form, props, column, value)
        u = form.units
        if u is None:
            continue
        for column, label in ((u.column, "Unit"), (u.joint[2], "Unit")):
            edge = props[column].edge if column in props else None
            if edge is None or label not in edge.targets:
                raise ValueError(f"schema: form {form.name}: {column} names no {label}")
        _enum_value(schema, form, props, u.joint[0], u.joint[1])
        unit_kind = schema.nodes["Unit"].properties["kind"].enum
        for category, kind in u.kind_of.items():
            _enum_value(schema, form, props, u.kind_column, category)
            if kind not in schema.enums[unit_kind]:
                raise ValueError(f"schema: form {form.name}: {kind!r} is no {unit_kind}")


def _enum_value(schema: Any, form: Form, props: dict, column: str, value: str) -> None:
    """A value the form gives ``column`` must be one the column can hold."""
    p = props.get(column)
    if p is None:
        raise ValueError(f"schema: form {form.name}: {form.table} has no column {column}")
    if p.enum is not None and value not in schema.enums[p.enum]:
        raise ValueError(f"schema: form {form.name}: {value!r} is no {p.enum} of {column}")
