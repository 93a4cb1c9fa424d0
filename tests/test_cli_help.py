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


def documented(text: str) -> set[tuple[str, ...]]:
    """The commands the text names: ``lianjian gaps``, and for a group each of
    ``lianjian neo4j fetch|start|stop``."""
    groups = {c[0] for c in commands() if len(c) > 1}
    out = set()
    for first, rest in re.findall(
        r"lianjian ([a-z][a-z0-9-]*)(?: ([a-z][a-z0-9|-]*))?(?![\w-])", text
    ):
        if first in groups:
            out.update((first, sub) for sub in rest.split("|") if sub)
        else:
            out.add((first,))
    return out


def test_documented_finds_whole_command_names_only():
    text = "`lianjian validate-rdf FILE`, lianjian neo4j start|stop, lianjian export"
    assert documented(text) == {("validate-rdf",), ("neo4j", "start"), ("neo4j", "stop")}


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_command_has_help_and_is_in_readme(command):
    result = CliRunner().invoke(app, [*command, "--help"], prog_name="lianjian")
    assert result.exit_code == 0, result.output
    assert result.output.lstrip().startswith(f"Usage: lianjian {' '.join(command)} ")
    assert command in documented(README)


def test_readme_documents_no_command_that_does_not_exist():
    assert documented(README) <= set(commands())


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
