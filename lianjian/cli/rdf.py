"""The RDF commands: ``lianjian export rdf``, ``lianjian import rdf`` and ``lianjian validate-rdf``.

Each opens what it needs, calls one library function in :mod:`lianjian.export`,
and turns errors into a one-line message: exit 0 done, 1 the data has problems
(SHACL violations), 2 the command could not run.
"""

from __future__ import annotations

import datetime as dt
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    Format,
    Neo4jFlag,
    ReplaceOpt,
    StoreLedgerArg,
    StoreOpt,
    StrictOpt,
    UriOpt,
    backend_of,
    check_in_file,
    check_ledger,
    check_out_file,
    clean_errors,
    err,
    file_writer,
    out,
    progress_bar,
    settings,
    write_blocks,
    write_json,
)
from lianjian.core.privacy import pseudonym_key
from lianjian.export.gaps import gap_findings
from lianjian.export.rdf import DEFAULT_BASE, export_rdf, vocabulary_path, vocabulary_text
from lianjian.export.rdf_import import read_rdf
from lianjian.export.validate import validate_rdf as run_validate_rdf
from lianjian.graph.backends import open_neo4j, open_record
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger
from lianjian.present.checks import violation_blocks
from lianjian.present.escape import rich_text, terminal_text
from lianjian.present.history import conflict_lines
from lianjian.record.snapshot import snapshot
from lianjian.record.stream import StoreGraph, streamed

__all__ = ["export_app", "import_app", "validate_rdf", "register_rdf_commands"]

export_app = typer.Typer(help="Export the graph for other systems (导出).", no_args_is_help=True)
import_app = typer.Typer(help="Import a graph exported by lianjian (导入).", no_args_is_help=True)


class RdfFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    jsonld = "jsonld"


RdfFormatOpt = Annotated[
    RdfFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="RDF syntax: ttl (Turtle), nt (N-Triples) or jsonld (default: from the file extension).",
        show_default=False,
    ),
]


def _format_of(path: Path, fmt: RdfFormat | None) -> str:
    if fmt is not None:
        return fmt.value
    suffix = path.suffix.lower().lstrip(".")
    return (
        {"json": "jsonld", "turtle": "ttl"}.get(suffix, suffix)
        if suffix in ("ttl", "nt", "jsonld", "json", "turtle")
        else "ttl"
    )


@export_app.command("rdf")
def export_rdf_cmd(
    out_file: Annotated[
        Path,
        typer.Option("--out", "-o", help="The file to write (its extension picks the format)."),
    ],
    ledger: StoreLedgerArg = None,
    fmt: RdfFormatOpt = None,
    base_iri: Annotated[
        str | None,
        typer.Option(
            "--base-iri",
            help="Namespace of the entities' IRIs, e.g. https://data.example.gov.cn/lianjian/ "
            "(default: https://example.org/lianjian/).",
            show_default=False,
        ),
    ] = None,
    with_names: Annotated[
        bool,
        typer.Option(
            "--with-names", help="Write member names, birth years and homes (personal data)."
        ),
    ] = False,
    with_gaps: Annotated[
        bool, typer.Option("--with-gaps", help="Add the coverage-gap findings (覆盖空白).")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the gap rules are evaluated for (default: today; from the store, "
            "the as-of date of the version exported).",
            show_default=False,
        ),
    ] = None,
    strict: StrictOpt = False,
    vocab: Annotated[
        bool,
        typer.Option(
            "--vocab",
            help="Also write the project vocabulary (lj:, Turtle) beside the export, "
            "as FILE's name with .vocab.ttl.",
        ),
    ] = False,
    store: StoreOpt = None,
    version: Annotated[
        int | None,
        typer.Option(
            "--version",
            min=1,
            help="From the store: the version to export (default: the latest). The store "
            "keeps each source's latest content only, so an earlier version is exported "
            "only if no source it held has changed since (e.g. street A's version 1 once "
            "street B's first version followed it); any other is refused.",
            show_default=False,
        ),
    ] = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    uri: UriOpt = None,
    database: DbOpt = None,
) -> None:
    """Export a ledger's graph as RDF on W3C ORG, schema.org, SKOS and PROV-O (导出 RDF).

    Without LEDGER the store of record (--store, or --backend neo4j) is exported: its
    latest version (or --version), which the export names with PROV (each source's
    version, its load, source, as-of date and load time).

    Members are pseudonymised unless --with-names is given (not from the Neo4j store,
    which keeps members without names). IRIs are stable: the same ledger and base give
    the same IRIs; the export's PROV activity records its time (SOURCE_DATE_EPOCH, if
    set, instead of now), so the same ledger, base and time give the same file.

    Example: lianjian export rdf data/sample --out sample.ttl --with-gaps --vocab

    Example: lianjian export rdf --store shashi-store --out shashi.ttl
    """
    rdf_format = _format_of(out_file, fmt)
    t0 = time.perf_counter()
    with clean_errors(), progress_bar() as (read, _):
        check_out_file(out_file)
        vocab_file = vocabulary_path(out_file) if vocab else None
        if vocab_file is not None:
            check_out_file(vocab_file)
        if with_gaps or not with_names:
            pseudonym_key()  # members or gap fixes are written as pseudonyms
        when = dt.date.fromisoformat(as_of) if as_of else None
        chosen = backend_of(backend, neo4j)
        held = None
        if ledger is None:
            if with_names and chosen == Backend.neo4j:
                raise ValueError(
                    "the Neo4j store of record keeps members without names: export "
                    "without --with-names, or from the ledger"
                )
            record = open_record(store, chosen.value, uri=uri, database=database)
            # Neo4j: the latest version read page by page; the embedded store is in memory
            held = (
                streamed(record, version) if chosen == Backend.neo4j else snapshot(record, version)
            )
            for line in conflict_lines(held.conflicts):
                err.print(rich_text(line, "yellow"), soft_wrap=True)
            data = held.data
            when = when or dt.date.fromisoformat(held.version.as_of)
        else:
            if store is not None or version is not None:
                raise ValueError("--store and --version export the store: give no ledger path")
            data = load_ledger(ledger, progress=read)
            check_ledger(data.report, ledger, strict)  # before the file is touched
            data.fingerprint = data.fingerprint or ledger_fingerprint(ledger)
        graph = data.graph if isinstance(data, StoreGraph) else data  # the rules run there
        gaps = gap_findings(graph, when) if with_gaps else None
        with file_writer(out_file, private=with_names) as fh:
            n = export_rdf(
                data,
                fh,
                rdf_format,
                base=base_iri or DEFAULT_BASE,
                with_names=with_names,
                gaps=gaps,
                store=held,
            )
        if vocab_file is not None:
            with file_writer(vocab_file, private=False) as fh:
                fh.write(vocabulary_text())
    what = "" if held is None else f" of version {held.version.version} of the store"
    out.print(
        f"wrote {n} triples{what} ({rdf_format}) to {out_file} in "
        f"{time.perf_counter() - t0:.1f} s"
        + ("; members pseudonymised" if not with_names else "; WITH member names")
        + (f"; the vocabulary to {vocab_file}" if vocab_file is not None else "")
    )


@import_app.command("rdf")
def import_rdf_cmd(
    rdf_file: Annotated[
        Path, typer.Argument(metavar="FILE", help="An RDF file exported by lianjian.")
    ],
    fmt: RdfFormatOpt = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    replace: ReplaceOpt = False,
    uri: UriOpt = None,
    database: DbOpt = None,
) -> None:
    """Read an RDF export back into the embedded store or Neo4j, and print its statistics (导入 RDF).

    On the embedded backend the graph is built in memory and its counts printed (a
    check that the file reads back whole).

    Example: lianjian import rdf sample.ttl --backend neo4j --replace
    """
    to_neo4j = backend_of(backend, neo4j) == Backend.neo4j
    t0 = time.perf_counter()
    with clean_errors(), progress_bar() as (_, write):
        check_in_file(rdf_file, "RDF file")
        data = read_rdf(rdf_file, fmt.value if fmt else None)
        store = open_neo4j(settings(uri, database)) if to_neo4j else EmbeddedStore()
        try:
            if replace and to_neo4j:
                store.clear()
            store.write(data, progress=write)
            stats = store.stats()
        finally:
            store.close()
    where = "Neo4j" if to_neo4j else "embedded store"
    out.print(
        f"imported into {where}: {sum(stats.nodes.values())} nodes, "
        f"{sum(stats.relationships.values())} relationships in {time.perf_counter() - t0:.1f} s"
    )
    for p in data.report.problems:
        err.print(f"[dim]{terminal_text(p.value)}: {terminal_text(p.reason)}[/]", highlight=False)


def validate_rdf(
    rdf_file: Annotated[
        Path, typer.Argument(metavar="FILE", help="An RDF file (ttl, nt or jsonld).")
    ],
    output: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    rdf_format: Annotated[
        RdfFormat | None,
        typer.Option(
            "--rdf-format",
            help="RDF syntax (default: from the file extension).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check an RDF export against the SHACL shapes (RDF 校验); exit 1 on violations.

    Each violation shows the focus node, the property path, the value and the message.

    Example: lianjian validate-rdf sample.ttl
    """
    with clean_errors():
        check_in_file(rdf_file, "RDF file")
        result = run_validate_rdf(rdf_file, rdf_format.value if rdf_format else None)
    if output == Format.json:
        write_json(result.to_dict())
    else:
        write_blocks(violation_blocks(result, str(rdf_file)))
    if not result.conforms:
        raise typer.Exit(1)


def register_rdf_commands(app: typer.Typer) -> None:
    """Add ``export``, ``import`` and ``validate-rdf`` to the ``lianjian`` command."""
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
    app.command("validate-rdf")(validate_rdf)
