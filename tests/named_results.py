"""Gaps, coverage and pairings of a ledger with every id replaced by the entity's name path.

Two ledgers of the same places and people keyed differently (data/sample by its ids,
data/sample-forms by names, so by derived ids and ID-number hashes) give the same graph
when their results are equal once each id is written as its entity's label and the
names from the top down (``PartyOrg:中共…工作委员会/中共红门路社区委员会``). An entity lies in
what places it: a region in its parent, a building in its compound else its grid, a
unit in its location, an organisation in its parent else its unit, a member in their
organisation. Ids inside texts (a fix naming ``（P07）``, an audit reason) are replaced
too. The members a fix names are shown as ``党员``: a fix names the first three of its
candidates in the order of their ids, so which three depends on how members are keyed
(the count of candidates is in the fix's text and is compared).

A pairing plan is compared as the weak organisations it pairs, the leaders it uses (as
a multiset), its total cost, the unmatched and the audit (without the leader an audit
line proposes): two leaders may cost a plan the same, and the network simplex then
takes the one whose id comes first (the sample has such a tie: 三板桥社区党委 and
三板桥社区第一网格党支部 both gain 0.284 by 红门路社区党委, who can lead one more), so which
weak organisation gets which leader of a tie depends on how the organisations are keyed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lianjian.core.model import GraphData
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries.coverage.rates import coverage
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.pairing.propose import propose

__all__ = ["name_paths", "named_results", "named"]

# what places an entity, by label, in order of preference (the first edge found wins)
PLACED_BY = {
    "Region": ("PART_OF",),
    "Building": ("IN_COMPOUND", "IN_GRID"),
    "Unit": ("LOCATED_IN",),
    "PartyOrg": ("SUB_ORG_OF", "ORG_OF_UNIT"),
    "Member": ("MEMBER_OF",),
}
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
LEVELS = ("district", "street", "community")
MEMBER = "党员"
PROPOSED_ZH = re.compile(r"；建议由.*带领$")
PROPOSED_EN = re.compile(r"; proposed leader: .*$")  # how a fix shows each member it names


def name_paths(data: GraphData) -> dict[str, str]:
    """Every node's id → ``Label:name/name/…``, the names of what places it first."""
    up: dict[str, dict[str, str]] = {}
    for e in data.edges:
        up.setdefault(e.source, {}).setdefault(e.type, e.target)
    paths: dict[str, str] = {}

    def path(node: str, seen: frozenset[str] = frozenset()) -> str:
        if node in paths:
            return paths[node]
        label, props = data.nodes[node]
        names = [str(props.get("name", ""))]
        edges = up.get(node, {})
        parent = next((edges[t] for t in PLACED_BY.get(label, ()) if t in edges), None)
        if parent is not None and parent not in seen and parent in data.nodes:
            names.insert(0, path(parent, seen | {node}).split(":", 1)[1])
        paths[node] = f"{label}:{'/'.join(names)}"
        return paths[node]

    for node in data.nodes:
        path(node)
    return paths


def named(value: Any, paths: dict[str, str]) -> Any:
    """``value`` (JSON-like) with every id, whole or inside a text, written as its path;
    lists sorted, so an order that follows the ids does not count."""
    if isinstance(value, dict):
        return {k: named(v, paths) for k, v in value.items()}
    if isinstance(value, list):
        items = [named(v, paths) for v in value]
        return sorted(items, key=repr)
    if isinstance(value, str):
        if value in paths:
            return paths[value]
        return TOKEN.sub(lambda m: paths.get(m.group(0), m.group(0)), value)
    return value


def named_results(data: GraphData, as_of: str, fixes: bool = True) -> dict[str, Any]:
    """Gaps, coverage (per district, street and community) and the pairing plan and
    audit of ``data`` on the embedded store, as of ``as_of``, ids written as paths.

    ``fixes=False`` leaves out what the rules choose by id among equals, which a ledger
    keyed otherwise may choose otherwise: of each fix only its template and how many
    members it names are kept (a fix extends the branch of the neighbouring grid whose id
    comes first), and an organisation placed by the entity it covers with the smallest
    id (it has no unit and covers several) gets no street."""
    store = EmbeddedStore()
    store.write(data)
    paths = name_paths(data)
    try:
        found = find_gaps(store, as_of=as_of)
        gaps = found.to_dict(lambda m: MEMBER)
        for rid, items in found.rules.items():  # a flagged member by its path, not the
            for item, out in zip(items, gaps["rules"][rid]["items"], strict=True):
                if item.member:  # pseudonym of an id the keying chose
                    out["id"] = item.id
        if not fixes:
            covers = Counter(e.source for e in data.edges if e.type == "COVERS")
            in_unit = {e.source for e in data.edges if e.type == "ORG_OF_UNIT"}
            for rid, items in found.rules.items():
                for item, out in zip(items, gaps["rules"][rid]["items"], strict=True):
                    out["fix"] = item.fix and (item.fix.zh, len(item.fix.members))
                    if covers[item.id] > 1 and item.id not in in_unit:
                        out["street"] = out["street_name"] = None
        rates = {level: coverage(store, level, as_of=as_of) for level in LEVELS}
        pairing = plan(propose(store, as_of=as_of).to_dict())
    finally:
        store.close()
    return named({"gaps": gaps, "coverage": rates, "pairing": pairing}, paths)


def plan(result: dict[str, Any]) -> dict[str, Any]:
    """What of a pairing result does not depend on how ties are broken (see above)."""
    proposals = result["proposals"]
    audit = [
        {
            **a,
            "reason_zh": PROPOSED_ZH.sub("", a["reason_zh"]),
            "reason_en": PROPOSED_EN.sub("", a["reason_en"]),
        }
        for a in result["audit"]
    ]
    return {
        "as_of": result["as_of"],
        "weak": [p["weak"] for p in proposals],
        "leaders": [p["strong"] for p in proposals],
        "cost": round(sum(p["cost"] for p in proposals), 3),
        "unmatched": result["unmatched"],
        "audit": audit,
    }
