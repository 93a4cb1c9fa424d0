"""A store of record's entities of other sources as an extra lookup while a ledger's
references are resolved (docs/store.md, "Several sources"): a street's organisation
naming a unit that only the district's ledger holds.

A reference resolves to one of them by id, or by name when no entity of the ledger
of its type has that name (the ledger's own names come first); a member of another source is
found by id only, its name being personal (and not kept by the Neo4j store). Two of
them of one name are ambiguous, as two of the ledger's are: reported, never guessed.
"""

from __future__ import annotations

from typing import Any

from lianjian.core.schema import Schema

__all__ = ["offer_known"]

Nodes = dict[str, tuple[str, dict[str, Any]]]


def offer_known(nodes: Nodes, known: Nodes, schema: Schema) -> list[str]:
    """Put the ``known`` entities the ledger does not have among ``nodes`` (the caller
    removes them once references are resolved); returns their ids. One whose name or
    folded name an entity of the ledger of its type has too, and a member, without it."""
    if not known:
        return []
    taken = {
        (label, k) for label, p in nodes.values() for k in (p.get("name"), p.get("name_key")) if k
    }
    added = []
    for node_id, (label, props) in known.items():
        if node_id in nodes or label not in schema.nodes:
            continue
        shown = {k: v for k, v in props.items() if k not in ("ledger_file", "ledger_row")}
        if (
            schema.nodes[label].personal
            or (label, shown.get("name")) in taken
            or (label, shown.get("name_key")) in taken
        ):
            shown.pop("name", None)
            shown.pop("name_key", None)
        nodes[node_id] = (label, shown)
        added.append(node_id)
    return added
