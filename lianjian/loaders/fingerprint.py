"""A content fingerprint of a ledger: what the embedded cache and Neo4j's ledger marker
compare to know whether a ledger changed since it was last loaded. The day is not part
of it: a Neo4j database keeps the report of the day it was loaded (the embedded cache
adds the day to its key, as some of the schema's bounds are relative to it)."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from lianjian import __version__
from lianjian.loaders.files import ledger_files, unread_entries

__all__ = ["ledger_fingerprint"]


def ledger_fingerprint(path: Path) -> str:
    """SHA-256 over the ledger's file names and bytes, the names of the folder's entries
    that are not read, the schema and the package version."""
    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(resources.files("lianjian.core").joinpath("schema.yaml").read_bytes())
    for module in sorted(Path(__file__).parent.glob("*.py")):  # the loader's own code
        h.update(module.read_bytes())
    for f in ledger_files(Path(path)):
        h.update(f.name.encode("utf-8", "surrogateescape") + b"\0")
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    for entry in unread_entries(Path(path)):  # reported by name: a new one changes the report
        h.update(b"unread\0" + entry.name.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()
