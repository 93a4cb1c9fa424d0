"""The RDF mapping read once: the ``rdf:`` terms of the schema, with compact IRIs
expanded over the namespaces of ``rdf_mapping.yaml``, and its concept schemes.

>>> MAPPING.node_classes["Unit"][0]
'http://www.w3.org/ns/org#FormalOrganization'
>>> MAPPING.concept("org_kind", "branch")
'https://w3id.org/lianjian/concept/org_kind-branch'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote

from lianjian.core.data import load_yaml
from lianjian.core.schema import SCHEMA, Schema

__all__ = ["MAPPING", "Mapping", "load_mapping", "DATA_SEGMENTS", "enc"]

# Namespaces under the export's base IRI, besides one per node label: the
# resources minted for memberships, posts, links rows, the ledger with its files
# and rows, extra ledger columns, gap findings, export activities and the agent.
DATA_SEGMENTS = (
    "membership", "post", "link", "ledger", "column", "gap", "export", "agent", "version", "load",
)  # fmt: skip


_UNRESERVED = re.compile(r"[A-Za-z0-9_.\-~]+")


def enc(text: str) -> str:
    """Percent-encode everything but ``A-Z a-z 0-9 _ . - ~``: an id as one IRI path segment."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


@dataclass
class Mapping:
    namespaces: dict[str, str]
    node_segment: dict[str, str]
    node_classes: dict[str, list[str]]
    part_of: dict[str, tuple[str, str]]  # label → (relationship, class it gives the source)
    node_props: dict[str, dict[str, str]]  # label → property → predicate IRI
    post_props: dict[str, dict[str, str]]  # label → list-of-roles property → predicate
    post_fallback: dict[str, dict[str, str]]  # … → predicate of a role held in no organisation
    rel_predicate: dict[str, dict[str, str]]  # type → target label (or "*") → predicate
    rel_post_role: dict[str, str]  # type → role concept of the post
    rel_membership: set[str]
    rel_collaboration: set[str]
    link_predicate: dict[str, str]  # link kind → predicate
    link_roles: dict[str, tuple[str, str]]  # link kind → (source role, target role)
    link_props: dict[str, str]
    enums: dict[str, dict[str, Any]]
    integer_enums: set[str]  # enumerations whose values are integers (skos:notation typed)
    enum_terms: dict[str, dict[str, str]]  # enumeration → value → published term written
    roles: dict[str, Any]
    schema: Schema

    def expand(self, term: str) -> str:
        """A compact IRI ``prefix:local`` → the full IRI."""
        prefix, _, local = term.partition(":")
        return self.namespaces[prefix] + local

    def concept(self, enum: str, value: Any) -> str:
        """The SKOS concept IRI of one enumeration value."""
        return f"{self.namespaces['ljc']}{enum}-{enc(str(value))}"

    def scheme(self, enum: str) -> str:
        return self.namespaces["ljc"] + enum

    def predicate(self, rel: str, target_label: str) -> str | None:
        by_target = self.rel_predicate.get(rel, {})
        return by_target.get(target_label) or by_target.get("*")

    def vocabulary_terms(self) -> set[str]:
        """Every ``lj:`` class and property the mapping uses (to be declared in lianjian.ttl)."""
        lj = self.namespaces["lj"]
        terms = {c for cs in self.node_classes.values() for c in cs}
        terms |= {c for _, c in self.part_of.values()}
        terms |= {p for ps in self.node_props.values() for p in ps.values()}
        terms |= {p for ps in self.post_props.values() for p in ps.values()}
        terms |= {p for ps in self.post_fallback.values() for p in ps.values()}
        terms |= {p for ps in self.rel_predicate.values() for p in ps.values()}
        terms |= set(self.link_predicate.values()) | set(self.link_props.values())
        return {t for t in terms if t.startswith(lj)}


def load_mapping(text: str | None = None, schema: Schema = SCHEMA) -> Mapping:
    """The mapping of ``schema``: its ``rdf:`` keys, expanded over the namespaces of the
    mapping YAML (the packaged ``rdf_mapping.yaml`` by default), and its concept schemes.

    Raises ValueError when a node type, scalar property, relationship type or
    links column of the schema has no ``rdf:`` term.
    """
    if text is None:
        text = resources.files("lianjian.export").joinpath("rdf_mapping.yaml").read_text("utf-8")
    raw = load_yaml(text)
    ns = dict(raw["namespaces"])

    def x(term: str) -> str:
        prefix, _, local = term.partition(":")
        return ns[prefix] + local

    def term(where: str, spec: Any) -> Any:
        if not spec:
            raise ValueError(f"schema: {where} has no rdf: term")
        return spec

    node_props: dict[str, dict[str, str]] = {}
    post_props: dict[str, dict[str, str]] = {}
    post_fallback: dict[str, dict[str, str]] = {}
    for label, t in schema.nodes.items():
        node_props[label], post_props[label], post_fallback[label] = {}, {}, {}
        for prop, p in t.properties.items():
            if p.is_ref:  # a reference is an edge: its relationship type's predicate
                continue
            pred = term(f"property {label}.{prop}", p.rdf)
            if isinstance(pred, dict):
                post_props[label][prop] = x(pred["post"])
                post_fallback[label][prop] = x(pred.get("without_org", "lj:memberRole"))
            else:
                node_props[label][prop] = x(pred)
    rel_predicate: dict[str, dict[str, str]] = {}
    rel_post_role: dict[str, str] = {}
    for rel in schema.relationships:
        spec = term(f"relationship {rel}", schema.relationship_rdf.get(rel))
        pred = spec.get("predicate")
        if isinstance(pred, dict):
            rel_predicate[rel] = {t: x(p) for t, p in pred.items()}
        elif pred:
            rel_predicate[rel] = {"*": x(pred)}
        if "post" in spec:
            rel_post_role[rel] = x(spec["post"])
    rels = schema.relationship_rdf
    kinds = schema.link_kinds
    node_rdf = {label: term(f"node type {label}", t.rdf) for label, t in schema.nodes.items()}
    link_props = {
        name: x(term(f"links column {name}", p.rdf))
        for name, p in schema.link_properties.items()
        if name not in ("source", "target")  # the ends: lj:source and lj:target
    }
    return Mapping(
        namespaces=ns,
        node_segment={label: r["segment"] for label, r in node_rdf.items()},
        node_classes={label: [x(c) for c in r["classes"]] for label, r in node_rdf.items()},
        part_of={
            label: (r["part_of"]["edge"], x(r["part_of"]["class"]))
            for label, r in node_rdf.items()
            if "part_of" in r
        },
        node_props=node_props,
        post_props=post_props,
        post_fallback=post_fallback,
        rel_predicate=rel_predicate,
        rel_post_role=rel_post_role,
        rel_membership={r for r, s in rels.items() if s.get("membership")},
        rel_collaboration={r for r, s in rels.items() if s.get("collaboration")},
        link_predicate={
            k: x(s.rdf["predicate"]) if "predicate" in s.rdf else rel_predicate[s.edge]["*"]
            for k, s in kinds.items()
        },
        link_roles={
            k: (x(s.rdf["roles"][0]), x(s.rdf["roles"][1]))
            for k, s in kinds.items()
            if "roles" in s.rdf
        },
        link_props=link_props,
        enums=raw["enums"],
        integer_enums={
            p.enum for t in schema.nodes.values() for p in t.properties.values() if p.cast == "int"
        },
        enum_terms={
            enum: {str(v): x(term) for v, term in meta["values"].items()}
            for enum, meta in raw["enums"].items()
            if "values" in meta
        },
        roles=raw["roles"],
        schema=schema,
    )


MAPPING = load_mapping()
