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

from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from lianjian.core.data import load_yaml
from lianjian.core.forms import Form, check_forms, load_forms
from lianjian.core.joined import Joined, parse_joined
from lianjian.core.properties import IDENT, EdgeSpec, Property
from lianjian.core.properties import parse_property as _prop
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
    joined: dict[str, Joined] = field(default_factory=dict)  # tables whose rows fill nodes
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
        for j in self.joined.values():
            out.update((fold(alias), j.table) for alias in (j.table, *j.table_aliases))
        return out

    @property
    def read_tables(self) -> tuple[str, ...]:
        """Every table, in the order read: :attr:`tables`, then the :attr:`joined` ones."""
        return (*self.tables, *self.joined)

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
        if table in self.joined:
            return self.joined[table].properties
        return self.nodes[self.tables[table]].properties

    def personal_table(self, table: str) -> bool:
        """Whether a row of ``table`` is a person's (its cells of no column are hidden too)."""
        if table in self.joined:
            return self.joined[table].personal
        return bool(self.tables.get(table)) and self.nodes[self.tables[table]].personal

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
        joined={"reports": parse_joined(raw["reports"], nodes, _prop)} if "reports" in raw else {},
        forms=load_forms(raw.get("forms", {})),
    )


SCHEMA = load_schema()
