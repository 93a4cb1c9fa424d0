"""Writing a generated ledger: the six tables as CSV files or as one XLSX workbook.

Headers are the schema's Chinese column names, values the Chinese names of
enumerations (:mod:`~lianjian.generator.words`), as an organisation department's Excel ledger has them. Dates come
in the three forms ledgers use (2024-05-01, 2024/5/1, 2024年5月1日). Rows are
streamed: a CSV file is written row by row, a workbook through openpyxl's
write-only mode. A workbook is re-packed with fixed timestamps so that the same
seed gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from lianjian.core.schema import SCHEMA
from lianjian.generator.model import REF_DATE, World
from lianjian.generator.people import member_rows
from lianjian.generator.words import TABLES, headers, words

__all__ = ["CsvSink", "XlsxSink", "Sink", "TABLES", "HEADERS", "table_rows"]

CREDIT_HEADER = "统一社会信用代码"  # no schema column: loaded as a property under this header
HEADERS = {t: headers(t, CREDIT_HEADER) if t == "units" else headers(t) for t in TABLES}
TYPED = ("int", "float", "date")  # written as number and date cells in a workbook
COLUMN_TYPES = {
    t: {p.zh: p.type for p in SCHEMA.table_properties(t).values() if p.type in TYPED}
    for t in TABLES
}
BUILDING_ZH = words("building_kind", residential="住宅")
UNIT_ZH = words("unit_kind")
ORG_ZH = words("org_kind")
RATING_ZH = {int(value): zh for value, zh in words("rating").items()}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ZIP_TIME = (2026, 6, 30, 0, 0, 0)


class Dates:
    """Date cells in the forms real ledgers mix: mostly ISO, some 2024/5/1 or 2024年5月1日."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def __call__(self, d: dt.date | None) -> str:
        if d is None:
            return ""
        r = self.rng.random()
        if r < 0.8:
            return d.isoformat()
        if r < 0.92:
            return f"{d.year}/{d.month}/{d.day}"
        return f"{d.year}年{d.month}月{d.day}日"


def table_rows(w: World, table: str, dates: Dates) -> Iterable[Sequence[str]]:
    """The rows of one table, as text cells in HEADERS order (members streamed)."""
    if table == "regions":
        return w.regions
    if table == "buildings":
        return (
            (
                b.id,
                b.name,
                BUILDING_ZH[b.kind],
                b.grid,
                b.compound,
                "" if b.households is None else str(b.households),
                f"{b.lat:.6f}",
                f"{b.lon:.6f}",
            )
            for b in w.buildings
        )
    if table == "units":
        return (
            (
                u.id,
                u.name,
                UNIT_ZH[u.kind],
                u.location,
                "" if u.declared is None else str(u.declared),
                u.credit,
            )
            for u in w.units
        )
    if table == "orgs":
        return (
            (
                o.id,
                o.name,
                ORG_ZH[o.kind],
                o.parent,
                o.unit,
                "；".join(o.covers),
                dates(o.founded),
                dates(o.term_end),
                _rating(o.rating, dates.rng),
                o.has_committee,
                o.secretary,
            )
            for o in w.orgs
        )
    if table == "members":
        return member_rows(w)
    if table == "links":
        return ((s, t, k, dates(a), dates(b), note) for s, t, k, a, b, note in w.links)
    raise ValueError(f"no such table {table}")


def _rating(rating: int | None, rng: random.Random) -> str:
    if rating is None:
        return ""
    return RATING_ZH[rating] if rng.random() < 0.7 else str(rating)


class Sink:
    def table(self, name: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


class CsvSink(Sink):
    """One CSV file per table, in ``encoding`` (utf-8-sig or gb18030), CRLF rows as Excel."""

    def __init__(self, out: Path, encoding: str) -> None:
        self.out, self.encoding = out, encoding

    def table(self, name: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
        n = 0
        with open(self.out / f"{name}.csv", "w", encoding=self.encoding, newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                n += 1
        return n


class XlsxSink(Sink):
    """One workbook, one sheet per table; numbers and ISO dates as typed cells."""

    def __init__(self, path: Path) -> None:
        # deferred: openpyxl takes ~0.2 s to import and CSV output never needs it
        from openpyxl import Workbook

        self.path = path
        self.wb = Workbook(write_only=True)
        fixed = dt.datetime.combine(REF_DATE, dt.time())
        self.wb.properties.created = fixed
        self.wb.properties.creator = "lianjian generate"

    def table(
        self,
        name: str,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        kinds: Sequence[str] | None = None,
    ) -> int:
        """A sheet ``name``; ``kinds``: each column's cell type (int, float, date or
        string), by default the type of the schema's column of the table ``name``."""
        ws = self.wb.create_sheet(name)
        ws.append(list(header))
        if kinds is None:
            kinds = [COLUMN_TYPES[name].get(h, "string") for h in header]
        n = 0
        for row in rows:
            ws.append([_typed(v, k) for v, k in zip(row, kinds, strict=True)])
            n += 1
        return n

    def close(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.wb.save(tmp)
            _repack(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)


def _typed(value: str, kind: str) -> object:
    if value == "":
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "date" and _ISO.match(value):
        return dt.date.fromisoformat(value)
    return value


def _repack(src: Path, dst: Path) -> None:
    """Copy a zip with every entry's timestamp, and the workbook's modified time, fixed."""
    stamp = dt.datetime.combine(REF_DATE, dt.time()).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, ZIP_TIME)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o600 << 16
            if info.filename == "docProps/core.xml":
                xml = zin.read(info).decode("utf-8")
                xml = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", xml)
                zout.writestr(out, xml.encode("utf-8"))
                continue
            with zin.open(info) as fin, zout.open(out, "w", force_zip64=True) as fout:
                while chunk := fin.read(1 << 20):
                    fout.write(chunk)
