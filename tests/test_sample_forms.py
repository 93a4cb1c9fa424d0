"""data/sample-forms: the sample street as the standard forms gives the sample's graph.

The forms name everything by name (no id column anywhere), key members by citizen ID
number, spell some names in Traditional script, with variant characters or in the
official long form, and split the ledger over a workbook and CSV files. Loaded, they
must give the same gaps, coverage and pairings as data/sample, compared by names and
paths (:mod:`tests.named_results`), with every reference resolved and nothing rejected.
"""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lianjian.core.balance import Balance
from lianjian.core.idcard import card_problem
from lianjian.core.text import fold
from lianjian.loaders.ledger import load_ledger
from tests.named_results import name_paths, named_results

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FORMS = ROOT / "data" / "sample-forms"
WORKBOOK = FORMS / "党员和党组织基本信息.xlsx"
AS_OF = "2026-06-30"


def script():
    spec = importlib.util.spec_from_file_location(
        "make_sample_forms", ROOT / "data" / "make_sample_forms.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_rows(name: str) -> list[list[str]]:
    enc = "gb18030" if name == "units.csv" else "utf-8-sig"
    with open(SAMPLE / name, encoding=enc, newline="") as f:
        return list(csv.reader(f))


def sample_ids() -> set[str]:
    """Every id of data/sample (the first column of each table but links)."""
    return {
        r[0] for p in SAMPLE.glob("*.csv") if p.name != "links.csv" for r in sample_rows(p.name)[1:]
    }


def sheet(name: str) -> list[dict[str, str]]:
    rows = list(load_workbook(WORKBOOK, read_only=True)[name].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    pad = [None] * len(header)  # a read-only sheet leaves out empty cells at a row's end
    return [
        {h: "" if v is None else str(v) for h, v in zip(header, (*r, *pad), strict=False)}
        for r in rows[1:]
    ]


def table(name: str, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with open(FORMS / name, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def forms_data():
    return load_ledger(FORMS)


def label_counts(data) -> tuple[Counter, Counter]:
    return Counter(label for label, _ in data.nodes.values()), Counter(e.type for e in data.edges)


# ---------------------------------------------------------------- the files themselves


def forms_csvs() -> list[Path]:
    """The CSV forms: the lists (needs, resources, projects, services) have no standard
    form and keep their own ids (data/make_sample_forms.py)."""
    lists = {"needs.csv", "resources.csv", "projects.csv", "services.csv"}
    return [p for p in FORMS.glob("*.csv") if p.name not in lists]


def test_the_script_writes_the_committed_files_byte_for_byte(tmp_path):
    script().main(tmp_path)
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in FORMS.iterdir()}
    assert sorted(written) == sorted(committed)
    assert written == committed  # run `python data/make_sample_forms.py` after changing data/sample


def test_the_forms_name_everything_and_hold_no_id_column():
    headers = [list(sheet(s)[0]) for s in ("党员花名册", "党组织信息采集表")]
    for p in forms_csvs():
        enc = "gb18030" if p.name == "单位.csv" else "utf-8-sig"
        with open(p, encoding=enc, newline="") as f:
            headers.append(next(csv.reader(f)))
    assert len(headers) == 8
    for header in headers:
        assert not any("编号" in h or h.lower() == "id" for h in header), header
    ids = sample_ids()
    assert {"SS0101G01", "B0101", "001", "P05", "M0001"} <= ids
    cells = [v for s in ("党员花名册", "党组织信息采集表") for r in sheet(s) for v in r.values()]
    for p in forms_csvs():
        enc = "gb18030" if p.name == "单位.csv" else "utf-8-sig"
        cells += [v for r in csv.reader(open(p, encoding=enc, newline="")) for v in r]
    assert not ids & {c for v in cells for c in v.replace("、", ";").split(";")}


def test_members_are_keyed_by_valid_id_numbers_and_live_where_the_sample_says():
    roster = sheet("党员花名册")
    sample = list(csv.DictReader(open(SAMPLE / "members.csv", encoding="utf-8")))
    buildings = {
        r["编号"]: r["名称"]
        for r in csv.DictReader(open(SAMPLE / "buildings.csv", encoding="utf-8"))
    }
    assert [r["姓名"] for r in roster] == [m["姓名"] for m in sample]
    cards = [r["公民身份号码"] for r in roster]
    assert len(set(cards)) == len(cards) == 124
    assert all(card_problem(c) is None for c in cards)
    reports = {r["姓名"]: r for r in table("在职党员到社区报到登记表.csv")}
    for r, m in zip(roster, sample, strict=True):
        assert r["公民身份号码"][6:10] == m["出生年份"]
        assert int(r["公民身份号码"][16]) % 2 == (m["性别"] == "男")
        home = buildings.get(m["居住楼栋"])
        named = [b for b in buildings.values() if fold(b) in fold(r["家庭住址"])]
        if home and m["姓名"] in reports and reports[m["姓名"]]["居住小区/楼栋"]:
            continue  # the 双报到 form gives the home
        assert named == ([home] if home else []), m["编号"]
    assert {m["姓名"] for m in sample if m["报到社区"] or m["下沉网格"]} == set(reports)
    assert sum(1 for r in reports.values() if not r["公民身份号码"]) == 1  # joined by name and unit


def test_names_are_spelt_as_ledgers_spell_them():
    orgs = sheet("党组织信息采集表")
    names = {o["党组织名称"] for o in orgs}
    parents = {o["上级党组织"] for o in orgs}
    assert "中共红门路社区委员会" in names and "红门路社区党委" in parents  # one org, two forms
    assert "梅臺巷社區黨總支" in names and "梅台巷社区党总支" in parents
    grids = table("网格台账.csv")
    assert "梅臺巷社區" in {g["所属社区"] for g in grids}
    assert "巿" in "".join(r["工作单位"] for r in sheet("党员花名册"))  # 巿 (U+5DFF) for 市
    links = table("关系.csv")
    assert "中囯工商银行沙巿支行" in {r["source"] for r in links}  # 囯 for 国
    joint = [o for o in orgs if o["所在单位情况"] == "联合党支部"]
    assert len(joint) == 1 and len(joint[0]["单位名称"].split("、")) == 6


# ---------------------------------------------------------------- the graph they give


def test_every_reference_of_the_forms_resolves(forms_data):
    refs = forms_data.report.reference_counts()
    for column in (
        *("regions.parent", "buildings.grid", "buildings.compound", "units.location"),
        *("orgs.parent", "orgs.covers", "orgs.unit", "orgs.secretary"),
        *("members.org", "members.unit", "links.source", "links.target"),
    ):
        assert column in refs, column
        assert refs[column]["id"] == 0, column  # names only
        assert refs[column]["exact_name"] + refs[column]["folded_name"] > 0, column
    # an address gives a home only where it names a building: the sample's 29 members
    # without a home live elsewhere, and the 16 the 双报到 form houses keep its building
    assert dict(forms_data.report.addresses) == {"matched": 79, "unmatched": 29}
    assert refs["members.home"]["exact_name"] + refs["members.home"]["folded_name"] == 16
    unresolved = {c: n for c, n in refs.items() if n["ambiguous"] or n["unknown"]}
    assert unresolved == {}
    for column in ("regions.parent", "orgs.parent", "members.org", "members.unit", "links.source"):
        assert refs[column]["folded_name"] > 0, column  # the other spellings were needed


def test_the_forms_load_clean(forms_data):
    report = forms_data.report
    assert report.balanced
    assert report.totals[2] == 0  # nothing rejected
    assert [p for p in report.problems if p.severity in ("error", "warning")] == []
    assert Balance.from_report(report).clean


def test_the_forms_give_the_samples_gaps_coverage_and_pairings(sample_data, forms_data):
    assert label_counts(forms_data) == label_counts(sample_data)
    expected, got = named_results(sample_data, AS_OF), named_results(forms_data, AS_OF)
    assert got["gaps"] == expected["gaps"]
    assert got["coverage"] == expected["coverage"]
    assert got["pairing"] == expected["pairing"]


def test_no_id_number_phone_or_address_reaches_the_graph(forms_data):
    roster = sheet("党员花名册")
    secrets = {r[c] for r in roster for c in ("公民身份号码", "联系电话", "家庭住址") if r[c]}
    values = [str(v) for _, props in forms_data.nodes.values() for v in props.values()]
    values += [str(v) for e in forms_data.edges for v in e.props.values()]
    assert len({r["公民身份号码"] for r in roster} | {r["联系电话"] for r in roster}) == 2 * 124
    assert not [v for v in values if any(s in v for s in secrets)]


# ---------------------------------------------------------------- the comparison itself


def renamed(tmp_path: Path) -> Path:
    """data/sample with every id written otherwise (``X`` before it)."""
    out = tmp_path / "renamed"
    out.mkdir()
    ids = sample_ids()

    def swap(cell: str) -> str:
        parts = cell.replace("；", ";").replace("、", ";").split(";")
        return ";".join(f"X{x}" if x in ids else x for x in parts)

    for p in SAMPLE.glob("*.csv"):
        header, *rows = sample_rows(p.name)
        with open(out / p.name, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header, *([swap(c) for c in r] for r in rows)])
    return out


def test_the_comparison_sees_through_ids_and_sees_a_change(sample_data, tmp_path):
    other = renamed(tmp_path)
    data = load_ledger(other)
    assert data.report.totals[2] == 0
    assert "XP05" in data.nodes and "P05" not in data.nodes
    paths = name_paths(data)
    assert paths["XSS0102G02"] == "Region:荆州市沙市区/胜利街道/梅台巷社区/梅台巷社区第二网格"
    assert paths["XB0101"] == "Building:荆州市沙市区/胜利街道/红门路社区/红门小区/红门小区1栋"
    assert named_results(data, AS_OF) == named_results(sample_data, AS_OF)
    # one branch less: grid_without_branch and coverage change, and the comparison says so
    orgs = other / "orgs.csv"
    rows = list(csv.reader(open(orgs, encoding="utf-8")))
    with open(orgs, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(r for r in rows if r[0] != "XP08" and r[3] != "XP08")
    changed = named_results(load_ledger(other), AS_OF)
    base = named_results(sample_data, AS_OF)
    assert changed["gaps"] != base["gaps"]
    assert changed["coverage"] != base["coverage"]
