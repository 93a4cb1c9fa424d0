"""The printable report (``lianjian report``): its PDF's text holds the sample's figures
exactly as ``stats``, ``coverage``, ``gaps`` and ``pair`` give them, rule names in
Chinese and no rule id, no member's name or ID number; its pages render (pdftoppm)
with the CJK fonts embedded and the chart's bars drawn; bad input is one line, exit 2."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection
from PIL import Image
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries import geo
from lianjian.queries.catalogue import RULES
from lianjian.queries.coverage.rates import METRICS
from lianjian.queries.gaps.find import find_gaps
from lianjian.report.svg import BAR_COLOUR
from tests.record_ledgers import V1, V2, as_json, month_two_ledger, run

AS_OF = "2026-06-30"
ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FORMS = ROOT / "data" / "sample-forms"
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed",
)


def cli(*args: str) -> dict:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def flat(text: str) -> str:
    """Text with every space and line break gone (lines break anywhere in a PDF)."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """The text of ``pdf`` (or one page) in the order it is drawn: a table row by row."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-raw", *pages, "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(scope="module")
def report(sample_ledger, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "沙市区.pdf"
    r = CliRunner().invoke(app, ["report", str(sample_ledger), "--as-of", AS_OF, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert re.search(r"wrote .*沙市区\.pdf: \d+ pages", r.stdout)
    return out


@pytest.fixture(scope="module")
def text(report) -> str:
    return flat(pdf_text(report))


def test_the_headline_figures_are_the_librarys(sample_ledger, text):
    nodes = cli("stats", str(sample_ledger), "--format", "json")["nodes"]
    assert f"党组织{nodes['PartyOrg']:,}个" in text
    assert f"党员{nodes['Member']:,}名" in text
    assert f"驻区单位{nodes['Unit']:,}家" in text
    assert "荆州市沙市区党建引领基层治理“两个覆盖”情况报告" in text
    assert "截至2026年6月30日" in text
    district = cli(
        "coverage", str(sample_ledger), "--as-of", AS_OF, "--level", "district", "--format", "json"
    )
    [whole] = district
    for m, v in whole["metrics"].items():
        title = {"grids_with_branch": "网格建支部率", "units_covered": "单位两个覆盖率"}.get(m)
        if title:  # the sentence of the headline rates
            assert f"{title}{v['rate']:.1%}（{v['covered']:,}/{v['total']:,}）" in text
    for level in ("street", "community"):
        rows = cli(
            "coverage", str(sample_ledger), "--as-of", AS_OF, "--level", level, "--format", "json"
        )
        for row in rows:  # name, (street,) then each rate with its counts
            cells = "".join(
                f"{v['rate']:.1%}（{v['covered']:,}/{v['total']:,}）"
                for v in row["metrics"].values()
            )
            parent = row["parent_name"] if level == "community" else ""
            assert row["name"] + parent + cells in text, row["name"]


def test_the_gap_counts_per_rule_are_the_librarys_with_zh_names_and_no_rule_id(
    sample_ledger, text, report
):
    rules = cli("gaps", str(sample_ledger), "--as-of", AS_OF, "--format", "json")["rules"]
    for n, (rule, found) in enumerate(rules.items(), 1):
        assert f"{n}{RULES[rule].title_zh}{found['count']:,}" in text, rule
    total = sum(v["count"] for v in rules.values())
    assert f"共发现覆盖空白{total:,}处" in text
    raw = pdf_text(report)
    assert [r for r in RULES if r in raw] == []


def test_the_pairings_are_the_librarys_with_their_reasons(sample_ledger, text):
    pairs = cli("pair", str(sample_ledger), "--as-of", AS_OF, "--format", "json")["proposals"]
    assert pairs
    for p in pairs:
        assert flat(p["reason_zh"]) in text
        assert p["weak"] in text and p["strong"] in text
    assert f"建议结对{len(pairs)}对" in text


def test_every_page_is_numbered_rendered_and_not_blank(report, tmp_path):
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(report)], check=True, capture_output=True, text=True
            ).stdout,
        ).group(1)
    )
    assert pages >= 3
    for n in range(1, pages + 1):
        assert f"—{n}/{pages}—" in flat(pdf_text(report, n))
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(report), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    bar = tuple(int(BAR_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
    coloured = 0
    for path in images:
        img = Image.open(path).convert("RGB")
        inked = sum(img.convert("L").histogram()[:200])  # pixels clearly not paper
        assert inked > 0.01 * img.width * img.height, f"{path.name} looks blank"
        colours = img.getcolors(img.width * img.height)
        coloured += sum(
            n for n, px in colours if all(abs(a - b) < 12 for a, b in zip(px, bar, strict=True))
        )
    assert coloured > 1000  # the charts' bars


def test_the_cjk_fonts_are_embedded_and_hold_every_character(report):
    fonts = subprocess.run(["pdffonts", str(report)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    names = {row[0].split("+", 1)[-1] for row in rows}
    assert {"Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC"} <= names, names
    assert all("Noto" in n for n in names), names  # no fallback font for a missing glyph
    assert all(row[-5] == "yes" for row in rows)  # embedded
    path = subprocess.run(
        ["fc-match", "-f", "%{file}", "Noto Sans CJK SC"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cmap = set(TTCollection(path).fonts[0].getBestCmap())
    missing = {ch for ch in pdf_text(report) if not ch.isspace() and ord(ch) not in cmap}
    assert missing == set()  # no tofu: every character has a glyph
    assert "\ufffd" not in pdf_text(report)


def test_no_member_name_or_id_number_is_in_the_report(tmp_path):
    """The standard forms' roster holds names and citizen ID numbers: neither is printed."""
    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["report", str(SAMPLE_FORMS), "--as-of", AS_OF, "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text("utf-8")
    roster = SAMPLE_FORMS / "在职党员到社区报到登记表.csv"
    rows = list(csv.DictReader(roster.open(encoding="utf-8-sig")))
    names = {row[k] for row in rows for k in row if "姓名" in k and row[k]}
    ids = {row[k] for row in rows for k in row if "身份" in k and row[k]}
    assert names and ids
    assert [x for x in names | ids if x in html] == []
    assert "党员-" in html  # members in fixes by pseudonym


def test_html_and_english(sample_ledger, tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(
        app, ["report", str(sample_ledger), "--as-of", AS_OF, "--lang", "en", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "<link" not in html
    assert "Grid without a branch" in html and "网格未建党支部" not in html
    assert html.count("<svg") == 7  # six rate charts and the map


def test_the_map_draws_each_placed_building_by_its_gaps(sample_ledger, tmp_path, text):
    """The report's map: one dot per building with coordinates, amber exactly where a
    building rule flags it (the library's findings), the counts said under it."""
    store = EmbeddedStore.from_ledger(sample_ledger)
    found = find_gaps(store, as_of=AS_OF)
    placed = [b for b in geo.buildings(store) if b.placed]
    flagged = {i.id for r in geo.BUILDING_RULES for i in found.rules[r]}
    gap = sum(b.id in flagged for b in placed)
    assert 0 < gap < len(placed)
    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["report", str(sample_ledger), "--as-of", AS_OF, "--out", str(out)])
    assert r.exit_code == 0, r.output
    (drawn,) = re.findall(r'<svg[^>]*class="map".*?</svg>', out.read_text("utf-8"), re.S)
    assert drawn.count('class="gap"') == gap and drawn.count('class="covered"') == len(placed) - gap
    assert drawn.count("<polygon") == len(geo.grid_outlines(placed))
    assert f"存在覆盖空白的楼栋{gap}个，蓝色为已覆盖楼栋{len(placed) - gap}个" in text.replace(
        " ", ""
    )


def test_scope_narrows_the_figures(sample_ledger, tmp_path):
    out = tmp_path / "c.html"
    args = ["report", str(sample_ledger), "--as-of", AS_OF, "--scope", "SS0102", "--out", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    text = flat(re.sub(r"<[^>]+>", " ", out.read_text("utf-8")))
    assert "梅台巷社区党建引领基层治理" in text and "全社区" in text
    assert "红门路社区" not in text.split("三、")[0]  # other communities' rates are not shown


@pytest.mark.parametrize(
    "args, message",
    [
        (["--scope", "NOWHERE"], "no region 'NOWHERE'"),
        (["--scope", "SS0101G01"], "a report covers a district, a street or a community"),
        (["--out", "r.txt"], "a report is .pdf or .html"),
        (["--out", "r.html", "--format", "pdf"], "--format pdf but r.html"),
        (["--as-of", "2026-02-30"], "as-of date"),
        (["--out", "/no/such/folder/r.pdf"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(sample_ledger, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["report", str(sample_ledger), *args])
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output
    assert len([x for x in r.stderr.splitlines() if x.strip()]) == 1
    assert list(tmp_path.iterdir()) == []


def test_from_the_store_of_record_the_change_since_the_previous_version(sample_ledger, tmp_path):
    """Two months of the sample: the report read from the store says which street rates
    changed, as ``coverage --trend`` keeps them."""
    store = tmp_path / "store"
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", store)
    v2 = month_two_ledger(sample_ledger, tmp_path / "v2")
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", store)
    rows = as_json("coverage", "--trend", "--store", store)["trend"]
    first, last = ([r for r in rows if r["version"] == v] for v in (1, 2))
    changed = [
        (r["name"], m, a["rate"], r["metrics"][m]["rate"])
        for r, old in zip(last, first, strict=True)
        for m, a in old["metrics"].items()
        if a["rate"] != r["metrics"][m]["rate"]
    ]
    assert changed  # a grid got a branch, a building lost its group
    out = tmp_path / "r.html"
    run("report", "--store", store, "--as-of", V2, "--out", out)
    text = flat(re.sub(r"<[^>]+>", " ", out.read_text("utf-8")))
    assert "六、与上期相比" in text and f"共有{len(changed)}项覆盖率发生变化" in text
    for name, m, before, after in changed:
        assert f"{name}{METRICS[m]['zh']}{before:.1%}{after:.1%}" in text
    once = tmp_path / "once.html"
    run("report", sample_ledger, "--as-of", V2, "--out", once)
    assert "与上期相比" not in once.read_text("utf-8")  # a ledger alone has no history
