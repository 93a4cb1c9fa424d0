"""Places the forms name (docs/ledger.md, "The standard forms" and "References by name"):
the grid ledger's 楼栋 gives buildings their grid, a roster's 家庭住址 its member's home, a
reference may be a path (``胜利街道/东方社区``), and a derived id may be typed as a place."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.loaders.derive import derived_id
from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.places import UNMATCHED
from tests.ledgers import write_ledger

REGIONS = [
    ["编号", "名称", "层级", "上级编号"],
    ["R1", "沙市区", "区", ""],
    ["R2", "胜利街道", "街道", "R1"],
    ["R3", "东方社区", "社区", "R2"],
    ["R4", "西方社区", "社区", "R2"],
    ["X1", "阳光小区", "小区", "R3"],
    ["X2", "月亮小区", "小区", "R4"],
    ["G9", "第九网格", "网格", "R4"],
]
GRIDS = [  # 网格台账: the grids of 东方社区 and their buildings
    ["编号", "层级", "网格名称", "所属社区", "楼栋"],
    ["G1", "网格", "第一网格", "东方社区", "1号楼、2号楼；3号楼,9号楼，1-6号楼"],
    ["G2", "网格", "第二网格", "东方社区", "2号楼"],
]
BUILDINGS = [  # the grid cells left empty: the grid ledger gives them
    ["编号", "名称", "类型", "所属网格", "所属小区"],
    ["B1", "1号楼", "住宅", "", "阳光小区"],
    ["B1b", "1号楼", "住宅", "", "月亮小区"],  # in 西方社区: no grid of 东方社区 is its
    ["B2", "2号楼", "住宅", "", ""],
    ["B3", "3号楼", "住宅", "G9", ""],  # its row's grid stands
    ["B4", "4号楼", "住宅", "", ""],  # listed by no grid: rejected as before
]


def load(tmp_path, **tables):
    return load_ledger(write_ledger(tmp_path, tables))


def problems(data):
    return [(p.file, p.row, p.column, p.value, p.reason) for p in data.report.sorted_problems()]


def edges(data, rel):
    return sorted((e.source, e.target) for e in data.edges if e.type == rel)


def validate_json(folder) -> dict:
    result = CliRunner().invoke(app, ["validate", str(folder), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- 楼栋


def test_a_grid_ledger_gives_its_buildings_their_grid(tmp_path):
    data = load(tmp_path, 区划=REGIONS, 网格台账=GRIDS, 楼栋=BUILDINGS)
    assert edges(data, "IN_GRID") == [("B1", "G1"), ("B2", "G1"), ("B3", "G9")]
    assert sorted(n for n, (label, _) in data.nodes.items() if label == "Building") == [
        "B1",
        "B2",
        "B3",
    ]  # no building made of 9号楼 or of the range
    east, g1, g9 = (
        "沙市区/胜利街道/东方社区",
        "沙市区/胜利街道/东方社区/第一网格",
        "沙市区/胜利街道/西方社区/第九网格",
    )
    assert problems(data) == [
        ("楼栋.csv", 3, "所属网格", None, "required value grid (所属网格) is empty"),
        ("楼栋.csv", 6, "所属网格", None, "required value grid (所属网格) is empty"),
        (
            "网格台账.csv",
            2,
            "楼栋",
            "3号楼",
            f"the buildings row of {g9}/3号楼 (B3) names the grid {g9} (G9), not {g1} (G1): "
            "nothing changed",
        ),
        ("网格台账.csv", 2, "楼栋", "9号楼、1-6号楼", UNMATCHED),
        (
            "网格台账.csv",
            3,
            "楼栋",
            "2号楼",
            f"2号楼 (B2) has the grid {g1} (G1) already, from its 楼栋 list: not given "
            f"{east}/第二网格 (G2)",
        ),
    ]
    assert data.report.totals == (14, 12, 2) and data.report.balanced
    assert data.report.reference_counts()["regions.buildings"] == {
        "id": 0,
        "exact_name": 4,
        "folded_name": 0,
        "ambiguous": 0,
        "unknown": 2,
    }
    # the grids the lists gave are no cell of the buildings table: not counted there
    assert data.report.reference_counts()["buildings.grid"]["id"] == 1
    assert all("楼栋" not in props for _, props in data.nodes.values())


def test_without_a_building_list_an_empty_grid_rejects_the_row_at_once(tmp_path):
    grids = [row[:4] for row in GRIDS]  # no 楼栋 column
    data = load(tmp_path, 区划=REGIONS, 网格台账=grids, 楼栋=BUILDINGS)
    assert edges(data, "IN_GRID") == [("B3", "G9")]
    assert [p for p in problems(data) if p[0] == "楼栋.csv"] == [
        ("楼栋.csv", row, "所属网格", None, "required value grid (所属网格) is empty")
        for row in (2, 3, 4, 6)
    ]


def test_a_buildings_table_without_a_grid_column_waits_for_the_lists(tmp_path):
    buildings = [["编号", "名称", "类型"], ["B2", "2号楼", "住宅"], ["B4", "4号楼", "住宅"]]
    data = load(tmp_path, 区划=REGIONS, 网格台账=GRIDS, 楼栋=buildings)
    assert edges(data, "IN_GRID") == [("B2", "G1")]
    missing = "required column grid (所属网格) is missing from the table"
    assert [p for p in problems(data) if p[0] == "楼栋.csv"] == [
        ("楼栋.csv", 3, "所属网格", None, missing)
    ]


def test_a_name_of_several_buildings_is_the_one_inside_the_grid(tmp_path):
    grids = [GRIDS[0], ["G1", "网格", "第一网格", "东方社区", "1号楼"]]
    both = [BUILDINGS[0], *(r for r in BUILDINGS[1:] if r[1] == "1号楼")]
    data = load(tmp_path, 区划=REGIONS, 网格台账=grids, 楼栋=both)
    assert edges(data, "IN_GRID") == [("B1", "G1")]  # 阳光小区 lies in 东方社区
    two = [both[0], ["B1", "1号楼", "住宅", "", ""], ["B1c", "1号楼", "住宅", "", ""]]
    data = load(tmp_path / "two", 区划=REGIONS, 网格台账=grids, 楼栋=two)
    assert edges(data, "IN_GRID") == []  # two placed nowhere: never guessed between
    reason = problems(data)[-1][4]
    assert reason.startswith("ambiguous name: 2 buildings, 1号楼 (B1); 1号楼 (B1c): no grid")
    assert data.report.reference_counts()["regions.buildings"]["ambiguous"] == 1


def test_a_building_without_ids_takes_its_id_from_the_grid_the_list_gives(tmp_path):
    regions = [
        ["名称", "层级", "上级编号"],
        ["沙市区", "区", ""],
        ["胜利街道", "街道", "沙市区"],
        ["东方社区", "社区", "胜利街道"],
    ]
    grids = [["网格名称", "层级", "所属社区", "楼栋"], ["第一网格", "网格", "东方社区", "2号楼"]]
    buildings = [["名称", "类型", "所属网格"], ["2号楼", "住宅", ""]]
    data = load(tmp_path, 区划=regions, 网格台账=grids, 楼栋=buildings)
    grid = "district:沙市区/street:胜利街道/community:东方社区/grid:第一网格"
    building = derived_id("Building", f"{grid}/building:2号楼")
    assert edges(data, "IN_GRID") == [(building, derived_id("Region", grid))]
    assert problems(data) == []


# ---------------------------------------------------------------- 家庭住址

ADDRESS_BUILDINGS = [
    ["编号", "名称", "类型", "所属网格", "所属小区"],
    ["B1", "1号楼", "住宅", "G1", "X1"],
    ["B2", "1号楼", "住宅", "G9", "X2"],
    ["B3", "3号楼", "住宅", "G1", "X1"],
    ["B13", "13号楼", "住宅", "G1", "X1"],
    ["B5", "阳光大厦", "商务楼宇", "G1", ""],
]
ADDRESSES = {  # member → (address, the building it is matched to, or None)
    "M1": ("湖北省荆州市沙市区胜利街道阳光小区1号楼2单元301", "B1"),  # its compound tells
    "M2": ("沙市区月亮小区1号楼", "B2"),
    "M3": ("沙市区东方路13号楼", "B13"),  # the longest name: not 3号楼
    "M4": ("沙市区1号楼", None),  # two 1号楼, nothing tells them apart: ambiguous
    "M5": ("沙市区北京路88号", None),  # no building: not matched
    "M7": ("陽光大廈 12楼", "B5"),  # folded: Traditional, a space
    "M9": ("23号楼", None),  # 3号楼 is not inside 23号楼
}


def roster(home_of_m6: str = "B3"):
    rows = [["编号", "姓名", "居住楼栋", "家庭住址"]]
    rows += [[m, f"党员{m}", "", a] for m, (a, _) in ADDRESSES.items()]
    rows.append(["M6", "党员M6", home_of_m6, "月亮小区1号楼"])  # its home is given: kept
    return rows


def grids_of_two_communities():
    return [*REGIONS, ["G1", "第一网格", "网格", "R3"]]


def test_an_address_gives_the_home_of_one_building_only(tmp_path):
    tables = {"区划": grids_of_two_communities(), "楼栋": ADDRESS_BUILDINGS, "党员": roster()}
    data = load(tmp_path, **tables)
    matched = sorted((m, b) for m, (_, b) in ADDRESSES.items() if b)
    assert edges(data, "LIVES_IN") == sorted([*matched, ("M6", "B3")])
    assert "members.address" not in data.report.reference_counts()  # no reference column
    counts = {"matched": 4, "unmatched": 2, "ambiguous": 1}
    assert dict(data.report.addresses) == counts
    doc = validate_json(tmp_path)
    assert doc["addresses"] == counts
    assert [p[4] for p in problems(data)] == [
        "家庭住址 (Home address): never stored; matched to a building where the row gives no home"
    ]


def test_an_address_is_never_stored_nor_shown(tmp_path):
    tables = {"区划": grids_of_two_communities(), "楼栋": ADDRESS_BUILDINGS, "党员": roster("B99")}
    data = load(tmp_path, **tables)
    texts = [a for a, _ in ADDRESSES.values()] + ["月亮小区1号楼", "单元301", "北京路"]
    graph = repr(data.nodes) + repr(data.edges) + repr(data.report.problems)
    assert [t for t in texts if t in graph] == []
    for args in (["--format", "json"], ["--with-names"], ["--format", "json", "--with-names"]):
        result = CliRunner().invoke(app, ["validate", str(tmp_path), *args])
        assert [t for t in texts if t in result.output] == []
        assert "home addresses" in result.output or '"addresses"' in result.output  # counts only


# ---------------------------------------------------------------- paths, typed ids

PATH_REGIONS = [  # two 东方社区, one in each street; grids before the rows they lie in
    ["名称", "层级", "上级编号"],
    ["第一网格", "网格", "胜利街道/东方社区"],
    ["第二网格", "网格", "红旗街道 > 東方社區"],
    ["第三网格", "网格", "东方社区"],  # no street: ambiguous
    ["第四网格", "网格", "西城街道/东方社区"],  # no 东方社区 in a 西城街道
    ["东方社区", "社区", "红旗街道"],
    ["沙市区", "区", ""],
    ["胜利街道", "街道", "沙市区"],
    ["红旗街道", "街道", "沙市区"],
    ["东方社区", "社区", "沙市区/胜利街道"],
]


def region(path: str) -> str:
    return derived_id("Region", path)


SHENGLI = "district:沙市区/street:胜利街道/community:东方社区"
HONGQI = "district:沙市区/street:红旗街道/community:东方社区"


def test_a_parent_given_as_a_path_resolves_in_a_table_without_ids(tmp_path):
    data = load(tmp_path, 区划=PATH_REGIONS)
    assert (region(f"{SHENGLI}/grid:第一网格"), region(SHENGLI)) in edges(data, "PART_OF")
    assert (region(f"{HONGQI}/grid:第二网格"), region(HONGQI)) in edges(data, "PART_OF")
    assert [(p[1], p[3], p[4].split(":")[0]) for p in problems(data)] == [
        (4, "东方社区", "ambiguous name"),
        (5, "西城街道/东方社区", "unknown name"),
    ]
    assert data.report.reference_counts()["regions.parent"]["folded_name"] == 1  # 東方社區


def test_a_parent_given_as_a_path_resolves_with_ids_whatever_the_row_order(tmp_path):
    rows = [["编号", *PATH_REGIONS[0]], *([f"R{i}", *r] for i, r in enumerate(PATH_REGIONS[1:], 1))]
    data = load(tmp_path, 区划=rows)
    # R1, R2 are the grids of 胜利街道's and 红旗街道's 东方社区 (R9 and R5)
    assert ("R1", "R9") in edges(data, "PART_OF") and ("R2", "R5") in edges(data, "PART_OF")
    assert not [e for e in edges(data, "PART_OF") if e[0] in ("R3", "R4")]
    why = [p[4] for p in problems(data) if p[1] == 4][0]
    assert why.startswith("ambiguous name: 2 candidates, 沙市区/红旗街道/东方社区 (R5)")
    members = [["编号", "姓名", "报到社区"], ["M1", "张三", "红旗街道/东方社区"]]
    data = load(tmp_path / "members", 区划=rows, 党员=members)
    assert edges(data, "REPORTS_TO") == [("M1", "R5")]


def test_a_derived_id_typed_as_a_place_is_that_entity(tmp_path):
    grid = f"{SHENGLI}/grid:第一网格"
    regions = [*PATH_REGIONS[:2], *PATH_REGIONS[5:], ["第五网格", "网格", region(SHENGLI)]]
    buildings = [["名称", "类型", "所属网格"], ["1号楼", "住宅", region(grid)]]
    building = derived_id("Building", f"{grid}/building:1号楼")
    units = [["名称", "类型", "所在位置"], ["甲公司", "非公企业", building]]
    data = load(tmp_path, 区划=regions, 楼栋=buildings, 单位=units)
    assert problems(data) == []
    assert (region(f"{SHENGLI}/grid:第五网格"), region(SHENGLI)) in edges(data, "PART_OF")
    assert edges(data, "IN_GRID") == [(building, region(grid))]
    assert edges(data, "LOCATED_IN") == [
        (derived_id("Unit", f"{grid}/building:1号楼/unit:甲公司"), building)
    ]
    counts = data.report.reference_counts()
    assert counts["buildings.grid"]["id"] == counts["units.location"]["id"] == 1


@pytest.mark.parametrize("typed", ["R-000000000000", "B-ba4d6b3257cc"])
def test_a_derived_id_of_no_entity_is_reported(tmp_path, typed):
    buildings = [["名称", "类型", "所属网格"], ["1号楼", "住宅", typed]]
    data = load(tmp_path, 区划=PATH_REGIONS[:2] + PATH_REGIONS[5:], 楼栋=buildings)
    assert problems(data) == [
        (
            "楼栋.csv",
            2,
            "所属网格",
            typed,
            "unknown name: no Region(grid) has this name or ID: no id can be derived: row rejected",
        )
    ]


def test_a_grid_twice_or_with_no_id_gives_no_building_a_lost_grid(tmp_path):
    regions = [
        ["名称", "层级", "上级编号", "楼栋"],
        ["沙市区", "区", "", ""],
        ["胜利街道", "街道", "沙市区", ""],
        ["东方社区", "社区", "胜利街道", ""],
        ["第一网格", "网格", "东方社区", "1号楼"],
        ["第一网格", "网格", "东方社区", "2号楼"],  # the same grid twice: a duplicate
        ["第二网格", "网格", "西城社区", "3号楼"],  # no such community: no id
    ]
    buildings = [["编号", "名称", "类型", "所属网格"]] + [
        [f"B{i}", f"{i}号楼", "住宅", ""] for i in (1, 2, 3)
    ]
    data = load(tmp_path, 区划=regions, 楼栋=buildings)
    grid = region(f"{SHENGLI}/grid:第一网格")
    assert edges(data, "IN_GRID") == [("B1", grid), ("B2", grid)]
    assert "B3" not in data.nodes  # rejected, never loaded without a grid
    assert ("楼栋.csv", 4, "所属网格", None, "required value grid (所属网格) is empty") in problems(
        data
    )
    assert data.report.balanced


def test_a_building_whose_own_grid_cell_is_ambiguous_is_left_to_its_row(tmp_path):
    regions = [*REGIONS, ["G3", "第三网格", "网格", "R3"], ["G4", "第三网格", "网格", "R4"]]
    grids = [GRIDS[0], ["G1", "网格", "第一网格", "东方社区", "7号楼"]]
    buildings = [BUILDINGS[0], ["B7", "7号楼", "住宅", "第三网格", ""]]
    data = load(tmp_path, 区划=regions, 网格台账=grids, 楼栋=buildings)
    assert edges(data, "IN_GRID") == []  # neither the list's grid nor a guess between two
    assert [(p[0], p[4].split(":")[0]) for p in problems(data)] == [("楼栋.csv", "ambiguous name")]
    assert data.report.reference_counts()["regions.buildings"]["exact_name"] == 1
