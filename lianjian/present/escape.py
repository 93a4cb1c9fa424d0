"""Escaping, in one place: CSV cells, terminal text and JSON text.

- **CSV** (:func:`csv_cell`): a cell a spreadsheet would run as a formula (OWASP: it
  starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'``.
  Nothing else changes: a CSV is data.
- **Terminal** (:func:`plain_text`, :func:`terminal_text`, :func:`rich_text`): ANSI/VT
  escape sequences (CSI, OSC such as window titles and hyperlinks, 8-bit CSI) are
  removed, then every other C0/C1 control character but newline (a tab becomes a
  space); rich markup is never interpreted (:func:`rich_text` gives a ``Text``, which
  rich prints as written, emoji codes such as ``:smile:`` included; :func:`terminal_text`
  gives markup-escaped text for a line that has markup of its own).
  **Invisible formatting characters** — bidi embeddings, overrides and isolates
  (U+202A–U+202E, U+2066–U+2069), marks (U+200E, U+200F, U+061C), zero-width
  characters (U+200B–U+200D, U+2060, U+FEFF) and every other format character
  (Unicode category Cf), and the line and paragraph separators U+2028, U+2029 — are
  made *visible* as ``<U+202E>``, not removed: a name that reorders or hides text on
  screen is shown for what it is, so two names that look the same never print the same,
  and the reader sees that the ledger cell holds something to clean up.
- **JSON** (:func:`json_safe`): the same characters, and DEL and C1, written as ``\\uXXXX``
  escapes, so the printed text is inert and ``json.loads`` gives back the exact values.

>>> csv_cell("=HYPERLINK(1)"), csv_cell(-3), csv_cell(None), csv_cell(["a", "b"])
("'=HYPERLINK(1)", -3, '', 'a;b')
>>> terminal_text("x\\x1b[31m[bold]red[/bold]\\x07")
'x\\\\[bold]red\\\\[/bold]'
>>> plain_text("abc\\u202edef\\u200b\\tg")
'abc<U+202E>def<U+200B> g'
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape as _escape_markup
from rich.text import Text

__all__ = [
    "csv_cell",
    "plain_text",
    "terminal_text",
    "rich_text",
    "styled",
    "json_safe",
    "FORMULA_START",
    "INVISIBLE",
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ANSI/VT escape sequences (CSI, OSC, two-character ESC sequences, 8-bit CSI), then any
# other C0/C1 control character except newline and tab
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: every format character (Unicode category Cf) and the line and paragraph separators
#: (Zl, Zp); tests/test_present.py checks the list against unicodedata
INVISIBLE = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{INVISIBLE}]")


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


def _visible(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group()):04X}>"


def plain_text(value: Any) -> str:
    """``value`` as text a terminal shows as written: escape sequences and control
    characters (but newline) removed, a tab a space, invisible formatting characters
    shown as ``<U+XXXX>``. Rich markup is left as it is (print it as a ``Text``)."""
    text = _CONTROLS.sub("", _ESCAPES.sub("", str(value)).replace("\t", " "))
    return _INVISIBLE.sub(_visible, text)


def terminal_text(value: Any) -> str:
    """:func:`plain_text` with rich markup (``[bold]``) escaped, for a markup string."""
    return _escape_markup(plain_text(value))


def rich_text(value: Any, style: str = "") -> Text:
    """:func:`plain_text` as a rich ``Text``, its characters in ``style`` (as the markup
    ``[style]…[/]`` would: the padding around it stays plain); no markup, no emoji codes."""
    text = Text(plain_text(value))
    if style:
        text.stylize(style)
    return text


def styled(value: Any, style: str) -> str:
    """``value`` made safe (:func:`terminal_text`) and shown in a rich ``style``."""
    text = terminal_text(value)
    return f"[{style}]{text}[/]" if style else text


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 and invisible formatting characters as ``\\uXXXX`` escapes
    (they can stand only inside strings; C0 ones ``json.dumps`` escapes already)."""
    return _JSON_UNSAFE.sub(lambda m: _json_escape(m.group()), text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
