"""The bad-input corpus (``tests/fixtures/bad/``): every broken ledger gives its expected
report and a clean exit code, never a traceback, and rows in = loaded + rejected.

Each folder holds a small ledger and ``expected.json`` (what it is about, the exit
code of ``lianjian validate``, the row counts, every problem, the nodes and edges
that load; ``today`` where the report depends on the day of reading). ``make.py``
there re-creates the inputs; the 10 MB cell is built here.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.loaders.ledger import load_ledger
from tests.ledgers import write_ledger

BAD = Path(__file__).parent / "fixtures" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.json").is_file())
BIG = 10 * 1024 * 1024


@pytest.fixture(autouse=True)
def _tests_key(monkeypatch):
    """The key of the tests (conftest), whatever an earlier test left: the ids a citizen
    ID number gives (id_numbers) are keyed hashes under it."""
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "test-key-not-secret")


def expected_of(case: str) -> dict:
    return json.loads((BAD / case / "expected.json").read_text("utf-8"))


@functools.cache
def ledger_of(case: str) -> Path:
    """The case's ledger, copied without its ``expected.json`` (a file in a ledger folder
    that is not read is reported, and the expected report is no part of the ledger)."""
    copy = Path(tempfile.mkdtemp(prefix=f"bad-{case}-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    shutil.copytree(BAD / case, copy / case, ignore=shutil.ignore_patterns("expected.json"))
    return (copy / case / expected_of(case)["ledger"]).resolve()


def report_doc(data) -> dict:
    r = data.report
    return {
        "rows": dict(zip(("in", "loaded", "rejected"), r.totals, strict=True)),
        "problems": [
            [p.file, p.row, p.column, p.value, p.reason, p.severity] for p in r.sorted_problems()
        ],
        "nodes": {
            node_id: {
                k: v for k, v in props.items() if k not in ("ledger_file", "ledger_row", "name_key")
            }
            for node_id, (_, props) in data.nodes.items()
        },
        "edges": sorted([e.type, e.source, e.target] for e in data.edges),
    }


def run_cli(*args: str):
    """The command in-process; an exception escaping it would be a traceback for the user."""
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_the_corpus_covers_every_kind_of_bad_input():
    assert set(CASES) >= {
        "gb18030",
        "utf8_sig",
        "traditional",
        "fullwidth_headers",
        "excel_serials",
        "leading_zeros",
        "duplicate_ids",
        "missing_columns",
        "dangling_refs",
        "parent_cycles",
        "level_nesting",
        "empty_files",
        "binary_garbage",
        "workbook",
        "broken_workbook",
        "personal_values",
        "mixed_encodings",
        "big5",
        "utf16_no_bom",
        "quoted_newlines",
        "unknown_encoding",
        "refused_not_defaulted",
        "dates_not_guessed",
        "numbers_out_of_range",
        "ratings_out_of_range",
        "birth_years",
        "dates_out_of_order",
        "self_links",
        "no_ids",
        "xls_workbook",
        "ods_workbook",
        "wps_et",
        "merged_cells",
        "default_sheets",
        "hidden_sheets",
        "numeric_ids",
        "unread_files",
        "ids_lost_zeros",
        "id_numbers",
        "ambiguous_names",
        "unknown_names",
        "names_folded",
        "roster_form",
        "reports_joined",
        "reports_rejected",
        "grid_ledger_level",
        "org_form_units",
        "grid_buildings",
        "home_addresses",
        "path_references",
    }


@pytest.mark.parametrize("case", CASES)
def test_case_gives_its_expected_report(case):
    expected = expected_of(case)
    today = dt.date.fromisoformat(expected["today"]) if "today" in expected else None
    data = load_ledger(ledger_of(case), today=today)
    assert data.report.balanced
    assert {k: expected[k] for k in ("rows", "problems", "nodes", "edges")} == report_doc(data)


@pytest.mark.parametrize("case", CASES)
def test_cli_validate_reports_it_with_a_clean_exit_code(case):
    expected = expected_of(case)
    result = run_cli("validate", str(ledger_of(case)), "--format", "json")
    assert result.exit_code == expected["exit_code"]
    doc = json.loads(result.stdout)
    assert (doc["rows_in"], doc["loaded"], doc["rejected"]) == tuple(expected["rows"].values())
    assert doc["rows_in"] == doc["loaded"] + doc["rejected"]
    assert len(doc["problems"]) == len(expected["problems"])
    if "references" in expected:  # how each reference column matched (by id, by name…)
        assert doc["references"] == expected["references"]
    if "addresses" in expected:  # home addresses matched to buildings
        assert doc["addresses"] == expected["addresses"]
    if "created" in expected:  # entities made from a form: no rows of the ledger
        assert doc["created"] == expected["created"]


# the cases ``load`` (and every command that reads a ledger) refuses: a file or table of
# which nothing could be loaded, or the regions table missing (tests/test_balance.py)


@pytest.mark.parametrize("case", CASES)
def test_cli_load_and_table_report_never_crash(case):
    ledger = str(ledger_of(case))
    loaded = run_cli("load", ledger, "--no-cache")
    refused = expected_of(case).get("load_refused")
    if refused:  # a whole file or table unread: no graph is made of it
        assert loaded.exit_code == 2
        assert loaded.output.startswith(f"error: the ledger cannot be used: {refused}; see `")
    else:
        assert loaded.exit_code == 0, loaded.output
        rows = expected_of(case)["rows"]
        line = f"rows in {rows['in']} = loaded {rows['loaded']} + rejected {rows['rejected']}"
        assert line in loaded.output
    table = run_cli("validate", ledger)
    assert table.exit_code == expected_of(case)["exit_code"]


def test_a_workbook_that_is_not_one_is_one_line_and_exit_2(tmp_path):
    fake = tmp_path / "ledger.xlsx"
    fake.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    result = run_cli("validate", str(fake))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: ledger.xlsx: not a readable XLSX workbook (BadZipFile)"
    )


@pytest.fixture(scope="module")
def huge_cells(tmp_path_factory) -> Path:
    """10 MB cells: in a required name, an optional number, an extra column, a header."""
    return write_ledger(
        tmp_path_factory.mktemp("huge"),
        {
            "regions": [
                ["id", "name", "level", "parent", "备注"],
                ["R1", "沙市区", "district", "", ""],
                ["R2", "胜" * BIG, "street", "R1", ""],
                ["R3", "东方社区", "community", "R1", "x" * BIG],
            ],
            "buildings": [
                ["id", "name", "kind", "grid", "households", "长" * BIG],
                ["B1", "1号楼", "住宅", "R9", "4" * BIG, "甲"],
            ],
        },
    )


def test_a_10_mb_cell_is_reported_not_loaded(huge_cells):
    data = load_ledger(huge_cells)
    assert data.report.totals == (4, 3, 1)
    shown = [(p.file, p.row, p.column, p.reason, p.severity) for p in data.report.sorted_problems()]
    n = BIG
    assert shown == [
        (
            "buildings.csv",
            None,
            "column_6",
            f"header cell too long ({n} characters): column kept as column_6",
            "notice",
        ),
        (
            "buildings.csv",
            2,
            "households",
            f"cell too long ({n} characters, at most 4000): value dropped",
            "warning",
        ),
        (
            "buildings.csv",
            2,
            "grid",
            "reference to a missing ID R9: relationship dropped",
            "warning",
        ),
        (
            "regions.csv",
            3,
            "name",
            f"cell too long ({n} characters, at most 4000): row rejected",
            "error",
        ),
        (
            "regions.csv",
            4,
            "备注",
            f"cell too long ({n} characters, at most 4000): value dropped",
            "warning",
        ),
        (
            "regions.csv",
            4,
            "parent",
            "wrong level nesting: a community's parent must be a street, R1 is a district: "
            "relationship dropped",
            "warning",
        ),
    ]
    # what a report echoes stays short, whatever the cell held
    assert max(len(p.value or "") for p in data.report.problems) < 300
    assert data.nodes["B1"][1]["column_6"] == "甲" and "households" not in data.nodes["B1"][1]
    assert "备注" not in data.nodes["R3"][1]


def test_a_10_mb_cell_through_the_cli(huge_cells):
    result = run_cli("validate", str(huge_cells), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert (doc["rows_in"], doc["loaded"], doc["rejected"]) == (4, 3, 1)
    assert len(result.stdout) < 20000
