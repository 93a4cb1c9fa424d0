"""What every ``lianjian`` command shares: the consoles, the common arguments and
options (one grammar: ``--backend embedded|neo4j``, with ``--neo4j`` as its alias),
opening the store and saying what the ledger lost (the balance line; a refusal, exit 2,
when a whole table could not be read; ``--strict``), writing results to stdout or to a file (the output path checked
first, a file with personal data 0600 from its first byte), one-line errors with exit
codes, and the progress bar.

The command modules (:mod:`lianjian.cli.app`, :mod:`lianjian.cli.queries`,
:mod:`lianjian.cli.pair`, :mod:`lianjian.cli.rdf`, …) import from here, so none of
them imports another.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.highlighter import JSONHighlighter
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from lianjian.core.balance import Balance, RefusedLedger
from lianjian.core.privacy import PseudonymKeyError
from lianjian.core.report import Report
from lianjian.graph.backends import LedgerMismatch, open_ledger, open_record
from lianjian.graph.neo4j.bulk import BulkError
from lianjian.graph.neo4j.server import Neo4jServerError
from lianjian.graph.neo4j.settings import Neo4jConfigError, Neo4jSettings
from lianjian.graph.store import GraphStore
from lianjian.loaders.files import access_problem, path_kind
from lianjian.loaders.read import LedgerError
from lianjian.present.escape import plain_text, rich_text, terminal_text
from lianjian.present.formats import json_text
from lianjian.present.history import conflict_lines
from lianjian.present.table import Block, to_rich

__all__ = [
    "out",
    "err",
    "Backend",
    "Format",
    "QueryFormat",
    "QueryFormatOpt",
    "LedgerArg",
    "StoreLedgerArg",
    "StoreOpt",
    "BackendOpt",
    "FormatOpt",
    "UriOpt",
    "DbOpt",
    "NoCacheOpt",
    "Neo4jFlag",
    "ReplaceOpt",
    "WithNamesOpt",
    "StrictOpt",
    "check_ledger",
    "backend_of",
    "parse_params",
    "open_store",
    "write_json",
    "write_csv",
    "write_blocks",
    "check_in_file",
    "check_out_file",
    "check_out_folder",
    "file_writer",
    "fail",
    "clean_errors",
    "progress_bar",
    "settings",
]

out = Console(soft_wrap=True)
_JSON_COLOURS = JSONHighlighter()
err = Console(stderr=True)


class Backend(StrEnum):
    embedded = "embedded"
    neo4j = "neo4j"


class Format(StrEnum):
    table = "table"
    json = "json"


LedgerArg = Annotated[
    Path, typer.Argument(help="Ledger: a folder of CSV files or one XLSX workbook (台账).")
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="The store of record, a folder (default: $LIANJIAN_STORE_DIR "
        "or ~/.local/share/lianjian/store).",
        show_default=False,
    ),  # fmt: skip
]
StoreLedgerArg = Annotated[
    Path | None,
    typer.Argument(
        help="Ledger (台账), read for this command only; without it, the store of "
        "record (--store) is queried.",
        show_default=False,
    ),  # fmt: skip
]
BackendOpt = Annotated[
    Backend,
    typer.Option(
        "--backend",
        "-b",
        help="Graph backend: embedded (NetworkX) or neo4j (from NEO4J_URI etc.).",
    ),
]


class QueryFormat(StrEnum):
    """The formats of query results: a table to read, JSON or CSV to process."""

    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
QueryFormatOpt = Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")]
UriOpt = Annotated[
    str | None, typer.Option("--uri", help="Neo4j URI (default: $NEO4J_URI).", show_default=False)
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--database", help="Neo4j database (default: $NEO4J_DATABASE or neo4j).", show_default=False
    ),
]
Neo4jFlag = Annotated[bool, typer.Option("--neo4j", help="The same as --backend neo4j (an alias).")]
WithNamesOpt = Annotated[
    bool,
    typer.Option("--with-names", help="Show member names (personal data) instead of pseudonyms."),
]
ReplaceOpt = Annotated[
    bool, typer.Option("--replace", help="Neo4j: delete what the database holds first.")
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Refuse (exit 2, before any output) a ledger with any error or warning "
        "(a row rejected, a value or relationship dropped); notices do not count.",
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Parse the ledger even when a cached graph exists.")
]


def fail(message: str, code: int = 2) -> None:
    """One line on stderr (never wrapped: scripts read it) and the exit code."""
    line = terminal_text(message).replace("\n", " ")
    err.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def clean_errors() -> Iterator[None]:
    """Library errors → one line and exit 2; never a traceback for a user's mistake."""
    try:
        yield
    except (
        LedgerError,
        Neo4jConfigError,
        LedgerMismatch,
        RefusedLedger,
        Neo4jServerError,
        BulkError,
        PseudonymKeyError,
        ValueError,
    ) as e:
        fail(str(e))
    except Exception as e:  # driver errors: no server, wrong password, lost connection
        # deferred: the driver takes most of a second to import, and only a failure needs it
        from lianjian.graph.neo4j.errors import driver_error_message

        message = driver_error_message(e)
        if message is not None:
            fail(message)
        raise


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator:
    """A rich progress bar on stderr; yields callbacks for reading and for writing."""
    if not enabled or not err.is_terminal:
        yield None, None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def read(table: str, n: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(f"读取 reading {table}", total=None)
            bar.advance(tasks[table], n)

        def write(stage: str, done: int, total: int) -> None:
            if "write" not in tasks:
                tasks["write"] = bar.add_task("写入 writing", total=total)
            bar.update(tasks["write"], completed=done, description=f"写入 writing {stage}")

        yield read, write


def settings(uri: str | None, database: str | None) -> Neo4jSettings:
    """Neo4j settings from the environment, with the command's --uri / --database."""
    return Neo4jSettings.from_env(uri=uri, database=database)


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """``--param NAME=VALUE`` options as a dict; ``ValueError`` on one without ``=``."""
    params: dict[str, str] = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--param wants NAME=VALUE, not {pair!r}")
        params[name.strip()] = value.strip()
    return params


def backend_of(backend: Backend, neo4j: bool) -> Backend:
    """The backend asked for: ``--neo4j`` is ``--backend neo4j``."""
    return Backend.neo4j if neo4j else backend


def open_store(
    ledger: Path | None,
    backend: Backend,
    uri: str | None = None,
    database: str | None = None,
    no_cache: bool = False,
    progress=None,
    strict: bool = False,
    with_names: bool = False,
    store: Path | None = None,
) -> GraphStore:
    """The store holding the ledger's graph on ``backend`` (see :func:`open_ledger`),
    once :func:`check_ledger` has passed the ledger (before anything is written to Neo4j);
    without a ledger, the store of record's union of sources (conflicts told on stderr)."""
    if ledger is None:
        graph, conflicts = open_record(store, backend.value, uri=uri, database=database).graph()
        for line in conflict_lines(conflicts):
            err.print(rich_text(line, "yellow"), soft_wrap=True)
        return graph
    if store is not None:
        raise ValueError("give a ledger path or --store, not both")
    chosen = settings(uri, database) if backend == Backend.neo4j else None
    return open_ledger(
        ledger,
        backend.value,
        use_cache=not no_cache,
        settings=chosen,
        progress=progress,
        check=lambda balance: check_ledger(balance, ledger, strict),
        with_names=with_names,
    ).store


_ASIDE = "not read (no ledger table in them)"


def check_ledger(balance: Balance | Report, ledger: Path, strict: bool = False) -> None:
    """What every command that reads a ledger does before it writes any output.

    :class:`RefusedLedger` (one line, exit 2 under :func:`clean_errors`) when a whole
    file or table, or the whole ledger, could not be read, or with ``strict`` when the
    ledger has any error or warning. Otherwise, when anything was rejected, dropped or
    not read, the balance line on stderr, each file or sheet not read, and where to
    see the rows (``lianjian validate``). Files set aside as holding no table (a README,
    a lock file) are named on one line; a clean ledger: nothing at all.
    """
    if isinstance(balance, Report):
        balance = Balance.from_report(balance)
    see = f"see `lianjian validate {ledger}`"
    balance.check(strict, see)
    aside = ", ".join(f for f, _ in balance.set_aside)
    line = balance.line()
    if line is None:
        if aside:
            err.print(rich_text(f"note: {_ASIDE}: {aside}", "dim"), soft_wrap=True)
        return
    unread = [f"  not read: {u}" for u in balance.unread_lines()]
    if aside:
        unread.append(f"  {_ASIDE}: {aside}")
    for text in (f"warning: {line}", *unread, f"  {see}"):
        err.print(rich_text(text, "yellow"), soft_wrap=True)


def write_json(data) -> None:
    """A result as JSON on stdout (coloured on a terminal, plain text otherwise)."""
    text = json_text(data)
    if out.is_terminal:  # not print_json: it would parse and dump again, undoing the escapes
        out.print(_JSON_COLOURS(Text(text, no_wrap=True, overflow="ignore")), soft_wrap=True)
    else:
        out.file.write(text)


def write_csv(text: str) -> None:
    """A CSV (from :mod:`lianjian.present`) on stdout, as it is; on a terminal without
    its control characters (:func:`~lianjian.present.escape.plain_text`)."""
    out.file.write(plain_text(text) if out.is_terminal else text)


def write_blocks(blocks: list[Block]) -> None:
    """Tables and lines (from :mod:`lianjian.present`) on stdout."""
    for block in blocks:
        out.print(to_rich(block))


def _check_can_write_in(folder: Path, path: Path) -> None:
    """``ValueError`` naming ``path`` unless files can be made in ``folder``."""
    if not folder.is_dir():
        raise ValueError(f"{path}: {folder} is {path_kind(folder)}, not a folder")
    problem = access_problem(folder, "wx")
    if problem:
        raise ValueError(f"{path}: cannot write in the folder {folder}: {problem}")


def check_in_file(path: Path, what: str) -> None:
    """Before any work: ``path`` is a regular file this process may read; ``ValueError``
    naming it (``what`` says what it should be, e.g. ``RDF file``) otherwise."""
    if not path.exists():
        raise ValueError(f"no such {what}: {path}")
    if not path.is_file():
        kind = "a folder" if path.is_dir() else path_kind(path)
        raise ValueError(f"{path} is {kind}, not an {what}")
    problem = access_problem(path, "r")
    if problem:
        raise ValueError(f"{path}: cannot read this {what}: {problem}")


def check_out_file(path: Path) -> None:
    """Before any work: ``path`` can be written as a regular file (new or replaced).

    ``ValueError`` (one line naming the path, exit 2 under :func:`clean_errors`) for a
    folder, a device or pipe, a folder that does not exist, or one that is read-only.
    """
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give the name of the file to write")
    if path.exists() and not path.is_file():
        raise ValueError(f"{path} is {path_kind(path)}; give the name of a regular file")
    folder = path.absolute().parent
    if not folder.exists():
        raise ValueError(f"{path}: the folder {folder} does not exist")
    _check_can_write_in(folder, path)


def check_out_folder(path: Path) -> None:
    """Before any work: files can be written into the folder ``path`` (made if missing,
    with its parents). ``ValueError`` naming the path otherwise."""
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path} is {path_kind(path)}, not a folder")
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    _check_can_write_in(existing, path)


@contextmanager
def file_writer(path: Path, private: bool) -> Iterator[IO[str]]:
    """A UTF-8 text stream to ``path``: written to ``path.part`` beside it and renamed
    onto ``path`` only when the block ends without an error (the part file is removed
    otherwise). ``private`` (personal data): the part file is created 0600, so the data
    is never readable by others, not even while it is written; otherwise 0666 less the
    umask, as any new file.
    """
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)  # a stale one would keep its mode
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600 if private else 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
