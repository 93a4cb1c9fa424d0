"""``lianjian users add|passwd|remove|list`` and ``lianjian audit``: who may log in to a
shared dashboard, and who saw names (SECURITY.md, "Users").

Passwords are read without echo (twice), or with ``--password-stdin`` from the first
line of standard input for scripts; never from the command line.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from lianjian.auth import audit as audit_log
from lianjian.auth.users import (
    ALL_REGIONS,
    Role,
    User,
    UsersError,
    check_name,
    check_password,
    hash_password,
    load_users,
    save_users,
    users_path,
)
from lianjian.cli.common import fail, out
from lianjian.present.escape import terminal_text

__all__ = ["register"]

users_app = typer.Typer(
    help="Users of a shared dashboard: roles and regions (用户与权限).", no_args_is_help=True
)
FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        help="The users file (default $LIANJIAN_USERS_FILE or ~/.config/lianjian/users.toml).",
        show_default=False,
    ),
]
StdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _password(stdin: bool, prompt: str = "password") -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass(f"{prompt} again: ") != first:
        fail("the two passwords differ")
    return first


def _load(path: Path | None) -> dict[str, User]:
    try:
        return load_users(path or users_path())
    except UsersError as e:
        fail(str(e))
        raise


def _save(users: dict[str, User], path: Path | None) -> None:
    written = save_users(users, path or users_path())
    out.print(terminal_text(f"{written}: {len(users)} users"), highlight=False)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The user name (letters, digits, . _ -).")],
    role: Annotated[Role, typer.Option("--role", help="viewer, officer, analyst or admin.")],
    region: Annotated[
        str,
        typer.Option(
            "--region", help=f"The region id the user sees (its subtree); '{ALL_REGIONS}' all."
        ),
    ],
    password_stdin: StdinOpt = False,
    file: FileOpt = None,
) -> None:
    """Add a user with a role and a region scope; asks for the password."""
    users = _load(file)
    try:
        check_name(name)
        if name in users:
            fail(f"user {name} exists: use `lianjian users passwd` or remove it first")
        users[name] = User(name, role, region, hash_password(_password(password_stdin)))
    except UsersError as e:
        fail(str(e))
    _save(users, file)


@users_app.command("passwd")
def passwd(
    name: Annotated[str, typer.Argument(help="The user name.")],
    password_stdin: StdinOpt = False,
    file: FileOpt = None,
) -> None:
    """Set a user's password; asks for the new one."""
    users = _load(file)
    if name not in users:
        fail(f"no user {terminal_text(name)}")
    try:
        u = users[name]
        users[name] = User(u.name, u.role, u.region, hash_password(_password(password_stdin)))
    except UsersError as e:
        fail(str(e))
    _save(users, file)


@users_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="The user name.")], file: FileOpt = None
) -> None:
    """Remove a user (their open sessions end at their next page)."""
    users = _load(file)
    if users.pop(name, None) is None:
        fail(f"no user {terminal_text(name)}")
    _save(users, file)


@users_app.command("list")
def list_users(file: FileOpt = None) -> None:
    """The users, their roles and regions (never the hashes)."""
    for u in sorted(_load(file).values(), key=lambda u: u.name):
        out.print(terminal_text(f"{u.name}\t{u.role.value}\t{u.region}"), highlight=False)


def audit(
    admin: Annotated[str, typer.Option("--as", help="An admin's user name (asks the password).")],
    user: Annotated[str | None, typer.Option("--user", help="Only this user's entries.")] = None,
    scope: Annotated[str | None, typer.Option("--scope", help="Only this scope.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only from this date (YYYY-MM-DD, UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    password_stdin: StdinOpt = False,
    file: FileOpt = None,
) -> None:
    """Read the audit log of names shown (admins only): who, when, scope, page or file.

    Checks the log's chain of hashes first: a line altered or removed is said (exit 1).
    """
    users = _load(file)
    found = users.get(admin)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else getpass.getpass()
    if not check_password(found, password) or found is None or not found.role.may("admin"):
        fail("refused: the audit log is for admins (wrong user, password or role)")
    broken = audit_log.verify()
    rows = [
        e
        for e in audit_log.entries()
        if (user is None or e.get("user") == user)
        and (scope is None or e.get("scope") == scope)
        and (since is None or str(e.get("at", "")) >= since)
    ]
    for e in rows:
        if as_json:
            out.print(terminal_text(json.dumps(e, ensure_ascii=False)), highlight=False)
        else:
            fields = ("at", "user", "role", "scope", "what", "item", "as_of")
            out.print(terminal_text("\t".join(str(e.get(k, "")) for k in fields)), highlight=False)
    if broken is not None:
        fail(f"{audit_log.audit_path()}: altered at line {broken} (its chain of hashes breaks)", 1)


def register(app: typer.Typer) -> None:
    """Add ``users`` and ``audit`` to the ``lianjian`` command."""
    app.add_typer(users_app, name="users")
    app.command("audit")(audit)
