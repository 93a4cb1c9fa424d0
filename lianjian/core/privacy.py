"""Pseudonyms for party members: stable, keyed, not reversible without the key.

Member names, birth years and homes are sensitive personal information (PIPL art. 28:
political affiliation). Every output shows a member as ``pseudonym(member_id)``
unless the user explicitly asks for names. The key comes from
``LIANJIAN_PSEUDONYM_KEY`` or from a key file created once with mode 0600.

A pseudonym is ``党员-`` and the first 64 bits of HMAC-SHA256(key, member id) as
16 hex digits in groups of four; the RDF IRI of a pseudonymised member ends in the
same 16 digits (:func:`member_token`). 64 bits keep collisions negligible at
province scale: among n members the expected number of colliding pairs is
n(n−1)/2 / 2⁶⁴ (:func:`expected_collisions`), 1.3e-6 for 7 million members, where
32 bits would give about 5,700.

>>> import os; os.environ["LIANJIAN_PSEUDONYM_KEY"] = "k"
>>> pseudonym("M001") == pseudonym("M001") != pseudonym("M002")
True
>>> import re; bool(re.fullmatch(r"党员-[0-9a-f]{4}(-[0-9a-f]{4}){3}", pseudonym("M001")))
True
>>> f"{expected_collisions(7_000_000):.1e}"
'1.3e-06'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from lianjian.core.schema import NodeType

__all__ = [
    "pseudonym",
    "member_label",
    "member_token",
    "token_pseudonym",
    "expected_collisions",
    "key_file",
    "pseudonym_key",
    "PseudonymKeyError",
    "personal_keys",
    "PREFIX",
    "BITS",
    "MASKED",
]

PREFIX = "党员-"
BITS = 64  # of the keyed hash a pseudonym shows (16 hex digits)
PROVENANCE = frozenset(("ledger_file", "ledger_row"))  # where a row came from: not personal
MASKED = PREFIX + "-".join(["****"] * (BITS // 16))  # a pseudonym's shape, hiding which


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


def member_token(member_id: str, key: bytes | None = None) -> str:
    """The first :data:`BITS` bits of HMAC-SHA256(key, member id) as hex digits: what a
    pseudonym shows and a pseudonymised member's IRI ends in. Pass ``key`` (from
    :func:`pseudonym_key`) in a loop."""
    digest = hmac.new(key or pseudonym_key(), str(member_id).encode("utf-8"), hashlib.sha256)
    return digest.digest()[: BITS // 8].hex()


def token_pseudonym(token: str) -> str:
    """The pseudonym of a :func:`member_token`: ``党员-`` and its digits in groups of four."""
    return PREFIX + "-".join(token[i : i + 4] for i in range(0, len(token), 4))


def pseudonym(member_id: str) -> str:
    """``党员-xxxx-xxxx-xxxx-xxxx``: 64 bits of HMAC-SHA256(key, member id) in hex."""
    return token_pseudonym(member_token(member_id))


def expected_collisions(members: int, bits: int = BITS) -> float:
    """The expected number of pairs of ``members`` sharing a ``bits``-bit pseudonym
    (the birthday bound: n(n−1)/2 pairs, each colliding with probability 2^-bits)."""
    return members * (members - 1) / 2 / 2**bits


def member_label(member_id: str, name: str | None, with_names: bool = False) -> str:
    """What a person sees for a member: the name only when explicitly asked for."""
    return name if with_names and name else pseudonym(member_id)


def personal_keys(node: NodeType | None, props: dict[str, Any]) -> set[str]:
    """The keys of ``props`` (of a node of type ``node``) that hold personal data: every
    property the schema marks personal and, on a personal node type (a member), every
    column the schema does not declare (an archive number kept as an extra column), but
    the ledger file and row it came from. (ID numbers, phones and addresses are declared
    and never kept: :mod:`lianjian.loaders.cards`.)"""
    if node is None:
        return set()
    declared = node.properties
    return {
        k
        for k in props
        if (k in declared and declared[k].personal)
        or (node.personal and k not in declared and k not in PROVENANCE)
    }
