"""Citizen ID numbers, phones and home addresses never leave the loader in clear.

The ledger is the sample with a valid ID number (check characters computed here,
independently of the loader), a phone and a home address on every member; the ids of
the members no other table refers to are blanked, so their number gives their id; a
few numbers are in the old 15-digit form and a few are invalid, and one is in a title
row above the header; every third member has no home building but an address naming one
(it gives the member's home) or none. No output may hold a
number, any 15-character run of one (so neither its 17 digits nor its 15-digit form),
a phone or an address: not ``validate`` (table and JSON, with and without
``--with-names``), ``load``, ``gaps``/``coverage``/``pair``/``stats`` in each format,
``export rdf`` (Turtle, N-Triples, JSON-LD, with and without names), the embedded
cache's file, nor a log record at DEBUG.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.loaders.ledger import load_ledger
from tests.browser_fixtures import _read, _write
from tests.fixtures.bad.make_idcards import number, wrong_check

ADDRESS_MARK = "住址标记路"  # in every address, in no other text of the sample
AS_OF = "2026-06-30"
# what every third address names, the member's 居住楼栋 left empty: a building of the
# sample (matched), or none (not matched)
NAMED = ("红门小区2栋", "梅台巷8号楼", "北京路1号楼")


def _old_form(n: str) -> str:
    """The 15-digit number an 18-character one was upgraded from (born in the 1900s)."""
    return n[:6] + n[8:17]


@pytest.fixture(scope="module")
def roster(tmp_path_factory) -> tuple[Path, list[str]]:
    """The ledger, and every string no output may hold."""
    root = Path(__file__).resolve().parent.parent / "data" / "sample"
    out = tmp_path_factory.mktemp("idcards") / "ledger"
    shutil.copytree(root, out)
    # ids are ASCII in every encoding the sample uses
    others = "".join(
        p.read_bytes().decode("latin-1") for p in out.glob("*.csv") if p.stem != "members"
    )
    path = out / "members.csv"
    rows, encoding = _read(path)
    rows[0] += ["公民身份号码", "联系电话", "家庭住址"]
    secrets: list[str] = []
    blanked = 0
    for i, row in enumerate(rows[1:]):
        n = number("421002", f"19{50 + i % 45:02d}{1 + i % 12:02d}{1 + i % 28:02d}", f"{i:03d}")
        phone, home = f"139{i:08d}", f"湖北省荆州市沙市区{ADDRESS_MARK}{i}号"
        if i % 3 == 0:  # no home building: the address names one, or not
            row[rows[0].index("居住楼栋")] = ""
            home = f"荆州市沙市区{ADDRESS_MARK}{NAMED[i // 3 % len(NAMED)]}{i}室"
        cell = n
        if i % 10 == 3:
            cell = _old_form(n)  # issued before 1999
        elif i % 10 == 7:
            cell = wrong_check(n)  # invalid: the row keeps its id, the number is dropped
        if i % 10 != 7 and row[0] not in others:
            row[0] = ""  # the number gives the id
            blanked += 1
        row += [cell, phone, home]
        secrets += [n, _old_form(n), cell, phone, home]
        secrets += [n[j : j + 15] for j in range(4)]
        secrets += [cell[j : j + 15] for j in range(len(cell) - 14)]
    # a title row above the header, with a number and a phone in it: hidden, and masked
    # even where --with-names shows it
    rows.insert(0, ["党员花名册", f"导出 {rows[1][-3]} {rows[1][-2]}"])
    _write(path, rows, encoding)
    assert blanked > 50 and len(rows) > 100
    return out, sorted(set(secrets)) + [ADDRESS_MARK]


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


def run(*args: str) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    return result.output  # stdout and stderr


COMMANDS = {
    "validate table": ["validate"],
    "validate table names": ["validate", "--with-names"],
    "validate json": ["validate", "--format", "json"],
    "validate json names": ["validate", "--format", "json", "--with-names"],
    "load": ["load", "--no-cache"],
    "stats table": ["stats"],
    "stats json": ["stats", "--format", "json"],
    "gaps table": ["gaps", "--limit", "1000", "--as-of", AS_OF],
    "gaps table names": ["gaps", "--limit", "1000", "--as-of", AS_OF, "--with-names"],
    "gaps json": ["gaps", "--format", "json", "--as-of", AS_OF],
    "gaps json names": ["gaps", "--format", "json", "--as-of", AS_OF, "--with-names"],
    "gaps csv": ["gaps", "--format", "csv", "--as-of", AS_OF],
    "coverage table": ["coverage", "--level", "community"],
    "coverage json": ["coverage", "--format", "json"],
    "coverage csv": ["coverage", "--format", "csv"],
    "pair table": ["pair", "--as-of", AS_OF],
    "pair json": ["pair", "--format", "json", "--as-of", AS_OF],
    "pair csv": ["pair", "--format", "csv", "--as-of", AS_OF],
}


def test_the_graph_holds_no_number_phone_or_address(roster):
    ledger, secrets = roster
    data = load_ledger(ledger)
    members = {k: p for k, (label, p) in data.nodes.items() if label == "Member"}
    assert len(members) == 124 and data.report.rejected["members.csv"] == 0
    derived = [k for k in members if k.startswith("M-")]
    assert len(derived) > 50  # the number gave the id
    assert all(p.get("birth_year") and p.get("gender") for p in members.values())
    text = repr(data.nodes) + repr(data.edges)
    assert leaks(text, secrets) == []
    report = repr([(p, p.hidden_value) for p in data.report.problems])  # what --with-names shows
    assert leaks(report, secrets) == []
    assert any("check character" in p.reason for p in data.report.problems)
    assert any("15-digit" in p.reason for p in data.report.problems)
    # the addresses that name one building gave homes, and no text of theirs is kept
    counts = data.report.addresses
    # 42 addresses name a building or none; 19 members of no home are at 住址标记路 only
    assert (counts["matched"], counts["ambiguous"], counts["unmatched"]) == (28, 0, 14 + 19)
    homes = {e.source: e.target for e in data.edges if e.type == "LIVES_IN"}
    assert sum(homes.get(k) == "B0203" for k in members) >= 14


def test_derived_ids_are_stable_and_keyed(roster, monkeypatch):
    ledger, _ = roster
    first = {k for k, (label, _) in load_ledger(ledger).nodes.items() if k.startswith("M-")}
    assert first == {k for k in load_ledger(ledger).nodes if k.startswith("M-")}
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "another-key")
    other = {k for k in load_ledger(ledger).nodes if k.startswith("M-")}
    assert len(other) == len(first) and not other & first


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_output_shows_a_number_phone_or_address(roster, command, caplog, monkeypatch):
    ledger, secrets = roster
    monkeypatch.setenv("COLUMNS", "2000")  # table cells unwrapped: a number is not cut in two
    caplog.set_level(logging.DEBUG)
    name, *rest = COMMANDS[command]
    shown = run(name, ledger, *rest)
    assert shown.strip()
    assert leaks(shown, secrets) == []
    assert leaks(caplog.text, secrets) == []


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
@pytest.mark.parametrize("names", [False, True])
def test_rdf_export_holds_no_number_phone_or_address(roster, tmp_path, fmt, names, caplog):
    ledger, secrets = roster
    caplog.set_level(logging.DEBUG)
    out = tmp_path / f"ledger.{fmt}"
    args = ["export", "rdf", ledger, "--out", out, "--with-gaps", "--as-of", AS_OF]
    shown = run(*args, *(["--with-names"] if names else []))
    body = out.read_text("utf-8")
    assert "党员-" in body or names
    assert leaks(shown + body + caplog.text, secrets) == []


def test_the_embedded_cache_holds_no_number_phone_or_address(roster, tmp_path, monkeypatch):
    ledger, secrets = roster
    monkeypatch.setenv("LIANJIAN_CACHE_DIR", str(tmp_path / "cache"))
    run("load", ledger)
    run("stats", ledger)  # read back from the cache
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files
    body = b"".join(p.read_bytes() for p in files)
    assert "沙市区".encode() in body  # the graph is there, in UTF-8
    assert [s for s in secrets if s.encode("utf-8") in body] == []
