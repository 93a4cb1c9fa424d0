"""Matching needs to resources and reporting members on the hand ledger tests/fixtures/lists,
whose expectations are computed by hand (docs/matching.md, "A worked example").

As of 2026-06-30 the open needs are N1–N5 (N6 is done; N7 is raised later). Costs per
unit with the default parameters (no need has coordinates but N5, whose providers have
none: every distance term is unknown_km × cost_per_km = 1):

- N1 (C1, legal): R1 0 + 1 + 0 (税务局's branch OU1 joint-builds with C1's O1) = 1;
  R2 (area C1) 0 + 1 + 10 = 11; member M2 (reports to C1, 法律, branch OU1) 0 + 1 + 0 + 5 = 6.
- N2 (C2, legal): only R1, a street away and not joint with C2: 20 + 1 + 10 = 31.
- N3 (C2, elderly, 2 units): member M1 (posts 助老): 0 + 1 + 10 + 5 = 16 (OU3's link to
  C2's O2 ended 2025-12-31).
- N4 (C2, health): R5 serves C3 only: no provider in reach.
- N5 (G1 in C1, education, 3 units): R3 (area C1, capacity 1) 11: 2 units left.

Greedy (by date wanted) gives N1 the cheapest, R1, and N2 has nothing left: 1 + 32 + 11 +
4 × 1000 = 4044. The optimum gives N1 to M2 and R1 to N2: 6 + 31 + 32 + 11 + 3 × 1000 = 3080.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.privacy import pseudonym
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.matching.facts import gather
from lianjian.queries.matching.match import match
from lianjian.queries.matching.plan import MatchParams
from lianjian.queries.matching.services import summarise

LISTS = Path(__file__).parent / "fixtures" / "lists"
AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def store():
    s = EmbeddedStore()
    s.write(load_ledger(LISTS))
    return s


def _pairs(result) -> set[tuple[str, str, int, float]]:
    return {(p.need, p.provider, p.units, p.cost) for p in result.proposals}


def test_the_hand_ledger_gets_the_hand_computed_plan(store):
    r = match(store, AS_OF)
    assert _pairs(r) == {
        ("N1", pseudonym("M2"), 1, 6.0),
        ("N2", "R1", 1, 31.0),
        ("N3", pseudonym("M1"), 2, 16.0),
        ("N5", "R3", 1, 11.0),
    }
    assert {(u.need, u.units, u.kind) for u in r.unmatched} == {
        ("N4", 1, "no_provider"),
        ("N5", 2, "capacity_exhausted"),
    }
    assert (r.optimal, r.greedy) == (3080.0, 4044.0)
    assert (r.matched_optimal, r.matched_greedy) == (5, 4)
    assert (r.needs, r.units) == (5, 8)


def test_reasons_say_place_joint_building_and_load_in_both_languages(store):
    by_need = {p.need: p for p in match(store, AS_OF).proposals}
    assert by_need["N2"].reason_zh == (
        "资源类别法律；同一街道；距离未知；未与社区党组织联建；资源本月用1个（每月能力1个）"
    )
    assert "same street" in by_need["N2"].reason_en
    assert "已与社区党组织联建共建" in by_need["N1"].reason_zh
    assert "already joint-building" in by_need["N1"].reason_en
    assert by_need["N3"].reason_en.endswith("takes 2 of at most 2 this month")
    unmatched = {u.need: u for u in match(store, AS_OF).unmatched}
    assert unmatched["N4"].reason_zh == "本社区和所在街道内没有医疗卫生类的资源或报到党员"
    assert "(1 of 3 matched)" in unmatched["N5"].reason_en


def test_facts_pick_open_needs_raised_by_the_date_and_active_partners(store):
    f = gather(store, AS_OF)
    assert sorted(f.needs) == ["N1", "N2", "N3", "N4", "N5"]  # N6 done, N7 raised 2026-08-01
    assert sorted(gather(store, "2026-08-01").needs) == ["N1", "N2", "N3", "N4", "N5", "N7"]
    assert f.partners == {"C1": frozenset({"OU1"})}  # OU3–O2 ended 2025-12-31
    assert f.members["M1"].categories == frozenset({"elderly"})  # 助老 is an alias
    assert f.resources["R5"].place.community == "C3"  # an organisation's resource: its area
    assert f.needs["N5"].point == (30.3172, 112.2551)  # the grid's first building


def test_the_joint_building_preference_is_a_cost(store):
    r = match(store, AS_OF, params={"cost_not_joint": 0})
    assert ("N2", "R1", 1, 21.0) in _pairs(r)
    # with no preference, R1 (joint) and R2 cost N1 the same 1; M2 costs 1 + 5
    assert {p.provider for p in r.proposals if p.need == "N1"} <= {"R2", "R1"}


def test_members_take_no_more_than_their_capacity(store):
    r = match(store, AS_OF, params={"member_capacity": 1})
    assert ("N3", pseudonym("M1"), 1, 16.0) in _pairs(r)
    assert ("N3", 1, "capacity_exhausted") in {(u.need, u.units, u.kind) for u in r.unmatched}
    none = match(store, AS_OF, params={"member_capacity": 0})
    assert not any(p.kind == "member" for p in none.proposals)


@pytest.mark.parametrize(
    "params", [{"nope": 1}, {"cost_unmatched": 10}, {"cost_street": -1}, {"cost_street": "x"}]
)
def test_bad_parameters_are_refused(params):
    with pytest.raises(ValueError):
        MatchParams.of(params)


def test_an_empty_store_matches_nothing():
    r = match(EmbeddedStore(), AS_OF).to_dict()
    assert r["proposals"] == [] and r["unmatched"] == []
    assert r["objective"] == {"optimal": 0.0, "greedy": 0.0}


def test_cli_json_follows_the_contract_and_hides_members():
    out = CliRunner().invoke(app, ["match", str(LISTS), "--as-of", AS_OF, "--format", "json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert set(got) >= {"as_of", "proposals", "unmatched", "objective"}
    assert got["objective"] == {"optimal": 3080.0, "greedy": 4044.0}
    for p in got["proposals"]:
        assert {"need", "cost", "reason_zh", "reason_en"} <= set(p)
        assert ("resource" in p) != ("member" in p)
    for u in got["unmatched"]:
        assert {"need", "reason_zh", "reason_en"} <= set(u)
    assert "M1" not in out.stdout and "M2" not in out.stdout
    assert "李敏" not in out.stdout and "王强" not in out.stdout


def test_cli_table_and_csv():
    table = CliRunner().invoke(app, ["match", str(LISTS), "--as-of", AS_OF])
    assert table.exit_code == 0, table.output
    assert "3080.00" in table.stdout and "4044.00" in table.stdout
    csv_out = CliRunner().invoke(app, ["match", str(LISTS), "--as-of", AS_OF, "--format", "csv"])
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("section,need,need_name,resource")
    assert sum(1 for x in lines if x.startswith("proposal,")) == 4
    assert sum(1 for x in lines if x.startswith("unmatched,")) == 2
    bad = CliRunner().invoke(app, ["match", str(LISTS), "-p", "nope=1"])
    assert bad.exit_code == 2


def test_services_are_summed_per_member_and_unit_within_dates(store):
    by_member = {t.key: t for t in summarise(store, "member")}
    assert set(by_member) == {pseudonym("M2"), pseudonym("M1")}
    m2 = by_member[pseudonym("M2")]
    assert (m2.services, m2.hours, m2.categories) == (2, 5.0, 1)  # SV1 2 h + SV3 3 h
    by_unit = {t.key: (t.services, t.hours) for t in summarise(store, "unit")}
    assert by_unit == {"": (2, 5.0), "U3": (1, 1.5)}  # M2 has no work unit; M1 works at U3
    may = summarise(store, "member", "2026-05-01", "2026-05-31")
    assert [(t.key, t.hours) for t in may] == [(pseudonym("M2"), 3.0)]
    with pytest.raises(ValueError):
        summarise(store, "street")


def test_cli_services_hides_members():
    out = CliRunner().invoke(app, ["services", str(LISTS), "--format", "json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert [t["services"] for t in got["totals"]] == [2, 1]
    assert "M2" not in out.stdout and "王强" not in out.stdout
    table = CliRunner().invoke(app, ["services", str(LISTS), "--by", "unit"])
    assert "崇文中学 (U3)" in table.stdout and "No work unit" in table.stdout
