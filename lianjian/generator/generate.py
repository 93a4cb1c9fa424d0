"""Generate a realistic ledger (模拟台账) following the figures of a seed article.

Why: the product is about coverage gaps in ledgers nobody may hand out (member
lists are personal data of a sensitive kind). A generated ledger has the shape,
the size and the flaws of a real one, so the loaders, both graph backends, the
gap rules, the dashboard and the benchmarks can be exercised at a city's scale
(荆州's published figures: about 70,000 members, 700 units, 370 communities) and beyond,
and the same seed always gives the same bytes.

What: the six tables of docs/ledger.md, as CSV files or one XLSX workbook, planned in
this order:

1. places (:mod:`~lianjian.generator.places`): districts, streets,
   communities and villages, grids, compounds, residential and new-domain
   buildings;
2. units (:mod:`~lianjian.generator.units`) and organisations
   (:mod:`~lianjian.generator.orgs`): street, community, compound, grid and
   building levels, unit and joint branches, big committees, functional and
   temporary branches, alliances;
3. member slots and numbers (:mod:`~lianjian.generator.people`), so that
   secretaries and instructors can be named before members are written;
4. links (:mod:`~lianjian.generator.links`);
5. writing (:mod:`~lianjian.generator.write`), members streamed last.

Gaps for every rule of docs/rules.md are planted at the profile's modest rates. The
result loads with no error and no warning.

>>> import tempfile
>>> from pathlib import Path
>>> counts = generate(Path(tempfile.mkdtemp()) / "jz", "jingzhou", scale=0.1, seed=7)
>>> counts["members"]
7000
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from lianjian.generator.links import build_links
from lianjian.generator.lists import LIST_TABLES, list_rows
from lianjian.generator.model import Gaps, World
from lianjian.generator.names import Namer
from lianjian.generator.orgs import (
    build_area_orgs,
    build_other_orgs,
    build_street_orgs,
    finalize_orgs,
)
from lianjian.generator.people import plan_members
from lianjian.generator.places import build_places
from lianjian.generator.profiles import PROFILES
from lianjian.generator.units import build_unit_orgs, build_units
from lianjian.generator.write import HEADERS, TABLES, CsvSink, Dates, Sink, XlsxSink, table_rows
from lianjian.loaders.files import READ_SUFFIXES

__all__ = ["generate", "plan", "PROFILES", "ENCODINGS"]

ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig", "gb18030": "gb18030"}
WORKBOOK = "ledger.xlsx"


def plan(profile: str = "jingzhou", scale: float = 1.0, seed: int = 0) -> World:
    """Everything but the member rows, in memory: the ledger's plan."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    rng = random.Random(seed)
    w = World(PROFILES[profile], float(scale), rng, Namer(rng), Gaps(rng))
    build_places(w)
    build_street_orgs(w)
    build_units(w)
    build_area_orgs(w)
    build_unit_orgs(w)
    build_other_orgs(w)
    plan_members(w)
    finalize_orgs(w)
    build_links(w)
    return w


def _check_out(out: Path, xlsx: bool) -> None:
    """The folder may hold only the files this call writes: a stale ledger would load too."""
    ours = {WORKBOOK} if xlsx else {f"{t}.csv" for t in TABLES}
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder")
    if out.is_dir():
        others = sorted(
            p.name
            for p in out.iterdir()
            if p.suffix.lower() in READ_SUFFIXES and p.name not in ours
        )
        if others:
            raise ValueError(
                f"{out} already holds other ledger files ({', '.join(others[:3])}): "
                "they would load with the generated ledger; choose an empty folder"
            )


def generate(
    out: Path,
    profile: str = "jingzhou",
    scale: float = 1.0,
    seed: int = 0,
    xlsx: bool = False,
    encoding: str = "utf-8-sig",
) -> dict[str, int]:
    """Write a generated ledger into the folder ``out``; return the rows per table.

    ``profile``: nanqiao, shuangtaizi or jingzhou (the published figures of those three places);
    ``scale`` multiplies its counts; the same (profile, scale, seed) gives the
    same bytes. CSV files are written in ``encoding`` (utf-8-sig or gb18030);
    ``xlsx`` writes one workbook ``ledger.xlsx`` instead.
    """
    enc = ENCODINGS.get(str(encoding).strip().lower())
    if enc is None:
        raise ValueError(f"unknown encoding {encoding!r}: use utf-8-sig or gb18030")
    out = Path(out)
    _check_out(out, xlsx)
    w = plan(profile, scale, seed)
    out.mkdir(parents=True, exist_ok=True)
    sink: Sink = XlsxSink(out / WORKBOOK) if xlsx else CsvSink(out, enc)
    dates = Dates(seed)
    counts: dict[str, int] = {}
    try:
        for table in TABLES:
            rows = (
                list_rows(w, table, seed) if table in LIST_TABLES else table_rows(w, table, dates)
            )
            counts[table] = sink.table(table, HEADERS[table], rows)
    finally:
        sink.close()
    return counts
