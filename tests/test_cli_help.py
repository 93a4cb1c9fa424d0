"""Every CLI command has help, and the README documents it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from lianjian.cli.app import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def commands(group=app, prefix=()):
    cli = typer.main.get_command(group)
    out = []
    for name, cmd in cli.commands.items():
        if hasattr(cmd, "commands"):
            out.extend((*prefix, name, sub) for sub in cmd.commands)
        else:
            out.append((*prefix, name))
    return out


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_command_has_help_and_is_in_readme(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    *group, name = command  # a subcommand may be documented in a list: `neo4j fetch|start`
    listed = re.escape(" ".join(("lianjian", *group))) + rf" ([\w-]+\|)*{re.escape(name)}\b"
    assert re.search(listed, README), f"lianjian {' '.join(command)} is not in the README"


def test_readme_states_the_backend_of_every_store_command():
    for command in ("load", "stats", "gaps", "coverage", "pair", "dashboard", "import rdf"):
        heading = re.search(rf"^### `lianjian {command} [^`]*`", README, re.MULTILINE)
        assert heading and "--backend embedded|neo4j" in heading.group(0), command


def test_bad_ledger_path_is_one_line_not_a_traceback(tmp_path):
    result = CliRunner().invoke(app, ["stats", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "no such ledger" in result.output


def test_rules_page_lists_every_rule_with_its_definition():
    from lianjian.queries.catalogue import RULES
    from lianjian.queries.params import GapParams

    page = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text("utf-8")
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.title_zh} / {rule.title_en} | {rule.definition} |" in page
    for name, value in GapParams().to_dict().items():
        assert f"| `{name}` | {value} |" in page
