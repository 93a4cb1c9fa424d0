"""A schema property: its type, names, bounds and the relationship a reference becomes,
as read from ``schema.yaml`` (:mod:`lianjian.core.schema` reads the rest).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Property", "EdgeSpec", "parse_property", "IDENT"]

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


def parse_property(name: str, raw: dict[str, Any]) -> Property:
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
