"""What the first start shows while the ledger is read and the graph built: a progress
bar naming the table being read (rows so far) and the part of the graph being written,
instead of a bare spinner. It is cleared once the store is open; a store already open
(or read from the cache) never shows it."""

from __future__ import annotations

from lianjian.core.schema import SCHEMA
from lianjian.dashboard.i18n import tr
from lianjian.loaders.ledger import TABLE_ORDER

__all__ = ["Opening"]

READ_SHARE = 0.7  # of the bar: reading and checking the ledger; the rest is writing the graph


class Opening:
    """The two progress callbacks of :func:`lianjian.graph.backends.open_ledger`, drawing
    into ``slot`` (an ``st.empty()``); :meth:`text` is what the bar says at each step.

    >>> o = Opening(None, "zh")
    >>> o.read("members", 5000); o.read("members", 1200); o.text
    '读取台账 · 党员：6,200 行'
    >>> o.read("links", 10); o.text
    '读取台账 · 关系：10 行'
    >>> o.write("nodes", 300, 1000); o.text, round(o.done, 2)
    ('写入图谱：300 / 1,000', 0.79)
    """

    def __init__(self, slot, lang: str) -> None:
        self.slot, self.lang = slot, lang
        self.rows: dict[str, int] = {}
        self.text, self.done = tr("opening", lang), 0.0

    def read(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n
        at = TABLE_ORDER.index(table) if table in TABLE_ORDER else 0
        label = SCHEMA.tables.get(table)
        node = SCHEMA.nodes.get(label) if label else None
        if node is not None:
            shown = node.zh if self.lang == "zh" else node.en
        elif table == SCHEMA.link_table and self.lang == "zh" and SCHEMA.link_table_aliases:
            shown = SCHEMA.link_table_aliases[0]  # 关系
        else:
            shown = table
        self.text = tr("opening_read", self.lang, table=shown, rows=f"{self.rows[table]:,}")
        self._draw(READ_SHARE * at / max(len(TABLE_ORDER), 1))

    def write(self, stage: str, done: int, total: int) -> None:
        self.text = tr("opening_write", self.lang, done=f"{done:,}", total=f"{total:,}")
        self._draw(READ_SHARE + (1 - READ_SHARE) * done / max(total, 1))

    def _draw(self, fraction: float) -> None:
        self.done = min(max(fraction, self.done), 1.0)  # a bar never goes back
        if self.slot is not None:
            self.slot.progress(self.done, text=self.text)

    def clear(self) -> None:
        if self.slot is not None:
            self.slot.empty()
