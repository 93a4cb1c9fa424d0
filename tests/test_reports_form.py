"""The 双报到 form (在职党员到社区报到登记表, docs/ledger.md "The 双报到 form"): its rows are
joined to the roster's members by the ID number's keyed hash, else by folded name and
work unit; they fill the members' empty fields, never replace a value, and the report
names no person and shows no number."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.balance import Balance
from lianjian.core.idcard import card_id, masked
from lianjian.core.privacy import pseudonym, pseudonym_key
from lianjian.core.report import HIDDEN
from lianjian.export.mapping import MAPPING
from lianjian.export.rdf import export_rdf
from lianjian.export.rdf_import import parse_triples, read_rdf
from lianjian.export.validate import validate_rdf
from lianjian.graph.neo4j.personal import stored_props
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from tests.fixtures.bad.make_forms import number
from tests.ledgers import write_ledger

TODAY = dt.date(2026, 12, 1)
ZHANG = number("42100219800501123")
LI = number("42100219920315102")
WANG_A = number("42100219700101113")
WANG_B = number("42100219710202114")
ZHAO = number("42100219850303115")
ZHOU = number("42100219750404116")
STRANGER = number("42100219900505117")  # valid, of no member of the roster
ZHOU_BAD = ZHOU[:-1] + ("0" if ZHOU[-1] != "0" else "1")  # a wrong check character

REGIONS = [
    ["编号", "名称", "层级", "上级编号"],
    ["R1", "沙市区", "区", ""],
    ["R2", "胜利街道", "街道", "R1"],
    ["R3", "东方社区", "社区", "R2"],
    ["R4", "西城社区", "社区", "R2"],
    ["G1", "第一网格", "网格", "R3"],
    ["G2", "第一网格", "网格", "R4"],  # the same name in the other community
]
BUILDINGS = [["编号", "名称", "类型", "所属网格"], ["B1", "3号楼", "住宅", "G1"]]
UNITS = [
    ["编号", "名称", "类型"],
    ["U1", "荆州市第一人民医院", "医院"],
    ["U2", "沙市区税务局", "机关"],
]
ROSTER = [
    ["姓名", "公民身份号码", "工作单位", "报到社区", "专业特长"],
    ["张三", ZHANG, "荆州市第一人民医院", "", ""],
    ["李四", LI, "U1", "", ""],  # the unit by id; the form names it
    ["王五", WANG_A, "沙市区税务局", "", ""],
    ["王五", WANG_B, "沙市区税务局", "", ""],
    ["赵六", ZHAO, "沙市区税务局", "西城社区", "法律"],
    ["周九", ZHOU, "沙市区税务局", "西城社区", ""],
]
HEADER = [
    *("序号", "姓名", "公民身份号码", "工作单位", "报到社区", "居住小区/楼栋"),
    *("专业特长", "服务岗位/意向", "下沉网格", "联系电话"),
]
FORM = [
    HEADER,
    ["1", "张三", ZHANG, "荆州市第一人民医院", "东方社区", "3号楼", "医疗、急救", "健康义诊", "第一网格", "13800001111"],
    ["2", "李　四", "", "荆州市第一人民医院", "西城社区", "", "", "", "", ""],
    ["3", "孙七", "", "荆州市第一人民医院", "东方社区", "", "", "", "", ""],
    ["4", "王五", "", "沙市区税务局", "东方社区", "", "", "", "", ""],
    ["5", "赵六", "", "沙市区税务局", "东方社区", "", "医疗", "", "", ""],
    ["6", "周九", ZHOU_BAD, "沙市区税务局", "", "", "", "", "第一网格", ""],
    ["7", "钱八", STRANGER, "沙市区税务局", "东方社区", "", "", "", "", ""],
]  # fmt: skip
FILE = "在职党员到社区报到登记表.csv"
LJ = MAPPING.namespaces["lj"]


def ids() -> dict[str, str]:
    key = pseudonym_key()
    people = {"zhang": ZHANG, "li": LI, "wang_a": WANG_A, "wang_b": WANG_B, "zhao": ZHAO}
    return {k: card_id(v, key) for k, v in {**people, "zhou": ZHOU}.items()}


def load(tmp_path, form=FORM, **more):
    tables = {"区划": REGIONS, "楼栋": BUILDINGS, "单位": UNITS, "党员花名册": ROSTER}
    return load_ledger(write_ledger(tmp_path, {**tables, **more, FILE[:-4]: form}), today=TODAY)


def edges(data, rel):
    return sorted((e.source, e.target) for e in data.edges if e.type == rel)


def form_problems(data):
    return [
        (p.row, p.column, p.value, p.reason, p.severity)
        for p in data.report.sorted_problems()
        if p.file == FILE
    ]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load(tmp_path_factory.mktemp("reports"))


def test_a_row_is_joined_by_the_hash_of_its_number(data):
    m = ids()
    zhang = data.nodes[m["zhang"]][1]
    assert (zhang["skills"], zhang["posts"]) == (["医疗", "急救"], ["健康义诊"])
    assert (m["zhang"], "R3") in edges(data, "REPORTS_TO")
    assert (m["zhang"], "B1") in edges(data, "LIVES_IN")
    # 第一网格 is two grids: the one inside the community the row reports to
    assert (m["zhang"], "G1") in edges(data, "ASSIGNED_TO")
    assert len([n for n, (lab, _) in data.nodes.items() if lab == "Member"]) == 6  # none new


def test_a_row_without_a_number_is_joined_by_folded_name_and_work_unit(data):
    # 李　四 (an ideographic space) is 李四; the form names the unit the roster gives by id
    assert (ids()["li"], "R4") in edges(data, "REPORTS_TO")


def test_a_name_of_the_roster_at_another_work_unit_is_no_match(tmp_path):
    data = load(tmp_path, [HEADER, ["1", "张三", "", "沙市区税务局", "东方社区", *[""] * 5]])
    assert [p[3] for p in form_problems(data) if p[0] == 2] == [
        "no member of the roster has this name and work unit: row rejected"
    ]
    assert edges(data, "REPORTS_TO") == sorted((ids()[k], "R4") for k in ("zhao", "zhou"))


def test_a_row_of_no_member_is_rejected_without_the_name(data):
    rejected = [p for p in form_problems(data) if p[0] == 4]
    assert rejected == [
        (
            4,
            "姓名",
            HIDDEN,
            "no member of the roster has this name and work unit: row rejected",
            "error",
        )
    ]
    assert not any(p.reason.count("孙七") for p in data.report.problems)


def test_a_number_of_no_member_is_rejected_not_matched_by_name(data):
    assert [p for p in form_problems(data) if p[0] == 8] == [
        (
            8,
            "公民身份号码",
            None,
            "no member of the roster has this citizen ID number: row rejected",
            "error",
        )
    ]


def test_an_ambiguous_name_is_rejected_with_the_candidates_pseudonyms(data):
    m = ids()
    listed = ", ".join(sorted(pseudonym(m[k]) for k in ("wang_a", "wang_b")))
    assert [p for p in form_problems(data) if p[0] == 5] == [
        (
            5,
            "姓名",
            HIDDEN,
            f"ambiguous: 2 members of the roster have this name and work unit ({listed}): "
            "row rejected",
            "error",
        )
    ]
    assert not {m["wang_a"], m["wang_b"]} & {s for s, _ in edges(data, "REPORTS_TO")}


def test_a_different_value_is_reported_and_the_roster_kept(data):
    m = ids()
    assert data.nodes[m["zhao"]][1]["skills"] == ["法律"]
    assert (m["zhao"], "R4") in edges(data, "REPORTS_TO")
    assert (m["zhao"], "R3") not in edges(data, "REPORTS_TO")
    assert [p for p in form_problems(data) if p[0] == 6] == [
        (
            6,
            "报到社区",
            "东方社区",
            "the roster says 西城社区, the 双报到 form says 东方社区: the roster's reported_to kept",
            "warning",
        ),
        (
            6,
            "专业特长",
            "医疗",
            "the roster says 法律, the 双报到 form says 医疗: the roster's skills kept",
            "warning",
        ),
    ]


def test_an_invalid_number_is_masked_and_the_row_joined_by_name(data):
    # 第一网格 is looked up inside the community the roster gives the member
    assert (ids()["zhou"], "G2") in edges(data, "ASSIGNED_TO")
    [p] = [p for p in form_problems(data) if p[0] == 7]
    assert p[:2] == (7, "公民身份号码") and p[2] == masked(ZHOU_BAD) != ZHOU_BAD
    assert p[3].startswith("not a citizen ID number: ") and p[3].endswith("number dropped")
    assert p[4] == "warning"


def test_every_row_of_the_form_is_loaded_or_rejected(data):
    r = data.report
    assert (r.rows_in[FILE], r.loaded[FILE], r.rejected[FILE]) == (7, 4, 3)
    assert r.balanced
    b = Balance.from_report(r)
    assert (b.rows_in, b.loaded, b.rejected) == (6 + 1 + 2 + 6 + 7, 6 + 1 + 2 + 6 + 4, 3)


def test_the_report_names_no_person_and_shows_no_number(data):
    text = json.dumps(data.report.to_dict(), ensure_ascii=False)
    for secret in ("张三", "李四", "孙七", "王五", "赵六", "周九", "钱八", "13800001111"):
        assert secret not in text
    for n in (ZHANG, LI, WANG_A, WANG_B, ZHAO, ZHOU, ZHOU_BAD, STRANGER):
        assert n not in text
    names = json.dumps(data.report.to_dict(with_names=True), ensure_ascii=False)
    assert "孙七" in names  # shown when a person asks for names
    for n in (ZHOU_BAD, STRANGER, "13800001111"):
        assert n not in names  # numbers never
    for _, props in data.nodes.values():
        assert not any(n in repr(props) for n in (ZHANG, ZHOU_BAD, STRANGER, "13800001111"))


def test_the_form_columns_it_has_no_place_for_are_reported(data):
    assert (
        None,
        None,
        None,
        "columns the 双报到 form has no place for, not loaded: 序号",
        "notice",
    ) in form_problems(data)
    assert "序号" not in data.nodes[ids()["zhang"]][1]


def test_a_second_row_for_the_same_member_is_rejected(tmp_path):
    form = [*FORM[:3], ["8", "李四", LI, "荆州市第一人民医院", "东方社区", "", "", "", "", ""]]
    data = load(tmp_path, form)
    assert [p for p in form_problems(data) if p[0] == 4] == [
        (
            4,
            "姓名",
            None,
            "joined to the same member as row 3 (one member, one row): row rejected",
            "error",
        )
    ]
    assert (ids()["li"], "R3") not in edges(data, "REPORTS_TO")


def test_a_row_with_no_number_and_no_unit_is_not_matched_by_name_alone(tmp_path):
    data = load(tmp_path, [HEADER, ["1", "李四", "", "", "东方社区", "", "", "", "", ""]])
    assert [p[3] for p in form_problems(data) if p[0] == 2] == [
        "neither a valid citizen ID number nor a name and a work unit to find the member by: "
        "row rejected"
    ]


def test_skills_and_posts_are_kept_without_names_in_neo4j(data):
    zhang = ids()["zhang"]
    held = stored_props(zhang, "Member", data.nodes[zhang][1])
    assert (held["skills"], held["posts"]) == (["医疗", "急救"], ["健康义诊"])
    assert "name" not in held


def test_validate_shows_the_form_like_any_table(tmp_path):
    folder = write_ledger(
        tmp_path,
        {"区划": REGIONS, "楼栋": BUILDINGS, "单位": UNITS, "党员花名册": ROSTER, FILE[:-4]: FORM},
    )
    result = CliRunner().invoke(app, ["validate", str(folder), "--format", "json"])
    out = json.loads(result.stdout)
    assert out["files"][FILE] == {"rows_in": 7, "loaded": 4, "rejected": 3}
    assert "孙七" not in result.stdout and STRANGER not in result.stdout


def test_skills_and_posts_export_as_rdf_that_conforms_and_read_back(data, tmp_path):
    path = tmp_path / "reports.ttl"
    export_rdf(data, path, "ttl")
    result = validate_rdf(path)
    assert result.violations == [] and result.conforms
    triples = {(s, p, o) for s, p, o in parse_triples(path)}
    zhang = ids()["zhang"]
    subject = next(s for s, p, o in triples if p == LJ + "skill" and o[0] == "急救")
    assert {o[0] for s, p, o in triples if s == subject and p == LJ + "skill"} == {"医疗", "急救"}
    assert {o[0] for s, p, o in triples if s == subject and p == LJ + "servicePost"} == {"健康义诊"}
    text = path.read_text("utf-8")
    assert "张三" not in text and ZHANG not in text
    back = read_rdf(path)
    [(_, props)] = [n for n in back.nodes.values() if n[1].get("pseudonym") == pseudonym(zhang)]
    assert (sorted(props["skills"]), props["posts"]) == (["医疗", "急救"], ["健康义诊"])


@pytest.mark.neo4j
def test_the_form_values_reach_neo4j_without_names(data, neo4j_driver, neo4j_settings):
    Neo4jStore(neo4j_driver, neo4j_settings["database"]).write(data)
    zhang = ids()["zhang"]
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (m:Member {id: $id}) OPTIONAL MATCH (m)-[:REPORTS_TO]->(c) "
        "RETURN properties(m) AS p, c.id AS community",
        id=zhang,
        database_=neo4j_settings["database"],
    )
    [record] = records
    assert (record["p"]["skills"], record["p"]["posts"]) == (["医疗", "急救"], ["健康义诊"])
    assert record["community"] == "R3" and "name" not in record["p"]


def test_a_home_from_the_form_is_the_one_home_an_address_does_not_add_another(tmp_path):
    """The roster gives an address naming one building, the 双报到 form another building as
    the member's home: the member lives in one building, the form's (the address gives a
    home only where none is given)."""
    ledger = tmp_path / "ledger"
    write_ledger(
        ledger,
        {
            "区划": [
                ["名称", "层级", "上级"],
                ["沙市区", "区", ""],
                ["胜利街道", "街道", "沙市区"],
                ["东方社区", "社区", "胜利街道"],
                ["东方社区第一网格", "网格", "东方社区"],
            ],
            "楼栋": [
                ["名称", "类型", "所属网格"],
                ["阳光小区1栋", "住宅", "东方社区第一网格"],
                ["阳光小区2栋", "住宅", "东方社区第一网格"],
            ],
            "党组织": [["名称", "类型", "覆盖范围"], ["东方社区党委", "党委", "东方社区"]],
            "党员花名册": [
                ["姓名", "公民身份号码", "所在党支部", "家庭住址"],
                ["张三", ZHANG, "东方社区党委", "胜利街道东方社区阳光小区1栋2单元301"],
            ],
            "在职党员到社区报到登记表": [
                ["姓名", "公民身份号码", "居住小区/楼栋"],
                ["张三", ZHANG, "阳光小区2栋"],
            ],
        },
    )
    data = load_ledger(ledger, today=TODAY)
    homes = [e for e in data.edges if e.type == "LIVES_IN"]
    assert len(homes) == 1
    assert data.nodes[homes[0].target][1]["name"] == "阳光小区2栋"
