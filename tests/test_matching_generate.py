"""The generated lists (lianjian/generator/lists.py): they load with no problem, follow the
seeds' rates, and leave every other table's bytes as they are without them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lianjian.generator import generate as gen_module
from lianjian.generator.generate import generate
from lianjian.generator.lists import (
    LIST_TABLES,
    NEEDS_PER_COMMUNITY_YEAR,
    SERVICES_PER_MEMBER_MONTH,
)
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.matching.match import match


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.csv")}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    out = tmp_path_factory.mktemp("lists") / "jz"
    counts = generate(out, "jingzhou", scale=0.05, seed=5)
    return out, counts


def test_the_lists_leave_the_other_tables_byte_identical(tmp_path, monkeypatch, ledger):
    out, _ = ledger
    monkeypatch.setattr(gen_module, "list_rows", lambda w, table, seed: iter(()))
    generate(tmp_path / "bare", "jingzhou", scale=0.05, seed=5)
    with_lists, bare = _digests(out), _digests(tmp_path / "bare")
    others = sorted(set(with_lists) - {f"{t}.csv" for t in LIST_TABLES})
    assert len(others) == 6
    assert {f: with_lists[f] for f in others} == {f: bare[f] for f in others}
    assert all(with_lists[f"{t}.csv"] != bare[f"{t}.csv"] for t in ("needs", "services"))


def test_the_generated_lists_load_cleanly_at_the_seeds_rates(ledger):
    out, counts = ledger
    data = load_ledger(out)
    assert data.report.problems == []
    labels = [label for label, _ in data.nodes.values()]
    communities = sum(1 for _, p in data.nodes.values() if p.get("level") == "community")
    needs = labels.count("Need")
    assert needs == counts["needs"] > 0
    # uniform 0..2×rate per community: the mean is the rate, within a generous margin
    assert 0.6 * NEEDS_PER_COMMUNITY_YEAR < needs / communities < 1.4 * NEEDS_PER_COMMUNITY_YEAR
    members = labels.count("Member")
    assert counts["services"] <= round(members * SERVICES_PER_MEMBER_MONTH)
    assert counts["services"] > 0.5 * members * SERVICES_PER_MEMBER_MONTH
    assert labels.count("Resource") == counts["resources"] > 0
    assert labels.count("Project") == counts["projects"] > 0
    assert sum(1 for e in data.edges if e.type == "FOR_NEED") == counts["projects"]


def test_matching_runs_on_a_generated_ledger(ledger):
    out, _ = ledger
    store = EmbeddedStore()
    store.write(load_ledger(out))
    r = match(store, "2026-06-30")
    assert r.needs > 0 and r.proposals
    assert r.optimal <= r.greedy
