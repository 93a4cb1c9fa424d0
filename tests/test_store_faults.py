"""The store of record's faults on the embedded backend: a load killed while it writes
leaves the previous version and the next load succeeds, two loads at once do not both
write, a store of a newer format is refused, the folder is private."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lianjian.graph.embedded import persist
from lianjian.graph.embedded.persist import EmbeddedRecord
from lianjian.loaders.ledger import load_ledger
from lianjian.record.load import load_version
from tests.record_ledgers import V1, V2, as_json, month_two_ledger, run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path, sample_ledger) -> Path:
    path = tmp_path / "store"
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", path)
    return path


@pytest.fixture
def v2(sample_ledger, tmp_path) -> Path:
    return month_two_ledger(sample_ledger, tmp_path / "v2")


def versions(store: Path) -> list[int]:
    return [v["version"] for v in as_json("history", "--store", store)["versions"]]


class Killed(BaseException):
    """What a kill does to the load: it stops where it is."""


def test_a_load_stopped_after_writing_its_files_leaves_the_previous_version(store, v2, monkeypatch):
    before = (store / "record.json").read_bytes()
    real = os.replace

    def replace(src, dst):
        if Path(dst).name == "record.json":
            assert Path(src).read_bytes()  # the new record is written in full…
            raise Killed  # …and the load stops before the rename
        return real(src, dst)

    monkeypatch.setattr(persist.os, "replace", replace)
    with pytest.raises(Killed):
        load_version(EmbeddedRecord.open(store), "shashi", V2, load_ledger(v2))
    monkeypatch.undo()
    assert (store / "record.json").read_bytes() == before
    assert versions(store) == [1]
    assert (
        as_json("gaps", "--store", store, "--as-of", V1)["rules"]["grid_without_branch"]["count"]
        == 1
    )
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", store)
    assert versions(store) == [1, 2]
    assert [p.name for p in store.iterdir() if p.name.startswith(".tmp-")] == []
    kept = json.loads((store / "record.json").read_bytes())["sources"]["shashi"]["file"]
    # the old version's files are gone: the new graph and its hashes are left
    left = sorted(p.name for p in (store / "sources").iterdir())
    assert left == sorted([kept, kept.removesuffix(".json") + ".hashes.json"])


KILL = """
import os, signal, sys
real = os.replace
def replace(src, dst, *args, **kwargs):
    if str(dst).endswith("record.json"):  # the new record written in full, not yet renamed
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst, *args, **kwargs)
os.replace = replace
from lianjian.cli.app import main
sys.argv = ["lianjian", "load", sys.argv[1], "--source", "shashi", "--as-of", sys.argv[2],
            "--store", sys.argv[3]]
main()
"""


def test_a_killed_process_leaves_the_previous_version(store, v2):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", KILL, str(v2), V2, str(store)], env=env, capture_output=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert [p.name for p in store.iterdir() if p.name.startswith(".tmp-")] != []
    assert versions(store) == [1]
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", store)
    assert versions(store) == [1, 2]
    assert [p.name for p in store.iterdir() if p.name.startswith(".tmp-")] == []


def test_a_second_load_while_one_writes_is_refused(store, v2):
    with EmbeddedRecord.open(store).lock():
        said = run("load", v2, "--source", "shashi", "--as-of", V2, "--store", store, code=2)
        assert "being written by another load" in said
    assert versions(store) == [1]
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", store)
    assert versions(store) == [1, 2]


def test_a_store_of_a_newer_format_is_refused(store, v2):
    record = json.loads((store / "record.json").read_bytes())
    record["format"] += 1
    (store / "record.json").write_text(json.dumps(record), "utf-8")
    for args in (
        ["load", v2, "--source", "shashi", "--as-of", V2, "--store", store],
        ["history", "--store", store],
        ["gaps", "--store", store],
    ):
        said = run(*args, code=2)
        assert "newer than this lianjian reads" in said and len(said.strip().splitlines()) == 1
    assert json.loads((store / "record.json").read_bytes())["format"] == record["format"]


def test_a_folder_that_is_not_a_store_is_refused(tmp_path, sample_ledger):
    other = tmp_path / "other"
    other.mkdir(mode=0o700)
    (other / "notes.txt").write_text("mine", "utf-8")
    said = run("load", sample_ledger, "--source", "a", "--as-of", V1, "--store", other, code=2)
    assert "is not a lianjian store" in said
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def test_the_store_folder_is_private(store, sample_ledger, tmp_path):
    assert (store.stat().st_mode & 0o777) == 0o700
    assert all((p.stat().st_mode & 0o077) == 0 for p in store.rglob("*") if p.is_file())
    open_to_all = tmp_path / "open"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    said = run("load", sample_ledger, "--source", "a", "--as-of", V1, "--store", open_to_all,
               code=2)  # fmt: skip
    assert "can be written by others" in said
    assert list(open_to_all.iterdir()) == []


def test_no_store_and_an_empty_store_say_what_to_do(tmp_path):
    assert "no store at" in run("gaps", "--store", tmp_path / "none", code=2)
    (tmp_path / "empty").mkdir(mode=0o700)
    said = run("gaps", "--store", tmp_path / "empty", code=2)
    assert "holds no source yet" in said and "lianjian load LEDGER --source" in said
    assert "holds no version yet" in run("changes", "--store", tmp_path / "empty", code=2)


def test_the_neo4j_store_of_record_without_a_server_is_one_line(store, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    said = run("history", "--neo4j", code=2)
    assert "no Neo4j server given" in said and len(said.strip().splitlines()) == 1


def test_a_ledger_that_cannot_be_read_makes_no_store(tmp_path):
    said = run("load", tmp_path / "missing", "--source", "a", "--as-of", V1, "--store",
               tmp_path / "new", code=2)  # fmt: skip
    assert "no such ledger" in said
    assert not (tmp_path / "new").exists()
