"""Users of a shared dashboard: hashes, the users file, roles, the ``users`` command."""

from __future__ import annotations

import stat

import pytest
from typer.testing import CliRunner

from lianjian.auth.session import Attempts, Sessions
from lianjian.auth.users import (
    Role,
    User,
    UsersError,
    check_password,
    hash_password,
    load_users,
    save_users,
)
from lianjian.cli.app import app

PW = "correct horse battery"


def test_a_password_is_kept_as_a_salted_argon2id_hash():
    a, b = hash_password(PW), hash_password(PW)
    assert a.startswith("$argon2id$") and PW not in a
    assert a != b  # a random salt each time
    user = User("wang", Role.officer, "D01", a)
    assert check_password(user, PW)
    assert not check_password(user, PW + "x")
    assert not check_password(None, PW)  # an unknown user never passes
    with pytest.raises(UsersError):
        hash_password("short")


def test_roles_are_cumulative():
    table = {r.value: [r.may(x) for x in ("names", "console", "admin")] for r in Role}
    assert table == {
        "viewer": [False, False, False],
        "officer": [True, False, False],
        "analyst": [True, True, False],
        "admin": [True, True, True],
    }


def test_the_users_file_round_trips_with_mode_0600(tmp_path):
    path = tmp_path / "conf" / "users.toml"
    users = {
        "wang": User("wang", Role.officer, "D01", hash_password(PW)),
        "li.x": User("li.x", Role.viewer, "胜利街道-01", hash_password(PW)),
    }
    save_users(users, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_users(path) == users
    assert [p.name for p in path.parent.iterdir()] == ["users.toml"]  # no temporary left


def test_a_users_file_others_can_read_or_a_bad_entry_is_refused(tmp_path):
    path = tmp_path / "users.toml"
    save_users({"wang": User("wang", Role.officer, "D01", hash_password(PW))}, path)
    path.chmod(0o644)
    with pytest.raises(UsersError, match="chmod 600"):
        load_users(path)
    path.write_text('[users.wang]\nrole = "boss"\nregion = "D01"\nhash = "x"\n')
    path.chmod(0o600)
    with pytest.raises(UsersError, match="role must be"):
        load_users(path)
    assert load_users(tmp_path / "none.toml") == {}
    with pytest.raises(UsersError):
        save_users({"a b": User("a b", Role.viewer, "D01", "h")}, path)


def test_users_add_passwd_remove_list(tmp_path):
    path = tmp_path / "users.toml"
    run = CliRunner().invoke
    common = ["--file", str(path), "--password-stdin"]
    r = run(
        app,
        ["users", "add", "wang", "--role", "officer", "--region", "D01", *common],
        input=PW + "\n",
    )
    assert r.exit_code == 0, r.output
    assert check_password(load_users(path)["wang"], PW)
    r = run(app, ["users", "add", "wang", "--role", "viewer", "--region", "D01", *common], input=PW)
    assert r.exit_code == 2 and "exists" in r.output
    r = run(app, ["users", "passwd", "wang", *common], input="another long one\n")
    assert r.exit_code == 0 and check_password(load_users(path)["wang"], "another long one")
    r = run(app, ["users", "list", "--file", str(path)])
    assert r.output.split() == ["wang", "officer", "D01"] and "argon2" not in r.output
    r = run(app, ["users", "remove", "wang", "--file", str(path)])
    assert r.exit_code == 0 and load_users(path) == {}
    r = run(app, ["users", "add", "x", "--role", "viewer", "--region", "D", *common], input="short")
    assert r.exit_code == 2 and load_users(path) == {}


def test_the_password_is_never_an_option():
    r = CliRunner().invoke(app, ["users", "add", "--help"])
    assert "--password-stdin" in r.output
    assert "--password " not in r.output and "--password\n" not in r.output


def test_a_session_token_is_signed_and_expires():
    s = Sessions(b"s" * 32, minutes=30)
    token = s.issue("wang", now=1000)
    assert s.user_of(token, now=1000 + 29 * 60) == "wang"
    assert s.user_of(token, now=1000 + 30 * 60) is None  # expired
    user, expiry, sig = token.split(".")
    assert s.user_of(f"root.{expiry}.{sig}", now=1000) is None  # another user: bad signature
    assert s.user_of(f"wang.{int(expiry) + 9999}.{sig}", now=1000) is None  # extended
    assert Sessions(b"t" * 32).user_of(token, now=1000) is None  # another secret
    assert s.user_of("garbage", now=0) is None and s.user_of(None) is None


def test_failed_logins_are_limited_per_name_and_per_address():
    a = Attempts(limit=3, window=60)
    for _ in range(3):
        assert not a.blocked(["u:wang", "ip:1"], now=0)
        a.failed(["u:wang", "ip:1"], now=0)
    assert a.blocked(["u:wang", "ip:2"], now=1)  # the name is blocked from anywhere
    assert a.blocked(["u:li", "ip:1"], now=1)  # the address for any name
    assert not a.blocked(["u:wang", "ip:1"], now=61)  # the window has passed
