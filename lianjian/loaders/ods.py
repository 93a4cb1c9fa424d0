"""The merged cells of an OpenDocument spreadsheet, which calamine does not give for
``.ods`` (it does for XLSX and XLS): one streaming pass over ``content.xml``."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

__all__ = ["ods_merged_ranges"]

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
Range = tuple[tuple[int, int], tuple[int, int]]


def ods_merged_ranges(f: Path) -> dict[str, list[Range]]:
    """Per sheet name, its merged ranges as ``((first row, first column), (last row,
    last column))``, 0-based like calamine's."""
    out: dict[str, list[Range]] = {}
    ranges: list[Range] = []
    row = col = 0
    repeat = 1
    with zipfile.ZipFile(f) as z, z.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{_T}table":
                    ranges = out.setdefault(el.get(f"{_T}name", ""), [])
                    row = 0
                elif tag == f"{_T}table-row":
                    col, repeat = 0, int(el.get(f"{_T}number-rows-repeated", "1"))
                continue
            if tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                rows = int(el.get(f"{_T}number-rows-spanned", "1"))
                cols = int(el.get(f"{_T}number-columns-spanned", "1"))
                if rows > 1 or cols > 1:
                    ranges.append(((row, col), (row + rows - 1, col + cols - 1)))
                col += int(el.get(f"{_T}number-columns-repeated", "1"))
                el.clear()
            elif tag == f"{_T}table-row":
                row += repeat
                el.clear()
    return out
