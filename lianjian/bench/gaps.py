"""Benchmark: every coverage-gap rule and the coverage rates, embedded and on Neo4j.

    python -m lianjian.bench.gaps LEDGER [--as-of YYYY-MM-DD] [--neo4j] [--repeat N]

Reads the ledger once, then times on the embedded store ``find_gaps`` (all
rules) and ``coverage`` per street, and each rule on its own. With ``--neo4j``
(server from ``NEO4J_URI`` etc.) the database is replaced by the ledger and the
same is timed there; the first run after loading is reported apart (cold page
cache and query plans), then the best of ``--repeat`` runs. ``--profile`` prints
the database hits of each rule's Cypher (``PROFILE``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["bench"]


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def _per_rule_nx(store, as_of: str, repeat: int) -> dict[str, float]:
    from lianjian.graph.embedded.view import View
    from lianjian.queries.facts_nx import Ctx
    from lianjian.queries.gaps.nx import NX_RULES
    from lianjian.queries.params import GapParams

    out = {}
    for rid, fn in NX_RULES.items():
        out[rid] = _best(lambda fn=fn: fn(Ctx(View(store.graph), GapParams(), as_of)), repeat)[0]
    return out


def _per_rule_cypher(store, as_of: str, repeat: int, profile: bool) -> dict[str, Any]:
    from lianjian.queries.catalogue import RULES, cypher
    from lianjian.queries.params import GapParams

    values = {**GapParams().to_dict(), "as_of": as_of}
    out: dict[str, Any] = {}
    for rid in RULES:
        text = cypher("gaps", rid)
        secs, _ = _best(
            lambda text=text: store.driver.execute_query(
                text, values, database_=store.database, routing_="r"
            ),
            repeat,
        )
        out[rid] = secs
        if profile:
            summary = store.driver.execute_query(
                "PROFILE " + text, values, database_=store.database, routing_="r"
            ).summary
            out[f"{rid}.db_hits"] = _db_hits(summary.profile)
    return out


def _db_hits(plan: dict[str, Any] | None) -> int:
    if not plan:
        return 0
    return int(plan.get("dbHits", 0)) + sum(_db_hits(c) for c in plan.get("children", ()))


def bench(
    ledger: Path, as_of: str, neo4j: bool = False, repeat: int = 3, profile: bool = False
) -> dict[str, Any]:
    """Timings in seconds (and graph size) as a dict; see the module docstring."""
    from lianjian.graph.embedded.store import EmbeddedStore
    from lianjian.loaders.ledger import load_ledger
    from lianjian.queries.coverage.rates import coverage
    from lianjian.queries.gaps.find import find_gaps

    t0 = time.perf_counter()
    data = load_ledger(ledger)
    report: dict[str, Any] = {"ledger": str(ledger), "as_of": as_of}
    report["read_s"] = round(time.perf_counter() - t0, 2)
    report["size"] = data.stats().to_dict()
    emb = EmbeddedStore()
    emb.write(data)
    secs, result = _best(lambda: find_gaps(emb, as_of), repeat)
    report["embedded"] = {
        "find_gaps_s": round(secs, 3),
        "coverage_street_s": round(_best(lambda: coverage(emb, "street", as_of), repeat)[0], 3),
        "per_rule_s": {k: round(v, 4) for k, v in _per_rule_nx(emb, as_of, repeat).items()},
        "counts": {rid: len(items) for rid, items in result.rules.items()},
    }
    if neo4j:
        from lianjian.graph.neo4j.store import Neo4jSettings, Neo4jStore, driver_from_env

        settings = Neo4jSettings.from_env()
        store = Neo4jStore(driver_from_env(settings), settings.database)
        try:
            t0 = time.perf_counter()
            store.clear()
            store.write(data)
            report["neo4j_load_s"] = round(time.perf_counter() - t0, 1)
            cold, first = _best(lambda: find_gaps(store, as_of), 1)
            secs, again = _best(lambda: find_gaps(store, as_of), repeat)
            per_rule = _per_rule_cypher(store, as_of, repeat, profile)
            report["neo4j"] = {
                "find_gaps_first_s": round(cold, 3),
                "find_gaps_s": round(secs, 3),
                "coverage_street_s": round(
                    _best(lambda: coverage(store, "street", as_of), repeat)[0], 3
                ),
                "per_rule_s": {
                    k: (round(v, 4) if isinstance(v, float) else v) for k, v in per_rule.items()
                },
                "same_as_embedded": again.to_dict() == result.to_dict(),
            }
        finally:
            store.close()
    return report


def main(argv: list[str] | None = None) -> int:
    import datetime as dt

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ledger", type=Path)
    ap.add_argument("--as-of", default=dt.date.today().isoformat())
    ap.add_argument("--neo4j", action="store_true", help="also on Neo4j (replaces its contents)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="database hits per rule (Neo4j)")
    args = ap.parse_args(argv)
    print(
        json.dumps(
            bench(args.ledger, args.as_of, args.neo4j, args.repeat, args.profile),
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
