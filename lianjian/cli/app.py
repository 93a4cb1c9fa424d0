"""The ``lianjian`` command: a thin layer over the library.

Each command opens what it needs, calls one library function, and turns
library errors into a one-line message and an exit code (README: Exit codes):
0 done, 1 the data has the problems asked about (``validate`` found an error, gaps
found with ``--fail-on-gaps``), 2 the command could not run or refused its input (bad
path, bad option, no server, a ledger with a whole table unread, ``--strict``).
Every command that reads a ledger says what it lost the same way
(:func:`lianjian.cli.common.check_ledger`).
"""

from __future__ import annotations

import logging
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lianjian import __version__
from lianjian.cli.bench import register as register_bench
from lianjian.cli.common import (  # re-exported: the parts every command shares
    Backend,
    BackendOpt,
    DbOpt,
    Format,
    FormatOpt,
    LedgerArg,
    Neo4jFlag,
    NoCacheOpt,
    ReplaceOpt,
    StoreOpt,
    StrictOpt,
    UriOpt,
    backend_of,
    check_ledger,
    check_out_folder,
    clean_errors,
    err,
    out,
    progress_bar,
    settings,
    write_blocks,
    write_json,
)
from lianjian.cli.dashboard import dashboard
from lianjian.cli.match import register as register_match
from lianjian.cli.neo4j import neo4j_app
from lianjian.cli.pair import register as register_pair
from lianjian.cli.points import register as register_points
from lianjian.cli.queries import register as register_queries
from lianjian.cli.queries import stats
from lianjian.cli.rdf import register_rdf_commands
from lianjian.cli.record import BackfillOpt, SourceOpt, load_source
from lianjian.cli.record import register as register_record
from lianjian.cli.report import register as register_report
from lianjian.cli.users import register as register_users
from lianjian.core.report import ERROR, WARNING
from lianjian.generator.generate import generate as run_generate
from lianjian.graph.backends import bulk_into_neo4j, load_into_neo4j, open_neo4j
from lianjian.graph.embedded.cache import cache_dir
from lianjian.graph.embedded.folder import private_folder, shown
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.bulk import project_server
from lianjian.loaders.ledger import load_ledger
from lianjian.present.checks import report_blocks
from lianjian.present.escape import rich_text, terminal_text

app = typer.Typer(
    help="联建 lianjian: knowledge graph of grassroots party organisations (基层党建知识图谱).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(neo4j_app, name="neo4j")


def version_callback(value: bool) -> None:
    if value:
        out.print(f"lianjian {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """联建 lianjian: ledgers (台账) → one knowledge graph → coverage gaps, pairings, dashboard, RDF."""


# ---------------------------------------------------------------- validate


@app.command()
def validate(
    ledger: LedgerArg,
    fmt: FormatOpt = Format.table,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail (exit 1) on warnings.")
    ] = False,
    with_names: Annotated[
        bool,
        typer.Option(
            "--with-names",
            help="Show personal values (names, birth years, homes, cells of no column) "
            "instead of (personal data hidden).",
        ),
    ] = False,
) -> None:
    """Check a ledger and report every problem with file, row, column and reason (校验台账).

    Exit 1 when a row was rejected (or, with --strict, on any warning). Personal values
    are hidden unless --with-names.

    Example: lianjian validate data/sample --format json
    """
    with clean_errors(), progress_bar() as (read, _):
        data = load_ledger(ledger, progress=read)
    report = data.report
    if fmt == Format.json:
        write_json(report.to_dict(with_names))
    else:
        write_blocks(report_blocks(report, with_names))
    sev = report.by_severity()
    if report.totals[2] or sev.get(ERROR) or (strict and sev.get(WARNING)):
        raise typer.Exit(1)


# ---------------------------------------------------------------- load / stats


@app.command()
def load(
    ledger: LedgerArg,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    replace: ReplaceOpt = False,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    with_names: Annotated[
        bool,
        typer.Option(
            "--with-names",
            help="Neo4j: also store member names and other personal values (by default "
            "members are stored by pseudonym, without them).",
        ),
    ] = False,
    source: SourceOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="With --source: the date the ledger stands at, YYYY-MM-DD (the month's "
            "submission); not before the source's latest unless --backfill.",
            show_default=False,
        ),
    ] = None,
    store: StoreOpt = None,
    backfill: BackfillOpt = False,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Neo4j: a first load through neo4j-admin's offline importer, into the "
            "project's own server (stopped and started again); refused on a database "
            "holding a graph unless --replace, and on any other server.",
        ),
    ] = False,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream",
            help="Neo4j: read, check and write the ledger in chunks of rows against an "
            "index on disk, without holding it in memory; the same report and database. A "
            "ledger using what it does not handle yet (workbooks, the standard forms, the "
            "双报到 table, references by name, …) is loaded whole, with a note saying why.",
        ),
    ] = False,
) -> None:
    """Load a ledger into the embedded store (and its cache) or into Neo4j (加载台账).

    Into Neo4j, members are stored by pseudonym, without names or other personal
    values, unless --with-names is given; the database remembers which.

    With --source NAME --as-of DATE the ledger becomes a new version of that source in
    the store of record (--store folder, or the Neo4j database): what it adds, removes and changes, the gaps
    it opens and closes, the coverage rates; the same content again records nothing.

    Example: lianjian load data/sample --backend neo4j --replace

    Example: lianjian load data/sample --source shashi --as-of 2026-06-30
    """
    if source is not None or as_of is not None or store is not None or backfill:
        if stream or bulk:  # a version is one transaction, read whole (docs/store.md)
            flag = "--stream" if stream else "--bulk"
            with clean_errors():
                raise typer.BadParameter(f"{flag} is a plain load: not with --source")
        load_source(
            ledger,
            source,
            as_of,
            store,
            backfill,
            backend_of(backend, neo4j),
            strict,
            uri,
            database,
        )
        return
    to_neo4j = backend_of(backend, neo4j) == Backend.neo4j
    t0 = time.perf_counter()
    with clean_errors(), progress_bar() as (read, write):
        if (bulk or stream) and not to_neo4j:
            flag = "--bulk" if bulk else "--stream"
            raise typer.BadParameter(f"{flag} loads into Neo4j: add --backend neo4j")
        if bulk and stream:
            raise typer.BadParameter("--bulk and --stream are two ways to load: give one")
        if to_neo4j:
            where = settings(uri, database)
            if bulk:  # before connecting: only the project's own server can take it
                project_server(where.uri)
            held = open_neo4j(where)
            try:
                check = lambda balance: check_ledger(balance, ledger, strict)  # noqa: E731
                if bulk:
                    report, held = bulk_into_neo4j(
                        held,
                        ledger,
                        where,
                        replace=replace,
                        progress=write,
                        read_progress=read,
                        check=check,
                        with_names=with_names,
                    )
                else:
                    report = load_into_neo4j(
                        held,
                        ledger,
                        replace=replace,
                        progress=write,
                        read_progress=read,
                        check=check,
                        with_names=with_names,
                        stream=stream,
                        folder=streaming_folder() if stream else None,
                        whole=whole,
                    )
                stats = held.stats()
            finally:
                held.close()
        else:
            held = EmbeddedStore.from_ledger(
                ledger, use_cache=not no_cache, progress=write, read_progress=read
            )
            report, stats = held.report, held.stats()
            check_ledger(report, ledger, strict)
    rows_in, loaded, rejected = report.totals
    where = (
        ("Neo4j, WITH member names" if with_names else "Neo4j, members by pseudonym")
        if to_neo4j
        else "embedded store" + (" (from cache)" if getattr(held, "from_cache", False) else "")
    )
    out.print(
        f"loaded into {where}: {sum(stats.nodes.values())} nodes, {sum(stats.relationships.values())} relationships "
        f"in {time.perf_counter() - t0:.1f} s; rows in {rows_in} = loaded {loaded} + rejected {rejected}"
    )


def streaming_folder() -> Path:
    """Where the streaming load keeps its index (personal data) while it runs: the
    cache folder, the user's own (mode 0700); one line and exit 2 when it is not."""
    folder = cache_dir()
    try:
        problem = private_folder(folder)
    except OSError as e:
        problem = f"cannot be made ({e.strerror or e})"
    if problem is not None:
        raise ValueError(
            f"the cache folder {shown(folder)} {problem}: the streaming load keeps its "
            "index there; use a folder of your own (mode 700), or set LIANJIAN_CACHE_DIR"
        )
    return folder


def whole(reason: str) -> None:
    err.print(
        rich_text(f"note: not streamed: {reason}; the ledger is loaded whole", "dim"),
        soft_wrap=True,
    )


app.command("stats")(stats)  # defined with the other query commands


# ---------------------------------------------------------------- generate


class Profile(StrEnum):
    nanqiao = "nanqiao"
    shuangtaizi = "shuangtaizi"
    jingzhou = "jingzhou"


@app.command()
def generate(
    out_dir: Annotated[
        Path, typer.Argument(metavar="OUT", help="Folder to write the ledger into.")
    ],
    profile: Annotated[
        Profile,
        typer.Option(
            help="Whose figures to follow: a district (nanqiao, shuangtaizi) or a city (jingzhou) of the source reports."
        ),
    ] = Profile.jingzhou,
    scale: Annotated[
        float, typer.Option(min=0.001, max=100, help="Multiply the profile's counts.")
    ] = 1.0,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same ledger.")
    ] = 0,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Write one workbook ledger.xlsx instead of CSV files.")
    ] = False,
    encoding: Annotated[
        str, typer.Option(help="CSV encoding: utf-8-sig or gb18030.")
    ] = "utf-8-sig",
    forms: Annotated[
        bool,
        typer.Option(
            "--forms",
            help="Write the ledger as the standard forms (标准表单): a workbook with 党员花名册 "
            "and 党组织信息采集表, and CSV files (区划, 网格台账, 楼栋, 单位, 关系, 双报到), "
            "names instead of ids, members keyed by invented citizen ID numbers.",
        ),
    ] = False,
) -> None:
    """Generate a realistic ledger with gaps, weak organisations and pairings (生成模拟台账).

    Example: lianjian generate /tmp/jz --profile jingzhou --scale 1 --seed 7
    """
    t0 = time.perf_counter()
    with clean_errors():
        check_out_folder(out_dir)
        counts = run_generate(
            out_dir,
            profile=profile.value,
            scale=scale,
            seed=seed,
            xlsx=xlsx,
            encoding=encoding,
            forms=forms,
        )
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    out.print(f"wrote {terminal_text(out_dir)} in {time.perf_counter() - t0:.1f} s: {summary}")


# ---------------------------------------------------------------- neo4j


# the commands of the other modules, after this module's own (the order of --help)
register_rdf_commands(app)
app.command()(dashboard)
register_queries(app)
register_pair(app)
register_match(app)
register_points(app)
register_record(app)
register_report(app)
register_users(app)
register_bench(app)


def main() -> None:
    # the driver's own log (retries, notices, a lost connection) is not for users: what
    # they need comes as one line from clean_errors
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
