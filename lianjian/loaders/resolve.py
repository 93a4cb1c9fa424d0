"""Pass two of reading a ledger: references resolved once every id is known.

References to the row's own entity, missing targets, targets of the wrong kind,
region level nesting, parent cycles and the links table (a link of an entity to
itself is rejected). A reference that cannot stand is dropped with a warning (the
row it came from stays loaded); a link row that cannot stand is rejected. ``Build.known``
is an extra lookup (a store's entities of other sources, :mod:`lianjian.loaders.known`).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.model import NO_PROPS, Edge, GraphData
from lianjian.core.report import ERROR, WARNING, Report
from lianjian.core.schema import LinkKind, Property, Schema
from lianjian.loaders.known import offer_known
from lianjian.loaders.names import Match, Names

__all__ = ["Build", "Ref", "LinkRow", "check_target", "resolve"]


@dataclass(slots=True)  # one per reference cell: millions at province scale
class Ref:
    """A reference cell waiting for pass two."""

    prop: Property
    source: str  # the row's node id
    targets: list[str] | tuple[str, ...]
    file: str
    row: int
    column: str


@dataclass(slots=True)
class LinkRow:
    values: dict[str, Any]
    extra: dict[str, str]
    file: str
    row: int
    columns: dict[str, str]


@dataclass
class Build:
    schema: Schema
    report: Report
    data: GraphData = field(default_factory=GraphData)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)  # id → (file, row)
    refs: list[Ref] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    joined: list[LinkRow] = field(default_factory=list)  # the 双报到 form's rows, to be joined
    today: dt.date = field(default_factory=dt.date.today)  # for bounds such as ``today-18``
    derived: dict[str, str] = field(default_factory=dict)  # row without id → its name column
    # table → its required columns that another table may fill (a grid from a 楼栋 list)
    waits: dict[str, set[str]] = field(default_factory=dict)
    waiting: dict[str, tuple[str, int, str, str]] = field(default_factory=dict)  # → report line
    lists: list[Any] = field(default_factory=list)  # regions' 楼栋 cells (lianjian.loaders.places)
    addresses: dict[str, str] = field(default_factory=dict)  # member → folded address: never kept
    uncounted: set[int] = field(default_factory=set)  # id() of props of refs no cell gave
    known: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # other sources


def resolve(b: Build) -> None:
    """Turn the references and link rows of pass one into edges, reporting what cannot be."""
    foreign = offer_known(b.data.nodes, b.known, b.schema)
    try:
        names = Names(b.data)
        _resolve_refs(b, names)
        _break_cycles(b, "Region", "PART_OF")
        _break_cycles(b, "PartyOrg", "SUB_ORG_OF")
        names.forget_scope()  # edges of cycles were dropped
        _resolve_links(b, names)
    finally:
        for node_id in foreign:  # the edges to them stay: their ends are the store's
            del b.data.nodes[node_id]


def _describe(data: GraphData, node_id: str) -> str:
    label, props = data.nodes[node_id]
    kind = props.get("level") or props.get("kind")
    return f"{label}({kind})" if kind else label


def check_target(
    data: GraphData,
    target: str,
    labels: tuple[str, ...],
    levels: tuple[str, ...],
    personal: bool = False,
) -> str | None:
    """Why ``target`` cannot be the end of such an edge, or None when it can.
    ``personal``: the reference is personal data (a home), so the reason does not name it."""
    if target not in data.nodes:
        return (
            "reference to a missing ID"
            + ("" if personal else f" {target}")
            + _unpadded(data, target, labels, personal)
        )
    label, props = data.nodes[target]
    name = "the ID" if personal else target
    if label not in labels:
        return f"{name} is a {_describe(data, target)}, expected {' or '.join(labels)}"
    if levels and props.get("level") not in levels:
        return f"{name} is a {_describe(data, target)}, expected a {' or '.join(levels)}"
    return None


def _unpadded(data: GraphData, target: str, labels: tuple[str, ...], personal: bool) -> str:
    """A hint when a zero-padded reference (``001``) misses but the number (``1``) is an
    ID of the kind wanted: its table's ids likely lost their zeros in a workbook."""
    if not (target.isascii() and target.isdigit() and target[0] == "0" and len(target) > 1):
        return ""
    bare = str(int(target))
    if bare not in data.nodes or data.nodes[bare][0] not in labels:
        return ""
    where = data.nodes[bare][1].get("ledger_file", "its table")
    name = "an ID without the zeros" if personal else f"the ID {bare}"
    return (
        f" ({name} exists in {where}: did its ids lose their leading zeros? "
        "type them as text, or format the column as text)"
    )


def _wanted(labels: tuple[str, ...], levels: tuple[str, ...]) -> str:
    return " or ".join(labels) + (f"({'/'.join(levels)})" if levels else "")


def _unresolved(
    b: Build,
    names: Names,
    m: Match,
    text: str,
    wanted: tuple[tuple[str, ...], tuple[str, ...]],
    personal: bool,
    private: bool,
) -> str:
    """Why a reference that is neither an id nor a name of one entity cannot stand.
    ``wanted``: (labels, levels); ``personal``: the column is personal data; ``private``:
    so is what it names (a member), so no candidate is named."""
    labels, levels = wanted
    if m.how == "unknown" and _reads_as_id(text):
        why = check_target(b.data, text, labels, levels, personal) or ""
        if m.candidates and not private:
            why += "; did you mean " + ", ".join(names.path(c) for c in m.candidates) + "?"
        return why
    return names.why(m, text, _wanted(labels, levels), private)


def _reads_as_id(text: str) -> bool:
    """A value that reads as an id (ASCII without spaces), not as a name."""
    return text.isascii() and " " not in text


def _private(b: Build, labels: tuple[str, ...]) -> bool:
    """Whether an entity of these labels is personal data (a member)."""
    return any(b.schema.nodes[t].personal for t in labels)


def _people_last(b: Build, refs: list[Ref], by_name: set[str]) -> list[Ref]:
    """The references that name a member by name (an organisation's secretary) moved to the
    end, so that every member's organisation is known when they are looked up in it."""
    nodes = b.data.nodes

    def later(r: Ref) -> bool:
        assert r.prop.edge is not None
        return (
            r.source in by_name
            and _private(b, r.prop.edge.targets)
            and any(t not in nodes for t in r.targets)
        )

    return [r for r in refs if not later(r)] + [r for r in refs if later(r)]


def _top_down(b: Build, refs: list[Ref]) -> list[Ref]:
    """The regions' parents first, top level first, so that what a region lies in is known
    when a name below it is looked up by its path (``胜利街道/东方社区``)."""
    nodes, rank = b.data.nodes, {lvl: i for i, lvl in enumerate(b.schema.region_levels)}
    regions = [r for r in refs if nodes[r.source][0] == "Region"]
    regions.sort(key=lambda r: rank.get(nodes[r.source][1].get("level"), 0))
    return regions + [r for r in refs if nodes[r.source][0] != "Region"]


def _resolve_refs(b: Build, names: Names) -> None:
    data, report, nesting = b.data, b.report, b.schema.region_nesting
    nodes = data.nodes
    declared: set[str] = set()  # regions whose row names a parent
    by_name: set[str] = set()  # the rows that name something by name: matched row by row
    for ref in b.refs:
        if ref.prop.edge and ref.prop.edge.type == "PART_OF":
            declared.add(ref.source)
        for target in ref.targets:
            if target not in nodes:
                by_name.add(ref.source)
    refs, b.refs = b.refs, []
    if by_name:
        refs = _top_down(b, _people_last(b, refs, by_name))
    by_id: dict[int, list] = {}  # id(prop) → [label, prop, references matched by id]
    row: str | None = None  # the row by name being resolved, and its matches
    matches: dict[tuple[int, str], Match] = {}
    for i, ref in enumerate(refs):
        if ref.source != row:
            row, matches = (
                ref.source,
                names.match_row(refs, i) if ref.source in by_name else {},
            )
        refs[i] = None  # type: ignore[call-overload]  # freed as its edges are made
        spec = ref.prop.edge
        assert spec is not None
        counted = by_id.get(id(ref.prop))
        if counted is None:
            counted = by_id[id(ref.prop)] = [nodes[ref.source][0], ref.prop, 0]
        targets = ref.targets if len(ref.targets) < 2 else dict.fromkeys(ref.targets)
        for target in targets:  # each once
            written, personal = target, ref.prop.personal
            m = matches.get((i, target)) if matches else None
            if m is None:
                counted[2] += 1
                why = check_target(data, target, spec.targets, spec.levels, personal)
            else:
                report.count_reference(_column(b, counted[0], ref.prop), m.how)
                if m.node is None:
                    private = ref.prop.personal or _private(b, spec.targets)
                    # a member named by name: the name is personal
                    personal = personal or (private and not _reads_as_id(target))
                    wanted = spec.targets, spec.levels
                    why = _unresolved(b, names, m, target, wanted, ref.prop.personal, private)
                else:
                    target, why = m.node, None
            if why is None and target == ref.source:  # a region or organisation its own parent
                why = f"a reference from {target} to itself"
            if why is None and spec.type == "PART_OF":
                child = data.nodes[ref.source][1]["level"]
                parent = data.nodes[target][1]["level"]
                if parent not in nesting.get(child, ()):
                    allowed = " or ".join(nesting.get(child, ()))
                    need = (
                        f"a {child}'s parent must be a {allowed}"
                        if allowed
                        else f"a {child} has no parent region"
                    )
                    why = f"wrong level nesting: {need}, {target} is a {parent}"
            if why:
                report.add(
                    ref.file,
                    ref.row,
                    ref.column,
                    written,
                    f"{why}: relationship dropped",
                    WARNING,
                    personal,
                )
                continue
            target = sys.intern(target)  # the node's own id string (interned when loaded)
            src, dst = (target, ref.source) if spec.reverse else (ref.source, target)
            edge = Edge(spec.type, src, dst, spec.type, NO_PROPS)
            data.edges.append(edge)
            if names.scoped:
                names.added(edge)
    for label, prop, count in by_id.values():
        if count and id(prop) not in b.uncounted:
            report.count_reference(_column(b, label, prop), "id", count)
    _report_orphans(b, declared)


def _column(b: Build, label: str, prop: Property) -> str:
    """A reference column as the counts name it: ``table.column``."""
    return f"{b.schema.nodes[label].table}.{prop.name}"


def _report_orphans(b: Build, declared: set[str]) -> None:
    """A region below the top level needs a parent (docs/ledger.md: required but for the top);
    ``declared``: the regions whose row names one, even a wrong one (reported already)."""
    has_parent = {e.source for e in b.data.edges if e.type == "PART_OF"}
    for node_id, (label, props) in b.data.nodes.items():
        if label != "Region" or not b.schema.region_nesting.get(props["level"]):
            continue
        if node_id not in b.where:  # another source's (Build.known): its parent is its own
            continue
        if node_id not in has_parent and node_id not in declared:
            f, r = b.where[node_id]
            b.report.add(
                f, r, "上级编号", None, f"a {props['level']} needs a parent region", WARNING
            )


def _break_cycles(b: Build, label: str, rel: str) -> None:
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
    """(end, reason) when a link row cannot load: a link of an entity to itself, a missing
    or wrong-kind end, or None."""
    if v["source"] == v["target"]:
        return "target", f"a link from {v['source']} to itself"
    why = check_target(data, v["source"], kind.sources, ())
    if why:
        return "source", why
    why = check_target(data, v["target"], kind.targets, kind.target_levels)
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


def _link_names(b: Build, names: Any, kind: LinkKind, v: dict[str, Any]) -> tuple | None:
    """Ends given by name replaced (in ``v``) by the ids they resolve to; (end, reason)
    for the first that cannot, or None. A link's ends are two entities, neither the
    scope of the other: an ambiguous end is not narrowed."""
    wanted = {"source": (kind.sources, ()), "target": (kind.targets, kind.target_levels)}
    matches = {
        end: names.lookup(v[end], *wanted[end]) for end in wanted if v[end] not in b.data.nodes
    }
    problem = None
    for end in wanted:
        m = matches.get(end)
        b.report.count_reference(f"{b.schema.link_table}.{end}", m.how if m else "id")
        if m is not None and m.node:
            v[end] = m.node
        elif m is not None and problem is None:
            private = _private(b, wanted[end][0])
            problem = end, _unresolved(b, names, m, v[end], wanted[end], False, private)
    return problem


def _resolve_links(b: Build, names: Names | None, seen: Any = None) -> None:
    """``seen``: (kind, ends, start date) → the row that loaded it (a dict when None)."""
    data, report, kinds, seen = b.data, b.report, b.schema.link_kinds, {} if seen is None else seen
    for link in b.links:
        v = link.values
        kind = kinds[v["kind"]]
        problem = _link_names(b, names, kind, v) or _link_problem(data, kind, v)
        key4 = (kind.name, v["source"], v["target"], v.get("since", ""))
        if problem is None and key4 in seen:
            problem = (
                "source",
                f"duplicate link: same kind, ends and start date as row {seen[key4]}",
            )
        if problem:
            end, why = problem
            labels = kind.sources if end == "source" else kind.targets
            hide = _private(b, labels) and not _reads_as_id(v[end])  # a member named by name
            column = link.columns.get(end, end)
            report.add(link.file, link.row, column, v[end], f"{why}: link rejected", ERROR, hide)
            report.count_rejected(link.file)
            continue
        seen[key4] = link.row
        props = {k: val for k, val in v.items() if k not in ("source", "target")}
        for k, val in link.extra.items():
            props.setdefault(k, val)
        props["ledger_file"] = link.file
        props["ledger_row"] = link.row
        key = f"{kind.name}|{v.get('since', '')}"
        ends = sys.intern(v["source"]), sys.intern(v["target"])
        data.edges.append(Edge(kind.edge, *ends, key, props))
        report.count_loaded(link.file)
