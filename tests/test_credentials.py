"""No credentials in code, command lines, messages or exception texts.

The Neo4j password comes from ``NEO4J_PASSWORD`` (or the local server's key-like
file ``.neo4j/password``, mode 0600) and travels to the dashboard in its
environment, never in argv; what a user reads when something fails never holds it.
The dashboard's own command line and log: ``tests/test_dashboard_security.py``.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.cli.dashboard import dashboard_env, streamlit_command
from lianjian.graph.neo4j.server import ServerInfo, _password
from lianjian.graph.neo4j.store import Neo4jSettings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "Pa55-w0rd-never-shown"
LITERAL = re.compile(
    r"""(?ix)(password|passwd|secret|token|api[_-]?key|credential)\w*["']?\s*[:=]\s*["'][^"'\s{}$]{6,}["']"""
)
URI_WITH_USER = re.compile(r"(?i)\b(bolt|neo4j)(\+s|\+ssc)?://[^/\s:@]+:[^@\s/]+@")


def shipped_files() -> list[Path]:
    """What the project ships and runs: the package, scripts, docs, CI and data."""
    out = []
    for folder in ("lianjian", "scripts", "docs", "data", ".github"):
        out += [
            p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
    return out + [p for p in ROOT.glob("*.md")] + [ROOT / "pyproject.toml"]


def test_no_credentials_written_in_the_code():
    found = []
    for path in shipped_files():
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for pattern in (LITERAL, URI_WITH_USER):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []
    assert not (ROOT / "lianjian" / "password").exists()


def test_the_scan_would_see_one():
    written_in = "NEO4J_PASSWORD" + ' = "' + "hunter2-secret" + '"'  # built, not written in
    assert LITERAL.search(written_in)
    assert LITERAL.search("password: 'correct-horse'")
    assert URI_WITH_USER.search("bolt://neo4j:letmein@db.example:7687")
    assert not LITERAL.search('password = os.environ.get("NEO4J_PASSWORD", "")')


def test_settings_and_server_info_never_show_the_password():
    s = Neo4jSettings("bolt://127.0.0.1:7687", "neo4j", SECRET)
    info = ServerInfo("bolt://127.0.0.1:7687", "neo4j", SECRET, 1, Path("/tmp"), 7687)
    for text in (repr(s), str(s), repr(info), str(info)):
        assert SECRET not in text


def test_the_dashboard_gets_the_password_in_its_environment_not_argv(tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    env = dashboard_env(tmp_path, "neo4j", with_names=False, uri="bolt://127.0.0.1:7687")
    assert env["NEO4J_PASSWORD"] == SECRET
    assert not [a for a in streamlit_command("127.0.0.1", 8501) if SECRET in a or "NEO4J" in a]


def test_the_local_server_password_file_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    password = _password(tmp_path, None)
    assert len(password) >= 20
    assert stat.S_IMODE((tmp_path / "password").stat().st_mode) == 0o600
    assert _password(tmp_path, None) == password


def test_an_unreachable_server_is_one_line_without_the_password(sample_ledger, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    result = CliRunner().invoke(app, ["stats", str(sample_ledger), "--backend", "neo4j"])
    assert result.exit_code == 2
    assert result.output.startswith("error: Neo4j: ") and result.output.count("\n") == 1
    assert SECRET not in result.output and "Traceback" not in result.output


@pytest.mark.neo4j
def test_a_wrong_password_is_one_line_without_the_password(
    sample_ledger, neo4j_settings, monkeypatch
):
    monkeypatch.setenv("NEO4J_URI", neo4j_settings["uri"])
    monkeypatch.setenv("NEO4J_USER", neo4j_settings["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    result = CliRunner().invoke(app, ["stats", str(sample_ledger), "--backend", "neo4j"])
    assert result.exit_code == 2
    assert result.output.startswith("error: Neo4j: AuthError") and result.output.count("\n") == 1
    assert SECRET not in result.output and "Traceback" not in result.output
