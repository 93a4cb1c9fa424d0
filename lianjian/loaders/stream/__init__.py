"""The streaming load: a ledger read, checked and resolved in chunks of rows against an
index on disk (:mod:`.spill`), so the Python process does not hold the ledger's model
(docs/scale.md, "Streaming the ledger"). What it does not handle yet it says, in one
line (:class:`NotStreamable`), before anything is written.
"""

from lianjian.loaders.stream.load import NotStreamable, Streamed, stream_ledger

__all__ = ["NotStreamable", "Streamed", "stream_ledger"]
