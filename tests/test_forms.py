"""The standard forms (docs/ledger.md, "The standard forms"): a file or sheet named after
a form is read as its table, and the form's own headers as the table's columns, with
units, organisations and communities named instead of given by id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lianjian.core.idcard import card_id
from lianjian.core.privacy import pseudonym_key
from lianjian.core.schema import SCHEMA, load_schema
from lianjian.export.rdf import export_rdf
from lianjian.export.validate import validate_rdf
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.derive import derived_id
from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.places import UNMATCHED
from lianjian.loaders.read import match_table
from tests.fixtures.bad.make_forms import number
from tests.ledgers import write_ledger

TODAY = dt.date(2026, 12, 1)


ZHANG = number("42100219800501123")  # born 1980-05-01, male (odd 17th digit)
LI = number("42100219920315102")  # born 1992-03-15, female

GRIDS = [  # 网格台账: the grids of 东方社区, named, with their statistical codes
    ["编号", "层级", "网格名称", "所属社区", "行政区划代码", "网格员", "户数", "楼栋"],
    ["G1", "网格", "东方社区第一网格", "东方社区", "421002001001", "赵网格", "320", "1-6号楼"],
    ["G2", "网格", "东方社区第二网格", "东方社区", "42100200100", "钱网格", "1,200", ""],
]
REGIONS = [
    ["id", "name", "level", "parent"],
    ["R1", "沙市区", "district", ""],
    ["R2", "胜利街道", "street", "R1"],
    ["R3", "东方社区", "community", "R2"],
]
UNITS = [
    ["id", "name", "kind"],
    ["U1", "荆州市第一人民医院", "医院"],
    ["U2", "胜利物业公司", "物业"],
]
ORG_FORM = [  # 党组织信息采集表
    [
        *("编号", "类型", "党组织名称", "党组织类别", "上级党组织", "书记", "成立日期"),
        *("换届日期", "所在单位情况", "单位名称", "单位类别"),
    ],
    [
        *("O1", "党委", "中共胜利街道工作委员会", "街道社区", "", "", "1985-07-01"),
        *("2027-06-30", "", "", ""),
    ],
    [
        *("O2", "党支部", "中共荆州市第一人民医院支部委员会", "其他事业单位", "胜利街道党工委"),
        *("张三", "2001-07-01", "2024-06-30", "法人单位", "荆州市第一人民医院", "事业单位"),
    ],
]
ROSTER = [  # 党员花名册: keyed by the citizen ID number, no 编号
    [
        *("姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "入党日期"),
        *(
            "转正日期",
            "所在党支部",
            "工作单位",
            "家庭住址",
            "联系电话",
            "是否流动党员",
            "是否失联党员",
        ),
    ],
    [
        *("张三", "男", "汉族", ZHANG, "1980-05-01", "大学本科", "正式党员", "2005-06-30"),
        *("2006-07-01", "荆州市第一人民医院党支部", "荆州市第一人民医院", "沙市区北京路1号"),
        *("13800001111", "否", "是"),
    ],
    [
        *("李四", "女", "土家族", LI, "1992年3月", "硕士研究生", "预备党员", "2026-05-01"),
        *("", "荆州市第一人民医院党支部", "荆州市第一人民医院", "", "", "是", "否"),
    ],
]


def load(tmp_path, xlsx=False, **tables):
    tables = {"区划": REGIONS, "网格台账": GRIDS, "单位": UNITS, **tables}
    return load_ledger(write_ledger(tmp_path, tables, xlsx=xlsx), today=TODAY)


def edges(data, rel):
    return sorted((e.source, e.target) for e in data.edges if e.type == rel)


def problems(data):
    return [(p.file, p.row, p.column, p.value, p.reason) for p in data.report.sorted_problems()]


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("党员花名册", "members"),
        ("党员信息采集表", "members"),
        ("2024年党员花名册", "members"),
        ("党组织信息采集表", "orgs"),
        ("党组织和所在单位基本信息", "orgs"),
        ("网格台账", "regions"),
        ("胜利街道网格台账", "regions"),
    ],
)
def test_a_file_named_after_a_form_is_its_table(name, table):
    assert match_table(name, SCHEMA.table_aliases) == table


def test_the_two_report_form_is_not_taken_for_the_roster():
    # its rows are the roster's members: read as members, they would be duplicates; they
    # are the reports table, joined to the roster (tests/test_reports_form.py)
    for name in ("在职党员到社区报到登记表", "双报到", "双报到登记表", "2024年到社区报到登记表"):
        assert match_table(name, SCHEMA.table_aliases) == "reports"


def test_the_grid_ledger_loads_as_regions_with_code_worker_and_households(tmp_path):
    data = load(tmp_path)
    g1 = data.nodes["G1"][1]
    assert data.nodes["G1"][0] == "Region"
    assert (g1["name"], g1["level"], g1["code"]) == ("东方社区第一网格", "grid", "421002001001")
    assert (g1["grid_worker"], g1["households"]) == ("赵网格", 320)
    assert "楼栋" not in g1  # the grid's buildings are matched, not kept (test_places_forms)
    assert data.nodes["G2"][1]["households"] == 1200
    assert "code" not in data.nodes["G2"][1]  # 11 digits: no statistical code
    assert edges(data, "PART_OF") == [("G1", "R3"), ("G2", "R3"), ("R2", "R1"), ("R3", "R2")]
    assert problems(data) == [
        ("网格台账.csv", 2, "楼栋", "1-6号楼", UNMATCHED),  # a range is not expanded
        (
            "网格台账.csv",
            3,
            "行政区划代码",
            "42100200100",
            "not of the form [0-9]{12}: value dropped",
        ),
    ]


def test_a_grid_ledger_row_is_a_grid_without_level_or_id_columns(tmp_path):
    grids = [  # as a 网格台账 is kept: no 编号, no 层级
        ["网格名称", "所属社区", "行政区划代码", "户数"],
        ["东方社区第一网格", "东方社区", "421002001001", "320"],
        ["东方社区第二网格", "東方社區", "421002001002", "150"],
    ]
    data = load(tmp_path, 网格台账=grids)
    community = "district:沙市区/street:胜利街道/community:东方社区"
    g1 = derived_id("Region", f"{community}/grid:东方社区第一网格")
    g2 = derived_id("Region", f"{community}/grid:东方社区第二网格")
    assert {k: data.nodes[g1][1][k] for k in ("name", "level", "code", "households")} == {
        "name": "东方社区第一网格",
        "level": "grid",
        "code": "421002001001",
        "households": 320,
    }
    assert data.nodes[g2][1]["level"] == "grid"
    assert edges(data, "PART_OF") == sorted([(g1, "R3"), (g2, "R3"), ("R2", "R1"), ("R3", "R2")])
    assert problems(data) == [] and data.report.totals == (7, 7, 0)  # with 2 units


def test_a_level_given_in_the_grid_ledger_wins_and_a_refused_one_is_not_defaulted(tmp_path):
    grids = [
        ["编号", "层级", "网格名称", "所属社区"],
        ["C1", "小区", "阳光小区", "东方社区"],  # a cell given wins over the form's default
        ["G1", "", "第一网格", "东方社区"],  # an empty cell takes it
        ["G2", "片区", "第二网格", "东方社区"],  # a refused cell is not replaced by it
    ]
    data = load(tmp_path, 网格台账=grids)
    assert (data.nodes["C1"][1]["level"], data.nodes["G1"][1]["level"]) == ("compound", "grid")
    assert "G2" not in data.nodes
    assert [p[:3] + p[4:] for p in problems(data)] == [
        (
            "网格台账.csv",
            4,
            "层级",
            "unknown value; allowed: district, street, community, compound, grid "
            "(or their Chinese names): row rejected",
        )
    ]


def test_the_level_default_is_the_grid_ledgers_only(tmp_path):
    regions = [*REGIONS, ["G1", "第一网格", "", "R3"]]  # 区划 gives no default level
    data = load(tmp_path, 区划=regions, 网格台账=[["网格名称", "所属社区"]])
    assert "G1" not in data.nodes
    assert ("区划.csv", 5, "level", None, "required value level (层级) is empty") in problems(data)


def test_the_org_form_loads_as_orgs_by_name(tmp_path):
    data = load(tmp_path, 党组织信息采集表=ORG_FORM, 党员花名册=ROSTER)
    o1, o2 = data.nodes["O1"][1], data.nodes["O2"][1]
    assert (o1["name"], o1["kind"], o1["category"]) == (
        "中共胜利街道工作委员会",
        "committee",
        "street_community",
    )
    assert (o2["category"], o2["unit_setting"]) == ("institution", "legal_entity")
    assert (o2["founded"], o2["term_end"]) == ("2001-07-01", "2024-06-30")
    assert "单位类别" not in o2  # the unit's kind, not the organisation's
    assert edges(data, "SUB_ORG_OF") == [("O2", "O1")]  # 胜利街道党工委 is …工作委员会
    assert edges(data, "ORG_OF_UNIT") == [("O2", "U1")]
    zhang = card_id(ZHANG, pseudonym_key())
    assert edges(data, "SECRETARY_OF") == [(zhang, "O2")]
    assert data.nodes["U1"][1]["kind"] == "hospital"  # the units table's kind stays
    # the form's 事业单位 for a hospital is no contradiction: a hospital is an institution
    assert [p for p in problems(data) if p[0] == "党组织信息采集表.csv"] == []
    assert data.report.created == {}  # every unit it names is in the units table


def test_the_roster_loads_as_members_keyed_by_their_numbers(tmp_path):
    data = load(tmp_path, 党组织信息采集表=ORG_FORM, 党员花名册=ROSTER)
    key = pseudonym_key()
    zhang, li = card_id(ZHANG, key), card_id(LI, key)
    z, lisi = data.nodes[zhang][1], data.nodes[li][1]
    assert data.nodes[zhang][0] == "Member"
    assert {k: z[k] for k in ("name", "gender", "ethnicity", "birth_year", "education")} == {
        "name": "张三",
        "gender": "male",
        "ethnicity": "汉族",
        "birth_year": 1980,
        "education": "bachelor",
    }
    assert (z["status"], z["joined"], z["full_since"]) == ("full", "2005-06-30", "2006-07-01")
    assert (z["mobile"], z["lost_contact"]) == (False, True)
    assert (lisi["birth_year"], lisi["education"], lisi["status"]) == (
        1992,
        "postgraduate",
        "probationary",
    )
    assert (lisi["mobile"], lisi["lost_contact"], "full_since" in lisi) == (True, False, False)
    assert edges(data, "MEMBER_OF") == sorted([(zhang, "O2"), (li, "O2")])
    assert edges(data, "WORKS_AT") == sorted([(zhang, "U1"), (li, "U1")])
    for props in (z, lisi):  # the birth date, number, address and phone are stored nowhere
        text = repr(props)
        for secret in (ZHANG, LI, "1980-05-01", "北京路", "13800001111"):
            assert secret not in text
    assert [p for p in problems(data) if p[0] != "网格台账.csv"] == [
        (
            "党员花名册.csv",
            None,
            "家庭住址",
            None,
            "家庭住址 (Home address): never stored; matched to a building where the row gives "
            "no home",
        ),
        ("党员花名册.csv", None, "联系电话", None, "联系电话 (Phone): not loaded"),
    ]


def test_a_workbook_of_forms_loads_the_same(tmp_path):
    csv = load(tmp_path / "csv", 党组织信息采集表=ORG_FORM, 党员花名册=ROSTER)
    roster = [ROSTER[0], [*ROSTER[1][:4], dt.datetime(1980, 5, 1), *ROSTER[1][5:]], ROSTER[2]]
    book = load(tmp_path / "xlsx", xlsx=True, 党组织信息采集表=ORG_FORM, 党员花名册=roster)
    strip = {"ledger_file", "ledger_row"}
    assert {
        k: (lab, {p: v for p, v in n.items() if p not in strip})
        for k, (lab, n) in book.nodes.items()
    } == {
        k: (lab, {p: v for p, v in n.items() if p not in strip})
        for k, (lab, n) in csv.nodes.items()
    }
    assert sorted((e.source, e.target, e.type) for e in book.edges) == sorted(
        (e.source, e.target, e.type) for e in csv.edges
    )
    assert book.nodes["G1"][1]["code"] == "421002001001"


def test_a_birth_date_of_no_calendar_is_refused_not_read_as_a_year(tmp_path):
    roster = [ROSTER[0], [*ROSTER[1][:4], "1980-02-30", *ROSTER[1][5:]]]
    data = load(tmp_path, 党员花名册=roster)
    member = next(n for lab, n in data.nodes.values() if lab == "Member")
    assert "birth_year" not in member  # a refused cell stays refused: no number fills it
    assert ("党员花名册.csv", 2, "出生日期") in [p[:3] for p in problems(data)]
    reasons = [p[4] for p in problems(data) if p[2] == "出生日期"]
    assert reasons == ["not a calendar date: day is out of range for month: value dropped"]


@pytest.mark.neo4j
def test_the_forms_properties_survive_a_trip_through_neo4j(tmp_path, neo4j_driver, neo4j_settings):
    """Without names the database holds the values that are not personal, and none that are
    (a member's ethnicity and dates, a grid worker's name) but the birth year it analyses."""
    data = load(tmp_path, 党组织信息采集表=ORG_FORM, 党员花名册=ROSTER)
    Neo4jStore(neo4j_driver, neo4j_settings["database"]).write(data)
    zhang = card_id(ZHANG, pseudonym_key())
    for node_id, kept, dropped in [
        ("G1", ("code", "households"), ("grid_worker",)),
        ("O2", ("category", "unit_setting", "term_end"), ()),
        (zhang, ("birth_year", "mobile", "lost_contact"), ("ethnicity", "joined", "full_since")),
    ]:
        label, props = data.nodes[node_id]
        records, _, _ = neo4j_driver.execute_query(
            f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p",
            id=node_id,
            database_=neo4j_settings["database"],
        )
        stored = records[0]["p"]
        assert {k: stored.get(k) for k in kept} == {k: props[k] for k in kept}, node_id
        assert [k for k in dropped if k in stored] == [] and all(k in props for k in dropped)


def test_the_forms_export_as_rdf_that_conforms_to_the_shapes(tmp_path):
    data = load(tmp_path / "ledger", 党组织信息采集表=ORG_FORM, 党员花名册=ROSTER)
    path = tmp_path / "forms.ttl"
    export_rdf(data, path, "ttl")
    result = validate_rdf(path)
    assert result.violations == [] and result.conforms
    text = path.read_text("utf-8")
    assert '"421002001001"' in text and "lj:orgCategory" in text and "lj:mobileMember" in text
    for personal in ("汉族", "赵网格", "2005-06-30"):  # exported only when names are asked for
        assert personal not in text
    data.nodes["G1"][1]["code"] = "4210020010"  # a code of another length breaks the shape
    export_rdf(data, path, "ttl")
    assert not validate_rdf(path).conforms


SCHEMA_TEXT = (Path(__file__).resolve().parents[1] / "lianjian/core/schema.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("defaults: {level: grid}", "defaults: {level: 网格区}", "'网格区' is no region_level"),
        ("defaults: {level: grid}", "defaults: {tier: grid}", "regions has no column tier"),
        (
            "    table: regions\n    names: [网格台账]",
            "    table: grids\n    names: [网格台账]",
            "no such",
        ),
        (
            "school: school, institution:",
            "school: college, institution:",
            "'college' is no unit_kind",
        ),
        ("{soe: soe, non_public", "{state: soe, non_public", "'state' is no org_category"),
        ("      column: unit\n", "      column: parent\n", "parent names no Unit"),
        (
            "    names: [党员花名册, 党员信息采集表]",
            "    names: [党员花名册, 网格台账]",
            "names forms",
        ),
    ],
)
def test_a_form_the_tables_cannot_hold_is_refused(old, new, error):
    assert SCHEMA_TEXT.count(old) == 1
    with pytest.raises(ValueError, match=error):
        load_schema(SCHEMA_TEXT.replace(old, new))
