"""The exact Cypher and parameters the Neo4j backend sends (a recording driver; the
real server is exercised in test_backends.py)."""

from __future__ import annotations

from lianjian.core.model import Edge, GraphData
from lianjian.graph.neo4j.store import Neo4jStore, edge_cypher, node_cypher


class RecordingSession:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute_write(self, fn, batch):
        tx = self
        fn(tx, batch)

    def run(self, cypher, **params):
        self.log.append((cypher, params))

        class R:
            def consume(self):
                return None

        return R()


class RecordingDriver:
    def __init__(self):
        self.log = []
        self.databases = []

    def execute_query(self, cypher, **kw):
        self.databases.append(kw.get("database_"))
        self.log.append((cypher, {k: v for k, v in kw.items() if not k.endswith("_")}))
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
    assert ("MERGE (m:LianjianLedger {key: 'ledger'})" in driver.log[-1][0]) and driver.log[-1][
        1
    ] == {"f": "abc", "names": False}
