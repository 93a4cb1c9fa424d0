"""The embedded graph in its compact form is the graph NetworkX itself would build from
the model: the same nodes, attributes, edges, keys and data, in the same order; from
the cache too. What it shares between edges cannot be changed through any of them."""

from __future__ import annotations

import copy
import pickle

import networkx as nx
import pytest

from lianjian.core.model import Edge, GraphData
from lianjian.graph.embedded.compact import POOL_TRIAL, Interner, Shared, graph_of, parts
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.matching.match import match
from lianjian.queries.matching.write import write_proposals as write_matches
from lianjian.queries.pairing.propose import propose, write_proposals

AS_OF = "2026-06-30"


def plain_networkx(data: GraphData) -> nx.MultiDiGraph:
    """The graph as NetworkX's own calls build it (the embedded store's former way)."""
    g = nx.MultiDiGraph()
    g.add_nodes_from((i, {"label": label, **props}) for i, (label, props) in data.nodes.items())
    g.add_edges_from(
        (e.source, e.target, f"{e.type}:{e.key}", {"type": e.type, "key": e.key, **e.props})
        for e in data.edges
    )
    return g


def shape(g: nx.MultiDiGraph):
    """Everything of the graph, in its order: nodes with attributes, each node's
    successors and predecessors with their keyed data."""
    return (
        [(n, list(d.items())) for n, d in g._node.items()],
        [
            (n, [(v, [(k, list(d.items())) for k, d in kd.items()]) for v, kd in nb.items()])
            for n, nb in g._succ.items()
        ],  # fmt: skip
        [
            (n, [(v, [(k, list(d.items())) for k, d in kd.items()]) for v, kd in nb.items()])
            for n, nb in g._pred.items()
        ],  # fmt: skip
    )


def shared_dicts(g: nx.MultiDiGraph) -> list[dict]:
    seen = {}
    for nb in g._succ.values():
        for kd in nb.values():
            for d in (kd, *kd.values()):
                if type(d) is Shared:
                    seen[id(d)] = d
    return list(seen.values())


@pytest.fixture(scope="module")
def built(jingzhou_small):
    return EmbeddedStore.from_ledger(jingzhou_small, use_cache=False)


def test_the_graph_is_the_one_networkx_builds(jingzhou_small, built):
    data = load_ledger(jingzhou_small)
    assert any(e.props for e in data.edges) and any(not e.props for e in data.edges)
    assert shape(built.graph) == shape(plain_networkx(data))
    assert nx.utils.graphs_equal(built.graph, plain_networkx(data))
    assert built.checksum() == data.checksum()


def test_most_edges_share_their_dicts(built):
    g = built.graph
    shared = shared_dicts(g)
    kinds = {(d["type"], d["key"]) for d in shared if "type" in d}  # data, not key dicts
    assert len(kinds) >= 5 and len(shared) == 2 * len(kinds)  # a few, however many edges
    plain = sum(1 for *_, d in g.edges(keys=True, data=True) if type(d) is not Shared)
    assert plain < g.number_of_edges() / 5


def test_a_graph_from_the_cache_equals_the_built_graph(
    jingzhou_small, built, tmp_path, monkeypatch
):
    monkeypatch.setenv("LIANJIAN_CACHE_DIR", str(tmp_path / "cache"))
    first = EmbeddedStore.from_ledger(jingzhou_small)
    again = EmbeddedStore.from_ledger(jingzhou_small)
    assert not first.from_cache and again.from_cache
    assert shape(again.graph) == shape(first.graph) == shape(built.graph)
    assert nx.utils.graphs_equal(again.graph, built.graph)
    assert again.report.totals == built.report.totals
    assert again.stats() == built.stats() and again.checksum() == built.checksum()
    # the sharing survives the cache (one data dict per type and key, not one per edge)
    assert len(shared_dicts(again.graph)) == len(shared_dicts(built.graph))
    succ, pred = again.graph._succ, again.graph._pred
    assert all(pred[v][u] is kd for u, nb in succ.items() for v, kd in nb.items())


def test_parts_make_the_same_graph(built):
    g = graph_of(*pickle.loads(pickle.dumps(parts(built.graph))))
    assert shape(g) == shape(built.graph)
    assert g.number_of_edges() == built.graph.number_of_edges()
    assert sorted(g.in_edges(next(iter(g)))) == sorted(built.graph.in_edges(next(iter(g))))


def test_the_shared_dicts_stay_as_they_were_after_every_query_and_write(jingzhou_small):
    store = EmbeddedStore.from_ledger(jingzhou_small, use_cache=False)
    before = {id(d): dict(d) for d in shared_dicts(store.graph)}
    assert all(set(d) == {"type", "key"} for d in before.values() if "type" in d)
    find_gaps(store, AS_OF)
    assert write_proposals(store, propose(store, as_of=AS_OF)) > 0
    assert write_proposals(store, propose(store, as_of=AS_OF)) > 0  # replaces the first
    write_matches(store, match(store, AS_OF), "2026-06-30T08:00:00Z")
    after = {id(d): d for d in shared_dicts(store.graph)}
    assert all(after[i] == d for i, d in before.items() if i in after)


def test_a_shared_dict_refuses_every_change(built):
    d = next(d for d in shared_dicts(built.graph) if "type" in d)
    was = dict(d)
    for change in (
        lambda: d.__setitem__("until", "2020-01-01"),
        lambda: d.__delitem__("type"),
        lambda: d.update(until="x"),
        lambda: d.setdefault("until", "x"),
        lambda: d.pop("type"),
        lambda: d.popitem(),
        lambda: d.clear(),
        lambda: d.__ior__({"until": "x"}),
    ):
        with pytest.raises(TypeError, match="shared by many edges"):
            change()
    d.__init__({"until": "x"})
    assert d == was
    assert copy.deepcopy(d) == was and pickle.loads(pickle.dumps(d)) == was


def test_networkx_changes_through_a_shared_pair_fail_loudly(built):
    g = built.graph
    u, v, k = next((u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if type(d) is Shared)
    n = g.number_of_edges()
    with pytest.raises(TypeError):
        g.add_edge(u, v, k, until="2020-01-01")
    with pytest.raises(TypeError):
        g.remove_edge(u, v, k)
    assert g.number_of_edges() == n and "until" not in g.edges[u, v, k]
    h = g.copy()  # a copy is NetworkX's own, every dict its own
    h.add_edge(u, v, k, until="2020-01-01")
    assert h.edges[u, v, k]["until"] == "2020-01-01" and "until" not in g.edges[u, v, k]


def small() -> GraphData:
    nodes = {i: ("PartyOrg", {"id": i, "name": i}) for i in ("A", "B", "C")}
    edges = [
        Edge("SUB_ORG_OF", "B", "A", "SUB_ORG_OF", {}),
        Edge("SUB_ORG_OF", "C", "A", "SUB_ORG_OF", {}),
        Edge("LINKED", "B", "A", "k1", {"since": "2024-01-01"}),
        Edge("SUB_ORG_OF", "C", "A", "SUB_ORG_OF", {}),  # a repeat, as add_edge takes it
        Edge("GUIDES", "A", "Z", "GUIDES", {}),  # an end not among the nodes
    ]
    return GraphData(nodes, edges)


def test_write_keeps_the_model_and_builds_what_networkx_builds():
    data = small()
    kept = copy.deepcopy(data)
    store = EmbeddedStore()
    store.write(data)
    assert data == kept
    assert shape(store.graph) == shape(plain_networkx(kept))


def test_replacing_relationships_leaves_the_pairs_sharing_with_them_alone():
    store = EmbeddedStore()
    store.write(small())
    more = [Edge("SUB_ORG_OF", x, "A", "SUB_ORG_OF", {}) for x in "DE"]
    store.write(GraphData({x: ("PartyOrg", {"id": x}) for x in "DE"}, more))
    g = store.graph
    assert type(g._succ["D"]["A"]) is Shared and g._succ["D"]["A"] is g._succ["E"]["A"]
    new = [Edge("SUB_ORG_OF", "D", "B", "SUB_ORG_OF", {})]
    assert store.replace_relationships("SUB_ORG_OF", new) == 1
    assert sorted(g.edges(keys=True)) == [
        ("A", "Z", "GUIDES:GUIDES"),
        ("B", "A", "LINKED:k1"),
        ("D", "B", "SUB_ORG_OF:SUB_ORG_OF"),
    ]
    assert g._pred["A"] == {
        "B": {"LINKED:k1": {"type": "LINKED", "key": "k1", "since": "2024-01-01"}}
    }
    assert dict(g._succ["D"]) == {
        "B": {"SUB_ORG_OF:SUB_ORG_OF": {"type": "SUB_ORG_OF", "key": "SUB_ORG_OF"}}
    }


def test_repeated_values_are_one_object_and_distinct_ones_are_not_pooled():
    intern = Interner().attrs
    rows = [
        intern("Member", {"gender": "".join(["女", "士"]), "name": f"人{i}"})
        for i in range(3 * POOL_TRIAL)
    ]
    assert len({id(r["gender"]) for r in rows}) == 1
    assert [r["name"] for r in rows] == [f"人{i}" for i in range(3 * POOL_TRIAL)]
    assert intern("Member", {"gender": 1})["gender"] == 1  # only strings
    it = Interner()
    for i in range(3 * POOL_TRIAL):
        it.attrs("Member", {"name": f"人{i}"})
    assert it._pools[("Member", "name")] is None  # mostly distinct: the pool was dropped


def test_repeated_numbers_are_one_object_of_their_own_type():
    intern = Interner().attrs
    years = [intern("Member", {"birth_year": int("1970"), "hours": float("1.5")}) for _ in range(9)]
    assert len({id(r["birth_year"]) for r in years}) == 1
    assert len({id(r["hours"]) for r in years}) == 1
    mixed = [intern("Need", {"quantity": v}) for v in (2, 2.0, True, 1)]
    assert [(type(r["quantity"]), r["quantity"]) for r in mixed] == [
        (int, 2),
        (float, 2.0),
        (bool, True),
        (int, 1),
    ]
