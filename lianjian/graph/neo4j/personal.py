"""What of a member the Neo4j database holds: names and other personal values only when
the ledger is loaded with names (``lianjian load --neo4j --with-names``).

Without names a member keeps its id, its pseudonym (as of the load: reload after
rotating the key) and the declared values that are not personal, plus
:data:`ANALYSED`; its name and every column the schema does not declare (a note, an
archive number) are not written (ID numbers, phones and addresses never reach the graph). So a read-only Cypher query, however it
is written (``m.name + '·'``, ``split(m.name, '')``, ``properties(m)``), finds no name.
"""

from __future__ import annotations

from typing import Any

from lianjian.core.model import GraphData
from lianjian.core.privacy import personal_keys, pseudonym
from lianjian.core.schema import SCHEMA, Schema

__all__ = ["ANALYSED", "stored_props", "stored_model"]

# personal values the analyses compute on, kept without names: the pairing counts the
# young members of each organisation (queries/pairing/org_facts.cypher). A member's home
# is a LIVES_IN relationship, which the party-group gap rule counts: kept too.
ANALYSED = frozenset(("birth_year",))


def stored_props(
    node_id: str,
    label: str,
    props: dict[str, Any],
    with_names: bool = False,
    schema: Schema = SCHEMA,
) -> dict[str, Any]:
    """A node's properties as the database holds them: all of them with names; without,
    a member (a node type the schema marks personal) has its pseudonym instead of its
    name and none of its personal values (:func:`personal_keys`) but :data:`ANALYSED`;
    another node has none of the values the schema marks personal (a grid worker's name)."""
    node = schema.nodes.get(label)
    if with_names or node is None:
        return {"id": node_id, **props}
    drop = personal_keys(node, props) - ANALYSED
    kept = {k: v for k, v in props.items() if k not in drop}
    if not node.personal:
        return {"id": node_id, **kept}
    return {"id": node_id, **kept, "pseudonym": pseudonym(node_id)}


def stored_model(data: GraphData, with_names: bool = False) -> GraphData:
    """``data`` as a database loaded from it holds it: what ``Neo4jStore.checksum`` equals."""
    nodes = {}
    for node_id, (label, props) in data.nodes.items():
        held = stored_props(node_id, label, props, with_names)
        del held["id"]
        nodes[node_id] = (label, held)
    return GraphData(nodes, data.edges, data.report, data.fingerprint)
