"""The triples of a graph model, subject by subject, rendered by a term renderer.

:class:`Triples` walks a :class:`~lianjian.core.model.GraphData` once, in ledger
order (or a store's graph chunk by chunk, :mod:`lianjian.record.stream`), and yields blocks ``(subject, [(predicate, object), …])``: first the SKOS
concept schemes of the enumerations, then each entity followed by the resources
minted for it (its ledger row, memberships, posts, links rows), then gap
findings. Every writer (N-Triples, Turtle, JSON-LD, rdflib) consumes the same
blocks, so all formats hold the same triples.

Members are pseudonymised unless ``with_names``: no name, birth year, home or
extra columns; IRI ``{base}member/{keyed hash}``; ``rdfs:label`` the pseudonym.
Cost: O(nodes + edges) time; memory: an index of edges by source (of one chunk, for
a store read in chunks), the rendered IRIs of up to 65536 non-member edge targets
(reused, they are most of the objects), and the triples of one entity at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from lianjian.core.model import Edge, GraphData
from lianjian.core.privacy import token_pseudonym
from lianjian.core.text import to_simplified
from lianjian.export.concepts import concept_blocks
from lianjian.export.gaps import gap_blocks
from lianjian.export.iris import data_namespaces, member_token, pseudonym_key
from lianjian.export.mapping import MAPPING, Mapping, enc
from lianjian.export.provenance import Provenance, export_time, model_fingerprint
from lianjian.record.snapshot import Snapshot
from lianjian.record.stream import ModelGraph, StoreGraph

__all__ = ["Triples", "name_language"]
_PROV_KEYS = ("ledger_file", "ledger_row")
_SKIP = frozenset(("name_key", "pseudonym", "id", "name", *_PROV_KEYS))
# handler codes for node properties
_VALUE, _DATE, _ENUM, _POSTS, _PERSONAL, _LIST = range(6)
_TARGETS = 1 << 16  # rendered link targets kept for reuse (then forgotten, and made again)


def name_language(name: str) -> str:
    """The language tag of a name: ``zh-Hant`` when it is written in Traditional script
    (OpenCC's character table would change it), else ``zh``.

    >>> name_language("胜利街道"), name_language("勝利街道"), name_language("G 4")
    ('zh', 'zh-Hant', 'zh')
    """
    return "zh-Hant" if to_simplified(name) != name else "zh"


class _Terms(dict):
    """Vocabulary term (compact ``prefix:local`` or a full IRI) → its rendering, made once."""

    def __init__(self, render: Any, namespaces: dict[str, str]) -> None:
        super().__init__()
        self.render, self.ns = render, namespaces

    def __missing__(self, term: str) -> Any:
        prefix, _, local = term.partition(":")
        iri = self.ns[prefix] + local if prefix in self.ns else term
        value = self[term] = self.render(iri)
        return value


class Triples:
    """Iterate over the blocks of triples of ``data`` rendered by ``terms``: a graph
    model, or a store's graph read in chunks (:class:`~lianjian.record.stream.StoreGraph`:
    the blocks of one chunk of entities at a time, the same triples)."""

    def __init__(
        self,
        data: GraphData | StoreGraph,
        terms: Any,
        *,
        base: str,
        with_names: bool = False,
        gaps: dict[str, Any] | None = None,
        mapping: Mapping = MAPPING,
        time: dt.datetime | None = None,
        store: Snapshot | None = None,
    ) -> None:
        self.T, self.m = terms, mapping
        self.with_names, self.gaps = with_names, gaps
        self.prefix = {
            label: p
            for label, seg in mapping.node_segment.items()
            for p, ns in data_namespaces(base, mapping).items()
            if ns == f"{base}{seg}/"
        }
        self.column_ns = f"{base}column/"
        self.schema = mapping.schema
        self.personal_rels = {
            p.edge.type
            for t in self.schema.nodes.values()
            for p in t.properties.values()
            if p.personal and p.edge
        }
        self.P = _Terms(terms.predicate, mapping.namespaces)  # predicates
        self.O = _Terms(terms.iri, mapping.namespaces)  # IRIs as objects
        self.C = _Terms(terms.klass, mapping.namespaces)  # classes
        self._hash = None if with_names else pseudonym_key()
        self._concepts: dict[tuple[str, Any], Any] = {}
        self._columns: dict[str, Any] = {}
        self._handlers = {label: self._prop_handlers(label) for label in mapping.node_segment}
        # the predicates of a node's id and name (the name's also labels a pseudonym)
        self._id_name = {
            label: (self.P[ps["id"]], self.P[ps["name"]])
            for label, ps in mapping.node_props.items()
        }
        self._types = {
            label: [(terms.type, self.C[c]) for c in cs]
            for label, cs in mapping.node_classes.items()
        }
        self._part_of = {
            label: (rel, (terms.type, self.C[c])) for label, (rel, c) in mapping.part_of.items()
        }
        self._targets: dict[str, tuple[str, str, Any]] = {}
        self._same = terms.subject == terms.name  # a subject is written as an object is
        self._preds: dict[tuple[str, str], Any] = {}
        # relationships whose predicate does not depend on the target's label
        self._plain = {
            rel: terms.predicate(by_target["*"])
            for rel, by_target in mapping.rel_predicate.items()
            if list(by_target) == ["*"]
        }
        # relationships that are more than one triple, or that may be left out
        self._special = (
            set(mapping.rel_post_role) | mapping.rel_membership | set(self.personal_rels)
        )
        self.out: Any = {}  # the chunk's out-links by source, and their ends' labels
        self._ends: Any = {}
        self.member_names: list[tuple[str, str]] = []  # (name, IRI key), for gap fixes
        source = ModelGraph(data) if isinstance(data, GraphData) else data
        self._chunks, self.lookup = source.chunks, source.lookup
        # a store's version is named by its sources' ledgers, not by a model fingerprint
        fingerprint = "" if store is not None else data.fingerprint or model_fingerprint(data)
        self.prov = Provenance(self, fingerprint, time or export_time(), store)

    # ------------------------------------------------------------ terms

    def concept(self, enum: str, value: Any) -> Any:
        k = (enum, value)
        r = self._concepts.get(k)
        if r is None:
            r = self._concepts[k] = self.T.name("ljc", f"{enum}-{enc(str(value))}")
        return r

    def name(self, text: str) -> Any:
        """A name as a literal tagged ``zh`` or ``zh-Hant`` (:func:`name_language`)."""
        return self.T.lang(text, name_language(text))

    def key(self, node_id: str, label: str, props: dict[str, Any]) -> str:
        """The IRI key of a node: its encoded id, or for a member the pseudonym's hash."""
        if label != "Member" or self.with_names or "pseudonym" in props:
            return enc(node_id)
        return member_token(node_id, self._hash)

    # ------------------------------------------------------------ blocks

    def __iter__(self) -> Iterator[tuple[Any, list[tuple[Any, Any]]]]:
        yield from concept_blocks(self)
        yield from self.prov.blocks()
        node = self._node
        for chunk in self._chunks():
            self.out, self._ends = chunk.out, chunk.ends
            for node_id, (label, props) in chunk.nodes.items():
                yield from node(node_id, label, props)
        self.out, self._ends = {}, {}
        if self.gaps:
            yield from gap_blocks(self, self.gaps)

    def _node(self, node_id: str, label: str, props: dict[str, Any]) -> list:
        """The blocks of one entity: its own, then those minted for it."""
        T, prefix = self.T, self.prefix[label]
        key = self.key(node_id, label, props)
        s_obj = T.name(prefix, key)
        s = s_obj if self._same else T.subject(prefix, key)
        po = list(self._types[label])
        part = self._part_of.get(label)
        if part is not None and any(e.type == part[0] for e in self.out.get(node_id, ())):
            po.append(part[1])  # a party organisation with a parent is an org:OrganizationalUnit
        blocks: list = [(s, po)]
        identifier, rdfs_label = self._id_name[label]
        member = label == "Member"
        private = member and not self.with_names
        if private and "name" in props:
            po.append((rdfs_label, T.lang(token_pseudonym(key), "zh")))
            if self.gaps and props["name"]:
                self.member_names.append((str(props["name"]), key))
        elif member and "name" not in props:
            po.append((rdfs_label, self.name(props.get("pseudonym") or token_pseudonym(key))))
        else:
            po.append((identifier, T.string(node_id)))
            if "name" in props:
                po.append((rdfs_label, self.name(str(props["name"]))))
        handlers = self._handlers[label]
        for name, value in props.items():
            h = handlers.get(name)
            if h is None:
                if name in _SKIP or private or value is None:
                    continue
                po.append((self._column(name, blocks), T.string(str(value))))
                continue
            pred, code, arg, enum = h
            if code == _ENUM:
                o = arg.get(value)
                po.append((pred, o if o is not None else self._enum(arg, enum, value)))
            elif code == _VALUE:
                po.append((pred, T.literal(value)))
            elif code == _LIST:  # one triple per item (skills, service posts)
                po.extend((pred, T.literal(str(item))) for item in value)
            elif code == _DATE:
                po.append(
                    (pred, T.typed(value, "date") if type(value) is str else T.literal(value))
                )
            elif code == _POSTS:  # posts in the member's organisation, if it has one
                org = self._organisation(node_id)
                for role in value:
                    if org is None:
                        po.append((enum, self.concept(arg, role)))
                        continue
                    pkey = f"{key}:{enc(str(role))}"
                    po.append((pred, T.name("post", pkey)))
                    blocks.append(self._post(pkey, org, self.concept(arg, role)))
            elif code == _PERSONAL and self.with_names:
                po.append((pred, T.literal(value)))
        if "ledger_file" in props:
            self.prov.record(s_obj, props, blocks, node_id)
        links = False
        targets, plain, special = self._targets, self._plain, self._special
        for e in self.out.get(node_id, ()):
            if not e.props and e.type not in special:  # a plain reference: one triple
                t = targets.get(e.target) or self._target(e.target)
                pred = plain.get(e.type) or self._predicate(e.type, t[0])
                if pred is not None:
                    po.append((pred, t[2]))
            else:
                links |= self._edge(e, label, props, key, s_obj, po, blocks)
        if links:  # two links rows of one kind between the same ends: one direct triple
            blocks[0] = (s, list(dict.fromkeys(po)))
        return blocks

    def _enum(self, cache: dict, enum: str, value: Any) -> Any:
        """The concept of an enumeration value, cached in the handler."""
        o = cache[value] = self.concept(enum, value)
        return o

    def _target(self, node_id: str) -> tuple[str, str, Any]:
        """(label, IRI key, rendered IRI) of an edge's target; cached but for members."""
        t = self._targets.get(node_id)
        if t is None:
            tl, tprops = self._ends[node_id]
            tkey = self.key(node_id, tl, tprops)
            t = (tl, tkey, self.T.name(self.prefix[tl], tkey))
            if tl != "Member":
                if len(self._targets) >= _TARGETS:
                    self._targets.clear()
                self._targets[node_id] = t
        return t

    def _organisation(self, node_id: str) -> Any:
        """The rendered IRI of the organisation a node is a member of, or None."""
        for e in self.out.get(node_id, ()):
            if e.type in self.m.rel_membership:
                return self._target(e.target)[2]
        return None

    def _predicate(self, rel: str, tl: str) -> Any:
        k = (rel, tl)
        if k not in self._preds:
            pred = self.m.predicate(rel, tl)
            self._preds[k] = None if pred is None else self.T.predicate(pred)
        return self._preds[k]

    def _edge(self, e: Edge, label, props, key, s_obj, po: list, blocks: list) -> bool:
        """Add the triples of an out-edge that is more than a plain reference (see
        ``_node``): a post, a membership, a links row, or personal; True for a links row."""
        rel = e.type
        if rel in self.personal_rels and not self.with_names:
            return False
        T = self.T
        tl, tkey, t_obj = self._target(e.target)
        role = self.m.rel_post_role.get(e.type)
        if role is not None:  # the secretary: heads the organisation, holds a post in it
            pkey = f"{tkey}:{role.rsplit('-', 1)[-1]}"
            po.append((self.P["org:headOf"], t_obj))
            po.append((self.P["org:holds"], T.name("post", pkey)))
            blocks.append(self._post(pkey, t_obj, self.O[role]))
            return False
        kind = e.props.get("kind") if e.props else None
        if kind in self.m.link_predicate:
            po.append((self.P[self.m.link_predicate[kind]], t_obj))
            blocks.extend(self._link(e, kind, key, tkey, s_obj, t_obj))
            return True
        pred = self._predicate(rel, tl)
        if pred is None:
            return False
        po.append((pred, t_obj))
        if e.type in self.m.rel_membership:
            mkey = f"{key}:{tkey}"
            mpo = [
                (T.type, self.C["org:Membership"]),
                (self.P["org:member"], s_obj),
                (self.P["org:organization"], t_obj),
            ]
            blocks.append((T.subject("membership", mkey), mpo))
        return False

    def _post(self, pkey: str, org: Any, role: Any) -> tuple:
        T = self.T
        po = [(T.type, self.C["org:Post"]), (self.P["org:role"], role), (self.P["org:postIn"], org)]
        return T.subject("post", pkey), po

    def _link(self, e: Edge, kind: str, skey: str, tkey: str, s_obj, t_obj) -> list:
        """A links row: an lj:Link (an org:OrganizationalCollaboration for joint building)."""
        T, m = self.T, self.m
        since = e.props.get("since")
        lkey = f"{enc(kind)}:{skey}:{tkey}" + (f":{enc(str(since))}" if since else "")
        po = [(T.type, self.C["lj:Link"])]
        blocks: list = []
        collab = e.type in m.rel_collaboration
        if collab:
            po.append((T.type, self.C["org:OrganizationalCollaboration"]))
        po.append((self.P["lj:source"], s_obj))
        po.append((self.P["lj:target"], t_obj))
        for name, value in e.props.items():
            pred = m.link_props.get(name)
            if name == "kind":
                po.append((self.P[pred], self.concept("link_kind", value)))
            elif name in ("since", "until"):
                po.append((self.P[pred], T.typed(str(value), "date")))
            elif pred is not None:
                po.append((self.P[pred], T.literal(value)))
            elif name not in _PROV_KEYS and value is not None:
                po.append((self._column(name, blocks), T.string(str(value))))
        l_obj = T.name("link", lkey)
        if "ledger_file" in e.props:
            self.prov.record(l_obj, e.props, blocks, (e.type, e.source, e.target, e.key))
        if collab and kind in m.link_roles:
            for end, obj, role in zip(
                ("source", "target"), (s_obj, t_obj), m.link_roles[kind], strict=True
            ):
                blocks.append(
                    (
                        T.subject("link", f"{lkey}:{end}"),
                        [
                            (T.type, self.C["org:Membership"]),
                            (self.P["org:member"], obj),
                            (self.P["org:organization"], l_obj),
                            (self.P["org:role"], self.O[role]),
                        ],
                    )
                )
        return [(T.subject("link", lkey), po), *blocks]

    def _column(self, name: str, blocks: list) -> Any:
        """The predicate of an extra ledger column, declared the first time it is used."""
        pred = self._columns.get(name)
        if pred is None:
            ckey = enc(name)
            pred = self._columns[name] = self.T.predicate(self.column_ns + ckey)
            blocks.append(
                (
                    self.T.subject("column", ckey),
                    [
                        (self.T.type, self.C["rdf:Property"]),
                        (self.T.type, self.C["lj:LedgerColumn"]),
                        (self.P["rdfs:label"], self.name(name)),
                    ],
                )
            )
        return pred

    def _prop_handlers(self, label: str) -> dict[str, tuple]:
        out: dict[str, tuple] = {}
        schema_props = self.schema.nodes[label].properties
        for name, pred in self.m.node_props[label].items():
            if name in ("id", "name"):
                continue
            p = schema_props[name]
            if p.personal:
                out[name] = (self.P[pred], _PERSONAL, None, None)
            elif p.type == "enum":  # the cache of concepts, or the published terms
                terms = {v: self.O[t] for v, t in self.m.enum_terms.get(p.enum, {}).items()}
                out[name] = (self.P[pred], _ENUM, terms, p.enum)
            elif p.type == "date":
                out[name] = (self.P[pred], _DATE, None, None)
            elif p.type == "list":
                out[name] = (self.P[pred], _LIST, None, None)
            else:
                out[name] = (self.P[pred], _VALUE, None, None)
        for name, pred in self.m.post_props[label].items():
            fallback = self.P[self.m.post_fallback[label][name]]
            out[name] = (self.P[pred], _POSTS, schema_props[name].enum, fallback)
        return out
