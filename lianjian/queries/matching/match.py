"""``lianjian match``: open needs to resources and reporting members, with reasons.

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> match(EmbeddedStore(), as_of="2026-06-30").to_dict()["objective"]
{'optimal': 0.0, 'greedy': 0.0}

The contract (``--format json``)::

    {"as_of": "YYYY-MM-DD",
     "proposals": [{"need", "need_name", "resource" | "member", "units", "cost",
                    "reason_zh", "reason_en"}],
     "unmatched": [{"need", "need_name", "units", "kind", "reason_zh", "reason_en"}],
     "objective": {"optimal", "greedy"},
     "matched": {"optimal", "greedy"}}

A member is shown by its pseudonym (lianjian.core.privacy), never by id or name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lianjian.core.privacy import pseudonym
from lianjian.core.schema import SCHEMA
from lianjian.graph.store import GraphStore
from lianjian.queries.matching.facts import Facts, gather
from lianjian.queries.matching.plan import (
    SCALE,
    Candidate,
    MatchParams,
    candidates,
    greedy_plan,
    optimal_plan,
    plan_cost,
    room,
)
from lianjian.queries.params import resolve_as_of

__all__ = ["match", "MatchResult", "Proposal", "Unmatched"]

TIER_TEXT = {
    "community": ("同一社区", "same community"),
    "street": ("同一街道", "same street"),
    "district": ("服务范围为所在区县", "serves the whole district"),
}


@dataclass(frozen=True)
class Proposal:
    need: str
    kind: str  # resource | member
    provider: str  # the resource id, or the member's pseudonym
    units: int
    cost: float  # per unit
    reason_zh: str
    reason_en: str
    node: str = ""  # the provider's node id (a member's is never shown; --write needs it)

    def to_dict(self, names: Mapping[str, str]) -> dict[str, Any]:
        return {
            "need": self.need,
            "need_name": names.get(self.need, ""),
            self.kind: self.provider,
            "units": self.units,
            "cost": self.cost,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


@dataclass(frozen=True)
class Unmatched:
    need: str
    units: int
    kind: str  # no_provider | capacity_exhausted
    reason_zh: str
    reason_en: str


@dataclass
class MatchResult:
    as_of: dt.date
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    optimal: float
    greedy: float
    matched_optimal: int
    matched_greedy: int
    needs: int
    units: int
    names: dict[str, str]  # need and resource id → name

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "proposals": [p.to_dict(self.names) for p in self.proposals],
            "unmatched": [
                {
                    "need": u.need,
                    "need_name": self.names.get(u.need, ""),
                    "units": u.units,
                    "kind": u.kind,
                    "reason_zh": u.reason_zh,
                    "reason_en": u.reason_en,
                }
                for u in self.unmatched
            ],
            "objective": {"optimal": self.optimal, "greedy": self.greedy},
            "matched": {"optimal": self.matched_optimal, "greedy": self.matched_greedy},
        }


def match(
    store: GraphStore, as_of: dt.date | str | None = None, params: Mapping[str, Any] | None = None
) -> MatchResult:
    """Match the open needs of ``store`` as of ``as_of`` (default today); ``params``
    overrides :class:`MatchParams` (ValueError on a bad one)."""
    p = MatchParams.of(params)
    day = resolve_as_of(as_of)
    f = gather(store, day.isoformat())
    return plan_result(f, p, day)


def plan_result(f: Facts, p: MatchParams, day: dt.date) -> MatchResult:
    """Both plans over the facts, the optimal one explained."""
    cands = candidates(f, p)
    left = room(f, p)
    big = round(p.cost_unmatched * SCALE)
    best = optimal_plan(f, cands, left, big)
    base = greedy_plan(f, cands, left)
    by_pair = {(c.need, c.provider): c for cs in cands.values() for c in cs}
    given: dict[str, int] = defaultdict(int)
    load: dict[tuple[str, str], int] = defaultdict(int)
    for (need, prov), units in best.items():
        given[need] += units
        load[prov] += units
    proposals = [
        _proposal(f, by_pair[key], units, load[key[1]], left) for key, units in sorted(best.items())
    ]
    unmatched = [
        _unmatched(f, n, n.quantity - given[n.id], cands.get(n.id, []))
        for n in f.needs.values()
        if given[n.id] < n.quantity
    ]
    names = {n.id: n.name for n in f.needs.values()}
    names.update({r.id: r.name for r in f.resources.values()})
    return MatchResult(
        as_of=day,
        proposals=proposals,
        unmatched=unmatched,
        optimal=round(plan_cost(best, f, cands, big) / SCALE, 4),
        greedy=round(plan_cost(base, f, cands, big) / SCALE, 4),
        matched_optimal=sum(best.values()),
        matched_greedy=sum(base.values()),
        needs=len(f.needs),
        units=sum(n.quantity for n in f.needs.values()),
        names=names,
    )


def _category(value: str, lang: str) -> str:
    return SCHEMA.enum_label("service_category", value, lang)


def _proposal(f: Facts, c: Candidate, units: int, load: int, left: dict) -> Proposal:
    n = f.needs[c.need]
    kind, pid = c.provider
    cat_zh, cat_en = _category(n.category, "zh"), _category(n.category, "en")
    place_zh, place_en = TIER_TEXT[c.tier]
    if c.km is None:
        dist_zh, dist_en = "距离未知", "distance unknown"
    else:
        dist_zh, dist_en = f"相距{c.km:.1f}公里", f"{c.km:.1f} km away"
    if c.joint:
        joint_zh, joint_en = "已与社区党组织联建共建", "already joint-building with the community"
    else:
        joint_zh, joint_en = "未与社区党组织联建", "not yet joint-building with the community"
    cap = left[c.provider]
    if kind == "member":
        who_zh = f"报到党员，特长或服务岗位含{cat_zh}"
        who_en = f"a member reporting to the community, offering {cat_en}"
        load_zh, load_en = (
            f"本月承接{load}个（上限{cap}个）",
            f"takes {load} of at most {cap} this month",
        )
    else:
        who_zh, who_en = f"资源类别{cat_zh}", f"resource of category {cat_en}"
        load_zh = f"资源本月用{load}个（每月能力{cap}个）"
        load_en = f"uses {load} of its {cap} a month"
    zh = "；".join((who_zh, place_zh, dist_zh, joint_zh, load_zh))
    en = "; ".join((who_en, place_en, dist_en, joint_en, load_en))
    shown = pseudonym(pid) if kind == "member" else pid
    return Proposal(c.need, kind, shown, units, round(c.cost / SCALE, 4), zh, en, pid)


def _unmatched(f: Facts, n: Any, units: int, cands: list[Candidate]) -> Unmatched:
    cat_zh, cat_en = _category(n.category, "zh"), _category(n.category, "en")
    if not cands:
        return Unmatched(
            n.id,
            units,
            "no_provider",
            f"本社区和所在街道内没有{cat_zh}类的资源或报到党员",
            f"no {cat_en} resource or reporting member in reach (same community or street)",
        )
    done = n.quantity - units
    return Unmatched(
        n.id,
        units,
        "capacity_exhausted",
        f"可服务的资源和党员本月能力已用尽（已匹配{done}/{n.quantity}）",
        f"the resources and members in reach have no capacity left this month "
        f"({done} of {n.quantity} matched)",
    )
