"""The users file: who may log in, with which role, scoped to which region.

A TOML file (``$LIANJIAN_USERS_FILE``, default ``~/.config/lianjian/users.toml``),
mode 0600, written whole and renamed into place::

    [users.wang]
    role = "officer"
    region = "D01-S02"          # a region id: the user sees its subtree; "*" the whole ledger
    hash = "$argon2id$v=19$..." # salted Argon2id (argon2-cffi), never the password

Roles are cumulative: a ``viewer`` sees pseudonyms only; an ``officer`` may also see
names in their scope (when the dashboard is started ``--with-names``); an
``analyst`` may also use the Cypher console; an ``admin`` may also read the audit log
and manage users.

>>> Role("analyst").may("names"), Role("viewer").may("names")
(True, False)
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = [
    "Role",
    "User",
    "UsersError",
    "users_path",
    "load_users",
    "save_users",
    "hash_password",
    "check_password",
    "ALL_REGIONS",
]

ENV_USERS = "LIANJIAN_USERS_FILE"
ALL_REGIONS = "*"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile, 16-byte random salt
# verified when the user name is unknown, so a wrong name costs as long as a wrong password
_DUMMY = _HASHER.hash("not a password of anyone")


class UsersError(ValueError):
    """A users file or entry that cannot be used (said in one line)."""


class Role(StrEnum):
    viewer = "viewer"
    officer = "officer"
    analyst = "analyst"
    admin = "admin"

    def may(self, right: str) -> bool:
        """``names``, ``console`` or ``admin``: what this role and the ones above it may do."""
        needs = {"names": Role.officer, "console": Role.analyst, "admin": Role.admin}[right]
        order = list(Role)
        return order.index(self) >= order.index(needs)


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    region: str  # a region id, or ALL_REGIONS
    hash: str = ""

    @property
    def may_see_names(self) -> bool:
        return self.role.may("names")

    @property
    def region_id(self) -> str | None:
        """The region the user is held to; None for the whole ledger."""
        return None if self.region == ALL_REGIONS else self.region


def users_path() -> Path:
    env = os.environ.get(ENV_USERS)
    return Path(env) if env else Path.home() / ".config" / "lianjian" / "users.toml"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsersError(f"a password needs at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's; the hash library compares in constant time, and
    an unknown user (None) costs one verification too."""
    try:
        return _HASHER.verify(user.hash if user else _DUMMY, password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise UsersError("a user name is 1–64 letters, digits, '.', '_' or '-'")
    return name


def load_users(path: Path | None = None) -> dict[str, User]:
    """The users of the file, by name; {} when there is no file. A file others can read
    or write, or one that does not parse, is refused."""
    path = path or users_path()
    if not path.exists():
        return {}
    if path.stat().st_mode & 0o077:
        raise UsersError(f"{path} can be read or written by others: chmod 600 {path}")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UsersError(f"{path}: not a users file ({e})") from None
    users = {}
    for name, entry in (data.get("users") or {}).items():
        try:
            role = Role(entry.get("role"))
        except ValueError:
            raise UsersError(
                f"{path}: user {name}: role must be one of {', '.join(Role)}"
            ) from None
        region, pw = entry.get("region"), entry.get("hash")
        if not isinstance(region, str) or not region or not isinstance(pw, str) or not pw:
            raise UsersError(f"{path}: user {name}: needs a region and a hash")
        users[check_name(name)] = User(name, role, region, pw)
    return users


def save_users(users: dict[str, User], path: Path | None = None) -> Path:
    """Write the whole file: a 0600 temporary file beside it, flushed, renamed into place."""
    path = path or users_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = ["# lianjian users: `lianjian users add|passwd|remove|list` (SECURITY.md)", ""]
    for u in sorted(users.values(), key=lambda u: u.name):
        lines += [f"[users.{json.dumps(check_name(u.name))}]"]  # JSON strings: TOML basic strings
        lines += [
            f"{k} = {json.dumps(v)}"
            for k, v in (("role", u.role.value), ("region", u.region), ("hash", u.hash))
        ]
        lines.append("")
    fd, tmp = tempfile.mkstemp(prefix=".users-", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
