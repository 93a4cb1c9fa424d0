"""A value that is invalid is reported, never replaced: no default for a refused cell, no
guess for a year alone, no number read from text that is not one, bounds from the schema
(some relative to a day the caller gives), dates in order, no link of an entity to itself.
The bad-input corpus holds one ledger per class; these tests hold the rules one by one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from lianjian.core.schema import SCHEMA, Property, load_schema
from lianjian.graph.embedded import store as embedded_store
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders import fingerprint
from lianjian.loaders.ledger import load_ledger
from lianjian.loaders.values import BadValue, parse_date, parse_value
from lianjian.queries.gaps.find import find_gaps
from tests.ledgers import REGIONS, write_ledger
from tests.test_schema_doc import SCHEMA_TEXT

TODAY = dt.date(2026, 12, 1)
MEMBER = SCHEMA.nodes["Member"].properties
BUILDING = SCHEMA.nodes["Building"].properties
ORG = SCHEMA.nodes["PartyOrg"].properties


def refused(text: str, prop: Property, today: dt.date = TODAY) -> str:
    with pytest.raises(BadValue) as e:
        parse_value(text, prop, today)
    return str(e.value)


@pytest.mark.parametrize("text", ["2025", "1905", "2025年", "９９９９"])
def test_a_year_alone_is_no_date_and_no_excel_serial(text):
    with pytest.raises(BadValue, match="a year alone is not a date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["2024-05", "2024/5", "2024年5月"])
def test_a_month_alone_is_no_date(text):
    with pytest.raises(BadValue, match="a month alone is not a date"):
        parse_date(text)


def test_a_date_in_full_width_digits_but_no_superscript():
    assert parse_date("２０２４年５月１日") == "2024-05-01"
    with pytest.raises(BadValue, match="not a date"):
        parse_date("2024-05-1²")


def test_a_year_typed_into_a_date_cell_is_refused_and_named(tmp_path):
    """Excel stores 2025 typed into a cell formatted as a date as the serial 2025: the
    workbook holds 1905-07-17. Earlier than any organisation, so refused, with the hint."""
    wb = Workbook()
    wb.active.title = "区划"
    for row in REGIONS:
        wb.active.append(row)
    orgs = wb.create_sheet("党组织")
    orgs.append(["编号", "名称", "类型", "成立日期"])
    orgs.append(["O1", "甲支部", "branch", 2025])
    orgs["D2"].number_format = "yyyy/m/d"
    wb.save(tmp_path / "ledger.xlsx")
    data = load_ledger(tmp_path / "ledger.xlsx", today=TODAY)
    assert "founded" not in data.nodes["O1"][1]
    assert [p.reason for p in data.report.problems] == [
        "before the earliest 1921-07-01; the year 2025 typed into a date cell reads as "
        "1905-07-17: value dropped"
    ]


def test_five_digits_are_an_excel_serial():
    assert parse_date("45413") == "2024-05-01"
    assert parse_date("10000.0") == "1927-05-18"


@pytest.mark.parametrize(
    ("text", "value"),
    [("40", 40), ("40.0", 40), ("1,234", 1234), ("１，２３４", 1234), ("１２", 12), ("+7", 7)],
)
def test_whole_numbers_as_people_write_them(text, value):
    assert parse_value(text, BUILDING["households"], TODAY) == value


@pytest.mark.parametrize(
    "text", ["1,2", "12,34", "1e3", "٤٠", "1_0", "4.5", "0x10", "40户", "4²", "①", "½"]
)
def test_text_that_is_not_a_whole_number_is_refused(text):
    assert refused(text, BUILDING["households"]) == "not a whole number"


def test_a_long_whole_number_keeps_every_digit():
    plain = Property("n", "int", "", "")
    assert parse_value("12345678901234567891", plain) == 12345678901234567891


@pytest.mark.parametrize("text", ["1_0", "inf", "nan", "٣٠", "30,5"])
def test_text_that_is_not_a_number_is_refused(text):
    assert refused(text, BUILDING["lat"]) in ("not a number", "not a finite number")


@pytest.mark.parametrize(
    ("prop", "text", "reason"),
    [
        (BUILDING["households"], "-3", "below the minimum 0"),
        (BUILDING["households"], "99999", "above the maximum 10000"),
        (BUILDING["lat"], "0", "below the minimum 3"),
        (BUILDING["lon"], "0", "below the minimum 73"),
        (SCHEMA.nodes["Unit"].properties["party_members"], "1000000", "above the maximum 100000"),
        (ORG["founded"], "1911-10-10", "before the earliest 1921-07-01"),
        (ORG["founded"], "2026-12-02", "after the latest 2026-12-01 (today)"),
        (ORG["term_end"], "2036-12-02", "after the latest 2036-12-01 (10 years after today)"),
        (MEMBER["birth_year"], "2009", "above the maximum 2008 (18 years before this year)"),
        (MEMBER["birth_year"], "1899", "below the minimum 1900"),
    ],
)
def test_bounds_from_the_schema(prop, text, reason):
    assert refused(text, prop) == reason


def test_a_bound_relative_to_today_follows_the_day_given():
    assert parse_value("2008", MEMBER["birth_year"], TODAY) == 2008
    assert "above the maximum 1992" in refused("2008", MEMBER["birth_year"], dt.date(2010, 1, 1))
    assert parse_value("2026-12-01", ORG["founded"], TODAY) == "2026-12-01"
    assert parse_value("2027-06-01", ORG["founded"], dt.date(2027, 6, 1)) == "2027-06-01"
    leap = Property("d", "date", "", "", max="today+1")
    assert leap.bound("max", dt.date(2024, 2, 29)) == "2025-02-28"


def test_the_loader_takes_today_from_its_caller(tmp_path):
    ledger = write_ledger(
        tmp_path,
        {"regions": REGIONS, "members": [["id", "name", "birth_year"], ["M1", "张三", "2015"]]},
    )
    then = load_ledger(ledger, today=dt.date(2040, 1, 1))
    assert then.nodes["M1"][1]["birth_year"] == 2015 and not then.report.problems
    now = load_ledger(ledger, today=TODAY)
    assert "birth_year" not in now.nodes["M1"][1]
    assert [(p.reason, p.value) for p in now.report.problems] == [
        (
            "above the maximum 2008 (18 years before this year): value dropped",
            "(personal data hidden)",
        )
    ]


def full_members_ledger(tmp_path, third_status: str):
    """A unit with three listed members; the third one's status as given."""
    return write_ledger(
        tmp_path,
        {
            "regions": REGIONS,
            "units": [["id", "name", "kind", "location"], ["U1", "甲公司", "private", "R4"]],
            "members": [
                ["id", "name", "status", "unit"],
                ["M1", "张三", "full", "U1"],
                ["M2", "李四", "", "U1"],
                ["M3", "王五", third_status, "U1"],
            ],
        },
    )


def test_a_refused_status_gets_no_default_and_is_no_full_member(tmp_path):
    data = load_ledger(full_members_ledger(tmp_path / "bad", "发展对象"))
    assert data.nodes["M2"][1]["status"] == "full"  # an empty cell: the default
    assert "status" not in data.nodes["M3"][1]  # a refused one: absent
    assert [p.reason.endswith(": value dropped") for p in data.report.problems] == [True]
    store = EmbeddedStore()
    store.write(data)
    assert (
        find_gaps(store, "2026-06-30", rules=["unit_needs_own_org"]).ids("unit_needs_own_org") == []
    )
    good = load_ledger(full_members_ledger(tmp_path / "good", "正式党员"))
    store = EmbeddedStore()
    store.write(good)
    assert find_gaps(store, "2026-06-30", rules=["unit_needs_own_org"]).ids(
        "unit_needs_own_org"
    ) == ["U1"]


def test_roles_all_refused_leave_no_empty_list(tmp_path):
    ledger = write_ledger(
        tmp_path,
        {"regions": REGIONS, "members": [["id", "name", "roles"], ["M1", "张三", "组长;副组长"]]},
    )
    data = load_ledger(ledger)
    assert "roles" not in data.nodes["M1"][1]
    assert len(data.report.problems) == 2


def test_dates_in_order(tmp_path):
    ledger = write_ledger(
        tmp_path,
        {
            "regions": REGIONS,
            "orgs": [
                ["id", "name", "kind", "founded", "term_end"],
                ["O1", "甲支部", "branch", "2024-05-01", "2023-05-01"],
                ["O2", "乙支部", "branch", "2024-05-01", "2029-05-01"],
            ],
            "links": [
                ["source", "target", "kind", "since", "until"],
                ["O1", "O2", "joint_build", "2024-01-01", "2023-12-31"],
                ["O2", "O1", "joint_build", "2024-01-01", "2024-01-01"],
            ],
        },
    )
    data = load_ledger(ledger, today=TODAY)
    assert "term_end" not in data.nodes["O1"][1] and data.nodes["O1"][1]["founded"]
    assert data.nodes["O2"][1]["term_end"] == "2029-05-01"
    assert [(e.source, e.target) for e in data.edges if e.type == "JOINT_BUILD"] == [("O2", "O1")]
    assert data.report.rejected["links.csv"] == 1 and data.report.balanced
    assert [(p.file, p.row, p.severity) for p in data.report.sorted_problems()] == [
        ("links.csv", 2, "error"),
        ("orgs.csv", 2, "warning"),
    ]


def test_links_and_parents_to_oneself(tmp_path):
    ledger = write_ledger(
        tmp_path,
        {
            "regions": [*REGIONS, ["R5", "自己的上级", "street", "R5"]],
            "orgs": [["id", "name", "kind", "parent"], ["O1", "甲支部", "branch", "O1"]],
            "links": [["source", "target", "kind"], ["O1", "O1", "joint_build"]],
        },
    )
    data = load_ledger(ledger)
    assert not [e for e in data.edges if e.source == e.target]
    assert data.report.totals == (7, 6, 1)
    assert sorted(p.reason for p in data.report.problems) == [
        "a link from O1 to itself: link rejected",
        "a reference from O1 to itself: relationship dropped",
        "a reference from R5 to itself: relationship dropped",
    ]


def test_the_schema_refuses_an_alias_of_two_values():
    text = SCHEMA_TEXT.replace("aliases: [预备党员, 预备]", "aliases: [预备党员, 预备, 正式]")
    with pytest.raises(ValueError, match="names both full and probationary"):
        load_schema(text)


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("min: 1900, max: today-18", "min: 1900, max: soon", "bound 'soon' of birth_year"),
        ("min: 0, max: 10000", "min: 0, max: 1921-07-01", "of households does not fit"),
        ("not_before: since", "not_before: sinse", "until is not_before sinse"),
    ],
)
def test_the_schema_refuses_bounds_that_do_not_fit(old, new, match):
    assert old in SCHEMA_TEXT
    with pytest.raises(ValueError, match=match):
        load_schema(SCHEMA_TEXT.replace(old, new))


def test_a_load_of_another_day_is_no_cached_one(monkeypatch):
    """The embedded cache is kept per day, as the bounds relative to today may judge the
    same ledger differently on another day; the ledger's fingerprint (what Neo4j's marker
    compares) is its content alone, so a database is not "another ledger" the next day."""
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    key, content = embedded_store.cache_key(sample), fingerprint.ledger_fingerprint(sample)
    assert embedded_store.cache_key(sample) == key

    class Later(dt.date):
        @classmethod
        def today(cls):
            return dt.date(2099, 1, 1)

    monkeypatch.setattr(embedded_store, "dt", SimpleNamespace(date=Later))
    assert embedded_store.cache_key(sample) != key
    assert fingerprint.ledger_fingerprint(sample) == content
