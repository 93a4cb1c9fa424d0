"""The stages the harness times, each a function of what the parent already holds.

Every function here returns a zero-argument callable for :func:`lianjian.bench.measure.forked`:
the callable does the work and returns a small JSON summary (counts, so a run that did
nothing shows). Neo4j stages open their own driver inside the child (a driver must not
cross a fork).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianjian.bench import stores
from lianjian.bench.pairing import cost, problem
from lianjian.bench.rdf import RDFLIB_FORMATS, rdflib_graph
from lianjian.core.model import GraphData
from lianjian.dashboard.subgraph import neighbourhood
from lianjian.export.rdf import export_rdf
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.bulk import bulk_load
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.coverage.rates import coverage as rates
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.matching.match import match
from lianjian.queries.pairing.params import resolve_pairing_params
from lianjian.queries.pairing.plan import greedy_plan, optimal_plan
from lianjian.queries.pairing.propose import propose

__all__ = [
    "Ctx",
    "embedded_stages",
    "neo4j_bulk",
    "neo4j_stages",
    "parse",
    "embedded_build",
    "busiest_community",
]

AS_OF = "2026-06-30"
Stage = Callable[[], Any]


@dataclass
class Ctx:
    """What the stages read: the ledger, its parsed model, the embedded store, the server."""

    ledger: Path
    data: GraphData
    store: EmbeddedStore
    community: str | None
    settings: Any = None  # Neo4jSettings, or None without a server


def parse(ledger: Path) -> Stage:
    """Read and validate the ledger (台账解析与校验)."""

    def run():
        return list(load_ledger(ledger).report.totals)

    return run


def embedded_build(ledger: Path, cache: Path, *, from_cache: bool) -> Stage:
    """Build the embedded graph from the CSV files (an empty cache) or from the cache."""

    def run():
        os.environ["LIANJIAN_CACHE_DIR"] = str(cache)
        store = EmbeddedStore.from_ledger(ledger)
        assert store.from_cache == from_cache, "the cache was not used as intended"
        return stores.nx_graph(store).number_of_nodes()

    return run


def busiest_community(store: EmbeddedStore) -> str | None:
    """The community with the most entities right around it: the Explorer's hardest draw."""
    g = stores.nx_graph(store)
    communities = [n for n, d in g.nodes(data=True) if d.get("level") == "community"]
    return max(communities, key=lambda c: (g.in_degree(c) + g.out_degree(c), c), default=None)


def _query_stages(store_of: Callable[[], Any], ctx: Ctx) -> dict[str, Stage]:
    def gaps():
        with store_of() as s:
            return sum(len(v) for v in find_gaps(s, AS_OF).rules.values())

    def coverage():
        with store_of() as s:
            return len(rates(s, "community", AS_OF))

    def pairing():
        with store_of() as s:
            return len(propose(s, as_of=AS_OF)["proposals"])

    def matching():
        with store_of() as s:
            return len(match(s, as_of=AS_OF).proposals)

    def explorer():
        with store_of() as s:
            return len(neighbourhood(s, [ctx.community], 2, cap=150, as_of=AS_OF).nodes)

    return {
        **{"gaps": gaps, "coverage": coverage, "pairing": pairing, "matching": matching},
        "explorer": explorer,
    }


def embedded_stages(ctx: Ctx) -> dict[str, Stage]:
    """All gap rules, coverage rates, pairing, Explorer subgraph and RDF export, embedded."""
    stages = _query_stages(lambda: stores.held(ctx.store), ctx)
    for fmt in ("nt", "ttl"):
        stages[f"rdf_{fmt}"] = rdf_export(ctx.data, fmt)
    return stages


def rdf_export(
    data: GraphData, fmt: str, *, rdflib: bool = False, limit: int | None = None
) -> Stage:
    """Our streaming writer, or (``rdflib``) rdflib's ``Graph.serialize`` on the same
    triples, the first ``limit`` or so of them where given; returns the triples written."""

    def run():
        with tempfile.TemporaryDirectory(prefix="lianjian-bench-") as tmp:
            out = Path(tmp) / f"out.{fmt}"
            if not rdflib:
                return export_rdf(data, out, fmt)
            g = rdflib_graph(data, limit=limit)
            g.serialize(destination=str(out), format=RDFLIB_FORMATS[fmt], encoding="utf-8")
            return len(g)

    return run


def neo4j_load(ctx: Ctx) -> Stage:
    """Write the whole graph into the database (batched ``UNWIND … CREATE`` into one
    holding no graph: run it after :func:`emptied`)."""

    def run():
        with stores.neo4j(ctx.settings) as s:
            s.write(ctx.data)
            return sum(s.stats().nodes.values())

    return run


def emptied(settings: Any, make: Callable[[], Stage]) -> Callable[[], Stage]:
    """A stage's setup: the database emptied (untimed, as the admin import it is
    compared with starts from none), then the stage ``make`` gives."""

    def setup() -> Stage:
        with stores.neo4j(settings) as s:
            s.clear()
        return make()

    return setup


def neo4j_bulk(ctx: Ctx, home: Path) -> Stage:
    """``load --bulk --replace`` on the run's own server in ``home``: the ledger written as
    the importer's CSV files, the server stopped, ``neo4j-admin database import full``,
    the server started again, constraints and marker set (all of it timed)."""

    def run():
        with stores.neo4j(ctx.settings) as s:
            fresh = bulk_load(s, ctx.data, ctx.settings, True, False, "bench", home=home)
        with closing(fresh):
            return sum(fresh.stats().nodes.values())

    return run


def neo4j_stages(ctx: Ctx) -> dict[str, Stage]:
    """The query stages on the Neo4j database (which must hold the ledger already)."""
    return _query_stages(lambda: stores.neo4j(ctx.settings), ctx)


def pairing_plans(store: EmbeddedStore) -> dict[str, Stage]:
    """The optimal plan (min-cost flow) and the greedy baseline on the same problem."""
    day = dt.date.fromisoformat(AS_OF)
    x = problem(store, day, resolve_pairing_params(None))

    def planner(fn):
        def run():
            plan = fn(x.todo, x.room, x.model)
            return {
                "weak_to_pair": len(x.todo),
                "covered": len(plan),
                "cost": round(cost(plan, x), 4),
            }

        return run

    return {"optimal": planner(optimal_plan), "greedy": planner(greedy_plan)}
