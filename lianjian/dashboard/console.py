"""The Cypher console's guard: only read-only queries run, each bounded in time and rows.

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
and only ``limit`` rows are fetched. Results are made safe to show: member
nodes pseudonymised and member names masked unless names were asked for.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.model import Edge
from lianjian.core.privacy import member_label
from lianjian.core.schema import SCHEMA
from lianjian.dashboard.display import public_props
from lianjian.dashboard.subgraph import Subgraph

__all__ = [
    "RefusedQuery",
    "ConsoleResult",
    "lexical_check",
    "check_read_only",
    "run_read",
    "to_subgraph",
    "safe_value",
    "parameter_names",
]

_ADMIN = re.compile(
    r"^\s*(SHOW|GRANT|DENY|REVOKE|ALTER|START|STOP|TERMINATE|CREATE|DROP|RENAME|ENABLE|DEALLOCATE|REALLOCATE|DRYRUN)\b",
    re.IGNORECASE,
)
_FORBIDDEN = (
    (re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE), "LOAD CSV 读取文件", "LOAD CSV reads files"),
    (
        re.compile(r"\bIN\s+(?:\d+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS\b", re.IGNORECASE),
        "CALL {…} IN TRANSACTIONS 分批写入",
        "CALL {…} IN TRANSACTIONS batches writes",
    ),
    (re.compile(r"\bPERIODIC\s+COMMIT\b", re.IGNORECASE), "PERIODIC COMMIT", "PERIODIC COMMIT"),
    (re.compile(r"(^|\{)\s*USE\s", re.IGNORECASE), "USE 切换数据库", "USE switches database"),
    (re.compile(r"\bdbms\s*\.", re.IGNORECASE), "dbms.* 管理过程", "dbms.* administration"),
)


class RefusedQuery(ValueError):
    """The console will not run this query; ``reason_zh``/``reason_en`` say why."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@dataclass
class ConsoleResult:
    columns: list[str]
    rows: list[list[Any]]  # raw driver values (nodes, relationships, paths, scalars)
    truncated: bool
    query_type: str
    elapsed_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


def lexical_check(text: str) -> str:
    """The one statement in ``text`` (a trailing ``;`` dropped), or :class:`RefusedQuery`."""
    code = _code_only(text).rstrip()
    stripped = text.rstrip()
    if code.endswith(";"):
        code = code[:-1].rstrip()
        stripped = stripped[: stripped.rfind(";")].rstrip()
    if not code.strip():
        raise RefusedQuery("查询为空", "the query is empty")
    if ";" in code:
        raise RefusedQuery("一次只能运行一条语句", "only one statement at a time")
    if _ADMIN.match(code):
        raise RefusedQuery(
            "不能在此运行管理或写入命令", "administration and write commands are refused"
        )
    for pattern, zh, en in _FORBIDDEN:
        if pattern.search(code):
            raise RefusedQuery(f"不允许：{zh}", f"not allowed: {en}")
    return stripped


def check_read_only(driver, database: str, text: str, params: dict | None = None) -> str:
    """Refuse unless ``EXPLAIN`` says the query only reads; returns the statement to run."""
    # deferred: the driver takes most of a second to import; only the Neo4j backend needs it
    from neo4j import READ_ACCESS
    from neo4j.exceptions import Neo4jError

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
    from neo4j import READ_ACCESS, Query  # deferred, as in check_read_only

    statement = check_read_only(driver, database, text, params)
    t0 = time.perf_counter()
    with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
        result = session.run(Query(statement, timeout=timeout), params or {})
        columns = list(result.keys())
        records = result.fetch(limit + 1)
        summary = result.consume()
    rows = [list(r.values()) for r in records[:limit]]
    return ConsoleResult(
        columns=columns,
        rows=rows,
        truncated=len(records) > limit,
        query_type=summary.query_type or "r",
        elapsed_ms=(time.perf_counter() - t0) * 1000,
    )


def parameter_names(text: str) -> list[str]:
    """The ``$names`` a query expects, in order of first use (strings and comments skipped)."""
    return list(dict.fromkeys(re.findall(r"\$([A-Za-z_]\w*)", _code_only(text))))


def safe_value(value: Any, with_names: bool = False, member_names: frozenset = frozenset()) -> Any:
    """A result value as plain data fit to show: member nodes and names pseudonymised."""
    from neo4j.graph import Node, Path, Relationship  # deferred, as in check_read_only

    if isinstance(value, Node):
        return _node_dict(value, with_names)
    if isinstance(value, Relationship):
        return {"type": value.type, **dict(value)}
    if isinstance(value, Path):
        return [safe_value(n, with_names, member_names) for n in value.nodes]
    if isinstance(value, list):
        return [safe_value(v, with_names, member_names) for v in value]
    if isinstance(value, dict):
        return {
            k: safe_value(v, with_names, member_names)
            for k, v in value.items()
            if with_names or k != "birth_year"
        }
    if isinstance(value, str) and not with_names and value in member_names:
        return "（已隐去 hidden）"
    return value


def to_subgraph(rows: list[list[Any]]) -> Subgraph:
    """Nodes, relationships and paths found anywhere in the results, as a drawable subgraph."""
    from neo4j.graph import Node, Path, Relationship  # deferred, as in check_read_only

    sub = Subgraph()
    todo = [v for row in rows for v in row]
    rels: list[Relationship] = []
    while todo:
        v = todo.pop()
        if isinstance(v, Node):
            _add_node(sub, v)
        elif isinstance(v, Relationship):
            rels.append(v)
        elif isinstance(v, Path):
            todo.extend(v.nodes)
            rels.extend(v.relationships)
        elif isinstance(v, list):
            todo.extend(v)
        elif isinstance(v, dict):
            todo.extend(v.values())
    seen = set()
    for r in rels:
        for end in (r.start_node, r.end_node):
            if end is not None:
                _add_node(sub, end)
        s, t = _node_id(r.start_node), _node_id(r.end_node)
        if s in sub.nodes and t in sub.nodes and r.element_id not in seen:
            seen.add(r.element_id)
            props = dict(r)
            sub.edges.append(Edge(r.type, s, t, str(props.pop("key", r.element_id)), props))
    return sub


# ---------------------------------------------------------------- helpers


def _code_only(text: str) -> str:
    """``text`` with comments removed and string and quoted-name contents blanked out."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" and c != "`" else 1
            out.append(c + " " * max(0, min(j, n) - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _node_id(node) -> str:
    return str(node.get("id") or node.element_id) if node is not None else ""


def _label(node) -> str:
    return next((lb for lb in node.labels if lb in SCHEMA.nodes), next(iter(node.labels), ""))


def _add_node(sub: Subgraph, node) -> None:
    node_id = _node_id(node)
    if node_id not in sub.nodes:
        sub.nodes[node_id] = (_label(node), dict(node))
        sub.depth[node_id] = 1


def _node_dict(node, with_names: bool) -> dict[str, Any]:
    label = _label(node)
    props = public_props(_node_id(node), label, dict(node), with_names)
    if label == "Member" and not with_names:
        props["name"] = member_label(_node_id(node), None)
    return {"label": label, **props}
