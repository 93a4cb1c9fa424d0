"""Benchmark: matching needs to resources and members (需求匹配), optimal against greedy.

    lianjian bench matching LEDGER [--as-of D] [--repeat N]
    lianjian bench matching --generate jingzhou --scale 1 [--seed 0]

Reads the ledger once (or generates one, with its lists, into a temporary folder), then on
the embedded store times gathering the facts, the candidates (reach and costs), the
optimal plan (minimum-cost flow) and the greedy baseline, and the whole of
:func:`~lianjian.queries.matching.match.match`; reports the open needs and units, the
units each plan serves and both objectives. :func:`bench` returns the report as a dict;
:func:`plan_stages` gives the harness (``lianjian bench``) its two plan rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from lianjian.bench import pairing, stores
from lianjian.graph.store import GraphStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.matching.facts import gather
from lianjian.queries.matching.match import match
from lianjian.queries.matching.plan import (
    SCALE,
    MatchParams,
    candidates,
    greedy_plan,
    optimal_plan,
    plan_cost,
    room,
)
from lianjian.queries.params import resolve_as_of

__all__ = ["bench", "bench_generated", "plan_stages", "AS_OF"]

AS_OF = "2026-06-30"


def plan_stages(store: GraphStore, as_of: str = AS_OF) -> dict[str, Callable[[], dict]]:
    """The optimal plan and the greedy baseline on the same facts, each returning the
    units it serves and its objective (default parameters)."""
    p = MatchParams.of(None)
    f = gather(store, as_of)
    cands, left = candidates(f, p), room(f, p)
    big = round(p.cost_unmatched * SCALE)
    units = sum(n.quantity for n in f.needs.values())

    def planner(fn):
        def run() -> dict[str, Any]:
            plan = fn(f, cands, left, big) if fn is optimal_plan else fn(f, cands, left)
            return {
                "units": units,
                "matched": sum(plan.values()),
                "objective": round(plan_cost(plan, f, cands, big) / SCALE, 4),
            }

        return run

    return {"optimal": planner(optimal_plan), "greedy": planner(greedy_plan)}


def bench(ledger: Path, as_of: str = AS_OF, repeat: int = 1) -> dict[str, Any]:
    """Timings in seconds, the plans' units and objectives as a dict (module docstring)."""
    day = resolve_as_of(as_of).isoformat()
    p = MatchParams.of(None)
    report: dict[str, Any] = {"ledger": str(ledger), "as_of": day}
    report["read_s"], data = pairing._timed(lambda: load_ledger(ledger))
    report["size"] = data.stats().to_dict()["nodes"]
    store = stores.embedded(data)
    facts_s, f = pairing._timed(lambda: gather(store, day), repeat)
    cands_s, cands = pairing._timed(lambda: candidates(f, p), repeat)
    left = room(f, p)
    big = round(p.cost_unmatched * SCALE)
    optimal_s, plan = pairing._timed(lambda: optimal_plan(f, cands, left, big), repeat)
    greedy_s, base = pairing._timed(lambda: greedy_plan(f, cands, left), repeat)
    match_s, result = pairing._timed(lambda: match(store, as_of=day), repeat)
    report["embedded"] = {
        "facts_s": facts_s,
        "candidates_s": cands_s,
        "optimal_s": optimal_s,
        "greedy_s": greedy_s,
        "match_s": match_s,
    }
    ours, theirs = plan_cost(plan, f, cands, big) / SCALE, plan_cost(base, f, cands, big) / SCALE
    report["plan"] = {
        "open_needs": len(f.needs),
        "units": sum(n.quantity for n in f.needs.values()),
        "resources": len(f.resources),
        "reporting_members": len(f.members),
        "members_offering": sum(1 for m in f.members.values() if m.categories),
        "pairs_in_reach": sum(len(c) for c in cands.values()),
        "proposals": len(result.proposals),
        "matched_optimal": sum(plan.values()),
        "matched_greedy": sum(base.values()),
        "objective_optimal": round(ours, 4),
        "objective_greedy": round(theirs, 4),
        "greedy_vs_optimal": round(theirs / ours, 6) if ours else None,
    }
    return report


def bench_generated(
    profile: str = "jingzhou", scale: float = 1.0, seed: int = 0, **kwargs: Any
) -> dict[str, Any]:
    """:func:`bench` on a ledger generated (with its lists) into a temporary folder."""
    return pairing.bench_generated(profile, scale, seed, of=bench, **kwargs)
