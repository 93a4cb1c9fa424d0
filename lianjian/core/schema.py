"""The schema, read once from ``schema.yaml``: node labels, properties, enumerations
and relationship types, with their Chinese and English names.

Everything else derives from this: header aliases for the loaders, Neo4j
constraints, the NetworkX attributes, the RDF mapping and the dashboard legend.

>>> SCHEMA.nodes["PartyOrg"].zh
'党组织'
>>> SCHEMA.enum_value("org_kind", "联合党支部")
'joint_branch'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from lianjian.core.data import load_yaml
from lianjian.core.forms import Form, check_forms, load_forms
from lianjian.core.text import fold

__all__ = [
    "SCHEMA",
    "Schema",
    "NodeType",
    "Property",
    "EdgeSpec",
    "LinkKind",
    "Form",
    "load_schema",
]

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# a bound relative to the day of reading: ``today``, ``today-18`` (years), ``today+10``
_TODAY = re.compile(r"^today(?:([+-])(\d+))?$")
Bound = float | str | None  # a number, an ISO date, or a ``today`` form


def _shift_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class EdgeSpec:
    """How a reference column becomes a relationship."""

    type: str
    targets: tuple[str, ...]
    levels: tuple[str, ...] = ()
    reverse: bool = False  # the edge points from the referenced node to the row's node


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    zh: str
    en: str
    required: bool = False
    enum: str | None = None
    aliases: tuple[str, ...] = ()
    edge: EdgeSpec | None = None
    personal: bool = False
    default: str | None = None
    cast: str | None = None
    min: Bound = None  # the least value a cell may hold (see :meth:`bound`)
    max: Bound = None
    not_before: str | None = None  # a date column of the same row this one may not precede
    pattern: str | None = None  # a regular expression the whole (ASCII-folded) text must match
    year_of_date: bool = False  # a year column that also reads a date, keeping only its year
    rdf: Any = field(default=None, hash=False)  # RDF predicate, or {post: predicate}

    @property
    def is_ref(self) -> bool:
        return self.type in ("ref", "refs")

    def bound(self, which: str, today: dt.date) -> float | str | None:
        """The ``min`` or ``max`` as a value of the column on the day ``today``: a number,
        or an ISO date for a date column. ``today-18`` in a year column is today's year
        less 18; in a date column, today's date 18 years back.

        >>> p = Property("born", "int", "", "", max="today-18")
        >>> p.bound("max", dt.date(2026, 12, 1))
        2008
        >>> Property("d", "date", "", "", max="today+1").bound("max", dt.date(2024, 2, 29))
        '2025-02-28'
        """
        raw = self.min if which == "min" else self.max
        m = _TODAY.match(raw) if isinstance(raw, str) else None
        if m is None:
            return raw
        years = int(m.group(2) or 0) * (-1 if m.group(1) == "-" else 1)
        if self.type == "date":
            return _shift_years(today, years).isoformat()
        return today.year + years

    def bound_text(self, which: str) -> str | None:
        """How the docs and the report name a bound: ``1900``, ``1921-07-01``, ``today``,
        ``18 years before today``."""
        raw = self.min if which == "min" else self.max
        m = _TODAY.match(raw) if isinstance(raw, str) else None
        if m is None:
            return None if raw is None else raw if isinstance(raw, str) else f"{raw:g}"
        if not m.group(2):
            return "this year" if self.type != "date" else "today"
        unit = "years" if m.group(2) != "1" else "year"
        when = "before" if m.group(1) == "-" else "after"
        return f"{m.group(2)} {unit} {when} " + ("this year" if self.type != "date" else "today")


@dataclass(frozen=True)
class NodeType:
    label: str
    zh: str
    en: str
    table: str
    table_aliases: tuple[str, ...]
    properties: dict[str, Property]
    color: str = "#999999"
    shape: str = "dot"
    personal: bool = False
    rdf: dict[str, Any] = field(default_factory=dict)  # IRI segment and classes

    @property
    def key(self) -> str:
        return "id"


@dataclass(frozen=True)
class LinkKind:
    name: str
    edge: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    source_kinds: tuple[str, ...] = ()
    target_kinds: tuple[str, ...] = ()
    target_levels: tuple[str, ...] = ()
    rdf: dict[str, Any] = field(default_factory=dict, hash=False)  # predicate, roles


@dataclass(frozen=True)
class EnumValue:
    value: str
    zh: str
    en: str
    aliases: tuple[str, ...]


@dataclass
class Schema:
    nodes: dict[str, NodeType]
    link_table: str
    link_table_aliases: tuple[str, ...]
    link_properties: dict[str, Property]
    link_kinds: dict[str, LinkKind]
    relationships: dict[str, dict[str, str]]
    enums: dict[str, dict[str, EnumValue]]
    region_nesting: dict[str, tuple[str, ...]]
    relationship_rdf: dict[str, Any] = field(default_factory=dict)  # type → predicate or spec
    doc_notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    consumed_columns: dict[str, dict[str, Any]] = field(default_factory=dict)  # never stored
    forms: dict[str, Form] = field(default_factory=dict)  # the standard forms (core/forms.py)
    _alias_index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, values in self.enums.items():
            index: dict[str, str] = {}
            for v in values.values():
                for alias in (v.value, v.zh, v.en, *v.aliases):
                    if index.setdefault(fold(alias), v.value) != v.value:
                        raise ValueError(
                            f"schema: {alias!r} of enumeration {name} names both "
                            f"{index[fold(alias)]} and {v.value}"
                        )
            self._alias_index[name] = index
        for label in self.nodes:
            if not IDENT.match(label):
                raise ValueError(f"schema: label {label!r} is not a plain identifier")
        for props in (*(t.properties for t in self.nodes.values()), self.link_properties):
            for p in props.values():
                other = props.get(p.not_before) if p.not_before else p
                if other is None or other.type != p.type:
                    raise ValueError(
                        f"schema: {p.name} is not_before {p.not_before}, no such column"
                    )
        for rel in self.relationships:
            if not IDENT.match(rel):
                raise ValueError(f"schema: relationship {rel!r} is not a plain identifier")
        check_forms(self)

    def enum_value(self, enum: str, raw: str) -> str | None:
        """The canonical value for ``raw`` (English value, Chinese name or alias), or None."""
        return self._alias_index[enum].get(fold(raw))

    def enum_label(self, enum: str, value: str, lang: str = "zh") -> str:
        v = self.enums[enum].get(str(value))
        return getattr(v, lang) if v else str(value)

    @cached_property
    def tables(self) -> dict[str, str]:
        """Table name → node label, with ``links`` mapped to ``""``."""
        out = {t.table: label for label, t in self.nodes.items()}
        out[self.link_table] = ""
        return out

    @cached_property
    def table_aliases(self) -> dict[str, str]:
        """Every folded spelling of a table name (English or Chinese, or a form's) → the table."""
        out: dict[str, str] = {}
        for t in self.nodes.values():
            for alias in (t.table, *t.table_aliases, *self.form_names_of(t.table)):
                out[fold(alias)] = t.table
        for alias in (self.link_table, *self.link_table_aliases):
            out[fold(alias)] = self.link_table
        return out

    @cached_property
    def form_names(self) -> dict[str, str]:
        """Every folded name of a standard form → the form (a key of ``forms``)."""
        return {fold(n): f.name for f in self.forms.values() for n in f.names}

    def form_names_of(self, table: str) -> tuple[str, ...]:
        """The names of the forms read as ``table``."""
        return tuple(n for f in self.forms.values() if f.table == table for n in f.names)

    def table_properties(self, table: str) -> dict[str, Property]:
        if table == self.link_table:
            return self.link_properties
        return self.nodes[self.tables[table]].properties

    @cached_property
    def edge_types(self) -> list[str]:
        """Every relationship type the ledger can produce, in schema order."""
        seen: dict[str, None] = {}
        for t in self.nodes.values():
            for p in t.properties.values():
                if p.edge:
                    seen[p.edge.type] = None
        for k in self.link_kinds.values():
            seen[k.edge] = None
        return list(seen)

    def rel_name(self, rel: str, lang: str = "zh") -> str:
        return self.relationships.get(rel, {}).get(lang, rel)

    @cached_property
    def region_levels(self) -> tuple[str, ...]:
        """The region levels, top down: the order of the ``region_level`` enumeration."""
        return tuple(self.enums["region_level"])

    def levels_down_to(self, level: str) -> tuple[str, ...]:
        """The region levels from the top down to ``level`` itself."""
        return self.region_levels[: self.region_levels.index(level) + 1]

    def headers(self, table: str) -> tuple[str, ...]:
        """A table's preferred column headers: each property's Chinese name, in schema order."""
        return tuple(p.zh for p in self.table_properties(table).values())


def _bound(name: str, kind: str, raw: Any) -> Bound:
    """A ``min``/``max`` as written in the schema, checked: a number for a number column,
    an ISO date for a date column, or a ``today`` form (for a date or a year)."""
    if raw is None:
        return None
    if isinstance(raw, dt.date):  # YAML reads an unquoted 1921-07-01 as a date
        raw = raw.isoformat()
    if isinstance(raw, str) and _TODAY.match(raw) and kind in ("date", "int"):
        return raw
    if kind == "date" and isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
    if kind in ("int", "float") and isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw
    raise ValueError(f"schema: bound {raw!r} of {name} does not fit a {kind} column")


def _pattern(name: str, raw: Any) -> str | None:
    """A ``pattern`` as written in the schema, checked to compile."""
    if raw is None:
        return None
    try:
        re.compile(str(raw))
    except re.error as e:
        raise ValueError(
            f"schema: pattern {raw!r} of {name} is not a regular expression: {e}"
        ) from None
    return str(raw)


def _prop(name: str, raw: dict[str, Any]) -> Property:
    edge = None
    if "edge" in raw:
        e = raw["edge"]
        edge = EdgeSpec(
            type=e["type"],
            targets=tuple(e["targets"]),
            levels=tuple(e.get("levels", ())),
            reverse=bool(e.get("reverse", False)),
        )
    return Property(
        name=name,
        type=raw["type"],
        zh=raw["zh"],
        en=raw["en"],
        required=bool(raw.get("required", False)),
        enum=raw.get("enum"),
        aliases=tuple(raw.get("aliases", ())),
        edge=edge,
        personal=bool(raw.get("personal", False)),
        default=raw.get("default"),
        cast=raw.get("cast"),
        min=_bound(name, raw["type"], raw.get("min")),
        max=_bound(name, raw["type"], raw.get("max")),
        not_before=raw.get("not_before"),
        pattern=_pattern(name, raw.get("pattern")),
        year_of_date=bool(raw.get("year_of_date", False)),
        rdf=raw.get("rdf"),
    )


def _rdf_spec(raw: Any) -> dict[str, Any]:
    """An ``rdf:`` key that is a bare term, as the mapping ``{predicate: term}``."""
    if raw is None:
        return {}
    return raw if isinstance(raw, dict) else {"predicate": raw}


def load_schema(text: str | None = None) -> Schema:
    """Parse the schema YAML (the packaged ``schema.yaml`` by default)."""
    if text is None:
        text = resources.files("lianjian.core").joinpath("schema.yaml").read_text("utf-8")
    raw = load_yaml(text)
    nodes = {
        label: NodeType(
            label=label,
            zh=n["zh"],
            en=n["en"],
            table=n["table"],
            table_aliases=tuple(n.get("table_aliases", ())),
            properties={k: _prop(k, v) for k, v in n["properties"].items()},
            color=n.get("color", "#999999"),
            shape=n.get("shape", "dot"),
            personal=bool(n.get("personal", False)),
            rdf=n.get("rdf", {}),
        )
        for label, n in raw["nodes"].items()
    }
    links, rels = raw["links"], raw["relationships"]
    kinds = {
        name: LinkKind(
            name=name,
            edge=k["edge"],
            sources=tuple(k["sources"]),
            targets=tuple(k["targets"]),
            source_kinds=tuple(k.get("source_kinds", ())),
            target_kinds=tuple(k.get("target_kinds", ())),
            target_levels=tuple(k.get("target_levels", ())),
            rdf=_rdf_spec(k.get("rdf")),
        )
        for name, k in links["kinds"].items()
    }
    enums = {
        name: {
            str(value): EnumValue(
                str(value), v["zh"], v["en"], tuple(map(str, v.get("aliases", ())))
            )
            for value, v in values.items()
        }
        for name, values in raw["enums"].items()
    }
    return Schema(
        nodes=nodes,
        link_table=links["table"],
        link_table_aliases=tuple(links.get("table_aliases", ())),
        link_properties={k: _prop(k, v) for k, v in links["properties"].items()},
        link_kinds=kinds,
        relationships={r: {k: v for k, v in n.items() if k != "rdf"} for r, n in rels.items()},
        enums=enums,
        region_nesting={k: tuple(v) for k, v in raw["region_nesting"].items()},
        relationship_rdf={r: _rdf_spec(n.get("rdf")) for r, n in rels.items() if "rdf" in n},
        doc_notes=raw.get("doc_notes", {}),
        consumed_columns=raw.get("consumed_columns", {}),
        forms=load_forms(raw.get("forms", {})),
    )


SCHEMA = load_schema()
