"""Ids that lost their leading zeros in a workbook.

Excel and LibreOffice turn ``001`` typed into a cell into the number 1. A workbook
cell holding a whole number in an id or reference column, where the ledger's ids are
``001``-like, is reported with the column and the id it most likely meant; it is never
rewritten silently (CSV text is kept as written: ``007`` and ``7`` are two ids).
"""

from __future__ import annotations

from collections import Counter

from lianjian.core.report import WARNING, Report
from lianjian.core.schema import Schema
from lianjian.core.text import fold
from lianjian.loaders.read import RawTable, header_key
from lianjian.loaders.workbook import SheetTable

__all__ = ["check_numeric_ids"]


def check_numeric_ids(
    tables: list[RawTable], nodes: dict[str, tuple[str, dict]], schema: Schema, report: Report
) -> None:
    """Report the numeric id cells of ``tables`` (read by now) that stand for a zero-padded
    id; ``nodes``: every loaded id → (label, properties with ``ledger_file``)."""
    if not any(isinstance(t, SheetTable) and t.numbers for t in tables):
        return
    padded = [i for i in nodes if len(i) > 1 and i.isascii() and i.isdigit() and i[0] == "0"]
    if not padded:
        return
    by_number: dict[int, set[str]] = {}
    width_in: dict[str, Counter] = {}
    for i in padded:
        by_number.setdefault(int(i), set()).add(i)
        width_in.setdefault(nodes[i][1].get("ledger_file", ""), Counter())[len(i)] += 1
    for t in tables:
        if not isinstance(t, SheetTable):
            continue
        props = _column_props(t, schema)
        for row, j, n in t.numbers:
            name = props.get(j)
            if name is None:
                continue
            text = str(n)
            if name == "id":  # the table's own ids: their usual width in this sheet
                widths = width_in.get(t.file)
                if not widths:
                    continue
                w = widths.most_common(1)[0][0]
                meant = [text.zfill(w)] if len(text) < w else []
                like = text.zfill(w)
            else:  # the ids of the kinds the column refers to
                p = schema.table_properties(t.table)[name]
                kinds = p.edge.targets if p.edge is not None else None
                meant = sorted(
                    i
                    for i in by_number.get(n, ())
                    if i != text and (kinds is None or nodes[i][0] in kinds)
                )
                like = meant[0] if meant else ""
            if not meant:
                continue
            p = schema.table_properties(t.table)[name]
            reason = (
                f"numeric cell {text}; the ledger's ids in this column look like {like} — "
                f"did you mean {' or '.join(meant)}? (type the id as text, or format the "
                "column as text)"
            )
            column = t.header[j].strip() or name
            report.add(t.file, row, column, text, reason, WARNING, p.personal)


def _column_props(t: SheetTable, schema: Schema) -> dict[int, str]:
    spellings: dict[str, str] = {}
    for name, p in schema.table_properties(t.table).items():
        for s in (name, p.zh, p.en, *p.aliases):
            if s:
                spellings.setdefault(fold(s), name)
    out: dict[int, str] = {}
    for j, cell in enumerate(t.header):
        name = spellings.get(header_key(cell))
        if name is not None and name not in out.values():
            out[j] = name
    return out
