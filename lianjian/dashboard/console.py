"""What the Cypher console shows of a result: values made safe (member nodes pseudonymised,
member names masked unless names were asked for) and a drawable subgraph.

The guard itself (read-only checks, time and row bounds) belongs to the Neo4j backend:
:mod:`lianjian.graph.neo4j.console`, run through :meth:`Neo4jStore.console`.
"""

from __future__ import annotations

from typing import Any

from lianjian.core.model import Edge
from lianjian.core.privacy import member_label
from lianjian.dashboard.display import public_props
from lianjian.dashboard.subgraph import Subgraph
from lianjian.graph.store import NodeValue, PathValue, RelValue

__all__ = ["to_subgraph", "safe_value"]


def safe_value(value: Any, with_names: bool = False, member_names: frozenset = frozenset()) -> Any:
    """A result value as plain data fit to show: member nodes and names pseudonymised."""
    if isinstance(value, NodeValue):
        return _node_dict(value, with_names)
    if isinstance(value, RelValue):
        return {"type": value.type, **value.props}
    if isinstance(value, PathValue):
        return [safe_value(n, with_names, member_names) for n in value.nodes]
    if isinstance(value, list):
        return [safe_value(v, with_names, member_names) for v in value]
    if isinstance(value, dict):
        return {
            k: safe_value(v, with_names, member_names)
            for k, v in value.items()
            if with_names or k != "birth_year"
        }
    if isinstance(value, str) and not with_names and value in member_names:
        return "（已隐去 hidden）"
    return value


def to_subgraph(rows: list[list[Any]]) -> Subgraph:
    """Nodes, relationships and paths found anywhere in the results, as a drawable subgraph."""
    sub = Subgraph()
    todo = [v for row in rows for v in row]
    rels: list[RelValue] = []
    while todo:
        v = todo.pop()
        if isinstance(v, NodeValue):
            _add_node(sub, v)
        elif isinstance(v, RelValue):
            rels.append(v)
        elif isinstance(v, PathValue):
            todo.extend(v.nodes)
            rels.extend(v.rels)
        elif isinstance(v, list):
            todo.extend(v)
        elif isinstance(v, dict):
            todo.extend(v.values())
    seen = set()
    for r in rels:
        for end in (r.start, r.end):
            if end is not None:
                _add_node(sub, end)
        s = r.start.id if r.start is not None else ""
        t = r.end.id if r.end is not None else ""
        if s in sub.nodes and t in sub.nodes and r.element_id not in seen:
            seen.add(r.element_id)
            props = dict(r.props)
            sub.edges.append(Edge(r.type, s, t, str(props.pop("key", r.element_id)), props))
    return sub


def _add_node(sub: Subgraph, node: NodeValue) -> None:
    if node.id not in sub.nodes:
        sub.nodes[node.id] = (node.label, dict(node.props))
        sub.depth[node.id] = 1


def _node_dict(node: NodeValue, with_names: bool) -> dict[str, Any]:
    props = public_props(node.id, node.label, dict(node.props), with_names)
    if node.label == "Member" and not with_names:
        props["name"] = member_label(node.id, None)
    return {"label": node.label, **props}
