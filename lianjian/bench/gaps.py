"""Benchmark: every coverage-gap rule and the coverage rates, embedded and on Neo4j.

    lianjian bench gaps LEDGER [--as-of YYYY-MM-DD] [--neo4j] [--repeat N] [--profile]

Reads the ledger once, then times on the embedded store ``find_gaps`` (all
rules) and ``coverage`` per street, and each rule on its own. With ``--neo4j``
(server from ``NEO4J_URI`` etc.) the database is replaced by the ledger and the
same is timed there; the first run after loading is reported apart (cold page
cache and query plans), then the best of ``--repeat`` runs. ``--profile`` prints
the database hits of each rule's Cypher (``PROFILE``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from lianjian.bench import stores
from lianjian.bench.measure import best
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.catalogue import RULES, cypher
from lianjian.queries.coverage.rates import coverage
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.gaps.run import RULE_QUERIES, query_params
from lianjian.queries.params import GapParams, resolve_as_of

__all__ = ["bench"]


def _per_rule(store, as_of: str, repeat: int) -> dict[str, float]:
    """Each rule alone, through the store interface (a fresh view per run on the embedded
    store, as find_gaps builds it)."""
    values = query_params(GapParams(), resolve_as_of(as_of))
    return {
        rid: best(lambda q=q: store.read([q], values), repeat)[0]
        for rid, q in RULE_QUERIES.items()
        if rid in RULES
    }


def _profile(store, as_of: str) -> dict[str, int]:
    """Neo4j's database hits of each rule's Cypher (``PROFILE``)."""
    values = query_params(GapParams(), resolve_as_of(as_of))
    return {
        f"{rid}.db_hits": _db_hits(
            stores.read(store, "PROFILE " + cypher("gaps", rid), values).summary.profile
        )
        for rid in RULES
    }


def _db_hits(plan: dict[str, Any] | None) -> int:
    if not plan:
        return 0
    return int(plan.get("dbHits", 0)) + sum(_db_hits(c) for c in plan.get("children", ()))


def bench(
    ledger: Path, as_of: str, neo4j: bool = False, repeat: int = 3, profile: bool = False
) -> dict[str, Any]:
    """Timings in seconds (and graph size) as a dict; see the module docstring."""
    t0 = time.perf_counter()
    data = load_ledger(ledger)
    report: dict[str, Any] = {"ledger": str(ledger), "as_of": as_of}
    report["read_s"] = round(time.perf_counter() - t0, 2)
    report["size"] = data.stats().to_dict()
    emb = stores.embedded(data)
    secs, result = best(lambda: find_gaps(emb, as_of), repeat)
    report["embedded"] = {
        "find_gaps_s": round(secs, 3),
        "coverage_street_s": round(best(lambda: coverage(emb, "street", as_of), repeat)[0], 3),
        "per_rule_s": {k: round(v, 4) for k, v in _per_rule(emb, as_of, repeat).items()},
        "counts": {rid: len(items) for rid, items in result.rules.items()},
    }
    if neo4j:
        with stores.neo4j() as store:
            t0 = time.perf_counter()
            stores.replace(store, data)
            report["neo4j_load_s"] = round(time.perf_counter() - t0, 1)
            cold, _ = best(lambda: find_gaps(store, as_of))
            secs, again = best(lambda: find_gaps(store, as_of), repeat)
            per_rule: dict[str, Any] = _per_rule(store, as_of, repeat)
            if profile:
                per_rule.update(_profile(store, as_of))
            report["neo4j"] = {
                "find_gaps_first_s": round(cold, 3),
                "find_gaps_s": round(secs, 3),
                "coverage_street_s": round(
                    best(lambda: coverage(store, "street", as_of), repeat)[0], 3
                ),
                "per_rule_s": {
                    k: (round(v, 4) if isinstance(v, float) else v) for k, v in per_rule.items()
                },
                "same_as_embedded": again.to_dict() == result.to_dict(),
            }
    return report
