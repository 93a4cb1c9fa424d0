"""Strong leads weak (以强带弱): score every organisation, propose the best pairings,
audit the existing ones, on either backend.

:func:`propose` gathers the ledger facts (:mod:`~lianjian.queries.pairing.facts`: Cypher
on Neo4j, NetworkX embedded), scores every organisation
(:mod:`~lianjian.queries.pairing.strength`), and assigns the weak organisations that have no
partner to leaders with room as a minimum-cost flow
(:mod:`~lianjian.queries.pairing.plan`), next to a greedy baseline; it audits the
links the ledger already has (:mod:`~lianjian.queries.pairing.audit`).

Who takes part: every **rated** organisation with a rating of at most
``weak_rating_max`` is weak (docs/rules.md: the ``weak_without_partner`` rule applies to any
rated org); leaders are rated at least ``strong_rating_min`` and of a ``leader_kinds``
kind (not party groups nor member households). A weak org that is already partnered
is kept as it is, and the links of each leader count towards its ``capacity``.

The result reads as the JSON contract (``result["proposals"]``, ``result.to_dict()``)::

    {"as_of": "YYYY-MM-DD",
     "proposals": [{"weak", "strong", "cost", "reason_zh", "reason_en"}],   # by weak id
     "unmatched": [ID],                                                     # sorted
     "audit": [{"kind", "ids": [ID], "reason_zh", "reason_en"}]}

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> propose(EmbeddedStore(), as_of="2026-06-30").to_dict()
{'as_of': '2026-06-30', 'proposals': [], 'unmatched': [], 'audit': []}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.model import Edge
from lianjian.graph.store import GraphStore
from lianjian.queries.pairing.audit import AuditItem, Existing, audit, existing
from lianjian.queries.pairing.facts import EDUCATED, Facts, gather
from lianjian.queries.pairing.params import PairingParams, resolve_pairing_params
from lianjian.queries.pairing.plan import (
    SCALE,
    CostModel,
    greedy_plan,
    optimal_plan,
    plan_cost,
    site,
)
from lianjian.queries.pairing.strength import Strength, scores, strong_ids, weak_ids
from lianjian.queries.params import resolve_as_of

__all__ = [
    "propose",
    "plan_facts",
    "prepare",
    "Problem",
    "strength_scores",
    "write_proposals",
    "PairingResult",
    "Proposal",
    "AuditItem",
]

#: the relationship type proposals are stored as (never one of the ledger's own)
PROPOSED = "PROPOSED_PAIR"

TIER_WORDS = {
    "community": ("同一社区", "same community"),
    "street": ("同一街道", "same street"),
    "district": ("同一区县", "same district"),
    "elsewhere": ("跨区县或位置不明", "different districts or unplaced"),
}


@dataclass(frozen=True)
class Proposal:
    """One proposed pairing and what explains it."""

    weak: str
    strong: str
    cost: float
    tier: str
    km: float | None
    gap: float
    load: int
    reason_zh: str
    reason_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "weak": self.weak,
            "strong": self.strong,
            "cost": self.cost,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


@dataclass
class PairingResult(Mapping):
    """The plan, the unmatched weak orgs, the audit, and everything behind them.

    A read-only mapping over :meth:`to_dict` (the JSON contract), with the details as
    attributes: ``scores`` (every org's :class:`Strength`), ``weak``/``strong`` ids,
    ``names``, ``total_cost`` and ``greedy_cost`` (the baseline's plan, same units).
    """

    as_of: dt.date
    params: PairingParams
    proposals: list[Proposal]
    unmatched: list[str]
    audit: list[AuditItem]
    scores: dict[str, Strength] = field(repr=False)
    weak: list[str] = field(repr=False)
    strong: list[str] = field(repr=False)
    names: dict[str, str] = field(repr=False)
    total_cost: float = 0.0
    greedy_cost: float = 0.0
    greedy_pairs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "proposals": [p.to_dict() for p in self.proposals],
            "unmatched": list(self.unmatched),
            "audit": [a.to_dict() for a in self.audit],
        }

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(("as_of", "proposals", "unmatched", "audit"))

    def __len__(self) -> int:
        return 4


def strength_scores(
    store: GraphStore, as_of: dt.date | str | None = None, params: Mapping[str, Any] | None = None
) -> dict[str, Strength]:
    """Every organisation's :class:`Strength` (score and contributions), by id."""
    day = resolve_as_of(as_of)
    p = resolve_pairing_params(params)
    return scores(_facts(store, day, p), day.isoformat(), p)


def propose(
    store: GraphStore,
    as_of: dt.date | str | None = None,
    capacity: int | None = None,
    params: PairingParams | Mapping[str, Any] | None = None,
) -> PairingResult:
    """Pairing proposals, unmatched weak orgs and the audit as of ``as_of`` (today when None).

    ``capacity`` (default 3) is how many weak orgs one leader leads at most, its active
    links included; ``params`` overrides any other number of ``pairing.yaml`` by name.
    ``ValueError`` on a bad date, an unknown parameter or a store of another kind.
    Cost: linear in the graph to gather the facts, then one network simplex.
    """
    day = resolve_as_of(as_of)
    p = resolve_pairing_params(params, capacity=capacity)
    return plan_facts(_facts(store, day, p), day, p)


def _facts(store: GraphStore, day: dt.date, p: PairingParams) -> Facts:
    return gather(
        store, day.isoformat(), born_after=day.year - p.young_age_below, educated=EDUCATED
    )


@dataclass(frozen=True)
class Problem:
    """What the planners read: scores, the weak and strong sets, the existing pairings,
    the weak orgs to pair (``todo``), each leader's room left, and the cost model."""

    strength: dict[str, Strength]
    weak: list[str]
    strong: list[str]
    now: Existing
    todo: list[str]
    room: dict[str, int]
    model: CostModel


def prepare(facts: Facts, day: dt.date, p: PairingParams) -> Problem:
    """Score the orgs, split them into weak and strong, and set up the pairing problem."""
    as_of = day.isoformat()
    strength = scores(facts, as_of, p)
    weak = weak_ids(facts, strength, p)
    strong = strong_ids(facts, strength, p, set(weak))
    now = existing(facts, as_of, p, set(weak))
    todo = [w for w in weak if w not in now.partnered]
    room = {s: max(0, p.capacity - now.load(s)) for s in strong}
    orgs = facts.orgs
    model = CostModel(
        {o: site(orgs[o].place, orgs[o].point, strength[o].score) for o in (*todo, *strong)}, p
    )
    return Problem(strength, weak, strong, now, todo, room, model)


def plan_facts(facts: Facts, day: dt.date, p: PairingParams) -> PairingResult:
    """:func:`propose` on facts already gathered (what both engines share)."""
    x = prepare(facts, day, p)
    plan = optimal_plan(x.todo, x.room, x.model)
    greedy = greedy_plan(x.todo, x.room, x.model)
    return PairingResult(
        as_of=day,
        params=p,
        proposals=_explain(plan, x.model, x.now, p, x.strength),
        unmatched=[w for w in x.todo if w not in plan],
        audit=audit(facts, day.isoformat(), p, x.strength, x.weak, x.now, plan),
        scores=x.strength,
        weak=x.weak,
        strong=x.strong,
        names={o: f.name for o, f in facts.orgs.items()},
        total_cost=_units(plan_cost(plan, x.model)),
        greedy_cost=_units(plan_cost(greedy, x.model)),
        greedy_pairs=len(greedy),
    )


def _units(cost: int) -> float:
    """A cost in cost units, from integers of 1/SCALE: the same float on every engine."""
    return round(cost / SCALE, 4)


def _explain(
    plan: dict[str, str],
    m: CostModel,
    now: Existing,
    p: PairingParams,
    strength: dict[str, Strength],
) -> list[Proposal]:
    load: dict[str, int] = {}
    for s in plan.values():
        load[s] = load.get(s, now.load(s)) + 1
    out = []
    for w in sorted(plan):
        s = plan[w]
        tier = m.tier(w, s)
        km = m.distance(w, s)
        gap = round(strength[s].score - strength[w].score, 4)
        zh_tier, en_tier = TIER_WORDS[tier]
        if km is not None:
            zh_tier += f"，相距{km:.1f}公里"
            en_tier += f", {km:.1f} km apart"
        sw, ss = strength[w].score, strength[s].score
        out.append(
            Proposal(
                weak=w,
                strong=s,
                cost=_units(m.pair_cost(w, s)),
                tier=tier,
                km=None if km is None else round(km, 3),
                gap=gap,
                load=load[s],
                reason_zh=f"评分差{gap:.2f}（{ss:.2f} 对 {sw:.2f}）；{zh_tier}；"
                f"带领方结对后共带领{load[s]}个（上限{p.capacity}个）",
                reason_en=f"score gap {gap:.2f} ({ss:.2f} vs {sw:.2f}); {en_tier}; "
                f"the leader would lead {load[s]} of at most {p.capacity}",
            )
        )
    return out


def write_proposals(store: GraphStore, result: PairingResult) -> int:
    """Store the proposals as PROPOSED_PAIR relationships (strong → weak) with their cost,
    as-of date, capacity and reasons, replacing any earlier ones; the ledger's own links
    are never touched. Returns how many were written.

    On Neo4j they persist; on the embedded store they are added to the graph in memory
    only (it is rebuilt from the ledger at the next start).
    """
    day = result.as_of.isoformat()
    edges = [
        Edge(
            PROPOSED,
            x.strong,
            x.weak,
            f"{PROPOSED}|{x.strong}|{x.weak}",
            {
                "cost": x.cost,
                "as_of": day,
                "capacity": result.params.capacity,
                "reason_zh": x.reason_zh,
                "reason_en": x.reason_en,
            },
        )
        for x in result.proposals
    ]
    return store.replace_relationships(PROPOSED, edges)
