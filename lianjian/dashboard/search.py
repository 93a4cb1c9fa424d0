"""Finding any entity by name, however the user types it.

Ledgers and users mix Traditional and Simplified script, full-width and half-width
forms, official long names and short ones (中共…工作委员会 / …党工委), and people
type pinyin initials (sljd for 胜利街道). Every name is indexed by its folded key
(:func:`lianjian.core.text.name_key`), its toneless pinyin and its initials; a query is
folded the same way. Members are found by pseudonym, and by name only when the
dashboard was started with names.

Building the index is O(entities) (pinyin of every non-member name, cached);
a search is one linear scan, a few tens of milliseconds on a city's graph.

>>> idx = SearchIndex([{"id": "S1", "label": "Region", "name": "胜利街道", "level": "street"}])
>>> [h.id for h in idx.search("勝利")], [h.id for h in idx.search("ＳＬ")]
(['S1'], ['S1'])
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lianjian.core.privacy import member_label
from lianjian.core.schema import SCHEMA
from lianjian.core.text import initials, name_key, pinyin
from lianjian.dashboard.display import LABEL_ORDER

__all__ = ["Hit", "SearchIndex"]


@dataclass(frozen=True)
class Hit:
    """One entity a query found; ``name`` is what may be shown (a pseudonym for a member)."""

    id: str
    label: str
    name: str
    kind: str | None
    score: int


@dataclass(frozen=True)
class _Entry:
    id: str
    label: str
    name: str
    kind: str | None
    key: str
    pinyin: str
    initials: str
    rank: int


class SearchIndex:
    """Name index over node summaries (``{id, label, name, level, kind}`` rows)."""

    def __init__(self, rows: Iterable[dict[str, Any]], with_names: bool = False) -> None:
        entries = []
        for row in rows:
            label, node_id = row["label"], str(row["id"])
            personal = label in SCHEMA.nodes and SCHEMA.nodes[label].personal
            shown = member_label(node_id, row.get("name"), with_names) if personal else None
            name = shown or str(row.get("name") or node_id)
            # a pseudonym has no pinyin worth typing; a real name does
            spoken = not personal or with_names
            entries.append(
                _Entry(
                    id=node_id,
                    label=label,
                    name=name,
                    kind=row.get("level") or row.get("kind"),
                    key=name_key(name),
                    pinyin=pinyin(name) if spoken else "",
                    initials=initials(name) if spoken else "",
                    rank=LABEL_ORDER.get(label, 9),
                )
            )
        self._entries = entries

    @classmethod
    def from_store(cls, store, with_names: bool = False) -> SearchIndex:
        """The index of every entity in a store (either backend)."""
        return cls(store.node_summaries(), with_names)

    def __len__(self) -> int:
        return len(self._entries)

    def search(
        self,
        query: str,
        limit: int = 20,
        labels: Iterable[str] | None = None,
        allowed: set[str] | None = None,
    ) -> list[Hit]:
        """The best ``limit`` matches, exact before prefix before substring before pinyin."""
        key = name_key(query)
        letters = _letters(query)
        if not key and not letters:
            return []
        wanted = set(labels) if labels is not None else None
        raw_id = unicodedata.normalize("NFKC", query).strip()
        found: list[tuple[int, int, int, str, _Entry]] = []
        for e in self._entries:
            if wanted is not None and e.label not in wanted:
                continue
            if allowed is not None and e.id not in allowed:
                continue
            score = _score(e, key, letters, raw_id)
            if score is not None:
                found.append((score, e.rank, len(e.name), e.id, e))
        found.sort(key=lambda t: t[:4])
        return [Hit(e.id, e.label, e.name, e.kind, s) for s, _, _, _, e in found[:limit]]


def _letters(query: str) -> str:
    """A query as pinyin letters (full-width folded, spaces dropped), or '' if it has others."""
    t = unicodedata.normalize("NFKC", query).lower().replace(" ", "")
    return t if t.isascii() and t.isalpha() else ""


def _score(e: _Entry, key: str, letters: str, raw_id: str) -> int | None:
    if e.id == raw_id:
        return 0
    if key:
        if e.key == key:
            return 1
        if e.key.startswith(key):
            return 2
        if key in e.key:
            return 3
    if letters and e.initials:
        if e.initials == letters:
            return 4
        if e.initials.startswith(letters):
            return 5
        if e.pinyin.startswith(letters):
            return 6
        if letters in e.pinyin or letters in e.initials:
            return 7
    return None
