"""The three lists (需求清单, 资源清单, 项目清单) and the service records (服务记录) as ledger
tables: loaded with their references (by id or name), refused where a value is out of
bounds, exported to RDF that conforms to the shapes."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import rdflib

from lianjian.core.schema import SCHEMA
from lianjian.export.rdf import export_rdf
from lianjian.export.validate import validate_rdf
from lianjian.loaders.ledger import load_ledger
from tests.rdf_common import export_text, roundtrip

LISTS = Path(__file__).parent / "fixtures" / "lists"
LJ = rdflib.Namespace("https://w3id.org/lianjian/ns#")


def _load(path: Path = LISTS):
    return load_ledger(path)


def test_the_four_tables_are_in_the_schema_with_zh_and_en_names():
    tables = SCHEMA.tables
    assert {t: tables[t] for t in ("needs", "resources", "projects", "services")} == {
        "needs": "Need",
        "resources": "Resource",
        "projects": "Project",
        "services": "Service",
    }
    for alias, table in {
        "需求清单": "needs",
        "资源清单": "resources",
        "项目清单": "projects",
    }.items():
        assert SCHEMA.table_aliases[alias] == table
    cats = SCHEMA.enums["service_category"]
    assert cats["legal"].zh == "法律" and cats["legal"].en == "legal aid"
    assert SCHEMA.enum_value("service_category", "助老") == "elderly"
    assert SCHEMA.enum_value("service_category", "心理咨询") == "counselling"


def test_the_lists_ledger_loads_every_row_with_its_references():
    data = _load()
    report = data.report
    assert report.problems == []
    labels = [label for label, _ in data.nodes.values()]
    assert {x: labels.count(x) for x in ("Need", "Resource", "Project", "Service")} == {
        "Need": 7,
        "Resource": 4,
        "Project": 2,  # P2 past its date without an outcome (tests/test_list_rules.py)
        "Service": 3,
    }
    edges = {(e.source, e.type, e.target) for e in data.edges}
    assert ("N5", "NEEDED_IN", "G1") in edges
    assert ("R1", "OFFERED_BY", "U1") in edges and ("R5", "OFFERED_BY", "OU3") in edges
    assert ("R2", "SERVES_AREA", "C1") in edges
    assert ("P1", "FOR_NEED", "N6") in edges  # named 普法讲座 in the ledger: a reference by name
    assert ("P1", "USES_RESOURCE", "R1") in edges and ("P1", "SERVED_BY", "M2") in edges
    assert ("SV3", "SERVICE_FOR", "P1") in edges and ("SV1", "SERVICE_BY", "M2") in edges
    need = data.nodes["N3"][1]
    assert (need["category"], need["quantity"], need["status"]) == ("elderly", 2, "open")
    assert data.nodes["N6"][1]["status"] == "done"
    assert data.nodes["R5"][1]["capacity"] == 5
    assert data.nodes["SV2"][1]["hours"] == 1.5


def _with_rows(tmp_path: Path, table: str, rows: list[list[str]]) -> Path:
    out = tmp_path / "ledger"
    shutil.copytree(LISTS, out)
    with open(out / f"{table}.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return out


def test_bad_rows_of_the_lists_are_reported_with_file_row_and_reason(tmp_path):
    ledger = _with_rows(tmp_path, "resources", [["R9", "负能力", "法律", "U1", "-2", ""]])
    with open(ledger / "needs.csv", "a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["N8", "未知类别", "占卜", "C1", "1", "2026-06-01", "", "待认领"])
        w.writerow(["N9", "未知社区", "法律", "火星社区", "1", "2026-06-01", "", "待认领"])
    with open(ledger / "projects.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(["P9", "无需求项目", "", "", "", "", "", "计划", ""])
    with open(ledger / "services.csv", "a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["SV9", "无名党员", "M404", "", "2026-06-01", "法律", "1"])
        w.writerow(["SV10", "未来服务", "M1", "", "2099-01-01", "法律", "1"])
    data = load_ledger(ledger)
    problems = {(p.file, p.row, p.column): p.reason for p in data.report.problems}
    found = {k: m for k, m in problems.items() if k[1] is not None}
    by_file = {(f, r) for f, r, _ in found}
    assert ("resources.csv", 6) in by_file  # capacity -2: below 0
    assert ("needs.csv", 9) in by_file and ("needs.csv", 10) in by_file
    assert ("projects.csv", 4) in by_file  # no need: required
    assert ("services.csv", 5) in by_file  # unknown member
    assert "SV10" not in data.nodes  # dated in the future: its required date is refused
    assert any("2099-01-01" in (p.value or "") for p in data.report.problems)
    assert "R9" not in data.nodes or "capacity" not in data.nodes["R9"][1]
    assert "P9" not in data.nodes
    assert not any(e.source == "N9" and e.type == "NEEDED_IN" for e in data.edges)


def test_the_lists_export_conforms_to_the_shapes(tmp_path):
    data = _load()
    path = tmp_path / "lists.ttl"
    n = export_rdf(data, path, "ttl")
    result = validate_rdf(path)
    assert result.conforms, result.violations[:5]
    assert result.triples == n
    g = rdflib.Graph().parse(path)
    assert (None, rdflib.RDF.type, LJ.Need) in g
    assert len(set(g.subjects(rdflib.RDF.type, LJ.Service))) == 3
    assert len(list(g.triples((None, LJ.offeredBy, None)))) == 4


def test_the_lists_come_back_from_rdf():
    data = _load()
    text, _ = export_text(data, "ttl", with_names=True)
    back = roundtrip(text, "ttl")
    assert back.report.problems == []
    assert back.stats().to_dict() == data.stats().to_dict()
    lists = {"Need", "Resource", "Project", "Service"}
    assert {k: p for k, (label, p) in back.nodes.items() if label in lists} == {
        k: p for k, (label, p) in data.nodes.items() if label in lists
    }
