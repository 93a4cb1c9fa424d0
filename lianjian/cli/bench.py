"""The ``lianjian bench`` command: the benchmark harness (:mod:`lianjian.bench.harness`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def bench(
    scales: Annotated[str, typer.Option(help="Comma-separated jingzhou scales.")] = "0.1,1,10",
    repeat: Annotated[int, typer.Option(min=1, help="Runs per stage (median and spread).")] = 3,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the JSON and Markdown (default artefacts/bench)."),
    ] = None,
    no_neo4j: Annotated[bool, typer.Option("--no-neo4j", help="Embedded stages only.")] = False,
    external: Annotated[
        bool,
        typer.Option(
            "--external", help="Use (and EMPTY) the server of NEO4J_URI instead of a private one."
        ),
    ] = False,
    readme: Annotated[bool, typer.Option("--readme", help="Put the table into README.md.")] = False,
) -> None:
    """Time every stage (parse, build, Neo4j load, gaps, coverage, pairing, Explorer, RDF) at
    several scales on both backends, beside baselines run in the same run (基准测试).

    Writes bench-TIME.json and bench-TIME.md; prints the table. Takes minutes at scale 1
    and most of an hour at scale 10.

    Example: lianjian bench --scales 0.1,1 --repeat 3
    """
    # deferred: the harness sits above the CLI (bench/ imports every layer) and is loaded
    # only when a benchmark runs, not for the other commands or --help
    from lianjian.bench.harness import main

    argv = ["--scales", scales, "--repeat", str(repeat), "--seed", str(seed)]
    argv += ["--out", str(out)] if out else []
    argv += ["--no-neo4j"] * no_neo4j + ["--external"] * external + ["--readme"] * readme
    raise typer.Exit(main(argv))


def register(app: typer.Typer) -> None:
    app.command()(bench)
