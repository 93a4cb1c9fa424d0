"""``lianjian gaps|coverage|stats --scope REGION``: one region's subtree, the same ids the
dashboard's scope holds (``lianjian.queries.scope``), named by id, name or path and
never guessed; on a ledger, on the store of record and on Neo4j alike."""

from __future__ import annotations

import csv
import shutil

import pytest

from lianjian.core.privacy import pseudonym
from lianjian.dashboard.scope import scope_ids as dashboard_scope_ids
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries.scope import region_tree, scope_ids
from tests.record_ledgers import V1, as_json, run

AS_OF = "2026-06-30"
COMMANDS = {
    "gaps": ["gaps", "--as-of", AS_OF],
    "coverage": ["coverage", "--as-of", AS_OF],
    "stats": ["stats"],
}
SCOPE_OF = {  # what each JSON says of its scope
    "SS01": {"id": "SS01", "name": "胜利街道", "level": "street", "path": "荆州市沙市区/胜利街道"},
    "SS0101": {
        "id": "SS0101",
        "name": "红门路社区",
        "level": "community",
        "path": "荆州市沙市区/胜利街道/红门路社区",
    },
}


@pytest.fixture(scope="module")
def store(sample_ledger):
    return EmbeddedStore.from_ledger(sample_ledger)


def test_the_dashboard_and_the_commands_share_one_scope():
    assert dashboard_scope_ids is scope_ids  # one piece of code, not two that agree today


@pytest.mark.parametrize("region", ["SS01", "SS0101", "SS0102", "SS0101G01"])
def test_gaps_keep_the_findings_inside_the_subtree(sample_ledger, store, region):
    inside = scope_ids(store, region_tree(store), region)
    whole = as_json(*COMMANDS["gaps"], sample_ledger)
    held = as_json(*COMMANDS["gaps"], sample_ledger, "--scope", region)
    assert list(held) == ["as_of", "scope", "rules"] and held["scope"]["id"] == region
    assert list(held["rules"]) == list(whole["rules"])  # every rule, found or not
    raw = {pseudonym(m): m for m in store.graph if store.graph.nodes[m].get("label") == "Member"}
    for rule, found in whole["rules"].items():  # a member's finding is shown by pseudonym
        expected = [i for i in found["items"] if raw.get(i["id"], i["id"]) in inside]
        assert held["rules"][rule] == {"count": len(expected), "items": expected}, rule


def test_gaps_in_scope_are_counted_as_the_sample_has_them(sample_ledger):
    def found(region):
        rules = as_json(*COMMANDS["gaps"], sample_ledger, "--scope", region)["rules"]
        return {(r, i["id"]) for r, v in rules.items() for i in v["items"]}

    street, whole = found("SS01"), found("SS")
    communities = [found(c) for c in ("SS0101", "SS0102", "SS0103")]
    assert len(street) == 46 and street <= whole  # every finding of the sample is in SS01
    for community in communities:  # an organisation covering two communities is in both
        assert community <= street
    assert len(communities[0]) == 28  # as tests/test_dashboard_apptest.py lists them by hand
    assert ("grid_without_branch", "SS0102G02") in communities[1]  # no branch in that grid
    assert not [f for f in communities[0] | communities[2] if f[0] == "grid_without_branch"]


def test_the_json_says_the_scope_and_nothing_changes_without_it(sample_ledger):
    for name, command in COMMANDS.items():
        plain = as_json(*command, sample_ledger)
        assert "scope" not in (plain if isinstance(plain, dict) else {}), name
        assert as_json(*command, sample_ledger, "--scope", "SS01")["scope"] == SCOPE_OF["SS01"]
    assert isinstance(as_json(*COMMANDS["coverage"], sample_ledger), list)


def test_coverage_in_scope_is_the_rows_of_the_subtree(sample_ledger):
    communities = as_json(*COMMANDS["coverage"], sample_ledger, "--level", "community")
    held = as_json(*COMMANDS["coverage"], sample_ledger, "--scope", "SS01", "--level", "community")
    assert held["level"] == "community"
    assert held["coverage"] == [r for r in communities if r["parent"] == "SS01"]
    assert [r["id"] for r in held["coverage"]] == ["SS0101", "SS0102", "SS0103"]
    own = as_json(*COMMANDS["coverage"], sample_ledger, "--scope", "红门路社区")
    assert own["level"] == "community"  # a community's own row, the level not asked for
    assert own["coverage"] == [r for r in communities if r["id"] == "SS0101"]
    street = as_json(*COMMANDS["coverage"], sample_ledger, "--scope", "SS01")
    assert [r["id"] for r in street["coverage"]] == ["SS01"] and street["level"] == "street"


def test_coverage_refuses_a_level_above_the_scope_or_a_scope_below_communities(sample_ledger):
    said = run(
        *COMMANDS["coverage"], sample_ledger, "--scope", "SS0101", "--level", "street", code=2
    )
    assert "--level street is above the scope SS0101" in said and len(said.splitlines()) == 1
    said = run(*COMMANDS["coverage"], sample_ledger, "--scope", "SS0101G01", code=2)
    assert "is a grid" in said and len(said.splitlines()) == 1
    said = run("coverage", "--trend", "--scope", "SS01", code=2)
    assert "--scope does not apply to --trend" in said


def test_stats_in_scope_count_the_subtree_and_the_links_inside_it(sample_ledger, store):
    inside = scope_ids(store, region_tree(store), "SS0101")
    held = as_json(*COMMANDS["stats"], sample_ledger, "--scope", "SS0101")
    assert held["scope"] == SCOPE_OF["SS0101"]
    labels: dict[str, int] = {}
    for row in store.node_summaries():
        if row["id"] in inside:
            labels[row["label"]] = labels.get(row["label"], 0) + 1
    assert held["nodes"] == dict(sorted(labels.items()))
    assert held["nodes"]["Region"] == 4  # the community, its two grids and its compound
    assert held["relationships"]["PART_OF"] == 3  # the one to the street leaves the subtree
    whole = as_json(*COMMANDS["stats"], sample_ledger)
    district = as_json(*COMMANDS["stats"], sample_ledger, "--scope", "SS")
    assert {k: v for k, v in district.items() if k != "scope"} == whole  # all placed


@pytest.mark.parametrize(
    "text", ["SS0101", "红门路社区", " 红门路社区 ", "胜利街道/红门路社区", "SS01/红门路社区"]
)
def test_a_region_is_named_by_id_name_or_path(sample_ledger, text):
    assert as_json(*COMMANDS["stats"], sample_ledger, "--scope", text)["scope"]["id"] == "SS0101"


@pytest.fixture(scope="module")
def twin(sample_ledger, tmp_path_factory):
    """The sample with a second street holding a community also called 红门路社区."""
    folder = tmp_path_factory.mktemp("twin") / "ledger"
    shutil.copytree(sample_ledger, folder)
    with (folder / "regions.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["SS02", "崇文街道", "街道", "SS"],
                                  ["SS0201", "红门路社区", "社区", "SS02"]])  # fmt: skip
    return folder


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_unknown_or_ambiguous_region_is_one_line_and_exit_2(twin, command):
    said = run(*COMMANDS[command], twin, "--scope", "红门路社区", code=2)
    assert said.count("\n") == 1 and "ambiguous" in said
    assert "SS0101 (荆州市沙市区/胜利街道/红门路社区)" in said and "SS0201" in said
    for text in ("红门路", "红门路社区/胜利街道", "SS9999", "胜利街道/SS0201"):
        said = run(*COMMANDS[command], twin, "--scope", text, code=2)
        assert said.count("\n") == 1 and "no region of this ledger" in said, text
    got = as_json(*COMMANDS[command], twin, "--scope", "崇文街道/红门路社区")
    assert got["scope"]["id"] == "SS0201"


def test_the_store_of_record_is_scoped_the_same(sample_ledger, tmp_path):
    record = tmp_path / "store"
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", record)
    for command in COMMANDS.values():
        from_ledger = as_json(*command, sample_ledger, "--scope", "SS0102")
        assert as_json(*command, "--store", record, "--scope", "SS0102") == from_ledger


def test_help_names_the_option():
    for command in COMMANDS:
        said = run(command, "--help")
        assert "--scope" in said, command


@pytest.mark.neo4j
def test_neo4j_is_scoped_the_same(sample_ledger, neo4j_driver, neo4j_settings, monkeypatch):
    for key in ("uri", "user", "password", "database"):
        monkeypatch.setenv(f"NEO4J_{key.upper()}", neo4j_settings[key])
    for region in ("SS01", "胜利街道/梅台巷社区"):
        for name, command in COMMANDS.items():
            embedded = as_json(*command, sample_ledger, "--scope", region)
            assert as_json(*command, sample_ledger, "--backend", "neo4j", "--scope", region) == (
                embedded
            ), (name, region)
    said = run(*COMMANDS["gaps"], sample_ledger, "--neo4j", "--scope", "nowhere", code=2)
    assert "no region of this ledger" in said
