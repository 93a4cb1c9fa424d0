"""Tables whose rows are no entities but fill those of another (the schema's ``reports``:
the 双报到 form, whose rows fill the roster's members).

Each column of such a table is a property of the node type it fills, of the same type;
a reference column takes that property's relationship, so the loaders resolve it like
the node's own (:mod:`lianjian.loaders.reports`).

>>> from lianjian.core.schema import SCHEMA
>>> j = SCHEMA.joined["reports"]
>>> j.joins, j.match, j.properties["reported_to"].edge.type
('Member', ('name', 'unit'), 'REPORTS_TO')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the schema module imports this one
    from lianjian.core.schema import NodeType, Property

__all__ = ["Joined", "parse_joined"]


@dataclass(frozen=True)
class Joined:
    """A table whose rows fill the nodes of ``joins``; ``match``: the columns a row without
    a citizen ID number is joined by; ``personal``: a row is a person's."""

    table: str
    zh: str
    en: str
    table_aliases: tuple[str, ...]
    joins: str
    match: tuple[str, ...]
    properties: dict[str, Property]
    personal: bool = False


def parse_joined(
    raw: dict[str, Any], nodes: dict[str, NodeType], prop: Callable[[str, dict], Property]
) -> Joined:
    """A joined table as the schema declares it (``prop`` reads one column), checked: each
    column is a property of the node type joined, of the same type."""
    into = nodes[raw["joins"]].properties
    props = {}
    for k, v in raw["properties"].items():
        p = prop(k, v)
        if k not in into or into[k].type != p.type:
            raise ValueError(f"schema: {raw['table']}.{k} is no {p.type} column of {raw['joins']}")
        props[k] = replace(p, edge=into[k].edge, enum=into[k].enum)
    match = tuple(raw.get("match", ()))
    if not set(match) <= set(props):
        raise ValueError(f"schema: {raw['table']} is matched by a column it does not have")
    return Joined(
        table=raw["table"],
        zh=raw["zh"],
        en=raw["en"],
        table_aliases=tuple(raw.get("table_aliases", ())),
        joins=raw["joins"],
        match=match,
        properties=props,
        personal=bool(raw.get("personal", False)),
    )
