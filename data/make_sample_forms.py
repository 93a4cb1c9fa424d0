"""Write data/sample-forms/: the sample street of data/sample as the standard forms.

Run from the repository's root, after changing data/sample:

    python data/make_sample_forms.py

The same data/sample gives the same bytes. Everything the forms hold beyond data/sample
is invented here and only here: the members' citizen ID numbers (valid check
characters; birth year and gender those of data/sample), home addresses naming the
building each member lives in, phone numbers, dates of joining, the grids' codes and
grid workers, and the spellings of some reference cells (Traditional script, variant
characters, 中共…委员会 beside …党委, a full-width digit). The 双报到 form's skills and
posts are data/sample's (members.csv 专业特长, 服务岗位). The three lists and the service
records (needs, resources, projects, services) have no standard form: they are copied
with their own ids (the tables require them), every reference to a region, unit,
organisation or member written as its name. data/README.md says what is where.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lianjian.generator.forms import (  # noqa: E402
    Person,
    card_number,
    home_address,
    keyed,
    write_forms,
)

SAMPLE, OUT = ROOT / "data" / "sample", ROOT / "data" / "sample-forms"
ENCODING = {"units": "gb18030", "orgs": "utf-8-sig"}  # as data/sample is written
TABLES = ("regions", "buildings", "units", "orgs", "members", "links")
LISTS = ("needs", "resources", "projects", "services")
# the columns of the lists naming a region, unit, organisation or member (by header)
BY_NAME = {"所在社区", "提供单位", "服务范围", "参与党员", "服务党员"}

STREET_CODE = "421002007"  # 胜利街道 (invented): a community's code is this and 3 digits
GRID_WORKERS = {
    "SS0101G01": "王丽萍",
    "SS0101G02": "毛磊红",  # the member M0064, 网格员 of this grid's branch
    "SS0102G01": "刘建国",
    "SS0102G02": "陈慧",
    "SS0103G01": "张涛",
}
# (table.column, the name) → how the cell writes it; the entity's own row keeps the name
SPELLINGS = {
    ("regions.parent", "梅台巷社区"): "梅臺巷社區",
    ("regions.buildings", "梅台小区1栋"): "梅臺小區1棟",
    ("buildings.compound", "红门小区"): "紅門小區",
    ("units.location", "万达广场写字楼"): "萬達廣場寫字樓",
    (
        "orgs.parent",
        "中共荆州市沙市区胜利街道工作委员会",
    ): "中国共产党荆州市沙市区胜利街道工作委员会",
    ("orgs.parent", "中共红门路社区委员会"): "红门路社区党委",
    ("orgs.parent", "红门路社区第一网格党支部"): "中共红门路社区第一网格支部委员会",
    ("orgs.parent", "梅臺巷社區黨總支"): "梅台巷社区党总支",
    ("orgs.covers", "三板桥小区1栋"): "三板桥小区１栋",
    ("orgs.unit", "中国工商银行沙市支行"): "中國工商銀行沙市支行",
    ("members.org", "中共红门路社区委员会"): "红门路社区党委",
    ("members.org", "梅臺巷社區黨總支"): "梅台巷社区党总支",
    ("members.unit", "荆州市沙市区税务局"): "荆州巿沙巿区税务局",
    ("links.end", "中共荆州市第一人民医院委员会"): "荆州市第一人民医院党委",
    ("links.end", "中国工商银行沙市支行"): "中囯工商银行沙巿支行",
    ("links.end", "中国工商银行沙市支行党支部"): "中国工商银行沙市支行党支部委员会",
    ("links.end", "红门路社区大党委"): "紅門路社區大黨委",
    ("reports.reported_to", "梅台巷社区"): "梅臺巷社區",
    ("reports.home", "红门小区1栋"): "紅門小區1棟",
}
TRADITIONAL_ADDRESS = {"M0071", "M0072", "M0073", "M0108"}  # written in Traditional script
NO_BUILDING = {"M0088", "M0097"}  # the address names no building: the 双报到 form gives it
REPORT_WITHOUT_CARD = {"M0091"}  # joined to the roster by name and work unit
TRADITIONAL = str.maketrans("荆区胜利门台巷桥楼栋单元号", "荊區勝利門臺巷橋樓棟單元號")


def read(table: str) -> list[dict[str, str]]:
    enc = ENCODING.get(table, "utf-8")
    with open(SAMPLE / f"{table}.csv", encoding=enc, newline="") as f:
        header, *rows = list(csv.reader(f))
    return keyed(table, header, rows)


def address(t: dict[str, list[dict[str, str]]], m: dict[str, str], i: int) -> str:
    """The member's home address: district to building where the member has a home,
    else a street address of no building of the sample."""
    if not m["home"] or m["id"] in NO_BUILDING:
        return f"湖北省荆州市沙市区北京中路{100 + i}号"
    text = "湖北省" + home_address(t)(m["home"], i)
    return text.translate(TRADITIONAL) if m["id"] in TRADITIONAL_ADDRESS else text


def person(t: dict[str, list[dict[str, str]]], m: dict[str, str], i: int) -> Person:
    born = int(m["birth_year"])
    card = card_number(i, born, m["gender"] == "男")
    joined_year = min(born + 22 + i % 12, 2023)
    full = m["status"] != "预备党员"
    joined = f"{joined_year}-07-01" if full else f"2025-{7 + i % 5:02d}-01"
    return Person(
        card=card,
        address=address(t, m, i),
        phone=f"139{(i * 7919) % 100000000:08d}",
        ethnicity="土家族" if i % 17 == 0 else "汉族",
        joined=joined,
        full_since=f"{joined_year + 1}-07-01" if full else "",
        skills=m.get("skills", ""),
        posts=m.get("posts", ""),
        report_card=m["id"] not in REPORT_WITHOUT_CARD,
    )


def write_lists(t: dict[str, list[dict[str, str]]], out: Path) -> dict[str, int]:
    """Copy the lists into ``out``, each reference to a region, unit, organisation or
    member written as that entity's name; return the data rows per file."""
    names = {e["id"]: e["name"] for table in TABLES[:5] for e in t[table]}
    counts = {}
    for table in LISTS:
        with open(SAMPLE / f"{table}.csv", encoding="utf-8", newline="") as f:
            header, *rows = list(csv.reader(f))
        for row in rows:
            for k, h in enumerate(header):
                if h in BY_NAME and row[k]:
                    row[k] = ";".join(names[x] for x in row[k].split(";"))
        with open(out / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([header, *rows])
        counts[f"{table}.csv"] = len(rows)
    return counts


def main(out: Path = OUT) -> dict[str, int]:
    """Write the forms into ``out`` (emptied first); return the data rows per file."""
    t = {table: read(table) for table in TABLES}
    people = {m["id"]: person(t, m, i) for i, m in enumerate(t["members"], start=1)}
    communities = [r["id"] for r in t["regions"] if r["level"] == "社区"]
    code = {c: f"{STREET_CODE}{k:03d}" for k, c in enumerate(communities, start=1)}
    grids = {r["id"]: code[r["parent"]] for r in t["regions"] if r["level"] == "网格"}

    def spell(column: str, name: str) -> str:
        return SPELLINGS.get((column, name), name)

    for old in out.glob("*"):
        old.unlink()
    counts = write_forms(
        out, t, people, grids, GRID_WORKERS, spell, encodings={"单位.csv": "gb18030"}
    )
    return counts | write_lists(t, out)


if __name__ == "__main__":
    print(", ".join(f"{k} {v}" for k, v in main().items()))
