"""The embedded store's graph cache runs no code it did not write: a file is unpickled
only when its HMAC under the local key matches, and only from a folder of the user's
own. Anything else is rebuilt from the ledger with a notice, never a failure."""

from __future__ import annotations

import logging
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from lianjian.core.report import Report
from lianjian.graph.embedded import cache as cache_mod
from lianjian.graph.embedded.cache import KEY_FILE, GraphCache
from lianjian.graph.embedded.compact import parts
from lianjian.graph.embedded.store import EmbeddedStore, cache_key

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(scope="module")
def fresh_checksum() -> str:
    return EmbeddedStore.from_ledger(SAMPLE, use_cache=False).checksum()


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A cache folder of the test's own (not created yet)."""
    d = tmp_path / "cache"
    monkeypatch.setenv("LIANJIAN_CACHE_DIR", str(d))
    return d


@pytest.fixture
def cached_file(folder) -> Path:
    """The sample's cache file, written by a first load."""
    assert not EmbeddedStore.from_ledger(SAMPLE).from_cache
    path = folder / f"{cache_key(SAMPLE)}.pickle"
    assert path.is_file()
    return path


def notices(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def load_again(caplog, fresh_checksum, expect: str) -> EmbeddedStore:
    """Load the sample: rebuilt (right graph, not from the cache), with a notice naming
    ``expect``; the rebuilt cache is then used by the next load."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="lianjian"):
        store = EmbeddedStore.from_ledger(SAMPLE)
    assert not store.from_cache
    assert store.checksum() == fresh_checksum
    said = notices(caplog)
    assert any(expect in s for s in said) and all("\n" not in s for s in said), said
    again = EmbeddedStore.from_ledger(SAMPLE)
    assert again.from_cache and again.checksum() == fresh_checksum
    return store


def wrong_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("P02", label="Org", name="wrong")
    return g


class Plant:
    """Unpickling this creates ``marker``: what a crafted cache file would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_cache_is_used_when_unchanged(cached_file, fresh_checksum, caplog):
    with caplog.at_level(logging.WARNING, logger="lianjian"):
        store = EmbeddedStore.from_ledger(SAMPLE)
    assert store.from_cache and store.checksum() == fresh_checksum
    assert notices(caplog) == []
    assert cached_file.read_bytes().startswith(b"lianjian-cache 2 ")


def test_a_cache_of_the_former_format_is_rebuilt(cached_file, folder, fresh_checksum, caplog):
    """A well-formed, authenticated cache of format 1 (the pickled NetworkX graph) is
    refused by its header, never unpickled."""
    cache = GraphCache.open(folder)
    payload = pickle.dumps((*parts(wrong_graph()), Report()))
    header = cache._header(cache_key(SAMPLE), len(payload)).replace(
        b"lianjian-cache 2 ", b"lianjian-cache 1 "
    )
    tag = cache._tag(header, payload).encode()
    cached_file.write_bytes(header + b" " + tag + b"\n" + payload)
    load_again(caplog, fresh_checksum, "is not a lianjian cache of this version")


def test_a_crafted_pickle_is_not_run(cached_file, tmp_path, fresh_checksum, caplog):
    """A plain pickle (the old format, or anyone's file) is never unpickled."""
    marker = tmp_path / "ran"
    cached_file.write_bytes(pickle.dumps(Plant(marker)))
    load_again(caplog, fresh_checksum, "is not a lianjian cache")
    assert not marker.exists()


def test_a_crafted_pickle_behind_a_copied_header_is_not_run(
    cached_file, tmp_path, fresh_checksum, caplog
):
    """The header copied from a real cache file, the right length, a forged tag."""
    marker = tmp_path / "ran"
    payload = pickle.dumps(Plant(marker))
    header = cached_file.read_bytes().split(b"\n", 1)[0].split(b" ")
    header[4] = str(len(payload)).encode()
    header[5] = b"0" * 64
    cached_file.write_bytes(b" ".join(header) + b"\n" + payload)
    load_again(caplog, fresh_checksum, "has been altered")
    assert not marker.exists()


def test_a_tampered_byte_is_noticed(cached_file, fresh_checksum, caplog):
    """A name changed in place (still a valid pickle): the HMAC alone tells."""
    name = EmbeddedStore.from_ledger(SAMPLE).graph.nodes["P02"]["name"].encode()
    data = cached_file.read_bytes()
    assert data.count(name) >= 1
    cached_file.write_bytes(data.replace(name, b"X" * len(name), 1))
    load_again(caplog, fresh_checksum, "has been altered")


def test_a_truncated_file_is_noticed(cached_file, fresh_checksum, caplog):
    data = cached_file.read_bytes()
    cached_file.write_bytes(data[: len(data) // 2])
    load_again(caplog, fresh_checksum, "is truncated")


def test_a_file_of_only_part_of_a_header_is_noticed(cached_file, fresh_checksum, caplog):
    cached_file.write_bytes(cached_file.read_bytes()[:20])
    load_again(caplog, fresh_checksum, "is not a lianjian cache")


def test_a_cache_under_a_foreign_key_is_not_read(cached_file, folder, fresh_checksum, caplog):
    """A well-formed cache of a wrong graph, written with another key."""
    GraphCache(folder, b"k" * 32).save(cache_key(SAMPLE), (*parts(wrong_graph()), Report()))
    load_again(caplog, fresh_checksum, "was written with another key")


def test_a_cache_of_another_ledger_is_not_read(cached_file, folder, fresh_checksum, caplog):
    """A good cache of another ledger renamed to this ledger's name (stale) is rebuilt."""
    cache = GraphCache.open(folder)
    cache.save("0" * 64, (*parts(wrong_graph()), Report()))
    cache.path("0" * 64).replace(cached_file)
    load_again(caplog, fresh_checksum, "belongs to another ledger")


def test_the_key_file_is_0600_and_the_folder_0700(folder):
    old = os.umask(0)  # the modes must not depend on the user's umask
    try:
        EmbeddedStore.from_ledger(SAMPLE)
    finally:
        os.umask(old)
    key = folder / KEY_FILE
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) == 32
    assert [stat.S_IMODE(p.stat().st_mode) for p in folder.glob("*.pickle")] == [0o600]


def test_an_existing_folder_is_made_0700(folder):
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    EmbeddedStore.from_ledger(SAMPLE)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_key_others_can_read_is_replaced(cached_file, folder, fresh_checksum, caplog):
    key = folder / KEY_FILE
    before = key.read_bytes()
    os.chmod(key, 0o644)
    load_again(caplog, fresh_checksum, "was not a private key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.read_bytes() != before


def test_a_key_of_the_wrong_size_is_replaced(cached_file, folder, fresh_checksum, caplog):
    (folder / KEY_FILE).write_bytes(b"short")
    load_again(caplog, fresh_checksum, "was not a private key")
    assert len((folder / KEY_FILE).read_bytes()) == 32


def planted(folder: Path, marker: Path) -> Path:
    """A cache folder others can write, holding a crafted file for the sample."""
    folder.mkdir()
    os.chmod(folder, 0o777)
    path = folder / f"{cache_key(SAMPLE)}.pickle"
    path.write_bytes(pickle.dumps(Plant(marker)))
    return path


def test_a_world_writable_folder_is_not_used(folder, tmp_path, fresh_checksum, caplog):
    marker = tmp_path / "ran"
    planted(folder, marker)
    with caplog.at_level(logging.WARNING, logger="lianjian"):
        store = EmbeddedStore.from_ledger(SAMPLE)
    assert store.checksum() == fresh_checksum and not store.from_cache
    assert not marker.exists()
    (said,) = notices(caplog)
    assert str(folder) in said and "can be written by others (mode 0777)" in said
    assert "\n" not in said
    assert sorted(p.name for p in folder.iterdir()) == [f"{cache_key(SAMPLE)}.pickle"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777  # left as it is: not ours to fix


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_folder_of_another_user_is_not_used(folder, fresh_checksum, caplog):
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with caplog.at_level(logging.WARNING, logger="lianjian"):
        store = EmbeddedStore.from_ledger(SAMPLE)
    assert store.checksum() == fresh_checksum and not store.from_cache
    (said,) = notices(caplog)
    assert "belongs to another user (uid 65534)" in said
    assert list(folder.iterdir()) == []


def test_the_command_says_one_line_and_works(folder, tmp_path):
    """End to end: the notice is one line on stderr, the output is unchanged, exit 0."""
    marker = tmp_path / "ran"
    planted(folder, marker)
    env = {**os.environ, "LIANJIAN_CACHE_DIR": str(folder)}
    cmd = [sys.executable, "-m", "lianjian.cli", "stats", str(SAMPLE), "--format", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    good = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env={**env, "LIANJIAN_CACHE_DIR": str(tmp_path / "own")},
        timeout=300,
    )
    assert done.returncode == 0 and good.returncode == 0, done.stderr
    assert done.stdout == good.stdout and '"nodes"' in done.stdout
    assert not marker.exists()
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"the cache folder {folder} can be written by others" in lines[0]
    assert "Traceback" not in done.stderr and good.stderr == ""


def test_an_authenticated_file_of_the_wrong_shape_is_rebuilt(
    cached_file, folder, fresh_checksum, caplog
):
    """Even a file with a good HMAC is checked for shape before it is used."""
    GraphCache.open(folder).save(cache_key(SAMPLE), ("not a graph", 1))
    load_again(caplog, fresh_checksum, "does not hold a graph")


def test_a_cache_that_cannot_be_written_is_only_slower(folder, monkeypatch, fresh_checksum):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache_mod.tempfile, "mkstemp", refuse)
    store = EmbeddedStore.from_ledger(SAMPLE)
    assert store.checksum() == fresh_checksum
    assert list(folder.glob("*.pickle")) == []


def test_an_authenticated_file_that_cannot_be_unpickled_is_rebuilt(
    cached_file, folder, fresh_checksum, caplog
):
    """A good HMAC over bytes that are no pickle (e.g. of an older graph class)."""
    cache = GraphCache.open(folder)
    payload = b"\x80\x05not a pickle"
    header = cache._header(cache_key(SAMPLE), len(payload))
    tag = cache._tag(header, payload).encode()
    cached_file.write_bytes(header + b" " + tag + b"\n" + payload)
    load_again(caplog, fresh_checksum, "cannot be unpickled")


def test_only_the_newest_graphs_are_kept(folder):
    """One entry per ledger version and per day, gigabytes each at province scale: the
    oldest go when a new one is written."""
    cache = GraphCache.open(folder)
    for i in range(cache_mod.KEEP + 3):
        cache.save(f"v{i}", (*parts(wrong_graph()), Report()))
        os.utime(cache.path(f"v{i}"), (1_000_000 + i, 1_000_000 + i))
    kept = sorted(p.name for p in folder.glob("*.pickle"))
    assert kept == sorted(f"v{i}.pickle" for i in range(3, cache_mod.KEEP + 3))
    assert cache.load(f"v{cache_mod.KEEP + 2}", (dict, dict, dict, Report)) is not None
