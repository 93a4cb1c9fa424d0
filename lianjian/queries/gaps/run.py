"""The rules as queries for any store: one :class:`~lianjian.graph.store.Query` per rule,
its Cypher file (``gaps/<id>.cypher``) beside its NetworkX function (:mod:`.nx`).

Every rule row is ``{"id", "name", "anchor", "fix", **facts}`` on both backends; the
``anchor`` places the row (:mod:`lianjian.queries.places`). Cost: linear in the graph's
size for all rules together; on Neo4j one query per rule and one to place the anchors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from lianjian.graph.store import GraphStore, Query, Rows
from lianjian.queries.catalogue import ALL_RULES, cypher, kind_params
from lianjian.queries.gaps.facts import Ctx
from lianjian.queries.gaps.nx import NX_RULES
from lianjian.queries.params import GapParams
from lianjian.queries.places import NOWHERE, Place, region_places

__all__ = ["RULE_QUERIES", "query_params", "run_rules", "context"]


def query_params(p: GapParams, day: dt.date) -> dict[str, Any]:
    """What every rule query reads: the thresholds, the kind groups and ``as_of``."""
    return {**p.to_dict(), **kind_params(), "as_of": day.isoformat()}


def context(view: Any, params: Mapping[str, Any], memo: dict[str, Any]) -> Ctx:
    """The facts the NetworkX rules share, built once per read."""
    ctx = memo.get("gap_ctx")
    if ctx is None:
        thresholds = GapParams(**{k: params[k] for k in GapParams().to_dict()})
        ctx = memo["gap_ctx"] = Ctx(view, thresholds, params["as_of"])
    return ctx


def _nx(rule: str):
    fn = NX_RULES[rule]

    def run(view: Any, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
        return fn(context(view, params, memo))

    return run


RULE_QUERIES: dict[str, Query] = {
    rid: Query(rid, cypher("gaps", rid), _nx(rid)) for rid in ALL_RULES
}


def run_rules(
    store: GraphStore, wanted: list[str], p: GapParams, day: dt.date
) -> tuple[dict[str, Rows], dict[str, Place]]:
    """The rows of each rule asked for (without their anchors), and each flagged id's place."""
    raw = store.read([RULE_QUERIES[rid] for rid in wanted], query_params(p, day))
    anchors = {row["id"]: row.pop("anchor", None) for rows in raw.values() for row in rows}
    region = region_places(store, anchors.values())
    places = {n: region.get(a, NOWHERE) for n, a in anchors.items() if a is not None}
    return raw, places
