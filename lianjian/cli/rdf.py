"""The RDF commands: ``lianjian export rdf``, ``lianjian import rdf`` and ``lianjian validate-rdf``.

Each opens what it needs, calls one library function in :mod:`lianjian.export`,
and turns errors into a one-line message: exit 0 done, 1 the data has problems
(SHACL violations), 2 the command could not run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lianjian.cli.common import (
    DbOpt,
    Format,
    LedgerArg,
    Neo4jFlag,
    ReplaceOpt,
    UriOpt,
    clean_errors,
    err,
    out,
    progress_bar,
)
from lianjian.cli.common import settings as _settings

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
    ledger: LedgerArg,
    out_file: Annotated[
        Path,
        typer.Option("--out", "-o", help="The file to write (its extension picks the format)."),
    ],
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
            help="Date the gap rules are evaluated for (default: today).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export a ledger's graph as RDF on W3C ORG, schema.org, SKOS and PROV-O (导出 RDF).

    Members are pseudonymised unless --with-names is given. IRIs are stable:
    the same ledger and base give the same file.

    Example: lianjian export rdf data/sample --out sample.ttl --with-gaps
    """
    from lianjian.export.gaps import gap_findings
    from lianjian.export.rdf import DEFAULT_BASE, export_rdf
    from lianjian.loaders.ledger import load_ledger

    rdf_format = _format_of(out_file, fmt)
    t0 = time.perf_counter()
    with clean_errors(), progress_bar() as (read, _):
        when = dt.date.fromisoformat(as_of) if as_of else None
        data = load_ledger(ledger, progress=read)
        gaps = gap_findings(data, when) if with_gaps else None
        tmp = out_file.with_name(out_file.name + ".part")
        try:
            n = export_rdf(
                data,
                tmp,
                rdf_format,
                base=base_iri or DEFAULT_BASE,
                with_names=with_names,
                gaps=gaps,
            )
            if with_names:
                os.chmod(tmp, 0o600)  # the file holds personal data
            os.replace(tmp, out_file)
        finally:
            tmp.unlink(missing_ok=True)
    rejected = data.report.totals[2]
    out.print(
        f"wrote {n} triples ({rdf_format}) to {out_file} in {time.perf_counter() - t0:.1f} s"
        + ("; members pseudonymised" if not with_names else "; WITH member names")
    )
    if rejected:
        err.print(f"[yellow]{rejected} ledger rows rejected: see `lianjian validate {ledger}`[/]")


@import_app.command("rdf")
def import_rdf_cmd(
    rdf_file: Annotated[
        Path, typer.Argument(metavar="FILE", help="An RDF file exported by lianjian.")
    ],
    fmt: RdfFormatOpt = None,
    neo4j: Neo4jFlag = False,
    replace: ReplaceOpt = False,
    uri: UriOpt = None,
    database: DbOpt = None,
) -> None:
    """Read an RDF export back into the embedded store or Neo4j, and print its statistics (导入 RDF).

    Without --neo4j the graph is built in memory and its counts printed (a check
    that the file reads back whole).

    Example: lianjian import rdf sample.ttl --neo4j --replace
    """
    from lianjian.export.rdf_import import read_rdf

    t0 = time.perf_counter()
    with clean_errors(), progress_bar() as (_, write):
        data = read_rdf(rdf_file, fmt.value if fmt else None)
        if neo4j:
            from lianjian.graph.neo4j.store import Neo4jStore, driver_from_env

            settings = _settings(uri, database)
            store = Neo4jStore(driver_from_env(settings), settings.database)
        else:
            from lianjian.graph.embedded.store import EmbeddedStore

            store = EmbeddedStore()
        try:
            if replace and neo4j:
                store.clear()
            store.write(data, progress=write)
            stats = store.stats()
        finally:
            store.close()
    where = "Neo4j" if neo4j else "embedded store"
    out.print(
        f"imported into {where}: {sum(stats.nodes.values())} nodes, "
        f"{sum(stats.relationships.values())} relationships in {time.perf_counter() - t0:.1f} s"
    )
    for p in data.report.problems:
        err.print(f"[dim]{p.value}: {p.reason}[/]", highlight=False)


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
    from lianjian.export.validate import validate_rdf as run

    with clean_errors():
        result = run(rdf_file, rdf_format.value if rdf_format else None)
    if output == Format.json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        if result.violations:
            t = Table(title="SHACL 违规 Violations")
            for col in ("焦点 Focus node", "路径 Path", "值 Value", "信息 Message"):
                t.add_column(col, overflow="fold")
            for v in result.violations[:500]:
                t.add_row(v.focus, v.path, v.value, v.message)
            out.print(t)
            if len(result.violations) > 500:
                out.print(f"… {len(result.violations) - 500} more (use --format json for all)")
        verdict = (
            "conforms 符合" if result.conforms else f"{len(result.violations)} violations 违规"
        )
        out.print(f"{rdf_file}: {result.triples} triples; {verdict}")
    if not result.conforms:
        raise typer.Exit(1)


def register_rdf_commands(app: typer.Typer) -> None:
    """Add ``export``, ``import`` and ``validate-rdf`` to the ``lianjian`` command."""
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
    app.command("validate-rdf")(validate_rdf)
