"""Ledger → validated graph model, in two passes.

Pass one reads every table row by row: required cells, types, enumerations,
duplicate ids. Pass two resolves references once every id is known: missing
targets, wrong kinds, region nesting, parent cycles, and the links table.

Every row ends up loaded or rejected; the :class:`Report` says which and why.

>>> from pathlib import Path
>>> data = load_ledger(Path("data/sample"))  # doctest: +SKIP
>>> data.report.balanced  # doctest: +SKIP
True
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lianjian.graph.model import Edge, GraphData
from lianjian.graph.schema import SCHEMA, LinkKind, Property, Schema
from lianjian.loaders.read import RawTable, header_key, read_ledger
from lianjian.loaders.report import NOTICE, WARNING, Report
from lianjian.loaders.values import BadValue, parse_value
from lianjian.text import fold, name_key

__all__ = ["load_ledger", "TABLE_ORDER"]

Progress = Callable[[str, int], None]
TABLE_ORDER = ("regions", "buildings", "units", "orgs", "members", "links")
PROGRESS_EVERY = 5000


@dataclass
class _Ref:
    """A reference cell waiting for pass two."""

    prop: Property
    source: str  # the row's node id
    targets: list[str]
    file: str
    row: int
    column: str


@dataclass
class _LinkRow:
    values: dict[str, Any]
    extra: dict[str, str]
    file: str
    row: int
    columns: dict[str, str]


@dataclass
class _Build:
    schema: Schema
    report: Report
    data: GraphData = field(default_factory=GraphData)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)  # id → (file, row)
    refs: list[_Ref] = field(default_factory=list)
    links: list[_LinkRow] = field(default_factory=list)


def header_index(schema: Schema) -> dict[str, dict[str, str]]:
    """Per table: every folded header spelling (English, Chinese, alias) → property name."""
    out: dict[str, dict[str, str]] = {}
    for table in schema.tables:
        index: dict[str, str] = {}
        for name, p in schema.table_properties(table).items():
            for alias in (name, p.zh, p.en, *p.aliases):
                index[fold(alias)] = name
        out[table] = index
    return out


def load_ledger(path: Path, progress: Progress | None = None, schema: Schema = SCHEMA) -> GraphData:
    """Read, validate and resolve the ledger at ``path`` into a :class:`GraphData`.

    Raises :class:`~lianjian.loaders.read.LedgerError` only when nothing can be
    read at all; every row-level problem goes into ``data.report``.
    """
    report = Report()
    headers = header_index(schema)
    known = {t: set(ix) for t, ix in headers.items()}
    raw = read_ledger(Path(path), schema.table_aliases, known, report)
    b = _Build(schema, report)
    b.data.report = report
    by_table = {t: [r for r in raw if r.table == t] for t in TABLE_ORDER}
    if not by_table["regions"]:
        report.add(
            "regions", None, None, None, "the ledger has no regions table (区划): it is required"
        )
    for table in TABLE_ORDER:
        for t in by_table[table]:
            _read_table(b, t, headers[table], progress)
    _resolve_refs(b)
    _break_cycles(b, "Region", "PART_OF")
    _break_cycles(b, "PartyOrg", "SUB_ORG_OF")
    _resolve_links(b)
    return b.data


# ---------------------------------------------------------------- pass one


def _columns(
    t: RawTable, index: dict[str, str], report: Report
) -> tuple[dict[int, str], dict[int, str]]:
    """Column positions of known properties, and of unknown columns (kept as properties)."""
    known: dict[int, str] = {}
    unknown: dict[int, str] = {}
    for i, cell in enumerate(t.header):
        name = index.get(header_key(cell))
        if name is not None and name not in known.values():
            known[i] = name
        elif cell.strip():
            if name is not None:
                report.add(
                    t.file,
                    None,
                    cell,
                    None,
                    f"second column for {name}: kept as {cell.strip()!r}",
                    NOTICE,
                )
            unknown[i] = cell.strip()
        else:
            unknown[i] = f"column_{i + 1}"
    return known, unknown


def _read_table(b: _Build, t: RawTable, index: dict[str, str], progress: Progress | None) -> None:
    schema, report = b.schema, b.report
    props = schema.table_properties(t.table)
    label = schema.tables[t.table]
    known, unknown = _columns(t, index, report)
    missing = [p for name, p in props.items() if p.required and name not in known.values()]
    col_name = {name: t.header[i].strip() or name for i, name in known.items()}
    n = 0
    for row_no, cells, problem in t.rows:
        n += 1
        if progress and n % PROGRESS_EVERY == 0:
            progress(t.table, PROGRESS_EVERY)
        report.count_in(t.file)
        if problem:
            report.add(t.file, row_no, None, None, problem)
            report.count_rejected(t.file)
            continue
        if missing:
            for p in missing:
                report.add(
                    t.file,
                    row_no,
                    p.zh,
                    None,
                    f"required column {p.name} ({p.zh}) is missing from the table",
                )
            report.count_rejected(t.file)
            continue
        values, extra, ok = _row_values(b, t, row_no, cells, known, unknown, props, col_name)
        if not ok:
            report.count_rejected(t.file)
            continue
        if label:
            ok = _add_node(b, label, t, row_no, values, extra, props, col_name)
        else:
            b.links.append(_LinkRow(values, extra, t.file, row_no, col_name))
        if not ok:
            report.count_rejected(t.file)
        elif label:
            report.count_loaded(t.file)  # link rows are counted once their ends resolve
    if progress:
        progress(t.table, n % PROGRESS_EVERY)


def _row_values(
    b: _Build,
    t: RawTable,
    row_no: int,
    cells: list[str],
    known: dict[int, str],
    unknown: dict[int, str],
    props: dict[str, Property],
    col_name: dict[str, str],
) -> tuple[dict[str, Any], dict[str, str], bool]:
    report = b.report
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    ok = True
    for i, cell in enumerate(cells):
        text = cell.strip() if isinstance(cell, str) else str(cell)
        if not text:
            continue
        if i in unknown or i not in known:
            extra[unknown.get(i, f"column_{i + 1}")] = text[:4000]
            continue
        name = known[i]
        p = props[name]
        if p.type == "list" and p.enum:
            items = []
            for item in parse_value(text, Property(name, "list", p.zh, p.en)):
                try:
                    items.append(parse_value(item, Property(name, "enum", p.zh, p.en, enum=p.enum)))
                except BadValue as e:
                    report.add(t.file, row_no, col_name[name], item, f"{e}: item dropped", WARNING)
            values[name] = sorted(set(items), key=items.index)
            continue
        if name == "id":
            text = unicodedata.normalize("NFKC", text).strip()
        try:
            values[name] = parse_value(text, p)
        except BadValue as e:
            if p.required:
                report.add(t.file, row_no, col_name[name], _shown(text, p), f"{e}: row rejected")
                ok = False
            else:
                report.add(
                    t.file, row_no, col_name[name], _shown(text, p), f"{e}: value dropped", WARNING
                )
    for name, p in props.items():
        if p.required and name not in values and ok:
            if name in col_name:
                report.add(
                    t.file, row_no, col_name[name], None, f"required value {name} ({p.zh}) is empty"
                )
            ok = False
        elif p.default is not None and name not in values:
            values[name] = p.default
    return values, extra, ok


def _shown(text: str, prop: Property) -> str:
    """A cell as the report may echo it: personal data never leaves in a report."""
    return "(personal data hidden)" if prop.personal else text


def _add_node(
    b: _Build,
    label: str,
    t: RawTable,
    row_no: int,
    values: dict[str, Any],
    extra: dict[str, str],
    props: dict[str, Property],
    col_name: dict[str, str],
) -> bool:
    node_id = values["id"]
    if node_id in b.where:
        f, r = b.where[node_id]
        b.report.add(
            t.file, row_no, col_name["id"], node_id, f"duplicate ID: first defined at {f}:{r}"
        )
        return False
    b.where[node_id] = (t.file, row_no)
    node: dict[str, Any] = {}
    for name, v in values.items():
        p = props[name]
        if p.edge is not None:
            targets = v if isinstance(v, list) else [v]
            b.refs.append(_Ref(p, node_id, targets, t.file, row_no, col_name[name]))
        else:
            node[name] = v
    for k, v in extra.items():
        node.setdefault(k, v)
    if not b.schema.nodes[label].personal:
        node["name_key"] = name_key(node["name"])
    node["ledger_file"] = t.file
    node["ledger_row"] = row_no
    b.data.nodes[node_id] = (label, node)
    return True


# ---------------------------------------------------------------- pass two


def _describe(data: GraphData, node_id: str) -> str:
    label, props = data.nodes[node_id]
    kind = props.get("level") or props.get("kind")
    return f"{label}({kind})" if kind else label


def _check_target(
    data: GraphData, target: str, labels: tuple[str, ...], levels: tuple[str, ...]
) -> str | None:
    """Why ``target`` cannot be the end of such an edge, or None when it can."""
    if target not in data.nodes:
        return f"reference to a missing ID {target}"
    label, props = data.nodes[target]
    if label not in labels:
        return f"{target} is a {_describe(data, target)}, expected {' or '.join(labels)}"
    if levels and props.get("level") not in levels:
        return f"{target} is a {_describe(data, target)}, expected a {' or '.join(levels)}"
    return None


def _resolve_refs(b: _Build) -> None:
    data, report, nesting = b.data, b.report, b.schema.region_nesting
    for ref in b.refs:
        spec = ref.prop.edge
        assert spec is not None
        seen: set[str] = set()
        for target in ref.targets:
            if target in seen:
                continue
            seen.add(target)
            why = _check_target(data, target, spec.targets, spec.levels)
            if why is None and spec.type == "PART_OF":
                child = data.nodes[ref.source][1]["level"]
                parent = data.nodes[target][1]["level"]
                if parent not in nesting.get(child, ()):
                    allowed = " or ".join(nesting.get(child, ())) or "no parent"
                    why = f"wrong level nesting: a {child}'s parent must be a {allowed}, {target} is a {parent}"
            if why:
                report.add(
                    ref.file, ref.row, ref.column, target, f"{why}: relationship dropped", WARNING
                )
                continue
            src, dst = (target, ref.source) if spec.reverse else (ref.source, target)
            data.edges.append(Edge(spec.type, src, dst, spec.type, {}))
    _report_orphans(b)


def _report_orphans(b: _Build) -> None:
    """A region below the top level needs a parent (LEDGER.md: required but for the top)."""
    has_parent = {e.source for e in b.data.edges if e.type == "PART_OF"}
    declared = {r.source for r in b.refs if r.prop.edge and r.prop.edge.type == "PART_OF"}
    for node_id, (label, props) in b.data.nodes.items():
        if label != "Region" or not b.schema.region_nesting.get(props["level"]):
            continue
        if node_id not in has_parent and node_id not in declared:
            f, r = b.where[node_id]
            b.report.add(
                f, r, "上级编号", None, f"a {props['level']} needs a parent region", WARNING
            )


def _break_cycles(b: _Build, label: str, rel: str) -> None:
    """Report parent cycles and drop the edge of the member listed last, so the tree holds."""
    parent = {e.source: e.target for e in b.data.edges if e.type == rel}
    state: dict[str, int] = {}
    drop: set[str] = set()
    for start in parent:
        path: list[str] = []
        node = start
        while node in parent and node not in state:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node in state and state[node] == 1 and node in path:
            cycle = path[path.index(node) :]
            last = max(cycle, key=lambda n: b.where[n])
            text = " → ".join([*cycle, cycle[0]])
            for n in cycle:
                f, r = b.where[n]
                b.report.add(
                    f,
                    r,
                    "上级" if label == "Region" else "上级党组织",
                    parent[n],
                    f"parent cycle {text}" + (": this link dropped" if n == last else ""),
                    WARNING,
                )
            drop.add(last)
        for n in path:
            state[n] = 2
    if drop:
        b.data.edges = [e for e in b.data.edges if not (e.type == rel and e.source in drop)]


def _link_problem(data: GraphData, kind: LinkKind, v: dict[str, Any]) -> tuple[str, str] | None:
    """(end, reason) when a link row cannot load: a missing or wrong-kind end, or None."""
    why = _check_target(data, v["source"], kind.sources, ())
    if why:
        return "source", why
    why = _check_target(data, v["target"], kind.targets, kind.target_levels)
    if why:
        return "target", why
    for end, allowed in (("source", kind.source_kinds), ("target", kind.target_kinds)):
        node_id = v[end]
        if allowed and data.nodes[node_id][1].get("kind") not in allowed:
            need = "/".join(allowed)
            return (
                end,
                f"{node_id} is a {_describe(data, node_id)}, a {kind.name} link needs {need}",
            )
    return None


def _resolve_links(b: _Build) -> None:
    data, report, kinds = b.data, b.report, b.schema.link_kinds
    seen: dict[tuple[str, str, str, str], int] = {}
    for link in b.links:
        v = link.values
        kind = kinds[v["kind"]]
        problem = _link_problem(data, kind, v)
        key4 = (kind.name, v["source"], v["target"], v.get("since", ""))
        if problem is None and key4 in seen:
            problem = (
                "source",
                f"duplicate link: same kind, ends and start date as row {seen[key4]}",
            )
        if problem:
            end, why = problem
            report.add(
                link.file, link.row, link.columns.get(end, end), v[end], f"{why}: link rejected"
            )
            report.count_rejected(link.file)
            continue
        seen[key4] = link.row
        props = {k: val for k, val in v.items() if k not in ("source", "target")}
        for k, val in link.extra.items():
            props.setdefault(k, val)
        props["ledger_file"] = link.file
        props["ledger_row"] = link.row
        key = f"{kind.name}|{v.get('since', '')}"
        data.edges.append(Edge(kind.edge, v["source"], v["target"], key, props))
        report.count_loaded(link.file)
