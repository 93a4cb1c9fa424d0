"""Writing a generated ledger: the six tables as CSV files or as one XLSX workbook.

Headers are the Chinese column names of LEDGER.md, values the Chinese names of
enumerations, as an organisation department's Excel ledger has them. Dates come
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

from lianjian.generator.model import REF_DATE, World

__all__ = ["CsvSink", "XlsxSink", "Sink", "TABLES", "table_rows"]

TABLES = ("regions", "buildings", "units", "orgs", "members", "links")
HEADERS = {
    "regions": ("编号", "名称", "层级", "上级编号"),
    "buildings": ("编号", "名称", "类型", "所属网格", "所属小区", "户数", "纬度", "经度"),
    "units": ("编号", "名称", "类型", "所在位置", "党员人数", "统一社会信用代码"),
    "orgs": (
        "编号",
        "名称",
        "类型",
        "上级党组织",
        "所在单位",
        "覆盖范围",
        "成立日期",
        "届满日期",
        "评定等级",
        "设委员会",
        "书记",
    ),
    "links": ("源编号", "目标编号", "类型", "开始日期", "结束日期", "备注"),
}
INT_COLUMNS = {"户数", "党员人数", "出生年份"}
FLOAT_COLUMNS = {"纬度", "经度"}
DATE_COLUMNS = {"成立日期", "届满日期", "开始日期", "结束日期"}
BUILDING_ZH = {
    "residential": "住宅",
    "commercial": "商务楼宇",
    "park": "园区",
    "market": "商圈市场",
}
UNIT_ZH = {
    "agency": "机关",
    "institution": "事业单位",
    "school": "学校",
    "hospital": "医院",
    "soe": "国有企业",
    "private": "非公企业",
    "social": "社会组织",
    "property": "物业企业",
}
ORG_ZH = {
    "working_committee": "党工委",
    "committee": "党委",
    "general_branch": "党总支",
    "branch": "党支部",
    "joint_branch": "联合党支部",
    "temporary_branch": "临时党支部",
    "functional": "功能型党组织",
    "group": "党小组",
    "household": "党员中心户",
    "big_committee": "大党委",
    "alliance": "党建联合体",
}
RATING_ZH = {5: "优秀", 4: "良好", 3: "一般", 2: "较差", 1: "软弱涣散"}
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
    """The rows of one in-memory table, as text cells in HEADERS order."""
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
        from openpyxl import Workbook

        self.path = path
        self.wb = Workbook(write_only=True)
        fixed = dt.datetime.combine(REF_DATE, dt.time())
        self.wb.properties.created = fixed
        self.wb.properties.creator = "lianjian generate"

    def table(self, name: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
        ws = self.wb.create_sheet(name)
        ws.append(list(header))
        kinds = [
            int
            if h in INT_COLUMNS
            else float
            if h in FLOAT_COLUMNS
            else dt.date
            if h in DATE_COLUMNS
            else str
            for h in header
        ]
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


def _typed(value: str, kind: type) -> object:
    if value == "":
        return None
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if kind is dt.date and _ISO.match(value):
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
