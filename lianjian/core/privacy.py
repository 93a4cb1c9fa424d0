"""Pseudonyms for party members: stable, keyed, not reversible without the key.

Member names, birth years and homes are sensitive personal information (PIPL art. 28:
political affiliation). Every output shows a member as ``pseudonym(member_id)``
unless the user explicitly asks for names. The key comes from
``LIANJIAN_PSEUDONYM_KEY`` or from a key file created once with mode 0600.

>>> import os; os.environ["LIANJIAN_PSEUDONYM_KEY"] = "k"
>>> pseudonym("M001") == pseudonym("M001") != pseudonym("M002")
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

__all__ = ["pseudonym", "member_label", "key_file", "pseudonym_key", "PseudonymKeyError"]

PREFIX = "党员-"


def key_file() -> Path:
    env = os.environ.get("LIANJIAN_PSEUDONYM_KEY_FILE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "lianjian" / "pseudonym.key"


class PseudonymKeyError(Exception):
    """No pseudonym key: none in the environment and the key file cannot be read or made."""


_HOW = "set LIANJIAN_PSEUDONYM_KEY, or LIANJIAN_PSEUDONYM_KEY_FILE to a file this user may write"


@lru_cache(maxsize=4)
def _key(env_value: str | None, path: str) -> bytes:
    if env_value:
        return env_value.encode("utf-8")
    p = Path(path)
    try:
        if p.is_file():
            key = p.read_bytes().strip()
            if not key:
                raise PseudonymKeyError(f"pseudonym key file {p} is empty; {_HOW}")
            return key
        if p.exists():
            raise PseudonymKeyError(f"pseudonym key file {p} is not a file; {_HOW}")
        p.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32).encode()
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
    except OSError as e:
        raise PseudonymKeyError(
            f"no pseudonym key: cannot read or create {p} ({e.strerror or e}); {_HOW}"
        ) from e
    return key


def pseudonym_key() -> bytes:
    """The key of :func:`pseudonym`: ``LIANJIAN_PSEUDONYM_KEY``, or the key file (made
    once, mode 0600); ``PseudonymKeyError`` (one line) when there is neither."""
    env = os.environ.get("LIANJIAN_PSEUDONYM_KEY")
    try:
        path = "" if env else str(key_file())
    except RuntimeError as e:  # no home directory at all
        raise PseudonymKeyError(f"no pseudonym key: {e}; {_HOW}") from e
    return _key(env, path)


def pseudonym(member_id: str) -> str:
    """``党员-`` and 8 hex digits of HMAC-SHA256(key, member id)."""
    digest = hmac.new(pseudonym_key(), str(member_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:8]


def member_label(member_id: str, name: str | None, with_names: bool = False) -> str:
    """What a person sees for a member: the name only when explicitly asked for."""
    return name if with_names and name else pseudonym(member_id)
