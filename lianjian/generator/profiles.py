"""The profiles a generated ledger follows: the figures of the seed articles as data.

Each profile is one place whose published figures it follows: 南谯区 (001), 双台子区 (002)
and 荆州市 (003). Counts are those at scale 1; the generator multiplies them by
the scale. Rates (shares, per-community means) do not scale. Gap rates are kept
modest: a ledger of a district that works well, with the gaps every real ledger
has, so that each coverage rule has something to find.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Profile", "PROFILES", "GapRates"]


@dataclass(frozen=True)
class GapRates:
    """How often each kind of gap is planted (per opportunity)."""

    grid_branch: float = 0.05  # an urban grid outside compounds left without a branch
    compound_org: float = 0.05  # a compound left without a grass-roots org
    building_group: float = 0.12  # a residential building without group or household
    new_domain: float = 0.10  # a commercial building / park / market with no org
    unit_own_org: float = 0.05  # a unit with 3+ members and no own org
    unit_joint: float = 0.10  # a unit with 1-2 members, no org, not joint-covered
    unit_work: float = 0.15  # a private/social unit without members and without work coverage
    property_work: float = 0.08  # a property company without party work coverage
    joint_wide: float = 0.08  # a joint branch joining 6-7 units
    oversized: float = 0.15  # a unit with 51-80 members kept in one branch
    committee: float = 0.08  # a branch of 7+ members without a committee
    secretary: float = 0.02  # an org without a secretary
    term: float = 0.05  # an org whose term has ended
    weak_partner: float = 0.25  # a weak org without a strong partner
    big_committee_seats: float = 0.06  # a big committee with fewer than 3 active seats
    assigned: float = 0.03  # a grid no member is assigned to


@dataclass(frozen=True)
class Profile:
    key: str
    city: str
    code: str  # four-digit city code; districts add two digits
    center: tuple[float, float]  # latitude, longitude
    districts: tuple[tuple[str, str], ...]  # (code, name) of the real districts, in order
    street_names: tuple[str, ...]  # real-sounding names used first (镇 marks a town)
    streets: int
    communities: int
    village_share: float
    grids_urban: float  # mean grids per urban community
    grids_village: float
    compounds_urban: float  # mean compounds per urban community
    compounds_village: float  # chance a village has a resettlement compound
    buildings_compound: float  # mean residential buildings per compound
    buildings_loose: float  # mean residential buildings per grid outside compounds
    new_domain: float  # commercial buildings, parks, markets per urban community
    units: int
    property_units: int
    members: int
    employed_share: float
    contact_units: int  # units that take responsibility for grids (包保联系)
    report_rate: float  # employed members reporting to their home community (双报到)
    assign_rate: float  # employed members of contact units assigned to a grid (下沉)
    big_committee_urban: float
    big_committee_village: float
    seats_mean: float
    grid_groups: bool  # a party group on every grid (002)
    functional: float  # functional organisations per community
    temporary: int  # temporary branches in all
    instructors: float  # party-building instructors per community
    alliances: float  # alliances per street
    gaps: GapRates = GapRates()


PROFILES: dict[str, Profile] = {
    "jingzhou": Profile(
        key="jingzhou",
        city="荆州市",
        code="4210",
        center=(30.33, 112.24),
        districts=(
            ("421002", "沙市区"),
            ("421003", "荆州区"),
            ("421024", "江陵县"),
            ("421022", "公安县"),
            ("421087", "松滋市"),
            ("421081", "石首市"),
            ("421088", "监利市"),
            ("421083", "洪湖市"),
        ),
        street_names=(
            "中山街道 崇文街道 解放街道 胜利街道 朝阳街道 立新街道 联合街道 岑河镇 西城街道 东城街道 "
            "城南街道 郢城镇 纪南镇 川店镇 马山镇 李埠镇 熊河镇 资市镇 普济镇 郝穴镇 斗湖堤镇 "
            "杨家厂镇 新江口街道 笔架山街道 容城镇 调关镇 容城街道 白螺镇 新堤街道 峰口镇"
        ).split(),
        streets=36,
        communities=370,
        village_share=0.55,
        grids_urban=12.5,
        grids_village=7.0,
        compounds_urban=3.6,
        compounds_village=0.35,
        buildings_compound=7.0,
        buildings_loose=2.0,
        new_domain=0.6,
        units=707,
        property_units=60,
        members=70000,
        employed_share=0.62,
        contact_units=420,
        report_rate=0.85,
        assign_rate=0.9,
        big_committee_urban=0.95,
        big_committee_village=0.22,
        seats_mean=5.5,
        grid_groups=False,
        functional=2.7,
        temporary=40,
        instructors=0.5,
        alliances=1.2,
    ),
    "nanqiao": Profile(
        key="nanqiao",
        city="滁州市",
        code="3411",
        center=(32.3, 118.3),
        districts=(("341103", "南谯区"),),
        street_names="龙蟠街道 大王街道 乌衣镇 沙河镇 章广镇 黄泥岗镇 珠龙镇 大柳镇 施集镇".split(),
        streets=9,
        communities=55,
        village_share=0.55,
        grids_urban=8.0,
        grids_village=5.5,
        compounds_urban=3.4,
        compounds_village=0.05,
        buildings_compound=7.0,
        buildings_loose=2.0,
        new_domain=0.5,
        units=150,
        property_units=14,
        members=7000,
        employed_share=0.45,
        contact_units=54,
        report_rate=0.36,
        assign_rate=0.5,
        big_committee_urban=0.9,
        big_committee_village=0.2,
        seats_mean=9.5,
        grid_groups=False,
        functional=1.0,
        temporary=10,
        instructors=0.5,
        alliances=0.8,
    ),
    "shuangtaizi": Profile(
        key="shuangtaizi",
        city="盘锦市",
        code="2111",
        center=(41.2, 122.06),
        districts=(("211102", "双台子区"),),
        street_names="红旗街道 胜利街道 建设街道 双盛街道 铁东街道 辽河街道 统一镇".split(),
        streets=7,
        communities=51,
        village_share=18 / 51,
        grids_urban=5.5,
        grids_village=3.7,
        compounds_urban=3.0,
        compounds_village=0.2,
        buildings_compound=8.0,
        buildings_loose=2.0,
        new_domain=0.5,
        units=160,
        property_units=24,
        members=9000,
        employed_share=0.5,
        contact_units=40,
        report_rate=0.5,
        assign_rate=0.6,
        big_committee_urban=0.95,
        big_committee_village=0.3,
        seats_mean=5.0,
        grid_groups=True,
        functional=1.2,
        temporary=51,
        instructors=0.6,
        alliances=1.0,
        gaps=GapRates(property_work=0.0),  # 002: all 24 property companies covered
    ),
}
