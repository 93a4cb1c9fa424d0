"""The units the org form names (docs/ledger.md, "The standard forms"): each 单位名称 is
matched to a unit of the ledger by name, or the unit is created from the form, once,
of the kind its 单位类别 (else its 党组织类别) gives; a 联合党支部 covers the units it
lists; what cannot be created is reported; created units count apart from the rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.text import name_key
from lianjian.loaders.derive import derived_id
from lianjian.loaders.ledger import load_ledger
from tests.ledgers import write_ledger

TODAY = dt.date(2026, 12, 1)
REGIONS = [
    ["编号", "名称", "层级", "上级编号"],
    ["R1", "沙市区", "区", ""],
    ["R2", "胜利街道", "街道", "R1"],
    ["R3", "东方社区", "社区", "R2"],
]
UNITS = [["编号", "名称", "类型"], ["U1", "荆州市第一人民医院", "医院"]]
HEAD = [
    "编号",
    "类型",
    "党组织名称",
    "党组织类别",
    "上级党组织",
    "所在单位情况",
    "单位名称",
    "单位类别",
]
TOP = ["O1", "党工委", "中共胜利街道工作委员会", "街道社区", "", "", "", ""]


def unit_id(name: str) -> str:
    """The id of a unit placed nowhere, as a units table without ids derives it."""
    return derived_id("Unit", f"unit:{name_key(name)}")


BANK, SHOP, FIRM = unit_id("荆州银行"), unit_id("胜利超市"), unit_id("东方物业公司")


def load(tmp_path, orgs, xlsx=False, name="党组织信息采集表", **tables):
    tables = {"区划": REGIONS, "单位": UNITS, name: [HEAD, TOP, *orgs], **tables}
    return load_ledger(write_ledger(tmp_path, tables, xlsx=xlsx), today=TODAY)


def edges(data, rel):
    return sorted((e.source, e.target) for e in data.edges if e.type == rel)


def problems(data):
    return [(p.file, p.row, p.column, p.value, p.reason) for p in data.report.sorted_problems()]


def unit(data, node_id):
    label, props = data.nodes[node_id]
    assert label == "Unit"
    return {k: v for k, v in props.items() if k != "name_key"}


@pytest.mark.parametrize("xlsx", [False, True])
def test_a_unit_no_table_has_is_created_of_the_kind_the_form_gives(tmp_path, xlsx):
    data = load(
        tmp_path,
        [
            [
                "O2",
                "党支部",
                "荆州银行党支部",
                "国有企业",
                "O1",
                "法人单位",
                "荆州银行",
                "国有企业",
            ],
            ["O3", "党支部", "胜利超市党支部", "非公有制企业", "O1", "法人单位", "胜利超市", ""],
            [
                "O4",
                "党支部",
                "医院党支部",
                "其他事业单位",
                "O1",
                "法人单位",
                "荆州市第一人民医院",
                "",
            ],
        ],
        xlsx=xlsx,
    )
    where = "ledger.xlsx[党组织信息采集表]" if xlsx else "党组织信息采集表.csv"
    assert unit(data, BANK) == {  # its kind from 单位类别; its source the row naming it
        "id": BANK,
        "name": "荆州银行",
        "kind": "soe",
        "ledger_file": where,
        "ledger_row": 3,
    }
    assert unit(data, SHOP)["kind"] == "private"  # no 单位类别: 非公有制企业 gives it
    assert edges(data, "ORG_OF_UNIT") == sorted([("O2", BANK), ("O3", SHOP), ("O4", "U1")])
    assert "单位类别" not in data.nodes["O2"][1]
    assert problems(data) == []
    # created units are no rows of the ledger: the balance holds the rows only
    assert data.report.totals == (8, 8, 0)
    assert data.report.created == {"units": 2}
    assert data.report.references["orgs.unit"] == {"exact_name": 3}


def test_a_plain_orgs_table_creates_no_unit(tmp_path):
    """Without the form's own headers (单位类别, 所在单位情况) an orgs table is no org form."""
    head = [h for h in HEAD if h not in ("所在单位情况", "单位类别")]
    row = ["O2", "党支部", "荆州银行党支部", "国有企业", "O1", "荆州银行"]
    tables = {"区划": REGIONS, "单位": UNITS, "党组织": [head, TOP[:5] + [""], row]}
    data = load_ledger(write_ledger(tmp_path, tables), today=TODAY)
    assert [n for n, (label, _) in data.nodes.items() if label == "Unit"] == ["U1"]
    assert edges(data, "ORG_OF_UNIT") == []
    assert problems(data) == [
        (
            "党组织.csv",
            3,
            "单位名称",
            "荆州银行",
            "unknown name: no Unit has this name or ID: relationship dropped",
        )
    ]
    assert data.report.created == {}


@pytest.mark.parametrize("xlsx", [False, True])
def test_a_table_with_the_forms_headers_is_the_form_whatever_its_name(tmp_path, xlsx):
    """An orgs table named 党组织 (or a workbook's Sheet1) whose header has 单位类别 and
    所在单位情况 is the org form: its units are created, with a notice saying why."""
    row = ["O2", "党支部", "荆州银行党支部", "国有企业", "O1", "法人单位", "荆州银行", "国有企业"]
    name = "Sheet1" if xlsx else "党组织"
    data = load(tmp_path, [row], xlsx=xlsx, name=name)
    assert edges(data, "ORG_OF_UNIT") == [("O2", BANK)]
    assert data.nodes[BANK][1]["kind"] == "soe"
    assert "单位类别" not in data.nodes["O2"][1]
    file = "ledger.xlsx[Sheet1]" if xlsx else "党组织.csv"
    notice = "read as the 党组织信息采集表 (party organisation form): its header has 单位类别、所在单位情况"
    assert (file, None, None, None, notice) in problems(data)
    assert data.report.created == {"units": 1}


def test_a_regions_table_with_the_grid_ledgers_headers_holds_grids(tmp_path):
    """A regions table of any name with 网格名称 and 网格员 is the grid ledger: a row
    without a 层级 is a grid."""
    grids = [
        ["网格名称", "所属社区", "网格员"],
        ["东方社区第一网格", "东方社区", "赵网格"],
    ]
    tables = {"区划": REGIONS, "区划2": grids}
    data = load_ledger(write_ledger(tmp_path, tables), today=TODAY)
    grid = next(n for n, (label, p) in data.nodes.items() if p.get("name") == "东方社区第一网格")
    assert data.nodes[grid][1]["level"] == "grid"
    assert edges(data, "PART_OF").count((grid, "R3")) == 1


def test_one_unit_named_in_several_rows_is_created_once(tmp_path):
    data = load(
        tmp_path,
        [
            ["O2", "党支部", "荆州银行第一党支部", "国有企业", "O1", "法人单位", "荆州银行", ""],
            ["O3", "党支部", "荆州银行第二党支部", "国有企业", "O1", "法人单位", "荊州銀行", ""],
            [
                "O4",
                "党支部",
                "荆州银行第三党支部",
                "国有企业",
                "O1",
                "法人单位",
                "荆州银行",
                "社会组织",
            ],
        ],
    )
    assert [n for n, (label, _) in data.nodes.items() if label == "Unit"] == ["U1", BANK]
    assert data.nodes[BANK][1]["name"] == "荆州银行"  # as the first row names it
    assert edges(data, "ORG_OF_UNIT") == sorted([("O2", BANK), ("O3", BANK), ("O4", BANK)])
    assert data.report.created == {"units": 1}
    assert [p for p in problems(data) if p[0] == "党组织信息采集表.csv"] == [
        (
            "党组织信息采集表.csv",
            5,
            "单位类别",
            "社会组织",
            f"荆州银行 ({BANK}) is of kind soe (国有企业), the form says social (社会组织): "
            "its kind kept",
        )
    ]
    assert data.report.references["orgs.unit"] == {"exact_name": 2, "folded_name": 1}


def test_a_joint_branch_covers_each_unit_it_lists(tmp_path):
    data = load(
        tmp_path,
        [
            [
                *("O2", "联合党支部", "东方社区非公企业联合党支部", "非公有制企业", "O1"),
                *("联合党支部", "胜利超市、东方物业公司；荆州市第一人民医院", ""),
            ],
            ["O3", "党支部", "胜利超市党支部", "非公有制企业", "O1", "法人单位", "胜利超市", ""],
        ],
    )
    assert edges(data, "COVERS") == sorted([("O2", SHOP), ("O2", FIRM), ("O2", "U1")])
    assert edges(data, "ORG_OF_UNIT") == [("O3", SHOP)]  # the joint branch is no unit's own
    assert (unit(data, SHOP)["kind"], unit(data, FIRM)["kind"]) == ("private", "private")
    assert unit(data, "U1")["kind"] == "hospital"
    assert data.report.created == {"units": 2}
    assert problems(data) == []
    assert data.report.references["orgs.covers"] == {"exact_name": 3}


def test_an_org_form_without_ids_places_each_organisation_in_its_created_unit(tmp_path):
    head = ["类型", "党组织名称", "党组织类别", "单位名称"]
    orgs = [head, ["党支部", "荆州银行党支部", "国有企业", "荆州银行"]]
    data = load_ledger(
        write_ledger(tmp_path, {"区划": REGIONS, "党组织信息采集表": orgs}), today=TODAY
    )
    org = derived_id("PartyOrg", f"unit:{name_key('荆州银行')}/org:{name_key('荆州银行党支部')}")
    assert edges(data, "ORG_OF_UNIT") == [(org, BANK)]
    assert unit(data, BANK)["kind"] == "soe"


def test_a_unit_whose_rows_are_all_rejected_is_not_kept(tmp_path):
    head = ["类型", "党组织名称", "党组织类别", "上级党组织", "单位名称"]
    orgs = [
        head,
        ["党支部", "荆州银行党支部", "国有企业", "不存在的党委", "荆州银行"],  # no id derived
        ["党支部", "胜利超市党支部", "非公有制企业", "", "胜利超市"],
    ]
    data = load_ledger(
        write_ledger(tmp_path, {"区划": REGIONS, "党组织信息采集表": orgs}), today=TODAY
    )
    assert BANK not in data.nodes and SHOP in data.nodes
    assert data.report.created == {"units": 1}
    assert data.report.totals == (5, 4, 1)
    assert [p[1:3] for p in problems(data)] == [(2, "上级党组织")]


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (  # 农村 gives no unit kind, and 单位类别 is empty
            ["O2", "党支部", "某村党支部", "农村", "O1", "法人单位", "某村委会", ""],
            "单位类别 gives no kind, the category 农村 gives none",
        ),
        (
            ["O2", "党支部", "某村党支部", "", "O1", "法人单位", "某村委会", ""],
            "单位类别 gives no kind, nor does a category",
        ),
        (  # a kind that cannot be read is not replaced by the category's
            ["O2", "党支部", "某村党支部", "国有企业", "O1", "法人单位", "某村委会", "公益类"],
            "its 单位类别 公益类 is no unit kind",
        ),
        (  # a text that reads as an id of no unit is not taken for a name
            ["O2", "党支部", "某党支部", "国有企业", "O1", "法人单位", "U7", ""],
            "it reads as an ID, not a name",
        ),
        (  # several units where the organisation is no joint branch
            ["O2", "党支部", "某党支部", "国有企业", "O1", "法人单位", "甲公司、乙公司", ""],
            "2 units named, but 所在单位情况 is not 联合党支部",
        ),
    ],
)
def test_a_unit_that_cannot_be_created_is_reported(tmp_path, row, why):
    data = load(tmp_path, [row])
    assert [n for n, (label, _) in data.nodes.items() if label == "Unit"] == ["U1"]
    assert edges(data, "ORG_OF_UNIT") == []
    assert "O2" in data.nodes  # the row loads, without its unit
    unit_problems = [p for p in problems(data) if p[2] == "单位名称"]
    assert unit_problems == [
        (
            "党组织信息采集表.csv",
            3,
            "单位名称",
            row[6],
            "unknown name: no Unit has this name or ID; no unit created: "
            f"{why}: relationship dropped",
        )
    ]
    assert data.report.created == {}
    assert data.report.references["orgs.unit"] == {"unknown": 1}


def test_an_unreadable_unit_kind_is_reported_at_its_cell(tmp_path):
    row = ["O2", "党支部", "医院党支部", "其他事业单位", "O1", "法人单位", "荆州市第一人民医院"]
    data = load(tmp_path, [[*row, "公益类"]])
    assert edges(data, "ORG_OF_UNIT") == [("O2", "U1")]  # the unit is matched all the same
    assert [p for p in problems(data) if p[2] == "单位类别"] == [
        (
            "党组织信息采集表.csv",
            3,
            "单位类别",
            "公益类",
            "unknown value; allowed: agency, institution, soe, private, social, property, "
            "school, hospital (or their Chinese names): value dropped",
        )
    ]


def test_a_unit_kind_without_a_unit_is_reported(tmp_path):
    data = load(
        tmp_path, [["O2", "党支部", "某党支部", "国有企业", "O1", "法人单位", "", "国有企业"]]
    )
    assert problems(data) == [
        (
            "党组织信息采集表.csv",
            3,
            "单位类别",
            "国有企业",
            "no unit named (单位名称 is empty): value dropped",
        )
    ]


def test_the_roster_works_at_a_unit_created_from_the_org_form(tmp_path):
    roster = [
        ["编号", "姓名", "所在党支部", "工作单位"],
        ["M1", "张三", "荆州银行党支部", "荊州銀行"],
    ]
    data = load(
        tmp_path,
        [["O2", "党支部", "荆州银行党支部", "国有企业", "O1", "法人单位", "荆州银行", ""]],
        党员=roster,
    )
    assert edges(data, "WORKS_AT") == [("M1", BANK)]
    assert edges(data, "MEMBER_OF") == [("M1", "O2")]


def test_validate_says_how_many_units_were_created(tmp_path):
    load(
        tmp_path,
        [["O2", "党支部", "荆州银行党支部", "国有企业", "O1", "法人单位", "荆州银行", ""]],
    )
    runner = CliRunner()
    doc = json.loads(runner.invoke(app, ["validate", str(tmp_path), "--format", "json"]).stdout)
    assert doc["created"] == {"units": 1}
    assert (doc["rows_in"], doc["loaded"], doc["rejected"]) == (6, 6, 0)
    text = runner.invoke(app, ["validate", str(tmp_path)]).output
    assert "created from the forms (not rows of the ledger): units 1" in text
    assert "rows in 6 = loaded 6 + rejected 0" in text


def test_the_unit_kind_is_a_header_of_a_header_split_over_two_rows(tmp_path):
    orgs = [  # 所在单位信息 merged across 单位名称 | 单位类别, the row below
        ["编号", "类型", "党组织名称", "所在单位信息", ""],
        ["", "", "", "单位名称", "单位类别"],
        ["O2", "党支部", "荆州银行党支部", "荆州银行", "国有企业"],
    ]
    data = load_ledger(
        write_ledger(tmp_path, {"区划": REGIONS, "党组织信息采集表": orgs}), today=TODAY
    )
    assert edges(data, "ORG_OF_UNIT") == [("O2", BANK)]
    assert unit(data, BANK)["kind"] == "soe"


def test_a_name_several_units_have_creates_none_and_is_ambiguous(tmp_path):
    units = [
        ["编号", "名称", "类型", "所在位置"],
        ["U1", "荆州市第一人民医院", "医院", ""],
        ["U2", "胜利超市", "非公企业", "R3"],
        ["U3", "胜利超市", "非公企业", "R2"],
    ]
    row = ["O2", "党支部", "胜利超市党支部", "非公有制企业", "O1", "法人单位", "胜利超市", ""]
    data = load(tmp_path, [row], 单位=units)
    assert data.report.created == {} and SHOP not in data.nodes
    assert edges(data, "ORG_OF_UNIT") == []
    assert [p[2:] for p in problems(data)] == [
        (
            "单位名称",
            "胜利超市",
            "ambiguous name: 2 candidates, 沙市区/胜利街道/东方社区/胜利超市 (U2); "
            "沙市区/胜利街道/胜利超市 (U3): relationship dropped",
        )
    ]


def test_a_unit_named_as_written_is_the_one_meant_and_an_id_is_an_id(tmp_path):
    units = [
        ["编号", "名称", "类型"],
        ["U1", "荆州市第一人民医院", "医院"],
        ["U2", "荆州银行", "国有企业"],
        ["U3", "荊州銀行", "非公企业"],  # the same name folded: as written, U2 is meant
    ]
    rows = [
        ["O2", "党支部", "荆州银行党支部", "国有企业", "O1", "法人单位", "荆州银行", "社会组织"],
        ["O3", "党支部", "医院党支部", "其他事业单位", "O1", "法人单位", "U1", "学校"],
    ]
    data = load(tmp_path, rows, 单位=units)
    assert edges(data, "ORG_OF_UNIT") == [("O2", "U2"), ("O3", "U1")]
    assert data.report.created == {}
    assert [p[1:] for p in problems(data)] == [
        (
            3,
            "单位类别",
            "社会组织",
            "荆州银行 (U2) is of kind soe (国有企业), the form says social (社会组织): its kind kept",
        ),
        (
            4,
            "单位类别",
            "学校",
            "荆州市第一人民医院 (U1) is of kind hospital (医院), the form says school (学校): its kind kept",
        ),
    ]


def test_a_created_unit_has_the_id_a_units_table_without_ids_gives_it(tmp_path):
    row = ["O2", "党支部", "荆州银行党支部", "国有企业", "O1", "法人单位", "荆州银行", ""]
    created = load(tmp_path / "form", [row])
    listed = load(tmp_path / "table", [row], 单位=[["名称", "类型"], ["荊州銀行", "国有企业"]])
    assert edges(created, "ORG_OF_UNIT") == edges(listed, "ORG_OF_UNIT") == [("O2", BANK)]
    assert (created.report.created, listed.report.created) == ({"units": 1}, {})
    assert listed.nodes[BANK][1]["ledger_file"] == "单位.csv"  # the table's row, not the form's
