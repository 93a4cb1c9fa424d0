"""References by name (docs/ledger.md, "References by name"): a reference cell that is no
id is matched by name, as written or folded, inside the scope its row names; an ambiguous
name is reported with its candidates, an unknown one with the nearest names."""

from __future__ import annotations

import json

import pytest

from lianjian.core.report import HIDDEN
from lianjian.core.text import name_key, naming
from lianjian.loaders.ledger import load_ledger
from tests.ledgers import write_ledger

# a street with two communities, each with a grid named 第三网格
REGIONS = [
    ["id", "name", "level", "parent"],
    ["R1", "沙市区", "district", ""],
    ["R2", "胜利街道", "street", "R1"],
    ["R3", "东方社区", "community", "R2"],
    ["R4", "西方社区", "community", "R2"],
    ["R7", "第三网格", "grid", "R3"],
    ["R9", "第三网格", "grid", "R4"],
    ["R10", "阳光小区", "compound", "R3"],
    ["R11", "青年小区", "compound", "R4"],
]
BOTH = (
    "ambiguous name: 2 candidates, 沙市区/胜利街道/东方社区/第三网格 (R7); "
    "沙市区/胜利街道/西方社区/第三网格 (R9): relationship dropped"
)


def load(tmp_path, **tables):
    return load_ledger(write_ledger(tmp_path, {"regions": REGIONS, **tables}))


def problems(data):
    return [(p.file, p.row, p.column, p.value, p.reason) for p in data.report.sorted_problems()]


def edges(data, rel):
    return sorted((e.source, e.target) for e in data.edges if e.type == rel)


def test_a_grid_is_looked_up_inside_the_compound_the_row_names(tmp_path):
    data = load(
        tmp_path,
        buildings=[
            ["id", "name", "kind", "grid", "compound"],
            ["B1", "3号楼", "住宅", "第三网格", "阳光小区"],
            ["B2", "3号楼", "住宅", "第三网格", "青年小区"],
        ],
    )
    assert problems(data) == []
    assert edges(data, "IN_GRID") == [("B1", "R7"), ("B2", "R9")]
    assert edges(data, "IN_COMPOUND") == [("B1", "R10"), ("B2", "R11")]


def test_a_grid_is_looked_up_inside_the_community_a_member_reports_to(tmp_path):
    data = load(
        tmp_path,
        members=[
            ["id", "name", "reported_to", "assigned_grid"],
            ["M1", "张三", "西方社区", "第三网格"],
            ["M2", "李四", "R3", "第三网格"],
        ],
    )
    assert problems(data) == []
    assert edges(data, "ASSIGNED_TO") == [("M1", "R9"), ("M2", "R7")]


def test_an_ambiguous_name_is_reported_with_its_candidates_and_never_guessed(tmp_path):
    data = load(
        tmp_path,
        buildings=[["id", "name", "kind", "grid"], ["B1", "3号楼", "住宅", "第三网格"]],
    )
    assert problems(data) == [("buildings.csv", 2, "grid", "第三网格", BOTH)]
    assert edges(data, "IN_GRID") == []


def test_a_scope_that_holds_both_candidates_leaves_the_name_ambiguous(tmp_path):
    data = load(
        tmp_path,
        members=[
            ["id", "name", "reported_to", "assigned_grid"],
            ["M1", "张三", "", "第三网格"],
        ],
        units=[["id", "name", "kind", "location"], ["U1", "甲公司", "非公企业", "第三网格"]],
    )
    assert [p[4] for p in problems(data)] == [BOTH, BOTH]


def test_a_building_is_looked_up_inside_its_grid(tmp_path):
    data = load(
        tmp_path,
        buildings=[
            ["id", "name", "kind", "grid"],
            ["B1", "3号楼", "住宅", "R7"],
            ["B2", "3号楼", "住宅", "R9"],
        ],
        members=[
            ["id", "name", "home", "assigned_grid"],
            ["M1", "张三", "3号楼", "R9"],
            ["M2", "李四", "3号楼", ""],
        ],
    )
    assert edges(data, "LIVES_IN") == [("M1", "B2")]
    (p,) = data.report.sorted_problems()
    # a home is personal: neither it nor the candidates are named
    assert (p.file, p.row, p.column, p.value) == ("members.csv", 3, "home", HIDDEN)
    assert p.reason == (
        "ambiguous name: 2 candidates (not listed: personal data): relationship dropped"
    )
    assert p.shown(with_names=True) == "3号楼"


def test_an_unknown_name_is_reported_with_the_nearest_names(tmp_path):
    data = load(
        tmp_path,
        buildings=[["id", "name", "kind", "grid"], ["B1", "3号楼", "住宅", "第三网络"]],
        orgs=[["id", "name", "kind", "covers"], ["O1", "甲支部", "党支部", "阳光小屋"]],
    )
    assert problems(data) == [
        (
            "buildings.csv",
            2,
            "grid",
            "第三网络",
            "unknown name: no Region(grid) has this name or ID; did you mean "
            "沙市区/胜利街道/东方社区/第三网格 (R7), 沙市区/胜利街道/西方社区/第三网格 (R9)?"
            ": relationship dropped",
        ),
        (
            "orgs.csv",
            2,
            "covers",
            "阳光小屋",
            "unknown name: no Region or Building or Unit has this name or ID; did you mean "
            "沙市区/胜利街道/东方社区/阳光小区 (R10)?: relationship dropped",
        ),
    ]


def test_an_unknown_name_nothing_resembles_has_no_suggestion(tmp_path):
    data = load(tmp_path, units=[["id", "name", "kind", "location"], ["U1", "甲", "机关", "火星"]])
    assert problems(data) == [
        (
            "units.csv",
            2,
            "location",
            "火星",
            "unknown name: no Region or Building has this name or ID: relationship dropped",
        )
    ]


def test_an_unknown_home_names_no_building(tmp_path):
    data = load(
        tmp_path,
        buildings=[["id", "name", "kind", "grid"], ["B1", "3号楼", "住宅", "R7"]],
        members=[["id", "name", "home"], ["M1", "张三", "4号楼"]],
    )
    (p,) = data.report.sorted_problems()
    assert (p.value, p.reason) == (
        HIDDEN,
        "unknown name: no Building has this name or ID: relationship dropped",
    )


@pytest.mark.parametrize(
    "written",
    [
        "東方社區",  # Traditional
        "东方　社区",  # an ideographic space
        "東 方 社 區",  # spaces
        "（东方社区）",  # full-width punctuation
    ],
)
def test_traditional_and_full_width_names_resolve_by_their_folded_form(tmp_path, written):
    data = load(tmp_path, units=[["id", "name", "kind", "location"], ["U1", "甲", "机关", written]])
    assert problems(data) == []
    assert edges(data, "LOCATED_IN") == [("U1", "R3")]
    assert data.report.reference_counts()["units.location"]["folded_name"] == 1


def test_variant_characters_and_full_width_digits_resolve(tmp_path):
    data = load(
        tmp_path,
        buildings=[
            ["id", "name", "kind", "grid", "compound"],
            ["B1", "３号楼", "住宅", "R7", "靑年小區"],  # 靑 is a variant of 青, ３ full-width
        ],
        members=[["id", "name", "home"], ["M1", "张三", "3號樓"]],
    )
    assert problems(data) == []
    assert edges(data, "IN_COMPOUND") == [("B1", "R11")]
    assert edges(data, "LIVES_IN") == [("M1", "B1")]


ORG_NAMES = [
    ("中国共产党胜利街道工作委员会", "胜利街道党工委"),
    ("中共胜利街道工作委员会", "中国共产党胜利街道党工委"),
    ("东方社区委员会", "中共东方社区党委"),
    ("东方社区总支部委员会", "东方社区党总支"),
    ("东方社区第一支部委员会", "中共东方社区第一党支部"),
    ("胜利街道机关委员会", "胜利街道机关党委"),
]


@pytest.mark.parametrize(("official", "short"), ORG_NAMES)
def test_each_party_naming_pattern_resolves_both_ways(tmp_path, official, short):
    data = load(
        tmp_path,
        orgs=[
            ["id", "name", "kind", "parent"],
            ["O1", official, "党委", ""],
            ["O2", short + "X", "党支部", ""],  # a near name, not a match
            ["O3", "甲支部", "党支部", short],
        ],
        members=[["id", "name", "org"], ["M1", "张三", official]],
    )
    assert problems(data) == []
    assert edges(data, "SUB_ORG_OF") == [("O3", "O1")]
    assert edges(data, "MEMBER_OF") == [("M1", "O1")]


def test_the_naming_patterns_are_data():
    """Every pattern of naming.yaml makes its long form and its short form one key."""
    patterns = naming()["org_patterns"]
    assert len(patterns) >= 10
    for long, short in patterns:
        assert name_key(f"东方社区{long}") == name_key(f"东方社区{short or ''}"), long
    for variant, standard in naming()["variants"].items():
        assert name_key(variant) == name_key(standard), variant


def test_an_id_wins_over_a_name(tmp_path):
    data = load(
        tmp_path,
        units=[
            ["id", "name", "kind", "location"],
            ["U1", "R3", "机关", "R3"],  # R3 is the id of 东方社区 and the name of no region
        ],
        orgs=[
            ["id", "name", "kind", "parent"],
            ["O1", "O2", "党委", ""],  # named like the id of O2
            ["O2", "乙党委", "党委", ""],
            ["O3", "丙支部", "党支部", "O2"],
        ],
    )
    assert edges(data, "LOCATED_IN") == [("U1", "R3")]
    assert edges(data, "SUB_ORG_OF") == [("O3", "O2")]
    assert data.report.reference_counts()["orgs.parent"]["id"] == 1


def test_a_name_as_written_beats_a_folded_one(tmp_path):
    data = load(
        tmp_path,
        orgs=[
            ["id", "name", "kind", "parent"],
            ["O1", "胜利街道党工委", "党工委", ""],
            ["O2", "中共胜利街道党工委", "党工委", ""],
            ["O3", "丙支部", "党支部", "中共胜利街道党工委"],
            ["O4", "丁支部", "党支部", "胜利街道工作委员会"],
        ],
    )
    assert edges(data, "SUB_ORG_OF") == [("O3", "O2")]
    assert [p[4][:28] for p in problems(data)] == ["ambiguous name: 2 candidates"]


def test_a_secretary_named_by_name_is_personal(tmp_path):
    data = load(
        tmp_path,
        orgs=[
            ["id", "name", "kind", "secretary"],
            ["O1", "甲支部", "党支部", "张三"],
            ["O2", "乙支部", "党支部", "王五"],
            ["O3", "丙支部", "党支部", "李四"],
            ["O4", "丁支部", "党支部", "Li Si"],
        ],
        members=[
            ["id", "name"],
            ["M1", "张三"],
            ["M2", "王五"],
            ["M3", "王五"],
            ["M4", "李思"],
        ],
    )
    assert edges(data, "SECRETARY_OF") == [("M1", "O1")]
    shown = json.dumps(data.report.to_dict(), ensure_ascii=False)
    for name in ("王五", "李四", "李思", "Li Si", "M2", "M3", "M4"):
        assert name not in shown
    assert [(p.row, p.value, p.reason) for p in data.report.sorted_problems()] == [
        (
            3,
            HIDDEN,
            "ambiguous name: 2 candidates (not listed: personal data): relationship dropped",
        ),
        (4, HIDDEN, "unknown name: no Member has this name or ID: relationship dropped"),
        (5, HIDDEN, "unknown name: no Member has this name or ID: relationship dropped"),
    ]


def test_links_name_their_ends(tmp_path):
    data = load(
        tmp_path,
        orgs=[
            ["id", "name", "kind"],
            ["O1", "中共东方社区委员会", "党委"],
            ["O2", "甲公司党支部", "党支部"],
        ],
        links=[
            ["source", "target", "kind"],
            ["东方社区党委", "甲公司支部委员会", "联建共建"],
            ["东方社区党委", "乙公司党支部", "联建共建"],
        ],
    )
    assert edges(data, "JOINT_BUILD") == [("O1", "O2")]
    assert problems(data) == [
        (
            "links.csv",
            3,
            "target",
            "乙公司党支部",
            "unknown name: no PartyOrg has this name or ID; did you mean 甲公司党支部 (O2)?"
            ": link rejected",
        )
    ]
    assert data.report.reference_counts()["links.target"] == {
        "id": 0,
        "exact_name": 0,
        "folded_name": 1,
        "ambiguous": 0,
        "unknown": 1,
    }


def test_an_id_typed_full_width_is_an_id(tmp_path):
    data = load(tmp_path, units=[["id", "name", "kind", "location"], ["U1", "甲", "机关", "Ｒ３"]])
    assert edges(data, "LOCATED_IN") == [("U1", "R3")]
    assert data.report.reference_counts()["units.location"]["id"] == 1


def test_a_row_is_never_its_own_candidate(tmp_path):
    data = load(
        tmp_path,
        orgs=[
            ["id", "name", "kind", "parent"],
            ["O1", "第一党支部", "党委", ""],
            ["O2", "第一党支部", "党支部", "第一党支部"],  # the other 第一党支部
            ["O3", "丙支部", "党支部", "第一党支部"],
        ],
    )
    assert edges(data, "SUB_ORG_OF") == [("O2", "O1")]
    assert [(p[1], p[4][:28]) for p in problems(data)] == [(4, "ambiguous name: 2 candidates")]


def test_a_secretary_is_looked_up_among_the_organisations_members(tmp_path):
    data = load(
        tmp_path,
        orgs=[
            ["id", "name", "kind", "parent", "secretary"],
            ["O1", "东方社区党委", "党委", "", ""],
            ["O2", "甲支部", "党支部", "O1", "王五"],
            ["O3", "乙支部", "党支部", "O1", "王五"],
            ["O4", "丙支部", "党支部", "O1", "赵六"],
        ],
        members=[
            ["id", "name", "org"],
            ["M1", "王五", "O3"],
            ["M2", "王五", "O2"],
            ["M3", "赵六", "O2"],
            ["M4", "赵六", "O3"],
        ],
    )
    assert edges(data, "SECRETARY_OF") == [("M1", "O3"), ("M2", "O2")]
    # 丙支部 has no 赵六: both candidates lie equally far from it
    assert [(p[0], p[1], p[3]) for p in problems(data)] == [("orgs.csv", 5, HIDDEN)]
