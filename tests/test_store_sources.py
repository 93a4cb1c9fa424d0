"""Several sources side by side in the store of record: two streets of a generated
ledger loaded separately give the graph, gaps and coverage of the whole ledger loaded
at once; the same id with different data in two sources is a conflict, reported and
never merged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lianjian.graph.embedded.persist import EmbeddedRecord
from tests.record_ledgers import V1, as_json, edit_orgs, run
from tests.split_ledger import split_by_street


@pytest.fixture(scope="module")
def streets(jingzhou_small, tmp_path_factory) -> dict[str, Path]:
    return split_by_street(jingzhou_small, tmp_path_factory.mktemp("streets"))


def _member_ids(folder: Path) -> set[str]:
    lines = (folder / "members.csv").read_text("utf-8-sig").splitlines()[1:]
    return {line.split(",", 1)[0] for line in lines}


def test_the_split_is_into_two_streets_each_smaller_than_the_whole(streets, jingzhou_small):
    assert len(streets) == 2
    whole = _member_ids(jingzhou_small)
    parts = [_member_ids(folder) for folder in streets.values()]
    assert all(part and part < whole for part in parts)  # each street holds some, not all
    assert set().union(*parts) == whole  # and no member is lost by the split


def test_two_streets_loaded_separately_give_the_whole_ledgers_gaps(
    streets, jingzhou_small, tmp_path
):
    store = tmp_path / "store"
    for street, folder in streets.items():
        said = run("load", folder, "--source", f"street-{street}", "--as-of", V1, "--store", store)
        assert "conflict" not in said
    assert [v["source"] for v in as_json("history", "--store", store)["versions"]] == [
        f"street-{s}" for s in streets
    ]
    whole = as_json("gaps", jingzhou_small, "--as-of", V1)
    assert as_json("gaps", "--store", store, "--as-of", V1) == whole
    assert sum(r["count"] for r in whole["rules"].values()) > 0
    for folder in streets.values():  # neither street alone gives them
        assert as_json("gaps", folder, "--as-of", V1) != whole
    assert as_json("stats", "--store", store) == as_json("stats", jingzhou_small)
    assert as_json("coverage", "--store", store, "--as-of", V1, "--level", "community") == (
        as_json("coverage", jingzhou_small, "--as-of", V1, "--level", "community")
    )
    open_now = {(g["rule"], g["id"]) for g in as_json("changes", "--store", store, "--from", "0")
                ["gaps"]["open"]}  # fmt: skip
    assert open_now == {(r, i["id"]) for r, v in whole["rules"].items() for i in v["items"]}
    trend = as_json("coverage", "--trend", "--store", store)["trend"]
    assert sorted({r["id"] for r in trend if r["version"] == 2}) == sorted(streets)


def test_the_same_id_with_other_data_in_two_sources_is_a_conflict(sample_ledger, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(sample_ledger, other)

    def rename(header, rows):
        for r in rows:
            if r[0] == "P16":
                r[1] = "另一个名称"
        return rows

    edit_orgs(other, rename)
    store = tmp_path / "store"
    run("load", sample_ledger, "--source", "one", "--as-of", V1, "--store", store)
    said = run("load", other, "--source", "two", "--as-of", V1, "--store", store)
    assert "conflict: P16 differs between sources one (kept) and two" in said
    record = EmbeddedRecord.open(store)
    graph, conflicts = record.graph()
    assert [(c.id, c.kept, c.other) for c in conflicts] == [("P16", "one", "two")]
    assert graph.nodes(["P16"])["P16"][1]["name"] == "荆州市沙市区税务局机关党支部"
    assert (
        as_json("history", "--store", store)["versions"][1]["added"] == 211
    )  # 190 entities and the 21 list rows
    result = run("stats", "--store", store)
    assert "conflict: P16 differs" in result


def test_the_same_name_and_place_under_other_ids_in_two_sources_is_a_conflict(
    sample_ledger, tmp_path
):
    other = twin_ledger(sample_ledger, tmp_path / "other")
    store = tmp_path / "store"
    run("load", sample_ledger, "--source", "one", "--as-of", V1, "--store", store)
    said = run("load", other, "--source", "two", "--as-of", V1, "--store", store)
    assert "conflict: P25 of source two has the name and place of P16 of source one" in said
    _, conflicts = EmbeddedRecord.open(store).graph()
    assert [(c.id, c.kept, c.other, c.same_as) for c in conflicts] == TWIN_CONFLICTS


TWIN_CONFLICTS = [("P16", "one", "two", ""), ("P25", "one", "two", "P16")]


def twin_ledger(sample_ledger: Path, other: Path) -> Path:
    """The sample with P16 renamed and P25 under P16's parent with P16's old name."""
    shutil.copytree(sample_ledger, other)

    def twin(header, rows):  # P25: P16's name under P16's parent, another id
        row = next(r for r in rows if r[0] == "P16")
        rows[rows.index(row)] = [row[0], "另一个名称", *row[2:]]
        copy = ["P25", *row[1:]]
        for column in ("所在单位", "覆盖范围", "书记"):  # none of P16's ties: a bare twin
            copy[header.index(column)] = ""
        return [*rows, copy]

    edit_orgs(other, twin)
    return other


def test_changes_show_members_by_pseudonym(streets, tmp_path):
    store = tmp_path / "store"
    folder = next(iter(streets.values()))
    run("load", folder, "--source", "street", "--as-of", V1, "--store", store)
    members = _member_ids(folder)
    said = run("changes", "--store", store, "--from", "0", "--format", "json")
    shown = as_json("changes", "--store", store, "--from", "0")
    added = set(shown["entities"]["added"])
    assert not members & added and not [m for m in members if m in said]  # no member's id
    assert sum(i.startswith("党员-") for i in added) == len(members)
    flagged = [g["id"] for g in shown["gaps"]["open"] if g["rule"] == "member_without_service"]
    assert flagged and all(i.startswith("党员-") for i in flagged)
