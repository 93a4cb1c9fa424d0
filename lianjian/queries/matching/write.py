"""``lianjian match --write``: the proposals stored as ``PROPOSED_MATCH`` relationships.

Each proposal becomes one relationship from the need to the resource or member serving
it, with its units, cost per unit, reasons, the as-of date and the time of the run;
every earlier ``PROPOSED_MATCH`` is removed in the same step. Nothing of the ledger (its
needs, resources, projects, services and their relationships) is touched.

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> from lianjian.queries.matching.match import match
>>> write_proposals(EmbeddedStore(), match(EmbeddedStore(), "2026-06-30"), "2026-06-30T08:00:00Z")
0
"""

from __future__ import annotations

import datetime as dt

from lianjian.core.model import Edge
from lianjian.graph.store import GraphStore
from lianjian.queries.matching.match import MatchResult

__all__ = ["PROPOSED_MATCH", "write_proposals"]

PROPOSED_MATCH = "PROPOSED_MATCH"


def write_proposals(store: GraphStore, result: MatchResult, run_at: str | None = None) -> int:
    """Replace the store's ``PROPOSED_MATCH`` relationships by ``result``'s proposals
    (need → resource or member); ``run_at`` defaults to now (UTC, ISO 8601). Returns how
    many were written. On Neo4j they persist; the embedded graph keeps them in memory only,
    so the command refuses ``--write`` there."""
    at = run_at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    day = result.as_of.isoformat()
    edges = [
        Edge(
            PROPOSED_MATCH,
            p.need,
            p.node,
            f"{PROPOSED_MATCH}|{p.need}|{p.node}",
            {
                "provider_kind": p.kind,
                "units": p.units,
                "cost": p.cost,
                "reason_zh": p.reason_zh,
                "reason_en": p.reason_en,
                "as_of": day,
                "run_at": at,
            },
        )
        for p in result.proposals
    ]
    return store.replace_relationships(PROPOSED_MATCH, edges)
