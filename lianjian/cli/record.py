"""The store of record's commands: ``lianjian load LEDGER --source NAME --as-of DATE``
(a new version of a source, see :func:`load_source`), ``lianjian history`` (版本) and
``lianjian changes`` (变化与销号). ``coverage --trend`` is in :mod:`lianjian.cli.queries`.
Exit 0 done, 2 the command could not run or refused its input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    Format,
    FormatOpt,
    Neo4jFlag,
    StoreOpt,
    UriOpt,
    backend_of,
    check_ledger,
    clean_errors,
    err,
    out,
    progress_bar,
    write_blocks,
    write_json,
)
from lianjian.graph.backends import open_record
from lianjian.graph.embedded.persist import store_dir
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger
from lianjian.present.escape import rich_text, terminal_text
from lianjian.present.history import changes_blocks, conflict_lines, history_table
from lianjian.record.history import changes as run_changes
from lianjian.record.history import history as run_history
from lianjian.record.history import shown as shown_changes
from lianjian.record.load import check_date, check_source, known_entities, load_version

__all__ = ["load_source", "history", "changes", "register", "SourceOpt", "BackfillOpt"]

SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Load the ledger into the store of record as this source (a street's or a "
        "district's submission: letters, digits, '_', '.', '-'); needs --as-of.",
        show_default=False,
    ),
]
BackfillOpt = Annotated[
    bool,
    typer.Option(
        "--backfill",
        help="Accept an --as-of date before the source's latest version (a month loaded "
        "out of order); refused without it.",
    ),
]


def load_source(
    ledger: Path,
    source: str | None,
    as_of: str | None,
    store: Path | None,
    backfill: bool,
    backend: Backend,
    strict: bool,
    uri: str | None = None,
    database: str | None = None,
) -> None:
    """``lianjian load LEDGER --source NAME --as-of DATE``: the ledger as a new version
    of the source (nothing recorded when its content is the source's latest)."""
    with clean_errors():
        if source is None or as_of is None:
            raise ValueError("a load into the store of record needs both --source and --as-of")
        check_source(source)
        check_date(as_of)
        folder = store if store is not None else store_dir()
        # an existing store is checked before the ledger is read; a new one made after
        new = not folder.exists() and backend == Backend.embedded
        record = None if new else open_record(folder, backend.value, uri=uri, database=database)
        known = known_entities(record, source) if record is not None else {}
        with progress_bar() as (read, _):
            data = load_ledger(ledger, progress=read, others=known)
        check_ledger(data.report, ledger, strict)
        record = record or open_record(folder, backend.value, create=True)
        data.fingerprint = ledger_fingerprint(ledger)
        done = load_version(record, source, as_of, data, backfill=backfill)
    for line in conflict_lines(done.conflicts):
        err.print(rich_text(line, "yellow"), soft_wrap=True)
    where = f"the store {record.location}"
    if done.version is None:
        latest = record.sources()[source]
        out.print(
            terminal_text(
                f"unchanged: source {source} holds this content already (version "
                f"{latest.version}, as of {latest.as_of}); nothing recorded in {where}"
            )
        )
        return
    v, d = done.version, done.diff
    out.print(
        terminal_text(
            f"version {v.version} of source {source} as of {v.as_of} in {where}: "
            f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed "
            f"(links: {d.links_added} added, {d.links_removed} removed, {d.links_changed} "
            f"changed); gaps: {len(done.opened)} opened, {len(done.closed)} closed"
            + _foreign(done.foreign)
        )
    )


def _foreign(counts: dict[str, int]) -> str:
    """The references to other sources' entities a load made, by relationship type."""
    if not counts:
        return ""
    by_type = ", ".join(f"{t} {n}" for t, n in sorted(counts.items()))
    return f"; {sum(counts.values())} references to entities of other sources ({by_type})"


def history(
    store: StoreOpt = None,
    fmt: FormatOpt = Format.table,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    uri: UriOpt = None,
    database: DbOpt = None,
) -> None:
    """The versions in the store of record, oldest first (版本历史).

    JSON: {"versions": [{"version", "source", "as_of", "loaded_at", "added", "removed",
    "changed"}]}, the counts of entities each version added, removed and changed.

    Example: lianjian history --format json
    """
    with clean_errors():
        result = run_history(
            open_record(store, backend_of(backend, neo4j).value, uri=uri, database=database)
        )
    if fmt == Format.json:
        write_json(result)
    else:
        write_blocks([history_table(result)])


def changes(
    start: Annotated[
        int | None,
        typer.Option(
            "--from",
            min=0,
            help="The version to compare from (default: the one before --to; 0: the empty store).",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        int | None,
        typer.Option(
            "--to",
            min=1,
            help="The version to compare to (default: the latest).",
            show_default=False,
        ),
    ] = None,  # fmt: skip
    store: StoreOpt = None,
    fmt: FormatOpt = Format.table,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Table: rows shown per section (0: none).")
    ] = 20,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    uri: UriOpt = None,
    database: DbOpt = None,
) -> None:
    """What changed between two versions: entities added, removed and changed (with the
    changed properties and link types), gaps opened, closed (销号) and still open with
    their age in months (变化与销号).

    JSON: {"from", "to", "entities": {"added": [ID], "removed": [ID], "changed": [{"id",
    "properties": [NAME]}]}, "gaps": {"opened": [{"rule", "id"}], "closed": [{"rule",
    "id"}], "open": [{"rule", "id", "since", "age_months"}]}}.

    Example: lianjian changes --from 1 --to 2 --format json
    """
    with clean_errors():
        record = open_record(store, backend_of(backend, neo4j).value, uri=uri, database=database)
        result = shown_changes(record, run_changes(record, start, end))  # members: pseudonyms
    if fmt == Format.json:
        write_json(result)
    else:
        write_blocks(changes_blocks(result, limit))


def register(app: typer.Typer) -> None:
    """Add ``history`` and ``changes`` to the ``lianjian`` command."""
    app.command("history")(history)
    app.command("changes")(changes)
