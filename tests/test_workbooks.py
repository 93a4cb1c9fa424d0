"""Workbooks: the format told by the content, what is refused and how, and what the
cells say beyond their values (merged ranges, offsets, ``000`` formats, numeric ids)."""

from __future__ import annotations

import struct

import pytest
import xlwt
from openpyxl import Workbook
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.read import LedgerError
from lianjian.loaders.sniff import ODS, TEXT, XLS, XLSX, sniff
from lianjian.loaders.xls import _walk
from tests.fixtures.bad.make_workbooks import ORGS, _zip, ods_bytes, xls_bytes, xlsx_bytes
from tests.ledgers import REGIONS

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    "body, kind",
    [
        (xlsx_bytes({"regions": REGIONS}), XLSX),
        (xls_bytes({"regions": REGIONS}), XLS),
        (ods_bytes({"regions": REGIONS}, {}), ODS),
        ("编号\t名称\nR1\t沙市区\n".encode(), TEXT),
        (b"<html><table><tr><td>1</td></tr></table></html>", "an HTML page"),
        (b"%PDF-1.7\n", "a PDF document"),
        (_zip({"word/document.xml": ""}), "a Word document"),
        (_zip({"Index/Document.iwa": ""}), "an Apple Numbers document"),
        (OLE + "EncryptedPackage".encode("utf-16-le"), "a password-protected (encrypted) workbook"),
        (b"PK\x03\x04" + b"\x00" * 64, "BadZipFile"),
    ],
)
def test_the_format_is_told_by_the_content(tmp_path, body, kind):
    f = tmp_path / "orgs.xls"
    f.write_bytes(body)
    assert sniff(f) == kind


@pytest.mark.parametrize(
    "name, body, message",
    [
        (
            "orgs.xls",
            b"<html><table></table></html>",
            "orgs.xls: not a readable Excel 97–2003 workbook (an HTML page)",
        ),
        (
            "ledger.ods",
            _zip({"word/document.xml": ""}),
            "ledger.ods: not a readable OpenDocument spreadsheet (a Word document)",
        ),
        (
            "ledger.et",
            OLE + "EncryptedPackage".encode("utf-16-le"),
            "ledger.et: not a readable WPS spreadsheet (a password-protected (encrypted) workbook)",
        ),
    ],
)
def test_a_workbook_that_cannot_be_read_is_refused_with_its_name_and_format(
    tmp_path, name, body, message
):
    f = tmp_path / name
    f.write_bytes(body)
    with pytest.raises(LedgerError) as e:
        load_ledger(f)
    assert str(e.value) == message
    result = CliRunner().invoke(app, ["validate", str(f)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {message}"


def test_a_broken_ole_file_names_calamines_reason(tmp_path):
    f = tmp_path / "orgs.xls"
    f.write_bytes(OLE + b"\x00" * 600)
    with pytest.raises(LedgerError, match=r"^orgs\.xls: not a readable Excel 97–2003 workbook \("):
        load_ledger(f)


def test_data_away_from_a1_keeps_its_row_numbers_and_column_letters(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "orgs"
    ws["C3"], ws["D3"], ws["E3"] = "id", "name", "kind"
    ws["C4"], ws["D4"], ws["E4"] = "O1", "甲支部", "branch"
    ws["C6"], ws["D6"], ws["E6"] = "O2", "乙支部", "=1+1"  # a formula never computed
    ws.merge_cells("C7:C8")  # merged down in the data: the id filled into row 8
    ws["C7"], ws["D7"], ws["D8"], ws["E7"], ws["E8"] = "O3", "丙", "丁", "branch", "branch"
    f = tmp_path / "orgs.xlsx"
    wb.save(f)
    data = load_ledger(f)
    problems = {(p.row, p.column, p.reason) for p in data.report.problems}
    assert (
        6,
        None,
        "cell E6 holds a formula with no saved result "
        "(open and save the workbook in Excel, or paste the values)",
    ) in problems
    assert (
        7,
        "id",
        "merged cells C7:C8: the value of C7 filled down into row 8",
    ) in problems
    assert data.nodes["O1"][1]["ledger_row"] == 4
    dup = [p for p in data.report.problems if p.reason.startswith("duplicate ID")]
    assert [(p.row, p.value) for p in dup] == [(8, "O3")]  # the filled value, in its row


def test_merged_cells_across_columns_and_in_the_header_are_not_filled(tmp_path):
    sheets = {
        "orgs": [
            ["id", "name", "kind", "covers"],
            [None, None, None, None],
            ["O1", "甲支部", "branch", None],
            ["O2", "乙支部", "branch", None],
        ]
    }
    f = tmp_path / "orgs.xlsx"
    f.write_bytes(xlsx_bytes(sheets, merged={"orgs": ["A1:A2", "C3:D3"]}))
    data = load_ledger(f)
    assert not [p for p in data.report.problems if "merged" in p.reason]
    assert data.nodes["O1"][1]["kind"] == "branch"
    assert not [e for e in data.edges if e.type == "COVERS"]  # "branch" not spread into covers


def test_a_zero_format_id_is_read_as_shown_and_not_reported_as_numeric(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "orgs"
    ws.append(["id", "name", "kind"])
    ws.append(["001", "甲支部", "branch"])
    ws.append([2, "乙支部", "branch"])
    ws["A3"].number_format = "000"
    ws.append([3, "丙支部", "branch"])
    f = tmp_path / "orgs.xlsx"
    wb.save(f)
    data = load_ledger(f)
    assert {"001", "002", "3"} <= set(data.nodes)
    numeric = [p for p in data.report.problems if p.reason.startswith("numeric cell")]
    assert [(p.row, p.column, p.value) for p in numeric] == [(4, "id", "3")]
    assert "did you mean 003?" in numeric[0].reason


def test_a_personal_reference_that_lost_its_zeros_is_reported_without_its_value(tmp_path):
    (tmp_path / "regions.csv").write_text("id,name,level\nR1,沙市区,grid\n", "utf-8")
    (tmp_path / "buildings.csv").write_text("id,name,kind,grid\n0007,7号楼,住宅,R1\n", "utf-8")
    (tmp_path / "members.xlsx").write_bytes(
        xlsx_bytes({"members": [["id", "name", "home"], ["M1", "张三", 7]]})
    )
    data = load_ledger(tmp_path)
    numeric = [p for p in data.report.problems if p.reason.startswith("numeric cell")]
    assert [(p.column, p.value, p.hidden_value) for p in numeric] == [
        ("home", "(personal data hidden)", "7")
    ]
    assert "did you mean 0007?" in numeric[0].reason


def test_an_xlsx_named_xls_is_read_by_its_content(tmp_path):
    f = tmp_path / "ledger.xls"
    f.write_bytes(xlsx_bytes({"regions": REGIONS, "orgs": ORGS}))
    data = load_ledger(f)
    assert data.report.totals == (6, 6, 0)
    assert [p.reason for p in data.report.problems] == [
        "stored as an XLSX workbook, not the Excel 97–2003 workbook its name says: read as such"
    ]


def test_a_file_added_that_is_not_read_changes_the_fingerprint(tmp_path):
    """The report names it, so a cached report from before it came is stale."""
    (tmp_path / "regions.csv").write_text("id,name,level\nR1,沙市区,district\n", "utf-8")
    before = ledger_fingerprint(tmp_path)
    (tmp_path / "说明.docx").write_bytes(_zip({"word/document.xml": ""}))
    assert ledger_fingerprint(tmp_path) != before
    named = [p for p in load_ledger(tmp_path).report.problems if p.file == "说明.docx"]
    assert [(p.reason, p.severity) for p in named] == [
        ("a .docx file, not a ledger file: not read", "notice")
    ]


def test_a_spreadsheet_lianjian_cannot_read_is_a_warning_and_a_readme_a_notice(tmp_path):
    (tmp_path / "regions.csv").write_text("id,name,level\nR1,沙市区,district\n", "utf-8")
    (tmp_path / "党员.numbers").write_bytes(_zip({"Index/Document.iwa": ""}))
    (tmp_path / "README.md").write_text("# 台账\n", "utf-8")
    (tmp_path / "orgs.tsv").write_text("id\tname\tkind\nO1\t甲支部\tbranch\n", "utf-8")
    data = load_ledger(tmp_path)
    assert data.report.totals == (2, 2, 0)
    assert sorted((p.file, p.severity) for p in data.report.problems) == [
        ("README.md", "notice"),
        ("党员.numbers", "warning"),
    ]


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path):
    (tmp_path / "regions.csv").write_bytes(xlsx_bytes({"Sheet1": REGIONS}))
    data = load_ledger(tmp_path)
    assert data.report.totals == (4, 4, 0)
    assert [p.reason for p in data.report.problems] == [
        "stored as an XLSX workbook, not the text file its name says: read as such",
        "default sheet name: read as the regions table, whose header it has",
    ]


# ---------------------------------------------------------------- error cells in .xls


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _stream(*sheet_records: bytes) -> bytes:
    """A BIFF8 Workbook stream: globals naming one sheet 区划, then that sheet."""
    name = "区划".encode("utf-16-le")
    globals_ = [_record(0x0809, b"\x00\x06\x05\x00" + b"\x00" * 12)]
    offset = len(globals_[0]) + len(_record(0x0085, b"\x00" * (8 + len(name)))) + 4  # + EOF
    globals_.append(_record(0x0085, struct.pack("<IBBBB", offset, 0, 0, 2, 1) + name))
    globals_.append(_record(0x000A, b""))
    sheet = [_record(0x0809, b"\x00\x06\x10\x00" + b"\x00" * 12), *sheet_records]
    sheet.append(_record(0x000A, b""))
    stream = b"".join(globals_)
    assert len(stream) == offset
    return stream + b"".join(sheet)


def _formula(row: int, col: int, result: bytes) -> bytes:
    return _record(0x0006, struct.pack("<HHH", row, col, 15) + result + b"\x00" * 6 + b"\x00\x00")


def test_an_error_cell_in_an_xls_sheet_rejects_its_row(tmp_path):
    """calamine reads #REF! in an .xls as an empty cell: the record scan finds it."""
    wb = xlwt.Workbook()
    ws = wb.add_sheet("区划")
    for j, h in enumerate(["编号", "名称", "层级", "上级编号"]):
        ws.write(0, j, h)
    for i, row in enumerate(REGIONS[1:], 1):
        for j, v in enumerate(row):
            if (i, j) == (2, 1):  # the second region's name
                ws.row(i).set_cell_error(j, "#REF!")
            else:
                ws.write(i, j, v)
    wb.save(str(tmp_path / "ledger.xls"))
    data = load_ledger(tmp_path / "ledger.xls")
    problems = [(p.file, p.row, p.reason, p.severity) for p in data.report.sorted_problems()]
    assert ("ledger.xls[区划]", 3, "cell B3 shows the Excel error #REF!", "error") in problems
    assert REGIONS[2][0] not in data.nodes and REGIONS[1][0] in data.nodes


def test_the_xls_scan_finds_formula_errors_and_only_them():
    error = _formula(4, 2, b"\x02\x00\x07\x00\x00\x00\xff\xff")  # #DIV/0!
    number = _formula(5, 2, struct.pack("<d", 2.5))
    text = _formula(6, 2, b"\x00\x00\x00\x00\x00\x00\xff\xff")  # a string result
    assert _walk(_stream(error, number, text)) == {"区划": {(5, 2): ("error", "#DIV/0!")}}


def test_a_chart_inside_a_sheet_does_not_hide_the_cells_after_it():
    chart = _record(0x0809, b"\x00\x06\x20\x00" + b"\x00" * 12) + _record(0x000A, b"")
    boolerr = _record(0x0205, struct.pack("<HHH", 9, 0, 15) + b"\x17\x01")
    assert _walk(_stream(chart, boolerr)) == {"区划": {(10, 0): ("error", "#REF!")}}
