"""Parsing one cell by its schema type. Each parser returns the value or raises
:class:`BadValue` with a reason a person can act on: a cell is read as it is
written or refused, never read as something near it (a year alone is no date, a
number of another script or with commas out of place is no number), and a value
outside its column's bounds (the schema's ``min``/``max``, some relative to the
day of reading) is refused like an unreadable one.

>>> parse_date("2025")
Traceback (most recent call last):
  ...
lianjian.loaders.values.BadValue: a year alone is not a date (write year, month and day)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from lianjian.core.schema import SCHEMA, Property

__all__ = ["BadValue", "parse_value", "split_list", "parse_date", "MAX_CELL"]

MAX_CELL = 4000  # longer text is no name or code: a paste gone wrong
_LIST_SEP = re.compile(r"[;；、,，]")
_DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# five digits: an Excel date serial (10000 is 1927-05-18); four are a year, never a serial
_SERIAL = re.compile(r"^\d{5}(\.0+)?$")
_YEAR = re.compile(r"^\d{4}年?$")
_YEAR_MONTH = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})|年(\d{1,2})月)$")
_INT = re.compile(r"^[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.0*)?$")
_FLOAT = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_TRUE = {"是", "yes", "y", "true", "t", "1", "有", "√"}
_FALSE = {"否", "no", "n", "false", "f", "0", "无", "×"}


class BadValue(ValueError):
    pass


# full-width forms (U+FF01–FF5E) and the ideographic space as ASCII: what a Chinese input
# method types. Not NFKC, which reads ² as 2, ① as 1 and ½ as 1⁄2 (4² would be 42).
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


def _ascii(text: str) -> str:
    return text.translate(_FULL_WIDTH).strip()


def split_list(text: str) -> list[str]:
    """A list cell: items separated by ; ； 、 or , (full- or half-width)."""
    return [s.strip() for s in _LIST_SEP.split(text) if s.strip()]


def parse_date(text: str) -> str:
    """ISO date from 2024-05-01, 2024/5/1, 2024年5月1日, 20240501 or an Excel serial
    (five digits); a year or a month alone is refused, not completed by a guess."""
    t = _ascii(text)
    for form in _DATE_FORMS:
        m = form.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d).isoformat()
            except ValueError as e:
                raise BadValue(f"not a calendar date: {e}") from None
    if _SERIAL.match(t):  # an Excel date serial written out as a number
        return (_EXCEL_EPOCH + dt.timedelta(days=int(float(t)))).isoformat()
    if _YEAR.match(t):
        raise BadValue("a year alone is not a date (write year, month and day)")
    if m := _YEAR_MONTH.match(t):
        raise BadValue("a month alone is not a date (write year, month and day)")
    raise BadValue("not a date (use 2024-05-01, 2024/5/1 or 2024年5月1日)")


def _parse_int(text: str, prop: Property, today: dt.date) -> int:
    """A whole number in ASCII digits (full-width ones folded), commas only between
    groups of three (``1,234``; ``1,2`` is refused), a zero fraction allowed (``40.0``)."""
    t = _ascii(text)
    if not _INT.match(t) and prop.year_of_date:
        return _in_range(_year_of_date(t), prop, today)
    if not _INT.match(t):
        raise BadValue("not a whole number")
    return _in_range(int(t.replace(",", "").split(".")[0]), prop, today)


def _year_of_date(t: str) -> int:
    """The year of a date or of a year and month (``1980-05-01``, ``1980.05``, ``1980年5月``),
    for a year column that reads a date (a birth date: only its year is kept)."""
    if m := _YEAR_MONTH.match(t):
        month = int(m.group(2) or m.group(3))
        if 1 <= month <= 12:
            return int(m.group(1))
        raise BadValue(f"not a month: {month}")
    if not any(form.match(t) for form in _DATE_FORMS):
        raise BadValue("not a whole number")
    return int(parse_date(t)[:4])  # a date of no calendar is refused as such


def _parse_float(text: str, prop: Property, today: dt.date) -> float:
    t = _ascii(text)
    if not _FLOAT.match(t):
        raise BadValue("not a number")
    f = float(t)
    if f in (float("inf"), float("-inf")):
        raise BadValue("not a finite number")
    return _in_range(f, prop, today)


def _in_range(v: Any, prop: Property, today: dt.date) -> Any:
    """``v`` when the column's bounds hold on the day ``today``; each bound named in the
    reason, with the rule it comes from when it is relative (``18 years before this year``)."""
    date = prop.type == "date"
    lo, hi = prop.bound("min", today), prop.bound("max", today)
    if lo is not None and v < lo:
        word, which, bound = "before the earliest" if date else "below the minimum", "min", lo
    elif hi is not None and v > hi:
        word, which, bound = "after the latest" if date else "above the maximum", "max", hi
    else:
        return v
    shown = f"{bound:g}" if isinstance(bound, float) else str(bound)
    rule = prop.bound_text(which)
    raise BadValue(f"{word} {shown}" + (f" ({rule})" if rule != shown else ""))


def _date_in_range(iso: str, prop: Property, today: dt.date) -> str:
    """``iso`` within the column's bounds; a refused date that is the Excel serial of a
    year (a year typed into a cell formatted as a date: 2025 shows as 1905-07-17) says so."""
    try:
        return _in_range(iso, prop, today)
    except BadValue as e:
        n = (dt.date.fromisoformat(iso) - _EXCEL_EPOCH).days
        if 1900 <= n <= 2100:
            raise BadValue(f"{e}; the year {n} typed into a date cell reads as {iso}") from None
        raise


def _matching(text: str, pattern: str) -> str:
    """A code cell (full-width digits folded) that must match the column's pattern whole."""
    t = _ascii(text)
    if not re.fullmatch(pattern, t):
        raise BadValue(f"not of the form {pattern}")
    return t


def _parse_enum(text: str, prop: Property) -> Any:
    assert prop.enum is not None
    v = SCHEMA.enum_value(prop.enum, text)
    if v is None:
        allowed = ", ".join(SCHEMA.enums[prop.enum])
        raise BadValue(f"unknown value; allowed: {allowed} (or their Chinese names)")
    return int(v) if prop.cast == "int" else v


def _parse_bool(text: str, prop: Property) -> bool:
    t = _ascii(text).lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise BadValue("not yes/no (是/否, true/false, 1/0)")


def parse_value(text: str, prop: Property, today: dt.date | None = None) -> Any:
    """The typed value of a non-empty cell (refs and lists come back as lists of ids/values);
    ``today``: the day bounds such as ``today-18`` are taken from (the real today if None)."""
    day = today or dt.date.today()
    if len(text) > MAX_CELL:
        raise BadValue(f"cell too long ({len(text)} characters, at most {MAX_CELL})")
    t = prop.type
    if t == "string" and prop.pattern:
        return _matching(text, prop.pattern)
    if t in ("string", "ref"):
        return unicodedata.normalize("NFKC", text).strip() if t == "ref" else text.strip()
    if t == "refs":
        return [unicodedata.normalize("NFKC", s) for s in split_list(text)]
    if t == "int":
        return _parse_int(text, prop, day)
    if t == "float":
        return _parse_float(text, prop, day)
    if t == "date":
        return _date_in_range(parse_date(text), prop, day)
    if t == "bool":
        return _parse_bool(text, prop)
    if t == "enum":
        return _parse_enum(text, prop)
    if t == "list":
        items = split_list(text)
        return [_parse_enum(i, prop) for i in items] if prop.enum else items
    raise BadValue(f"schema type {t!r} unknown")
