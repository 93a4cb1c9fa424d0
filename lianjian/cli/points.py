"""The points command: ``lianjian points`` (积分台账: points per member per quarter).

Opens the graph on the chosen backend, calls :func:`lianjian.queries.points.points.points`
and prints a table, JSON or CSV. Exit 0 done, 2 the command could not run. Registered in
:mod:`lianjian.cli.app` with :func:`register`.
"""

from __future__ import annotations

import datetime as dt
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
    WithNamesOpt,
    backend_of,
    clean_errors,
    open_store,
    parse_params,
    progress_bar,
    write_blocks,
    write_csv,
    write_json,
)
from lianjian.core.privacy import pseudonym_key
from lianjian.present.gaps import namer
from lianjian.present.points import points_blocks, points_csv
from lianjian.queries.points.points import PointsParams, points, quarter_of

__all__ = ["points_command", "register"]


def points_command(
    ledger: StoreLedgerArg = None,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            "-q",
            help="The quarter, YYYYQn (default: this quarter), e.g. 2026Q3.",
            show_default=False,
        ),
    ] = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Override a weight of lianjian/queries/points/points.yaml, NAME=VALUE "
            "(repeatable), e.g. professional_per_hour=3 or hours_cap=4.",
            show_default=False,
        ),
    ] = None,
    fmt: QueryFormatOpt = QueryFormat.table,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Table: rows shown.")] = 20,
    with_names: WithNamesOpt = False,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    store: StoreOpt = None,
) -> None:
    """Points per member for a quarter from the service records (积分台账): general
    services (一般服务) and professional ones (专业服务) by count and hours, with the
    weights as parameters; every member reporting to a community is listed, one without
    a service this quarter with 0 points.

    Members are shown by pseudonym unless --with-names. JSON: {"quarter", "from", "to",
    "weights", "members": [{"member", "community", "services", "general",
    "professional", "hours", "points"}]}, most points first. Without LEDGER the store of
    record (--store) is read.

    Example: lianjian points tests/fixtures/lists --quarter 2026Q2 --format json
    """
    backend = backend_of(backend, neo4j)
    with clean_errors(), progress_bar() as (_, progress):
        params = PointsParams.of(parse_params(param))
        pseudonym_key()  # members are shown by pseudonym (also with names, when one has none)
        graph = open_store(
            ledger,
            backend,
            uri,
            database,
            no_cache,
            progress,
            strict,
            with_names=with_names,
            store=store,
        )
        try:
            result = points(graph, quarter or quarter_of(dt.date.today()), params)
            ids = [r.member for r in result.rows]
            name_of = namer(graph, ids, with_names) if with_names else None
            places = sorted({r.community for r in result.rows if r.community})
            names = {k: p.get("name", "") for k, (_, p) in graph.nodes(places).items()}
        finally:
            graph.close()
    if fmt == QueryFormat.json:
        write_json(result.to_dict(name_of))
    elif fmt == QueryFormat.csv:
        write_csv(points_csv(result, name_of))
    else:
        write_blocks(points_blocks(result, names, limit, name_of))


def register(app: typer.Typer) -> None:
    """Add ``points`` to the ``lianjian`` command."""
    app.command("points")(points_command)
