"""The ``lianjian bench`` command (基准测试): the harness, and one sub-command per topic.

    lianjian bench [--scales 0.1,1,10 …]    every stage at several scales (lianjian.bench.harness)
    lianjian bench gaps LEDGER …            each gap rule and the coverage rates (lianjian.bench.gaps)
    lianjian bench pairing LEDGER …         optimal pairing against greedy (lianjian.bench.pairing)
    lianjian bench matching LEDGER …        optimal matching against greedy (lianjian.bench.matching)
    lianjian bench rdf LEDGER …             our RDF writers against rdflib (lianjian.bench.rdf)
    lianjian bench dashboard LEDGER …       the dashboard's cold start in Chromium (lianjian.bench.dashboard)
    lianjian bench render [RESULT] --readme a result's table again, or into README.md

``python -m lianjian.bench`` runs the same command. The benchmark modules are the layer
above the CLI (they drive every other layer), so each sub-command imports its module
when it runs: ``lianjian`` itself starts without them.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from lianjian.cli.common import LedgerArg, clean_errors, fail
from lianjian.cli.timing import (
    RDFLIB_MAX_TRIPLES,
    GenerateOpt,
    GenLedgerArg,
    Neo4jAlsoFlag,
    Profile,
    RdflibMaxOpt,
    RepeatOpt,
    ScaleOpt,
    SeedOpt,
    parse_scales,
    print_json,
    say_line,
)
from lianjian.generator.generate import generate as generate_ledger
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.settings import Neo4jSettings
from lianjian.loaders.ledger import load_ledger

__all__ = ["bench_app", "register"]

bench_app = typer.Typer(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@bench_app.callback()
def bench(
    ctx: typer.Context,
    scales: Annotated[str, typer.Option(help="Comma-separated jingzhou scales.")] = "0.1,1,10",
    repeat: Annotated[
        int, typer.Option(min=1, help="Runs per stage (median and spread); one above scale 1.")
    ] = 3,
    profile: Annotated[Profile, typer.Option(help="Generator profile.")] = Profile.jingzhou,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 0,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the JSON and Markdown (default artefacts/bench).",
            show_default=False,
        ),
    ] = None,
    no_neo4j: Annotated[bool, typer.Option("--no-neo4j", help="Embedded stages only.")] = False,
    external: Annotated[
        bool,
        typer.Option(
            "--external", help="Use (and EMPTY) the server of NEO4J_URI instead of a private one."
        ),
    ] = False,
    rdflib_max_triples: RdflibMaxOpt = RDFLIB_MAX_TRIPLES,
    naive_rows: Annotated[
        int, typer.Option(min=1, help="Nodes the naive per-row loader writes.")
    ] = 2000,
    no_admin_import: Annotated[
        bool, typer.Option("--no-admin-import", help="Skip the neo4j-admin import baseline.")
    ] = False,
    no_dashboard: Annotated[
        bool,
        typer.Option("--no-dashboard", help="Skip the dashboard's cold start in Chromium."),
    ] = False,
    readme: Annotated[
        bool,
        typer.Option(
            "--readme",
            help="Keep the JSON under benchmarks/results and render the table from it into README.md.",
        ),
    ] = False,
    embedded_max: Annotated[
        float,
        typer.Option(
            min=0,
            help="Above this scale, Neo4j stages only, the harness holding no ledger "
            "(a stage parses it in its own process where it needs the model).",
        ),
    ] = 10.0,
) -> None:
    """Benchmarks (基准测试): without a sub-command, every stage at several scales.

    Generates ledgers and times every stage (parse, build, Neo4j load, gaps, coverage,
    pairing, Explorer, RDF) on both backends, each run in a forked process, beside
    baselines measured in the same run. Writes bench-TIME.json and bench-TIME.md and
    prints the table; minutes at scale 1, most of an hour at scale 10. The harness's
    options go before any sub-command; a sub-command times one topic on a ledger.

    Example: lianjian bench --scales 0.1,1 --repeat 3
    Province scale: lianjian bench --scales 1,10,100 (Neo4j only above --embedded-max)
    """
    if ctx.invoked_subcommand is not None:
        given = [
            p.opts[0]
            for p in ctx.command.params
            if getattr(ctx.get_parameter_source(p.name), "name", None) == "COMMANDLINE"
        ]
        if given:
            fail(
                f"{', '.join(given)}: options of the harness, not of `bench {ctx.invoked_subcommand}`"
            )
        return
    sizes = parse_scales(scales)
    from lianjian.bench import harness  # the layer above the CLI: loaded when it runs

    with clean_errors():
        table = harness.run(
            sizes,
            out=out_dir or harness.OUT,
            readme=readme,
            say=say_line,
            repeats=repeat,
            profile=profile.value,
            seed=seed,
            neo4j=not no_neo4j,
            external=external,
            rdflib_max_triples=rdflib_max_triples or None,
            naive_rows=naive_rows,
            admin=not no_admin_import,
            browser=not no_dashboard,
            embedded_max=embedded_max,
        )
    typer.echo(table)


@bench_app.command("gaps")
def gaps(
    ledger: LedgerArg,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Date the rules look at (default: today).", show_default=False
        ),
    ] = None,
    neo4j: Neo4jAlsoFlag = False,
    repeat: RepeatOpt = 3,
    profile: Annotated[
        bool, typer.Option("--profile", help="Neo4j: the database hits of each rule (PROFILE).")
    ] = False,
) -> None:
    """Each gap rule and the coverage rates, embedded and on Neo4j (覆盖空白基准).

    Times find_gaps (all rules), coverage per street and each rule alone, the best of
    --repeat runs; with --neo4j the database is replaced by the ledger and the same is
    timed there, the first run after loading apart. Prints JSON.

    Example: lianjian bench gaps data/sample --repeat 5
    """
    from lianjian.bench.gaps import bench as run  # the layer above the CLI: loaded when it runs

    with clean_errors():
        print_json(run(ledger, as_of or dt.date.today().isoformat(), neo4j, repeat, profile))


@bench_app.command("pairing")
def pairing(
    ledger: GenLedgerArg = None,
    generate: GenerateOpt = None,
    scale: ScaleOpt = 1.0,
    seed: SeedOpt = 0,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Date the plan looks at (default 2026-06-30).", show_default=False
        ),
    ] = None,
    capacity: Annotated[
        int | None,
        typer.Option(
            min=0, help="Weak orgs one leader leads at most (default 3).", show_default=False
        ),
    ] = None,
    neo4j: Neo4jAlsoFlag = False,
    repeat: RepeatOpt = 1,
) -> None:
    """Strong-leads-weak pairing, optimal plan against greedy (以强带弱基准).

    Times gathering the facts, setting up the problem, the optimal plan, the greedy
    baseline and the whole of propose (best of --repeat), and compares the two plans'
    coverage and cost; with --neo4j also propose on Neo4j. Prints JSON.

    Example: lianjian bench pairing --generate jingzhou --scale 10
    """
    from lianjian.bench import pairing as bp  # the layer above the CLI: loaded when it runs

    if not (generate or ledger):
        fail("give a LEDGER or --generate PROFILE")
    opts: dict[str, Any] = {"capacity": capacity, "neo4j": neo4j, "repeat": repeat}
    opts.update({"as_of": as_of} if as_of else {})
    with clean_errors():
        if generate:
            report = bp.bench_generated(generate.value, scale, seed, **opts)
        else:
            report = bp.bench(ledger, **opts)
    print_json(report)


@bench_app.command("matching")
def matching(
    ledger: GenLedgerArg = None,
    generate: GenerateOpt = None,
    scale: ScaleOpt = 1.0,
    seed: SeedOpt = 0,
    as_of: Annotated[str, typer.Option("--as-of", help="Date the plan looks at.")] = "2026-06-30",
    repeat: RepeatOpt = 1,
) -> None:
    """Matching needs to resources and reporting members, optimal plan against greedy
    (需求匹配基准).

    Times gathering the facts, the candidates, the optimal plan, the greedy baseline and
    the whole of match (best of --repeat) on the embedded store, and compares the units
    each plan serves and both objectives. Prints JSON.

    Example: lianjian bench matching --generate jingzhou --scale 1
    """
    from lianjian.bench import matching as bm  # the layer above the CLI: loaded when it runs

    if not (generate or ledger):
        fail("give a LEDGER or --generate PROFILE")
    with clean_errors():
        if generate:
            report = bm.bench_generated(generate.value, scale, seed, as_of=as_of, repeat=repeat)
        else:
            report = bm.bench(ledger, as_of=as_of, repeat=repeat)
    print_json(report)


@bench_app.command("dashboard")
def dashboard_start(
    ledger: GenLedgerArg = None,
    generate: GenerateOpt = None,
    scale: ScaleOpt = 1.0,
    centre: Annotated[
        str | None,
        typer.Option(
            "--centre",
            help="Entity the Explorer opens on (default: the busiest community).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The dashboard's cold start in a headless Chromium (看板冷启动基准): seconds from
    starting `lianjian dashboard` to the Overview's first figure, without the graph cache
    and with it, then to the Explorer's drawing; the server's peak memory. Prints JSON.

    Example: lianjian bench dashboard --generate jingzhou --scale 1
    """
    from lianjian.bench import dashboard as bd  # the layer above the CLI: loaded when it runs
    from lianjian.bench import stages  # the same layer, loaded when it runs

    if not (generate or ledger):
        fail("give a LEDGER or --generate PROFILE")
    why = bd.unavailable()
    if why:
        fail(f"the dashboard benchmark needs a browser: {why}")
    with clean_errors(), tempfile.TemporaryDirectory(prefix="lianjian-bench-") as tmp:
        if generate:
            ledger = Path(tmp) / "ledger"
            generate_ledger(ledger, profile=generate.value, scale=scale, seed=0)
        if centre is None:
            centre = stages.busiest_community(EmbeddedStore.from_ledger(ledger, use_cache=False))
        report = bd.cold_start(ledger, centre)
    if "error" in report:
        fail(report["error"])
    print_json(report)


@bench_app.command("render")
def render(
    result: Annotated[
        Path | None,
        typer.Argument(
            help="A harness result (bench-TIME.json); default the newest under benchmarks/results.",
            show_default=False,
        ),
    ] = None,
    readme: Annotated[
        bool, typer.Option("--readme", help="Put the table into README.md, naming the file.")
    ] = False,
) -> None:
    """Print the table of a harness result again (基准结果表), or put it into README.md.

    Example: lianjian bench render --readme
    """
    from lianjian.bench import harness  # the layer above the CLI: loaded when it runs

    if result is None:
        found = sorted(harness.RESULTS.glob("bench-*.json"))
        if not found:
            fail("no result under benchmarks/results: give a bench-TIME.json")
        result = found[-1]
    if not result.is_file():
        fail(f"{result.name}: no such file")
    try:
        table = harness.render(result, readme=readme)
    except ValueError as e:
        fail(str(e))
    typer.echo(table)


@bench_app.command("versions")
def versions(
    ledger: Annotated[
        Path | None, typer.Argument(help="Ledger (or --generate).", show_default=False)
    ] = None,
    generate: Annotated[
        Profile | None,
        typer.Option("--generate", help="Generate a ledger of this profile.", show_default=False),
    ] = None,
    scale: Annotated[float, typer.Option(min=0.001, help="Scale of --generate.")] = 1.0,
    neo4j: Neo4jAlsoFlag = False,
    repeat: RepeatOpt = 3,
) -> None:
    """The store of record: a version load where 1% of the entities changed against a
    full load, embedded and with --neo4j on Neo4j (版本加载基准). Prints JSON: medians,
    spreads and the ratio version ÷ full per backend.

    Example: lianjian bench versions --generate jingzhou --scale 1 --neo4j
    """
    from lianjian.bench import versions as bv  # the layer above the CLI: loaded when it runs

    if not (generate or ledger):
        fail("give a LEDGER or --generate PROFILE")
    with clean_errors(), tempfile.TemporaryDirectory(prefix="lianjian-bench-") as tmp:
        if generate:
            ledger = Path(tmp) / "ledger"
            rows = generate_ledger(ledger, profile=generate.value, scale=scale, seed=0)
        data = load_ledger(ledger)
        settings = Neo4jSettings.from_env() if neo4j else None
        report = bv.bench(data, repeat, settings, say=say_line)
        if generate:
            report["rows"] = rows
    print_json(report)


@bench_app.command("rdf")
def rdf(
    ledgers: Annotated[list[Path], typer.Argument(help="Ledgers (台账), one or more.")],
    formats: Annotated[str, typer.Option(help="Comma-separated: nt, ttl, jsonld.")] = "nt,ttl",
    no_rdflib: Annotated[
        bool, typer.Option("--no-rdflib", help="Skip the rdflib baseline.")
    ] = False,
    repeat: Annotated[
        int, typer.Option(min=1, help="Runs of our writers (the median is kept); rdflib runs once.")
    ] = 3,
    rdflib_max_triples: RdflibMaxOpt = RDFLIB_MAX_TRIPLES,
    timeout: Annotated[
        float | None, typer.Option(help="Seconds per run.", show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Our RDF writers against rdflib's Graph.serialize on the same triples (RDF 基准).

    Each run in a fresh process: ours (the writer on the parsed graph), full (read the
    ledger, then export: the command's memory) and rdflib; triples per second and peak
    memory. Prints a Markdown table, or JSON.

    Example: lianjian bench rdf data/sample --formats nt,ttl,jsonld
    """
    from lianjian.bench import rdf as br  # the layer above the CLI: loaded when it runs

    fmts = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in fmts if f not in br.RDFLIB_FORMATS]
    if not fmts or unknown:
        fail(f"--formats: choose from {', '.join(br.RDFLIB_FORMATS)}, not {formats!r}")
    impls = ("ours", "full") if no_rdflib else ("ours", "rdflib", "full")
    results: list[dict[str, Any]] = []
    with clean_errors():
        for ledger in ledgers:
            results += br.bench(ledger, fmts, impls, timeout, repeat, rdflib_max_triples or None)
    typer.echo(json.dumps(results, indent=1) if as_json else br.table(results))


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
