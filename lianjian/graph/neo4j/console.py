"""The Cypher console's guard on Neo4j: only read-only queries run, each bounded in time
and rows.

A query is refused before it reaches the data when:

1. it is empty or holds several statements (a ``;`` outside strings and comments);
2. it uses a clause that reads files, batches writes, switches database or
   administers the server (``LOAD CSV``, ``CALL {…} IN TRANSACTIONS``,
   ``USING PERIODIC COMMIT``, ``USE``, ``SHOW``/``GRANT``/… commands, ``dbms.*``
   procedures), whatever the plan says about them;
3. Neo4j's own plan for it (``EXPLAIN``, which executes nothing) has a query type
   other than ``r`` (read only): any ``CREATE``, ``MERGE``, ``SET``, ``DELETE``,
   ``REMOVE`` or writing procedure gives ``rw``, ``w`` or ``s``.

What passes runs in a session opened in READ access mode (the server refuses a
write there too), with a server-side timeout (``neo4j.Query(text, timeout=…)``),
and only ``limit`` rows are fetched. The driver's nodes, relationships and paths
come back as the plain :class:`~lianjian.graph.store.NodeValue`,
:class:`~lianjian.graph.store.RelValue` and :class:`~lianjian.graph.store.PathValue`.

The guard hides nothing: a read-only query can compute anything from what the database
holds (``reverse(m.name)``). Names are kept out of the database instead, unless it is
loaded with them (:mod:`lianjian.graph.neo4j.personal`), and ``Neo4jStore.console``
refuses a database holding names unless names were asked for; the dashboard's masking
of exact values (:mod:`lianjian.dashboard.console`) is a convenience on top.

"""

from __future__ import annotations

import time
from typing import Any

from neo4j import READ_ACCESS
from neo4j import Query as DriverQuery
from neo4j.exceptions import Neo4jError
from neo4j.graph import Node, Path, Relationship

from lianjian.core.schema import SCHEMA
from lianjian.graph.cypher_text import lexical_check
from lianjian.graph.store import ConsoleResult, NodeValue, PathValue, RefusedQuery, RelValue

__all__ = ["check_read_only", "run_read"]


def check_read_only(driver, database: str, text: str, params: dict | None = None) -> str:
    """Refuse unless ``EXPLAIN`` says the query only reads; returns the statement to run."""
    statement = lexical_check(text)
    try:
        with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
            summary = session.run("EXPLAIN " + statement, params or {}).consume()
    except Neo4jError as e:
        raise RefusedQuery(f"查询有误：{e.message}", f"the query is not valid: {e.message}") from e
    if summary.query_type != "r":
        raise RefusedQuery(
            f"只允许只读查询（此查询类型为 {summary.query_type}）",
            f"only read-only queries may run (this one is of type {summary.query_type})",
        )
    return statement


def run_read(
    driver,
    database: str,
    text: str,
    params: dict | None = None,
    *,
    timeout: float = 10.0,
    limit: int = 1000,
) -> ConsoleResult:
    """Run a checked read-only query in a READ session, at most ``timeout`` s and ``limit`` rows."""
    statement = check_read_only(driver, database, text, params)
    t0 = time.perf_counter()
    with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
        result = session.run(DriverQuery(statement, timeout=timeout), params or {})
        columns = list(result.keys())
        records = result.fetch(limit + 1)
        summary = result.consume()
    rows = [[_plain(v) for v in r.values()] for r in records[:limit]]
    return ConsoleResult(
        columns=columns,
        rows=rows,
        truncated=len(records) > limit,
        query_type=summary.query_type or "r",
        elapsed_ms=(time.perf_counter() - t0) * 1000,
    )


# ---------------------------------------------------------------- helpers


def _plain(value: Any) -> Any:
    """A driver value as plain data: nodes, relationships and paths as the model's values."""
    if isinstance(value, Node):
        return _node(value)
    if isinstance(value, Relationship):
        return _rel(value)
    if isinstance(value, Path):
        return PathValue([_node(n) for n in value.nodes], [_rel(r) for r in value.relationships])
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _node_id(node) -> str:
    return str(node.get("id") or node.element_id) if node is not None else ""


def _node(node) -> NodeValue:
    labels = node.labels
    label = next((lb for lb in labels if lb in SCHEMA.nodes), next(iter(labels), ""))
    return NodeValue(_node_id(node), label, dict(node))


def _rel(r) -> RelValue:
    ends = [_node(n) if n is not None else None for n in (r.start_node, r.end_node)]
    return RelValue(r.type, ends[0], ends[1], r.element_id, dict(r))
