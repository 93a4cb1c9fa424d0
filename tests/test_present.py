"""The presentation layer: escaping in one place (CSV formulas, terminal control
sequences and rich markup), a fix rendered per language from its structure, and
member names in a fix only when asked for."""

from __future__ import annotations

import csv
import datetime as dt
import io

from rich.console import Console

from lianjian.core.privacy import pseudonym
from lianjian.present.escape import csv_cell, terminal_text
from lianjian.present.formats import csv_bytes, csv_text, json_text
from lianjian.present.gaps import fix_text, gaps_blocks, gaps_csv, item_rows, member_ids
from lianjian.present.table import Column, Styled, Table, to_rich
from lianjian.queries.gaps.find import Fix, GapItem, GapResult

NAMES = {"M1": "王 / 五", "M2": '=HYPERLINK("x")'}
FIX = Fix(
    zh="楼内居住正式党员{count}名，可建党小组，候选组长：{members}",
    en="{count} full members live here: set up a party group; candidate leaders: {members}",
    values=(("count", 2),),
    members=("M1", "M2"),
)


def result() -> GapResult:
    item = GapItem("B1", "=1+1", "原因", "reason", FIX, "S1", "街道")
    return GapResult(dt.date(2026, 6, 30), {"building_without_group": [item]})


def printed(renderable) -> str:
    console = Console(file=io.StringIO(), width=200, color_system="truecolor", force_terminal=True)
    console.print(renderable)
    return console.file.getvalue()


def test_csv_cells_that_would_run_as_formulas_are_neutralised():
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(bad) == "'" + bad
    assert csv_cell(-1.5) == -1.5 and csv_cell(None) == "" and csv_cell(["a", "b"]) == "a;b"
    rows = list(csv.reader(io.StringIO(csv_text(["a", "b"], [["=cmd", 3]]))))
    assert rows == [["a", "b"], ["'=cmd", "3"]]
    body = csv_bytes([{"x": "@x", "y": None}], ["x", "y"])
    assert body.startswith("\ufeff".encode()) and body.decode("utf-8-sig") == "x,y\r\n'@x,\r\n"


def test_gaps_csv_neutralises_a_name_that_is_a_formula():
    rows = list(csv.DictReader(io.StringIO(gaps_csv(result()))))
    assert rows[0]["name"] == "'=1+1"


def test_terminal_text_strips_escape_sequences_and_markup():
    hostile = "a\x1b[31mred\x1b]0;title\x07\x1b[2J[bold]b[/bold]\x07\x00c"
    assert terminal_text(hostile) == "ared\\[bold]b\\[/bold]c"
    table = Table("t", [Column("name")])
    table.add(hostile)
    table.add(Styled("[x]", "red"))
    shown = printed(to_rich(table))
    assert "\x1b]0;" not in shown and "\x1b[2J" not in shown and "\x07" not in shown
    assert "[bold]b[/bold]" in shown  # the markup printed as written, not applied
    assert "[x]" in shown and "\x1b[31m" in shown  # a styled cell keeps its style


def test_json_text_is_indented_and_keeps_chinese():
    assert json_text({"a": ["中"]}) == '{\n  "a": [\n    "中"\n  ]\n}\n'


def test_a_fix_keeps_languages_and_member_ids_apart():
    assert FIX.members == ("M1", "M2")
    zh = fix_text(FIX, "zh", NAMES.__getitem__)
    en = fix_text(FIX, "en", NAMES.__getitem__)
    assert zh == '楼内居住正式党员2名，可建党小组，候选组长：王 / 五、=HYPERLINK("x")'
    assert en.endswith('candidate leaders: 王 / 五, =HYPERLINK("x")')
    # by default (and in to_dict, which JSON and CSV give) members are pseudonyms
    joined = result().to_dict()["rules"]["building_without_group"]["items"][0]["fix"]
    shown = f"{pseudonym('M1')}、{pseudonym('M2')}"
    assert joined == f"楼内居住正式党员2名，可建党小组，候选组长：{shown} / " + fix_text(FIX, "en")
    assert "王" not in joined and fix_text(None, "zh") == ""


def test_dashboard_rows_hold_each_language_of_the_fix_whole():
    rows = item_rows(result(), None, NAMES.__getitem__)["building_without_group"]
    assert rows[0]["fix_zh"].endswith('王 / 五、=HYPERLINK("x")')
    assert rows[0]["fix_en"].endswith('王 / 五, =HYPERLINK("x")')
    assert item_rows(result(), {"other"})["building_without_group"] == []
    assert member_ids(result()) == {"M1", "M2"}


def test_gap_tables_show_names_only_through_name_of():
    plain = "".join(printed(to_rich(b)) for b in gaps_blocks(result(), 20))
    named = "".join(printed(to_rich(b)) for b in gaps_blocks(result(), 20, NAMES.__getitem__))
    assert pseudonym("M1") in plain and "王 / 五" not in plain
    assert "王 / 五" in named


def test_the_invisible_characters_are_every_format_and_separator_character():
    import re
    import sys
    import unicodedata

    from lianjian.present.escape import INVISIBLE

    listed = re.compile(f"[{INVISIBLE}]")
    wanted = {
        c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp")
    }
    got = {c for c in range(sys.maxunicode + 1) if listed.match(chr(c))}
    # Unicode 15 made all of U+13430–U+1343F format characters; older Pythons know fewer
    assert wanted <= got and got - wanted <= set(range(0x13430, 0x13440))


def test_bidi_and_zero_width_characters_are_shown_not_hidden():
    from lianjian.present.escape import plain_text, rich_text

    assert plain_text("甲\u202e乙\u200b\u2066丙\t丁\r") == "甲<U+202E>乙<U+200B><U+2066>丙 丁"
    shown = printed(rich_text("[bold]:smile:[/x]"))
    assert "[bold]:smile:[/x]" in shown  # no markup, no emoji, no error


def test_a_cell_with_a_lone_carriage_return_is_quoted():
    text = csv_text(["a", "b"], [["x\ry", "=z"]])
    assert text == 'a,b\n"x\ry",\'=z\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["a", "b"], ["x\ry", "'=z"]]


def test_json_text_escapes_what_a_terminal_would_act_on_and_keeps_the_values():
    import json

    value = {"n": "甲\x9b31m\u202e\x1b[2J\u200b\U000e0041"}
    text = json_text(value)
    assert all(ord(c) < 0x7F or (c.isprintable() and ord(c) > 0x9F) for c in text if c != "\n")
    assert "甲" in text and json.loads(text) == value
