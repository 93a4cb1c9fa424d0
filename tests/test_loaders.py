"""Ledger reading and validation: every row loaded or reported, with file:row:column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.read import LedgerError, detect_encoding
from lianjian.loaders.values import BadValue, parse_date, split_list
from tests.ledgers import REGIONS, write_ledger

FIXTURES = Path(__file__).parent / "fixtures"


def problems_at(report, file: str) -> dict[tuple[int | None, str | None], str]:
    return {(p.row, p.column): p.reason for p in report.problems if p.file == file}


# ---------------------------------------------------------------- the broken ledger


@pytest.fixture(scope="module")
def broken():
    return load_ledger(FIXTURES / "broken")


def test_broken_counts_balance(broken):
    report = broken.report
    assert report.totals == (20, 13, 7)
    assert report.balanced
    assert dict(report.rejected) == {
        "regions.csv": 1,
        "buildings.csv": 1,
        "units.csv": 2,
        "orgs.csv": 2,
        "links.csv": 1,
    }


@pytest.mark.parametrize(
    "file, row, column, reason_start, severity",
    [
        ("regions.csv", 8, None, "undecodable bytes (file read as GB18030)", "error"),
        (
            "regions.csv",
            6,
            "上级编号",
            "wrong level nesting: a grid's parent must be a community",
            "warning",
        ),
        ("buildings.csv", 3, "户数", "not a whole number", "warning"),
        ("buildings.csv", 3, "所属网格", "reference to a missing ID R999", "warning"),
        ("buildings.csv", 4, "类型", "required value kind (类型) is empty", "error"),
        ("units.csv", 2, "类型", "required column kind (类型) is missing", "error"),
        ("units.csv", 3, "类型", "required column kind (类型) is missing", "error"),
        ("orgs.csv", 3, "届满日期", "not a calendar date", "warning"),
        ("orgs.csv", 4, "编号", "duplicate ID: first defined at orgs.csv:2", "error"),
        ("orgs.csv", 5, "类型", "unknown value; allowed: working_committee", "error"),
        ("members.csv", 3, "党员状态", "unknown value; allowed: full, probationary", "warning"),
        ("links.csv", 3, "目标编号", "reference to a missing ID O404: link rejected", "error"),
    ],
)
def test_broken_rows_reported(broken, file, row, column, reason_start, severity):
    hits = [
        p
        for p in broken.report.problems
        if p.file == file
        and p.row == row
        and p.column == column
        and p.reason.startswith(reason_start)
    ]
    assert len(hits) == 1, [p for p in broken.report.problems if p.file == file]
    assert hits[0].severity == severity


def test_broken_rest_of_row_loads(broken):
    # B002's grid is dangling: the building still loads, without its IN_GRID edge
    label, props = broken.nodes["B002"]
    assert label == "Building" and props["name"] == "2号楼" and "households" not in props
    assert not [e for e in broken.edges if e.source == "B002"]
    # the duplicate O001 kept its first definition
    assert broken.nodes["O001"][1]["name"] == "中共胜利街道工作委员会"
    # GB18030 text decoded, Traditional kept as written, search key simplified
    assert broken.nodes["R002"][1]["name"] == "勝利街道"
    assert broken.nodes["R002"][1]["name_key"] == "胜利街道"
    # leading zeros stay
    assert "007" in broken.nodes and broken.nodes["007"][0] == "Member"


def test_cli_validate_json_and_exit_code(broken, capsys):
    from typer.testing import CliRunner

    from lianjian.cli.app import app

    result = CliRunner().invoke(app, ["validate", str(FIXTURES / "broken"), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert (doc["rows_in"], doc["loaded"], doc["rejected"]) == (20, 13, 7)
    assert set(doc["problems"][0]) == {"file", "row", "column", "value", "reason", "severity"}


# ---------------------------------------------------------------- small ledgers


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_detected(tmp_path, encoding):
    led = write_ledger(tmp_path / encoding, {"regions": REGIONS}, encoding=encoding)
    data = load_ledger(led)
    assert data.report.problems == []
    assert [p["name"] for _, p in data.nodes.values()] == [
        "沙市区",
        "胜利街道",
        "东方社区",
        "一网格",
    ]


def test_detect_encoding_prefers_bom_then_utf8():
    assert detect_encoding("编号".encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding("编号".encode()) == "utf-8"
    assert detect_encoding("编号,名称".encode("gb18030")) == "gb18030"


def test_headers_fold_width_case_script_and_table_names(tmp_path):
    led = write_ledger(
        tmp_path,
        {
            "区划": [
                ["ＩＤ", " 名稱 ", "LEVEL", "上級編號"],
                ["R1", "沙市區", "區", ""],
                ["R2", "勝利街道", "街道", "R1"],
            ],
            "orgs 党组织": [
                [
                    "编号",
                    "名称",
                    "类型",
                    "覆盖范围",
                    "成立日期",
                    "评定等级",
                    "设委员会",
                    "自定义列",
                ],
                [
                    "O1",
                    "党工委",
                    "党工委",
                    "R1；R2、R9",
                    "2024年5月1日",
                    "软弱涣散",
                    "是",
                    "备注甲",
                ],
            ],
        },
    )
    data = load_ledger(led)
    assert data.nodes["R1"] == ("Region", data.nodes["R1"][1])
    assert data.nodes["R2"][1]["level"] == "street"
    org = data.nodes["O1"][1]
    assert org["founded"] == "2024-05-01"
    assert org["rating"] == 1
    assert org["has_committee"] is True
    assert org["自定义列"] == "备注甲"  # unknown columns are kept
    covers = sorted(e.target for e in data.edges if e.type == "COVERS")
    assert covers == ["R1", "R2"]
    assert [p.value for p in data.report.problems if p.column == "覆盖范围"] == ["R9"]


def test_title_row_above_header_is_skipped_not_counted(tmp_path):
    led = write_ledger(tmp_path, {"regions": [["胜利街道区划台账", "", "", ""], *REGIONS]})
    data = load_ledger(led)
    assert data.report.totals == (4, 4, 0)
    assert [(p.row, p.reason) for p in data.report.problems] == [(1, "above the header: skipped")]


def test_parent_cycle_reported_and_broken(tmp_path):
    led = write_ledger(
        tmp_path,
        {
            "regions": REGIONS,
            "orgs": [
                ["id", "name", "kind", "parent"],
                ["O1", "甲", "committee", "O3"],
                ["O2", "乙", "branch", "O1"],
                ["O3", "丙", "branch", "O2"],
            ],
        },
    )
    data = load_ledger(led)
    cycle = [p for p in data.report.problems if p.reason.startswith("parent cycle")]
    assert sorted(p.row for p in cycle) == [2, 3, 4]
    assert sum("this link dropped" in p.reason for p in cycle) == 1
    parents = {e.source: e.target for e in data.edges if e.type == "SUB_ORG_OF"}
    assert parents == {"O1": "O3", "O2": "O1"}  # O3 (listed last) lost its parent link


def test_missing_regions_table_is_an_error(tmp_path):
    led = write_ledger(tmp_path, {"orgs": [["id", "name", "kind"], ["O1", "甲", "branch"]]})
    data = load_ledger(led)
    assert any(p.file == "regions" and p.severity == "error" for p in data.report.problems)


def test_no_such_ledger_raises_clean_error(tmp_path):
    with pytest.raises(LedgerError, match="no such ledger"):
        load_ledger(tmp_path / "nope")


def test_binary_file_rejected_whole(tmp_path):
    led = write_ledger(tmp_path, {"regions": REGIONS})
    (led / "orgs.csv").write_bytes(b"\x00\x01\x02garbage\n\x00\xff\n\x07\x08\n")
    data = load_ledger(led)
    assert data.report.rejected["orgs.csv"] == 2
    assert data.report.balanced


def test_links_kinds_and_endpoint_checks(tmp_path):
    led = write_ledger(
        tmp_path,
        {
            "regions": [*REGIONS, ["C1", "花园小区", "compound", "R3"]],
            "units": [
                ["id", "name", "kind"],
                ["U1", "红星物业", "物业公司"],
                ["U2", "税务局", "机关"],
            ],
            "orgs": [
                ["id", "name", "kind", "rating"],
                ["O1", "强支部", "branch", "5"],
                ["O2", "弱支部", "branch", "1"],
                ["BC", "大党委", "大党委", ""],
            ],
            "links": [
                ["source", "target", "kind", "since", "until"],
                ["O1", "O2", "以强带弱", "2024-01-01", "2025-12-31"],
                ["O1", "O2", "联建共建", "2024-01-01", ""],
                ["U1", "C1", "物业服务", "", ""],
                ["U2", "C1", "物业服务", "", ""],
                ["U2", "O2", "兼职委员单位", "", ""],
                ["U2", "BC", "兼职委员单位", "", ""],
                ["O1", "O2", "以强带弱", "2024-01-01", ""],
            ],
        },
    )
    data = load_ledger(led)
    rejected = {p.row: p.reason for p in data.report.problems if p.file == "links.csv"}
    assert set(rejected) == {5, 6, 8}
    assert "needs property" in rejected[5]
    assert "needs big_committee" in rejected[6]
    assert rejected[8].startswith("duplicate link")
    jb = sorted((e.key, e.props.get("until")) for e in data.edges if e.type == "JOINT_BUILD")
    assert jb == [("joint_build|2024-01-01", None), ("strong_leads_weak|2024-01-01", "2025-12-31")]
    assert data.report.totals[0] == data.report.totals[1] + data.report.totals[2]


def test_xlsx_workbook_with_title_row_dates_and_extra_sheet(tmp_path):
    ledger = write_ledger(
        tmp_path,
        {
            "区划": [
                ["某某街道台账"],
                ["编号", "名称", "层级", "上级编号"],
                ["R1", "沙市区", "区", None],
                ["R2", "胜利街道", "街道", "R1"],
            ],
            "党组织": [
                ["编号", "名称", "类型", "届满日期", "评定等级"],
                [7, "党工委", "党工委", dt.datetime(2026, 5, 1), 4],
            ],
            "说明": [["填表说明"]],
        },
        xlsx=True,
    )
    wb = load_workbook(ledger)
    wb["党组织"]["A2"].number_format = "000"  # the id 7 shown as 007
    wb.save(ledger)
    data = load_ledger(ledger)
    assert data.nodes["007"][1]["term_end"] == "2026-05-01"
    assert data.nodes["007"][1]["rating"] == 4
    assert data.report.totals == (3, 3, 0)
    notices = sorted(p.reason for p in data.report.problems)
    assert notices == ["above the header: skipped", "not a ledger sheet name: sheet ignored"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01", "2024-05-01"),
        ("2024/5/1", "2024-05-01"),
        ("2024年5月1日", "2024-05-01"),
        ("２０２４－０５－０１", "2024-05-01"),
        ("45413", "2024-05-01"),
        ("2024-05-01 00:00:00", "2024-05-01"),
    ],
)
def test_date_forms(text, expected):
    assert parse_date(text) == expected


def test_bad_date():
    with pytest.raises(BadValue):
        parse_date("五月一日")


def test_list_separators():
    assert split_list("R1;R2；R3、R4,R5，R6") == ["R1", "R2", "R3", "R4", "R5", "R6"]


def test_report_never_echoes_personal_values(tmp_path):
    led = write_ledger(
        tmp_path,
        {
            "regions": REGIONS,
            "members": [
                ["id", "name", "birth_year", "gender"],
                ["M1", "张三", "一九八〇", "男"],
                ["M2", "王" * 5000, "1980", "女"],
            ],
        },
    )
    data = load_ledger(led)
    shown = [p.value for p in data.report.problems]
    assert shown == ["(personal data hidden)", "(personal data hidden)"]
    assert (data.report.loaded["members.csv"], data.report.rejected["members.csv"]) == (1, 1)
