"""The embedded store's graph cache: a pickle that is authenticated before it is read.

Unpickling runs code named in the file, so a cache is read only when it is known to
be ours: the folder must belong to the user and be writable by no one else, and each
file carries an HMAC-SHA256 of its bytes under a key kept in that folder (32 random
bytes, mode 0600, created atomically). A cache that is damaged, altered, written with
another key, of another format or for another ledger is not unpickled: the graph is
rebuilt with a notice (a warning on the ``lianjian`` logger), never a failure. A folder
that belongs to another user or that others can write is not used at all.

File layout: one ASCII header line, then the pickle::

    lianjian-cache 2 <fingerprint> <key id> <pickle length> <hmac>\\n<pickle>

The HMAC covers the header up to the tag and the pickle; the key id (a hash of the
key) and the length only make the notice say which check failed. The pickle is written
to a temporary file first (its length and HMAC are known only then), so a graph of
gigabytes is never held a second time as bytes. Format 2 holds the embedded graph as
its three dicts and the report (:func:`lianjian.graph.embedded.compact.parts`); a file
of format 1 (the NetworkX object) is refused by its header and rebuilt.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lianjian.core.bulk import paused_gc
from lianjian.graph.embedded.folder import owner_ok as _owner_ok
from lianjian.graph.embedded.folder import private_folder
from lianjian.graph.embedded.folder import shown as _shown

__all__ = ["GraphCache", "cache_dir"]

log = logging.getLogger(__name__)

MAGIC = "lianjian-cache 2"  # 2: the graph as its three dicts (see EmbeddedStore.from_ledger)
KEY_FILE = "cache.key"
KEY_BYTES = 32
MAX_HEADER = 512
CHUNK = 1 << 20  # bytes read at a time when a cache is written


def cache_dir() -> Path:
    """Where cached graphs live: ``$LIANJIAN_CACHE_DIR`` or the user's cache folder."""
    env = os.environ.get("LIANJIAN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lianjian"


def _new_key(path: Path) -> bytes:
    """Create the key file: written in full under a temporary name, then linked into
    place, so no reader ever sees a partial key and two processes agree on one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
    finally:
        os.unlink(tmp)
    return _read_key(path, retry=False)


def _read_key(path: Path, retry: bool = True) -> bytes:
    """The cache key; one that is not a private file of the user's is replaced."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        if not retry:
            raise
        return _new_key(path)
    except OSError:  # a symlink in the key's place
        fd = None
    key = b""
    if fd is not None:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISREG(st.st_mode) and _owner_ok(st) and not st.st_mode & 0o077:
                key = fh.read(KEY_BYTES + 1)
    if len(key) == KEY_BYTES:
        return key
    if not retry:
        raise OSError(f"the cache key {_shown(path)} cannot be made")
    log.warning(
        "the cache key %s was not a private key of yours: replaced by a new one", _shown(path)
    )
    path.unlink()
    return _new_key(path)


KEEP = 4  # cached graphs kept (the newest)


class GraphCache:
    """Cached graphs in one folder that belongs to the user, under one key."""

    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self.key = key
        self.key_id = hashlib.sha256(b"lianjian cache key id\0" + key).hexdigest()[:16]

    @classmethod
    def open(cls, directory: Path | None = None) -> GraphCache | None:
        """The cache in ``directory`` (default :func:`cache_dir`), created 0700; None,
        with a one-line warning, when the folder is not safe to read code from."""
        directory = directory if directory is not None else cache_dir()
        try:
            problem = private_folder(directory)  # 0700: the graph holds personal data
            if problem is None:
                return cls(directory, _read_key(directory / KEY_FILE))
        except OSError as e:
            log.info("no graph cache in %s: %s", _shown(directory), e.strerror or e)
            return None  # no cache is only slower
        log.warning(
            "the cache folder %s %s: not used (the ledger is read every time); "
            "use a folder of your own with mode 700, or set LIANJIAN_CACHE_DIR",
            _shown(directory),
            problem,
        )
        return None

    def path(self, fingerprint: str) -> Path:
        return self.directory / f"{fingerprint}.pickle"

    def _header(self, fingerprint: str, length: int) -> bytes:
        return f"{MAGIC} {fingerprint} {self.key_id} {length}".encode("ascii")

    def _tag(self, header: bytes, payload: bytes | memoryview | Iterable[bytes]) -> str:
        """The HMAC of the header (up to the tag) and the payload (or its pieces)."""
        mac = hmac.new(self.key, header + b"\n", hashlib.sha256)
        for piece in (payload,) if isinstance(payload, bytes | memoryview) else payload:
            mac.update(piece)
        return mac.hexdigest()

    def load(self, fingerprint: str, types: tuple[type, ...]) -> tuple[Any, ...] | None:
        """The tuple cached for ``fingerprint`` (its items of ``types``), or None: nothing
        cached, or a cache that fails a check (then with a notice)."""
        path = self.path(fingerprint)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            log.warning("the cached graph %s cannot be read (%s): rebuilt", _shown(path), e)
            return None
        problem, value = self._check(data, fingerprint, types)
        if problem:
            log.warning("the cached graph %s %s: not used, rebuilt", _shown(path), problem)
            return None
        return value

    def _check(self, data: bytes, fingerprint: str, types: tuple[type, ...]):
        """(what is wrong, None) or (None, the cached tuple)."""
        end = data.find(b"\n", 0, MAX_HEADER)
        fields = data[:end].split(b" ") if end > 0 else []
        if len(fields) != 6 or b" ".join(fields[:2]).decode("ascii", "replace") != MAGIC:
            return "is not a lianjian cache of this version", None
        name, key_id, length, tag = (f.decode("ascii", "replace") for f in fields[2:])
        payload = memoryview(data)[end + 1 :]
        if name != fingerprint:
            return "belongs to another ledger", None
        if key_id != self.key_id:
            return "was written with another key", None
        if length != str(len(payload)):
            return f"is truncated ({len(payload)} of {length} bytes)", None
        if not hmac.compare_digest(tag, self._tag(data[: end - len(tag) - 1], payload)):
            return "has been altered (its HMAC does not match)", None
        try:
            with paused_gc():
                value = pickle.loads(payload)
        except Exception as e:  # authenticated but unreadable: an older graph class
            return f"cannot be unpickled ({type(e).__name__})", None
        if not (
            isinstance(value, tuple)
            and len(value) == len(types)
            and all(isinstance(v, t) for v, t in zip(value, types, strict=True))
        ):
            return "does not hold a graph of this version", None
        return None, value

    def save(self, fingerprint: str, value: tuple[Any, ...]) -> None:
        """Write ``value`` for ``fingerprint``: pickled into a temporary file (0600)
        without holding the pickle in memory, authenticated, then renamed into place."""
        try:
            with tempfile.TemporaryFile(dir=self.directory) as body:
                with paused_gc():
                    pickle.dump(value, body, protocol=pickle.HIGHEST_PROTOCOL)
                length = body.tell()
                header = self._header(fingerprint, length)
                body.seek(0)
                tag = self._tag(header, iter(lambda: body.read(CHUNK), b""))
                fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(header + b" " + tag.encode("ascii") + b"\n")
                        body.seek(0)
                        shutil.copyfileobj(body, fh, CHUNK)
                    os.replace(tmp, self.path(fingerprint))
                except BaseException:
                    os.unlink(tmp)
                    raise
        except OSError as e:
            log.info("the graph was not cached: %s", e.strerror or e)  # only slower next time
            return
        self.prune()

    def prune(self, keep: int = KEEP) -> None:
        """Remove all but the ``keep`` most recently written graphs: a cache entry is per
        ledger version and per day, and at province scale one is gigabytes."""
        try:
            entries = sorted(
                self.directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in entries[keep:]:
                old.unlink()
        except OSError as e:  # another process pruning too, or a file just replaced
            log.info("old cached graphs not all removed: %s", e.strerror or e)
