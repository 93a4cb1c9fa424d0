"""The audit log: one JSON line per view or download that showed names (PIPL art. 51, 55).

Append-only: the file (``$LIANJIAN_AUDIT_LOG``, default
``~/.local/state/lianjian/audit.jsonl``) is created 0600 and only ever opened with
``O_APPEND``; each entry is one ``write`` under an exclusive lock, then ``fsync``.
Each entry holds the SHA-256 of the line before it (``prev``), so a line changed,
removed or inserted later breaks the chain (:func:`verify`). The dashboard writes
only through :func:`append`; reading is ``lianjian audit``, for admins.

Entry fields: ``at`` (UTC, ISO 8601), ``user``, ``role``, ``scope`` (region id or
``*``), ``what`` (``page`` or ``download``), ``item`` (page or file name), ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["audit_path", "append", "entries", "verify", "GENESIS"]

ENV_AUDIT = "LIANJIAN_AUDIT_LOG"
GENESIS = "0" * 64


def audit_path() -> Path:
    env = os.environ.get(ENV_AUDIT)
    return Path(env) if env else Path.home() / ".local" / "state" / "lianjian" / "audit.jsonl"


def _digest(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def _last_line(fd: int) -> bytes | None:
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    chunk, start = b"", size
    while b"\n" not in chunk.rstrip(b"\n") and start > 0:
        start = max(0, start - 4096)
        chunk = os.pread(fd, size - start, start)
    return chunk.rstrip(b"\n").rsplit(b"\n", 1)[-1]


def append(entry: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    """Add one entry (``at`` and ``prev`` are filled in) and return it as written."""
    path = path or audit_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        rfd = os.open(path, os.O_RDONLY)
        try:
            last = _last_line(rfd)
        finally:
            os.close(rfd)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        full = {"at": now, **entry, "prev": GENESIS if last is None else _digest(last)}
        line = json.dumps(full, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        os.write(fd, line)
        os.fsync(fd)
        return full
    finally:
        os.close(fd)  # closing releases the lock


def entries(path: Path | None = None) -> list[dict[str, Any]]:
    """Every entry, oldest first ([] when there is no log)."""
    path = path or audit_path()
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_bytes().splitlines() if x.strip()]


def verify(path: Path | None = None) -> int | None:
    """The 1-based number of the first line whose ``prev`` does not match the line
    before it (the log was altered there), or None when the chain holds."""
    path = path or audit_path()
    prev = GENESIS
    if not path.exists():
        return None
    for n, line in enumerate(path.read_bytes().splitlines(), 1):
        try:
            if json.loads(line).get("prev") != prev:
                return n
        except ValueError:
            return n
        prev = _digest(line)
    return None
