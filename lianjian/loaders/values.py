"""Parsing one cell by its schema type. Each parser returns the value or raises
:class:`BadValue` with a reason a person can act on."""

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
_TRUE = {"是", "yes", "y", "true", "t", "1", "有", "√"}
_FALSE = {"否", "no", "n", "false", "f", "0", "无", "×"}


class BadValue(ValueError):
    pass


def split_list(text: str) -> list[str]:
    """A list cell: items separated by ; ； 、 or , (full- or half-width)."""
    return [s.strip() for s in _LIST_SEP.split(text) if s.strip()]


def parse_date(text: str) -> str:
    """ISO date from 2024-05-01, 2024/5/1, 2024年5月1日, 20240501 or an Excel serial."""
    t = unicodedata.normalize("NFKC", text).strip()
    for form in _DATE_FORMS:
        m = form.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d).isoformat()
            except ValueError as e:
                raise BadValue(f"not a calendar date: {e}") from None
    if re.fullmatch(r"\d{4,5}(\.0+)?", t):  # an Excel date serial written out as a number
        n = int(float(t))
        if 1 <= n <= 2958465:
            return (_EXCEL_EPOCH + dt.timedelta(days=n)).isoformat()
    raise BadValue("not a date (use 2024-05-01, 2024/5/1 or 2024年5月1日)")


def _parse_int(text: str, prop: Property) -> int:
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    try:
        f = float(t)
    except ValueError:
        raise BadValue("not a whole number") from None
    if not f.is_integer():
        raise BadValue("not a whole number")
    return _in_range(int(f), prop)


def _parse_float(text: str, prop: Property) -> float:
    try:
        f = float(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        raise BadValue("not a number") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise BadValue("not a finite number")
    return _in_range(f, prop)


def _in_range(v: Any, prop: Property) -> Any:
    if prop.min is not None and v < prop.min:
        raise BadValue(f"below the minimum {prop.min:g}")
    if prop.max is not None and v > prop.max:
        raise BadValue(f"above the maximum {prop.max:g}")
    return v


def _parse_enum(text: str, prop: Property) -> Any:
    assert prop.enum is not None
    v = SCHEMA.enum_value(prop.enum, text)
    if v is None:
        allowed = ", ".join(SCHEMA.enums[prop.enum])
        raise BadValue(f"unknown value; allowed: {allowed} (or their Chinese names)")
    return int(v) if prop.cast == "int" else v


def _parse_bool(text: str, prop: Property) -> bool:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise BadValue("not yes/no (是/否, true/false, 1/0)")


def parse_value(text: str, prop: Property) -> Any:
    """The typed value of a non-empty cell (refs and lists come back as lists of ids/values)."""
    if len(text) > MAX_CELL:
        raise BadValue(f"cell too long ({len(text)} characters, at most {MAX_CELL})")
    t = prop.type
    if t in ("string", "ref"):
        return unicodedata.normalize("NFKC", text).strip() if t == "ref" else text.strip()
    if t == "refs":
        return [unicodedata.normalize("NFKC", s) for s in split_list(text)]
    if t == "int":
        return _parse_int(text, prop)
    if t == "float":
        return _parse_float(text, prop)
    if t == "date":
        return parse_date(text)
    if t == "bool":
        return _parse_bool(text, prop)
    if t == "enum":
        return _parse_enum(text, prop)
    if t == "list":
        items = split_list(text)
        return [_parse_enum(i, prop) for i in items] if prop.enum else items
    raise BadValue(f"schema type {t!r} unknown")
