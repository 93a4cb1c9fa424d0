"""The SKOS concept schemes of an export: one per enumeration of the schema, one
for the roles of posts and collaborations, and one for the gap rules in use.

Concept ``ljc:{scheme}-{value}`` is ``skos:inScheme`` and ``skos:topConceptOf``
``ljc:{scheme}``, with ``skos:notation`` the value (an ``xsd:integer`` where the
schema casts the enumeration to int: the rating) and ``skos:prefLabel`` in Chinese
and English; role concepts are also ``org:Role``. An enumeration the mapping writes
as a published vocabulary's terms (gender: ``schema:Male``) has no scheme.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lianjian.export.mapping import enc

__all__ = ["concept_blocks", "scheme_blocks"]


def concept_blocks(tr: Any) -> Iterator:
    """Blocks (see :class:`~lianjian.export.triples.Triples`) of every schema scheme and the roles."""
    for enum, values in tr.schema.enums.items():
        meta = tr.m.enums[enum]
        if "values" in meta:  # written as a published vocabulary's terms
            continue
        vals = [(v.value, v.zh, v.en) for v in values.values()]
        yield from scheme_blocks(tr, enum, meta["zh"], meta["en"], vals, bool(meta.get("role")))
    roles = tr.m.roles
    vals = [(k, v["zh"], v["en"]) for k, v in roles["values"].items()]
    yield from scheme_blocks(tr, "role", roles["zh"], roles["en"], vals, True)


def scheme_blocks(
    tr: Any, scheme: str, zh: str, en: str, values: list[tuple[str, str, str]], role: bool
) -> Iterator:
    """One concept scheme: ``values`` are (value, Chinese label, English label)."""
    T, P, C = tr.T, tr.P, tr.C
    scheme_o = T.name("ljc", scheme)
    label = P["skos:prefLabel"]
    yield (
        T.subject("ljc", scheme),
        [
            (T.type, C["skos:ConceptScheme"]),
            (label, T.lang(zh, "zh")),
            (label, T.lang(en, "en")),
            *[(P["skos:hasTopConcept"], tr.concept(scheme, v)) for v, _, _ in values],
        ],
    )
    integer = scheme in tr.m.integer_enums
    for value, vzh, ven in values:
        po = [(T.type, C["skos:Concept"])]
        if role:
            po.append((T.type, C["org:Role"]))
        po += [
            (P["skos:inScheme"], scheme_o),
            (P["skos:topConceptOf"], scheme_o),
            (P["skos:notation"], T.literal(int(value)) if integer else T.string(value)),
            (label, T.lang(vzh, "zh")),
            (label, T.lang(ven, "en")),
        ]
        yield T.subject("ljc", f"{scheme}-{enc(value)}"), po
