"""The store of record on the embedded backend (issue "the graph as the system of
record"): the sample as version 1, a modified copy as version 2 (a grid gets a branch,
a building loses its group, an organisation is renamed); ``changes`` lists exactly
those, the grid's gap is closed, the building's opened, the coverage trend has a point
per version per street; the same content again records nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lianjian.core.privacy import pseudonym
from tests.record_ledgers import SERVED_IN_JUNE, V1, V2, as_json, edit_orgs, month_two_ledger, run


@pytest.fixture
def v2(sample_ledger, tmp_path) -> Path:
    return month_two_ledger(sample_ledger, tmp_path / "v2")


@pytest.fixture
def store(tmp_path, sample_ledger, v2) -> Path:
    path = tmp_path / "store"
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", path)
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", path)
    return path


def test_changes_list_exactly_the_modifications(store):
    result = as_json("changes", "--store", store)
    assert result["from"] == 1 and result["to"] == 2
    assert result["entities"] == {
        "added": ["P24"],
        "removed": [],
        "changed": [
            {"id": "P09", "properties": ["COVERS"]},
            {"id": "P16", "properties": ["name", "name_key"]},
        ],
    }
    assert result["gaps"]["opened"] == [
        {"rule": "building_without_group", "id": "B0101"},
        {"rule": "community_need_unreached", "id": "SS0103"},  # N04 was raised on 06-15
        {"rule": "org_without_secretary", "id": "P24"},  # the new branch has none yet
    ]
    assert result["gaps"]["closed"] == [  # in the order of the ledger's ids
        {"rule": "grid_without_branch", "id": "SS0102G02"},
        *({"rule": "member_without_service", "id": pseudonym(m)} for m in SERVED_IN_JUNE),
    ]
    still = {(g["rule"], g["id"]): g for g in result["gaps"]["open"]}
    assert ("grid_without_branch", "SS0102G02") not in still
    assert still[("building_without_group", "B0103")] == {
        "rule": "building_without_group", "id": "B0103", "since": V1, "age_months": 1,
    }  # fmt: skip
    assert still[("building_without_group", "B0101")]["since"] == V2
    first = as_json("changes", "--store", store, "--from", "0", "--to", "1")
    assert "P24" not in first["entities"]["added"] and "P09" in first["entities"]["added"]
    assert {"rule": "grid_without_branch", "id": "SS0102G02"} in first["gaps"]["opened"]


def test_history_lists_both_versions(store):
    versions = as_json("history", "--store", store)["versions"]
    assert [
        {k: v[k] for k in ("version", "source", "as_of", "added", "removed", "changed")}
        for v in versions
    ] == [
        {"version": 1, "source": "shashi", "as_of": V1, "added": 211, "removed": 0, "changed": 0},
        {"version": 2, "source": "shashi", "as_of": V2, "added": 1, "removed": 0, "changed": 2},
    ]
    assert all(set(v) == {"version", "source", "as_of", "loaded_at", "added", "removed",
                          "changed"} for v in versions)  # fmt: skip


def test_coverage_trend_has_a_point_per_version_per_street(store):
    trend = as_json("coverage", "--trend", "--store", store)
    assert trend["level"] == "street"
    points = [(r["version"], r["as_of"], r["id"]) for r in trend["trend"]]
    assert points == [(1, V1, "SS01"), (2, V2, "SS01")]
    grids = [r["metrics"]["grids_with_branch"] for r in trend["trend"]]
    buildings = [r["metrics"]["buildings_with_group"] for r in trend["trend"]]
    assert [(g["covered"], g["total"]) for g in grids] == [(4, 5), (5, 5)]
    assert [(b["covered"], b["total"]) for b in buildings] == [(5, 8), (4, 8)]
    communities = as_json("coverage", "--trend", "--level", "community", "--store", store)
    assert sorted({r["id"] for r in communities["trend"]}) == ["SS0101", "SS0102", "SS0103"]
    assert len(communities["trend"]) == 6
    run("coverage", "--trend", "--level", "district", "--store", store, code=2)


def test_queries_run_on_the_store_without_a_ledger(store, v2):
    on_store = as_json("gaps", "--store", store, "--as-of", V2)
    on_ledger = as_json("gaps", v2, "--as-of", V2)
    assert on_store == on_ledger
    assert on_store["rules"]["grid_without_branch"]["count"] == 0
    assert as_json("stats", "--store", store) == as_json("stats", v2)
    assert as_json("coverage", "--store", store, "--as-of", V2) == as_json(
        "coverage", v2, "--as-of", V2
    )
    assert as_json("pair", "--store", store, "--as-of", V2) == as_json("pair", v2, "--as-of", V2)
    assert "not both" in run("stats", v2, "--store", store, code=2)


def test_the_same_content_again_records_nothing(store, v2, tmp_path):
    moved = tmp_path / "moved"  # the same rows in another order: where a row is is not content
    shutil.copytree(v2, moved)
    edit_orgs(moved, lambda header, rows: [header, *reversed(rows[1:])])
    for ledger in (v2, moved):
        said = run("load", ledger, "--source", "shashi", "--as-of", V2, "--store", store)
        assert said.startswith("unchanged")
    assert len(as_json("history", "--store", store)["versions"]) == 2


def test_a_month_out_of_order_is_refused_unless_backfill(store, sample_ledger):
    said = run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", store,
               code=2)  # fmt: skip
    assert "before the latest version" in said and "--backfill" in said
    assert len(as_json("history", "--store", store)["versions"]) == 2
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", store, "--backfill")
    versions = as_json("history", "--store", store)["versions"]
    assert [(v["version"], v["as_of"], v["added"]) for v in versions][-1] == (3, V1, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "a/b", "--as-of", V1], "source name 'a/b' is not valid"),
        (["--source", "", "--as-of", V1], "source name '' is not valid"),
        (["--source", "shashi", "--as-of", "2026-02-30"], "must be a real date"),
        (["--source", "shashi", "--as-of", "20260531"], "must be a real date"),
        (["--source", "shashi"], "needs both --source and --as-of"),
    ],
)
def test_a_bad_source_or_date_is_one_line(sample_ledger, tmp_path, args, message):
    said = run("load", sample_ledger, *args, "--store", tmp_path / "s", code=2)
    assert message in said and len(said.strip().splitlines()) == 1
    assert not (tmp_path / "s" / "record.json").exists()


def test_the_tables_show_the_history(store):
    shown = run("history", "--store", store)
    assert "shashi" in shown and V2 in shown
    shown = run("changes", "--store", store, "--limit", "50")
    assert "版本 1 → 2: 新增 added 1, 删除 removed 0, 变更 changed 2" in shown
    assert "SS0102G02" in shown and "B0101" in shown and "P24" in shown
    assert "SS01" in run("coverage", "--trend", "--store", store)
    lines = run("coverage", "--trend", "--store", store, "--format", "csv").splitlines()
    assert lines[0].startswith("version,as_of,level,id,name,grids_with_branch_covered")
    assert [line.split(",")[:4] for line in lines[1:]] == [
        ["1", V1, "street", "SS01"],
        ["2", V2, "street", "SS01"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "3"], "--from version 3 does not exist; the store has versions 1 to 2"),
        (["--to", "9"], "--to version 9 does not exist"),
        (["--from", "2", "--to", "1"], "--from 2 is after --to 1"),
    ],
)
def test_changes_between_versions_that_do_not_exist_is_one_line(store, args, message):
    said = run("changes", "--store", store, *args, code=2)
    assert message in said and len(said.strip().splitlines()) == 1


def test_the_embedded_store_of_record_has_the_interface(store):
    from lianjian.graph.embedded.persist import EmbeddedRecord
    from lianjian.graph.versions import RecordStore

    record = EmbeddedRecord.open(store)
    assert isinstance(record, RecordStore)
    assert {s.name: (s.as_of, s.version) for s in record.sources().values()} == {"shashi": (V2, 2)}
    closed = [(f.rule, f.id, f.first_seen, f.closed_at, f.closed_on) for f in record.findings()
              if f.closed_at is not None]  # fmt: skip
    assert closed == [
        ("grid_without_branch", "SS0102G02", 1, 2, V2),
        *(("member_without_service", m, 1, 2, V2) for m in SERVED_IN_JUNE),
    ]


def test_the_next_load_reads_the_hashes_kept_beside_the_source(store):
    from lianjian.graph.embedded.persist import EmbeddedRecord
    from lianjian.graph.versions import content_of

    record = EmbeddedRecord.open(store)
    kept = record.content("shashi")
    assert record._graphs == {}  # the hashes file only: the graph file was not read
    whole = content_of(record._source_graph("shashi"))
    assert (kept.entities, kept.links, kept.labels) == (whole.entities, whole.links, whole.labels)
    assert kept.props_of(["P16"])["P16"]["name"] == "荆州市沙市区税务局第一机关党支部"
