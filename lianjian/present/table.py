"""Tables and lines of text as data, and how a terminal shows them (rich).

A command builds a list of blocks (:class:`Table` or plain ``str`` lines) from a
result; :func:`to_rich` turns a block into what the console prints. Every text (cells,
titles, headers, lines) is made safe there and handed to rich as a ``Text``, never as
markup (:func:`lianjian.present.escape.rich_text`); a cell that is a :class:`Styled`
keeps its style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.highlighter import ReprHighlighter
from rich.table import Table as RichTable

from lianjian.present.escape import rich_text

__all__ = ["Column", "Table", "Styled", "Block", "columns", "more", "to_rich"]


@dataclass(frozen=True)
class Column:
    header: str
    justify: str = "left"
    no_wrap: bool = False
    overflow: str = "ellipsis"


@dataclass(frozen=True)
class Styled:
    """A cell shown in a rich style (``bold``, ``red``…)."""

    text: Any
    style: str


@dataclass
class Table:
    """A titled table: columns, rows of cells, and the rows before which a rule is drawn."""

    title: str
    columns: list[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    caption: str | None = None
    sections: set[int] = field(default_factory=set)

    def add(self, *cells: Any) -> None:
        self.rows.append(cells)

    def section(self) -> None:
        """Draw a rule before the next row."""
        self.sections.add(len(self.rows))


Block = Table | str


def columns(*headers: str, overflow: str = "ellipsis") -> list[Column]:
    """Plain columns with these headers."""
    return [Column(h, overflow=overflow) for h in headers]


def more(n: int, limit: int) -> list[str]:
    """The line saying how many rows a table left out (none when it left none out)."""
    return [f"… {n - limit} more (use --format json or csv for all)"] if n > limit else []


_HIGHLIGHT = ReprHighlighter()  # what rich does to a printed string: numbers in colour


def _cell(value: Any) -> Any:
    if isinstance(value, Styled):
        return rich_text(value.text, value.style)
    return rich_text(value)


def to_rich(block: Block) -> Any:
    """The rich renderable of a block (a line of text is made safe like a cell)."""
    if isinstance(block, str):
        return _HIGHLIGHT(rich_text(block))
    caption = rich_text(block.caption, "table.caption") if block.caption else None
    t = RichTable(title=rich_text(block.title, "table.title"), caption=caption, show_lines=False)
    for c in block.columns:
        t.add_column(rich_text(c.header), justify=c.justify, no_wrap=c.no_wrap, overflow=c.overflow)
    for n, row in enumerate(block.rows):
        if n in block.sections:
            t.add_section()
        t.add_row(*(_cell(v) for v in row))
    return t
