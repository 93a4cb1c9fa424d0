"""A column's remembered texts (lianjian.loaders.cells) read exactly as parse_value reads
them: the same value, or the same reason, the first time and every time after."""

from __future__ import annotations

import datetime as dt

import pytest

from lianjian.core.schema import SCHEMA
from lianjian.loaders.cells import MEMO_LIMIT, MEMO_TYPES, plan_table, remembered
from lianjian.loaders.values import BadValue, parse_value

DAY = dt.date(2026, 6, 30)
TEXTS = (
    "1980",
    "１９８０",
    "2020",
    "1,234",
    "1,2",
    "40.0",
    "3.5",
    "inf",
    "2024-05-01",
    "2024/5/1",
    "2024年5月1日",
    "20240501",
    "45000",
    "2025",
    "2024-02-30",
    "1980.05",
    "是",
    "否",
    "maybe",
    "正式党员",
    "formal",
    "党委",
    "x" * 5000,
    "abc",
)


def outcome(text, p, memo=None):
    try:
        return True, (
            remembered(text, p, memo, DAY) if memo is not None else parse_value(text, p, DAY)
        )
    except BadValue as e:
        return False, str(e)


def pure_properties():
    for table in SCHEMA.read_tables:
        for p in SCHEMA.table_properties(table).values():
            if p.type in MEMO_TYPES or p.pattern:
                yield table, p


def test_every_pure_column_reads_a_remembered_text_as_parse_value_does():
    checked = set()
    for table, p in pure_properties():
        memo: dict = {}
        for text in TEXTS:
            want = outcome(text, p)
            assert outcome(text, p, memo) == want, (table, p.name, text)
            assert outcome(text, p, memo) == want, (table, p.name, text)  # from the memo
        assert len(memo) == sum(len(t) <= 4000 for t in TEXTS)  # a 5,000-character cell is not kept
        checked.add(p.type)
    assert checked >= {"int", "float", "date", "bool", "enum"}


def test_a_refused_text_is_refused_again_with_its_reason():
    p = SCHEMA.table_properties("members")["birth_year"]
    memo: dict = {}
    for _ in range(2):
        with pytest.raises(BadValue, match="above the maximum 2008"):
            remembered("2020", p, memo, DAY)
    assert memo["2020"][0] is False


def test_a_column_of_unique_values_stops_growing():
    p = SCHEMA.table_properties("buildings")["lat"]
    memo: dict = {}
    for i in range(MEMO_LIMIT + 10):
        assert remembered(f"30.{i:06d}", p, memo, DAY) == float(f"30.{i:06d}")
    assert len(memo) == MEMO_LIMIT


def test_references_and_lists_are_read_each_time():
    """A reference or list value may be changed once read (an ID number made a member id,
    a form's unit renamed): it is never shared between rows."""
    props = SCHEMA.table_properties("members")
    known = dict(enumerate(props))
    plan = plan_table(known, {}, props, {})
    kinds = {c.name: c.kind for c in plan.columns.values()}
    for c in plan.columns.values():
        if c.prop.type in ("ref", "refs", "list"):
            assert c.memo is None, c.name
    assert kinds["id"] == "id" and kinds["name"] == "text"
    assert {n for n, p in props.items() if p.type == "ref"} <= {
        n for n, k in kinds.items() if k == "ref"
    }
