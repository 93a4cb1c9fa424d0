"""The schema is the one source: docs/ledger.md's tables are written from it, and the
region levels every module uses are the order of its ``region_level`` enumeration."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianjian.core.schema import SCHEMA, load_schema
from lianjian.core.schema_doc import BEGIN, END, ledger_tables, main, with_tables
from lianjian.core.text import fold
from lianjian.loaders.columns import header_index

PAGE = Path(__file__).resolve().parents[1] / "docs" / "ledger.md"
SCHEMA_TEXT = (Path(__file__).resolve().parents[1] / "lianjian/core/schema.yaml").read_text()


def sections(text: str) -> dict[str, str]:
    """Table name → its section of the generated Markdown."""
    out = {}
    for part in text.split("\n## "):
        head, _, body = part.lstrip("# ").partition("\n")
        out[head.split(" ")[0]] = body
    return out


def cells(section: str, column: str) -> list[str]:
    for line in section.splitlines():
        row = [c.strip() for c in line.strip("|").split("|")]
        if row[0] == column:
            return row
    raise AssertionError(f"no row for {column}")


def test_the_committed_page_holds_the_tables_the_schema_gives():
    page = PAGE.read_text("utf-8")
    assert page.count(BEGIN) == 1 and page.count(END) == 1
    assert with_tables(page) == page, "run: python -m lianjian.core.schema_doc docs/ledger.md"
    assert ledger_tables() in page


def test_the_prose_around_the_tables_is_kept():
    page = PAGE.read_text("utf-8")
    stale = page.replace("| id | 编号 |", "| id | 编号号 |", 1)
    rewritten = with_tables(stale)
    assert rewritten == page
    assert rewritten.startswith("# 台账格式 The ledger format")
    assert "## Personal data" in rewritten.split(END)[1]


def test_every_header_spelling_the_loaders_accept_is_in_its_table():
    parts = sections(ledger_tables())
    assert list(parts) == list(SCHEMA.read_tables)
    index = header_index(SCHEMA)
    for table, spellings in index.items():
        for name, p in SCHEMA.table_properties(table).items():
            row = cells(parts[table], name)
            assert row[1] == p.zh
            listed = {fold(name), fold(p.zh), *(fold(s) for s in row[2].split(", ") if s)}
            accepted = {k for k, v in spellings.items() if v == name}
            assert accepted <= listed, (table, name, accepted - listed)


def test_every_enumeration_spelling_is_listed_with_its_value():
    parts = sections(ledger_tables())
    for table in SCHEMA.tables:
        for name, p in SCHEMA.table_properties(table).items():
            if not p.enum:
                continue
            text = cells(parts[table], name)[4]
            for value, v in SCHEMA.enums[p.enum].items():
                entry = text.split(f"`{value}` ", 1)[1].split(";")[0].split(" (")[0]
                listed = {fold(s) for s in entry.split("/")} | {fold(value)}
                for s in (v.zh, *v.aliases, v.en):
                    assert fold(s) in listed or fold(s) == fold(value.replace("_", " ")), (
                        p.enum,
                        value,
                        s,
                    )


def test_required_defaults_references_and_ranges_come_from_the_schema():
    parts = sections(ledger_tables())
    assert cells(parts["members"], "status")[3] == "optional, default `full`"
    assert cells(parts["regions"], "parent")[3] == "yes but for the top"
    assert cells(parts["buildings"], "grid")[3:] == ["yes", "a grid id or name"]
    assert cells(parts["units"], "location")[4] == "a region or building id or name"
    assert cells(parts["members"], "birth_year")[4].startswith(
        "integer from 1900 to 18 years before this year"
    )
    assert cells(parts["orgs"], "term_end")[4].startswith(
        "date from 1921-07-01 to 10 years after today, not before `founded`"
    )
    assert "(property unit → compound)" in cells(parts["links"], "kind")[4]
    nesting = cells(parts["regions"], "parent")[4]
    assert "a `compound` or `grid` in a `community`" in nesting


def test_a_schema_change_changes_the_tables():
    changed = load_schema(SCHEMA_TEXT.replace("aliases: [ID号]", "aliases: [ID号, 序号]"))
    assert "| id | 编号 | ID号, 序号 | yes | |" in ledger_tables(changed)
    assert "序号" not in ledger_tables()


def test_a_page_without_markers_is_refused():
    with pytest.raises(ValueError, match="no markers"):
        with_tables("# a page\n")


def test_main_checks_and_rewrites(tmp_path, capsys):
    page = tmp_path / "ledger.md"
    good = PAGE.read_text("utf-8")
    page.write_text(good.replace("| name | 姓名 |", "| name | 名字 |"), "utf-8")
    assert main(["--check", str(page)]) == 1
    assert "differ" in capsys.readouterr().err
    assert main([str(page)]) == 0
    assert page.read_text("utf-8") == good
    assert main(["--check", str(page)]) == 0


# ---------------------------------------------------------------- region levels


def test_region_levels_are_the_enumeration_order_and_nest_top_down():
    levels = SCHEMA.region_levels
    assert levels == tuple(SCHEMA.enums["region_level"])
    assert levels == ("district", "street", "community", "compound", "grid")
    assert set(SCHEMA.region_nesting) == set(levels)
    for level, parents in SCHEMA.region_nesting.items():
        assert all(levels.index(p) < levels.index(level) for p in parents), level
    assert SCHEMA.levels_down_to("community") == ("district", "street", "community")


def test_reordering_the_enumeration_reorders_the_levels():
    grid = "    grid: {zh: 网格, en: grid, aliases: [网格]}\n"
    compound = "    compound: {zh: 小区, en: compound, aliases: [小区]}\n"
    assert compound + grid in SCHEMA_TEXT
    swapped = load_schema(SCHEMA_TEXT.replace(compound + grid, grid + compound))
    assert swapped.region_levels[3:] == ("grid", "compound")
    assert swapped.levels_down_to("grid") == ("district", "street", "community", "grid")


def test_modules_take_their_levels_from_the_schema():
    from lianjian.dashboard import scope, state
    from lianjian.queries import places

    assert scope.LEVELS == SCHEMA.region_levels
    assert places.LEVELS == state.SCOPE_LEVELS == SCHEMA.levels_down_to("community")
    assert places.LEVELS == tuple(f for f in places.Place._fields if not f.endswith("_name"))
