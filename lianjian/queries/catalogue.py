"""The coverage-gap rule catalogue (``rules.yaml``) and the Cypher files beside it.

>>> [r.id for r in RULES.values()][:2]
['grid_without_branch', 'compound_without_org']
>>> "$as_of" in cypher("gaps", "term_expired")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["Rule", "RULES", "rule_ids", "cypher"]


@dataclass(frozen=True)
class Rule:
    """One rule: what it flags, its titles, reason and fix templates (zh/en), its thresholds."""

    id: str
    entity: str
    definition: str
    title_zh: str
    title_en: str
    reason_zh: str
    reason_en: str
    fix_zh: str | None
    fix_en: str | None
    params: tuple[str, ...]

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en


def _load() -> dict[str, Rule]:
    text = resources.files("lianjian.queries").joinpath("rules.yaml").read_text("utf-8")
    out: dict[str, Rule] = {}
    for r in yaml.safe_load(text)["rules"]:
        fix: dict[str, Any] = r.get("fix") or {}
        out[r["id"]] = Rule(
            id=r["id"],
            entity=r["entity"],
            definition=r["definition"],
            title_zh=r["title"]["zh"],
            title_en=r["title"]["en"],
            reason_zh=r["reason"]["zh"],
            reason_en=r["reason"]["en"],
            fix_zh=fix.get("zh"),
            fix_en=fix.get("en"),
            params=tuple(r.get("params", ())),
        )
    return out


RULES: dict[str, Rule] = _load()


def rule_ids() -> list[str]:
    """Every rule id, in catalogue order."""
    return list(RULES)


@cache
def cypher(folder: str, name: str) -> str:
    """The text of ``<folder>/<name>.cypher`` in this package (values only ever as ``$params``)."""
    return resources.files("lianjian.queries").joinpath(folder, f"{name}.cypher").read_text("utf-8")
