"""The matching command: ``lianjian match`` (需求匹配: 居民点单、支部下单、党员接单).

Opens the graph on the chosen backend, calls :func:`lianjian.queries.matching.match.match`
and prints a table, JSON or CSV; with ``--write`` (Neo4j only) it stores the proposals as
``PROPOSED_MATCH`` relationships. Exit 0 done, 2 the command could not run. Registered in
:mod:`lianjian.cli.app` with :func:`register`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    Neo4jFlag,
    NoCacheOpt,
    QueryFormat,
    QueryFormatOpt,
    StoreLedgerArg,
    StoreOpt,
    StrictOpt,
    UriOpt,
    backend_of,
    clean_errors,
    err,
    fail,
    open_store,
    parse_params,
    progress_bar,
    write_blocks,
    write_csv,
    write_json,
)
from lianjian.present.matching import match_blocks, match_csv, services_blocks, services_csv
from lianjian.queries.matching.match import match
from lianjian.queries.matching.services import summarise
from lianjian.queries.matching.write import write_proposals

__all__ = ["match_command", "services_command", "register"]


def match_command(
    ledger: StoreLedgerArg = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the plan looks at, YYYY-MM-DD (default: today): needs raised after it "
            "are left out, links ending before it are inactive.",
            show_default=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Override a cost or capacity of docs/matching.md, NAME=VALUE (repeatable), "
            "e.g. cost_street=30 or member_capacity=3.",
            show_default=False,
        ),
    ] = None,
    fmt: QueryFormatOpt = QueryFormat.table,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Store the proposals in Neo4j as PROPOSED_MATCH relationships (need → "
            "resource or member, with units, cost, reasons, as-of date and run time), "
            "replacing earlier ones; the ledger's lists are never touched. Needs --backend "
            "neo4j: the embedded graph lives only in this process.",
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Table: rows shown per section (0: none).")
    ] = 20,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    store: StoreOpt = None,
) -> None:
    """Match open needs (需求清单) to resources (资源清单) and to members reporting to the
    community (双报到), by category and skill (需求匹配).

    The plan is a minimum-cost flow: as many units of need as the capacities allow,
    preferring the same community, then the same street, nearer where buildings have
    coordinates, and units already joint-building with the community's organisation.
    A greedy baseline is computed in the same run; both objectives are shown. Each
    proposal has its reason in Chinese and English; each unmatched need says why (no
    provider of that category in reach, or capacity exhausted). Members are shown by
    pseudonym.

    JSON: {"as_of", "proposals": [{"need", "resource" | "member", "units", "cost",
    "reason_zh", "reason_en"}], "unmatched": [{"need", "units", "kind", "reason_zh",
    "reason_en"}], "objective": {"optimal", "greedy"}}. Without LEDGER the store of
    record (--store) is read. --write (Neo4j) stores the proposals as PROPOSED_MATCH
    relationships, replacing the previous ones.

    Example: lianjian match tests/fixtures/lists --as-of 2026-06-30 --format json
    """
    backend = backend_of(backend, neo4j)
    if write and backend != Backend.neo4j:
        fail(
            "--write needs --backend neo4j: the embedded graph is rebuilt from the ledger at "
            "every start, so proposals written there would be lost"
        )
    with clean_errors(), progress_bar() as (_, progress):
        params = parse_params(param)
        graph = open_store(ledger, backend, uri, database, no_cache, progress, strict, store=store)
        try:
            result = match(graph, as_of=as_of, params=params)
            written = write_proposals(graph, result) if write else None
        finally:
            graph.close()
    if fmt == QueryFormat.json:
        write_json(result.to_dict())
    elif fmt == QueryFormat.csv:
        write_csv(match_csv(result))
    else:
        write_blocks(match_blocks(result, limit))
    if written is not None:
        err.print(f"wrote {written} PROPOSED_MATCH relationships (as of {result.as_of})")


def services_command(
    ledger: StoreLedgerArg = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    by: Annotated[
        str, typer.Option("--by", help="Sum per member (pseudonymised) or per work unit.")
    ] = "member",
    start: Annotated[
        str | None,
        typer.Option("--from", help="First date counted, YYYY-MM-DD.", show_default=False),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last date counted, YYYY-MM-DD.", show_default=False),
    ] = None,
    fmt: QueryFormatOpt = QueryFormat.table,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Table: rows shown.")] = 20,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    store: StoreOpt = None,
) -> None:
    """Service records (服务记录) summed per member or per work unit: how many services,
    how many hours, how many categories, within --from and --to (服务记录汇总).

    Members are shown by pseudonym. JSON: {"by", "from", "to", "totals": [{"member" |
    "unit", "services", "hours", "categories"}]}, most hours first.

    Example: lianjian services tests/fixtures/lists --by unit --from 2026-04-01
    """
    backend = backend_of(backend, neo4j)
    with clean_errors(), progress_bar() as (_, progress):
        graph = open_store(ledger, backend, uri, database, no_cache, progress, strict, store=store)
        try:
            totals = summarise(graph, by, start, end)
            units = [t.key for t in totals if t.key] if by == "unit" else []
            names = {k: p.get("name", "") for k, (_, p) in graph.nodes(units).items()}
        finally:
            graph.close()
    if fmt == QueryFormat.json:
        write_json({"by": by, "from": start, "to": end, "totals": [t.to_dict(by) for t in totals]})
    elif fmt == QueryFormat.csv:
        write_csv(services_csv(totals, by))
    else:
        write_blocks(services_blocks(totals, by, names, limit))


def register(app: typer.Typer) -> None:
    """Add ``match`` and ``services`` to the ``lianjian`` command."""
    app.command("match")(match_command)
    app.command("services")(services_command)
