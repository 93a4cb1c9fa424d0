"""Every command that reads a ledger says what it lost, the same way (one helper,
:func:`lianjian.cli.common.check_ledger`): the balance line on stderr when a row was
rejected, a value or relationship dropped or a file not read, also when the graph
comes from the cache; a refusal (exit 2, one line, nothing on stdout) when a whole
file or table could not be read, whatever the flags; and ``--strict``, which refuses
any error or warning before any output is written.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lianjian.cli.dashboard as dashboard_cli
from lianjian.cli.app import app
from lianjian.core.balance import Balance, RefusedLedger
from lianjian.graph.backends import open_ledger
from lianjian.graph.neo4j.settings import Neo4jSettings
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from tests.ledgers import REGIONS, write_ledger

SECRET = "张秘密"  # a member's name: never in a warning or a refusal
ORGS = [
    ["编号", "名称", "类型", "上级党组织", "覆盖范围"],
    ["P1", "东方社区党委", "党委", "", "R3"],
    ["P2", "一网格支部", "党支部", "P1", "R4"],
    ["", "无编号支部", "党支部", "P1", "R4"],  # rejected: no id
]
MEMBERS = [
    ["编号", "姓名", "出生年份", "所在党组织"],
    ["M1", SECRET, "明年", "P2"],  # the birth year is dropped (a warning)
    ["M2", "李四", "1980", "P2"],
]
NOTES = [["说明"], ["本台账由街道党工委整理"]]  # not a table: not read (a notice)

# rows in 9 = regions 4 + orgs 3 + members 2; one org rejected; one value dropped
LINE = "warning: rows in 9 = loaded 8 + rejected 1; 1 values or relationships dropped"

COMMANDS = {
    "gaps": lambda ledger, tmp: ["gaps", ledger, "--fail-on-gaps"],
    "gaps json": lambda ledger, tmp: ["gaps", ledger, "--format", "json"],
    "coverage": lambda ledger, tmp: ["coverage", ledger, "--format", "csv"],
    "pair": lambda ledger, tmp: ["pair", ledger, "--format", "json"],
    "stats": lambda ledger, tmp: ["stats", ledger, "--format", "json"],
    "load": lambda ledger, tmp: ["load", ledger],
    "export rdf": lambda ledger, tmp: ["export", "rdf", ledger, "--out", tmp / "out.ttl"],
    "dashboard": lambda ledger, tmp: ["dashboard", ledger],
}


@pytest.fixture(autouse=True)
def _no_streamlit(monkeypatch):
    """The dashboard command checks the ledger, then would start Streamlit: not here."""
    monkeypatch.setattr(dashboard_cli, "_run", lambda cmd, env: 0)


def partial(folder: Path) -> Path:
    """A ledger that loads, less one org row, one birth year and one file."""
    return write_ledger(
        folder, {"regions": REGIONS, "orgs": ORGS, "members": MEMBERS, "说明": NOTES}
    )


def orgs_all_rejected(folder: Path) -> Path:
    return write_ledger(
        folder,
        {"regions": REGIONS, "orgs": [ORGS[0], *([""] + r[1:] for r in ORGS[1:])]},
    )


def orgs_not_a_workbook(folder: Path) -> Path:
    write_ledger(folder, {"regions": REGIONS, "members": MEMBERS})
    (folder / "orgs.xlsx").write_bytes(b"PK\x03\x04 this is no workbook")
    return folder


def no_table(folder: Path) -> Path:
    return write_ledger(folder, {"说明": NOTES})


def orgs_binary_csv(folder: Path) -> Path:
    write_ledger(folder, {"regions": REGIONS})
    (folder / "orgs.csv").write_bytes(b"\x00\x01\x02 not text")
    return folder


UNREAD = {
    "every org rejected": (orgs_all_rejected, "nothing could be loaded from orgs.csv"),
    "orgs.xlsx not a workbook": (orgs_not_a_workbook, "orgs.xlsx: not a readable XLSX"),
    "no table": (no_table, "the ledger has no regions table"),
    "orgs.csv binary": (orgs_binary_csv, "nothing could be loaded from orgs.csv"),
}


def run(args: list) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("LIANJIAN_CACHE_DIR", str(tmp_path / "cache"))  # a cache of its own
    return tmp_path


# ---------------------------------------------------------------- a partly rejected ledger


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_partly_rejected_ledger_is_said_on_stderr_also_from_the_cache(command, tmp):
    ledger = partial(tmp / "ledger")
    for attempt in ("parsed", "from the cache"):
        result = run(COMMANDS[command](ledger, tmp))
        assert result.exit_code in (0, 1), (attempt, result.output)  # 1: --fail-on-gaps
        lines = result.stderr.splitlines()
        assert lines[0] == LINE, (attempt, result.stderr)
        assert "  not read (no ledger table in them): 说明.csv" in lines
        assert f"  see `lianjian validate {ledger}`" in lines
        assert "rejected 1;" not in result.stdout and SECRET not in result.stderr
        if command == "load":
            assert ("(from cache)" in result.stdout) == (attempt == "from the cache")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_strict_refuses_errors_and_warnings_before_any_output(command, tmp):
    ledger = partial(tmp / "ledger")
    result = run([*COMMANDS[command](ledger, tmp), "--strict"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: --strict: the ledger has 1 error, 1 warning ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp / "out.ttl").exists()


def test_strict_passes_notices(tmp):
    """Only a file set aside as holding no table (a notice): it is named, no warning, and
    --strict lets it through."""
    ledger = write_ledger(tmp / "ledger", {"regions": REGIONS, "说明": NOTES})
    result = run(["stats", ledger, "--strict"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["note: not read (no ledger table in them): 说明.csv"]


def test_a_clean_ledger_says_nothing(tmp):
    result = run(["stats", write_ledger(tmp / "ledger", {"regions": REGIONS}), "--strict"])
    assert result.exit_code == 0 and result.stderr == ""


def test_a_document_beside_the_tables_is_named(tmp):
    ledger = write_ledger(tmp / "ledger", {"regions": REGIONS})
    (ledger / "README.md").write_text("# 说明", "utf-8")
    result = run(["stats", ledger, "--strict"])
    assert result.exit_code == 0
    assert result.stderr == "note: not read (no ledger table in them): README.md\n"


# ---------------------------------------------------------------- a whole table unread


@pytest.mark.parametrize("case", sorted(UNREAD))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_whole_table_unread_is_refused_whatever_the_flags(command, case, tmp):
    make, reason = UNREAD[case]
    ledger = make(tmp / "ledger")
    result = run(COMMANDS[command](ledger, tmp))
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and not (tmp / "out.ttl").exists()
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: the ledger cannot be used: "), line
    assert reason in line and line.endswith(f"see `lianjian validate {ledger}`")


def test_fail_on_gaps_never_turns_an_unreadable_table_into_no_gaps(tmp):
    ledger = orgs_not_a_workbook(tmp / "ledger")
    assert run(["gaps", ledger, "--fail-on-gaps", "--format", "json"]).exit_code == 2


def test_validate_still_reports_what_the_others_refuse(tmp):
    """validate is where the rows are read about: exit 1 with the report, not a refusal."""
    result = run(["validate", orgs_all_rejected(tmp / "ledger"), "--format", "json"])
    assert result.exit_code == 1 and "required value id" in result.stdout


# ---------------------------------------------------------------- the balance itself


def test_the_balance_holds_counts_and_file_names_never_a_value(tmp):
    balance = Balance.from_report(load_ledger(partial(tmp / "ledger")).report)
    assert (balance.rows_in, balance.loaded, balance.rejected) == (9, 8, 1)
    assert (balance.errors, balance.warnings) == (1, 1)
    assert balance.not_read == ()
    assert balance.set_aside == (("说明.csv", "not a ledger table name: file ignored"),)
    assert balance.refusal() is None
    assert SECRET not in repr(balance) and "明年" not in repr(balance)


def test_the_balance_survives_json_and_a_foreign_one_is_not_taken(tmp):
    balance = Balance.from_report(load_ledger(orgs_all_rejected(tmp / "ledger")).report)

    assert Balance.from_dict(json.loads(json.dumps(balance.to_dict()))) == balance
    good = balance.to_dict()
    for bad in (
        None,
        [],
        {**good, "extra": 1},
        {**good, "loaded": -1},
        {**good, "loaded": "8"},
        {**good, "wholly_rejected": [["orgs.csv", "3"]]},
        {**good, "not_read": [["a"]]},
        {k: v for k, v in good.items() if k != "errors"},
    ):
        assert Balance.from_dict(bad) is None, bad


def test_open_ledger_refuses_through_its_check(tmp):
    ledger = orgs_all_rejected(tmp / "ledger")
    with pytest.raises(RefusedLedger, match="nothing could be loaded from orgs.csv"):
        open_ledger(ledger, check=lambda b: b.check())
    opened = open_ledger(ledger)  # no check: the graph and its balance, for validate-like use
    assert opened.balance.wholly_rejected == (("orgs.csv", 3),)


def test_many_refused_files_are_counted_not_all_listed(tmp):
    tables = {"regions": REGIONS, **{f"orgs{i}": [ORGS[0], ORGS[3]] for i in range(8)}}
    ledger = write_ledger(tmp / "ledger", tables)  # every orgs<i>.csv: one rejected row
    balance = Balance.from_report(load_ledger(ledger).report)
    text = balance.refusal()
    assert text is not None and re.search(r"and 3 more$", text), text


# ---------------------------------------------------------------- Neo4j: the ledger marker


@pytest.mark.neo4j
def test_neo4j_keeps_the_balance_in_the_ledger_marker(
    tmp, neo4j_settings, neo4j_driver, monkeypatch
):
    settings = Neo4jSettings(*(neo4j_settings[k] for k in ("uri", "user", "password", "database")))
    for name, key in (("URI", "uri"), ("USER", "user"), ("PASSWORD", "password")):
        monkeypatch.setenv(f"NEO4J_{name}", neo4j_settings[key])
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings["database"])
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])

    # a refused ledger is not written, not even into an empty database
    bad = orgs_all_rejected(tmp / "bad")
    assert run(["stats", bad, "--backend", "neo4j"]).exit_code == 2
    assert run(["load", bad, "--backend", "neo4j", "--replace"]).exit_code == 2
    assert store.is_empty() and store.marker() is None

    ledger = partial(tmp / "ledger")
    expected = Balance.from_report(load_ledger(ledger).report)
    first = run(["stats", ledger, "--backend", "neo4j"])  # loads the empty database
    assert first.exit_code == 0 and first.stderr.splitlines()[0] == LINE
    assert Balance.from_dict(store.ledger_balance()) == expected

    # the next command finds the ledger in the database: its balance comes from the marker
    monkeypatch.setattr("lianjian.graph.backends.load_ledger", _not_parsed)
    again = run(["gaps", ledger, "--backend", "neo4j", "--format", "json"])
    assert again.exit_code == 0 and again.stderr == first.stderr
    assert run(["gaps", ledger, "--backend", "neo4j", "--strict"]).exit_code == 2
    monkeypatch.undo()

    # a marker without a balance (loaded by an older version): read again, and kept
    neo4j_driver.execute_query("MATCH (m:LianjianLedger) REMOVE m.balance")
    opened = open_ledger(ledger, "neo4j", settings=settings)
    opened.store.close()
    assert opened.balance == expected
    assert Balance.from_dict(store.ledger_balance()) == expected


def _not_parsed(*args, **kwargs):
    raise AssertionError("the ledger was parsed although the marker holds its balance")


# ---------------------------------------------------------------- the dashboard

APP = Path(__file__).resolve().parent.parent / "lianjian" / "dashboard" / "app.py"
DASHBOARD_PAGES = ["overview", "explorer", "gaps", "map", "progress", "pairings", "export"]


@pytest.fixture
def dashboard_on(monkeypatch):
    def on(ledger: Path, strict: bool = False) -> None:
        monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(ledger))
        monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
        monkeypatch.delenv("LIANJIAN_DASHBOARD_NAMES", raising=False)
        monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
        monkeypatch.setenv("LIANJIAN_DASHBOARD_STRICT", "1" if strict else "0")

    return on


def _page(at, page: str):
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _ledger_warnings(at) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning if "rows in" in w.value]


def test_the_dashboard_warns_on_every_page_until_dismissed(tmp, dashboard_on):
    from streamlit.testing.v1 import AppTest

    ledger = partial(tmp / "ledger")
    dashboard_on(ledger)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for page in DASHBOARD_PAGES:
        (shown,) = _ledger_warnings(_page(at, page))
        assert LINE.removeprefix("warning: ") in shown, (page, shown)
        assert "说明.csv: not a ledger table name: file ignored" in shown
        assert f"lianjian validate {ledger}" in shown
        assert SECRET not in shown and "明年" not in shown  # no personal value, ever
    at.button(key="balance_dismiss").click().run()
    assert not _ledger_warnings(at)
    for page in DASHBOARD_PAGES:
        assert not _ledger_warnings(_page(at, page)), page
        assert not [b for b in at.button if b.key == "balance_dismiss"]


def test_the_dashboard_says_nothing_of_a_clean_ledger(sample_ledger, dashboard_on):
    from streamlit.testing.v1 import AppTest

    dashboard_on(sample_ledger, strict=True)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception and not _ledger_warnings(at) and not at.error


@pytest.mark.parametrize("strict", [False, True])
def test_the_dashboard_refuses_what_the_commands_refuse(tmp, dashboard_on, strict):
    from streamlit.testing.v1 import AppTest

    ledger = partial(tmp / "ledger") if strict else orgs_not_a_workbook(tmp / "ledger")
    dashboard_on(ledger, strict)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    (error,) = [e.value.replace("\\", "") for e in at.error]
    assert ("--strict: the ledger has 1 error" if strict else "orgs.xlsx") in error
    assert not at.metric and not _ledger_warnings(at)


# ---------------------------------------------------------------- the documented exit codes

ROOT = Path(__file__).resolve().parent.parent


def test_the_documented_exit_codes_are_those_the_commands_return(tmp, sample_ledger, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d+) \| (.+) \|$", readme, re.MULTILINE))
    ledger_md = (ROOT / "docs" / "ledger.md").read_text(encoding="utf-8")
    codes = ledger_md.split("Exit codes of every command:")[1]
    assert sorted(table, key=int) == re.findall(r"\*\*(\d+)\*\*", codes) == ["0", "1", "2", "130"]
    assert "--fail-on-gaps" in table["1"] and "--strict" in table["2"]
    partly, refused = partial(tmp / "partly"), orgs_not_a_workbook(tmp / "refused")
    returns = {
        0: [["gaps", sample_ledger], ["stats", partly], ["validate", sample_ledger]],
        1: [["gaps", sample_ledger, "--fail-on-gaps"], ["validate", partly]],
        2: [
            ["gaps", refused, "--fail-on-gaps"],
            ["stats", partly, "--strict"],
            ["gaps", sample_ledger, "--no-such-option"],
            ["gaps", sample_ledger, "--param", "no_equals"],
            ["gaps", sample_ledger, "--as-of", "2026-13-01"],
            ["stats", tmp / "missing"],
            ["export", "rdf", sample_ledger, "--out", tmp / "missing" / "x.ttl"],
        ],
    }
    for code, commands in returns.items():
        for args in commands:
            assert run(args).exit_code == code, (code, args)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    cli_app = sys.modules["lianjian.cli.app"]  # the module (lianjian.cli.app is the Typer app)
    monkeypatch.setattr(cli_app, "app", interrupted)
    with pytest.raises(SystemExit) as ended:
        cli_app.main()
    assert ended.value.code == 130
