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

from lianjian.generator.forms import (
    FORM_FILES,
    Person,
    card_number,
    home_address,
    keyed,
    write_forms,
)
from lianjian.generator.links import build_links
from lianjian.generator.lists import LIST_TABLES, list_rows
from lianjian.generator.model import Gaps, World
from lianjian.generator.names import Namer, person_name
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


def _check_out(out: Path, xlsx: bool, forms: bool = False) -> None:
    """The folder may hold only the files this call writes: a stale ledger would load too."""
    ours = set(FORM_FILES) if forms else {WORKBOOK} if xlsx else {f"{t}.csv" for t in TABLES}
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
    forms: bool = False,
) -> dict[str, int]:
    """Write a generated ledger into the folder ``out``; return the rows per table.

    ``profile``: nanqiao, shuangtaizi or jingzhou (the published figures of those three places);
    ``scale`` multiplies its counts; the same (profile, scale, seed) gives the
    same bytes. CSV files are written in ``encoding`` (utf-8-sig or gb18030);
    ``xlsx`` writes one workbook ``ledger.xlsx`` instead. ``forms`` writes the same
    ledger as the standard forms (:mod:`~lianjian.generator.forms`: a workbook and CSV
    files, names instead of ids, members keyed by invented citizen ID numbers) and
    returns the rows per file.
    """
    enc = ENCODINGS.get(str(encoding).strip().lower())
    if enc is None:
        raise ValueError(f"unknown encoding {encoding!r}: use utf-8-sig or gb18030")
    if forms and xlsx:
        raise ValueError(
            "the forms are a workbook and CSV files already: choose the forms or xlsx, not both"
        )
    out = Path(out)
    _check_out(out, xlsx, forms)
    w = plan(profile, scale, seed)
    dates = Dates(seed)
    if forms:
        return _write_forms(out, w, dates, enc, seed)
    out.mkdir(parents=True, exist_ok=True)
    sink: Sink = XlsxSink(out / WORKBOOK) if xlsx else CsvSink(out, enc)
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


SKILLS = ("法律咨询", "财务会计", "医疗护理", "政策宣讲", "文艺演出", "电脑维修", "心理疏导", "")
POSTS = ("政策宣传", "环境整治", "矛盾调解", "关爱老人", "文明劝导", "志愿服务", "")


def _write_forms(out: Path, w: World, dates: Dates, encoding: str, seed: int) -> dict[str, int]:
    """The plan ``w`` written as the standard forms, the members with invented ID numbers,
    addresses in their buildings and phones; the grids' codes are their communities'."""
    t = {  # the six tables; the need, resource and project lists are not written as forms
        table: keyed(table, HEADERS[table], table_rows(w, table, dates))
        for table in TABLES
        if table not in LIST_TABLES
    }
    address = home_address(t)
    people = {}
    for i, m in enumerate(t["members"], start=1):
        born = int(m["birth_year"])
        card = card_number(i, born, m["gender"] == "男")
        joined = min(born + 20 + i % 15, 2024)
        full = m["status"] == "正式党员"
        people[m["id"]] = Person(
            card=card,
            address=address(m["home"], i) if m["home"] else "",
            phone=f"13{i % 10}{i % 10**8:08d}",
            joined=f"{joined}-07-01" if full else f"2025-{7 + i % 5:02d}-01",
            full_since=f"{joined + 1}-07-01" if full else "",
            skills=SKILLS[i % len(SKILLS)],
            posts=POSTS[i % len(POSTS)],
        )
    grids = [r for r in t["regions"] if r["id"] in {g for c in w.communities for g in c.grids}]
    codes = {r["id"]: r["parent"] for r in grids}
    rng = random.Random(seed)
    workers = {r["id"]: person_name(rng, rng.random() < 0.6) for r in grids}
    return write_forms(out, t, people, codes, workers, default_encoding=encoding)
