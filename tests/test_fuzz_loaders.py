"""Fuzzing the ledger readers (Hypothesis): random bytes, and random rows that are
well formed but wrong, into CSV files and XLSX workbooks. Whatever comes in, the
loader returns a report (it never raises but for a ledger it cannot open at all),
rows in = loaded + rejected, and what it counts as loaded is what the graph holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianjian.core.schema import SCHEMA
from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.read import LedgerError
from tests.ledgers import REGIONS as LEDGER_REGIONS
from tests.ledgers import csv_text, write_ledger

FUZZ = settings(
    max_examples=int(os.environ.get("LIANJIAN_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REGIONS = csv_text(LEDGER_REGIONS[:4])  # district, street, community
IDS = ["R1", "R2", "R3", "007", "7", "O1", "U1", "B1", "M1", "X", ""]
TABLES = ["regions", "buildings", "units", "orgs", "members", "links"]


def check(data) -> None:
    """The invariants of every report, whatever the input."""
    report = data.report
    assert report.balanced
    node_files = {f for f in report.loaded if not _is_links(f)}
    assert len(data.nodes) == sum(report.loaded[f] for f in node_files)
    links = [e for e in data.edges if "ledger_row" in e.props]
    assert len(links) == sum(report.loaded[f] for f in report.loaded if _is_links(f))
    for file, n in report.rejected.items():
        if n:  # every rejection has its reason
            assert any(p.file == file and p.severity == "error" for p in report.problems), file
    for node_id, (label, props) in data.nodes.items():
        assert label in SCHEMA.nodes and props["id"] == node_id and props.get("name")


def _is_links(file: str) -> bool:
    return file.startswith(("links", "关系")) or "[links]" in file


def load(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, body in files.items():
            (folder / name).write_bytes(body)
        return load_ledger(folder)


# ---------------------------------------------------------------- random bytes


@FUZZ
@given(body=st.binary(max_size=4000), table=st.sampled_from(TABLES))
def test_random_bytes_as_a_csv_table(body, table):
    check(load({"regions.csv": REGIONS.encode(), f"{table}.csv": body}))


@FUZZ
@given(
    lines=st.lists(
        st.lists(st.text(max_size=12), max_size=6).map(",".join), min_size=1, max_size=12
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    table=st.sampled_from(TABLES),
)
def test_random_text_in_any_encoding(lines, encoding, table):
    body = "\n".join(lines).encode(encoding, errors="replace")
    check(load({"regions.csv": REGIONS.encode(), f"{table}.csv": body}))


@FUZZ
@given(body=st.binary(max_size=3000), zip_header=st.booleans())
def test_random_bytes_as_a_workbook(body, zip_header):
    body = (b"PK\x03\x04" if zip_header else b"") + body
    check(load({"regions.csv": REGIONS.encode(), "orgs.xlsx": body}))
    with tempfile.TemporaryDirectory() as tmp:
        single = Path(tmp) / "ledger.xlsx"
        single.write_bytes(body)
        try:
            check(load_ledger(single))
        except LedgerError as e:  # the whole ledger is this workbook: one clear message
            assert str(e).startswith("ledger.xlsx: ")


# ---------------------------------------------------------------- well formed, wrong


def headers_of(table: str) -> list[str]:
    """Every spelling a header may take: English, Chinese, full width, with a note."""
    props = SCHEMA.table_properties(table)
    out = []
    for name, p in props.items():
        out += [name, p.zh, name.upper(), "".join(chr(ord(c) + 0xFEE0) for c in name)]
        out.append(f"{p.zh}(必填)*")
    return out + ["备注", "自定义", ""]


def cell_values() -> st.SearchStrategy:
    enum_words = [a for e in SCHEMA.enums.values() for v in e for a in (v,)]
    return st.one_of(
        st.sampled_from(IDS),
        st.sampled_from(enum_words + ["住宅", "党支部", "软弱涣散", "是", "否", "√", "男"]),
        st.sampled_from(["2024-05-01", "2024/13/45", "2024年5月1日", "45413", "45413.5", "0"]),
        st.sampled_from(["R1;R2", "R1；R9、O1", ",,;", "1e400", "nan", "-5", "1,000"]),
        st.text(max_size=20),
        st.text(alphabet="\"'\\{}`$;\n\r\t\x00 ", max_size=8),
        st.integers(0, 6000).map(lambda n: "长" * n),
    )


@st.composite
def wrong_tables(draw) -> dict[str, list[list[str]]]:
    tables = {}
    for table in draw(st.lists(st.sampled_from(TABLES), min_size=1, max_size=4, unique=True)):
        header = draw(st.lists(st.sampled_from(headers_of(table)), min_size=1, max_size=9))
        rows = draw(st.lists(st.lists(cell_values(), max_size=len(header) + 2), max_size=8))
        tables[table] = [header, *rows]
    return tables


@FUZZ
@given(tables=wrong_tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_wrong_rows_in_csv_files(tables, encoding):
    with tempfile.TemporaryDirectory() as tmp:
        ledger = write_ledger(Path(tmp), {"regions": REGIONS, **tables}, encoding=encoding)
        check(load_ledger(ledger))


def typed(value: str, kind: int):
    """A cell as Excel holds it: text, a number, a date, a boolean or nothing."""
    digits = value.lstrip("-")
    if kind == 1 and digits.isascii() and digits.isdigit() and len(value) < 15:  # not "²"
        return int(value)
    if kind == 2:
        return dt.datetime(2024, 5, 1) if value else dt.date(1900, 1, 1)
    if kind == 3:
        return bool(value)
    if kind == 4:
        return None
    if kind == 5:
        return "=" + ("1+1" if value else "#REF!")
    return "".join(c for c in value if c >= " " or c in "\t\n")  # XML cannot hold the rest


@FUZZ
@given(tables=wrong_tables(), kinds=st.lists(st.integers(0, 5), min_size=1, max_size=40))
def test_wrong_rows_in_a_workbook(tables, kinds):
    sheets = {"说明": [], "区划": REGIONS}
    for n, (table, rows) in enumerate(tables.items()):
        sheets[table if table != "regions" else "regions 区划"] = [
            [typed(v, kinds[(i + j + n) % len(kinds)] if i else 0) for j, v in enumerate(row)]
            for i, row in enumerate(rows)
        ]
    with tempfile.TemporaryDirectory() as tmp:
        check(load_ledger(write_ledger(Path(tmp), sheets, xlsx=True)))


@FUZZ
@given(
    st.text(alphabet=st.sampled_from(list('ab,"中 \r\n\x0b\x1c\x85\u2028\u2029\t')), max_size=60)
)
def test_line_splitting_is_that_of_open_with_newline_empty(text):
    """The reader's own line splitting gives the lines, and the CSV rows, of
    ``io.StringIO(text, newline="")``: \\r\\n, \\r and \\n end a line, nothing else does."""
    from lianjian.loaders.read import lines

    assert list(lines(text)) == list(io.StringIO(text, newline=""))

    def rows(src):
        try:
            return list(csv.reader(src))
        except csv.Error as e:
            return ("error", str(e))

    assert rows(lines(text)) == rows(io.StringIO(text, newline=""))
