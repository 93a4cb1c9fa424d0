"""The query commands: ``lianjian gaps`` (覆盖空白), ``lianjian coverage`` (覆盖率) and
``lianjian stats`` (图谱统计).

Each opens the graph on the chosen backend, calls one function of
:mod:`lianjian.queries`, and prints a table, JSON or CSV (:mod:`lianjian.present`).
``--scope REGION`` holds each to one region's subtree, the same ids the dashboard's
scope holds (:mod:`lianjian.queries.scope`); its JSON then says the scope.
Exit 0 done, 1 gaps found with ``--fail-on-gaps``, 2 the command could not run.
Members appear only as pseudonyms unless ``gaps --with-names`` asks for names. This
module is imported by :mod:`lianjian.cli.app`, which registers the commands with
:func:`register`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    Format,
    FormatOpt,
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
    fail,
    open_store,
    parse_params,
    progress_bar,
    write_blocks,
    write_csv,
    write_json,
)
from lianjian.core.privacy import pseudonym_key
from lianjian.graph.backends import open_record
from lianjian.present.checks import stats_table
from lianjian.present.coverage import coverage_csv, coverage_table
from lianjian.present.gaps import gaps_blocks, gaps_csv, member_ids, namer
from lianjian.present.history import trend_csv, trend_table
from lianjian.queries.coverage.rates import coverage as run_coverage
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.places import LEVELS
from lianjian.queries.scope import Scope, open_scope, scoped_coverage, scoped_gaps, scoped_stats
from lianjian.record.history import trend

__all__ = ["gaps", "coverage", "stats", "register"]


#: the levels coverage groups by, in the schema's order (district, street, community)
Level = StrEnum("Level", {level: level for level in LEVELS})


AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Date the rules look at, YYYY-MM-DD (default: today): links ending before it "
        "are inactive, terms ending before it have expired.",
        show_default=False,
    ),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        help="Override a threshold, NAME=VALUE (repeatable), e.g. min_members_for_org=3.",
        show_default=False,
    ),
]
ScopeOpt = Annotated[
    str | None,
    typer.Option(
        "--scope",
        help="Only this region's subtree, as the dashboard scopes it: a region id, name or "
        "path of names (胜利街道/红门路社区); one that fits no region or several is refused.",
        show_default=False,
    ),
]
LIMIT_DEFAULT = 20


def scope_of(graph, region: str | None) -> Scope | None:
    """The scope ``--scope`` names in the open graph (None without the option)."""
    return None if region is None else open_scope(graph, region)


def scope_line(scope: Scope) -> str:
    """The line above a table held to a scope."""
    return f"范围 Scope: {scope.path} ({scope.id})"


def with_scope(data: dict, scope: Scope | None, after: str | None = None) -> dict:
    """``data`` with ``"scope"`` (after the key ``after``, else first), unchanged without one."""
    if scope is None:
        return data
    out = {k: v for k, v in data.items() if after is not None and k == after}
    return {**out, "scope": scope.to_dict(), **data}


# ---------------------------------------------------------------- gaps


def gaps(
    ledger: StoreLedgerArg = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    as_of: AsOfOpt = None,
    rule: Annotated[
        list[str] | None,
        typer.Option("--rule", "-r", help="Run only this rule (repeatable).", show_default=False),
    ] = None,
    param: ParamOpt = None,
    fmt: QueryFormatOpt = QueryFormat.table,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Table: items shown per rule (0: none).")
    ] = LIMIT_DEFAULT,
    fail_on_gaps: Annotated[
        bool, typer.Option("--fail-on-gaps", help="Exit 1 when any rule flags something.")
    ] = False,
    with_names: WithNamesOpt = False,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    store: StoreOpt = None,
    scope: ScopeOpt = None,
) -> None:
    """Coverage gaps: grids, compounds, buildings, units and organisations the rules flag,
    with reasons and suggested fixes (覆盖空白).

    Rules (--rule): grid_without_branch, compound_without_org, building_without_group,
    new_domain_uncovered, unit_needs_own_org, unit_needs_joint_org, joint_branch_too_wide,
    unit_without_party_work, grid_without_assigned_member, community_without_big_committee,
    property_without_party_work, branch_oversized, branch_without_committee,
    org_without_secretary, term_expired, weak_without_partner, and over the lists
    need_open_too_long, community_need_unreached, member_without_service,
    project_overdue_without_outcome, seat_unit_without_resource. Thresholds (--param):
    min_members_for_org=3, joint_branch_max_units=5, branch_max_members=50,
    committee_min_members=7, big_committee_min_seats=3, weak_rating_max=2,
    strong_rating_min=4, need_open_max_days=30. A flagged member is shown by pseudonym. The table shows a summary per rule, counts per street and
    the first items of each rule; JSON has every item. A fix that names members
    shows their pseudonyms unless --with-names is given. Without LEDGER the store of
    record (--store) is read: the union of every source's latest version. --scope
    keeps the findings about entities in one region's subtree (JSON: "scope").

    Example: lianjian gaps data/sample --as-of 2026-06-30 --rule grid_without_branch
    """
    with clean_errors(), progress_bar() as (_, write):
        params = parse_params(param)
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
            held = scope_of(graph, scope)
            result = find_gaps(graph, as_of=as_of, rules=rule, params=params)
            if held is not None:
                result = scoped_gaps(result, held.ids)
            name_of = namer(graph, member_ids(result), with_names)
        finally:
            graph.close()
    if fmt == QueryFormat.json:
        write_json(with_scope(result.to_dict(name_of), held, after="as_of"))
    elif fmt == QueryFormat.csv:
        write_csv(gaps_csv(result, name_of))
    else:
        write_blocks(([scope_line(held)] if held else []) + gaps_blocks(result, limit, name_of))
    if fail_on_gaps and any(result.rules.values()):
        raise typer.Exit(1)


# ---------------------------------------------------------------- coverage


def coverage(
    ledger: StoreLedgerArg = None,
    level: Annotated[
        Level | None,
        typer.Option(
            "--level",
            "-l",
            help="Group by district, street or community (default: street, or the level "
            "of a --scope below a street).",
            show_default=False,
        ),
    ] = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    as_of: AsOfOpt = None,
    param: ParamOpt = None,
    fmt: QueryFormatOpt = QueryFormat.table,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    store: StoreOpt = None,
    trend: Annotated[
        bool,
        typer.Option(
            "--trend",
            help="The rates kept with every version of the store of record (per street or "
            "community), instead of today's; needs no ledger.",
        ),
    ] = False,
    scope: ScopeOpt = None,
) -> None:
    """Coverage rates per district, street or community: grids with a branch, buildings
    with a party group, new-domain sites, units, grids with assigned members, communities
    with a big committee (覆盖率).

    Without LEDGER the store of record is read; --trend gives the rates per version
    kept there (JSON: {"level", "trend": [{"version", "as_of", "id", "name", "metrics"}]}).
    --scope keeps the regions in one region's subtree, at a level not above it (JSON:
    {"scope", "level", "coverage": [rows]}).

    Example: lianjian coverage data/sample --level community --format csv
    """
    if trend:
        if scope is not None:
            fail("--scope does not apply to --trend (the rates kept per version)")
        show_trend(
            ledger,
            store,
            backend_of(backend, neo4j),
            level.value if level else "street",
            fmt,
            uri,
            database,
        )
        return
    with clean_errors(), progress_bar() as (_, write):
        params = parse_params(param)
        graph = open_store(
            ledger, backend_of(backend, neo4j), uri, database, no_cache, write, strict, store=store
        )
        try:
            held = scope_of(graph, scope)
            by = scope_level(level.value if level else None, held)
            rows = run_coverage(graph, by, as_of=as_of, params=params)
        finally:
            graph.close()
    if held is not None:
        rows = scoped_coverage(rows, held)
    if fmt == QueryFormat.json:
        write_json(
            rows if held is None else {"scope": held.to_dict(), "level": by, "coverage": rows}
        )
    elif fmt == QueryFormat.csv:
        write_csv(coverage_csv(rows))
    else:
        write_blocks(([scope_line(held)] if held else []) + [coverage_table(rows, by)])


def scope_level(level: str | None, scope: Scope | None) -> str:
    """The level coverage groups by: the one asked for, else street, or the scope's own
    level when it lies below a street. ``ValueError`` for a level above the scope (no
    region of it lies in the subtree) or a scope below the levels coverage knows."""
    if scope is None:
        return level or "street"
    if scope.level not in LEVELS:
        raise ValueError(
            f"coverage is per {', '.join(LEVELS)}: the scope {scope.id} is a {scope.level}"
        )
    deepest = LEVELS.index(scope.level)
    if level is None:
        return LEVELS[max(deepest, LEVELS.index("street"))]
    if LEVELS.index(level) < deepest:
        raise ValueError(
            f"--level {level} is above the scope {scope.id} (a {scope.level}): "
            f"give --level {' or '.join(LEVELS[deepest:])}"
        )
    return level


def show_trend(ledger, store, backend, level: str, fmt: QueryFormat, uri=None, database=None):
    """``coverage --trend``: the rates kept per version in the store of record."""
    if ledger is not None:
        fail("--trend reads the store of record: give no ledger path (use --store)")
    with clean_errors():
        result = trend(open_record(store, backend.value, uri=uri, database=database), level)
    if fmt == QueryFormat.json:
        write_json(result)
    elif fmt == QueryFormat.csv:
        write_csv(trend_csv(result))
    else:
        write_blocks([trend_table(result)])


# ---------------------------------------------------------------- stats


def stats(
    ledger: StoreLedgerArg = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    fmt: FormatOpt = Format.table,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
    store: StoreOpt = None,
    scope: ScopeOpt = None,
) -> None:
    """Node counts per label and relationship counts per type (图谱统计).

    With --backend neo4j the database is used (the ledger is loaded first if the
    database is empty). Without LEDGER the store of record (--store) is read. --scope
    counts the entities in one region's subtree and the relationships between two of
    them (JSON: "scope").

    Example: lianjian stats data/sample --format json
    """
    backend = backend_of(backend, neo4j)
    with clean_errors(), progress_bar() as (_, write):
        graph = open_store(ledger, backend, uri, database, no_cache, write, strict, store=store)
        try:
            held = scope_of(graph, scope)
            result = graph.stats() if held is None else scoped_stats(graph, held.ids)
        finally:
            graph.close()
    if fmt == Format.json:
        write_json(with_scope(result.to_dict(), held))
    else:
        write_blocks(([scope_line(held)] if held else []) + [stats_table(result, backend.value)])


def register(app: typer.Typer) -> None:
    """Add ``gaps`` and ``coverage`` to the ``lianjian`` command (``stats`` is added
    by :mod:`lianjian.cli.app` among the first commands)."""
    app.command("gaps")(gaps)
    app.command("coverage")(coverage)
