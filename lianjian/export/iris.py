"""The IRIs an export mints under its base: one namespace per node label and per
kind of minted resource, and for a member (unless names are asked for) a keyed
hash instead of the ledger id.

>>> data_namespaces("https://e.org/x/")["partyorg"]
'https://e.org/x/org/'
"""

from __future__ import annotations

import hmac

from lianjian.core.privacy import pseudonym_key
from lianjian.export.mapping import DATA_SEGMENTS, MAPPING, Mapping

__all__ = ["DEFAULT_BASE", "data_namespaces", "pseudonym_key", "member_token"]

DEFAULT_BASE = "https://example.org/lianjian/"


def data_namespaces(base: str, mapping: Mapping = MAPPING) -> dict[str, str]:
    """Prefix → namespace for the minted IRIs: one per node label and per DATA_SEGMENTS.

    A segment whose name is a vocabulary prefix (``org``) gets the prefix ``party…``.
    """
    out = {}
    for seg in (*mapping.node_segment.values(), *DATA_SEGMENTS):
        prefix = f"party{seg}" if seg in mapping.namespaces else seg
        out[prefix] = f"{base}{seg}/"
    return out


def member_token(member_id: str, key: bytes | None = None) -> str:
    """16 hex digits of the keyed hash behind :func:`lianjian.core.privacy.pseudonym`.

    The pseudonym shows the first 8; an IRI needs more, so that 700,000 members
    do not collide. Pass ``key`` (from :func:`pseudonym_key`) in a loop.
    """
    digest = hmac.digest(key or pseudonym_key(), str(member_id).encode("utf-8"), "sha256")
    return digest[:8].hex()
