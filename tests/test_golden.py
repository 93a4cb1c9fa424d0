"""The sample's gaps, coverage, pairing and stats output, byte-equal to the golden files.

The golden files in ``tests/golden/`` were written before the tree was reorganised;
holding every command to them proves a refactoring changed no result. Run this module
as a script to rewrite them when an output is meant to change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SAMPLE = ROOT / "data" / "sample"
AS_OF = "2026-06-30"

COMMANDS: dict[str, list[str]] = {
    "gaps.json": ["gaps", "--format", "json"],
    "gaps.csv": ["gaps", "--format", "csv"],
    "pair.json": ["pair", "--format", "json"],
    "pair.csv": ["pair", "--format", "csv"],
    "coverage.csv": ["coverage", "--format", "csv"],
    "coverage_district.json": ["coverage", "--level", "district", "--format", "json"],
    "coverage_street.json": ["coverage", "--level", "street", "--format", "json"],
    "coverage_community.json": ["coverage", "--level", "community", "--format", "json"],
    "stats.json": ["stats", "--format", "json"],
}


def run(name: str, extra: list[str] = (), env: dict[str, str] | None = None) -> str:
    command, *options = COMMANDS[name]
    args = [command, str(SAMPLE), *options, *extra]
    if command != "stats":
        args += ["--as-of", AS_OF]
    proc = subprocess.run(
        [sys.executable, "-m", "lianjian.cli.app", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "LIANJIAN_PSEUDONYM_KEY": "test-key-not-secret", **(env or {})},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_embedded_output_equals_golden(name):
    assert (GOLDEN / name).read_text(encoding="utf-8") == run(name)


@pytest.mark.neo4j
@pytest.mark.parametrize("name", ["gaps.json", "pair.json", "stats.json", "coverage_street.json"])
def test_neo4j_output_equals_golden(name, neo4j_settings, neo4j_driver):
    # neo4j_driver empties the database: the command loads the sample into it
    env = {
        "NEO4J_URI": neo4j_settings["uri"],
        "NEO4J_USER": neo4j_settings["user"],
        "NEO4J_PASSWORD": neo4j_settings["password"],
        "NEO4J_DATABASE": neo4j_settings["database"],
    }
    assert (GOLDEN / name).read_text(encoding="utf-8") == run(name, ["--backend", "neo4j"], env)


if __name__ == "__main__":  # rewrite the golden files
    for name in COMMANDS:
        (GOLDEN / name).write_text(run(name), encoding="utf-8")
