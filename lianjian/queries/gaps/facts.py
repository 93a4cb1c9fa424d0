"""The terms the coverage-gap rules share, over the embedded graph (the glossary
at the top of ``rules.yaml``).

* **full members of a unit**: listed members with status full; the declared
  ``party_members`` where the ledger lists no member at all for the unit;
* **own org of a unit**: an org whose ``unit`` is the unit;
* **joint-covered unit**: a joint branch covers it, or it has listed full members
  and every one of them belongs to a joint branch;
* **active link**: ``until`` empty or not before the as-of date.

:class:`Ctx` bundles the graph view, the thresholds and the as-of date with
these terms, caching per-unit member counts and places. Cost: each term reads
only the edges around one node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lianjian.graph.embedded.view import View, is_active
from lianjian.queries.catalogue import KINDS
from lianjian.queries.params import GapParams
from lianjian.queries.places import Place, anchor_nx, region_place_nx

__all__ = [
    "Ctx",
    "Row",
    "BRANCH_KINDS",
    "GRASS_ROOTS",
    "GROUP_KINDS",
    "NEW_DOMAIN",
    "SECRETARY_KINDS",
    "SIZED_BRANCH_KINDS",
    "UNGUIDED_UNIT_KINDS",
]

Row = dict[str, Any]

BRANCH_KINDS = KINDS["branch_kinds"]
GRASS_ROOTS = KINDS["grass_roots_kinds"]
GROUP_KINDS = KINDS["group_kinds"]
SIZED_BRANCH_KINDS = KINDS["sized_branch_kinds"]
NEW_DOMAIN = KINDS["new_domain_kinds"]
SECRETARY_KINDS = KINDS["secretary_kinds"]
UNGUIDED_UNIT_KINDS = KINDS["unguided_unit_kinds"]


@dataclass
class Ctx:
    """What every rule reads: the graph, the thresholds and the as-of date (ISO text)."""

    v: View
    p: GapParams
    as_of: str
    _places: dict[str, Place] = field(default_factory=dict)
    _units: dict[str, tuple[int, int]] = field(default_factory=dict)
    _joint: list[tuple[str, int, list[Place]]] | None = None
    _orgs: dict[tuple[str, str, frozenset[str] | None], list[str]] = field(default_factory=dict)

    # -- small facts, shared by several rules

    def kind(self, n: str) -> Any:
        return self.v.prop(n, "kind")

    def orgs_into(self, n: str, rel: str, kinds: frozenset[str] | None = None) -> list[str]:
        """Orgs with a ``rel`` edge into ``n`` (optionally of these kinds), sorted by id."""
        key = (n, rel, kinds)
        found = self._orgs.get(key)
        if found is None:
            found = [
                o
                for o in self.v.sources(n, rel)
                if self.v.label(o) == "PartyOrg" and (kinds is None or self.kind(o) in kinds)
            ]
            self._orgs[key] = found
        return found

    def listed(self, u: str) -> tuple[int, int]:
        """(members listed at unit ``u``, of whom full)."""
        if u not in self._units:
            listed = full = 0
            for m, _ in self.v.in_edges(u, "WORKS_AT"):
                if self.v.label(m) == "Member":
                    listed += 1
                    full += self.v.prop(m, "status") == "full"
            self._units[u] = (listed, full)
        return self._units[u]

    def full_members(self, u: str) -> int:
        """Full members of a unit: listed full members, or the declared count if none listed."""
        listed, full = self.listed(u)
        return int(self.v.prop(u, "party_members") or 0) if listed == 0 else full

    def has_own_org(self, u: str) -> bool:
        return bool(self.orgs_into(u, "ORG_OF_UNIT"))

    def joint_covered(self, u: str) -> bool:
        """A joint branch covers ``u``, or every listed full member is in a joint branch."""
        if self.orgs_into(u, "COVERS", frozenset({"joint_branch"})):
            return True
        full = [
            m
            for m, _ in self.v.in_edges(u, "WORKS_AT")
            if self.v.label(m) == "Member" and self.v.prop(m, "status") == "full"
        ]
        return bool(full) and all(
            any(
                self.v.label(o) == "PartyOrg" and self.kind(o) == "joint_branch"
                for o in self.v.targets(m, "MEMBER_OF")
            )
            for m in full
        )

    def guided(self, u: str) -> bool:
        return any(is_active(d, self.as_of) for _, d in self.v.in_edges(u, "GUIDES"))

    def members_of(self, o: str) -> int:
        return sum(1 for m in self.v.sources(o, "MEMBER_OF") if self.v.label(m) == "Member")

    def place(self, n: str) -> Place:
        return region_place_nx(self.v, anchor_nx(self.v, n), self._places)

    def nearby_joint_branch(self, u: str) -> dict[str, Any] | None:
        """A joint branch with room that joins a unit in ``u``'s community, else its street."""
        here = self.place(u)
        if here.community is None and here.street is None:
            return None
        best: tuple[int, str, int] | None = None
        for o, n_units, places in self._joint_with_room():
            for there in places:
                if here.community is not None and there.community == here.community:
                    rank = 0
                elif here.street is not None and there.street == here.street:
                    rank = 1
                else:
                    continue
                if best is None or (rank, o) < best[:2]:
                    best = (rank, o, n_units)
        if best is None:
            return None
        _, o, n = best
        return {"org": o, "org_name": self.v.prop(o, "name"), "units": n}

    def _joint_with_room(self) -> list[tuple[str, int, list[Place]]]:
        """Joint branches joining fewer than the maximum units: (id, units, their places)."""
        if self._joint is None:
            self._joint = []
            for o in self.v.ids("PartyOrg"):
                if self.kind(o) != "joint_branch":
                    continue
                units = [w for w in self.v.targets(o, "COVERS") if self.v.label(w) == "Unit"]
                if len(units) >= self.p.joint_branch_max_units:
                    continue
                located = [w for w in units if self.v.target(w, "LOCATED_IN") is not None]
                self._joint.append((o, len(units), [self.place(w) for w in located]))
        return self._joint

    def row(self, n: str, fix: dict[str, Any] | None = None, **facts: Any) -> Row:
        """A rule's row, as its Cypher file returns it: the ``anchor`` places it."""
        anchor = anchor_nx(self.v, n)
        return {"id": n, "name": self.v.prop(n, "name"), "anchor": anchor, "fix": fix, **facts}
