"""The store of record's commands on Neo4j take ``--uri`` and ``--database`` as every
other Neo4j command does (user and password from ``NEO4J_USER`` / ``NEO4J_PASSWORD``):
``load --source``, ``history``, ``changes`` and ``coverage --trend`` reach the server the
options name, not the one ``NEO4J_URI`` names."""

from __future__ import annotations

import pytest

from tests.record_ledgers import V1, V2, as_json, month_two_ledger, run

pytestmark = pytest.mark.neo4j
DEAD = "bolt://127.0.0.1:9"  # nothing listens there


@pytest.fixture
def options(neo4j_driver, neo4j_settings, monkeypatch):
    """``--uri`` / ``--database`` of the test server; ``NEO4J_URI`` points nowhere."""
    monkeypatch.setenv("NEO4J_URI", DEAD)
    monkeypatch.setenv("NEO4J_DATABASE", "nosuchdatabase")
    monkeypatch.setenv("NEO4J_USER", neo4j_settings["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings["password"])
    return ("--backend", "neo4j", "--uri", neo4j_settings["uri"],
            "--database", neo4j_settings["database"])  # fmt: skip


def test_history_changes_and_trend_read_the_server_the_options_name(
    options, sample_ledger, tmp_path
):
    v2 = month_two_ledger(sample_ledger, tmp_path / "v2")
    run("load", sample_ledger, *options, "--source", "shashi", "--as-of", V1)
    said = run("load", v2, *options, "--source", "shashi", "--as-of", V2)
    assert said.startswith("version 2 of source shashi")
    history = as_json("history", *options)["versions"]
    assert [(v["version"], v["source"], v["as_of"]) for v in history] == [
        (1, "shashi", V1),
        (2, "shashi", V2),
    ]
    changes = as_json("changes", *options)
    assert (changes["from"], changes["to"]) == (1, 2)
    assert changes["entities"]["changed"]  # the modified copy changes entities
    trend = as_json("coverage", "--trend", *options)["trend"]
    assert sorted({r["version"] for r in trend}) == [1, 2]


def test_without_the_options_the_environment_is_used(options):
    for command in (("history",), ("changes",), ("coverage", "--trend")):
        said = run(*command, "--backend", "neo4j", code=2)  # NEO4J_URI points nowhere
        assert "127.0.0.1:9" in said or "connect" in said.lower(), said


def test_a_database_the_server_does_not_have_is_named(options, neo4j_settings):
    said = run("history", *options[:4], "--database", "nosuchdatabase", code=2)
    assert "nosuchdatabase" in said, said
