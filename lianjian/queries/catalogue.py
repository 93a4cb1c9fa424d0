"""The coverage-gap rule catalogue (``rules.yaml``) and the Cypher files beside it.

The catalogue is the one definition of every rule's wording, thresholds, the kind
groups the rules share (:data:`KINDS`, passed to Cypher as ``$params``), the
population each rule looks at, and the coverage rates derived from the rules
(:data:`METRICS`).

>>> [r.id for r in RULES.values()][:2]
['grid_without_branch', 'compound_without_org']
>>> "$as_of" in cypher("gaps", "term_expired")
True
>>> sorted(KINDS["group_kinds"])
['group', 'household']
>>> METRICS["units_covered"].rule
'unit_uncovered'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lianjian.core.data import load_yaml

__all__ = [
    "Rule",
    "RULES",
    "ALL_RULES",
    "KINDS",
    "METRICS",
    "Metric",
    "Population",
    "rule_ids",
    "cypher",
]


@dataclass(frozen=True)
class Population:
    """What a rule looks at: nodes of ``label`` whose ``key`` is one of ``values``
    (every node of the label where ``key`` is None)."""

    label: str
    key: str | None = None
    values: tuple[str, ...] = ()

    def params(self) -> dict[str, Any]:
        return {"label": self.label, "key": self.key, "values": list(self.values)}


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
    report: bool = True  # False: only a coverage rate uses it
    population: Population | None = None
    definition_zh: str = ""  # the definition in Chinese; {name} fields are thresholds

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class Metric:
    """A coverage rate: the share of ``rule``'s population that the rule does not flag."""

    id: str
    rule: str
    zh: str
    en: str
    short: str


def _yaml() -> dict[str, Any]:
    text = resources.files("lianjian.queries").joinpath("rules.yaml").read_text("utf-8")
    return load_yaml(text)


def _population(raw: dict[str, Any] | None, kinds: dict[str, frozenset[str]]) -> Population | None:
    if raw is None:
        return None
    values = raw.get("values", ())
    values = sorted(kinds[values]) if isinstance(values, str) else list(values)
    return Population(raw["label"], raw.get("key"), tuple(values))


def _load(raw: dict[str, Any], kinds: dict[str, frozenset[str]]) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for r in raw["rules"]:
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
            report=r.get("report", True),
            population=_population(r.get("population"), kinds),
            definition_zh=r.get("definition_zh", ""),
        )
    return out


_RAW = _yaml()
#: kind group name → the org, building or unit kinds in it
KINDS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in _RAW["kinds"].items()}
#: every rule, the coverage-only ones included
ALL_RULES: dict[str, Rule] = _load(_RAW, KINDS)
#: the rules ``gaps`` reports, in catalogue order
RULES: dict[str, Rule] = {k: r for k, r in ALL_RULES.items() if r.report}


def _metrics(raw: list[dict[str, Any]]) -> dict[str, Metric]:
    out = {}
    for m in raw:
        rule = ALL_RULES.get(m["rule"])
        if rule is None or rule.population is None:  # a rate needs its rule's population
            raise ValueError(
                f"coverage {m['id']}: rule {m['rule']} is unknown or has no population"
            )
        t = m["title"]
        out[m["id"]] = Metric(m["id"], m["rule"], t["zh"], t["en"], t["short"])
    return out


METRICS: dict[str, Metric] = _metrics(_RAW["coverage"])


def kind_params() -> dict[str, list[str]]:
    """The kind groups as Cypher parameters (sorted lists)."""
    return {name: sorted(kinds) for name, kinds in KINDS.items()}


def rule_ids() -> list[str]:
    """Every reported rule id, in catalogue order."""
    return list(RULES)


@cache
def cypher(folder: str, name: str) -> str:
    """The text of ``<folder>/<name>.cypher`` in this package (values only ever as ``$params``)."""
    return resources.files("lianjian.queries").joinpath(folder, f"{name}.cypher").read_text("utf-8")
