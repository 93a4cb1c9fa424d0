"""A read query's rows as one list.

The driver handles each record as a Bolt message of its own, which costs more than the
server's work for a rule that flags many entities (a list of 22,000 rows came in about
a third of the time of 22,000 records), so a query is run as
``CALL () { query } RETURN collect([columns]) AS rows``. The columns are the query's
own, asked of the server once per query text (``EXPLAIN``, which plans and runs
nothing). A list too large for the server's transaction memory pool is read again as
records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from neo4j.exceptions import Neo4jError

__all__ = ["rows_of"]


def rows_of(
    read: Callable[..., list],
    driver,
    database: str,
    cypher: str,
    params: Mapping[str, Any],
    columns: dict[str, tuple[str, ...]],
) -> list[dict[str, Any]]:
    """The rows of ``cypher`` as dicts, read with ``read(cypher, **params)`` (the store's
    own reader: a load's transaction reads what it has staged); the columns planned on
    ``driver`` (a query's columns do not depend on the data); ``columns``: the known
    columns by query text (filled here)."""
    keys = columns.get(cypher)
    if keys is None:
        with driver.session(database=database, default_access_mode="READ") as s:
            planned = s.run("EXPLAIN " + cypher, params)
            keys = columns[cypher] = tuple(planned.keys())
            planned.consume()
    listed = ", ".join(f"`{k}`" for k in keys)
    wrapped = f"CALL () {{\n{cypher.rstrip().rstrip(';')}\n}}\nRETURN collect([{listed}]) AS rows"
    try:
        (record,) = read(wrapped, **params)
    except Neo4jError as e:  # one list too large for the server's memory pool: stream it
        if "MemoryPool" not in (e.code or ""):
            raise
        return [dict(r) for r in read(cypher, **params)]
    return [dict(zip(keys, row, strict=True)) for row in record["rows"]]
