"""The graph within a scope as data to take away: a graph model (for the RDF exporter)
and a ZIP of CSV files (written by :func:`lianjian.present.formats.csv_bytes`), one per
entity type plus one of relationships.

Members are pseudonymised and where they live left out unless names were asked
for, as everywhere else. Works on either store; O(entities + relationships).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lianjian.core.model import GraphData
from lianjian.core.schema import SCHEMA
from lianjian.dashboard.display import public_props
from lianjian.dashboard.subgraph import PERSONAL_RELS
from lianjian.present.formats import csv_bytes

__all__ = ["scoped_graph", "csv_zip"]

_SKIP = {"name_key", "ledger_file", "ledger_row"}


def scoped_graph(store, allowed: set[str] | None, with_names: bool = False) -> GraphData:
    """Nodes within ``allowed`` (all when None) and the relationships between them."""
    ids = allowed if allowed is not None else [r["id"] for r in store.node_summaries()]
    data = GraphData()
    data.nodes.update(store.nodes(ids))
    types = [r for r in SCHEMA.relationships if with_names or r not in PERSONAL_RELS]
    data.edges = [
        e for e in store.edges_of_type(types) if e.source in data.nodes and e.target in data.nodes
    ]
    return data


def csv_zip(data: GraphData, with_names: bool = False) -> bytes:
    """A ZIP of ``<table>.csv`` per label (schema columns first) and ``relationships.csv``."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for node_id, (label, props) in sorted(data.nodes.items()):
        row = public_props(node_id, label, props, with_names)
        by_label.setdefault(label, []).append({"id": node_id, **row})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for label, rows in by_label.items():
            node = SCHEMA.nodes[label]
            schema_cols = [
                k for k, p in node.properties.items() if not p.is_ref and any(k in r for r in rows)
            ]
            extra = sorted({k for r in rows for k in r} - set(schema_cols) - _SKIP)
            zf.writestr(f"{node.table}.csv", csv_bytes(rows, schema_cols + extra))
        rels = [
            {
                "source": e.source,
                "target": e.target,
                "type": e.type,
                "key": e.key,
                **{k: v for k, v in e.props.items() if k not in _SKIP},
            }
            for e in data.edges
        ]
        cols = ["source", "target", "type", "key"]
        cols += sorted({k for r in rels for k in r} - set(cols))
        zf.writestr("relationships.csv", csv_bytes(rels, cols))
    return buf.getvalue()
