"""The RDFS closure of an export with the published vocabularies it uses.

``vocab/`` holds offline copies of W3C ORG, PROV-O and SKOS and the schema.org terms
an export uses (see ``vocab/README.md`` for their sources and licences);
:func:`vocabularies` reads them with the project vocabulary ``lianjian.ttl``, and
:func:`rdfs_closure` adds to a graph every triple RDFS entails from it and them: what
a partner's reasoner concludes, checked by the tests against the shapes.
"""

from __future__ import annotations

from importlib import resources

from rdflib import RDF, RDFS, BNode, Graph, Literal

__all__ = ["VOCABULARIES", "vocabularies", "rdfs_closure"]

VOCABULARIES = ("org.ttl", "prov-o.ttl", "skos.ttl", "schema.ttl")


def vocabularies() -> Graph:
    """The shipped vocabularies and ``lianjian.ttl`` in one rdflib ``Graph``."""
    g = Graph()
    folder = resources.files("lianjian.export")
    for name in VOCABULARIES:
        g.parse(data=folder.joinpath("vocab", name).read_text("utf-8"), format="turtle")
    g.parse(data=folder.joinpath("lianjian.ttl").read_text("utf-8"), format="turtle")
    return g


def rdfs_closure(data: Graph, vocab: Graph | None = None) -> Graph:
    """A new graph: ``data`` and what the RDFS rules entail from it with the vocabularies
    (by default :func:`vocabularies`), less what they entail alone: the vocabularies'
    own triples (ORG's ``org:Head`` is a ``skos:Concept``) are not data to validate.

    The rules are those a partner's RDFS reasoner applies to instance data:
    rdfs5/rdfs11 (``subPropertyOf`` and ``subClassOf`` are transitive), rdfs7 (a
    sub-property's triple holds for its super-properties), rdfs2/rdfs3 (``domain``
    and ``range`` type the subject and the object) and rdfs9 (an instance of a class
    is one of its super-classes), to a fixed point. The axiomatic triples, the
    ``rdfs:Resource`` typing of everything and the datatype rules of a full RDFS
    reasoner add nothing a shape looks at and are left out; a class that is a blank
    node (an OWL union) is not propagated. Cost: O(triples × depth of the hierarchies).
    """
    vocab = vocabularies() if vocab is None else vocab
    g = Graph()
    for t in data:
        g.add(t)
    g += vocab
    _close(g)
    alone = Graph()
    alone += vocab
    _close(alone)
    g -= alone
    for t in data:  # what the data says itself stays, even where a vocabulary says it too
        g.add(t)
    return g


def _close(g: Graph) -> None:
    """Add to ``g`` what the rules of :func:`rdfs_closure` entail, to a fixed point."""
    sub_p = _transitive(g, RDFS.subPropertyOf)
    sub_c = _transitive(g, RDFS.subClassOf)
    domain = _by_subject(g, RDFS.domain)
    range_ = _by_subject(g, RDFS.range)
    changed = True
    while changed:
        before = len(g)
        for s, p, o in list(g):
            for q in sub_p.get(p, ()):
                g.add((s, q, o))
        for s, p, o in list(g):
            for c in domain.get(p, ()):
                g.add((s, RDF.type, c))
            if not isinstance(o, Literal):
                for c in range_.get(p, ()):
                    g.add((o, RDF.type, c))
        for s, _, c in list(g.triples((None, RDF.type, None))):
            for d in sub_c.get(c, ()):
                g.add((s, RDF.type, d))
        changed = len(g) != before


def _by_subject(g: Graph, p) -> dict:
    out: dict = {}
    for s, o in g.subject_objects(p):
        if not isinstance(o, BNode):
            out.setdefault(s, set()).add(o)
    return out


def _transitive(g: Graph, p) -> dict:
    """``x → every y`` with ``x p+ y`` (blank nodes left out); the triples are added to ``g``."""
    direct = _by_subject(g, p)
    out: dict = {}
    for start in direct:
        seen, todo = set(), list(direct[start])
        while todo:
            y = todo.pop()
            if y not in seen:
                seen.add(y)
                todo.extend(direct.get(y, ()))
        out[start] = seen
        for y in seen:
            g.add((start, p, y))
    return out
