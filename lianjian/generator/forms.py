"""A ledger written as the standard forms (标准表单): names instead of ids, as a 组织部 keeps it.

The input is a ledger of the six id-keyed tables (:data:`Tables`: each row a dict of the
schema's column names to the text a ledger holds), and for every member a :class:`Person`
(citizen ID number, home address, phone, the 双报到 form's skills and posts). The output,
in one folder (docs/ledger.md, "The standard forms"):

- ``区划.csv``: districts, streets, communities and compounds, the parent by name;
- ``网格台账.csv`` (the grid ledger): one row per grid (no 层级: a row of it is a grid),
  its community by name, the statistical code, the grid worker, households and its
  buildings by name (楼栋);
- ``楼栋.csv``: buildings by name; a building in a compound names no grid (the grid
  ledger gives it), the others name theirs;
- ``单位.csv``: the units with a location or a declared count of members, and those no
  organisation form names; the others are created from the org form (单位名称, 单位类别);
- a workbook with the sheets ``党组织信息采集表`` (the org form: 所在单位情况 法人单位 with
  one 单位名称, 联合党支部 with the units it joins) and ``党员花名册`` (the roster, keyed by
  公民身份号码, with 家庭住址 naming the member's building);
- ``关系.csv``: links naming both ends;
- ``在职党员到社区报到登记表.csv`` (双报到): the employed members who reported to a
  community or were assigned to a grid, joined to the roster by the ID number.

A member is named by name where the reference can find the name: a secretary who is a
member of the organisation, or whose name no other member has; otherwise by the ID
number, which the loaders turn into the same id. ``spell`` writes a reference cell's name
as another spelling of it (Traditional script, 中共…委员会 for …党委): the data/sample-forms
script uses it; the generator writes names as they are. Every file is the same bytes
for the same input (the workbook re-packed with fixed timestamps).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lianjian.core.idcard import check_char
from lianjian.core.schema import SCHEMA
from lianjian.core.text import fold
from lianjian.generator.write import XlsxSink

__all__ = [
    "Person",
    "Tables",
    "write_forms",
    "keyed",
    "card_number",
    "home_address",
    "FORM_FILES",
    "WORKBOOK",
]

Tables = Mapping[str, Sequence[Mapping[str, str]]]
Spell = Callable[[str, str], str]  # (table.column, name) → the name as the cell writes it
WORKBOOK = "党员和党组织基本信息.xlsx"
ORG_SHEET, ROSTER_SHEET = "党组织信息采集表", "党员花名册"
FORM_FILES = (
    "区划.csv",
    "网格台账.csv",
    "楼栋.csv",
    "单位.csv",
    WORKBOOK,
    "关系.csv",
    "在职党员到社区报到登记表.csv",
)
SPLIT = str.maketrans({c: ";" for c in "；、,，"})
# the 党组织类别 of an organisation in a unit, by the unit's kind
CATEGORY_OF_UNIT = {
    "agency": "党政机关",
    "soe": "国有企业",
    "private": "非公有制企业",
    "property": "非公有制企业",
    "school": "学校",
    "institution": "其他事业单位",
    "hospital": "其他事业单位",
    "social": "社会组织",
}
DATE_COLUMNS = {"出生日期", "入党日期", "转正日期", "成立日期", "届满日期"}


@dataclass(frozen=True)
class Person:
    """What the forms say of a member beyond the id-keyed ledger (all invented)."""

    card: str  # the 18-character citizen ID number
    address: str = ""  # 家庭住址: names the member's building where there is one
    phone: str = ""
    ethnicity: str = "汉族"
    joined: str = ""
    full_since: str = ""
    skills: str = ""  # 专业特长 (双报到)
    posts: str = ""  # 服务岗位/意向 (双报到)
    report_card: bool = True  # False: the 双报到 row leaves 公民身份号码 empty


def card_number(index: int, born: int, male: bool) -> str:
    """An invented, valid citizen ID number, different for every ``index`` (day of the
    year × sequence × region code), born in ``born``, its sequence odd for a man."""
    day = dt.date(born, 1, 1) + dt.timedelta(days=index % 365)
    seq = (index // 365) % 500 * 2 + (1 if male else 0)
    region = 421002 + index // (365 * 500)
    first17 = f"{region}{day:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def home_address(t: Tables) -> Callable[[str, int], str]:
    """A function of a building id and a number: a home address in that building, naming
    the district, street, community, compound and building (``…红门路社区红门小区1栋2单元301室``)."""
    by_id = {r["id"]: r for tab in ("regions", "buildings") for r in t[tab]}

    def address(building: str, i: int) -> str:
        b = by_id[building]
        names, up = [], b["grid"]
        while up:
            names.insert(0, by_id[up]["name"])
            up = by_id[up].get("parent", "")
        places = "".join(n for n in names[:-1])  # the grid is no part of an address
        return f"{places}{b['name']}{1 + i % 3}单元{2 + i % 5}0{1 + i % 2}室"

    return address


def keyed(table: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[dict[str, str]]:
    """Rows of an id-keyed table (any header spelling the schema accepts) as dicts of the
    schema's column names; a column the schema does not know keeps its header."""
    spellings = {
        fold(a): name
        for name, p in SCHEMA.table_properties(table).items()
        for a in (name, p.zh, p.en, *p.aliases)
    }
    names = [spellings.get(fold(h), h) for h in header]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.translate(SPLIT).split(";") if x.strip()]


def _value(enum: str, text: str) -> str | None:
    return SCHEMA.enum_value(enum, text) if text else None


def _plain(column: str, name: str) -> str:
    return name


class _Forms:
    def __init__(self, t: Tables, people: Mapping[str, Person], spell: Spell) -> None:
        self.t, self.people, self.spell = t, people, spell
        self.name = {
            r["id"]: r["name"] for tab in ("regions", "buildings", "units", "orgs") for r in t[tab]
        }
        self.members = {r["id"]: r for r in t["members"]}
        self.name.update({m: r["name"] for m, r in self.members.items()})
        self.homonyms = {n for n, k in Counter(r["name"] for r in t["members"]).items() if k > 1}
        self.level = {r["id"]: _value("region_level", r["level"]) for r in t["regions"]}
        self.unit_kind = {r["id"]: _value("unit_kind", r["kind"]) for r in t["units"]}
        self.joint = {o["id"] for o in t["orgs"] if _value("org_kind", o["kind"]) == "joint_branch"}
        named = {o["unit"] for o in t["orgs"] if o.get("unit") and o["id"] not in self.joint}
        self.created = {
            u["id"]
            for u in t["units"]
            if u["id"] in named and not u.get("location") and not u.get("party_members")
        }

    def ref(self, column: str, ref: str) -> str:
        return self.spell(column, self.name[ref]) if ref else ""

    def refs(self, column: str, cell: str) -> str:
        return "、".join(self.ref(column, x) for x in _split(cell))

    def member_ref(self, column: str, ref: str, org: str = "") -> str:
        """A member by name where the name finds them, else by the ID number."""
        if not ref:
            return ""
        name = self.name[ref]
        if name not in self.homonyms or (org and self.members[ref].get("org") == org):
            return self.spell(column, name)
        return self.people[ref].card

    def regions(self) -> list[list[str]]:
        rows = [["名称", "层级", "parent"]]
        for r in self.t["regions"]:
            if self.level[r["id"]] != "grid":
                rows.append([r["name"], r["level"], self.ref("regions.parent", r["parent"])])
        return rows

    def grids(self, codes: Mapping[str, str], workers: Mapping[str, str]) -> list[list[str]]:
        inside: dict[str, list[Mapping[str, str]]] = defaultdict(list)
        for b in self.t["buildings"]:
            inside[b["grid"]].append(b)
        rows = [["网格名称", "所属社区", "行政区划代码", "网格员", "户数", "楼栋"]]
        for r in self.t["regions"]:
            if self.level[r["id"]] != "grid":
                continue
            bs = inside[r["id"]]
            households = sum(int(b["households"]) for b in bs if b.get("households"))
            rows.append(
                [
                    r["name"],
                    self.ref("regions.parent", r["parent"]),
                    codes.get(r["id"], ""),
                    workers.get(r["id"], ""),
                    str(households) if households else "",
                    "、".join(self.spell("regions.buildings", b["name"]) for b in bs),
                ]
            )
        return rows

    def buildings(self) -> list[list[str]]:
        rows = [["名称", "类型", "所属网格", "所属小区", "户数", "纬度", "经度"]]
        for b in self.t["buildings"]:
            grid = "" if b.get("compound") else self.ref("buildings.grid", b["grid"])
            compound = self.ref("buildings.compound", b.get("compound", ""))
            rows.append(
                [b["name"], b["kind"], grid, compound, b.get("households", ""), b["lat"], b["lon"]]
            )
        return rows

    def units(self) -> list[list[str]]:
        extra = [k for k in self.t["units"][0] if k not in SCHEMA.table_properties("units")]
        rows = [["名称", "类型", "所在位置", "党员人数", *extra]]
        for u in self.t["units"]:
            if u["id"] not in self.created:
                rows.append(
                    [
                        u["name"],
                        u["kind"],
                        self.ref("units.location", u.get("location", "")),
                        u.get("party_members", ""),
                        *(u[k] for k in extra),
                    ]
                )
        return rows

    def orgs(self) -> list[list[object]]:
        rows: list[list[object]] = [
            [
                *("党组织名称", "类型", "党组织类别", "上级党组织", "书记", "成立日期"),
                *("届满日期", "评定等级", "设委员会", "覆盖范围", "所在单位情况", "单位名称"),
                "单位类别",
            ]
        ]
        for o in self.t["orgs"]:
            covers = _split(o.get("covers", ""))
            units = [c for c in covers if c in self.unit_kind] if o["id"] in self.joint else []
            places = [c for c in covers if c not in units]
            unit_names, setting, unit_kind, category = "", "", "", self.category(o, units)
            if units:
                setting = "联合党支部"
                unit_names = "、".join(self.ref("orgs.unit", u) for u in units)
            elif o.get("unit"):
                setting = "法人单位"
                unit_names = self.ref("orgs.unit", o["unit"])
                unit_kind = next(u["kind"] for u in self.t["units"] if u["id"] == o["unit"])
            rows.append(
                [
                    *(o["name"], o["kind"], category, self.ref("orgs.parent", o.get("parent", ""))),
                    self.member_ref("orgs.secretary", o.get("secretary", ""), o["id"]),
                    *(o.get("founded", ""), o.get("term_end", ""), o.get("rating", "")),
                    o.get("has_committee", ""),
                    "、".join(self.ref("orgs.covers", c) for c in places),
                    *(setting, unit_names, unit_kind),
                ]
            )
        return rows

    def category(self, o: Mapping[str, str], units: list[str]) -> str:
        unit = o.get("unit") or (units[0] if units else "")
        if unit:
            return CATEGORY_OF_UNIT[self.unit_kind[unit]]
        if o.get("covers"):
            return "街道社区"
        return "其他"

    def roster(self) -> list[list[object]]:
        rows: list[list[object]] = [
            [
                *("姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "类别"),
                *("入党日期", "转正日期", "所在党支部", "工作单位", "家庭住址", "联系电话"),
                *("是否流动党员", "是否失联党员", "职务"),
            ]
        ]
        for m in self.t["members"]:
            p = self.people[m["id"]]
            c = p.card
            mobile = _value("member_category", m.get("category", "")) == "mobile"
            rows.append(
                [
                    *(m["name"], m.get("gender", ""), p.ethnicity, c),
                    f"{c[6:10]}-{c[10:12]}-{c[12:14]}",
                    *(m.get("education", ""), m.get("status", ""), m.get("category", "")),
                    *(p.joined, p.full_since, self.ref("members.org", m.get("org", ""))),
                    *(self.ref("members.unit", m.get("unit", "")), p.address, p.phone),
                    *("是" if mobile else "否", "否", m.get("roles", "")),
                ]
            )
        return rows

    def reports(self) -> list[list[str]]:
        rows = [
            [
                *("姓名", "公民身份号码", "工作单位", "报到社区", "居住小区/楼栋"),
                *("专业特长", "服务岗位/意向", "下沉网格"),
            ]
        ]
        for m in self.t["members"]:
            if not (m.get("reported_to") or m.get("assigned_grid")):
                continue
            p = self.people[m["id"]]
            rows.append(
                [
                    m["name"],
                    p.card if p.report_card else "",
                    self.ref("reports.unit", m.get("unit", "")),
                    self.ref("reports.reported_to", m.get("reported_to", "")),
                    self.ref("reports.home", m.get("home", "")),
                    *(p.skills, p.posts),
                    self.ref("reports.assigned_grid", m.get("assigned_grid", "")),
                ]
            )
        return rows

    def links(self) -> list[list[str]]:
        rows = [["source", "target", "kind", "since", "until", "note"]]
        for k in self.t["links"]:
            ends = [
                self.member_ref("links.end", e) if e in self.members else self.ref("links.end", e)
                for e in (k["source"], k["target"])
            ]
            rows.append(
                [*ends, k["kind"], k.get("since", ""), k.get("until", ""), k.get("note", "")]
            )
        return rows


def write_forms(
    out: Path,
    t: Tables,
    people: Mapping[str, Person],
    codes: Mapping[str, str] = {},
    workers: Mapping[str, str] = {},
    spell: Spell = _plain,
    encodings: Mapping[str, str] = {},
    default_encoding: str = "utf-8-sig",
) -> dict[str, int]:
    """Write the forms of the id-keyed ledger ``t`` into the folder ``out``; return the
    data rows per file. ``codes`` and ``workers``: a grid's statistical code and grid
    worker, by grid id; ``encodings``: a CSV file's encoding, by file name."""
    f = _Forms(t, people, spell)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, rows in (
        ("区划.csv", f.regions()),
        ("网格台账.csv", f.grids(codes, workers)),
        ("楼栋.csv", f.buildings()),
        ("单位.csv", f.units()),
        ("关系.csv", f.links()),
        ("在职党员到社区报到登记表.csv", f.reports()),
    ):
        enc = encodings.get(name, default_encoding)
        with open(out / name, "w", encoding=enc, newline="") as fh:
            csv.writer(fh).writerows(rows)
        counts[name] = len(rows) - 1
    sink = XlsxSink(out / WORKBOOK)
    try:
        for sheet, rows in ((ORG_SHEET, f.orgs()), (ROSTER_SHEET, f.roster())):
            kinds = ["date" if h in DATE_COLUMNS else "string" for h in rows[0]]
            counts[sheet] = sink.table(sheet, rows[0], rows[1:], kinds)
    finally:
        sink.close()
    return counts
