"""The query commands: ``lianjian gaps`` (覆盖空白) and ``lianjian coverage`` (覆盖率).

Each opens the graph on the chosen backend, calls one function of
:mod:`lianjian.queries`, and prints a table, JSON or CSV. Exit 0 done, 1 gaps
found with ``--fail-on-gaps``, 2 the command could not run. Members appear only
as pseudonyms. This module is imported by :mod:`lianjian.cli.app`, which registers
the commands with :func:`register`.
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

__all__ = ["gaps", "coverage", "register"]

from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    LedgerArg,
    NoCacheOpt,
    QueryFormat,
    QueryFormatOpt,
    UriOpt,
    clean_errors,
    out,
    progress_bar,
)


class Level(StrEnum):
    district = "district"
    street = "street"
    community = "community"


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
LIMIT_DEFAULT = 20


def _params(pairs: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--param wants NAME=VALUE, not {pair!r}")
        params[name.strip()] = value.strip()
    return params


def _open(ledger, backend: Backend, uri, database, no_cache: bool, write):
    from lianjian.graph.backends import open_graph
    from lianjian.graph.neo4j.store import Neo4jSettings

    settings = (
        Neo4jSettings.from_env(uri=uri, database=database) if backend == Backend.neo4j else None
    )
    return open_graph(
        ledger, backend.value, use_cache=not no_cache, settings=settings, progress=write
    )


# ---------------------------------------------------------------- gaps


def gaps(
    ledger: LedgerArg,
    backend: BackendOpt = Backend.embedded,
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
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Coverage gaps: grids, compounds, buildings, units and organisations the rules flag,
    with reasons and suggested fixes (覆盖空白).

    Rules (--rule): grid_without_branch, compound_without_org, building_without_group,
    new_domain_uncovered, unit_needs_own_org, unit_needs_joint_org, joint_branch_too_wide,
    unit_without_party_work, grid_without_assigned_member, community_without_big_committee,
    property_without_party_work, branch_oversized, branch_without_committee,
    org_without_secretary, term_expired, weak_without_partner. Thresholds (--param):
    min_members_for_org=3, joint_branch_max_units=5, branch_max_members=50,
    committee_min_members=7, big_committee_min_seats=3, weak_rating_max=2,
    strong_rating_min=4. The table shows a summary per rule, counts per street and
    the first items of each rule; JSON has every item.

    Example: lianjian gaps data/sample --as-of 2026-06-30 --rule grid_without_branch
    """
    from lianjian.queries.gaps.find import find_gaps

    with clean_errors(), progress_bar() as (_, write):
        params = _params(param)
        store = _open(ledger, backend, uri, database, no_cache, write)
        try:
            result = find_gaps(store, as_of=as_of, rules=rule, params=params)
        finally:
            store.close()
    if fmt == QueryFormat.json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    elif fmt == QueryFormat.csv:
        out.file.write(_gaps_csv(result))
    else:
        _print_gaps(result, limit)
    if fail_on_gaps and any(result.rules.values()):
        raise typer.Exit(1)


def _gaps_csv(result) -> str:
    from lianjian.queries.catalogue import RULES

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["as_of", "rule", "rule_zh", "rule_en", "id", "name", "street", "street_name"]
        + ["reason_zh", "reason_en", "fix"]
    )
    day = result.as_of.isoformat()
    for rid, items in result.rules.items():
        r = RULES[rid]
        for i in items:
            w.writerow(
                [
                    day,
                    rid,
                    r.title_zh,
                    r.title_en,
                    i.id,
                    i.name,
                    i.street or "",
                    i.street_name or "",
                ]
                + [i.reason_zh, i.reason_en, i.fix or ""]
            )
    return buf.getvalue()


def _print_gaps(result, limit: int) -> None:
    from lianjian.queries.catalogue import RULES

    day = result.as_of.isoformat()
    number = {rid: n for n, rid in enumerate(result.rules, 1)}
    t = Table(title=f"覆盖空白 Coverage gaps (as of {day})")
    t.add_column("#", justify="right")
    t.add_column("规则 Rule", no_wrap=True)
    t.add_column("名称 Title")
    t.add_column("数量 Count", justify="right")
    for rid, items in result.rules.items():
        r = RULES[rid]
        t.add_row(str(number[rid]), rid, f"{r.title_zh}\n{r.title_en}", str(len(items)))
    out.print(t)

    shown = [rid for rid, items in result.rules.items() if items]
    streets = result.by_street()
    if streets:
        s = Table(title="按街道 By street")
        s.add_column("街道 Street")
        s.add_column("合计 Total", justify="right")
        s.add_column("各规则数量 Count per rule (#: N)")
        for row in streets:
            name = row["street_name"] or "未定位 unplaced"
            label = f"{name} ({row['street']})" if row["street"] else name
            counts = row["counts"]
            per_rule = "  ".join(f"#{number[rid]}: {counts[rid]}" for rid in shown if counts[rid])
            s.add_row(label, str(sum(counts.values())), per_rule)
        out.print(s)

    if limit <= 0:
        return
    for rid in shown:
        items = result.rules[rid]
        r = RULES[rid]
        d = Table(title=f"#{number[rid]} {r.title_zh} {r.title_en}", show_lines=False)
        for col in ("编号 ID", "名称 Name", "街道 Street", "原因 Reason", "建议 Fix"):
            d.add_column(col, overflow="fold")
        for i in items[:limit]:
            d.add_row(i.id, i.name, i.street_name or "", i.reason_zh, i.fix or "")
        out.print(d)
        if len(items) > limit:
            out.print(f"… {len(items) - limit} more (use --format json or csv for all)")


# ---------------------------------------------------------------- coverage


def coverage(
    ledger: LedgerArg,
    level: Annotated[
        Level, typer.Option("--level", "-l", help="Group by district, street or community.")
    ] = Level.street,
    backend: BackendOpt = Backend.embedded,
    as_of: AsOfOpt = None,
    param: ParamOpt = None,
    fmt: QueryFormatOpt = QueryFormat.table,
    uri: UriOpt = None,
    database: DbOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Coverage rates per district, street or community: grids with a branch, buildings
    with a party group, new-domain sites, units, grids with assigned members, communities
    with a big committee (覆盖率).

    Example: lianjian coverage data/sample --level community --format csv
    """
    from lianjian.queries.coverage.rates import coverage as run

    with clean_errors(), progress_bar() as (_, write):
        params = _params(param)
        store = _open(ledger, backend, uri, database, no_cache, write)
        try:
            rows = run(store, level.value, as_of=as_of, params=params)
        finally:
            store.close()
    if fmt == QueryFormat.json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
    elif fmt == QueryFormat.csv:
        out.file.write(_coverage_csv(rows))
    else:
        _print_coverage(rows, level.value)


def _coverage_csv(rows: list[dict[str, Any]]) -> str:
    from lianjian.queries.coverage.rates import METRICS

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["level", "id", "name", "parent", "parent_name"]
    for m in METRICS:
        head += [f"{m}_covered", f"{m}_total", f"{m}_rate"]
    w.writerow(head)
    for r in rows:
        cells = [r["level"], r["id"] or "", r["name"], r["parent"] or "", r["parent_name"] or ""]
        for m in METRICS:
            v = r["metrics"][m]
            cells += [v["covered"], v["total"], "" if v["rate"] is None else v["rate"]]
        w.writerow(cells)
    return buf.getvalue()


LEVEL_ZH = {"district": "区县", "street": "街道", "community": "社区"}


def _print_coverage(rows: list[dict[str, Any]], level: str) -> None:
    from lianjian.queries.coverage.rates import METRICS

    caption = "; ".join(f"{m['short']}: {m['zh']} {m['en']}" for m in METRICS.values())
    t = Table(title=f"覆盖率 Coverage by {level} ({LEVEL_ZH[level]})", caption=caption)
    t.add_column(f"{LEVEL_ZH[level]} {level.capitalize()}")
    for m in METRICS.values():
        t.add_column(m["short"].replace(" ", "\n", 1), justify="right")
    for r in rows:
        label = f"{r['name']} ({r['id']})" if r["id"] else r["name"]
        cells = []
        for m in METRICS:
            v = r["metrics"][m]
            rate = "—" if v["rate"] is None else f"{v['rate']:.0%}"
            cells.append(f"{rate} {v['covered']}/{v['total']}")
        t.add_row(label, *cells)
    out.print(t)


def register(app: typer.Typer) -> None:
    """Add ``gaps`` and ``coverage`` to the ``lianjian`` command."""
    app.command("gaps")(gaps)
    app.command("coverage")(coverage)
