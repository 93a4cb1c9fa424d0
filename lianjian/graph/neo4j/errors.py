"""The driver's errors as one line a user can act on."""

from __future__ import annotations

from neo4j.exceptions import (
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

__all__ = ["driver_error_message"]


def driver_error_message(e: BaseException) -> str | None:
    """One line for a driver error (no server, wrong password, lost connection), else None."""
    if not isinstance(e, (Neo4jError, DriverError)):
        return None
    message = " ".join(str(getattr(e, "message", None) or e).split())  # one line
    what = f"{e.__class__.__name__}: {message}"
    if isinstance(e, (ServiceUnavailable, SessionExpired, IncompleteCommit)):
        return (
            f"Neo4j: the server cannot be reached or went away ({what}); once it answers, run "
            "the command again (loading a ledger again leaves the same graph)"
        )
    if "MemoryPoolOutOfMemoryError" in (getattr(e, "code", None) or ""):
        return (
            f"Neo4j: the server's transaction memory ran out ({what}); give the server a "
            "larger heap (LIANJIAN_NEO4J_HEAP for the project's own server; on another, "
            "server.memory.heap.max_size and db.memory.transaction.total.max). A version "
            "of the store of record after the first is one transaction: it holds the "
            "version's changes"
        )
    return f"Neo4j: {what}"
