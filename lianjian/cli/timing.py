"""The options and helpers the ``lianjian bench`` sub-commands share (lianjian/cli/bench.py):
none of them imports the benchmark modules.
"""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from lianjian.generator.profiles import PROFILES

__all__ = [
    "RDFLIB_MAX_TRIPLES",
    "GenerateOpt",
    "GenLedgerArg",
    "Neo4jAlsoFlag",
    "Profile",
    "RdflibMaxOpt",
    "RepeatOpt",
    "ScaleOpt",
    "SeedOpt",
    "parse_scales",
    "print_json",
    "say_line",
]

RDFLIB_MAX_TRIPLES = 1_000_000  # lianjian.bench.rdf.RDFLIB_MAX_TRIPLES, held equal by a test
Profile = StrEnum("Profile", {name: name for name in PROFILES})  # the generator's profiles


RepeatOpt = Annotated[int, typer.Option(min=1, help="Runs of each measurement.")]
Neo4jAlsoFlag = Annotated[
    bool,
    typer.Option("--neo4j", help="Also on Neo4j (from NEO4J_URI etc.; REPLACES its contents)."),
]
GenLedgerArg = Annotated[
    Path | None, typer.Argument(help="Ledger (or --generate).", show_default=False)
]
GenerateOpt = Annotated[
    Profile | None,
    typer.Option(
        "--generate",
        help="Generate a ledger of this profile (with its lists) into a temporary folder.",
        show_default=False,
    ),
]
ScaleOpt = Annotated[float, typer.Option(min=0.001, help="Scale of --generate.")]
SeedOpt = Annotated[int, typer.Option(help="Seed of --generate.")]
RdflibMaxOpt = Annotated[
    int,
    typer.Option(
        min=0,
        help="Give rdflib about this many triples at most (0: all): it holds ~1 KB a "
        "triple and its Turtle writer is slow, so ratios compare triples per second.",
    ),
]


def say_line(line: str) -> None:
    print(time.strftime("%H:%M:%S"), line, file=sys.stderr, flush=True)


def print_json(report: Any) -> None:
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))


def parse_scales(text: str) -> list[float]:
    try:
        scales = [float(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter(
            f"numbers separated by commas, not {text!r}", param_hint="--scales"
        ) from None
    if not scales or any(s <= 0 for s in scales):
        raise typer.BadParameter("scales must be positive", param_hint="--scales")
    return scales
