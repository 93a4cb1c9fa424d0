"""How the Neo4j store reads a query's rows: one list per query (the exact Cypher), its
columns planned once, and the rows streamed record by record where the list would not
fit the server's memory pool. The same reads on a real server are the parity tests'."""

from __future__ import annotations

from neo4j.exceptions import Neo4jError

from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.graph.store import Query

QUERY = Query("q", "MATCH (n:Region) RETURN n.id AS id, n.name AS name", None)


class _Planned:
    def keys(self):
        return ["id", "name"]

    def consume(self):
        return None


class _Session:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, cypher, params=None):
        self.log.append(("plan", cypher))
        return _Planned()


class _Driver:
    def __init__(self, too_big: bool = False):
        self.log: list[tuple[str, str]] = []
        self.too_big = too_big

    def session(self, **kw):
        return _Session(self.log)

    def execute_query(self, cypher, params, **kw):
        self.log.append(("read", cypher))
        if cypher.startswith("CALL () {"):
            if self.too_big:
                raise Neo4jError._hydrate_neo4j(  # as the driver makes it from the server's answer
                    code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                    message="The allocation of an extra 2.0 MiB would use more than the limit",
                )
            return [{"rows": [["R1", "一"], ["R2", "二"]]}], None, None
        return [{"id": "R1", "name": "一"}, {"id": "R2", "name": "二"}], None, None


def test_a_query_comes_back_as_one_list_its_columns_planned_once():
    driver = _Driver()
    store = Neo4jStore(driver, "neo4j")
    want = {"q": [{"id": "R1", "name": "一"}, {"id": "R2", "name": "二"}]}
    assert store.read([QUERY], {}) == want
    assert store.read([QUERY], {}) == want
    wrapped = f"CALL () {{\n{QUERY.cypher}\n}}\nRETURN collect([`id`, `name`]) AS rows"
    assert driver.log == [("plan", "EXPLAIN " + QUERY.cypher), ("read", wrapped), ("read", wrapped)]


def test_a_list_too_large_for_the_memory_pool_is_streamed_instead():
    driver = _Driver(too_big=True)
    store = Neo4jStore(driver, "neo4j")
    assert store.read([QUERY], {}) == {
        "q": [{"id": "R1", "name": "一"}, {"id": "R2", "name": "二"}]
    }
    assert driver.log[-1] == ("read", QUERY.cypher)


def test_running_out_of_transaction_memory_says_what_to_change():
    from lianjian.graph.neo4j.errors import driver_error_message

    error = Neo4jError._hydrate_neo4j(
        code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        message="The allocation of an extra 2.0 MiB would use more than the limit 837.2 MiB.\n"
        "dbms.memory.transaction.total.max threshold reached",
    )
    line = driver_error_message(error)
    assert "\n" not in line and "837.2 MiB" in line
    assert "LIANJIAN_NEO4J_HEAP" in line and "db.memory.transaction.total.max" in line
    other = Neo4jError._hydrate_neo4j(code="Neo.ClientError.Statement.SyntaxError", message="x")
    assert "LIANJIAN_NEO4J_HEAP" not in driver_error_message(other)
