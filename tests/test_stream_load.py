"""The streaming load (lianjian.loaders.stream) gives the model load's report and graph:
the same problems (file, row, column, value, reason, severity), counts and balance, and
the same rows for Neo4j (every node's stored properties, every relationship); or it
says, before anything is written, what it does not handle yet."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianjian.core.schema import SCHEMA
from lianjian.graph.neo4j.streamed import StreamedRows
from lianjian.graph.neo4j.writes import GraphRows
from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.read import LedgerError
from lianjian.loaders.stream import NotStreamable, stream_ledger
from tests.ledgers import REGIONS, csv_text, write_ledger
from tests.random_ledgers import list_ledgers, with_headers
from tests.stream_ledgers import inject_faults, read_table, write_table
from tests.test_fuzz_loaders import wrong_tables

ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(
    max_examples=int(os.environ.get("LIANJIAN_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(autouse=True)
def _pseudonyms(monkeypatch):
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "stream-test-key")


def rows_of(graph, with_names: bool = False):
    """What a load sends Neo4j: per label its node rows, per group its edge rows."""
    nodes = {
        label: sorted((r["id"], repr(sorted(r["props"].items()))) for b in g.batches(97) for r in b)
        for label, g in graph.node_groups(with_names).items()
    }
    edges = {
        key: sorted(repr(sorted(r.items())) for b in g.batches(89) for r in b)
        for key, g in graph.edge_groups()
    }
    return nodes, edges, graph.personal


def assert_same(ledger: Path) -> None:
    model = load_ledger(ledger)
    with stream_ledger(ledger) as streamed:
        assert streamed.report.to_dict(True) == model.report.to_dict(True)
        assert streamed.report.totals == model.report.totals
        assert rows_of(StreamedRows(streamed)) == rows_of(GraphRows(model, SCHEMA))
        assert rows_of(StreamedRows(streamed), True) == rows_of(GraphRows(model, SCHEMA), True)


@pytest.fixture(scope="module")
def generated(jingzhou_small) -> Path:
    return jingzhou_small


@pytest.fixture(scope="module")
def faulty(generated, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("faulty") / "ledger"
    shutil.copytree(generated, out)
    return inject_faults(out)


def test_a_generated_ledger_streams_to_the_same_report_and_rows(generated):
    assert_same(generated)


def test_a_faulty_ledger_streams_to_the_same_problems_and_rows(faulty):
    model = load_ledger(faulty)
    reasons = " | ".join(p.reason for p in model.report.problems)
    for fault in (
        "duplicate ID",
        "wrong level nesting",
        "to itself",
        "parent cycle",
        "expected PartyOrg",
        "duplicate link",
        "above the header",
        "is missing from the table",
        "not a ledger table name",
    ):
        assert fault in reasons  # the faults are there to compare
    assert model.report.totals[2] > 0
    assert_same(faulty)


def test_the_sample_ledger_streams_to_the_same_report_and_rows():
    assert_same(ROOT / "data" / "sample")


def test_the_index_file_is_removed_when_closed(generated, tmp_path):
    with stream_ledger(generated, folder=tmp_path) as streamed:
        assert [p.name for p in tmp_path.iterdir()] == [streamed.spill.path.name]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "make, says",
    [
        (
            lambda d: shutil.copy(ROOT / "data/sample-forms/党员和党组织基本信息.xlsx", d),
            "workbook",
        ),
        (lambda d: (d / "reports.csv").write_text("身份证号,报到社区\n", "utf-8"), "joined"),
        (lambda d: (d / "党员花名册.csv").write_text("姓名,性别\n", "utf-8"), "standard forms"),
        (lambda d: _set(d, "members", "所在党组织", "no-such-org"), "no id"),
        (lambda d: _set(d, "links", "源编号", "no-such-unit"), "no id"),
        (lambda d: _set(d, "orgs", "上级党组织", "中共某某支部委员会"), "no id"),
        (lambda d: _drop(d, "buildings", "编号"), "without ids"),
    ],
)
def test_what_is_not_streamed_yet_is_said_before_anything_is_written(
    generated, tmp_path, make, says
):
    ledger = tmp_path / "ledger"
    shutil.copytree(generated, ledger)
    make(ledger)
    with pytest.raises(NotStreamable, match=says):
        stream_ledger(ledger, folder=tmp_path).close()
    assert [p.name for p in tmp_path.iterdir()] == ["ledger"]  # no index left behind


def _set(folder: Path, table: str, header: str, value: str) -> None:
    """Set the cell of ``header`` in the table's first row with one."""
    rows = read_table(folder, table)
    at = rows[0].index(header)
    next(r for r in rows[1:] if r[at])[at] = value
    write_table(folder, table, rows)


def _drop(folder: Path, table: str, header: str) -> None:
    rows = read_table(folder, table)
    at = rows[0].index(header)
    write_table(folder, table, [r[:at] + r[at + 1 :] for r in rows])


def test_a_missing_ledger_is_the_model_loads_error(tmp_path):
    with pytest.raises(LedgerError, match="no such ledger"):
        stream_ledger(tmp_path / "missing", folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def _same_or_refused(ledger: Path) -> None:
    try:
        assert_same(ledger)
    except NotStreamable:
        return


@FUZZ
@given(tables=list_ledgers())
def test_random_ledgers_stream_to_the_same_report_or_are_refused(tables):
    with tempfile.TemporaryDirectory() as tmp:
        _same_or_refused(write_ledger(Path(tmp), with_headers(tables)))


@FUZZ
@given(tables=wrong_tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_wrong_rows_stream_to_the_same_report_or_are_refused(tables, encoding):
    with tempfile.TemporaryDirectory() as tmp:
        regions = csv_text(REGIONS[:4])
        tables = {"regions": regions, **tables}
        _same_or_refused(write_ledger(Path(tmp), tables, encoding=encoding))


# ---------------------------------------------------------------- the CSV file, read as it goes


def _table(f: Path, stream: bool):
    from lianjian.core.report import Report
    from lianjian.loaders.read import read_csv

    report = Report()
    known = {"编号", "名称", "层级", "id", "name", "level", "parent"}
    t = read_csv(f, f.name, "regions", known, report, stream)
    rows = None if t is None else (t.header, t.above, list(t.rows))
    return rows, report.to_dict(True)


TEXT = st.text(
    alphabet=st.sampled_from(list('编号,名称id\t"\r\n \x00a层级\ufeff\u2028')), max_size=80
)


@FUZZ
@given(
    text=TEXT,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    tail=st.binary(max_size=3),
)
def test_a_csv_file_read_as_it_goes_gives_the_rows_read_whole(text, encoding, tail):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "regions.csv"
        f.write_bytes(("编号,名称,层级\r\n" + text).encode(encoding, "replace") + tail)
        assert _table(f, True) == _table(f, False)


def test_a_utf8_file_is_never_read_whole(tmp_path, monkeypatch):
    f = tmp_path / "regions.csv"
    f.write_text('编号,名称,层级\r\nR1,沙市区,区\rR2,"中山\n街道",街道\n', "utf-8-sig")
    whole = _table(f, False)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    assert _table(f, True) == whole
    assert [r[1] for r in whole[0][2]] == [["R1", "沙市区", "区"], ["R2", "中山\n街道", "街道"]]


@pytest.mark.parametrize(
    "extra, says",
    [
        ([], "--stream loads into Neo4j: add --backend neo4j"),
        (["--neo4j", "--bulk"], "--bulk and --stream are two ways to load: give one"),
        (["--neo4j", "--source", "s", "--as-of", "2026-06-30"], "--stream is a plain load"),
    ],
)
def test_the_command_refuses_stream_where_it_does_not_apply(extra, says, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from lianjian.cli.app import app

    monkeypatch.setenv("LIANJIAN_STORE_DIR", str(tmp_path / "store"))
    result = CliRunner().invoke(app, ["load", str(ROOT / "data/sample"), "--stream", *extra])
    assert result.exit_code == 2 and says in result.output
    assert not (tmp_path / "store").exists()
