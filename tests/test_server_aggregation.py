"""On Neo4j the coverage rates count each rule's flags per anchor region in the database:
the flagged entities themselves are not read into Python; the counts equal those of the
entity rows, on both backends."""

from __future__ import annotations

from collections import Counter

import pytest

from lianjian.bench.stores import embedded
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.queries.coverage.rates import FLAGGED, coverage_counts
from lianjian.queries.gaps.run import RULE_QUERIES, query_params
from lianjian.queries.params import resolve_as_of, resolve_params

AS_OF = "2026-06-30"


def _per_anchor(store, rule: str) -> tuple[dict, Counter]:
    params = query_params(resolve_params(None), resolve_as_of(AS_OF))
    q = FLAGGED[rule]
    got = store.read([q, RULE_QUERIES[rule]], params)
    counted = {r["anchor"]: r["flagged"] for r in got[q.name]}
    assert len(counted) == len(got[q.name])  # one row per anchor
    return counted, Counter(r["anchor"] for r in got[rule])


def test_coverage_reads_counts_per_anchor_not_the_flagged_entities(sample_data):
    store = embedded(sample_data)
    asked: list[str] = []
    real = store.read

    def read(queries, params):
        asked.extend(q.name for q in queries)
        return real(queries, params)

    store.read = read
    coverage_counts(store, AS_OF)
    assert set(asked) & set(RULE_QUERIES) == set()  # no rule's entity rows
    assert {q.name for q in FLAGGED.values()} <= set(asked)
    assert all(
        q.cypher.rstrip().endswith("RETURN anchor, count(*) AS flagged") for q in FLAGGED.values()
    )
    flagged = 0
    for rule in FLAGGED:
        counted, rows = _per_anchor(embedded(sample_data), rule)
        assert counted == dict(rows)
        flagged += sum(rows.values())
    assert flagged > 0  # the sample ledger has flags to count


@pytest.mark.neo4j
def test_the_counts_per_anchor_on_neo4j_are_those_of_the_rows(
    sample_data, neo4j_driver, neo4j_settings
):
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    store.write(sample_data)
    flagged = 0
    for rule in FLAGGED:
        counted, rows = _per_anchor(store, rule)
        assert counted == dict(rows), rule
        assert counted == _per_anchor(embedded(sample_data), rule)[0], rule
        flagged += sum(rows.values())
    assert flagged > 0
