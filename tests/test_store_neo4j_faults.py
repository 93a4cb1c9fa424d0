"""The Neo4j store of record with its server killed in the middle of a version load:
the previous version stays, and the next load succeeds. The server is this test's
own, in a temporary home (sharing the jars), never the session's shared one."""

from __future__ import annotations

import os
import time

import pytest

from lianjian.graph.neo4j import server as srv
from tests.record_ledgers import V1, V2
from tests.test_neo4j_faults import driver_for, kill_when, lianjian, private_server  # noqa: F401

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

LOADING = (
    "SHOW TRANSACTIONS YIELD metaData, currentQuery "
    "WHERE metaData.lianjian = 'load' RETURN count(*) AS n"
)


def history(env) -> tuple[int, str]:
    done = lianjian("history", "--neo4j", "--format", "json", env=env)
    out, err = done.communicate(timeout=240)
    return done.returncode, out + err


def test_server_killed_mid_load_leaves_the_previous_version(
    sample_ledger,
    jingzhou_small,
    private_server,  # noqa: F811
):
    info = srv.status(private_server)
    env = {**os.environ, "NEO4J_URI": info.uri, "NEO4J_USER": "neo4j",
           "NEO4J_PASSWORD": info.password, "NEO4J_DATABASE": "neo4j"}  # fmt: skip
    first = lianjian("load", str(sample_ledger), "--neo4j", "--source", "s", "--as-of", V1, env=env)
    assert first.wait(240) == 0, first.stderr.read()
    # the generated ledger as the source's next month: a large diff, a long transaction
    load = lianjian("load", str(jingzhou_small), "--neo4j", "--source", "s", "--as-of", V2, env=env)

    def inside(driver) -> bool:
        if driver.execute_query(LOADING).records[0]["n"]:
            time.sleep(1.0)  # well inside the transaction
            return True
        return False

    kill_when(load, info, inside)

    info = srv.start(private_server)  # the same data folder, recovered
    env["NEO4J_URI"] = info.uri
    code, said = history(env)
    assert code == 0, said
    assert '"version": 1' in said and '"version": 2' not in said
    driver = driver_for(info.uri, info.password)
    try:  # nothing of the killed load is left: the sample's organisations only
        orgs = driver.execute_query("MATCH (n:PartyOrg) RETURN count(n) AS n").records[0]["n"]
    finally:
        driver.close()
    assert orgs == 23
    again = lianjian(
        "load", str(jingzhou_small), "--neo4j", "--source", "s", "--as-of", V2, env=env
    )
    out, err = again.communicate(timeout=540)
    assert again.returncode == 0, err
    assert out.startswith("version 2 of source s")
    code, said = history(env)
    assert '"version": 2' in said
