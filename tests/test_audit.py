"""The audit log of names shown: append-only, 0600, chained; read by admins only."""

from __future__ import annotations

import json
import stat

from typer.testing import CliRunner

from lianjian.auth import audit
from lianjian.auth.users import Role, User, hash_password, save_users
from lianjian.cli.app import app

PW = "correct horse battery"


def test_entries_are_appended_with_time_and_a_chain(tmp_path):
    log = tmp_path / "state" / "audit.jsonl"
    first = audit.append({"user": "wang", "what": "page", "item": "explorer"}, log)
    audit.append({"user": "li", "what": "download", "item": "nodes.csv"}, log)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    got = audit.entries(log)
    assert [(e["user"], e["item"]) for e in got] == [("wang", "explorer"), ("li", "nodes.csv")]
    assert got[0]["prev"] == audit.GENESIS and got[0]["at"] == first["at"]
    assert got[1]["prev"] != audit.GENESIS
    assert audit.verify(log) is None


def test_a_line_altered_or_removed_breaks_the_chain(tmp_path):
    log = tmp_path / "audit.jsonl"
    for user in ("wang", "li", "zhao"):
        audit.append({"user": user, "what": "page"}, log)
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0].replace("wang", "wong"), *lines[1:]]) + "\n")
    assert audit.verify(log) == 2
    log.write_text("\n".join([lines[0], lines[2]]) + "\n")  # the middle one removed
    assert audit.verify(log) == 2


def test_the_log_is_opened_for_appending_only(tmp_path, monkeypatch):
    """append never truncates or seeks: what was there stays byte for byte."""
    log = tmp_path / "audit.jsonl"
    audit.append({"user": "wang"}, log)
    before = log.read_bytes()
    audit.append({"user": "li"}, log)
    assert log.read_bytes().startswith(before)
    source = open(audit.__file__, encoding="utf-8").read()
    assert "O_APPEND" in source and "O_TRUNC" not in source and '"w"' not in source


def _setup(tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    save_users(
        {
            "root": User("root", Role.admin, "*", hash_password(PW)),
            "wang": User("wang", Role.officer, "D01", hash_password(PW)),
        },
        users,
    )
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("LIANJIAN_AUDIT_LOG", str(log))
    audit.append({"user": "wang", "scope": "D01", "what": "page", "item": "explorer"}, log)
    audit.append({"user": "li", "scope": "D02", "what": "page", "item": "gaps"}, log)
    return users, log


def test_lianjian_audit_reads_and_filters_for_admins(tmp_path, monkeypatch):
    users, _ = _setup(tmp_path, monkeypatch)
    run = CliRunner().invoke
    args = ["audit", "--as", "root", "--password-stdin", "--file", str(users)]
    r = run(app, [*args, "--json"], input=PW + "\n")
    assert r.exit_code == 0, r.output
    assert [json.loads(x)["user"] for x in r.output.splitlines()] == ["wang", "li"]
    r = run(app, [*args, "--json", "--scope", "D02"], input=PW + "\n")
    assert [json.loads(x)["item"] for x in r.output.splitlines()] == ["gaps"]


def test_lianjian_audit_refuses_others(tmp_path, monkeypatch):
    users, _ = _setup(tmp_path, monkeypatch)
    run = CliRunner().invoke
    for name, pw in (("wang", PW), ("root", "wrong password!"), ("nobody", PW)):
        r = run(app, ["audit", "--as", name, "--password-stdin", "--file", str(users)], input=pw)
        assert r.exit_code == 2 and "refused" in r.output and "explorer" not in r.output


def test_lianjian_audit_says_an_altered_log(tmp_path, monkeypatch):
    users, log = _setup(tmp_path, monkeypatch)
    log.write_text(log.read_text().replace('"wang"', '"wong"', 1))
    r = CliRunner().invoke(
        app, ["audit", "--as", "root", "--password-stdin", "--file", str(users)], input=PW
    )
    assert r.exit_code == 1 and "altered at line 2" in r.output
