"""How ``lianjian validate`` counts the references of each column: matched by id, by name
as written, by folded name, or not (ambiguous, unknown); in the report, its JSON and its
table (docs/ledger.md, "References by name")."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lianjian.cli.app import app
from tests.ledgers import write_ledger
from tests.test_names import REGIONS, load

COUNTED = {
    "buildings": [
        ["id", "name", "kind", "grid", "compound"],
        ["B1", "1号楼", "住宅", "R7", "阳光小区"],
        ["B2", "2号楼", "住宅", "第三网格", "阳光小區"],
        ["B3", "3号楼", "住宅", "第三网格", ""],
        ["B4", "4号楼", "住宅", "第九网格", "R404"],
    ]
}
GRID_COUNTS = {"id": 1, "exact_name": 1, "folded_name": 0, "ambiguous": 1, "unknown": 1}
COMPOUND_COUNTS = {"id": 0, "exact_name": 1, "folded_name": 1, "ambiguous": 0, "unknown": 1}


def test_validate_counts_how_each_reference_column_matched(tmp_path):
    data = load(tmp_path, **COUNTED)
    counts = data.report.reference_counts()
    assert counts["buildings.grid"] == GRID_COUNTS
    # R404, a missing id, is unknown: no id and no name
    assert counts["buildings.compound"] == COMPOUND_COUNTS
    assert counts["regions.parent"] == {
        "id": 7,
        "exact_name": 0,
        "folded_name": 0,
        "ambiguous": 0,
        "unknown": 0,
    }


def test_validate_shows_the_counts_as_json_and_as_a_table(tmp_path):
    ledger = write_ledger(tmp_path, {"regions": REGIONS, **COUNTED})
    doc = json.loads(CliRunner().invoke(app, ["validate", str(ledger), "--format", "json"]).stdout)
    assert {"rows_in", "loaded", "rejected", "files", "problems"} < set(doc)
    assert doc["references"]["buildings.grid"] == GRID_COUNTS
    assert doc["references"]["buildings.compound"] == COMPOUND_COUNTS
    table = CliRunner().invoke(app, ["validate", str(ledger)], env={"COLUMNS": "200"}).stdout
    assert "引用 References" in table
    rows = [line.split("│")[1:-1] for line in table.splitlines() if "buildings.grid" in line]
    assert [c.strip() for c in rows[0]] == ["buildings.grid", "1", "1", "0", "1", "1"]
