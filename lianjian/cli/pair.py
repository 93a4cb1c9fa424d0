"""The pairing command: ``lianjian pair`` (以强带弱结对).

Opens the graph on the chosen backend, calls :func:`lianjian.queries.pairing.propose.propose`,
prints a table, JSON or CSV, and with ``--write`` stores the proposals in Neo4j.
Exit 0 done, 2 the command could not run. This module is imported by
:mod:`lianjian.cli.app`, which registers the command with :func:`register`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated

import typer
from rich.table import Table

__all__ = ["pair", "register"]

from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    LedgerArg,
    NoCacheOpt,
    QueryFormat,
    QueryFormatOpt,
    UriOpt,
    clean_errors,
    err,
    fail,
    out,
    progress_bar,
)

LIMIT_DEFAULT = 20
CSV_HEAD = ["section", "kind", "weak", "weak_name", "strong", "strong_name", "ids", "cost"]
CSV_HEAD += ["reason_zh", "reason_en"]


def pair(
    ledger: LedgerArg,
    backend: BackendOpt = Backend.embedded,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the plan looks at, YYYY-MM-DD (default: today): links ending before it "
            "are inactive.",
            show_default=False,
        ),
    ] = None,
    capacity: Annotated[
        int | None,
        typer.Option(
            "--capacity",
            "-c",
            min=0,
            help="Weak organisations one leader leads at most, its active links included "
            "(default 3).",
            show_default=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Override a weight, threshold or cost of pairing.yaml, NAME=VALUE "
            "(repeatable), e.g. cost_gap=30 or strong_score_min=0.5.",
            show_default=False,
        ),
    ] = None,
    fmt: QueryFormatOpt = QueryFormat.table,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Store the proposals in Neo4j as PROPOSED_PAIR relationships (strong → weak, "
            "with cost and as-of date), replacing earlier ones; the ledger's links are never "
            "touched. Needs --backend neo4j: the embedded graph lives only in this process.",
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Table: rows shown per section (0: none).")
    ] = LIMIT_DEFAULT,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Strong leads weak: score every organisation, propose the best leader for each weak
    organisation without a partner, and audit the existing pairings (以强带弱结对).

    Weak: rated 2 or lower; leaders: rated 4 or higher (RULES.md). The plan is
    a minimum-cost flow: as many weak organisations as capacity allows get a
    leader, preferring the same community, then street, then district (nearer
    where buildings have coordinates) and larger score gaps. Active pairings
    are kept and count towards the leader's capacity.

    Each proposal is explained in Chinese and English (score gap, place,
    distance, the leader's load). The audit flags inverted pairs, overloaded
    leaders, expired links still relied on, weak organisations with no partner.

    JSON: {"as_of", "proposals": [{"weak", "strong", "cost", "reason_zh",
    "reason_en"}], "unmatched": [ID], "audit": [{"kind", "ids", "reason_zh",
    "reason_en"}]}. CSV: one row per proposal, unmatched org and finding.

    Example: lianjian pair data/sample --as-of 2026-06-30 --capacity 2 --format json
    """
    from lianjian.cli.queries import _open, _params
    from lianjian.queries.pairing.propose import propose, write_proposals

    if write and backend != Backend.neo4j:
        fail(
            "--write needs --backend neo4j: the embedded graph is rebuilt from the ledger at "
            "every start, so proposals written there would be lost"
        )
    with clean_errors(), progress_bar() as (_, progress):
        params = _params(param)
        store = _open(ledger, backend, uri, database, no_cache, progress)
        try:
            result = propose(store, as_of=as_of, capacity=capacity, params=params)
            written = write_proposals(store, result) if write else None
        finally:
            store.close()
    if fmt == QueryFormat.json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    elif fmt == QueryFormat.csv:
        out.file.write(_csv(result))
    else:
        _print(result, limit)
    if written is not None:
        err.print(f"wrote {written} PROPOSED_PAIR relationships (as of {result['as_of']})")


def _csv(result) -> str:
    """One CSV for all three parts: ``section`` is proposal, unmatched or audit."""
    names = result.names
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_HEAD, restval="", lineterminator="\n")
    w.writeheader()
    for p in result.proposals:
        w.writerow(
            {
                "section": "proposal",
                "weak": p.weak,
                "weak_name": names.get(p.weak, ""),
                "strong": p.strong,
                "strong_name": names.get(p.strong, ""),
                "cost": p.cost,
                "reason_zh": p.reason_zh,
                "reason_en": p.reason_en,
            }
        )
    for u in result.unmatched:
        w.writerow({"section": "unmatched", "weak": u, "weak_name": names.get(u, "")})
    for a in result.audit:
        w.writerow(
            {
                "section": "audit",
                "kind": a.kind,
                "ids": ";".join(a.ids),
                "reason_zh": a.reason_zh,
                "reason_en": a.reason_en,
            }
        )
    return buf.getvalue()


def _print(result, limit: int) -> None:
    names = result.names
    day = result["as_of"]
    s = Table(title=f"以强带弱结对 Strong leads weak (as of {day})")
    s.add_column("项目 Item")
    s.add_column("数量 Value", justify="right")
    covered = len(result.proposals)
    rows = [
        ("后进党组织 Weak organisations", str(len(result.weak))),
        ("可带领的党组织 Possible leaders", str(len(result.strong))),
        ("建议结对 Proposals", str(covered)),
        ("无法结对 Unmatched", str(len(result.unmatched))),
        ("审计发现 Audit findings", str(len(result.audit))),
        ("总成本 Total cost (optimal)", f"{result.total_cost:.2f}"),
        ("贪心基线 Greedy baseline", f"{result.greedy_cost:.2f} ({result.greedy_pairs} pairs)"),
    ]
    for label, value in rows:
        s.add_row(label, value)
    out.print(s)
    if limit <= 0:
        return
    t = Table(title="建议结对 Proposals")
    for col in ("后进 Weak", "带领 Leader", "成本 Cost", "理由 Reason"):
        t.add_column(col, overflow="fold")
    for p in result.proposals[:limit]:
        t.add_row(
            f"{names.get(p.weak, '')} ({p.weak})",
            f"{names.get(p.strong, '')} ({p.strong})",
            f"{p.cost:.2f}",
            f"{p.reason_zh}\n{p.reason_en}",
        )
    out.print(t)
    _more(len(result.proposals), limit)
    if result.unmatched:
        shown = [f"{names.get(u, '')} ({u})" for u in result.unmatched[:limit]]
        out.print("无法结对 Unmatched (no leader has room): " + "、".join(shown))
        _more(len(result.unmatched), limit)
    a = Table(title="现有结对审计 Audit of existing pairings")
    for col in ("类型 Kind", "编号 IDs", "原因 Reason"):
        a.add_column(col, overflow="fold")
    for item in result.audit[:limit]:
        a.add_row(item.kind, "、".join(item.ids), f"{item.reason_zh}\n{item.reason_en}")
    out.print(a)
    _more(len(result.audit), limit)


def _more(n: int, limit: int) -> None:
    if n > limit:
        out.print(f"… {n - limit} more (use --format json or csv for all)")


def register(app: typer.Typer) -> None:
    """Add ``pair`` to the ``lianjian`` command."""
    app.command("pair")(pair)
