"""Scope intersection, the Explorer's drawing held to the scope, the download audit hook,
and the launcher's refusal to open the dashboard to the network without users."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.auth import audit
from lianjian.auth.users import Role, User, hash_password, save_users
from lianjian.cli.app import app
from lianjian.cli.dashboard import dashboard_env
from lianjian.dashboard.access import DOWNLOAD_KEY
from lianjian.dashboard.scope import OutOfScope, narrower, region_tree, scope_ids
from lianjian.dashboard.subgraph import add_pairings, neighbourhood
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries.pairing.propose import propose

VIEWS = Path(__file__).resolve().parent.parent / "lianjian" / "dashboard" / "views"
AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def tree(sample_ledger):
    return region_tree(EmbeddedStore.from_ledger(sample_ledger))


def test_the_scope_is_the_intersection_with_the_users_subtree(tree):
    assert narrower(tree, None, "SS01") == "SS01"  # nothing asked: the user's region
    assert narrower(tree, "SS", "SS01") == "SS01"  # wider asked: held to the user's
    assert narrower(tree, "SS0101", "SS01") == "SS0101"  # narrower asked: granted
    assert narrower(tree, "SS0101", None) == "SS0101"  # a user of the whole ledger
    assert narrower(tree, None, None) is None
    for asked, limit in (("SS0102", "SS0101"), ("nowhere", "SS01"), (None, "nowhere")):
        with pytest.raises(OutOfScope):
            narrower(tree, asked, limit)


def _download_keys() -> list[str]:
    keys = []
    for path in VIEWS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "attr", "")
            if called == "download_button":
                key = next((k.value for k in node.keywords if k.arg == "key"), None)
                keys.append(ast.unparse(key) if key is not None else f"{path.name}: no key")
            elif called == "downloads":  # widgets.downloads: an Excel (key_xlsx) and a CSV (key)
                key = next((k.value for k in node.keywords if k.arg == "key"), None)
                key = key if key is not None else (node.args[4] if len(node.args) > 4 else None)
                if key is None:
                    keys.append(f"{path.name}: no key")
                    continue
                keys += [ast.unparse(key), ast.unparse(key).rstrip("'\"") + "_xlsx'"]
    return keys


def test_every_download_button_is_one_the_audit_sees():
    keys = _download_keys()
    assert len(keys) >= 8
    # an f-string key (gaps_dl_{rule}) is checked with a sample value
    values = [k.strip("'\"").replace("{rule}", "x").lstrip("f").strip("'\"") for k in keys]
    assert [v for v in values if not DOWNLOAD_KEY.search(v)] == []


def test_host_without_users_refuses_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANJIAN_USERS_FILE", str(tmp_path / "none.toml"))
    r = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "needs users" in lines[0] and "lianjian users add" in lines[0]


def test_host_with_an_unreadable_users_file_refuses(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    save_users({"wang": User("wang", Role.officer, "SS", hash_password("a long password"))}, path)
    path.chmod(0o644)
    monkeypatch.setenv("LIANJIAN_USERS_FILE", str(path))
    r = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "chmod 600" in r.output


def test_the_real_command_refuses_too(tmp_path):
    env = {"LIANJIAN_USERS_FILE": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin"}
    env.update({k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "HOME")})
    r = subprocess.run(
        [sys.executable, "-m", "lianjian.cli", "dashboard", "--host", "0.0.0.0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1


def test_the_app_is_told_of_the_users_file_only_when_there_are_users(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_USERS", "/stale/users.toml")
    env = dashboard_env(tmp_path, "embedded", with_names=False)
    assert "LIANJIAN_DASHBOARD_USERS" not in env  # loopback with no users: no login, as before
    env = dashboard_env(tmp_path, "embedded", with_names=False, users=tmp_path / "u.toml")
    assert env["LIANJIAN_DASHBOARD_USERS"] == str((tmp_path / "u.toml").resolve())


def test_every_explorer_neighbourhood_stays_in_the_scope(sample_ledger):
    """Centred anywhere in a street or community, at any depth, with the pairings drawn:
    no entity of another region (the Explorer on 红门路社区 once drew 三板桥社区党委, the
    strong partner proposed for one of its weak organisations)."""
    store = EmbeddedStore.from_ledger(sample_ledger)
    tree = region_tree(store)
    proposals = propose(store, as_of=AS_OF, capacity=3).to_dict()["proposals"]
    pairs = [(p["weak"], p["strong"], {}) for p in proposals]
    regions = tree.of_level("street") + tree.of_level("community")
    crossing = 0
    for region in regions:
        allowed = scope_ids(store, tree, region)
        crossing += sum((w in allowed) != (s in allowed) for w, s, _ in pairs)
        for centre in sorted(allowed):
            for depth in (1, 2, 3):
                sub = neighbourhood(store, [centre], depth, allowed=allowed, as_of=AS_OF)
                add_pairings(sub, store, pairs)
                assert set(sub.nodes) <= allowed, (region, centre, depth)
                assert {s.via for s in sub.summaries} <= allowed
    assert crossing  # some pairing has a partner outside some community: the case is tried
    outside = scope_ids(store, tree, "SS0101")
    assert "P04" not in outside  # 三板桥社区党委, of SS0103
    assert neighbourhood(store, ["P04"], 2, allowed=outside).nodes == {}  # nor as a seed


DASHBOARD = VIEWS.parent
# calls that write, move or remove a file: none of them is in the dashboard's code
WRITERS = {"write_text", "write_bytes", "unlink", "truncate", "chmod", "rmtree", "rmdir"}
OS_WRITERS = {"open", "write", "replace", "rename", "remove", "truncate", "ftruncate"}


def _file_writes(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "audit" and node.attr != "append":
                found.append(f"audit.{node.attr}")  # the log is only ever appended to
            if node.value.id == "os" and node.attr in OS_WRITERS:
                found.append(f"os.{node.attr}")
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "open":
                found.append("open")
            elif isinstance(f, ast.Attribute) and f.attr in WRITERS:
                found.append(f.attr)
    return found


def test_no_dashboard_code_can_rewrite_the_audit_log():
    """A dashboard user acts only through the dashboard's code: it writes the audit log
    only through ``audit.append`` (O_APPEND, tests/test_audit.py) and no file otherwise,
    and offers no reading of the log (that is ``lianjian audit``, for admins)."""
    sources = sorted(DASHBOARD.rglob("*.py"))
    assert len(sources) > 15
    found = {p.name: w for p in sources if (w := _file_writes(ast.parse(p.read_text("utf-8"))))}
    assert found == {}
    planted = "from lianjian.auth import audit\naudit.path().write_text('')\nopen(p, 'w')\n"
    assert sorted(_file_writes(ast.parse(planted))) == ["audit.path", "open", "write_text"]


def test_a_value_cannot_forge_an_audit_line(tmp_path):
    """Whatever a value holds (a line break, a whole entry), it stays inside its one line."""
    log = tmp_path / "audit.jsonl"
    forged = '\n{"user": "root", "what": "page", "prev": "' + "0" * 64 + '"}\n'
    audit.append({"user": "wang", "what": "page", "item": forged}, log)
    audit.append({"user": "li", "what": "page", "item": "gaps"}, log)
    assert len(log.read_bytes().splitlines()) == 2
    assert [e["item"] for e in audit.entries(log)] == [forged, "gaps"]
    assert audit.verify(log) is None
