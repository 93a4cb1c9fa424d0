"""The IRIs an export mints under its base: one namespace per node label and per
kind of minted resource, and for a member (unless names are asked for) a keyed
hash instead of the ledger id (:func:`~lianjian.core.privacy.member_token`, the digits
of its pseudonym).

>>> data_namespaces("https://e.org/x/")["partyorg"]
'https://e.org/x/org/'
"""

from __future__ import annotations

from lianjian.core.privacy import member_token, pseudonym_key
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
