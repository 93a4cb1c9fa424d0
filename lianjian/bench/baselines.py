"""Baselines measured beside our own code in the same run.

* :func:`naive_load`: one auto-commit ``MERGE`` per row, the way a first script would
  load a ledger; timed on a subset and reported per row.
* :func:`admin_import`: Neo4j's own offline bulk importer (``neo4j-admin database
  import full``) on CSV files written from the same graph, into a fresh store that no
  server is running on: the upper bound for a first load.

rdflib's ``Graph.serialize`` (:func:`lianjian.bench.rdf.rdflib_graph`) and the greedy
pairing (:func:`lianjian.queries.pairing.plan.greedy_plan`) are the other two.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from lianjian.bench import stores
from lianjian.core.model import GraphData
from lianjian.graph.neo4j import server as srv
from lianjian.graph.neo4j.bulk import BulkError, run_import, write_admin_csv
from lianjian.graph.neo4j.store import Neo4jStore

__all__ = ["naive_load", "admin_import", "write_admin_csv"]


def naive_load(store: Neo4jStore, data: GraphData, rows: int = 2000) -> dict[str, Any]:
    """Load the first ``rows`` nodes, then the edges between them, one auto-commit
    statement each, into the emptied database; ``{"rows", "seconds", "per_row_ms"}``."""
    store.clear()
    store.ensure_schema()
    nodes = list(data.nodes.items())[:rows]
    kept = {n for n, _ in nodes}
    edges = [e for e in data.edges if e.source in kept and e.target in kept][: rows // 2]
    done = 0
    t0 = time.perf_counter()
    with stores.session(store) as session:
        for node_id, (label, props) in nodes:
            session.run(
                f"MERGE (n:{label} {{id: $id}}) SET n = $props",
                id=node_id,
                props={"id": node_id, **props},
            ).consume()
            done += 1
        for e in edges:
            sl, tl = data.nodes[e.source][0], data.nodes[e.target][0]
            session.run(
                f"MATCH (a:{sl} {{id: $s}}) MATCH (b:{tl} {{id: $t}}) "
                f"MERGE (a)-[r:{e.type} {{key: $k}}]->(b) SET r = $props",
                s=e.source,
                t=e.target,
                k=e.key,
                props={"key": e.key, **e.props},
            ).consume()
            done += 1
    seconds = time.perf_counter() - t0
    store.clear()
    return {
        "rows": done,
        "seconds": round(seconds, 3),
        "per_row_ms": round(1000 * seconds / done, 3),
    }


def admin_import(data: GraphData, jars: Path, timeout: float = 1800) -> dict[str, Any]:
    """Time ``neo4j-admin database import full`` of ``data`` into a fresh store (the CSV
    writing is not timed); ``{"seconds", "nodes", "relationships"}`` or ``{"error"}``."""
    with tempfile.TemporaryDirectory(prefix="lianjian-import-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "lib").symlink_to(jars / "lib")
        srv.write_conf(home, srv.free_port())
        folder = Path(tmp) / "csv"
        folder.mkdir()
        try:
            nodes_args, rel_args = write_admin_csv(data, folder)
        except BulkError as e:
            return {"error": str(e)}
        t0 = time.perf_counter()
        done = run_import(home, nodes_args, rel_args, Path(tmp) / "import.report", timeout=timeout)
        seconds = time.perf_counter() - t0
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return {"error": " | ".join(tail) or f"exit code {done.returncode}"}
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "seconds": round(seconds, 3),
        "nodes": len(data.nodes),
        "relationships": len(data.edges),
    }
