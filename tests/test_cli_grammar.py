"""One CLI grammar: ``--backend embedded|neo4j`` on every command that opens a store,
``--neo4j`` its alias; ``gaps --with-names`` shows members' names in fixes, and
without it only pseudonyms."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from tests.browser_fixtures import MEMBER_MARK, rename_members

STORE_COMMANDS = [
    ["load"],
    ["stats"],
    ["gaps"],
    ["coverage"],
    ["pair"],
    ["history"],
    ["changes"],
    ["import", "rdf"],
    ["dashboard"],
]
SLASHED = "机密 / 姓名"


@pytest.fixture(scope="module")
def ledger(sample_ledger, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("slashed") / "ledger"
    shutil.copytree(sample_ledger, out)
    rename_members(out, SLASHED)
    return out


def invoke(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=" ".join)
def test_every_store_command_takes_backend_and_the_neo4j_alias(command):
    shown = invoke(*command, "--help")
    assert "--backend" in shown and "--neo4j" in shown


@pytest.mark.parametrize("command", [["stats"], ["gaps"], ["coverage"], ["pair"], ["load"]])
def test_neo4j_is_backend_neo4j(command, sample_ledger, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    runner = CliRunner()
    alias = runner.invoke(app, [*command, str(sample_ledger), "--neo4j"])
    long = runner.invoke(app, [*command, str(sample_ledger), "--backend", "neo4j"])
    assert alias.exit_code == long.exit_code == 2
    assert "no Neo4j server given" in alias.output
    assert alias.output == long.output


def test_gaps_fix_shows_member_names_only_with_the_flag(ledger):
    args = ["gaps", ledger, "--as-of", "2026-06-30", "--rule", "building_without_group"]
    for fmt in ("json", "csv", "table"):
        plain = invoke(*args, "--format", fmt)
        assert MEMBER_MARK not in plain and "机密" not in plain and "党员-" in plain
        named = invoke(*args, "--format", fmt, "--with-names")
        assert "机密" in named  # the table folds long cells: the whole name is checked below
    items = json.loads(invoke(*args, "--format", "json", "--with-names"))["rules"]
    fixes = [i["fix"] for i in items["building_without_group"]["items"] if i["fix"]]
    assert fixes and all(
        "候选组长：机密 / 姓名" in f and "candidate leaders: 机密 / 姓名" in f for f in fixes
    )
    assert not any("党员-" in f for f in fixes)
