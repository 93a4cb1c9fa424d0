"""The pairing command: ``lianjian pair`` (以强带弱结对).

Opens the graph on the chosen backend, calls :func:`lianjian.queries.pairing.propose.propose`,
prints a table, JSON or CSV, and with ``--write`` stores the proposals in Neo4j.
Exit 0 done, 2 the command could not run. This module is imported by
:mod:`lianjian.cli.app`, which registers the command with :func:`register`.
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
from lianjian.present.pairing import pair_blocks, pair_csv
from lianjian.queries.pairing.propose import propose, write_proposals

__all__ = ["pair", "register"]

LIMIT_DEFAULT = 20


def pair(
    ledger: StoreLedgerArg = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
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
    strict: StrictOpt = False,
    store: StoreOpt = None,
) -> None:
    """Strong leads weak: score every organisation, propose the best leader for each weak
    organisation without a partner, and audit the existing pairings (以强带弱结对).

    Weak: rated 2 or lower; leaders: rated 4 or higher (docs/rules.md). The plan is
    a minimum-cost flow: as many weak organisations as capacity allows get a
    leader, preferring the same community, then street, then district (nearer
    where buildings have coordinates) and larger score gaps. Active pairings
    are kept and count towards the leader's capacity.

    Each proposal is explained in Chinese and English (score gap, place,
    distance, the leader's load). The audit flags inverted pairs, overloaded
    leaders, expired links still relied on, weak organisations with no partner.

    JSON: {"as_of", "proposals": [{"weak", "strong", "cost", "reason_zh",
    "reason_en"}], "unmatched": [ID], "audit": [{"kind", "ids", "reason_zh",
    "reason_en"}]}. CSV: one row per proposal, unmatched org and finding. Without LEDGER
    the store of record (--store) is read.

    Example: lianjian pair data/sample --as-of 2026-06-30 --capacity 2 --format json
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
            result = propose(graph, as_of=as_of, capacity=capacity, params=params)
            written = write_proposals(graph, result) if write else None
        finally:
            graph.close()
    if fmt == QueryFormat.json:
        write_json(result.to_dict())
    elif fmt == QueryFormat.csv:
        write_csv(pair_csv(result))
    else:
        write_blocks(pair_blocks(result, limit))
    if written is not None:
        err.print(f"wrote {written} PROPOSED_PAIR relationships (as of {result['as_of']})")


def register(app: typer.Typer) -> None:
    """Add ``pair`` to the ``lianjian`` command."""
    app.command("pair")(pair)
