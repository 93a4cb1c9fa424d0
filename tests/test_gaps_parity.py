"""Property test: Cypher on Neo4j and NetworkX return the same gaps on random ledgers.

Each example writes a small random ledger (``tests/random_ledgers.py``), loads it,
and runs every rule on both backends with random thresholds; the ledgers keep the three
lists and the service records, so that the rules over them are compared too.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.coverage.rates import LEVELS, coverage
from lianjian.queries.gaps.find import find_gaps
from tests.ledgers import write_ledger
from tests.random_ledgers import AS_OF, list_ledgers, with_headers

thresholds = st.fixed_dictionaries(
    {
        "min_members_for_org": st.integers(0, 4),
        "joint_branch_max_units": st.sampled_from([0, 1, 2, 2, 3]),
        "branch_max_members": st.integers(0, 4),
        "committee_min_members": st.integers(0, 4),
        "big_committee_min_seats": st.integers(0, 3),
        "weak_rating_max": st.integers(1, 3),
        "strong_rating_min": st.integers(3, 5),
        "need_open_max_days": st.sampled_from([0, 29, 30, 31, 60]),
    }
)


@pytest.mark.neo4j
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=list_ledgers(), params=thresholds)
def test_engines_agree_on_random_ledgers(neo4j_driver, neo4j_settings, tables, params):
    with tempfile.TemporaryDirectory() as tmp:
        data = load_ledger(write_ledger(Path(tmp), with_headers(tables)))
    embedded = EmbeddedStore()
    embedded.write(data)
    neo = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    neo.clear()
    neo.write(data)
    try:
        nx_result = find_gaps(embedded, AS_OF, params=params).to_dict()
        cy_result = find_gaps(neo, AS_OF, params=params).to_dict()
        cov = [(coverage(embedded, lv, AS_OF), coverage(neo, lv, AS_OF)) for lv in LEVELS]
    finally:
        neo.clear()
    for rule, found in nx_result["rules"].items():
        nx_ids = [i["id"] for i in found["items"]]
        cy_ids = [i["id"] for i in cy_result["rules"][rule]["items"]]
        assert nx_ids == cy_ids, rule
    assert nx_result == cy_result  # reasons, fixes and streets too
    for level, (nx_rows, cy_rows) in zip(LEVELS, cov, strict=True):
        assert nx_rows == cy_rows, level
