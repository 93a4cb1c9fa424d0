"""The sample street's three lists (data/sample needs, resources, projects, services) and
the plan matching makes of them, computed by hand and then asserted.

As of 2026-06-30, default parameters (docs/matching.md). The open needs are N01–N05: N06
is claimed (已认领), N07 done (已完成), N08 raised on 2026-07-06. Every need lies in a
community (no coordinates) or in grid SS0101G01 (B0101's coordinates), and no provider
of a need here has coordinates (units lie in a community, members' needs are community
needs): every distance term is unknown_km × cost_per_km = 1.

Joint building (active links of an organisation covering the community): 红门路社区
SS0101 — P02's partners P17 and P07, the seats of P20 (001, 002, 018); 梅台巷社区 SS0102 —
P03's partner P16, the seats of P21 still active (001; 013's ends on the as-of day and
counts; 007's ended); 三板桥社区 SS0103 — none.

Costs per unit (tier + 1 + 10 unless joint + 5 for a member):

- N01 独居老人上门健康体检 (grid SS0101G01, health, 2 units, wanted 07-05):
  R01 市一医院 (002, in SS0101, no area, capacity 2, joint by its seat on P20) 0 + 1 + 0 = 1;
  R02 爱心社工 (009, area SS0101, capacity 1, not joint) 0 + 1 + 10 = 11.
- N02 梅台小区居民健康义诊 (SS0102, health, 1, wanted 07-20): only R01, a street away, 002
  not joint with SS0102: 20 + 1 + 10 = 31. R02 serves SS0101 only.
- N03 老年人防诈骗法律讲座 (SS0101, legal, 1): M0091 石磊 (reports to SS0101, 法律咨询;
  works at 001, seated on P20) 0 + 1 + 0 + 5 = 6; R03 荆楚律师事务所 (008, in SS0101, not
  joint) 0 + 1 + 10 = 11.
- N04 三板桥小区心理健康咨询 (SS0103, counselling, 1): nobody offers counselling: unmatched,
  no_provider.
- N05 梅台小区楼道环境整治 (SS0102, environment, 4 units): R04 梅台物业 (004, in compound
  SS0102X1, no area, capacity 1, not joint) 0 + 1 + 10 = 11; M0097 武红秀 (post 环境整治,
  reports to SS0102; 002 and P17 are not joint with SS0102) 0 + 1 + 10 + 5 = 16, at most 2.
  3 of 4 units at most: 1 unit capacity_exhausted.

Greedy (by date wanted: N01, N02, N03, N04, N05) gives N01 its cheapest, R01, both units;
N02 then finds R01 full: 2 × 1 + 1000 (N02) + 6 (N03) + 1000 (N04) + 11 + 2 × 16 + 1000
(N05's fourth unit) = 3051, 6 units served.
The optimum splits N01 between R01 and R02 and keeps one unit of R01 for N02:
1 + 11 + 31 + 6 + 11 + 2 × 16 + 2 × 1000 = 2092, 7 units served.
"""

from __future__ import annotations

import pytest

from lianjian.core.privacy import pseudonym
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.matching.facts import gather
from lianjian.queries.matching.match import match
from lianjian.queries.matching.plan import MatchParams, candidates, greedy_plan, room
from lianjian.queries.matching.services import summarise
from tests.conftest import ROOT

AS_OF = "2026-06-30"
FORMS = ROOT / "data" / "sample-forms"


@pytest.fixture(scope="module")
def store(sample_data):
    s = EmbeddedStore()
    s.write(sample_data)
    return s


def test_the_sample_holds_the_four_tables(sample_data):
    labels = [label for label, _ in sample_data.nodes.values()]
    assert [labels.count(x) for x in ("Need", "Resource", "Project", "Service")] == [8, 6, 2, 5]
    rep = sample_data.report
    files = ("needs.csv", "resources.csv", "projects.csv", "services.csv")
    assert {f: (rep.rows_in[f], rep.loaded[f], rep.rejected[f]) for f in files} == {
        "needs.csv": (8, 8, 0),
        "resources.csv": (6, 6, 0),
        "projects.csv": (2, 2, 0),
        "services.csv": (5, 5, 0),
    }


def test_only_open_needs_raised_by_the_date_are_matched(store):
    assert sorted(gather(store, AS_OF).needs) == ["N01", "N02", "N03", "N04", "N05"]
    assert "N08" in gather(store, "2026-07-06").needs  # raised that day


def test_the_optimal_plan_is_the_hand_computed_one(store):
    r = match(store, AS_OF)
    assert [(p.need, p.provider, p.units, p.cost) for p in r.proposals] == [
        ("N01", "R01", 1, 1.0),
        ("N01", "R02", 1, 11.0),
        ("N02", "R01", 1, 31.0),
        ("N03", pseudonym("M0091"), 1, 6.0),
        ("N05", pseudonym("M0097"), 2, 16.0),
        ("N05", "R04", 1, 11.0),
    ]
    assert [(u.need, u.units, u.kind) for u in r.unmatched] == [
        ("N04", 1, "no_provider"),
        ("N05", 1, "capacity_exhausted"),
    ]
    assert (r.optimal, r.greedy) == (2092.0, 3051.0)
    assert (r.matched_optimal, r.matched_greedy) == (7, 6)
    assert (r.needs, r.units) == (5, 9)


def test_greedy_takes_the_cheapest_first_and_leaves_n02_without_a_provider(store):
    f = gather(store, AS_OF)
    p = MatchParams.of(None)
    plan = greedy_plan(f, candidates(f, p), room(f, p))
    assert plan == {
        ("N01", ("resource", "R01")): 2,
        ("N03", ("member", "M0091")): 1,
        ("N05", ("resource", "R04")): 1,
        ("N05", ("member", "M0097")): 2,
    }


def test_the_reasons_name_tier_joint_building_and_load(store):
    by = {(p.need, p.provider): p for p in match(store, AS_OF).proposals}
    n02 = by[("N02", "R01")]
    assert n02.reason_zh == (
        "资源类别医疗卫生；同一街道；距离未知；未与社区党组织联建；资源本月用2个（每月能力2个）"
    )
    assert by[("N03", pseudonym("M0091"))].reason_en == (
        "a member reporting to the community, offering legal aid; same community; "
        "distance unknown; already joint-building with the community; "
        "takes 1 of at most 2 this month"
    )


def test_the_forms_sample_gives_the_same_plan(store):
    forms = EmbeddedStore()
    forms.write(load_ledger(FORMS))
    got, want = match(forms, AS_OF), match(store, AS_OF)
    assert (got.optimal, got.greedy) == (want.optimal, want.greedy)
    resources = [(p.need, p.provider, p.units) for p in want.proposals if p.kind == "resource"]
    assert [(p.need, p.provider, p.units) for p in got.proposals if p.kind == "resource"] == (
        resources
    )
    assert [(p.need, p.units, p.cost) for p in got.proposals if p.kind == "member"] == [
        ("N03", 1, 6.0),
        ("N05", 2, 16.0),
    ]


def test_services_per_member_and_unit(store):
    by_member = [(t.key, t.services, t.hours) for t in summarise(store, "member")]
    assert by_member == [
        (pseudonym("M0112"), 2, 5.0),  # SV01 2 h + SV02 3 h
        *sorted([(pseudonym("M0089"), 1, 1.5), (pseudonym("M0090"), 1, 1.5)]),
        (pseudonym("M0087"), 1, 1.0),
    ]
    by_unit = {t.key: (t.services, t.hours) for t in summarise(store, "unit")}
    assert by_unit == {"018": (2, 5.0), "001": (3, 4.0)}
