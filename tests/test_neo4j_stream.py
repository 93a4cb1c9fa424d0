"""The streaming load into Neo4j (``load --neo4j --stream``, ``load_into_neo4j(stream=True)``) leaves the database the
model load leaves: the same ``Neo4jStore.checksum()``, counts, marker and balance, on a
generated ledger, one with faults written in and the sample ledger; CREATE into an empty
database, MERGE into one holding the graph. A ledger it does not handle is loaded whole,
after saying why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.graph.backends import load_into_neo4j
from lianjian.graph.neo4j.store import Neo4jStore, stored_model
from lianjian.loaders.ledger import load_ledger
from tests.stream_ledgers import inject_faults
from tests.test_neo4j_faults import duplicates
from tests.test_neo4j_load_modes import written  # noqa: F401  # a fixture

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(neo4j_driver, neo4j_settings, monkeypatch, tmp_path):
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "stream-test-key")
    monkeypatch.setenv("LIANJIAN_CACHE_DIR", str(tmp_path / "cache"))
    return Neo4jStore(neo4j_driver, neo4j_settings["database"])


@pytest.fixture
def index(tmp_path) -> Path:
    """The folder of the streaming load's index file (empty again after each load)."""
    (tmp_path / "index").mkdir()
    return tmp_path / "index"


@pytest.fixture(scope="module")
def faulty(jingzhou_small, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("faulty") / "ledger"
    shutil.copytree(jingzhou_small, out)
    return inject_faults(out)


def model_state(store: Neo4jStore, ledger: Path, with_names: bool = False):
    """The database after the model load of ``ledger`` (then emptied again)."""
    store.clear()
    report = load_into_neo4j(store, ledger, with_names=with_names)
    state = store.checksum(), store.stats(), store.marker(), store.ledger_balance()
    store.clear()
    return report, state


@pytest.mark.parametrize("which", ["generated", "faulty", "sample"])
def test_a_streamed_load_holds_what_the_model_load_holds(
    which,
    jingzhou_small,
    faulty,
    store,
    index,
    written,  # noqa: F811
):
    ledger = {"generated": jingzhou_small, "faulty": faulty, "sample": ROOT / "data/sample"}[which]
    report, want = model_state(store, ledger)
    assert want[0] == stored_model(load_ledger(ledger)).checksum()
    written.clear()
    told: list[str] = []
    got = load_into_neo4j(store, ledger, stream=True, folder=index, whole=told.append)
    assert told == []  # streamed, not loaded whole
    assert written and all(" CREATE " in q and "MERGE" not in q for q in written)
    assert (store.checksum(), store.stats(), store.marker(), store.ledger_balance()) == want
    assert got.to_dict(True) == report.to_dict(True)
    assert list(index.iterdir()) == []  # the index is gone

    written.clear()  # again, into the database holding the graph: MERGE, nothing doubled
    load_into_neo4j(store, ledger, stream=True, folder=index)
    assert written and all("MERGE" in q and " CREATE " not in q for q in written)
    assert duplicates(store.driver, store.database) == (0, 0)
    assert store.checksum() == want[0]


def test_a_streamed_load_with_names_holds_the_names(jingzhou_small, store, index):
    _, want = model_state(store, jingzhou_small, with_names=True)
    load_into_neo4j(store, jingzhou_small, stream=True, folder=index, with_names=True)
    assert store.checksum() == want[0] and store.holds_names()
    assert want[0] == stored_model(load_ledger(jingzhou_small), with_names=True).checksum()


def test_what_is_not_streamed_is_loaded_whole_after_saying_why(store, index):
    ledger = ROOT / "data/sample-forms"
    _, want = model_state(store, ledger)
    told: list[str] = []
    load_into_neo4j(store, ledger, stream=True, folder=index, whole=told.append)
    assert len(told) == 1 and "workbook" in told[0]
    assert store.checksum() == want[0]


def test_a_refused_ledger_is_not_written(store, index, faulty):
    def refuse(balance):
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        load_into_neo4j(store, faulty, stream=True, folder=index, check=refuse)
    assert store.is_empty() and store.marker() is None
    assert list(index.iterdir()) == []


def test_the_command_streams_and_says_what_it_loaded(
    jingzhou_small, store, neo4j_settings, monkeypatch
):
    for name, key in (("URI", "uri"), ("USER", "user"), ("PASSWORD", "password")):
        monkeypatch.setenv(f"NEO4J_{name}", neo4j_settings[key])
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings["database"])
    report, want = model_state(store, jingzhou_small)
    args = ["load", str(jingzhou_small), "--neo4j", "--stream", "--replace"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows_in, loaded, rejected = report.totals
    assert f"rows in {rows_in} = loaded {loaded} + rejected {rejected}" in result.stdout
    assert "not streamed" not in result.stderr
    assert store.checksum() == want[0]

    forms = ["load", str(ROOT / "data/sample-forms"), "--neo4j", "--stream", "--replace"]
    result = CliRunner().invoke(app, forms)
    assert result.exit_code == 0, result.output
    assert "note: not streamed:" in result.stderr and "loaded whole" in result.stderr


def test_the_command_keeps_its_index_only_in_a_folder_of_the_users_own(
    jingzhou_small, store, neo4j_settings, monkeypatch, tmp_path
):
    for name, key in (("URI", "uri"), ("USER", "user"), ("PASSWORD", "password")):
        monkeypatch.setenv(f"NEO4J_{name}", neo4j_settings[key])
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings["database"])
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("LIANJIAN_CACHE_DIR", str(shared))
    store.clear()
    result = CliRunner().invoke(app, ["load", str(jingzhou_small), "--neo4j", "--stream"])
    assert result.exit_code == 2
    assert "can be written by others" in result.stderr and "Traceback" not in result.output
    assert store.is_empty() and list(shared.iterdir()) == []
