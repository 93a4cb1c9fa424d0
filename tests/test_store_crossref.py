"""References between sources of a store of record: a district's ledger holds the
units, the streets' ledgers refer to them (by id, and by name) without copies. Each
street's load resolves them against the store's other sources, counts them, reports a
reference to nothing and an ambiguous name with file, row and column as any other; the
three sources give the gaps of the whole ledger; a district version that removes a
unit a street refers to is refused, the previous version kept."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from lianjian.core.schema import SCHEMA
from lianjian.graph.embedded.persist import EmbeddedRecord
from lianjian.graph.versions import link_key
from lianjian.loaders.ledger import load_ledger
from lianjian.record.load import known_entities
from tests.ledgers import REGIONS, write_ledger
from tests.record_ledgers import V1, V2, as_json, run
from tests.split_ledger import split_with_district


@pytest.fixture(scope="module")
def split(jingzhou_small, tmp_path_factory):
    return split_with_district(jingzhou_small, tmp_path_factory.mktemp("district"))


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _load_all(store_args, district: Path, streets: dict[str, Path]) -> list[str]:
    said = [run("load", district, "--source", "district", "--as-of", V1, *store_args)]
    for street, folder in streets.items():
        said.append(run("load", folder, "--source", f"street-{street}", "--as-of", V1, *store_args))
    return said


def _counted(line: str) -> Counter:
    m = re.search(r"(\d+) references to entities of other sources \(([^)]*)\)", line)
    assert m, line
    counts = Counter({t: int(n) for t, n in (p.rsplit(" ", 1) for p in m.group(2).split(", "))})
    assert sum(counts.values()) == int(m.group(1))
    return counts


def _missing(data) -> set[tuple]:
    return {
        (p.column, p.value) for p in data.report.problems if "reference to a missing" in p.reason
    }


def _foreign(data) -> Counter:
    return Counter(
        e.type for e in data.edges if e.source not in data.nodes or e.target not in data.nodes
    )


def test_the_split_holds_every_unit_in_the_district_only(split, jingzhou_small):
    district, streets, by_name = split
    assert len(_rows(district / "units.csv")) == len(_rows(jingzhou_small / "units.csv")) > 2
    assert all(len(_rows(f / "units.csv")) == 1 for f in streets.values())  # a header only
    assert by_name > 0  # the last street names units by name
    for folder in streets.values():  # alone, a street's references to units are missing
        problems = load_ledger(folder).report.problems
        assert any("reference to a missing ID" in p.reason for p in problems)


def test_a_district_and_two_streets_give_the_whole_ledgers_gaps(split, jingzhou_small, tmp_path):
    district, streets, by_name = split
    store = tmp_path / "store"
    said = _load_all(("--store", store), district, streets)
    assert not any("conflict" in s for s in said)
    assert "references to entities of other sources" not in said[0]  # the district's own
    record = EmbeddedRecord.open(store)
    for (street, folder), line in zip(streets.items(), said[1:], strict=True):
        data = load_ledger(folder, others=known_entities(record, f"street-{street}"))
        assert _missing(data) <= _missing(load_ledger(jingzhou_small))  # none but the whole's
        counts = _counted(line)
        assert counts == _foreign(data) and counts["ORG_OF_UNIT"] > 0
    street, folder = list(streets.items())[-1]
    last = load_ledger(folder, others=known_entities(record, f"street-{street}"))
    assert last.report.reference_counts()["orgs.unit"]["exact_name"] == by_name
    whole = as_json("gaps", jingzhou_small, "--as-of", V1)
    assert as_json("gaps", "--store", store, "--as-of", V1) == whole
    assert sum(r["count"] for r in whole["rules"].values()) > 0
    assert as_json("stats", "--store", store) == as_json("stats", jingzhou_small)
    # every link of the whole ledger is in the store (none lost, none made up)
    graph, _ = record.graph()
    whole_links = {link_key(e) for e in load_ledger(jingzhou_small).edges}
    assert {link_key(e) for e in graph.edges_of_type(SCHEMA.relationships)} == whole_links


def _small_district(folder: Path, twin: bool = False) -> Path:
    units = [["id", "name", "kind", "location"], ["U1", "红色物业", "property", "R4"],
             ["U2", "税务局", "agency", "R3"]]  # fmt: skip
    if twin:  # a second unit of that name, in another place
        units.append(["U3", "红色物业", "property", "R3"])
    return write_ledger(folder, {"regions": REGIONS, "units": units})


def _small_street(folder: Path, *units: str) -> Path:
    orgs = [["id", "name", "kind", "parent", "unit", "covers"],
            ["O1", "胜利街道党工委", "working_committee", "", "", "R2"]]  # fmt: skip
    for n, unit in enumerate(units, 2):
        orgs.append([f"O{n}", f"第{n}党支部", "branch", "O1", unit, "R4"])
    return write_ledger(folder, {"regions": REGIONS, "orgs": orgs})


def _store_with_district(tmp_path: Path, twin: bool = False) -> EmbeddedRecord:
    store = tmp_path / "store"
    run("load", _small_district(tmp_path / "d", twin), "--source", "district", "--as-of", V1,
        "--store", store)  # fmt: skip
    return EmbeddedRecord.open(store)


def test_references_by_id_and_name_resolve_and_a_reference_to_nothing_is_reported(tmp_path):
    record = _store_with_district(tmp_path)
    street = _small_street(tmp_path / "s", "U1", "税务局", "U9", "不存在的单位")
    data = load_ledger(street, others=known_entities(record, "street"))
    assert [(e.source, e.target) for e in data.edges if e.type == "ORG_OF_UNIT"] == [
        ("O2", "U1"),
        ("O3", "U2"),
    ]
    assert "U1" not in data.nodes and "U2" not in data.nodes  # the district's, not copied
    problems = [(p.file, p.row, p.column, p.value) for p in data.report.problems]
    assert ("orgs.csv", 5, "unit", "U9") in problems  # file, row, column as without a store
    assert ("orgs.csv", 6, "unit", "不存在的单位") in problems
    said = run("load", street, "--source", "street", "--as-of", V1, "--store", record.directory)
    assert _counted(said) == {"ORG_OF_UNIT": 2}
    held = as_json("stats", "--store", record.directory)
    assert held["nodes"]["Unit"] == 2 and held["nodes"]["PartyOrg"] == 5


def test_a_name_of_two_units_of_other_sources_is_ambiguous_never_guessed(tmp_path):
    record = _store_with_district(tmp_path, twin=True)
    data = load_ledger(
        _small_street(tmp_path / "s", "红色物业"), others=known_entities(record, "s")
    )
    assert not [e for e in data.edges if e.type == "ORG_OF_UNIT"]
    (p,) = [p for p in data.report.problems if p.column == "unit"]
    assert (p.file, p.row, p.value) == ("orgs.csv", 3, "红色物业")
    assert "ambiguous name: 2 candidates" in p.reason


def test_the_ledgers_own_name_comes_before_another_sources(tmp_path):
    record = _store_with_district(tmp_path)
    street = _small_street(tmp_path / "s", "红色物业")
    units = [["id", "name", "kind", "location"], ["SU1", "红色物业", "property", "R3"]]
    write_ledger(street, {"units": units})
    data = load_ledger(street, others=known_entities(record, "s"))
    assert [e.target for e in data.edges if e.type == "ORG_OF_UNIT"] == ["SU1"]


def _removal(tmp_path: Path, store_args) -> None:
    """A district version without the unit a street refers to is refused (one line, the
    previous versions kept); without a referenced one it is recorded."""
    district = _small_district(tmp_path / "d")
    run("load", district, "--source", "district", "--as-of", V1, *store_args)
    street = _small_street(tmp_path / "s", "U1")
    run("load", street, "--source", "street", "--as-of", V1, *store_args)
    before = as_json("history", *store_args)
    gone = [r for r in _rows(district / "units.csv") if r[0] != "U1"]
    _write(district / "units.csv", gone)
    said = run("load", district, "--source", "district", "--as-of", V2, *store_args, code=2)
    assert said.count("\n") == 1 and "removes what another source refers to" in said
    assert "U1 (street ORG_OF_UNIT ×1)" in said
    assert as_json("history", *store_args) == before
    assert as_json("stats", *store_args)["nodes"]["Unit"] == 2
    _write(district / "units.csv", gone[:1] + [["U1", "红色物业", "property", "R4"]])
    said = run("load", district, "--source", "district", "--as-of", V2, *store_args)
    assert said.startswith("version 3 of source district") and "1 removed" in said  # U2
    assert as_json("stats", *store_args)["nodes"]["Unit"] == 1


def test_a_district_version_removing_a_referenced_unit_is_refused(tmp_path):
    _removal(tmp_path, ("--store", tmp_path / "store"))


@pytest.mark.neo4j
def test_references_between_sources_on_neo4j(
    neo4j_driver, neo4j_settings, monkeypatch, split, jingzhou_small, tmp_path
):
    for key in ("uri", "user", "password", "database"):
        monkeypatch.setenv(f"NEO4J_{key.upper()}", neo4j_settings[key])
    neo = ("--backend", "neo4j")
    district, streets, _ = split
    said = _load_all(neo, district, streets)
    assert all(_counted(s)["ORG_OF_UNIT"] > 0 for s in said[1:])
    assert as_json("gaps", *neo, "--as-of", V1) == as_json("gaps", jingzhou_small, "--as-of", V1)
    assert as_json("stats", *neo) == as_json("stats", jingzhou_small)
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    _removal(tmp_path, neo)
