"""What an XLSX (or XLSM) workbook's cells say that their values alone do not.

calamine (:mod:`lianjian.loaders.workbook`) reads the values; it gives an empty cell
for a formula with no saved result (a workbook written by a program and never opened
in Excel) and for an Excel error (``#REF!``), and a bare number for an id formatted
``000``. This module finds those cells in the sheet XML, so that a row holding one is
rejected with the cell named (never loaded with an empty or wrong value) and a ``000``
number keeps the leading zeros a person sees. It costs a scan of the bytes, and a
parse only of the sheets that hold a formula, an error or a ``000`` format.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

__all__ = ["Special", "special_cells", "column_letters"]

# (row, column) 1-based row, 0-based column → ("error", "#REF!") | ("formula", "") | ("zeros", "3")
Special = dict[tuple[int, int], tuple[str, str]]

_MARKS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/", b't="e"')
_ZEROS = re.compile(r"^0+$")
_REF = re.compile(r"^([A-Z]+)(\d+)$")
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def column_letters(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def special_cells(f: Path) -> dict[str, Special]:
    """Per sheet name, its cells that hold a formula without a saved result, an error, or
    a number with a ``000`` format (and its width). Sheets with none are left out."""
    out: dict[str, Special] = {}
    with zipfile.ZipFile(f) as z:
        zero_styles = _zero_styles(z)
        for name, part in _sheet_parts(z).items():
            if part not in z.namelist():
                continue
            if zero_styles or _marked(z, part):
                cells = _scan(z, part, zero_styles)
                if cells:
                    out[name] = cells
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip entry of its XML, from the workbook and its relationships."""
    targets = {}
    with z.open("xl/_rels/workbook.xml.rels") as fh:
        for _, el in iterparse(fh):
            if _local(el.tag) == "Relationship":
                t = el.get("Target", "")
                path = t.lstrip("/") if t.startswith("/") else posixpath.join("xl", t)
                targets[el.get("Id")] = posixpath.normpath(path)
    sheets = {}
    with z.open("xl/workbook.xml") as fh:
        for _, el in iterparse(fh):
            if _local(el.tag) == "sheet":
                rid = el.get(_R) or next((v for k, v in el.attrib.items() if k.endswith("}id")), "")
                if rid in targets:
                    sheets[el.get("name", "")] = targets[rid]
    return sheets


def _zero_styles(z: zipfile.ZipFile) -> dict[int, int]:
    """Cell style index → width, for the styles whose number format is ``0``s only (``000``)."""
    if "xl/styles.xml" not in z.namelist():
        return {}
    formats: dict[str, int] = {}
    styles: dict[int, int] = {}
    in_xfs, n = False, 0
    with z.open("xl/styles.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = _local(el.tag)
            if event == "start":
                in_xfs = in_xfs or tag == "cellXfs"
                continue
            if tag == "numFmt" and _ZEROS.match(el.get("formatCode", "").strip('"')):
                width = len(el.get("formatCode", "").strip('"'))
                if width > 1:
                    formats[el.get("numFmtId", "")] = width
            elif tag == "xf" and in_xfs:
                if el.get("numFmtId") in formats:
                    styles[n] = formats[el.get("numFmtId", "")]
                n += 1
            elif tag == "cellXfs":
                in_xfs = False
    return styles


def _marked(z: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML holds a formula or an error (a byte scan, no parse)."""
    with z.open(part) as fh:
        tail = b""
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            block = tail + chunk
            if any(m in block for m in _MARKS):
                return True
            tail = block[-8:]
    return False


def _scan(z: zipfile.ZipFile, part: str, zero_styles: dict[int, int]) -> Special:
    found: Special = {}
    row, col = 0, -1
    with z.open(part) as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = _local(el.tag)
            if event == "start":
                if tag == "row":
                    row = int(el.get("r") or row + 1)
                    col = -1
                continue
            if tag == "c":
                ref = _REF.match(el.get("r", ""))
                col = _column_index(ref.group(1)) if ref else col + 1
                if ref:
                    row = int(ref.group(2))
                kind = _special(el, zero_styles)
                if kind:
                    found[row, col] = kind
                el.clear()
            elif tag == "row":
                el.clear()
    return found


def _special(cell, zero_styles: dict[int, int]) -> tuple[str, str] | None:
    t = cell.get("t", "n")
    children = {_local(c.tag): c for c in cell}
    v = children.get("v")
    value = (v.text or "") if v is not None else ""
    if t == "e":
        return ("error", value or "#N/A")
    if "f" in children and not value and t not in ("str", "inlineStr", "s"):
        return ("formula", "")
    style = cell.get("s")
    if style and t == "n" and value and int(style) in zero_styles:
        return ("zeros", str(zero_styles[int(style)]))
    return None


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
