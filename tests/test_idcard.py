"""Citizen ID numbers: the check character, the birth date and gender read from a number,
the 15-digit form, the keyed id, and how the members table uses them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import pytest

from lianjian.core.idcard import (
    BadCard,
    card_id,
    card_problem,
    check_char,
    masked,
    read_card,
    scrub,
)
from lianjian.core.privacy import member_token, pseudonym_key
from lianjian.core.schema import SCHEMA
from lianjian.loaders.ledger import load_ledger
from tests.fixtures.bad.make_idcards import check, number, wrong_check
from tests.ledgers import REGIONS, write_ledger

# the number GB 11643 gives as its example of the check character
PUBLISHED = ["11010519491231002X"]


@pytest.mark.parametrize("n", PUBLISHED)
def test_published_examples_are_valid(n):
    assert check_char(n[:17]) == n[17]
    assert card_problem(n) is None


def test_the_check_character_agrees_with_the_iterative_form_of_iso_7064():
    for i in range(2000):
        first17 = f"{(i * 7919) % 999999:06d}19{i % 100:02d}0101{i % 1000:03d}"
        assert check_char(first17) == check(first17)
    assert {check_char(f"1101051949123100{d}") for d in "0123456789"} >= {"X"}


def test_birth_date_and_gender():
    man = read_card(number("420102", "19800229", "011"))  # a leap day; 1 is odd
    assert (man.birth, man.gender) == (dt.date(1980, 2, 29), "male")
    woman = read_card(number("420102", "19991231", "020"))
    assert (woman.birth, woman.gender) == (dt.date(1999, 12, 31), "female")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (wrong_check(number("420102", "19800101", "001")), "bad check character"),
        (number("420102", "19810229", "001"), "the birth date in it is no date"),
        (number("420102", "18991231", "001"), "before 1900 or still to come"),
        (number("420102", "20991231", "001"), "before 1900 or still to come"),
        ("4201021980010100", "16 characters"),
        ("4201021980010100123", "19 characters"),
        ("42010219800101001Y", "17 digits and a digit or X"),
        ("4201025001011X3", "only digits"),
        ("420102501301123", "no date"),  # a 15-digit number of month 13
    ],
)
def test_invalid_numbers_say_why_without_quoting_them(text, why):
    with pytest.raises(BadCard) as e:
        read_card(text, today=dt.date(2026, 12, 1))
    assert why in str(e.value)
    for j in range(len(text) - 5):
        assert text[j : j + 6] not in str(e.value)  # not even its region code or birth date


def test_a_15_digit_number_is_its_18_character_form():
    old = "420102500101123"
    card = read_card(old)
    assert card.number == number("420102", "19500101", "123")
    assert (card.birth, card.gender) == (dt.date(1950, 1, 1), "male")
    assert card_id(old, b"k") == card_id(card.number, b"k")


def test_spelling_does_not_change_the_number():
    n = "11010519491231002X"
    assert read_card("１１０１０５ 19491231-002ｘ").number == n
    assert read_card(n.lower()).number == n


def test_the_id_is_a_keyed_hash_apart_from_a_pseudonym():
    n = PUBLISHED[0]
    digest = hmac.new(b"k", ("公民身份号码:" + n).encode(), hashlib.sha256).hexdigest()
    assert card_id(n, b"k") == "M-" + digest[:16]
    assert card_id(n, b"other") != card_id(n, b"k")
    assert card_id(n, b"k")[2:] != member_token(n, b"k")  # not the pseudonym of the number


def test_nothing_shows_the_number():
    n = PUBLISHED[0]
    assert masked(n) == "*" * 18 and masked(" 123 ") == "***"
    card = read_card(n)
    assert n not in repr(card) and n not in str(card)


def test_headers_are_schema_data():
    columns = SCHEMA.consumed_columns["members"]
    assert columns["id_card"]["use"] == "id_card"
    assert {"身份证号", "身份证号码"} <= set(columns["id_card"]["aliases"])
    assert columns["id_card"]["zh"] == "公民身份号码"
    assert (columns["phone"]["use"], columns["address"]["use"]) == ("drop", "address")


def _roster(folder, rows, header=("姓名", "所在党组织", "身份证号")):
    tables = {
        "regions": REGIONS,
        "orgs": [["id", "name", "kind", "covers"], ["O1", "甲支部", "branch", "R4"]],
        "members": [list(header), *rows],
    }
    return load_ledger(write_ledger(folder, tables))


def test_derived_ids_do_not_depend_on_row_order_or_the_header_spelling(tmp_path):
    rows = [
        ["张三", "O1", number("420102", "19800101", "001")],
        ["李四", "O1", number("420102", "19850101", "002")],
    ]
    first = _roster(tmp_path / "a", rows)
    again = _roster(tmp_path / "b", rows[::-1], ("姓名", "所在党组织", "公民身份号码"))
    ids = {k: p["name"] for k, (label, p) in first.nodes.items() if label == "Member"}
    assert ids == {k: p["name"] for k, (label, p) in again.nodes.items() if label == "Member"}
    assert all(k.startswith("M-") for k in ids) and len(ids) == 2
    assert first.report.problems == []


def test_an_id_column_wins_and_the_number_still_fills_empty_cells(tmp_path):
    n = number("420102", "19800101", "002")  # a woman born 1980
    header = ("编号", "姓名", "性别", "出生年份", "身份证号")
    data = _roster(tmp_path, [["M1", "张三", "", "", n], ["M2", "李四", "男", "1981", n]], header)
    assert data.nodes["M1"][1]["gender"] == "female" and data.nodes["M1"][1]["birth_year"] == 1980
    assert data.nodes["M2"][1]["gender"] == "male" and data.nodes["M2"][1]["birth_year"] == 1981
    reasons = sorted((p.row, p.column, p.reason) for p in data.report.problems)
    assert reasons == [
        (3, "出生年份", "birth_year differs from the citizen ID number's: the column's kept"),
        (3, "性别", "gender differs from the citizen ID number's: the column's kept"),
    ]
    assert all(n not in repr(p) for p in data.nodes.values())


def test_a_number_of_someone_under_18_fills_no_birth_year(tmp_path):
    n = number("420102", "20200101", "001")
    data = _roster(tmp_path, [["张三", "O1", n]])
    (member,) = [p for label, p in data.nodes.values() if label == "Member"]
    assert "birth_year" not in member and member["gender"] == "male"
    (problem,) = data.report.problems
    assert problem.reason.startswith("birth_year from the citizen ID number: above the maximum")
    assert problem.severity == "warning"


def test_scrub_masks_id_and_phone_numbers_only():
    n, old = PUBLISHED[0], "420102500101123"
    text = f"张三{n}，{old}; 13900000001 x{n.lower()}"
    assert scrub(text) == f"张三{'*' * 18}，{'*' * 15}; {'*' * 11} x{n.lower()}"
    kept = "O1 2024-05-01 1234567890123456 12345678901234567890 23900000001 R3"
    assert scrub(kept) == kept  # 16 and 20 digits, a non-mobile 11: no ID or phone number


def test_a_number_typed_as_an_id_is_replaced_by_its_keyed_id_everywhere(tmp_path):
    n = number("420102", "19800101", "002")  # a woman born 1980
    bad = wrong_check(number("420102", "19800101", "004"))
    tables = {
        "regions": REGIONS,
        "units": [["id", "name", "kind"], ["U1", "甲公司", "private"]],
        "orgs": [
            ["id", "name", "kind", "covers", "secretary"],
            ["O1", "甲支部", "branch", "R4", n],
            ["O2", "乙支部", "branch", "R4", bad],
        ],
        "members": [["编号", "姓名", "所在党组织"], [n, "张三", "O1"]],
        "links": [["source", "target", "kind"], [n, "U1", "guides"]],
    }
    data = load_ledger(write_ledger(tmp_path, tables))
    (member,) = [k for k, (label, _) in data.nodes.items() if label == "Member"]
    assert member == card_id(n, pseudonym_key())
    assert data.nodes[member][1]["gender"] == "female"
    assert data.nodes[member][1]["birth_year"] == 1980
    edges = {(e[0], e[1], e[2]) for e in data.edges}
    assert {("SECRETARY_OF", member, "O1"), ("GUIDES", member, "U1")} <= edges
    assert ("MEMBER_OF", member, "O1") in edges
    problems = [(p.file, p.row, p.value, p.reason) for p in data.report.problems]
    assert (
        "members.csv",
        2,
        "*" * 18,
        "the id is a citizen ID number: its keyed hash is the id",
    ) in problems
    missing = [p for p in data.report.problems if p.file == "orgs.csv"]
    assert [(p.row, p.value) for p in missing] == [(3, "*" * 18)]
    assert "*" * 18 in missing[0].reason  # the reason names the reference, masked
    text = repr(data.nodes) + repr(data.edges) + repr(data.report.problems)
    for secret in (n, bad, n[:17], bad[:17]):
        assert secret not in text


def test_a_15_digit_code_of_a_grid_is_no_person(tmp_path):
    grid = "420102001001001"  # digits 7-12 read as 1900-10-01: a 15-digit number's shape
    assert card_problem(grid) is None
    regions = [*REGIONS, [grid, "二网格", "grid", "R3"]]
    tables = {
        "regions": regions,
        "buildings": [["id", "name", "kind", "grid"], ["B1", "1号楼", "住宅", grid]],
        "units": [["id", "name", "kind"], ["U1", "甲公司", "private"]],
        "links": [["source", "target", "kind"], ["U1", grid, "contact"]],
    }
    data = load_ledger(write_ledger(tmp_path, tables))
    edges = {(e[0], e[1], e[2]) for e in data.edges}
    assert {("IN_GRID", "B1", grid), ("CONTACTS", "U1", grid)} <= edges


def test_a_graph_read_under_another_pseudonym_key_is_not_the_cached_one(monkeypatch):
    from lianjian.graph.embedded.store import cache_key

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    first = cache_key(sample)
    assert cache_key(sample) == first
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "another-key")
    assert cache_key(sample) != first  # its ids from ID numbers would be another key's
    assert "another-key" not in cache_key(sample)


def test_a_number_typed_into_a_workbook_as_a_number_says_why_it_broke(tmp_path):
    n = number("420102", "19800101", "001")
    members = [["姓名", "身份证号"], ["张三", int(n[:17] + "1")]]  # Excel rounds it: 15 digits
    data = load_ledger(write_ledger(tmp_path, {"regions": REGIONS, "members": members}, xlsx=True))
    (p,) = data.report.problems
    assert p.reason.endswith("(a workbook keeps 15 digits of a number: format the column as text)")
    assert p.value == "*" * 18 and p.severity == "error"
