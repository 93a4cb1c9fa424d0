"""``lianjian generate --forms``: a generated ledger written as the standard forms.

The forms of a seed are the same bytes every time, name everything by name (no id
column, no generated id in any cell), key members by valid invented citizen ID numbers,
and load into the same graph as the id-keyed ledger of the same seed: every reference
resolved, the same gaps and coverage, compared by names and paths
(:mod:`tests.named_results`).
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.idcard import card_problem
from lianjian.generator.forms import FORM_FILES, WORKBOOK, write_forms
from lianjian.generator.generate import generate, plan
from lianjian.generator.people import member_rows
from lianjian.loaders.ledger import load_ledger
from tests.named_results import named_results

AS_OF = "2026-06-30"
PROFILE, SCALE, SEED = "nanqiao", 1, 3  # 7,000 members; jingzhou scale 1 is measured by hand


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def csv_rows(folder: Path, name: str) -> list[list[str]]:
    with open(folder / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def sheet_rows(folder: Path, name: str) -> list[list[str]]:
    rows = list(load_workbook(folder / WORKBOOK, read_only=True)[name].iter_rows(values_only=True))
    pad = ("",) * len(rows[0])  # a read-only sheet leaves out empty cells at a row's end
    return [["" if v is None else str(v) for v in (*r, *pad)][: len(pad)] for r in rows]


LIST_TABLES = ("needs", "resources", "projects", "services")  # not written as forms


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> tuple[Path, Path]:
    keyed, forms = tmp_path_factory.mktemp("keyed"), tmp_path_factory.mktemp("forms")
    generate(keyed, PROFILE, scale=SCALE, seed=SEED)
    generate(forms, PROFILE, scale=SCALE, seed=SEED, forms=True)
    return keyed, forms


@pytest.fixture(scope="module")
def forms_data(ledgers):
    return load_ledger(ledgers[1])


# ---------------------------------------------------------------- what is written


def test_the_same_seed_gives_the_same_forms(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts = generate(a, "shuangtaizi", scale=0.05, seed=2, forms=True)
    assert generate(b, "shuangtaizi", scale=0.05, seed=2, forms=True) == counts
    generate(c, "shuangtaizi", scale=0.05, seed=5, forms=True)
    assert sorted(digest(a)) == sorted(FORM_FILES)
    assert digest(a) == digest(b)
    assert digest(a)[WORKBOOK] != digest(c)[WORKBOOK]


def test_the_forms_hold_the_id_keyed_ledgers_rows(ledgers):
    keyed, forms = ledgers
    n = {t: len(csv_rows(keyed, f"{t}.csv")) - 1 for t in ("regions", "buildings", "units")}
    n |= {t: len(csv_rows(keyed, f"{t}.csv")) - 1 for t in ("orgs", "members", "links")}
    regions = len(csv_rows(forms, "区划.csv")) + len(csv_rows(forms, "网格台账.csv")) - 2
    assert regions == n["regions"]
    assert len(csv_rows(forms, "楼栋.csv")) - 1 == n["buildings"]
    assert len(sheet_rows(forms, "党组织信息采集表")) - 1 == n["orgs"]
    assert len(sheet_rows(forms, "党员花名册")) - 1 == n["members"] == 7000
    assert len(csv_rows(forms, "关系.csv")) - 1 == n["links"]
    units = {u[0] for u in csv_rows(forms, "单位.csv")[1:]}
    assert len(units) == n["units"]  # every generated unit has a location: none is left out
    header, *orgs = sheet_rows(forms, "党组织信息采集表")
    col, setting = header.index("单位名称"), header.index("所在单位情况")
    named = {x for r in orgs for x in r[col].split("、") if x}
    assert named <= units
    assert Counter(r[setting] for r in orgs).keys() == {"", "法人单位", "联合党支部"}


def test_a_unit_only_an_org_names_comes_from_the_org_form(tmp_path):
    t = {
        "regions": [{"id": "R1", "name": "东区", "level": "区", "parent": ""}],
        "buildings": [],
        "units": [
            {"id": "U1", "name": "甲公司", "kind": "非公企业", "location": "", "party_members": ""},
            {
                "id": "U2",
                "name": "乙公司",
                "kind": "非公企业",
                "location": "R1",
                "party_members": "",
            },
            {
                "id": "U3",
                "name": "丙协会",
                "kind": "社会组织",
                "location": "",
                "party_members": "4",
            },
        ],
        "orgs": [
            {"id": "O1", "name": "甲公司党支部", "kind": "党支部", "unit": "U1", "covers": ""},
            {"id": "O2", "name": "乙公司党支部", "kind": "党支部", "unit": "U2", "covers": ""},
            {"id": "O3", "name": "联合党支部", "kind": "联合党支部", "covers": "U2；U3；R1"},
        ],
        "members": [],
        "links": [],
    }
    write_forms(tmp_path, t, {})
    assert [u[0] for u in csv_rows(tmp_path, "单位.csv")[1:]] == ["乙公司", "丙协会"]
    header, *orgs = sheet_rows(tmp_path, "党组织信息采集表")
    cells = [dict(zip(header, r, strict=True)) for r in orgs]
    assert [(c["所在单位情况"], c["单位名称"], c["单位类别"]) for c in cells] == [
        ("法人单位", "甲公司", "非公企业"),
        ("法人单位", "乙公司", "非公企业"),
        ("联合党支部", "乙公司、丙协会", ""),
    ]
    assert [c["党组织类别"] for c in cells] == ["非公有制企业"] * 3
    assert cells[2]["覆盖范围"] == "东区"


def test_the_forms_name_everything_and_hold_no_generated_id(ledgers):
    keyed, forms = ledgers
    ids = {
        r[0]
        for t in ("regions", "buildings", "units", "orgs", "members")
        for r in csv_rows(keyed, f"{t}.csv")[1:]
    }
    tables = {name: csv_rows(forms, name) for name in FORM_FILES if name.endswith(".csv")}
    tables |= {s: sheet_rows(forms, s) for s in ("党员花名册", "党组织信息采集表")}
    for name, (header, *body) in tables.items():
        assert not any("编号" in h or h.lower() == "id" for h in header), name
        code = (
            header.index("行政区划代码") if "行政区划代码" in header else -1
        )  # a community's code
        cells = {
            x for row in body for i, c in enumerate(row) if i != code for x in re.split("[、;]", c)
        }
        assert not cells & ids, name


def test_members_are_keyed_by_valid_distinct_id_numbers(ledgers):
    header, *roster = sheet_rows(ledgers[1], "党员花名册")
    cards = [r[header.index("公民身份号码")] for r in roster]
    assert len(set(cards)) == len(cards) == 7000
    assert all(card_problem(c) is None for c in cards)
    born = header.index("出生日期")
    assert all(c[6:10] == r[born][:4] for c, r in zip(cards, roster, strict=True))
    gender = header.index("性别")
    assert all(
        (int(c[16]) % 2 == 1) == (r[gender] == "男") for c, r in zip(cards, roster, strict=True)
    )


def test_generated_names_are_unique_where_a_form_names_them():
    w = plan("jingzhou", scale=0.3, seed=7)
    for kind, names in (
        ("regions", [r[1] for r in w.regions]),
        ("buildings", [b.name for b in w.buildings]),
        ("units", [u.name for u in w.units]),
        ("orgs", [o.name for o in w.orgs]),
    ):
        assert [n for n, k in Counter(names).items() if k > 1] == [], kind
    in_org = Counter((row[7], row[1]) for row in member_rows(w))
    assert [k for k, n in in_org.items() if n > 1] == []


def test_cli_generate_forms(tmp_path):
    out = tmp_path / "forms"
    args = ["generate", str(out), "--profile", "shuangtaizi", "--scale", "0.02", "--forms"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "党员花名册" in result.output and "网格台账.csv" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FORM_FILES)
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "x"), "--forms", "--xlsx"])
    assert result.exit_code == 2
    assert "not both" in result.output
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------- what they load as


def test_the_forms_load_with_every_reference_resolved(forms_data):
    report = forms_data.report
    refs = report.reference_counts()
    assert {"orgs.parent", "orgs.secretary", "members.org", "links.source"} <= set(refs)
    assert {c: n for c, n in refs.items() if n["ambiguous"] or n["unknown"]} == {}
    assert report.totals[2] == 0
    assert [p for p in report.problems if p.severity in ("error", "warning")] == []


def test_the_forms_give_the_id_keyed_ledgers_gaps_and_coverage(ledgers, forms_data, tmp_path):
    bare = tmp_path / "keyed"  # the forms hold no lists: the id-keyed ledger without them
    shutil.copytree(ledgers[0], bare)
    for table in LIST_TABLES:
        (bare / f"{table}.csv").unlink()
    expected = named_results(load_ledger(bare), AS_OF, fixes=False)
    got = named_results(forms_data, AS_OF, fixes=False)
    assert sum(r["count"] for r in expected["gaps"]["rules"].values()) > 100
    assert got["gaps"] == expected["gaps"]
    assert got["coverage"] == expected["coverage"]
