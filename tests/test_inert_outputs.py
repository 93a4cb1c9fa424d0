"""Every CLI output format stays inert whatever the ledger's names hold.

Small ledgers whose names (regions, buildings, units, organisations, members) and one
enumerated value are drawn from hostile alphabets — rich markup, ANSI/C0/C1 control
characters and escape sequences, spreadsheet formula prefixes, bidi overrides and
isolates, zero-width characters, emoji codes — are run through ``validate``, ``stats``,
``gaps`` (with and without ``--with-names``), ``coverage`` and ``pair`` in every format.

- what a terminal shows (tables; JSON and CSV printed to a terminal too) holds no
  control character but newline and rich's own colour codes, no other escape sequence
  (no hyperlink, no window title), no raw invisible formatting character, and a name
  without escape sequences prints as written (its markup and emoji codes not applied);
- every CSV cell that a spreadsheet would run as a formula starts with ``'``, and the
  names come back otherwise unchanged;
- JSON parses and gives back the loaded values exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from lianjian.cli import common
from lianjian.cli.app import app
from lianjian.loaders.ledger import load_ledger
from lianjian.present.escape import FORMULA_START
from tests.ledgers import write_ledger

AS_OF = "2026-06-30"
MARKUP = ["[/]", "[/x]", "[link=https://x]", "[bold]", "[red on blue]", "\\", ":smile:", "]"]
CONTROLS = ["\x1b", "\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;https://x\x1b\\", "\x1b(0"]
CONTROLS += ["\x07", "\x08", "\x0b", "\x0c", "\r", "\x7f", "\x85", "\x9b31m", "\x9d"]
FORMULAS = ["=", "+", "-", "@", "\t", "=1+1", '=HYPERLINK("https://x","y")', "@SUM(A1)"]
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x61C]]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2028", "\u2029"]
PLAIN = ["甲", "社区", "a", " "]
TOKENS = MARKUP + CONTROLS + FORMULAS + BIDI + ZERO_WIDTH + PLAIN
ESCAPE_STARTS = ("\x1b", "\x9b")  # a name with these loses more than its control characters

NAMED = ["D1", "S1", "C1", "G1", "G2", "B1", "U1", "O1", "W1", "M1", "M2", "M3"]
hostile = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map("".join)
names = st.fixed_dictionaries({k: hostile.map(lambda s, k=k: s + k) for k in NAMED + ["kind"]})

SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own colours on a terminal
PAD = "备注" * 600  # keeps control bytes under the 1 % that makes a file look binary


def ledger(folder: Path, n: dict[str, str]) -> Path:
    """A street with one grid without a branch (G1), a building with three members and no
    group (B1), a unit needing its own organisation (U1), a weak branch (W1) that the
    community committee (O1) can lead, and an organisation of an unknown kind (X1)."""
    tables = {
        "regions": [
            ["id", "name", "level", "parent"],
            ["D1", n["D1"], "district", ""],
            ["S1", n["S1"], "street", "D1"],
            ["C1", n["C1"], "community", "S1"],
            ["G1", n["G1"], "grid", "C1"],
            ["G2", n["G2"], "grid", "C1"],
        ],
        "buildings": [["id", "name", "kind", "grid"], ["B1", n["B1"], "residential", "G2"]],
        "units": [["id", "name", "kind", "location"], ["U1", n["U1"], "private", "B1"]],
        "orgs": [
            ["id", "name", "kind", "covers", "rating"],
            ["O1", n["O1"], "committee", "C1", "5"],
            ["W1", n["W1"], "branch", "G2", "1"],
            ["X1", n["W1"], n["kind"], "G2", "3"],
        ],
        "members": [["id", "name", "status", "category", "org", "unit", "home"]]
        + [[m, n[m], "full", "employed", "W1", "U1", "B1"] for m in ("M1", "M2", "M3")],
    }
    for rows in tables.values():
        rows[0].append("note")
        for row in rows[1:]:
            row.append(PAD)
    return write_ledger(folder, tables)


def shown(value: str) -> str:
    """How a terminal should show a value without escape sequences: control characters
    gone (a tab a space), invisible formatting characters visible as ``<U+XXXX>``."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch == "\t":
            out.append(" ")
        elif (code < 32 and ch != "\n") or 0x7F <= code <= 0x9F:
            continue
        elif unicodedata.category(ch) in ("Cf", "Zl", "Zp"):
            out.append(f"<U+{code:04X}>")
        else:
            out.append(ch)
    return "".join(out)


def assert_inert(text: str, what: str) -> None:
    bare = SGR.sub("", text)
    bad = [
        ch
        for ch in bare
        if (ord(ch) < 32 and ch != "\n")
        or 0x7F <= ord(ch) <= 0x9F
        or unicodedata.category(ch) in ("Cf", "Zl", "Zp")
    ]
    assert not bad, f"{what}: {bad!r} in {bare!r}"


def run(args: list[str], terminal: bool, monkeypatch) -> tuple[int, str, str]:
    """``lianjian args`` with stdout a colour terminal or a pipe (stderr a pipe: no
    progress bar)."""
    kw = {"force_terminal": True, "color_system": "truecolor"} if terminal else {}
    monkeypatch.setattr(common, "out", Console(soft_wrap=True, width=3000, **kw))
    monkeypatch.setattr(common, "err", Console(stderr=True, width=3000))
    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def commands(folder: Path) -> dict[str, list[str]]:
    f, day = str(folder), ["--as-of", AS_OF, "--no-cache"]
    return {
        "validate": ["validate", f],
        "stats": ["stats", f, "--no-cache"],
        "gaps": ["gaps", f, *day, "--limit", "100"],
        "gaps names": ["gaps", f, *day, "--limit", "100", "--with-names"],
        "coverage": ["coverage", f, *day, "--level", "community"],
        "coverage street": ["coverage", f, *day],
        "pair": ["pair", f, *day],
    }


FORMATS = {
    "validate": ["table", "json"],
    "stats": ["table", "json"],
    "gaps": ["table", "json", "csv"],
    "gaps names": ["table", "json", "csv"],
    "coverage": ["table", "json", "csv"],
    "coverage street": ["table", "json", "csv"],
    "pair": ["table", "json", "csv"],
}


def csv_form(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking 17 CLI runs takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(n=names)
def test_every_output_format_is_inert(n, tmp_path_factory, monkeypatch):
    folder = ledger(tmp_path_factory.mktemp("hostile"), n)
    nodes = load_ledger(folder).nodes
    name = {i: props.get("name") for i, (_, props) in nodes.items()}
    cmds = commands(folder)
    data: dict[str, object] = {}
    for cmd, args in cmds.items():
        for fmt in FORMATS[cmd]:
            what = f"{cmd} --format {fmt}"
            code, stdout, stderr = run([*args, "--format", fmt], True, monkeypatch)
            assert code in (0, 1), (what, stdout, stderr)
            assert_inert(stdout, what)
            assert_inert(stderr, what)
            if fmt == "table":
                data[cmd + " shown"] = SGR.sub("", stdout)
                continue
            code, stdout, _ = run([*args, "--format", fmt], False, monkeypatch)
            if fmt == "json":
                assert_inert(stdout, f"{what} (piped)")
            data[f"{cmd} {fmt}"] = json.loads(stdout) if fmt == "json" else stdout

    def assert_shown(cmd: str, value: str) -> None:
        if not any(s in value for s in ESCAPE_STARTS):
            assert shown(value) in data[cmd + " shown"], (cmd, value)

    # gaps: each flagged entity's name exact in JSON, neutralised in CSV, as written on screen
    for cmd in ("gaps", "gaps names"):
        items = [i for r in data[f"{cmd} json"]["rules"].values() for i in r["items"]]
        assert {"G1", "B1", "W1"} <= {i["id"] for i in items}
        for i in items:
            assert i["name"] == name[i["id"]]
            assert i["street_name"] == name["S1"]
            assert_shown(cmd, i["name"])
        for row in csv.DictReader(io.StringIO(data[f"{cmd} csv"])):
            assert row["name"] == csv_form(name[row["id"]])
            assert row["street_name"] == csv_form(name["S1"])
    building = next(i for i in data["gaps names json"]["rules"]["building_without_group"]["items"])
    for m in ("M1", "M2", "M3"):
        assert name[m] in building["fix"]  # the names asked for, exact
        assert name[m] not in json.dumps(data["gaps json"], ensure_ascii=False)

    # coverage: region names
    for cmd in ("coverage", "coverage street"):
        rows = data[f"{cmd} json"]
        assert rows
        for r in rows:
            assert r["name"] == name[r["id"]]
            assert_shown(cmd, r["name"])
        for row in csv.DictReader(io.StringIO(data[f"{cmd} csv"])):
            assert row["name"] == csv_form(name[row["id"]])
            assert row["parent_name"] == csv_form(name[row["parent"]])

    # pair: the weak branch and its leader
    pairs = data["pair json"]["proposals"]
    assert [(p["weak"], p["strong"]) for p in pairs] == [("W1", "O1")]
    assert_shown("pair", name["W1"])
    assert_shown("pair", name["O1"])
    for row in csv.DictReader(io.StringIO(data["pair csv"])):
        if row["section"] == "proposal":
            assert row["weak_name"] == csv_form(name["W1"])
            assert row["strong_name"] == csv_form(name["O1"])

    # validate: the unknown kind is reported with its value
    problems = data["validate json"]["problems"]
    kinds = [p["value"] for p in problems if p["file"] == "orgs.csv" and p["value"]]
    assert kinds, problems
    for value in kinds:
        assert value.strip() in n["kind"]
        assert_shown("validate", value)

    # every CSV: no cell a spreadsheet would run
    for key, text in data.items():
        if key.endswith(" csv"):
            for row in csv.reader(io.StringIO(text)):
                for cell in row:
                    assert not cell.startswith(FORMULA_START), (key, cell)


@pytest.mark.parametrize("terminal", [True, False])
def test_an_error_naming_a_hostile_path_is_one_inert_line(tmp_path, monkeypatch, terminal):
    path = tmp_path / "x[/x][link=https:x]\x1b]0;t\x07\u202e\n=1"
    code, stdout, stderr = run(["gaps", str(path)], terminal, monkeypatch)
    assert code == 2 and stdout == ""
    assert_inert(stderr, "error")
    bare = SGR.sub("", stderr)
    assert bare.count("\n") == 1 and "x[/x][link=https:x]" in bare and "<U+202E>" in bare


@pytest.mark.parametrize("terminal", [True, False])
def test_a_message_naming_a_hostile_output_folder_shows_it_as_written(
    tmp_path, monkeypatch, terminal
):
    """``generate`` says where it wrote: the folder as named, markup and all."""
    out = tmp_path / "g[bold]x[/][link=https:x]y"
    args = ["generate", str(out), "--profile", "nanqiao", "--scale", "0.01", "--seed", "1"]
    code, stdout, stderr = run(args, terminal, monkeypatch)
    assert code == 0, stderr
    assert_inert(stdout, "wrote")
    assert f"wrote {out} in " in SGR.sub("", stdout)


HTML_TOKENS = ["<script>alert(1)</script>", "</td>", "<img src=x onerror=y>", "&amp;", '"', "'"]
html_hostile = st.lists(st.sampled_from(TOKENS + HTML_TOKENS), min_size=1, max_size=6).map("".join)
html_names = st.fixed_dictionaries(
    {k: html_hostile.map(lambda s, k=k: s + k) for k in NAMED + ["kind"]}
)
REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p"}
REPORT_TAGS |= {"section", "nav", "ul", "li", "a", "table", "colgroup", "col", "thead", "tbody"}
REPORT_TAGS |= {"tr", "th", "td", "span", "div", "svg", "text", "rect", "line"}


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(n=html_names)
def test_the_report_is_inert_and_names_no_member(n, tmp_path_factory, monkeypatch):
    """``report --format html``: every ledger value is text (no element, attribute or
    entity of its own), shown as a terminal shows it; members only by pseudonym unless
    ``--with-names``; the PDF of the same ledger renders."""
    from html.parser import HTMLParser  # noqa: I001 — only this test parses HTML

    folder = ledger(tmp_path_factory.mktemp("hostile"), n)
    loaded = {i: props.get("name") for i, (_, props) in load_ledger(folder).nodes.items()}
    out = folder.parent / "r.html"
    tags: list[str] = []
    texts: list[str] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)
            assert not [a for a, _ in attrs if a.startswith("on")], attrs

        def handle_data(self, data):
            texts.append(data)

    for names in (False, True):
        args = ["report", str(folder), "--as-of", AS_OF, "--out", str(out), "--no-cache"]
        code, stdout, stderr = run(args + (["--with-names"] if names else []), False, monkeypatch)
        assert code == 0, stderr
        html = out.read_text("utf-8")
        tags.clear()
        texts.clear()
        Reader(convert_charrefs=True).feed(html)
        assert set(tags) <= REPORT_TAGS, set(tags) - REPORT_TAGS
        shown_text = "".join(texts)
        plain = [k for k in NAMED if not any(e in loaded[k] for e in ESCAPE_STARTS)]
        for k in {"S1", "C1", "G1", "B1", "W1", "O1"} & set(plain):
            assert shown(loaded[k]) in shown_text, k  # as written, its markup not applied
        for m in {"M1", "M2", "M3"} & set(plain):
            assert (shown(loaded[m]) in shown_text) == names, (m, names)
    pdf = folder.parent / "r.pdf"
    code, _, stderr = run(
        ["report", str(folder), "--as-of", AS_OF, "--out", str(pdf)], False, monkeypatch
    )
    assert code == 0, stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
