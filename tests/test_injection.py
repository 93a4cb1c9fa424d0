"""Injection: names and ids full of quotes, backslashes, braces, backticks and Cypher
keywords load and come back verbatim, on both backends; and no value ever appears
in the text of a query sent to Neo4j (every value travels as a parameter).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.coverage.rates import coverage
from lianjian.queries.gaps.find import find_gaps
from tests.ledgers import write_ledger

MARK = "注入"  # in every hostile name, so a query text holding one is easy to find
NAMES = {
    "D'1": f"{MARK}区' OR 1=1 //",
    'S"1': f'{MARK}街道"}}) DETACH DELETE n //',
    "C\\1": f"{MARK}社区\\' RETURN 1 UNION MATCH (n) DETACH DELETE n //",
    "G{1}": f"{MARK}网格 {{id: 'x'}} ${{param}} $param",
    "G`2`": f"{MARK}`网格` `) CALL db.createLabel('Pwned') //",
    "O;1": f"{MARK}党支部'; MATCH (n) SET n.pwned = true; //",
    "U/*1*/": f"{MARK}单位 /* comment */ \\u0027 \\n LOAD CSV FROM 'file:///etc/passwd' AS r",
    "B\n1": f"{MARK}楼\n第二行\t制表 CREATE (x:Pwned)",
}
EXTRA = "备注`) DETACH DELETE n //"  # a ledger column of this name becomes a property key


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    n = NAMES
    return write_ledger(
        tmp_path_factory.mktemp("hostile"),
        {
            "regions": [
                ["id", "name", "level", "parent", EXTRA],
                ["D'1", n["D'1"], "district", "", "x' })"],
                ['S"1', n['S"1'], "street", "D'1", ""],
                ["C\\1", n["C\\1"], "community", 'S"1', ""],
                ["G{1}", n["G{1}"], "grid", "C\\1", ""],
                ["G`2`", n["G`2`"], "grid", "C\\1", ""],
            ],
            "units": [
                ["id", "name", "kind", "location"],
                ["U/*1*/", n["U/*1*/"], "private", "G{1}"],
            ],
            "buildings": [["id", "name", "kind", "grid"], ["B\n1", n["B\n1"], "住宅", "G`2`"]],
            "orgs": [
                ["id", "name", "kind", "covers", "unit"],
                ["O;1", n["O;1"], "branch", "G`2`;B\n1", "U/*1*/"],
            ],
        },
    )


def names_of(store) -> dict[str, str]:
    return {r["id"]: r["name"] for r in store.node_summaries()}


def test_the_ledger_loads_whole(hostile):
    data = load_ledger(hostile)
    assert data.report.totals == (8, 8, 0)
    assert [p for p in data.report.problems if p.severity != "notice"] == []
    assert {i: p["name"] for i, (_, p) in data.nodes.items()} == NAMES
    assert data.nodes["D'1"][1][EXTRA] == "x' })"


def test_embedded_gives_every_name_back_verbatim(hostile):
    store = EmbeddedStore.from_ledger(hostile, use_cache=False)
    assert names_of(store) == NAMES
    assert {i: p["name"] for i, (_, p) in store.nodes(list(NAMES)).items()} == NAMES
    flagged = find_gaps(store, as_of="2026-01-01", rules=["grid_without_branch"])
    assert [(i.id, i.name) for i in flagged.rules["grid_without_branch"]] == [
        ("G{1}", NAMES["G{1}"])
    ]


class Recording:
    """The real driver, keeping the text of every query it is given."""

    def __init__(self, driver) -> None:
        self._driver = driver
        self.queries: list[str] = []

    def __getattr__(self, name):
        return getattr(self._driver, name)

    def execute_query(self, query, *args, **kw):
        self.queries.append(str(getattr(query, "text", query)))
        return self._driver.execute_query(query, *args, **kw)

    def session(self, *args, **kw):
        return _Session(self._driver.session(*args, **kw), self.queries)


class _Session:
    def __init__(self, session, queries: list[str]) -> None:
        self._session, self._queries = session, queries

    def __enter__(self):
        self._session.__enter__()
        return self

    def __exit__(self, *exc):
        return self._session.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self._session, name)

    def run(self, query, *args, **kw):
        self._queries.append(str(getattr(query, "text", query)))
        return self._session.run(query, *args, **kw)

    def execute_write(self, work, *args, **kw):
        return self._session.execute_write(
            lambda tx, *a, **k: work(_Session(tx, self._queries), *a, **k), *args, **kw
        )

    def execute_read(self, work, *args, **kw):
        return self._session.execute_read(
            lambda tx, *a, **k: work(_Session(tx, self._queries), *a, **k), *args, **kw
        )


@pytest.mark.neo4j
def test_neo4j_gives_every_name_back_verbatim_and_no_value_enters_a_query(
    hostile, neo4j_driver, neo4j_settings
):
    from lianjian.graph.neo4j import console

    driver = Recording(neo4j_driver)
    store = Neo4jStore(driver, neo4j_settings["database"])
    data = load_ledger(hostile)
    store.write(data, fingerprint="hostile")
    embedded = EmbeddedStore.from_ledger(hostile, use_cache=False)

    assert names_of(store) == NAMES
    assert {i: p["name"] for i, (_, p) in store.nodes(list(NAMES)).items()} == NAMES
    assert store.checksum() == embedded.checksum() == data.checksum()  # every property verbatim
    assert {(e.source, e.target, e.type) for e in store.neighbours(["G`2`"])} == {
        (e.source, e.target, e.type) for e in embedded.neighbours(["G`2`"])
    }
    as_of = "2026-01-01"
    assert find_gaps(store, as_of=as_of).to_dict() == find_gaps(embedded, as_of=as_of).to_dict()
    assert coverage(store, "community", as_of) == coverage(embedded, "community", as_of)
    found = console.run_read(
        driver, store.database, "MATCH (n {name: $name}) RETURN n.id AS id", {"name": NAMES["O;1"]}
    )
    assert found.rows == [["O;1"]]

    assert len(driver.queries) > 20
    sent = "\n".join(driver.queries)
    assert MARK not in sent
    for node_id in NAMES:
        assert f"'{node_id}'" not in sent and f'"{node_id}"' not in sent
    labels = driver.execute_query("CALL db.labels() YIELD label RETURN collect(label) AS l")
    assert "Pwned" not in labels.records[0]["l"]
