"""The report command: ``lianjian report`` (汇报材料), the printable report as PDF or HTML.

Opens the graph, holds it to ``--scope`` as the dashboard does
(:mod:`lianjian.dashboard.scope`), calls :func:`lianjian.report.build.build` and writes
the file. Exit 0 done, 2 the command could not run. This module is imported by
:mod:`lianjian.cli.app`, which registers the command with :func:`register`.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    Neo4jFlag,
    NoCacheOpt,
    StoreLedgerArg,
    StoreOpt,
    StrictOpt,
    UriOpt,
    WithNamesOpt,
    backend_of,
    check_out_file,
    clean_errors,
    open_store,
    out,
    progress_bar,
)
from lianjian.core.privacy import pseudonym_key
from lianjian.graph.backends import open_record
from lianjian.graph.store import GraphStore
from lianjian.present.escape import terminal_text
from lianjian.present.gaps import namer
from lianjian.queries.scope import region_tree, scope_ids
from lianjian.record.history import trend
from lianjian.report.build import build
from lianjian.report.figures import scope_of

__all__ = ["report", "register"]


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def report(
    ledger: StoreLedgerArg = None,
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope",
            help="Only this region's subtree: a district, street or community id.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the report stands at, YYYY-MM-DD (default: today).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the report.")] = Lang.zh,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File to write (default: report.pdf or report.html).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="pdf or html (default: from --out's suffix, else pdf).",
            show_default=False,
        ),
    ] = None,
    with_names: WithNamesOpt = False,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    store: StoreOpt = None,
) -> None:
    """A printable report of the two coverages (两个覆盖): the figures in sentences,
    coverage per street and community with bar charts, the gaps per rule and per
    street with their fixes, the weakest communities and the strong-leads-weak
    pairings; A4 with page numbers (汇报材料).

    Members in fixes are shown by pseudonym unless --with-names; no ID number, phone
    or address is ever in it. Without LEDGER the store of record (--store) is read.

    Example: lianjian report data/sample --as-of 2026-06-30 --out 沙市区.pdf
    """
    t0 = time.perf_counter()
    with clean_errors(), progress_bar() as (_, write):
        chosen = _format(fmt, out_file)
        path = out_file or Path(f"report.{chosen}")
        check_out_file(path)
        pseudonym_key()  # fixes name members by pseudonym (also with names, when one has none)
        graph = open_store(
            ledger,
            backend_of(backend, neo4j),
            uri,
            database,
            no_cache,
            write,
            strict=strict,
            with_names=with_names,
            store=store,
        )
        try:
            tree = region_tree(graph)
            held = scope_of(tree, scope, scope_ids(graph, tree, scope) if scope else None)
            history = None
            if ledger is None:  # the store of record: the change since the previous version
                history = trend(open_record(store, backend_of(backend, neo4j).value), "street")
            body, pages = build(
                graph,
                chosen,
                as_of,
                held,
                lang.value,
                _namer(graph, with_names),
                with_names,
                trend=history,
            )
        finally:
            graph.close()
        path.write_bytes(body)
    size = f"{pages} pages, " if pages else ""
    out.print(
        terminal_text(
            f"wrote {path}: {size}{len(body) / 1024:.0f} KiB in {time.perf_counter() - t0:.1f} s"
        ),
        highlight=False,
    )


def _format(fmt: ReportFormat | None, path: Path | None) -> str:
    """The format asked for, else told by the file's suffix, else PDF; ``ValueError`` when
    the two disagree or the suffix is neither."""
    suffix = path.suffix.lower().lstrip(".") if path else ""
    told = {"pdf": "pdf", "html": "html", "htm": "html"}.get(suffix)
    if path is not None and suffix and told is None and fmt is None:
        raise ValueError(f"{path}: a report is .pdf or .html (or give --format)")
    if fmt is not None and told is not None and told != fmt.value:
        raise ValueError(f"--format {fmt.value} but {path} ends in .{suffix}")
    return fmt.value if fmt is not None else told or "pdf"


def _namer(store: GraphStore, with_names: bool):
    """Members as their pseudonym, or (``with_names``) as the name the store holds."""
    members = [r["id"] for r in store.node_summaries(["Member"])] if with_names else []
    return namer(store, members, with_names)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the ``lianjian`` command."""
    app.command("report")(report)
