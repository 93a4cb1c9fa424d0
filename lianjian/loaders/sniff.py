"""What a ledger file is, told by its content, never by its name alone.

A workbook's name often lies: web systems export HTML or tab-separated text named
``.xls``, an ``.xlsx`` renamed ``.xls`` is common, and WPS saves its ``.et`` as an
Excel 97–2003 (BIFF) or an XLSX file. :func:`sniff` reads the first bytes (and, for
a zip, the names of its entries) and says what the file really holds.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = ["XLSX", "XLSB", "XLS", "ODS", "TEXT", "TAKEN_FOR", "WORKBOOK_SUFFIXES", "sniff"]

# the kinds a maintained reader (calamine) reads
XLSX, XLSB, XLS, ODS = "XLSX", "XLSB", "XLS", "ODS"
TEXT = "text"
READABLE = {XLSX, XLSB, XLS, ODS}

# what a file of each workbook suffix is taken for, in a message
TAKEN_FOR = {
    ".xlsx": "XLSX workbook",
    ".xlsm": "XLSX workbook (with macros)",
    ".xlsb": "Excel binary workbook",
    ".xls": "Excel 97–2003 workbook",
    ".et": "WPS spreadsheet",
    ".ods": "OpenDocument spreadsheet",
}
WORKBOOK_SUFFIXES = frozenset(TAKEN_FOR)
NAMES = {
    XLSX: "an XLSX workbook",
    XLSB: "an Excel binary workbook",
    XLS: "an Excel 97–2003 workbook",
    ODS: "an OpenDocument spreadsheet",
}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# an encrypted XLSX is an OLE file holding this stream (its name in UTF-16)
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def sniff(f: Path) -> str:
    """``XLSX``, ``XLSB``, ``XLS``, ``ODS``, ``text``, or a phrase saying what else the
    file is (``"an HTML page"``, ``"a Word document"``, ``"a password-protected workbook"``).

    ``OSError`` when the file cannot be read.
    """
    with open(f, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(_OLE):
        with open(f, "rb") as fh:
            data = fh.read(1 << 22)  # the directory of a small OLE file: its stream names
        if _ENCRYPTED in data:
            return "a password-protected (encrypted) workbook"
        if "WordDocument".encode("utf-16-le") in data:
            return "a Word 97–2003 document"
        return XLS
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(f)
    if head.startswith(b"%PDF"):
        return "a PDF document"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or (
        text.startswith(b"<") and b"<table" in text
    ):
        return "an HTML page"
    if text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "an Excel 2003 XML spreadsheet"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" not in head and _texty(head)):
        return TEXT
    return "not a known spreadsheet format"


def _zip_kind(f: Path) -> str:
    try:
        with zipfile.ZipFile(f) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").strip() == _ODS_MIME:
                return ODS
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError) as e:
        return e.__class__.__name__  # a damaged zip: its error names it
    if "xl/workbook.xml" in names:
        return XLSX
    if "xl/workbook.bin" in names:
        return XLSB
    if any(n.startswith("word/") for n in names):
        return "a Word document"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint presentation"
    if "Index/Document.iwa" in names or any(n.startswith("Index/") for n in names):
        return "an Apple Numbers document"
    if "mimetype" in names:
        return "an OpenDocument file that is not a spreadsheet"
    return "a zip archive"


def _texty(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 100
