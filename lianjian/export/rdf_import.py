"""RDF import: an export (Turtle, N-Triples, JSON-LD, …) back into a graph model.

:func:`read_rdf` parses the file with pyoxigraph and inverts the mapping
(:mod:`lianjian.export.mapping`, from the schema's ``rdf:`` terms): typed entities
become nodes (id from ``org:identifier`` or ``dcterms:identifier``, or, for a pseudonymised member, the
hash in its IRI, kept with its pseudonym), direct triples become edges, ``lj:Link`` resources become links rows with their
dates, notes and extra columns, the ledger row that ``lj:describes`` an entity gives
its ``ledger_file`` and ``ledger_row`` back, and the ledger's ``lj:ledgerFingerprint``
the model's ``fingerprint``. Concept schemes, memberships, posts and gap findings are
derived data and are read only where they carry an edge (the secretary, roles).
Predicates it does not know are counted in the report as notices.

Cost: every triple is held while the file is read (grouped by subject); for an
export of N triples, roughly N × 200 bytes.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from lianjian.core.bulk import paused_gc
from lianjian.core.model import Edge, GraphData
from lianjian.core.report import NOTICE
from lianjian.core.text import name_key
from lianjian.export.gaps_import import gaps_from_subjects
from lianjian.export.mapping import MAPPING, Mapping

__all__ = ["read_rdf", "read_export", "parse_triples", "graph_from_triples"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_EXT = {
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
}

Lit = tuple  # (lexical, datatype IRI, language or None); an IRI is a plain str
Triple = tuple[str, str, "str | Lit"]


def parse_triples(path: str | os.PathLike, fmt: str | None = None):
    """Iterate ``(subject, predicate, object)`` of an RDF file; IRIs and blank nodes
    (``_:id``) as ``str``, literals as ``(lexical, datatype, language)``.

    ``fmt``: ``ttl``, ``nt``, ``jsonld`` (or any pyoxigraph format name); guessed
    from the extension by default. Raises ValueError on a syntax error.
    """
    names = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD"}
    name = names.get(fmt or "", fmt) if fmt else _EXT.get(Path(path).suffix.lower())
    if name is None or not hasattr(ox.RdfFormat, name.upper()):
        raise ValueError(f"cannot tell the RDF format of {path}: use --format ttl, nt or jsonld")
    NamedNode, BlankNode = ox.NamedNode, ox.BlankNode

    def term(t):
        if type(t) is NamedNode:
            return t.value
        if type(t) is BlankNode:
            return "_:" + t.value
        return (t.value, t.datatype.value, t.language)

    try:
        for q in ox.parse(path=str(path), format=getattr(ox.RdfFormat, name.upper())):
            yield term(q.subject), q.predicate.value, term(q.object)
    except SyntaxError as e:
        raise ValueError(f"{path}: not valid RDF: {e}") from None


def read_rdf(path: str | os.PathLike, fmt: str | None = None) -> GraphData:
    """Read an RDF export into a :class:`GraphData` (see the module doc)."""
    if not Path(path).is_file():
        raise ValueError(f"no such RDF file: {path}")
    with paused_gc():
        return graph_from_triples(parse_triples(path, fmt), source=str(path))


def read_export(
    path: str | os.PathLike, fmt: str | None = None
) -> tuple[GraphData, dict[str, Any] | None]:
    """:func:`read_rdf`, and the gap findings the export holds (the ``to_dict()`` of
    a gap run, as ``export_rdf(gaps=…)`` takes it), or None when it holds none."""
    if not Path(path).is_file():
        raise ValueError(f"no such RDF file: {path}")
    with paused_gc():
        return _read(parse_triples(path, fmt), str(path), MAPPING)


def _value(obj: Any) -> Any:
    """A literal as the Python value the loaders produce."""
    if type(obj) is not tuple:
        return obj
    lexical, datatype, _ = obj
    local = datatype[len(_XSD) :] if datatype.startswith(_XSD) else ""
    try:
        if local in ("integer", "int", "long", "short", "nonNegativeInteger", "gYear"):
            return int(lexical)
        if local in ("double", "float", "decimal"):
            return float(lexical)
    except ValueError:
        return lexical
    if local == "boolean":
        return lexical.strip() in ("true", "1")
    return lexical


class _Inverse:
    """The mapping read backwards: classes → labels, predicates → properties and edges."""

    def __init__(self, m: Mapping) -> None:
        s, x = m.schema, m.expand
        self.m = m
        self.label_of_class = {cs[-1]: label for label, cs in m.node_classes.items()}
        self.id_of = {label: ps["id"] for label, ps in m.node_props.items()}
        # the predicate of a role held in no organisation → (property, enumeration)
        self.fallback = {
            pred: (name, s.nodes[label].properties[name].enum)
            for label, ps in m.post_fallback.items()
            for name, pred in ps.items()
        }
        self.props = {
            label: {pred: name for name, pred in ps.items() if name not in ("id", "name")}
            for label, ps in m.node_props.items()
        }
        self.enum_of = {
            (label, name): p.enum
            for label, t in s.nodes.items()
            for name, p in t.properties.items()
            if p.enum
        }
        self.lists = {  # a plain list (skills): one triple per item, read back in order
            (label, name)
            for label, t in s.nodes.items()
            for name, p in t.properties.items()
            if p.type == "list" and name in m.node_props[label]
        }
        self.cast = {
            (label, name): p.cast
            for label, t in s.nodes.items()
            for name, p in t.properties.items()
            if p.cast
        }
        ljc = m.namespaces["ljc"]
        self.concepts: dict[str, tuple[str, str]] = {}
        for enum, values in s.enums.items():
            for v in values:
                self.concepts[m.concept(enum, v)] = (enum, v)
        for enum, terms in m.enum_terms.items():
            for v, term in terms.items():
                self.concepts[term] = (enum, v)
        for v in m.roles["values"]:
            self.concepts[f"{ljc}role-{v}"] = ("role", v)
        # (predicate, source label) → [(relationship, target labels)]
        sources: dict[str, set[str]] = defaultdict(set)
        targets: dict[str, set[str]] = defaultdict(set)
        for label, t in s.nodes.items():
            for p in t.properties.values():
                if p.edge:
                    src, dst = (
                        (p.edge.targets, (label,)) if p.edge.reverse else ((label,), p.edge.targets)
                    )
                    sources[p.edge.type].update(src)
                    targets[p.edge.type].update(dst)
        self.edges: dict[tuple[str, str], list[tuple[str, set[str]]]] = defaultdict(list)
        for rel, by_target in m.rel_predicate.items():
            for tl, pred in by_target.items():
                tls = targets[rel] if tl == "*" else {tl}
                for sl in sources[rel]:
                    self.edges[(pred, sl)].append((rel, tls))
        self.link_kind_of = {pred: kind for kind, pred in m.link_predicate.items()}
        self.link_props = {pred: name for name, pred in m.link_props.items()}
        self.secretary = m.rel_post_role["SECRETARY_OF"]
        self.t = {
            k: x(k)
            for k in (
                "org:headOf",
                "rdfs:label",
                "lj:rowNumber",
                "lj:fileName",
                "lj:LedgerColumn",
                "lj:describes",
                "lj:ledgerFingerprint",
                "dcterms:isPartOf",
                "lj:Link",
                "lj:source",
                "lj:target",
                "org:holds",
                "org:role",
                "org:postIn",
            )
        }


def graph_from_triples(triples, source: str = "rdf", mapping: Mapping = MAPPING) -> GraphData:
    """Build a :class:`GraphData` from ``(s, p, o)`` triples as :func:`parse_triples` yields them."""
    return _read(triples, source, mapping)[0]


def _read(triples, source: str, mapping: Mapping) -> tuple[GraphData, dict[str, Any] | None]:
    """The graph model and the gap findings of ``triples``."""
    inv = _Inverse(mapping)
    t = inv.t
    by_subject: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        if p == _RDF_TYPE:
            types[s].add(o)
        else:
            by_subject[s].append((p, o))

    def first(s: str, pred: str) -> Any:
        for p, o in by_subject.get(s, ()):
            if p == pred:
                return o
        return None

    columns = {
        s: _value(first(s, t["rdfs:label"]))
        for s, cs in types.items()
        if t["lj:LedgerColumn"] in cs and first(s, t["rdfs:label"]) is not None
    }
    data = GraphData()
    iri_to_id: dict[str, tuple[str, str]] = {}
    for s, cs in types.items():
        label = next((inv.label_of_class[c] for c in cs if c in inv.label_of_class), None)
        if label is None:
            continue
        ident = first(s, inv.id_of[label])
        node_id = _value(ident) if ident is not None else unquote(s.rstrip("/").rsplit("/", 1)[-1])
        iri_to_id[s] = (node_id, label)

    ignored: Counter = Counter()

    # the ledger row (or file) each entity comes from: the subject of lj:describes
    record_of: dict[str, str] = {}
    for s, pos in by_subject.items():
        for p, o in pos:
            if p == t["lj:describes"] and type(o) is str:
                record_of[o] = s
            elif p == t["lj:ledgerFingerprint"] and not data.fingerprint:
                data.fingerprint = str(_value(o))

    def provenance(props: dict[str, Any], about: str) -> None:
        row_iri = record_of.get(about)
        if row_iri is None:
            return
        row = first(row_iri, t["lj:rowNumber"])
        file_iri = first(row_iri, t["dcterms:isPartOf"]) if row is not None else row_iri
        file = first(file_iri, t["lj:fileName"]) if type(file_iri) is str else None
        if file is not None:
            props["ledger_file"] = _value(file)
            if row is not None:
                props["ledger_row"] = _value(row)

    direct_links: list[tuple[str, str, str]] = []
    for s, (node_id, label) in iri_to_id.items():
        props: dict[str, Any] = {}
        has_id = False
        roles: list[str] = []
        id_pred = inv.id_of[label]
        for p, o in by_subject.get(s, ()):
            if p == id_pred:
                props["id"] = _value(o)
                has_id = True
            elif p == t["rdfs:label"]:
                props["_label"] = _value(o)
            elif p in columns:
                props[columns[p]] = _value(o)
            elif p in inv.props[label]:
                name = inv.props[label][p]
                if type(o) is str and o in inv.concepts:
                    o = inv.concepts[o][1]
                    if inv.cast.get((label, name)) == "int" and o.lstrip("-").isdigit():
                        o = int(o)
                if (label, name) in inv.lists:
                    props.setdefault(name, []).append(_value(o))
                else:
                    props[name] = _value(o)
            elif p == t["org:holds"] and type(o) is str:
                role, org = first(o, t["org:role"]), first(o, t["org:postIn"])
                if role == inv.secretary and org in iri_to_id:
                    data.edges.append(
                        Edge("SECRETARY_OF", node_id, iri_to_id[org][0], "SECRETARY_OF", {})
                    )
                elif role in inv.concepts:
                    roles.append(inv.concepts[role][1])
            elif p == t["org:headOf"]:
                continue  # the secretary's edge comes from the post it holds
            elif p in inv.fallback and type(o) is str and o in inv.concepts:
                roles.append(inv.concepts[o][1])
            elif p in inv.link_kind_of and o in iri_to_id:
                direct_links.append((node_id, iri_to_id[o][0], inv.link_kind_of[p]))
            elif (p, label) in inv.edges and o in iri_to_id:
                target, tl = iri_to_id[o]
                for rel, tls in inv.edges[(p, label)]:
                    if tl in tls:
                        data.edges.append(Edge(rel, node_id, target, rel, {}))
                        break
                else:
                    ignored[p] += 1
            else:
                ignored[p] += 1
        provenance(props, s)
        name = props.pop("_label", None)
        if label == "Member" and not has_id:
            props["pseudonym"] = name
        elif name is not None:
            props["name"] = name
        props.setdefault("id", node_id)
        if roles:
            order = list(mapping.schema.enums["member_role"])
            props["roles"] = sorted(
                roles, key=lambda r: order.index(r) if r in order else len(order)
            )
        if "name" in props and not mapping.schema.nodes[label].personal:
            props["name_key"] = name_key(str(props["name"]))
        data.nodes[node_id] = (label, props)

    _links(data, inv, by_subject, types, iri_to_id, columns, provenance, direct_links)
    for p, n in sorted(ignored.items()):
        data.report.add(
            source, None, None, p, f"predicate not part of the mapping: {n} triples ignored", NOTICE
        )
    return data, gaps_from_subjects(by_subject, types, iri_to_id, mapping)


def _links(data, inv, by_subject, types, iri_to_id, columns, provenance, direct_links) -> None:
    """Links rows from lj:Link resources; a bare direct triple becomes a row without dates."""
    t, schema = inv.t, inv.m.schema
    seen: set[tuple[str, str, str]] = set()
    for s, cs in types.items():
        if t["lj:Link"] not in cs:
            continue
        props: dict[str, Any] = {}
        src = dst = None
        for p, o in by_subject.get(s, ()):
            if p == t["lj:source"]:
                src = iri_to_id.get(o, (None,))[0]
            elif p == t["lj:target"]:
                dst = iri_to_id.get(o, (None,))[0]
            elif p in inv.link_props:
                name = inv.link_props[p]
                props[name] = (
                    inv.concepts[o][1] if type(o) is str and o in inv.concepts else _value(o)
                )
            elif p in columns:
                props[columns[p]] = _value(o)
        provenance(props, s)
        kind = props.get("kind")
        if src is None or dst is None or kind not in schema.link_kinds:
            continue
        seen.add((src, dst, kind))
        key = f"{kind}|{props.get('since', '')}"
        data.edges.append(Edge(schema.link_kinds[kind].edge, src, dst, key, props))
    for src, dst, kind in direct_links:
        if (src, dst, kind) not in seen:
            seen.add((src, dst, kind))
            edge = schema.link_kinds[kind].edge
            data.edges.append(Edge(edge, src, dst, f"{kind}|", {"kind": kind}))
