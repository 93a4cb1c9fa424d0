"""The graph within a scope as data to take away: a graph model (for the RDF exporter)
and a ZIP of CSV files (written by :func:`lianjian.present.formats.csv_bytes`), one per
entity type plus one of relationships; and any table as an Excel workbook whose every
cell is inert text or a number, never a formula (:func:`xlsx_bytes`).

Members are pseudonymised and where they live left out unless names were asked
for, as everywhere else. Works on either store; O(entities + relationships).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from lianjian.core.model import GraphData
from lianjian.core.schema import SCHEMA
from lianjian.dashboard.display import public_props, rel_name, type_name
from lianjian.dashboard.subgraph import PERSONAL_RELS
from lianjian.present.escape import csv_cell
from lianjian.present.formats import csv_bytes

__all__ = [
    "scoped_graph",
    "graph_tables",
    "cell_value",
    "csv_zip",
    "graph_xlsx",
    "xlsx_bytes",
    "xlsx_book",
    "XLSX",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_SKIP = {"name_key", "ledger_file", "ledger_row"}


def scoped_graph(store, allowed: set[str] | None, with_names: bool = False) -> GraphData:
    """Nodes within ``allowed`` (all when None) and the relationships between them (for a
    scope, read from its nodes only: not every relationship of the graph)."""
    ids = allowed if allowed is not None else [r["id"] for r in store.node_summaries()]
    data = GraphData()
    data.nodes.update(store.nodes(ids))
    types = [r for r in SCHEMA.relationships if with_names or r not in PERSONAL_RELS]
    edges = store.edges_of_type(types) if allowed is None else store.edges_at(data.nodes, types)
    data.edges = [e for e in edges if e.source in data.nodes and e.target in data.nodes]
    return data


def graph_tables(
    data: GraphData, with_names: bool = False, lang: str = "zh"
) -> dict[str, tuple[str, list[str], list[dict[str, Any]]]]:
    """``table → (sheet name, headers, rows)``: one table per label (schema columns first)
    and ``relationships``; headers, enumerated values and yes/no in ``lang``."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for node_id, (label, props) in sorted(data.nodes.items()):
        row = public_props(node_id, label, props, with_names)
        by_label.setdefault(label, []).append({"id": node_id, **row})
    out: dict[str, tuple[str, list[str], list[dict[str, Any]]]] = {}
    for label, rows in by_label.items():
        node = SCHEMA.nodes[label]
        schema_cols = [
            k for k, p in node.properties.items() if not p.is_ref and any(k in r for r in rows)
        ]
        extra = sorted({k for r in rows for k in r} - set(schema_cols) - _SKIP)
        heads = {k: getattr(node.properties[k], lang) for k in schema_cols}
        heads.update({k: k for k in extra})
        enums = {k: node.properties[k].enum for k in schema_cols if node.properties[k].enum}
        table = [
            {heads[k]: cell_value(r.get(k), lang, enums.get(k)) for k in heads if k in r}
            for r in rows
        ]
        out[node.table] = (type_name(label, lang), list(heads.values()), table)
    rel_heads = dict(zip(("source", "target", "type", "key"), _REL_HEADS[lang], strict=True))
    rels = []
    for e in data.edges:
        row = {k: v for k, v in e.props.items() if k not in _SKIP}
        if "kind" in row:
            row["kind"] = cell_value(row["kind"], lang, "link_kind")
        rel_heads.update({k: _REL_PROPS[lang].get(k, k) for k in row if k not in rel_heads})
        rels.append(
            {
                rel_heads["source"]: e.source,
                rel_heads["target"]: e.target,
                rel_heads["type"]: rel_name(e.type, lang),
                rel_heads["key"]: e.key,
                **{rel_heads[k]: cell_value(v, lang) for k, v in row.items()},
            }
        )
    out["relationships"] = (_REL_SHEET[lang], list(rel_heads.values()), rels)
    return out


def csv_zip(data: GraphData, with_names: bool = False, lang: str = "zh") -> bytes:
    """A ZIP of ``<table>.csv`` per label and ``relationships.csv`` (:func:`graph_tables`)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for table, (_, heads, rows) in graph_tables(data, with_names, lang).items():
            zf.writestr(f"{table}.csv", csv_bytes(rows, heads))
    return buf.getvalue()


def graph_xlsx(data: GraphData, with_names: bool = False, lang: str = "zh") -> bytes:
    """The same tables as :func:`csv_zip`, one sheet each, in one workbook."""
    sheets = graph_tables(data, with_names, lang).values()
    return xlsx_book([(name, heads, rows) for name, heads, rows in sheets])


_REL_HEADS = {"zh": ("起点", "终点", "关系", "键"), "en": ("source", "target", "type", "key")}
_REL_SHEET = {"zh": "关系", "en": "relationships"}
_REL_PROPS = {
    "zh": {
        "kind": "类型",
        "since": "起始日期",
        "until": "截止日期",
        "note": "备注",
        "role": "职务",
    },
    "en": {},
}


def cell_value(value: Any, lang: str = "zh", enum: str | None = None) -> Any:
    """A value in ``lang``: an enumerated value (or a list of them) by its name, yes/no."""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if enum and enum in SCHEMA.enums:
        names = SCHEMA.enums[enum]
        if isinstance(value, list):
            return "、".join(SCHEMA.enum_label(enum, str(v), lang) for v in value)
        if str(value) in names:
            return SCHEMA.enum_label(enum, str(value), lang)
    return value


def xlsx_bytes(
    rows: list[Mapping[str, Any]], columns: Sequence[str], sheet: str = "Sheet1"
) -> bytes:
    """One sheet: ``columns`` as the header row, then ``rows`` (:func:`xlsx_book`)."""
    return xlsx_book([(sheet, list(columns), rows)])


def xlsx_book(sheets: Sequence[tuple[str, Sequence[str], Sequence[Mapping[str, Any]]]]) -> bytes:
    """A workbook of ``(name, columns, rows)`` sheets. Each cell as the shared CSV writer
    makes it (:func:`lianjian.present.escape.csv_cell`: a formula-like string prefixed with
    ``'``), stored as text, never as a formula; characters a workbook cannot hold are
    dropped."""
    wb = Workbook(write_only=True)
    for name, columns, rows in sheets:
        ws = wb.create_sheet(_SHEET_UNSAFE.sub("", name)[:31] or "Sheet")
        ws.append([_cell(ws, c) for c in columns])
        for row in rows:
            ws.append([_cell(ws, row.get(c)) for c in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_SHEET_UNSAFE = re.compile(r"[\\/*?:\[\]]")


def _cell(ws, value: Any) -> WriteOnlyCell:
    value = csv_cell(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever it starts with
    return cell
