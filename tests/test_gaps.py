"""Coverage-gap rules and coverage rates: values on a small ledger written here, the
sample ledger's hand-computed expectations, and parity between the two engines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from lianjian.core.privacy import pseudonym
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.catalogue import ALL_RULES, RULES, cypher
from lianjian.queries.coverage.rates import METRICS, coverage, coverage_counts
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.gaps.nx import NX_RULES
from lianjian.queries.params import SOURCES, GapParams
from tests.gaps_ledger import AS_OF, HAND, HAND_EXPECTED
from tests.ledgers import write_ledger

SAMPLE_AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def hand_data(tmp_path_factory):
    data = load_ledger(write_ledger(tmp_path_factory.mktemp("hand"), HAND))
    assert data.report.totals[2] == 0, data.report.sorted_problems()
    return data


@pytest.fixture(scope="module")
def hand_store(hand_data) -> EmbeddedStore:
    store = EmbeddedStore()
    store.write(hand_data)
    return store


@pytest.fixture
def neo(neo4j_driver, neo4j_settings):
    """A Neo4j store on the test database, emptied again afterwards."""
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    yield store
    store.clear()


def items(result: dict, rule: str) -> dict[str, dict]:
    return {i["id"]: i for i in result["rules"][rule]["items"]}


# ---------------------------------------------------------------- catalogue


def test_catalogue_has_both_engines_for_every_rule():
    assert list(ALL_RULES) == list(NX_RULES)
    assert len(RULES) == 21
    assert [r for r in ALL_RULES if r not in RULES] == ["unit_uncovered"]
    for rid, rule in ALL_RULES.items():
        text = cypher("gaps", rid)
        assert text.lstrip().startswith(f"// {rid}:")
        for name in rule.params:
            assert f"${name}" in text, (rid, name)
            assert name in SOURCES
        assert "kind IN [" not in text, rid  # kind groups come as $params from the catalogue
        assert rule.title_zh and rule.title_en and rule.reason_zh and rule.reason_en


def test_defaults_follow_the_regulations():
    assert GapParams().to_dict() == {
        "min_members_for_org": 3,
        "joint_branch_max_units": 5,
        "branch_max_members": 50,
        "committee_min_members": 7,
        "big_committee_min_seats": 3,
        "weak_rating_max": 2,
        "strong_rating_min": 4,
        "need_open_max_days": 30,
    }
    assert set(SOURCES) == set(GapParams().to_dict())


def test_unknown_rule_parameter_or_date_is_a_value_error(hand_store):
    with pytest.raises(ValueError, match="unknown gap rule"):
        find_gaps(hand_store, AS_OF, rules=["no_such_rule"])
    with pytest.raises(ValueError, match="unknown parameter"):
        find_gaps(hand_store, AS_OF, params={"min_members": 3})
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        find_gaps(hand_store, "30/06/2026")


# ---------------------------------------------------------------- hand-made ledger


def test_hand_ledger_ids_per_rule(hand_store):
    result = find_gaps(hand_store, AS_OF).to_dict()
    assert result["as_of"] == AS_OF
    assert list(result["rules"]) == list(RULES)
    actual = {rid: [i["id"] for i in r["items"]] for rid, r in result["rules"].items()}
    assert actual == HAND_EXPECTED
    assert {rid: r["count"] for rid, r in result["rules"].items()} == {
        rid: len(ids) for rid, ids in HAND_EXPECTED.items()
    }


def test_hand_ledger_reasons_and_fixes(hand_store):
    r = find_gaps(hand_store, AS_OF).to_dict()
    assert set(items(r, "grid_without_branch")["G2"]) == {
        "id",
        "name",
        "reason_zh",
        "reason_en",
        "fix",
        "street",
        "street_name",
    }
    g2 = items(r, "grid_without_branch")["G2"]
    assert g2["name"] == "二网格"
    assert g2["fix"] == (
        "可由邻近网格“一网格”的一网格党支部（O2）延伸覆盖 / "
        "extend 一网格党支部 (O2), which covers the neighbouring grid 一网格"
    )
    assert (g2["street"], g2["street_name"]) == ("S1", "东街道")
    assert "O3" in items(r, "compound_without_org")["P2"]["fix"]
    b2 = items(r, "building_without_group")["B2"]["fix"]
    assert b2.startswith("楼内居住正式党员2名")
    assert f"{pseudonym('M10')}、{pseudonym('M12')}" in b2
    assert "戊" not in b2  # never a name
    assert items(r, "new_domain_uncovered")["B3"]["fix"].startswith("楼内3家单位")
    own = items(r, "unit_needs_own_org")
    assert own["U1"]["reason_en"] == "3 full members (at least 3) and no organisation of its own"
    assert "O5" in own["U1"]["fix"] and own["U15"]["fix"] is None
    assert own["U15"]["street"] is None
    joint = items(r, "unit_needs_joint_org")
    assert "O5" in joint["U2"]["fix"] and "joins 2 units" in joint["U2"]["fix"]
    assert joint["U17"]["fix"] is None  # the street's joint branch is full
    assert "O9" in items(r, "unit_without_party_work")["U3"]["fix"]  # same community first
    wide = items(r, "joint_branch_too_wide")["O8"]
    assert wide["reason_en"] == "joins 6 units, more than 5"
    assert wide["fix"].startswith("拆分为2个联合党支部")
    assert wide["street"] == "S2"
    grids = items(r, "grid_without_assigned_member")
    assert f"{pseudonym('M14')}, {pseudonym('M15')}" in grids["G2"]["fix"]
    assert grids["G4"]["fix"] is None
    assert (
        "现有有效兼职委员单位2个，需增补1个"
        in items(r, "community_without_big_committee")["C1"]["fix"]
    )
    assert "桂园小区" in items(r, "property_without_party_work")["U4"]["fix"]
    assert items(r, "branch_oversized")["O6"]["reason_en"] == "52 members, more than 50"
    assert items(r, "branch_without_committee")["O2"]["reason_zh"].startswith("党支部有党员8名")
    assert items(r, "term_expired")["O3"]["reason_en"].startswith("the term ended on 2026-06-29")
    weak = items(r, "weak_without_partner")
    assert "O6" in weak["O4"]["fix"] and "rated 5" in weak["O4"]["fix"]
    assert weak["O12"]["fix"] is None


@pytest.mark.parametrize(
    ("as_of", "rule", "expected"),
    [
        # the day after: links ending on 2026-06-30 lapse
        ("2026-07-01", "weak_without_partner", ["O12", "O3", "O4"]),
        ("2026-07-01", "unit_without_party_work", ["U18", "U3"]),
        ("2026-07-01", "property_without_party_work", ["U4"]),
        ("2026-07-01", "term_expired", ["O1", "O12", "O3"]),
        # the day before: the links ending on 2026-06-29 still run
        ("2026-06-29", "weak_without_partner", []),
        ("2026-06-29", "unit_without_party_work", []),
        ("2026-06-29", "community_without_big_committee", []),
        ("2026-06-29", "term_expired", ["O12"]),
    ],
)
def test_as_of_moves_links_and_terms(hand_store, as_of, rule, expected):
    assert find_gaps(hand_store, as_of, rules=[rule]).ids(rule) == expected


@pytest.mark.parametrize(
    ("params", "rule", "expected"),
    [
        ({"branch_max_members": 7}, "branch_oversized", ["O2", "O6"]),
        ({"committee_min_members": 2}, "branch_without_committee", ["O2", "O5"]),
        ({"joint_branch_max_units": 1}, "joint_branch_too_wide", ["O5", "O8"]),
        ({"min_members_for_org": 2}, "unit_needs_own_org", ["U1", "U15", "U2"]),
        ({"big_committee_min_seats": 2}, "community_without_big_committee", []),
        ({"weak_rating_max": 3}, "weak_without_partner", ["O12", "O4", "O5"]),
    ],
)
def test_thresholds_are_parameters(hand_store, params, rule, expected):
    assert find_gaps(hand_store, AS_OF, rules=[rule], params=params).ids(rule) == expected


def test_by_street_counts(hand_store):
    rows = find_gaps(hand_store, AS_OF).by_street()
    assert [r["street"] for r in rows] == ["S1", "S2", None]
    s2 = rows[1]["counts"]
    assert {k: v for k, v in s2.items() if v} == {
        "unit_needs_joint_org": 1,
        "joint_branch_too_wide": 1,
        "grid_without_assigned_member": 1,
        "weak_without_partner": 1,
        "org_without_secretary": 1,
    }


def test_hand_coverage_per_street(hand_store):
    rows = {r["id"]: r for r in coverage(hand_store, "street", AS_OF)}
    assert list(rows) == ["S1", "S2", None]

    def shares(row):
        return {m: (v["covered"], v["total"]) for m, v in row["metrics"].items()}

    assert shares(rows["S1"]) == {
        "grids_with_branch": (2, 3),
        "buildings_with_group": (2, 3),
        "new_domain_covered": (1, 2),
        "units_covered": (6, 9),
        "grids_with_members": (2, 3),
        "communities_with_big_committee": (0, 2),
    }
    assert shares(rows["S2"]) == {
        "grids_with_branch": (1, 1),
        "buildings_with_group": (0, 0),
        "new_domain_covered": (1, 1),
        "units_covered": (7, 8),
        "grids_with_members": (0, 1),
        "communities_with_big_committee": (1, 1),
    }
    assert rows["S1"]["metrics"]["grids_with_branch"]["rate"] == 0.6667
    assert rows["S2"]["metrics"]["buildings_with_group"]["rate"] is None
    assert (rows["S1"]["parent"], rows["S1"]["name"]) == ("D1", "东街道")
    assert shares(rows[None])["units_covered"] == (1, 2)  # U15, U19: no location


def test_hand_coverage_per_community_and_district(hand_store):
    comm = {r["id"]: r for r in coverage(hand_store, "community", AS_OF)}
    assert list(comm) == ["C1", "C2", "C3", None]
    c1 = {m: (v["covered"], v["total"]) for m, v in comm["C1"]["metrics"].items()}
    assert c1["units_covered"] == (3, 5)
    assert c1["grids_with_branch"] == (1, 2)
    assert comm[None]["metrics"]["units_covered"]["total"] == 8  # U8–U13 lie in a street only
    (d1, unplaced) = coverage(hand_store, "district", AS_OF)
    assert d1["id"] == "D1" and d1["metrics"]["grids_with_branch"]["total"] == 4
    assert set(METRICS) == set(d1["metrics"])
    assert unplaced["id"] is None


@pytest.mark.neo4j
def test_hand_ledger_same_on_neo4j(neo, hand_data, hand_store):
    neo.write(hand_data)
    assert find_gaps(neo, AS_OF).to_dict() == find_gaps(hand_store, AS_OF).to_dict()
    for level in ("district", "street", "community"):
        assert coverage(neo, level, AS_OF) == coverage(hand_store, level, AS_OF)


# ---------------------------------------------------------------- the sample ledger


def _sample_expected(sample_ledger: Path) -> dict:
    return json.loads(
        (Path(__file__).parent / "fixtures" / "sample_expected_gaps.json").read_text("utf-8")
    )


def _expected_ids(expected: dict) -> dict[str, list[str]]:
    """Ids per rule from expected_gaps.json: a list of ids, or the to_dict() shape."""
    rules = expected.get("rules", expected)
    out = {}
    for rid, value in rules.items():
        if isinstance(value, dict):
            value = value.get("items", value.get("ids", []))
        out[rid] = sorted(v["id"] if isinstance(v, dict) else str(v) for v in value)
    return out


@pytest.fixture(scope="module")
def sample_store(sample_ledger) -> EmbeddedStore:
    store = EmbeddedStore()
    store.write(load_ledger(sample_ledger))
    return store


def test_sample_matches_hand_computed_expectations(sample_ledger, sample_store):
    expected = _expected_ids(_sample_expected(sample_ledger))
    actual = {  # by ledger id (outputs show a flagged member by pseudonym)
        rid: sorted(i.id for i in items)
        for rid, items in find_gaps(sample_store, SAMPLE_AS_OF).rules.items()
    }
    assert set(expected) == set(RULES)
    assert actual == expected


@pytest.mark.neo4j
def test_sample_same_on_neo4j(neo, sample_ledger, sample_store):
    neo.write(load_ledger(sample_ledger))
    assert find_gaps(neo, SAMPLE_AS_OF).to_dict() == find_gaps(sample_store, SAMPLE_AS_OF).to_dict()
    assert coverage(neo, "street", SAMPLE_AS_OF) == coverage(sample_store, "street", SAMPLE_AS_OF)


# ---------------------------------------------------------------- generated ledgers


@pytest.mark.neo4j
@pytest.mark.parametrize(("profile", "seed"), [("nanqiao", 1), ("shuangtaizi", 2), ("jingzhou", 3)])
def test_generated_ledgers_same_on_both(neo, tmp_path, profile, seed):
    from lianjian.generator import generate as gen

    gen.generate(tmp_path, profile=profile, scale=0.02, seed=seed)
    data = load_ledger(tmp_path)
    embedded = EmbeddedStore()
    embedded.write(data)
    neo.write(data)
    nx_result = find_gaps(embedded, AS_OF).to_dict()
    assert sum(r["count"] for r in nx_result["rules"].values()) > 0
    assert find_gaps(neo, AS_OF).to_dict() == nx_result
    assert coverage(neo, "community", AS_OF) == coverage(embedded, "community", AS_OF)


# ---------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def hand_ledger(tmp_path_factory) -> Path:
    return write_ledger(tmp_path_factory.mktemp("hand_cli"), HAND)


def test_cli_gaps_json_csv_and_table(hand_ledger):
    from typer.testing import CliRunner

    from lianjian.cli.app import app

    run = CliRunner().invoke
    res = run(app, ["gaps", str(hand_ledger), "--as-of", AS_OF, "-f", "json"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert {rid: [i["id"] for i in r["items"]] for rid, r in got["rules"].items()} == HAND_EXPECTED

    res = run(app, ["gaps", str(hand_ledger), "--as-of", AS_OF, "-f", "csv", "-r", "term_expired"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert [(r["rule"], r["id"], r["street"]) for r in rows] == [
        ("term_expired", "O12", "S1"),
        ("term_expired", "O3", "S1"),
    ]

    res = run(app, ["gaps", str(hand_ledger), "--as-of", AS_OF, "--fail-on-gaps"])
    assert res.exit_code == 1
    assert "覆盖空白 Coverage gaps" in res.output and "按街道 By street" in res.output
    assert "戊" not in res.output  # members only as pseudonyms

    res = run(app, ["gaps", str(hand_ledger), "-r", "no_such_rule"])
    assert res.exit_code == 2 and "unknown gap rule" in res.output
    res = run(app, ["gaps", str(hand_ledger), "-p", "branch_max_members=7", "-r"])
    assert res.exit_code == 2


def test_cli_gaps_thresholds(hand_ledger):
    from typer.testing import CliRunner

    from lianjian.cli.app import app

    args = ["gaps", str(hand_ledger), "--as-of", AS_OF, "-f", "json", "-r", "branch_oversized"]
    res = CliRunner().invoke(app, [*args, "--param", "branch_max_members=7"])
    assert res.exit_code == 0, res.output
    assert [i["id"] for i in json.loads(res.stdout)["rules"]["branch_oversized"]["items"]] == [
        "O2",
        "O6",
    ]


def test_cli_coverage(hand_ledger):
    from typer.testing import CliRunner

    from lianjian.cli.app import app

    run = CliRunner().invoke
    res = run(app, ["coverage", str(hand_ledger), "--as-of", AS_OF, "-f", "csv"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in csv.DictReader(res.stdout.splitlines())}
    assert list(rows) == ["S1", "S2", ""]
    assert (rows["S1"]["units_covered_covered"], rows["S1"]["units_covered_total"]) == ("6", "9")
    res = run(app, ["coverage", str(hand_ledger), "--as-of", AS_OF, "--level", "community"])
    assert res.exit_code == 0, res.output
    assert "覆盖率 Coverage by community" in res.output


def test_coverage_counts_serve_every_level(hand_store):
    """The rules run once for all levels: counts passed in give the same rows."""
    counts = coverage_counts(hand_store, AS_OF)
    for level in ("district", "street", "community"):
        assert coverage(hand_store, level, AS_OF, counts=counts) == coverage(
            hand_store, level, AS_OF
        )
