"""Cypher as text, without a server: the console's lexical guard (steps 1–2 of
:mod:`lianjian.graph.neo4j.console`) and the ``$parameters`` a query expects.

>>> lexical_check("MATCH (n) RETURN n;")
'MATCH (n) RETURN n'
>>> parameter_names("MATCH (n {id: $id}) WHERE n.name <> '$not_this' RETURN n LIMIT $k")
['id', 'k']
"""

from __future__ import annotations

import re

from lianjian.graph.store import RefusedQuery

__all__ = ["lexical_check", "parameter_names", "code_only"]

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


def lexical_check(text: str) -> str:
    """The one statement in ``text`` (a trailing ``;`` dropped), or :class:`RefusedQuery`."""
    code = code_only(text).rstrip()
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


def parameter_names(text: str) -> list[str]:
    """The ``$names`` a query expects, in order of first use (strings and comments skipped)."""
    return list(dict.fromkeys(re.findall(r"\$([A-Za-z_]\w*)", code_only(text))))


def code_only(text: str) -> str:
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
