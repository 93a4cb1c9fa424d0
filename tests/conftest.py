"""Shared fixtures: the sample ledger, the hand-checked pairing ledger
(``tests/pairing_ledger.py``), small generated ledgers, and a real Neo4j
(from ``tests/neo4j_fixture.py``: the project's own server, or ``NEO4J_URI``), and the
dashboard in a headless Chromium (``tests/browser_fixtures.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ledgers import write_ledger
from tests.pairing_ledger import PAIRING_HAND

pytest_plugins = ["tests.neo4j_fixture", "tests.browser_fixtures", "tests.rdf_common"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never read or write the user's graph cache, store of record or pseudonym key."""
    mp = pytest.MonkeyPatch()
    mp.setenv("LIANJIAN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    mp.setenv("LIANJIAN_STORE_DIR", str(tmp_path_factory.mktemp("store") / "store"))
    mp.setenv("LIANJIAN_PSEUDONYM_KEY", "test-key-not-secret")
    mp.setenv("SOURCE_DATE_EPOCH", "1767254400")  # an RDF export's time: two exports compare equal
    yield
    mp.undo()


@pytest.fixture(scope="session")
def sample_ledger() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_data(sample_ledger):
    from lianjian.loaders.ledger import load_ledger

    return load_ledger(sample_ledger)


@pytest.fixture(scope="session")
def pairing_ledger(tmp_path_factory) -> Path:
    return write_ledger(tmp_path_factory.mktemp("pair_hand"), PAIRING_HAND)


@pytest.fixture(scope="session")
def jingzhou_small(tmp_path_factory) -> Path:
    """A generated jingzhou ledger at scale 0.05 (a few thousand members)."""
    from lianjian.generator.generate import generate

    out = tmp_path_factory.mktemp("jz")
    generate(out, profile="jingzhou", scale=0.05, seed=11)
    return out
