"""The error cells of an Excel 97–2003 (``.xls``) workbook, which calamine reads as empty.

An ``.xls`` file is an OLE compound file whose ``Workbook`` stream is a list of BIFF8
records. An error shows in two of them: ``BOOLERR`` (an error typed or pasted as a
value) and ``FORMULA`` whose saved result is an error. A fast byte pattern tells first
whether the stream can hold either; only then are the records walked, so a workbook
without errors (nearly all) costs one search of its bytes. The cells found are handed
to the workbook reader as :data:`~lianjian.loaders.xlsx.Special` cells, so the row is
rejected with the cell named, as for an XLSX workbook.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import olefile

from lianjian.loaders.xlsx import Special

__all__ = ["xls_error_cells"]

_BOF, _EOF, _BOUNDSHEET, _BOOLERR, _FORMULA = 0x0809, 0x000A, 0x0085, 0x0205, 0x0006
_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
# a BOOLERR record flagged as an error, or a FORMULA record whose result is an error;
# the pattern may also match inside other data: the record walk then decides
_MAYBE = re.compile(
    rb"\x05\x02\x08\x00.{7}\x01|\x06\x00[\x14-\xff][\x00-\xff].{6}\x02.{5}\xff\xff", re.S
)


def xls_error_cells(source: Path | bytes) -> dict[str, Special]:
    """Per sheet name, its cells (1-based row, 0-based column) that hold an error;
    sheets with none are left out. An unreadable container gives nothing here: calamine
    has already read the file, or refused it."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(source) if isinstance(source, bytes) else str(source))
        with ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            stream = ole.openstream(name).read()
    except (OSError, ValueError, struct.error):
        return {}
    if _MAYBE.search(stream) is None:
        return {}
    return _walk(stream)


def _walk(stream: bytes) -> dict[str, Special]:
    names: dict[int, str] = {}  # stream offset of a sheet's BOF → its name
    out: dict[str, Special] = {}
    within: list[str | None] = []  # the substreams open (a chart's lies inside its sheet's)
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        data = stream[pos + 4 : pos + 4 + length]
        if kind == _BOUNDSHEET and len(data) >= 8:
            names[struct.unpack_from("<I", data)[0]] = _sheet_name(data)
        elif kind == _BOF:
            within.append(names.get(pos))
        elif kind == _EOF and within:
            within.pop()
        elif within and within[-1] is not None and len(data) >= 8:
            code = None
            if kind == _BOOLERR and data[7] == 1:
                code = data[6]
            elif (
                kind == _FORMULA and len(data) >= 14 and data[6] == 2 and data[12:14] == b"\xff\xff"
            ):
                code = data[8]
            if code is not None:
                row, col = struct.unpack_from("<HH", data)
                shown = _ERRORS.get(code, f"error {code:#04x}")
                out.setdefault(within[-1], {})[(row + 1, col)] = ("error", shown)
        pos += 4 + length
    return out


def _sheet_name(data: bytes) -> str:
    """The name in a BOUNDSHEET record: a length, a flag (UTF-16 or Latin-1), the characters."""
    count, wide = data[6], data[7] & 1
    raw = data[8 : 8 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")
