"""Personal data: members are pseudonymised in every output unless names are asked for.

The ledger is the sample with every member renamed ``MEMBER_MARK{n}``; no command
output (tables, JSON, CSV, RDF, what goes to stderr) may hold the mark. Where a
member is referred to, its pseudonym (``党员-`` and a keyed hash) stands instead.
``--with-names`` shows names: in RDF (a file created with mode 0600) and in the
dashboard. The dashboard in the browser: ``tests/test_dashboard_security.py``; its
pages under AppTest: ``tests/test_dashboard_apptest.py``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from tests.browser_fixtures import MEMBER_MARK, rename_members


@pytest.fixture(scope="module")
def ledger(sample_ledger, tmp_path_factory) -> Path:
    import shutil

    out = tmp_path_factory.mktemp("marked") / "ledger"
    shutil.copytree(sample_ledger, out)
    rename_members(out)
    return out


def run(*args: str) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    return result.output  # stdout and stderr


COMMANDS = {
    "validate table": ["validate", "{L}"],
    "validate json": ["validate", "{L}", "--format", "json"],
    "load": ["load", "{L}", "--no-cache"],
    "stats": ["stats", "{L}", "--format", "json"],
    "gaps table": ["gaps", "{L}", "--limit", "1000", "--as-of", "2026-06-30"],
    "gaps json": ["gaps", "{L}", "--format", "json", "--as-of", "2026-06-30"],
    "gaps csv": ["gaps", "{L}", "--format", "csv", "--as-of", "2026-06-30"],
    "coverage table": ["coverage", "{L}", "--level", "community"],
    "coverage json": ["coverage", "{L}", "--format", "json"],
    "coverage csv": ["coverage", "{L}", "--format", "csv"],
    "pair table": ["pair", "{L}", "--as-of", "2026-06-30"],
    "pair json": ["pair", "{L}", "--format", "json", "--as-of", "2026-06-30"],
    "pair csv": ["pair", "{L}", "--format", "csv", "--as-of", "2026-06-30"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_cli_output_never_names_a_member(ledger, command):
    shown = run(*(a.replace("{L}", str(ledger)) for a in COMMANDS[command]))
    assert MEMBER_MARK not in shown
    if command == "gaps json":  # members are referred to: by pseudonym
        assert "党员-" in shown


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_rdf_export_pseudonymises_and_names_only_when_asked(ledger, tmp_path, fmt):
    plain = tmp_path / f"plain.{fmt}"
    shown = run("export", "rdf", ledger, "--out", plain, "--with-gaps", "--as-of", "2026-06-30")
    body = plain.read_text("utf-8")
    assert MEMBER_MARK not in shown + body and "党员-" in body
    back = run("import", "rdf", plain)
    assert MEMBER_MARK not in back
    named = tmp_path / f"named.{fmt}"
    shown = run("export", "rdf", ledger, "--out", named, "--with-names")
    assert MEMBER_MARK in named.read_text("utf-8") and MEMBER_MARK not in shown
    assert stat.S_IMODE(named.stat().st_mode) == 0o600


def test_dashboard_names_only_with_the_flag(ledger, monkeypatch):
    from lianjian.cli.dashboard import dashboard_env

    monkeypatch.setenv("LIANJIAN_DASHBOARD_NAMES", "1")  # left over from elsewhere: ignored
    assert "LIANJIAN_DASHBOARD_NAMES" not in dashboard_env(ledger, "embedded", with_names=False)
    assert dashboard_env(ledger, "embedded", with_names=True)["LIANJIAN_DASHBOARD_NAMES"] == "1"


@pytest.mark.parametrize("with_names", [False, True])
def test_dashboard_explorer_draws_names_only_when_asked(ledger, monkeypatch, with_names):
    from streamlit.testing.v1 import AppTest

    from lianjian.cli.dashboard import APP

    monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(ledger))
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
    monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
    if with_names:
        monkeypatch.setenv("LIANJIAN_DASHBOARD_NAMES", "1")
    else:
        monkeypatch.delenv("LIANJIAN_DASHBOARD_NAMES", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.switch_page("views/explorer.py").run()
    at.text_input(key="explorer_query").set_value("红门路社区").run()
    assert not at.exception
    page = at.get("iframe")[0].proto.srcdoc
    assert "党员-" in page or MEMBER_MARK in page  # the community's members are drawn
    assert (MEMBER_MARK in page) is with_names
    at.text_input(key="explorer_query").set_value(f"{MEMBER_MARK}1").run()
    hits = at.selectbox(key="explorer_hit") if with_names else None
    assert (hits is not None and hits.value.label == "Member") is with_names


def test_the_key_comes_from_the_environment_or_a_private_file(monkeypatch, tmp_path):
    import hashlib
    import hmac

    from lianjian.core.privacy import pseudonym

    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "from-the-environment")
    digest = hmac.new(b"from-the-environment", b"M1", hashlib.sha256).hexdigest()
    assert pseudonym("M1") == "党员-" + "-".join(digest[i : i + 4] for i in range(0, 16, 4))
    monkeypatch.delenv("LIANJIAN_PSEUDONYM_KEY")
    key_file = tmp_path / "config" / "pseudonym.key"
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY_FILE", str(key_file))
    first = pseudonym("M1")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes().strip()
    assert len(key) >= 32
    digest = hmac.new(key, b"M1", hashlib.sha256).hexdigest()
    assert first == "党员-" + "-".join(digest[i : i + 4] for i in range(0, 16, 4))
    assert os.environ.get("LIANJIAN_PSEUDONYM_KEY") is None


def test_extra_columns_of_a_member_are_personal(monkeypatch):
    """An ID-card number or a phone kept as an extra column of a member is personal data:
    the dashboard (details, CSV downloads, drawings, console) shows it only with names, and
    a Neo4j database loaded without names never receives it, nor the name."""
    from lianjian.core.privacy import pseudonym
    from lianjian.dashboard.display import public_props
    from lianjian.graph.neo4j.personal import stored_props

    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "k")
    props = {
        "name": "张三",
        "birth_year": 1979,
        "gender": "male",
        "身份证号": "421002197901010011",
        "手机号": "13900000000",
        "ledger_file": "members.csv",
        "ledger_row": 2,
    }
    shown = public_props("M1", "Member", props)
    assert shown == {
        "name": pseudonym("M1"),
        "gender": "male",
        "ledger_file": "members.csv",
        "ledger_row": 2,
    }
    assert public_props("M1", "Member", props, with_names=True)["身份证号"] == props["身份证号"]
    assert public_props("U1", "Unit", {"name": "x", "信用代码": "91"})["信用代码"] == "91"
    stored = stored_props("M1", "Member", props)
    assert stored == {
        "id": "M1",
        "birth_year": 1979,  # the pairing counts young members
        "gender": "male",
        "ledger_file": "members.csv",
        "ledger_row": 2,
        "pseudonym": pseudonym("M1"),
    }
    assert stored_props("M1", "Member", props, with_names=True) == {"id": "M1", **props}
