"""Strong leads weak (以强带弱): scores, proposals, audit and the command, on a small
ledger written here whose expected values are worked out by hand (docs/pairing.md).

Random ledgers (plan constraints, optimal ≤ greedy) and the Neo4j parity are in
``test_pairing_props.py``.
"""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.pairing.params import (
    DOCS,
    FEATURES,
    PairingParams,
    defaults,
    resolve_pairing_params,
)
from lianjian.queries.pairing.plan import SCALE, CostModel, greedy_plan, optimal_plan, plan_cost
from lianjian.queries.pairing.plan import _Site as Site
from lianjian.queries.pairing.propose import propose, strength_scores, write_proposals
from tests.pairing_ledger import AS_OF

# score = 0.40·(rating−1)/4 + 0.15·min(members,30)/30 + 0.10·young share + 0.10·college share
#         + 0.15·min(employed in area,20)/20 + 0.10·min(active partners,3)/3
SCORES = {
    "A1": 0.5683,  # 0.4 + 0.02 + 0.05 (M1, M3 young) + 0.05 (M1, M3) + 0.015 (M1, M2) + 0.0333
    "A2": 0.3075,  # 0.3 + 0.0075 (M1 assigned to G1, the grid of B2)
    "A3": 0.3333,
    "A4": 0.4333,
    "A5": 0.5,
    "K1": 0.4075,
    "O1": 0.415,  # 0.4 + 0.015 (S1 holds C1 and G1)
    "W1": 0.0075,
    "W2": 0.1,
    "W3": 0.1333,
    "W4": 0.0,
    "W5": 0.1333,
    "W6": 0.0333,
    "W7": 0.0333,
    "W8": 0.0333,
    "W9": 0.0333,
    "Z1": 0.2667,
}
# cost = place (community 0 / street 20 / district 50 / elsewhere 100, + 1 per km within a
# street, 1 km where unknown) + 20 × (1 − score gap)
PROPOSALS = [
    ("W1", "A1", 9.784),  # 0 + 1 + 20 × (1 − 0.5608)
    ("W2", "A3", 16.334),  # 0 + 1 + 20 × (1 − 0.2333)
    ("W3", "A4", 15.0),  # 0 + 1 + 20 × (1 − 0.3)
    ("W4", "A1", 108.634),  # 100 + 20 × (1 − 0.5683)
    ("W6", "A1", 109.3),  # 100 + 20 × (1 − 0.535)
]


@pytest.fixture(scope="module")
def hand_store(pairing_ledger) -> EmbeddedStore:
    data = load_ledger(pairing_ledger)
    assert data.report.totals[2] == 0, data.report.sorted_problems()
    store = EmbeddedStore()
    store.write(data)
    return store


# ---------------------------------------------------------------- parameters


def test_defaults_are_documented_and_follow_the_rules():
    assert PairingParams().to_dict() == {
        **defaults(),
        "leader_kinds": list(defaults()["leader_kinds"]),
    }
    assert set(DOCS) == set(defaults())
    assert all(d["zh"] and d["en"] and d["source"] for d in DOCS.values())
    p = PairingParams()
    assert (p.weak_rating_max, p.strong_rating_min, p.capacity) == (2, 4, 3)
    assert sum(p.weight(f) for f in FEATURES) == pytest.approx(1.0)  # scores lie in [0, 1]
    assert "group" not in p.leader_kinds and "household" not in p.leader_kinds


def test_bad_parameters_are_value_errors():
    with pytest.raises(ValueError, match="unknown parameter"):
        resolve_pairing_params({"capacty": 2})
    with pytest.raises(ValueError, match="whole number"):
        resolve_pairing_params({"capacity": "two"})
    with pytest.raises(ValueError, match="≥ 0"):
        resolve_pairing_params(None, capacity=-1)
    with pytest.raises(ValueError, match="no dearer than one across"):
        resolve_pairing_params({"cost_district": 25})
    assert resolve_pairing_params({"leader_kinds": "branch;committee"}).leader_kinds == (
        "branch",
        "committee",
    )
    assert resolve_pairing_params({"strong_score_min": "0.5"}).strong_score_min == 0.5


# ---------------------------------------------------------------- scores


def test_scores_by_hand_and_their_explanations(hand_store):
    found = strength_scores(hand_store, AS_OF)
    assert {o: s.score for o, s in found.items()} == SCORES
    a1 = found["A1"]
    assert a1.contributions == {
        "rating": 0.4,
        "members": 0.02,
        "young": 0.05,
        "educated": 0.05,
        "employed_in_area": 0.015,
        "partners": 0.0333,
    }
    assert a1.facts == {
        "rating": 5,
        "members": 4,
        "young": 2,
        "educated": 2,
        "employed_in_area": 2,
        "partners": 1,
    }
    for s in found.values():
        assert s.score == round(sum(s.contributions.values()), 4)
    assert a1.explain("en") == (
        "0.5683 = rating 0.4 + members 0.02 + young members 0.05 + college-educated share 0.05"
        " + employed members in its area 0.015 + active partners 0.0333"
    )
    assert found["W4"].explain("zh") == "0 = 0"
    # in 2034 M1 (born 1990) is 44, no longer young; M3 (born 1995) is 39, still young
    assert strength_scores(hand_store, "2034-01-01")["A1"].facts["young"] == 1


# ---------------------------------------------------------------- plan and audit


def test_hand_plan(hand_store):
    r = propose(hand_store, as_of=AS_OF)
    d = r.to_dict()
    assert list(d) == ["as_of", "proposals", "unmatched", "audit"]
    assert d["as_of"] == AS_OF
    assert [(p["weak"], p["strong"], p["cost"]) for p in d["proposals"]] == PROPOSALS
    assert all(
        set(p) == {"weak", "strong", "cost", "reason_zh", "reason_en"} for p in d["proposals"]
    )
    assert d["unmatched"] == []
    assert r.weak == ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9"]
    assert r.strong == ["A1", "A2", "A3", "A4", "A5", "O1"]  # not K1 (a party group)
    assert r.total_cost == pytest.approx(sum(c for _, _, c in PROPOSALS))
    assert r.greedy_cost == r.total_cost  # room enough: greedy finds the same plan
    w1 = d["proposals"][0]
    assert (
        w1["reason_zh"] == "评分差0.56（0.57 对 0.01）；同一社区；带领方结对后共带领3个（上限3个）"
    )
    assert w1["reason_en"] == (
        "score gap 0.56 (0.57 vs 0.01); same community; the leader would lead 3 of at most 3"
    )
    assert r["proposals"] == d["proposals"] and dict(r) == d  # reads as the contract dict


def test_hand_audit(hand_store):
    audit = propose(hand_store, as_of=AS_OF).to_dict()["audit"]
    assert [(a["kind"], a["ids"]) for a in audit] == [
        ("inverted_pair", ["W6", "Z1"]),
        ("expired_link", ["A3", "W2"]),
        ("weak_without_partner", ["W1"]),
        ("weak_without_partner", ["W2"]),
        ("weak_without_partner", ["W3"]),
        ("weak_without_partner", ["W4"]),
        ("weak_without_partner", ["W6"]),
    ]
    assert audit[0]["reason_zh"] == "以强带弱关系中，带领方W6评分0.03低于被带领方Z1评分0.27"
    assert audit[1]["reason_en"] == (
        "the pairing of A3 with W2 ended on 2025-12-31; W2 has no active partner now"
    )
    assert audit[2]["reason_zh"].endswith("；建议由A1带领")
    # a day later A5's link to W9 has ended: W9 joins the unpartnered, and A5 has room for
    # one of the three weak orgs of its community (which one is a tie: each costs the same)
    later = propose(hand_store, as_of="2026-07-01").to_dict()
    assert ("expired_link", ["A5", "W9"]) in [(a["kind"], a["ids"]) for a in later["audit"]]
    assert [p["weak"] for p in later["proposals"]] == ["W1", "W2", "W3", "W4", "W6", "W9"]
    assert [p["weak"] for p in later["proposals"] if p["strong"] == "A5"] in (
        ["W4"],
        ["W6"],
        ["W9"],
    )


def test_capacity_two_beats_greedy_and_flags_the_overloaded(hand_store):
    r = propose(hand_store, as_of=AS_OF, capacity=2)
    kinds = [(a.kind, a.ids) for a in r.audit]
    assert ("overloaded_leader", ["A5", "W7", "W8", "W9"]) in kinds
    assert len(r.proposals) == 5 and r.unmatched == []
    # greedy lets W6 (weaker) take A4's last place across districts, W3 must cross streets
    assert r.total_cost == 262.118
    assert r.greedy_cost == 311.118
    assert {p.weak: p.strong for p in r.proposals}["W3"] == "A4"
    loads = {}
    for p in r.proposals:
        loads[p.strong] = loads.get(p.strong, 0) + 1
    assert loads.get("A4", 0) <= 1 and loads.get("A5", 0) == 0  # A4 leads W5 already


def test_capacity_zero_matches_nobody(hand_store):
    r = propose(hand_store, as_of=AS_OF, capacity=0)
    assert r.proposals == [] and r.unmatched == ["W1", "W2", "W3", "W4", "W6"]
    wwp = [a for a in r.audit if a.kind == "weak_without_partner"]
    assert [a.ids for a in wwp] == [["W1"], ["W2"], ["W3"], ["W4"], ["W6"]]
    assert all(a.reason_en.endswith("none can be proposed") for a in wwp)


def test_distance_and_tiers_in_the_reasons(hand_store):
    r = propose(hand_store, as_of=AS_OF, params={"leader_kinds": "branch"})
    assert r.strong == ["A2"]
    assert [(p.weak, p.strong, p.tier) for p in r.proposals] == [
        ("W1", "A2", "community"),
        ("W2", "A2", "street"),
        ("W3", "A2", "district"),
    ]
    assert r.unmatched == ["W4", "W6"]
    w1 = r.proposals[0]
    assert w1.km == pytest.approx(0.963, abs=0.001)  # 0.01° of longitude at 30° N
    assert "相距1.0公里" in w1.reason_zh and "1.0 km apart" in w1.reason_en
    assert w1.cost == pytest.approx(0.963 + 20 * (1 - 0.3), abs=0.001)


def test_optimal_beats_greedy_where_the_weakest_takes_a_shared_leader():
    p = PairingParams()
    sites = {
        "wa": Site("C2", "S1", "D1", None, 0),  # weakest: street-level to s1, district to s2
        "wb": Site("C1", "S1", "D1", None, 1000),  # only s1 is in its community
        "s1": Site("C1", "S1", "D1", None, 9000),
        "s2": Site("C3", "S2", "D1", None, 9000),
    }
    m = CostModel(sites, p)
    room = {"s1": 1, "s2": 1}
    best = optimal_plan(["wa", "wb"], room, m)
    greedy = greedy_plan(["wa", "wb"], room, m)
    assert best == {"wa": "s2", "wb": "s1"} and greedy == {"wa": "s1", "wb": "s2"}
    assert (plan_cost(greedy, m) - plan_cost(best, m)) / SCALE == 20.0  # (20+1+50) − (50+1)
    assert optimal_plan(["wa", "wb"], {"s1": 0, "s2": 0}, m) == {}


# ---------------------------------------------------------------- writing


def test_write_on_the_embedded_store_replaces_earlier_proposals(hand_store):
    g = hand_store.graph
    joint = sum(1 for *_, t in g.edges(data="type") if t == "JOINT_BUILD")
    try:
        assert write_proposals(hand_store, propose(hand_store, as_of=AS_OF)) == 5
        assert write_proposals(hand_store, propose(hand_store, as_of=AS_OF, capacity=2)) == 5
        proposed = [(s, t, d) for s, t, d in g.edges(data=True) if d["type"] == "PROPOSED_PAIR"]
        assert sorted((s, t) for s, t, _ in proposed) == [
            ("A1", "W1"),
            ("A1", "W4"),
            ("A3", "W2"),
            ("A4", "W3"),
            ("O1", "W6"),
        ]
        assert all(d["as_of"] == AS_OF and d["capacity"] == 2 for *_, d in proposed)
        assert sum(1 for *_, t in g.edges(data="type") if t == "JOINT_BUILD") == joint
    finally:
        g.remove_edges_from(
            [(s, t, k) for s, t, k, ty in g.edges(keys=True, data="type") if ty == "PROPOSED_PAIR"]
        )


# ---------------------------------------------------------------- command line


def test_cli_pair_json_csv_and_table(pairing_ledger, hand_store):
    run = CliRunner().invoke
    args = ["pair", str(pairing_ledger), "--as-of", AS_OF]
    res = run(app, [*args, "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == propose(hand_store, as_of=AS_OF).to_dict()

    res = run(app, [*args, "-f", "csv", "--capacity", "2"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(res.output.splitlines()))
    assert [r["section"] for r in rows] == ["proposal"] * 5 + ["audit"] * 8
    assert (rows[4]["weak"], rows[4]["strong"], rows[4]["strong_name"]) == (
        "W6",
        "O1",
        "东街道党工委",
    )
    assert rows[6]["kind"] == "overloaded_leader" and rows[6]["ids"] == "A5;W7;W8;W9"

    res = run(app, [*args, "-c", "0"])
    assert res.exit_code == 0, res.output
    assert "以强带弱结对 Strong leads weak" in res.output
    assert "无法结对 Unmatched" in res.output and "四网格二支部 (W6)" in res.output
    assert "甲一" not in res.output  # members never by name


def test_cli_pair_errors_exit_2(pairing_ledger):
    run = CliRunner().invoke
    for extra, message in [
        (["--write"], "--write needs --backend neo4j"),
        (["-p", "capacty=2"], "unknown parameter"),
        (["--as-of", "30/06/2026"], "YYYY-MM-DD"),
        (["-c", "-1"], None),
        (["-f", "xml"], None),
    ]:
        res = run(app, ["pair", str(pairing_ledger), *extra])
        assert res.exit_code == 2, (extra, res.output)
        assert "Traceback" not in res.output
        if message:
            assert message in res.output


def test_sample_ledger_plan_and_audit_match_hand_checked_expectations(sample_ledger):
    """data/README.md: P07 is already led by P02; P04, P06 and P08 have no strong
    partner. P02 (优秀, score highest) leads P07 and has room for two more: P06 in its own
    community and P04 in the street; P08 goes to the street's working committee P01.
    P18's link to P08 ended on 2025-12-31 and nothing replaced it."""
    from lianjian.graph.embedded.store import EmbeddedStore
    from lianjian.queries.pairing.propose import propose

    store = EmbeddedStore.from_ledger(sample_ledger, use_cache=False)
    result = propose(store, as_of="2026-06-30").to_dict()
    assert [(p["weak"], p["strong"]) for p in result["proposals"]] == [
        ("P04", "P02"),
        ("P06", "P02"),
        ("P08", "P01"),
    ]
    assert result["unmatched"] == []
    assert [(a["kind"], a["ids"]) for a in result["audit"]] == [
        ("expired_link", ["P18", "P08"]),
        ("weak_without_partner", ["P04"]),
        ("weak_without_partner", ["P06"]),
        ("weak_without_partner", ["P08"]),
    ]
    with_one = propose(store, as_of="2026-06-30", capacity=1).to_dict()
    # P02 is full with P07: nobody else may join it
    assert all(p["strong"] != "P02" for p in with_one["proposals"])


def test_one_parameter_set_for_gaps_and_pairing():
    """The rating bands are defined once: the same default and the same override on both
    sides, and either command takes any name of the set."""
    from lianjian.queries.params import GapParams, resolve_params

    assert (PairingParams().weak_rating_max, PairingParams().strong_rating_min) == (
        GapParams().weak_rating_max,
        GapParams().strong_rating_min,
    )
    both = {"weak_rating_max": "3", "capacity": "2", "min_members_for_org": "4"}
    gap, pairing = resolve_params(both), resolve_pairing_params(both)
    assert gap.weak_rating_max == pairing.weak_rating_max == 3
    assert gap.min_members_for_org == 4 and pairing.capacity == 2
