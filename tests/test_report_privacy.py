"""The validation report never echoes personal values unless ``--with-names``.

A value of a column the schema marks ``personal`` (a member's name, birth year, home),
and any cell of a members row that belongs to no column (a row above the header, an
extra column, a row pasted into one cell), is shown as ``(personal data hidden)`` in
the report, in ``lianjian validate``'s table and JSON; file, row, column and reason
stay, and the counts balance the same either way. Values that are not personal (an
organisation's ID, a title row of the orgs table, a unit kind) are still echoed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.report import HIDDEN, Report
from lianjian.loaders.ledger import load_ledger

CASE = Path(__file__).parent / "fixtures" / "bad" / "personal_values"
REGIONS = "id,name,level,parent\nR1,沙市区,district,\nR2,胜利街道,street,R1\nR3,一网格,grid,R2\n"

# what the corpus case holds that no report may show without --with-names
ABOVE_HEADER = "M9 周八 1975 B1"  # a member row above the header, cells joined
HOME = "B404"  # a home building that does not exist
BIRTH_YEAR = "一九八〇"
# the start of a row pasted into 备注 (a column of no schema name), as --with-names shows
# it: the ID number in it masked even then
PASTE = "王五 男 1990 " + "*" * 18
PERSONAL = ["周八", "1975", HOME, BIRTH_YEAR, "420102199001011234"]
# and what it holds that is not personal and must still be shown
NOT_PERSONAL = ["O404", "胜利街道党组织台账", "公司企业"]


def validate(*args: str):
    result = CliRunner().invoke(app, ["validate", str(CASE), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1  # a unit row is rejected
    return result


def problems_of(doc: dict) -> dict[tuple[int | None, str | None], str | None]:
    return {
        (p["row"], p["column"]): p["value"] for p in doc["problems"] if p["file"] == "members.csv"
    }


def test_json_hides_the_three_reproductions_unless_with_names():
    out = validate("--format", "json").stdout
    doc = json.loads(out)
    members = problems_of(doc)
    assert members[(1, None)] == HIDDEN  # the row above the header
    assert members[(3, "home")] == HIDDEN  # the bad home reference
    assert members[(4, "birth_year")] == HIDDEN
    assert members[(5, "备注")] == HIDDEN  # the over-long extra column
    for value in PERSONAL:
        assert value not in out
    assert members[(4, "org")] == "O404"
    for value in NOT_PERSONAL:
        assert value in out
    # the problem stays useful: file, row, column and reason are all there
    reasons = {(p["row"], p["column"]): p["reason"] for p in doc["problems"]}
    assert reasons[(3, "home")] == "reference to a missing ID: relationship dropped"
    assert reasons[(5, "备注")] == "cell too long (4349 characters, at most 4000): value dropped"

    out = validate("--format", "json", "--with-names").stdout
    members = problems_of(json.loads(out))
    assert members[(1, None)] == ABOVE_HEADER
    assert members[(3, "home")] == HOME
    assert members[(4, "birth_year")] == BIRTH_YEAR
    assert members[(5, "备注")].startswith(PASTE)
    assert "420102199001011234" not in out
    assert members[(5, "备注")].endswith("… (4349 characters)")  # still clipped
    assert members[(4, "org")] == "O404"
    for value in NOT_PERSONAL:
        assert value in out


def test_the_counts_balance_the_same_with_or_without_names():
    hidden = json.loads(validate("--format", "json").stdout)
    shown = json.loads(validate("--format", "json", "--with-names").stdout)
    for doc in (hidden, shown):
        assert (doc["rows_in"], doc["loaded"], doc["rejected"]) == (10, 9, 1)
        assert doc["files"]["members.csv"] == {"rows_in": 3, "loaded": 3, "rejected": 0}
    assert hidden["files"] == shown["files"]
    assert hidden["problems"] != shown["problems"]  # only the values differ
    strip = [{k: v for k, v in p.items() if k != "value"} for p in hidden["problems"]]
    assert strip == [{k: v for k, v in p.items() if k != "value"} for p in shown["problems"]]


def test_table_hides_them_unless_with_names():
    table = validate().stdout
    for value in PERSONAL:
        assert value not in table
    assert "personal" in table and "O404" in table and "公司企业" in table
    named = validate("--with-names").stdout
    for value in ("周八", "1975", HOME, BIRTH_YEAR):
        assert value in named


def test_the_report_hides_the_value_and_keeps_it_for_with_names():
    data = load_ledger(CASE)
    home = next(p for p in data.report.problems if p.column == "home")
    assert (home.file, home.row, home.value) == ("members.csv", 3, HIDDEN)
    assert HOME not in repr(home) and HOME not in home.reason
    assert home.shown() == HIDDEN and home.shown(with_names=True) == HOME
    assert HOME not in json.dumps(data.report.to_dict(), ensure_ascii=False)
    assert HOME in json.dumps(data.report.to_dict(with_names=True), ensure_ascii=False)


def write(folder: Path, tables: dict[str, str]) -> Path:
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, "utf-8")
    return folder


def test_a_home_of_the_wrong_kind_is_not_named_in_the_reason(tmp_path):
    led = write(tmp_path, {"regions": REGIONS, "members": "id,name,home\nM1,张三,R3\n"})
    (p,) = [p for p in load_ledger(led).report.problems if p.file == "members.csv"]
    assert (p.row, p.column, p.value) == (2, "home", HIDDEN)
    assert p.reason == "the ID is a Region(grid), expected Building: relationship dropped"
    assert p.shown(with_names=True) == "R3"


@pytest.mark.parametrize(
    "members, column",
    [
        # a row pasted over the header: a header cell too long to be a column name
        ("id,name," + "张三 420102199001011234 " * 20 + "\nM1,李四,x\n", "column_3"),
        # a row pasted into a column that is not personal
        ("id,name,education\nM1,李四," + "张三 420102199001011234 " * 200 + "\n", "education"),
        # more cells than the header has columns
        ("id,name\nM1,李四," + "张三 420102199001011234 " * 200 + "\n", "column_3"),
    ],
)
def test_a_members_cell_of_no_column_is_hidden(tmp_path, members, column):
    # the same kinds of cells in tables that are not personal are echoed
    paste = "甲支部 党支部 " * 600
    orgs = f"id,name,kind,备注\nO1,甲支部,branch,{paste}\n"
    regions = "胜利街道区划台账\n" + REGIONS
    led = write(tmp_path, {"regions": regions, "orgs": orgs, "members": members})
    data = load_ledger(led)
    (p,) = [p for p in data.report.problems if p.file == "members.csv" and p.column == column]
    assert p.value == HIDDEN
    # with names the cell is shown, but an ID number in it stays masked even then
    assert p.shown(with_names=True).startswith("张三 " + "*" * 18 + " 张三")
    shown = {(p.file, p.column): p.value for p in data.report.problems}
    assert shown[("regions.csv", None)] == "胜利街道区划台账"
    assert shown[("orgs.csv", "备注")].startswith("甲支部 党支部")
    assert data.report.balanced


def test_report_add_hides_only_what_is_marked_personal():
    r = Report()
    r.add("members.csv", 2, "name", "张三", "too long", personal=True)
    r.add("members.csv", 2, "org", "O9", "missing")
    r.add("members.csv", 3, "name", None, "empty", personal=True)
    assert [p.value for p in r.problems] == [HIDDEN, "O9", None]
    assert [p.shown(with_names=True) for p in r.problems] == ["张三", "O9", None]
