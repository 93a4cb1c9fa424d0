"""Benchmark: strong-leads-weak pairing, optimal against greedy, embedded and on Neo4j.

    lianjian bench pairing LEDGER [--as-of D] [--capacity N] [--neo4j] [--repeat N]
    lianjian bench pairing --generate jingzhou --scale 10 [--seed 0]

Reads the ledger once (or generates one into a temporary folder), then on the
embedded store times gathering the facts, scoring and setting up the problem, the
optimal plan (network simplex) and the greedy baseline, and the whole of
:func:`~lianjian.queries.pairing.propose.propose`; reports how many weak organisations the plan
covers and its total cost against greedy's. With ``--neo4j`` (server from ``NEO4J_URI``
etc.) the database is replaced by the ledger and ``propose`` is timed there too, and
checked to give the same plan. :func:`bench` returns the same report as a dict.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lianjian.bench import stores
from lianjian.bench.measure import best
from lianjian.core.model import GraphData
from lianjian.generator.generate import generate
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.pairing.params import PairingParams, resolve_pairing_params
from lianjian.queries.pairing.plan import SCALE, greedy_plan, optimal_plan, plan_cost
from lianjian.queries.pairing.propose import Problem, _facts, prepare, propose
from lianjian.queries.params import resolve_as_of

__all__ = ["bench", "bench_generated", "cost", "problem"]


def _timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """:func:`~lianjian.bench.measure.best`, the seconds rounded to milliseconds."""
    seconds, value = best(fn, repeat)
    return round(seconds, 3), value


def problem(store: Any, day: dt.date, p: PairingParams) -> Problem:
    """The pairing problem of ``store`` on ``day``: the facts gathered, scored and set up."""
    return prepare(_facts(store, day, p), day, p)


def cost(plan: dict[str, str], x: Problem) -> float:
    """The total cost of a plan, in the cost model's units."""
    return plan_cost(plan, x.model) / SCALE


def bench(
    ledger: Path,
    as_of: str = "2026-06-30",
    capacity: int | None = None,
    neo4j: bool = False,
    repeat: int = 1,
) -> dict[str, Any]:
    """Timings in seconds, coverage and costs of the plan as a dict (module docstring)."""
    day = resolve_as_of(as_of)
    p = resolve_pairing_params(None, capacity=capacity)
    report: dict[str, Any] = {"ledger": str(ledger), "as_of": day.isoformat()}
    report["read_s"], data = _timed(lambda: load_ledger(ledger))
    report["size"] = data.stats().to_dict()["nodes"]
    store = stores.embedded(data)

    facts_s, facts = _timed(lambda: _facts(store, day, p), repeat)
    setup_s, x = _timed(lambda: prepare(facts, day, p), repeat)
    optimal_s, plan = _timed(lambda: optimal_plan(x.todo, x.room, x.model), repeat)
    greedy_s, greedy = _timed(lambda: greedy_plan(x.todo, x.room, x.model), repeat)
    propose_s, result = _timed(lambda: propose(store, as_of=day, capacity=p.capacity), repeat)
    ours, base = cost(plan, x), cost(greedy, x)
    report["embedded"] = {
        "facts_s": facts_s,
        "score_and_setup_s": setup_s,
        "optimal_s": optimal_s,
        "greedy_s": greedy_s,
        "propose_s": propose_s,
    }
    report["plan"] = {
        "capacity": p.capacity,
        "orgs": len(facts.orgs),
        "weak": len(x.weak),
        "leaders": len(x.strong),
        "weak_partnered_already": len(x.weak) - len(x.todo),
        "weak_to_pair": len(x.todo),
        "room": sum(x.room.values()),
        "covered_optimal": len(plan),
        "covered_greedy": len(greedy),
        "unmatched": len(x.todo) - len(plan),
        "total_cost_optimal": round(ours, 4),
        "total_cost_greedy": round(base, 4),
        "saving": round(base - ours, 4),
        "saving_pct": round(100 * (base - ours) / base, 2) if base else 0.0,
        "tiers_optimal": dict(Counter(x.model.tier(w, s) for w, s in plan.items())),
        "tiers_greedy": dict(Counter(x.model.tier(w, s) for w, s in greedy.items())),
        "audit": dict(Counter(a.kind for a in result.audit)),
    }
    if neo4j:
        report["neo4j"] = _bench_neo4j(data, day, p.capacity, result.to_dict(), repeat)
    return report


def _bench_neo4j(
    data: GraphData, day: dt.date, capacity: int, expected: dict, repeat: int
) -> dict[str, Any]:
    with stores.neo4j() as store:
        load_s, _ = _timed(lambda: stores.replace(store, data))
        first_s, _ = _timed(lambda: propose(store, as_of=day, capacity=capacity))
        propose_s, result = _timed(lambda: propose(store, as_of=day, capacity=capacity), repeat)
    return {
        "load_s": load_s,
        "propose_first_s": first_s,
        "propose_s": propose_s,
        "same_as_embedded": result.to_dict() == expected,
    }


def bench_generated(
    profile: str = "jingzhou",
    scale: float = 1.0,
    seed: int = 0,
    of: Callable[..., dict[str, Any]] = bench,
    **kwargs: Any,
) -> dict[str, Any]:
    """``of`` (:func:`bench` by default) on a ledger generated into a temporary folder
    (removed afterwards)."""
    with tempfile.TemporaryDirectory() as tmp:
        gen_s, _ = _timed(lambda: generate(Path(tmp), profile=profile, scale=scale, seed=seed))
        report = of(Path(tmp), **kwargs)
    report.update(ledger=f"generated {profile} scale {scale:g} seed {seed}", generate_s=gen_s)
    return report
