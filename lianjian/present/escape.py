"""Escaping, in one place: CSV cells and terminal text.

>>> csv_cell("=HYPERLINK(1)"), csv_cell(-3), csv_cell(None), csv_cell(["a", "b"])
("'=HYPERLINK(1)", -3, '', 'a;b')
>>> terminal_text("x\\x1b[31m[bold]red[/bold]\\x07")
'x\\\\[bold]red\\\\[/bold]'
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape as _escape_markup

__all__ = ["csv_cell", "terminal_text", "styled", "FORMULA_START"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ANSI/VT escape sequences (CSI, OSC, two-character ESC sequences), then any other C0/C1
# control character except newline and tab
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: None empty, a list joined with ``;``, and a string that a
    spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first)
    prefixed with ``'``. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ";".join(map(str, value))
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def terminal_text(value: Any) -> str:
    """``value`` as text safe to print through rich: escape sequences and control
    characters removed, rich markup (``[bold]``) escaped so it prints as written."""
    text = _CONTROLS.sub("", _ESCAPES.sub("", str(value)))
    return _escape_markup(text)


def styled(value: Any, style: str) -> str:
    """``value`` made safe (:func:`terminal_text`) and shown in a rich ``style``."""
    text = terminal_text(value)
    return f"[{style}]{text}[/]" if style else text
