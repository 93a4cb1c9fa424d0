"""The embedded store of record: a folder of the user's (0700, owner checked, see
:mod:`lianjian.graph.embedded.folder`) holding, as JSON (never pickles: nothing read
from it runs code)::

    record.json            {"store": "lianjian", "format", "sources", "versions",
                            "findings", "coverage"}
    sources/<hash>.json    one source's latest entities and links, named by content
    sources/<hash>.hashes.json   their content hashes (what the next load's diff reads)
    lock                   held (flock) by the one load writing the store

A load writes its source file under a new name, then ``record.json`` to a temporary
file, then renames it into place: the rename is the commit. A load killed before it
leaves the previous version as it was (a stray source file is removed by the next
load). Readers never take the lock: they read one ``record.json`` or the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lianjian.core.model import Edge, GraphData
from lianjian.graph.embedded.folder import private_folder, shown
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.versions import (
    FORMAT,
    Conflict,
    Content,
    Finding,
    SourceInfo,
    StoreBusy,
    StoreFormatError,
    Version,
    content_of,
    union,
)

__all__ = ["EmbeddedRecord", "store_dir"]

RECORD = "record.json"
MARK = "lianjian"


def store_dir() -> Path:
    """The default store: ``$LIANJIAN_STORE_DIR``, else ``store`` in the user's data
    folder (``$XDG_DATA_HOME/lianjian``, ``~/.local/share/lianjian``)."""
    env = os.environ.get("LIANJIAN_STORE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "lianjian" / "store"


def _empty() -> dict[str, Any]:
    return {"store": MARK, "format": FORMAT, "sources": {}, "versions": [],
            "findings": [], "coverage": []}  # fmt: skip


def _write_atomic(path: Path, data: bytes) -> None:
    """``data`` into a temporary file (0600) beside ``path``, flushed, then renamed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _graph_json(data: GraphData) -> dict[str, Any]:
    return {
        "nodes": {i: [label, props] for i, (label, props) in data.nodes.items()},
        "edges": [[e.type, e.source, e.target, e.key, e.props] for e in data.edges],
    }


def _graph_of(value: dict[str, Any]) -> GraphData:
    nodes = {i: (label, props) for i, (label, props) in value["nodes"].items()}
    return GraphData(nodes, [Edge(*e) for e in value["edges"]])


class EmbeddedRecord:
    """The store of record in a folder (see the module docstring)."""

    name = "embedded"

    def __init__(self, directory: Path, record: dict[str, Any]) -> None:
        self.directory = directory
        self.location = shown(directory)
        self._record = record
        self._graphs: dict[str, GraphData] = {}

    @classmethod
    def open(cls, directory: Path | None = None, create: bool = False) -> EmbeddedRecord:
        """The store in ``directory`` (default :func:`store_dir`); made (0700) with
        ``create``. ``StoreFormatError`` for a folder that is not a store of this format,
        ``ValueError`` for one that is not the user's own or does not exist."""
        directory = directory if directory is not None else store_dir()
        where = shown(directory)
        if not directory.exists() and not create:
            raise ValueError(
                f"no store at {where}; load a ledger into it first: "
                "lianjian load LEDGER --source NAME --as-of DATE"
            )
        try:
            problem = private_folder(directory)
        except OSError as e:
            raise ValueError(f"the store {where} cannot be made: {e.strerror or e}") from None
        if problem:
            raise ValueError(f"the store folder {where} {problem}: use a folder of your own")
        return cls(directory, cls._read(directory))

    @staticmethod
    def _read(directory: Path) -> dict[str, Any]:
        path = directory / RECORD
        where = shown(directory)
        try:
            record = json.loads(path.read_bytes())
        except FileNotFoundError:
            if any(
                p
                for p in directory.iterdir()
                if p.name not in ("lock", "sources") and not p.name.startswith(".tmp-")
            ):
                raise StoreFormatError(
                    f"{where} is not a lianjian store (it holds other files); give another "
                    "folder with --store"
                ) from None
            return _empty()
        except (OSError, ValueError) as e:
            raise StoreFormatError(f"the store {where} cannot be read: {e}") from None
        if not isinstance(record, dict) or record.get("store") != MARK:
            raise StoreFormatError(f"{where} is not a lianjian store")
        fmt = record.get("format")
        if not isinstance(fmt, int) or fmt > FORMAT:
            raise StoreFormatError(
                f"the store {where} has format {fmt}, newer than this lianjian reads "
                f"(format {FORMAT}): use a newer lianjian"
            )
        return record

    # ------------------------------------------------------------ reads

    def sources(self) -> dict[str, SourceInfo]:
        return {
            name: SourceInfo(name, s["as_of"], s["version"])
            for name, s in self._record["sources"].items()
        }

    def versions(self) -> list[Version]:
        return [Version(**v) for v in self._record["versions"]]

    def findings(self) -> list[Finding]:
        return [Finding(**f) for f in self._record["findings"]]

    def coverage_rows(self) -> list[dict[str, Any]]:
        return list(self._record["coverage"])

    def _source_file(self, source: str, read):
        """``read`` of the source's parsed graph file; a damaged file is a one-line error."""
        path = self.directory / "sources" / self._record["sources"][source]["file"]
        try:
            return read(json.loads(path.read_bytes()))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise StoreFormatError(
                f"the store {self.location} is damaged: source {source!r} ({e})"
            ) from None

    def _source_graph(self, source: str) -> GraphData:
        if source not in self._graphs:
            if source not in self._record["sources"]:
                return GraphData()
            self._graphs[source] = self._source_file(source, _graph_of)
        return self._graphs[source]

    def content(self, source: str) -> Content:
        """The source's hashes from its hashes file (the graph's file is read only for the
        properties of the entities whose hash differs); hashed again for a store without."""
        entry = self._record["sources"].get(source)
        if entry is None:
            return Content()
        path = self.directory / "sources" / _hashes_name(entry["file"])
        try:
            value = json.loads(path.read_bytes())
        except FileNotFoundError:
            return content_of(self._source_graph(source))
        except (OSError, ValueError) as e:
            raise StoreFormatError(
                f"the store {self.location} is damaged: source {source!r} ({e})"
            ) from None
        return _FileContent(
            {i: h for i, (_, h) in value["entities"].items()},
            {(t, s, d, k): h for t, s, d, k, h in value["links"]},
            {},
            {i: label for i, (label, _) in value["entities"].items()},
            lambda: self._source_nodes(source),
        )

    def _source_nodes(self, source: str) -> dict[str, Any]:
        """The source's entities ``{id: [label, props]}``: the graph's file read without
        building its links (the diff needs the properties of a few entities only)."""
        if source in self._graphs:
            return self._graphs[source].nodes
        return self._source_file(source, lambda value: value["nodes"])

    def _union(self, replace: tuple[str, GraphData] | None = None):
        names = list(self._record["sources"])
        if replace is not None and replace[0] not in names:
            names.append(replace[0])
        parts = [
            (n, replace[1] if replace is not None and n == replace[0] else self._source_graph(n))
            for n in names
        ]
        return union(parts)

    def graph(self) -> tuple[EmbeddedStore, list[Conflict]]:
        if not self._record["sources"]:
            raise ValueError(
                f"the store {self.location} holds no source yet; load one: "
                "lianjian load LEDGER --source NAME --as-of DATE"
            )
        data, conflicts = self._union()
        store = EmbeddedStore()
        store.write(data)
        return store, conflicts

    # ------------------------------------------------------------ writes

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """The store's lock for one load; :class:`StoreBusy` at once when another holds it.
        The record is read again under the lock (another load may just have committed)."""
        fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreBusy(
                    f"the store {self.location} is being written by another load; "
                    "run this one when it has finished"
                ) from None
            self._record, self._graphs = self._read(self.directory), {}
            for stale in self.directory.glob(".tmp-*"):  # left by a load that was killed
                stale.unlink(missing_ok=True)
            yield
        finally:
            os.close(fd)  # releases the lock

    def stage(self, source: str, data: GraphData) -> _Staged:
        merged, conflicts = self._union((source, data))
        store = EmbeddedStore()
        store.write(merged)
        return _Staged(store, conflicts, self, source, data)

    def _commit(self, staged: _Staged, version: Version, opened, closed, coverage) -> None:
        folder = self.directory / "sources"
        folder.mkdir(mode=0o700, exist_ok=True)
        payload = _dump(_graph_json(staged.data))
        name = hashlib.sha256(payload).hexdigest()[:32] + ".json"
        if not (folder / name).exists():
            _write_atomic(folder / name, payload)
        now = content_of(staged.data)
        hashes = {
            "entities": {i: [staged.data.nodes[i][0], h] for i, h in now.entities.items()},
            "links": [[*k, h] for k, h in now.links.items()],
        }
        _write_atomic(folder / _hashes_name(name), _dump(hashes))
        record = json.loads(_dump(self._record))  # a copy: the old one stays if this fails
        record["sources"][staged.source] = {
            "file": name,
            "as_of": version.as_of,  # the last loaded (with --backfill, an older date)
            "version": version.version,
            "fingerprint": version.fingerprint,
        }
        record["versions"].append(version.to_dict())
        shut = set(closed)
        for f in record["findings"]:
            if f["closed_at"] is None and (f["rule"], f["id"]) in shut:
                f["closed_at"], f["closed_on"] = version.version, version.as_of
        record["findings"] += [asdict(f) for f in opened]
        record["coverage"] += coverage
        _write_atomic(self.directory / RECORD, _dump(record))
        self._record = record
        self._graphs[staged.source] = staged.data
        self._prune(folder)

    def _prune(self, folder: Path) -> None:
        kept = {s["file"] for s in self._record["sources"].values()}
        kept |= {_hashes_name(name) for name in kept}
        for p in folder.iterdir():
            if p.name not in kept:
                with contextlib.suppress(OSError):
                    p.unlink()

    def close(self) -> None:
        self._graphs = {}


def _hashes_name(graph_file: str) -> str:
    return graph_file.removesuffix(".json") + ".hashes.json"


class _FileContent(Content):
    """Hashes read from a source's hashes file; properties from its graph file, read
    only when an entity's hash differs."""

    def __init__(self, entities, links, props, labels, nodes) -> None:
        super().__init__(entities, links, props, labels)
        self._nodes = nodes

    def props_of(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        nodes = self._nodes() if ids else {}
        return {i: nodes[i][1] for i in ids if i in nodes}


@dataclass
class _Staged:
    graph: EmbeddedStore
    conflicts: list[Conflict]
    record: EmbeddedRecord
    source: str
    data: GraphData

    def commit(
        self,
        version: Version,
        opened: list[Finding],
        closed: Sequence[tuple[str, str]],
        coverage: list[dict[str, Any]],
    ) -> None:
        self.record._commit(self, version, opened, closed, coverage)
