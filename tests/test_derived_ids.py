"""Tables without ids (docs/ledger.md, "Tables without ids"): each entity's id is derived
from its kind, its folded name and the path of what it lies in, so the same entity gets
the same id in every load, whatever the row order or the spelling of its name."""

from __future__ import annotations

import hashlib

from lianjian.loaders.ledger import load_ledger
from tests.ledgers import write_ledger

REGIONS = [
    ["名称", "层级", "上级编号"],
    ["沙市区", "区", ""],
    ["胜利街道", "街道", "沙市区"],
    ["东方社区", "社区", "胜利街道"],
    ["西方社区", "社区", "胜利街道"],
    ["第三网格", "网格", "东方社区"],
    ["第三网格", "网格", "西方社区"],
    ["阳光小区", "小区", "东方社区"],
]
BUILDINGS = [
    ["名称", "类型", "所属网格", "所属小区"],
    ["3号楼", "住宅", "第三网格", "阳光小区"],  # placed by its compound
]
ORGS = [
    ["名称", "类型", "上级党组织", "覆盖范围"],
    ["中国共产党胜利街道工作委员会", "党工委", "", "胜利街道"],
    ["中共东方社区委员会", "党委", "胜利街道党工委", "东方社区"],
    ["第一党支部", "党支部", "东方社区党委", ""],
]
MEMBERS = [["编号", "姓名", "所在党组织", "居住楼栋"], ["M1", "张三", "东方社区党委", "3号楼"]]


def tables(**over):
    return {"区划": REGIONS, "楼栋": BUILDINGS, "党组织": ORGS, "党员": MEMBERS, **over}


def load(folder, **over):
    return load_ledger(write_ledger(folder, tables(**over)))


def ids(data):
    """Each entity's id by (kind, name, what it lies in by name)."""
    up = {e.source: e.target for e in data.edges if e.type in ("PART_OF", "SUB_ORG_OF")}
    out = {}
    for node_id, (label, props) in data.nodes.items():
        parent = up.get(node_id)
        key = (label, props["name"], data.nodes[parent][1]["name"] if parent else None)
        out[key] = node_id
    return out


def problems(data):
    return [(p.file, p.row, p.column, p.value, p.reason) for p in data.report.sorted_problems()]


def sha(path):
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:12]


def test_ids_follow_the_documented_rule(tmp_path):
    data = load(tmp_path)
    assert problems(data) == []
    got = ids(data)
    street = "district:沙市区/street:胜利街道"
    assert got["Region", "沙市区", None] == "R-" + sha("district:沙市区")
    assert got["Region", "第三网格", "东方社区"] == "R-" + sha(
        street + "/community:东方社区/grid:第三网格"
    )
    # a building in its compound; an organisation under its parent, the top one in what it covers
    compound = street + "/community:东方社区/compound:阳光小区"
    assert "B-" + sha(compound + "/building:3号楼") in data.nodes
    top = street + "/org:胜利街道党工委"
    assert got["PartyOrg", "中国共产党胜利街道工作委员会", None] == "O-" + sha(top)
    assert got["PartyOrg", "第一党支部", "中共东方社区委员会"] == "O-" + sha(
        top + "/org:东方社区党委/org:第一党支部"
    )


def test_ids_are_the_same_in_two_loads_and_in_any_row_order(tmp_path):
    first = ids(load(tmp_path / "a"))
    assert ids(load(tmp_path / "b")) == first
    shuffled = tables(
        区划=[REGIONS[0], *reversed(REGIONS[1:])],  # children before their parents
        党组织=[ORGS[0], *reversed(ORGS[1:])],
    )
    again = load_ledger(write_ledger(tmp_path / "c", shuffled))
    assert problems(again) == []
    assert ids(again) == first


def test_ids_do_not_depend_on_script_or_official_name_form(tmp_path):
    first = load(tmp_path / "a")
    spelled = tables(
        区划=[
            REGIONS[0],
            ["沙市區", "区", ""],
            ["勝利街道", "街道", "沙市區"],
            ["東方社區", "社区", "勝利街道"],
            ["西方社區", "社区", "勝利街道"],
            ["第三網格", "网格", "東方社區"],
            ["第三網格", "网格", "西方社區"],
            ["陽光小區", "小区", "東方社區"],
        ],
        党组织=[
            ORGS[0],
            ["中共胜利街道党工委", "党工委", "", "勝利街道"],
            ["東方社區黨委", "党委", "中共勝利街道工作委員會", "東方社區"],
            ["第一黨支部", "党支部", "中共東方社區委員會", ""],
        ],
    )
    second = load_ledger(write_ledger(tmp_path / "b", spelled))
    assert problems(second) == []
    assert sorted(second.nodes) == sorted(first.nodes)


def test_same_named_grids_in_two_communities_differ(tmp_path):
    got = ids(load(tmp_path))
    east, west = got["Region", "第三网格", "东方社区"], got["Region", "第三网格", "西方社区"]
    assert east != west
    assert east.startswith("R-") and west.startswith("R-")


def test_references_by_name_resolve_to_derived_ids(tmp_path):
    data = load(tmp_path)
    got = ids(data)
    building = next(n for n, (label, _) in data.nodes.items() if label == "Building")
    edges = {(e.type, e.source, e.target) for e in data.edges}
    community_org = got["PartyOrg", "中共东方社区委员会", "中国共产党胜利街道工作委员会"]
    assert ("MEMBER_OF", "M1", community_org) in edges
    assert ("LIVES_IN", "M1", building) in edges
    compound = got["Region", "阳光小区", "东方社区"]
    assert ("IN_COMPOUND", building, compound) in edges
    # a derived id typed as a reference is an id like any other
    members = [*MEMBERS, ["M2", "李四", community_org, ""]]
    again = load(tmp_path / "b", 党员=members)
    assert ("MEMBER_OF", "M2", community_org) in {(e.type, e.source, e.target) for e in again.edges}


def test_the_same_entity_twice_is_a_duplicate(tmp_path):
    orgs = [*ORGS, ["东方社区党委", "党委", "胜利街道党工委", ""]]  # 中共东方社区委员会 again
    data = load(tmp_path, 党组织=orgs)
    dup = ids(data)["PartyOrg", "中共东方社区委员会", "中国共产党胜利街道工作委员会"]
    assert problems(data) == [
        (
            "党组织.csv",
            5,
            "名称",
            dup,
            "duplicate ID: first defined at 党组织.csv:3 (the same name in the same place)",
        )
    ]
    assert data.report.totals == (13, 12, 1)


def test_an_ambiguous_or_cyclic_place_rejects_the_row(tmp_path):
    buildings = [["名称", "类型", "所属网格"], ["1号楼", "住宅", "第三网格"]]
    orgs = [
        ["名称", "类型", "上级党组织"],
        ["甲党支部", "党支部", "乙党支部"],
        ["乙党支部", "党支部", "甲党支部"],
    ]
    data = load(tmp_path, 楼栋=buildings, 党组织=orgs, 党员=[["编号", "姓名"], ["M1", "张三"]])
    cycle = (
        "parent cycle 甲党支部 (党组织.csv:2) → 乙党支部 (党组织.csv:3) → 甲党支部 (党组织.csv:2)"
    )
    end = ": no id can be derived: row rejected"
    assert problems(data) == [
        ("党组织.csv", 2, "上级党组织", "乙党支部", cycle + end),
        ("党组织.csv", 3, "上级党组织", "甲党支部", cycle + end),
        (
            "楼栋.csv",
            2,
            "所属网格",
            "第三网格",
            "ambiguous name: 2 candidates, 沙市区/胜利街道/东方社区/第三网格 (区划.csv:6); "
            "沙市区/胜利街道/西方社区/第三网格 (区划.csv:7)" + end,
        ),
    ]
    assert not any(label in ("Building", "PartyOrg") for label, _ in data.nodes.values())
    assert data.report.balanced


def test_a_table_with_an_id_column_needs_every_id(tmp_path):
    regions = [
        ["编号", "名称", "层级", "上级编号"],
        ["R1", "沙市区", "区", ""],
        ["", "胜利街道", "街道", "R1"],
    ]
    data = load_ledger(write_ledger(tmp_path, {"区划": regions}))
    assert problems(data) == [("区划.csv", 3, "编号", None, "required value id (编号) is empty")]
    assert list(data.nodes) == ["R1"]


def test_members_still_need_an_id_or_an_id_number(tmp_path):
    data = load(tmp_path, 党员=[["姓名", "所在党组织"], ["张三", "东方社区党委"]])
    assert not any(label == "Member" for label, _ in data.nodes.values())
    assert [p[4] for p in problems(data)] == ["required column id (编号) is missing from the table"]


def test_a_chain_of_places_too_deep_is_reported_not_followed(tmp_path):
    chain = [["名称", "类型", "上级党组织"]]
    chain += [
        [f"第{i}党支部", "党支部", f"第{i - 1}党支部" if i else ""] for i in range(400, -1, -1)
    ]
    data = load(tmp_path, 党组织=chain, 党员=[["编号", "姓名"], ["M1", "张三"]])
    too_deep = [p for p in problems(data) if "placed more than 200 deep" in p[4]]
    assert too_deep and all(p[0] == "党组织.csv" for p in too_deep)
    assert data.report.balanced


def test_units_by_location_and_organisations_by_unit_or_one_covered_entity(tmp_path):
    units = [
        ["名称", "类型", "所在位置"],
        ["甲公司", "非公企业", "3号楼"],
        ["乙公司", "非公企业", ""],
    ]
    orgs = [
        ["名称", "类型", "所在单位", "覆盖范围"],
        ["甲公司党支部", "党支部", "甲公司", "东方社区"],  # its unit places it
        ["联合党支部", "党支部", "", "东方社区;西方社区"],  # two covered: placed nowhere
    ]
    data = load(tmp_path, 单位=units, 党组织=orgs, 党员=[["编号", "姓名"], ["M1", "张三"]])
    assert problems(data) == []
    building = "district:沙市区/street:胜利街道/community:东方社区/compound:阳光小区/building:3号楼"
    unit = building + "/unit:甲公司"
    assert {n for n, (label, _) in data.nodes.items() if label in ("Unit", "PartyOrg")} == {
        "U-" + sha(unit),
        "U-" + sha("unit:乙公司"),
        "O-" + sha(unit + "/org:甲公司党支部"),
        "O-" + sha("org:联合党支部"),
    }
