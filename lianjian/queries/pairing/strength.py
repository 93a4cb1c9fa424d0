"""Strength score (组织力评分) of every party organisation, and the weak and strong sets.

The score is a weighted sum of six features read from the ledger, each scaled to
[0, 1]; a feature's *contribution* is its weight times its value, rounded to 4
decimals, and the score is exactly the sum of the contributions (so every score can
be explained term by term):

============== ======================================================= ===========
feature        value                                                   zh
============== ======================================================= ===========
rating         (rating − 1) / 4; 0 when unrated                        评定等级
members        min(members, members_full) / members_full               党员人数
young          members younger than young_age_below / members          年轻党员占比
educated       members with college education or higher / members      大专以上占比
employed_in_   min(n, employed_in_area_full) / employed_in_area_full,   在职党员下沉
area           n = employed members assigned or reporting in its area  报到
partners       min(p, partners_full) / partners_full, p = orgs joined   有效结对
               by an active joint_build or strong_leads_weak link
============== ======================================================= ===========

*Members* of an org are those whose ``org`` is it (docs/rules.md), not those of its
sub-organisations. Weights and saturation points: ``pairing.yaml``.

>>> from lianjian.queries.pairing.facts import Facts
>>> scores(Facts({}, []), "2026-06-30")
{}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lianjian.queries.pairing.facts import Facts, OrgFacts
from lianjian.queries.pairing.params import FEATURES, PairingParams

__all__ = ["Strength", "scores", "weak_ids", "strong_ids", "partners", "FEATURE_NAMES"]

#: feature → (zh, en) names, for explanations
FEATURE_NAMES: dict[str, tuple[str, str]] = {
    "rating": ("评定等级", "rating"),
    "members": ("党员人数", "members"),
    "young": ("年轻党员占比", "young members"),
    "educated": ("大专以上学历占比", "college-educated share"),
    "employed_in_area": ("在职党员下沉报到", "employed members in its area"),
    "partners": ("有效结对", "active partners"),
}


@dataclass(frozen=True)
class Strength:
    """An organisation's score, each feature's contribution, and the raw facts behind them."""

    id: str
    score: float
    contributions: dict[str, float]
    facts: dict[str, int | None]

    def explain(self, lang: str = "zh") -> str:
        """``score = term + term + …`` in Chinese or English (zero terms left out)."""
        i = 0 if lang == "zh" else 1
        terms = [
            f"{FEATURE_NAMES[f][i]} {c:.4f}".rstrip("0").rstrip(".")
            for f, c in self.contributions.items()
            if c
        ]
        return f"{self.score:.4f}".rstrip("0").rstrip(".") + " = " + (" + ".join(terms) or "0")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "contributions": dict(self.contributions),
            "facts": dict(self.facts),
        }


def partners(facts: Facts, as_of: str) -> dict[str, set[str]]:
    """Org id → the orgs joined to it by an active JOINT_BUILD link (either direction)."""
    out: dict[str, set[str]] = {}
    for link in facts.links:
        if link.active(as_of) and link.source != link.target:
            out.setdefault(link.source, set()).add(link.target)
            out.setdefault(link.target, set()).add(link.source)
    return out


def scores(facts: Facts, as_of: str, params: PairingParams | None = None) -> dict[str, Strength]:
    """The :class:`Strength` of every organisation, by id. Cost: linear in orgs and links."""
    p = params or PairingParams()
    joined = partners(facts, as_of)
    return {o.id: _strength(o, len(joined.get(o.id, ())), p) for o in facts.orgs.values()}


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _capped(n: int, full: int) -> float:
    return min(n, full) / full if full > 0 else float(n > 0)


def _strength(o: OrgFacts, n_partners: int, p: PairingParams) -> Strength:
    rating = o.rating if isinstance(o.rating, int) and 1 <= o.rating <= 5 else None
    values = {
        "rating": (rating - 1) / 4 if rating is not None else 0.0,
        "members": _capped(o.members, p.members_full),
        "young": _share(o.young, o.members),
        "educated": _share(o.educated, o.members),
        "employed_in_area": _capped(o.employed_in_area, p.employed_in_area_full),
        "partners": _capped(n_partners, p.partners_full),
    }
    contributions = {f: round(p.weight(f) * values[f], 4) for f in FEATURES}
    raw = {
        "rating": rating,
        "members": o.members,
        "young": o.young,
        "educated": o.educated,
        "employed_in_area": o.employed_in_area,
        "partners": n_partners,
    }
    return Strength(o.id, round(sum(contributions.values()), 4), contributions, raw)


def weak_ids(facts: Facts, strength: dict[str, Strength], p: PairingParams) -> list[str]:
    """Rated orgs with a rating of at most ``weak_rating_max`` (docs/rules.md), or, where
    ``weak_score_max`` is set, a score of at most it; sorted by id."""
    out = []
    for o in facts.orgs.values():
        if o.rating is None:
            continue
        by_score = p.weak_score_max is not None and strength[o.id].score <= p.weak_score_max
        if o.rating <= p.weak_rating_max or by_score:
            out.append(o.id)
    return out


def strong_ids(
    facts: Facts, strength: dict[str, Strength], p: PairingParams, weak: set[str]
) -> list[str]:
    """Orgs that may lead: rated at least ``strong_rating_min``, of a ``leader_kinds`` kind,
    scoring at least ``strong_score_min`` where set, and not weak; sorted by id."""
    kinds = set(p.leader_kinds)
    return [
        o.id
        for o in facts.orgs.values()
        if o.rating is not None
        and o.rating >= p.strong_rating_min
        and o.kind in kinds
        and o.id not in weak
        and (p.strong_score_min is None or strength[o.id].score >= p.strong_score_min)
    ]
