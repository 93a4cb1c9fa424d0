"""A table's columns, planned once before its rows are read, and its cells parsed with
what a column has already read remembered.

The loader reads every cell of every row: at city scale millions, most of them the
same few values (an enumeration, a birth year, a date). A column's plan says once how
its cells are read (:class:`Column`) and remembers, for the table being read, what each
text of a pure type came to (a value or the reason it was refused), so a repeated text
is not parsed again (:func:`remembered`). The result is the one
:func:`~lianjian.loaders.values.parse_value` gives, reason for reason.

>>> import datetime as dt
>>> from lianjian.core.schema import Property
>>> year = Property("birth_year", "int", "", "", min=1900, max="today-18")
>>> memo, day = {}, dt.date(2026, 6, 30)
>>> remembered("1980", year, memo, day), remembered("1980", year, memo, day), memo
(1980, 1980, {'1980': (True, 1980)})
>>> remembered("2020", year, memo, day)
Traceback (most recent call last):
  ...
lianjian.loaders.values.BadValue: above the maximum 2008 (18 years before this year)
>>> memo["2020"]
(False, 'above the maximum 2008 (18 years before this year)')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lianjian.core.schema import Property
from lianjian.loaders.values import MAX_CELL, BadValue, parse_value

__all__ = ["Column", "TablePlan", "plan_table", "remembered", "MEMO_LIMIT"]

# the types whose parse is a pure function of the text, with a value that is never changed
# once read (a list or a reference is, so it is parsed each time)
MEMO_TYPES = frozenset({"int", "float", "date", "bool", "enum"})
MEMO_LIMIT = 1 << 15  # texts remembered per column: a column of unique values stops growing


def remembered(
    text: str, p: Property, memo: dict[str, tuple[bool, Any]] | None, today: dt.date
) -> Any:
    """:func:`parse_value` of ``text`` (non-empty) for the column ``p`` on the day ``today``;
    ``memo``: what the column's texts gave so far (a value, or the reason it was refused),
    or None for a column whose texts are read each time."""
    if memo is None or len(text) > MAX_CELL:
        return parse_value(text, p, today)
    outcome = memo.get(text)
    if outcome is None:
        try:
            outcome = (True, parse_value(text, p, today))
        except BadValue as e:
            outcome = (False, str(e))
        if len(memo) < MEMO_LIMIT:
            memo[text] = outcome
    if outcome[0]:
        return outcome[1]
    raise BadValue(outcome[1])


@dataclass(slots=True)
class Column:
    """How the cells of one known column are read: ``kind`` is ``text`` (a plain string,
    kept as written), ``ref`` (an id, NFKC-folded), ``enums`` (a list of enumeration
    values, each item read by ``item``) or ``value`` (parsed by its type)."""

    name: str
    prop: Property
    kind: str
    whole: Property | None = None  # an enumeration list's cell, as a list of texts
    item: Property | None = None  # an enumeration list's item, as one enumeration value
    memo: dict[str, tuple[bool, Any]] | None = None  # text → (read, value or reason)
    items: dict[str, tuple[bool, Any]] | None = None  # the same for an item of a list


@dataclass(frozen=True, slots=True)
class TablePlan:
    """What a table's rows are read by: its known columns by position (the others are
    extra), the properties an empty cell is filled for or must not be empty in, with the
    default that fills it (the form's or the schema's), the dates that may not precede
    another, and the references that may name a member."""

    columns: dict[int, Column]
    tail: tuple[tuple[str, Property, Any], ...]
    ordered: tuple[tuple[str, Property], ...]
    member_refs: frozenset[str]
    edges: dict[str, Property]  # the reference columns: relationships, not properties


def plan_table(
    known: dict[int, str],
    unknown: dict[int, str],
    props: dict[str, Property],
    defaults: dict[str, Any],
) -> TablePlan:
    """The plan of a table whose header gives ``known`` and ``unknown`` columns."""
    columns = {i: c for i, c in _columns(known, props).items() if i not in unknown}
    tail = tuple(
        (name, p, defaults.get(name, p.default))
        for name, p in props.items()
        if p.required or defaults.get(name, p.default) is not None
    )
    ordered = tuple((name, p) for name, p in props.items() if p.not_before is not None)
    member_refs = frozenset(
        name for name, p in props.items() if p.edge is not None and "Member" in p.edge.targets
    )
    edges = {name: p for name, p in props.items() if p.edge is not None}
    return TablePlan(columns, tail, ordered, member_refs, edges)


def _columns(known: dict[int, str], props: dict[str, Property]) -> dict[int, Column]:
    """Position → how its cells are read, for every known column of a table."""
    out: dict[int, Column] = {}
    for i, name in known.items():
        p = props[name]
        if p.type == "list" and p.enum:
            whole = Property(name, "list", p.zh, p.en)
            item = Property(name, "enum", p.zh, p.en, enum=p.enum)
            out[i] = Column(name, p, "enums", whole, item, items={})
        elif name == "id":
            out[i] = Column(name, p, "id", memo={} if p.pattern else None)
        elif p.type == "string" and not p.pattern:
            out[i] = Column(name, p, "text")
        elif p.type == "ref":
            out[i] = Column(name, p, "ref")
        else:
            pure = p.type in MEMO_TYPES or bool(p.pattern)
            out[i] = Column(name, p, "value", memo={} if pure else None)
    return out
