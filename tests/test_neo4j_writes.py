"""The exact Cypher and parameters the Neo4j backend sends (a recording driver; the
real server is exercised in test_backends.py)."""

from __future__ import annotations

import re

import pytest

from lianjian.core.model import Edge, GraphData
from lianjian.graph.neo4j.store import Neo4jLoadError, Neo4jStore, edge_cypher, node_cypher
from lianjian.graph.neo4j.writes import Batches, edge_groups


class RecordingSession:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute_write(self, fn, *args):
        fn(self, *args)

    def run(self, cypher, **params):
        self.log.append((cypher, params))

        class R:
            def consume(self):
                return None

        return R()

    def begin_transaction(self, timeout=None):
        self.log.append(("BEGIN", {"timeout": timeout}))
        session = self

        class Tx:
            def run(self, cypher, **params):
                return session.run(cypher, **params)

            def rollback(self):
                session.log.append(("ROLLBACK", {}))

        return Tx()


class RecordingDriver:
    """Records every statement; answers the emptiness check (``holding``: a graph is
    there) and the count queries (``counts``: label or type → count)."""

    def __init__(self, holding=True, counts=None):
        self.log = []
        self.databases = []
        self.holding = holding
        self.counts = counts or {}

    def execute_query(self, cypher, *args, **kw):
        self.databases.append(kw.get("database_"))
        self.log.append((cypher, {k: v for k, v in kw.items() if not k.endswith("_")}))
        if "count(n) > 0 AS any" in cypher:
            return [{"any": self.holding}], None, None
        counted = re.match(r"MATCH (?:\(n:(\w+)\)|\(\)-\[r:(\w+)\]->\(\)) RETURN count", cypher)
        if counted:
            return [{"c": self.counts.get(counted[1] or counted[2], 0)}], None, None
        return [], None, None

    def session(self, database=None):
        self.databases.append(database)
        return RecordingSession(self.log)


def test_writes_are_unwind_merge_with_parameters():
    data = GraphData()
    data.nodes["R1"] = ("Region", {"name": "沙市区'; DROP", "level": "district"})
    data.nodes["R2"] = ("Region", {"name": "胜利街道", "level": "street"})
    data.edges.append(Edge("PART_OF", "R2", "R1", "PART_OF", {}))
    driver = RecordingDriver()
    Neo4jStore(driver, "ledgers").write(data, fingerprint="abc")
    writes = [(c, p) for c, p in driver.log if c.startswith("UNWIND")]
    assert writes == [
        (
            node_cypher("Region"),
            {
                "rows": [
                    {
                        "id": "R1",
                        "props": {"id": "R1", "name": "沙市区'; DROP", "level": "district"},
                    },
                    {"id": "R2", "props": {"id": "R2", "name": "胜利街道", "level": "street"}},
                ]
            },
        ),
        (
            edge_cypher("PART_OF", "Region", "Region", with_props=False),
            {"rows": [{"s": "R2", "t": "R1", "k": "PART_OF"}]},
        ),
    ]
    assert (
        node_cypher("Region")
        == "UNWIND $rows AS row MERGE (n:Region {id: row.id}) SET n = row.props"
    )
    assert set(driver.databases) == {"ledgers"}
    assert any("CREATE CONSTRAINT region_id IF NOT EXISTS" in c for c, _ in driver.log)
    assert driver.log[-1][0] == "ROLLBACK"  # the load lock freed last, after the marker
    assert ("MERGE (m:LianjianLedger {key: 'ledger'})" in driver.log[-2][0]) and driver.log[-2][
        1
    ] == {"f": "abc", "names": False}


def _two_regions() -> GraphData:
    data = GraphData()
    data.nodes["R1"] = ("Region", {"name": "沙市区", "level": "district"})
    data.nodes["R2"] = ("Region", {"name": "胜利街道", "level": "street"})
    data.edges.append(Edge("PART_OF", "R2", "R1", "PART_OF", {}))
    return data


def test_a_load_into_a_database_without_a_graph_creates_under_the_load_lock():
    driver = RecordingDriver(holding=False, counts={"Region": 2, "PART_OF": 1})
    Neo4jStore(driver, "ledgers").write(_two_regions(), fingerprint="abc")
    statements = [c for c, _ in driver.log]
    writes = [c for c in statements if c.startswith("UNWIND")]
    assert writes == [
        node_cypher("Region", create=True),
        edge_cypher("PART_OF", "Region", "Region", with_props=False, create=True),
    ]
    assert writes[0] == "UNWIND $rows AS row CREATE (n:Region) SET n = row.props"
    assert "MERGE" not in writes[1] and writes[1].endswith(
        "CREATE (a)-[r:PART_OF]->(b) SET r = {key: row.k}"
    )
    # the lock is taken (no time limit) before the emptiness check and freed after the marker
    begin = statements.index("BEGIN")
    assert driver.log[begin][1] == {"timeout": 0}
    assert "MERGE (l:LianjianLedger {key: 'load'})" in statements[begin + 1]
    check = next(i for i, c in enumerate(statements) if "count(n) > 0 AS any" in c)
    marker = max(i for i, c in enumerate(statements) if "{key: 'ledger'}" in c)
    assert begin < check < statements.index(writes[0]) < marker < statements.index("ROLLBACK")
    assert statements[-1] == "ROLLBACK"


def test_a_create_load_whose_counts_differ_is_an_error():
    """CREATE is not idempotent: a batch committed twice shows in the counts."""
    driver = RecordingDriver(holding=False, counts={"Region": 2, "PART_OF": 2})
    with pytest.raises(Neo4jLoadError, match="--replace"):
        Neo4jStore(driver, "ledgers").write(_two_regions(), fingerprint="abc")
    assert [c for c, _ in driver.log][-1] == "ROLLBACK"  # the lock is freed all the same
    # an update (MERGE) is not counted: the database may hold more than this ledger
    Neo4jStore(RecordingDriver(holding=True), "ledgers").write(_two_regions())


def test_a_repeated_edge_is_written_once_with_the_last_properties():
    data = _two_regions()
    data.edges.append(Edge("PART_OF", "R2", "R1", "PART_OF", {}))
    data.edges.append(Edge("LINK", "R1", "R2", "k1", {"since": "2020"}))
    data.edges.append(Edge("LINK", "R1", "R2", "k1", {"since": "2021"}))
    data.edges.append(Edge("LINK", "R1", "R2", "k2", {"since": "2022"}))
    groups = {key: [r for b in rows.batches(1) for r in b] for key, rows in edge_groups(data)}
    assert groups == {
        ("PART_OF", "Region", "Region", False): [{"s": "R2", "t": "R1", "k": "PART_OF"}],
        ("LINK", "Region", "Region", True): [
            {"s": "R1", "t": "R2", "k": "k1", "props": {"key": "k1", "since": "2021"}},
            {"s": "R1", "t": "R2", "k": "k2", "props": {"key": "k2", "since": "2022"}},
        ],
    }


def test_rows_are_made_a_batch_at_a_time_in_their_order():
    made: list[str] = []

    def row(i: str) -> dict[str, str]:
        made.append(i)
        return {"id": i}

    rows = Batches(["a", "b", "c"], row)
    batches = rows.batches(2)
    assert len(rows) == 3 and made == []  # nothing made before it is asked for
    assert next(batches) == [{"id": "a"}, {"id": "b"}] and made == ["a", "b"]
    assert next(batches) == [{"id": "c"}]
    assert list(batches) == []
