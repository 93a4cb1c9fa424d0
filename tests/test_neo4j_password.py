"""The project server's initial password: one that begins with "-" is a password, not an
option of the admin tool (a generated one did, one time in 64, and the server never
started), and a generated one never begins with it."""

from __future__ import annotations

import pytest

from lianjian.graph.neo4j import server as srv
from tests.neo4j_fixture import start_server


def test_a_generated_password_never_begins_with_a_dash(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setattr(srv.secrets, "token_urlsafe", lambda n: "-" + "x" * n)
    pw = srv._password(tmp_path, None)
    assert not pw.startswith("-")
    assert (tmp_path / "password").read_text() == pw  # the same one next time
    assert srv._password(tmp_path, None) == pw


@pytest.mark.neo4j
def test_a_password_beginning_with_a_dash_starts_the_server(tmp_path):
    home = tmp_path / "neo4j"
    home.mkdir()
    pw = "-starts-with-a-dash"
    try:
        info = start_server(home, password=pw)
        assert info.password == pw
        assert srv._bolt_answers(info.uri, "neo4j", pw)
    finally:
        srv.stop(home)
