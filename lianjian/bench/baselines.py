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

import csv
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from lianjian.bench import stores
from lianjian.core.model import GraphData
from lianjian.graph.neo4j import server as srv
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


def _kind(values: list[Any]) -> str:
    v = next((x for x in values if x is not None), "")
    if isinstance(v, bool):
        return ":boolean"
    if isinstance(v, int):
        return ":long"
    if isinstance(v, float):
        return ":double"
    if isinstance(v, list):
        return ":string[]"
    return ""


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    return v


def _write(path: Path, head: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerows(rows)


def write_admin_csv(data: GraphData, folder: Path) -> tuple[list[str], list[str]]:
    """One CSV per label and per relationship type in the importer's header format;
    returns the ``--nodes`` and ``--relationships`` arguments."""
    by_label: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for node_id, (label, props) in data.nodes.items():
        by_label[label].append((node_id, props))
    nodes_args = []
    for label, items in by_label.items():
        keys = sorted({k for _, p in items for k in p} - {"id"})
        head = ["id:ID"] + [k + _kind([p.get(k) for _, p in items[:200]]) for k in keys]
        rows = [[i] + [_cell(p.get(k)) for k in keys] for i, p in items]
        f = folder / f"nodes_{label}.csv"
        _write(f, [*head, ":LABEL"], [[*r, label] for r in rows])
        nodes_args.append(f"--nodes={f}")
    by_type: dict[str, list] = defaultdict(list)
    for e in data.edges:
        by_type[e.type].append(e)
    rel_args = []
    for rel, edges in by_type.items():
        keys = sorted({k for e in edges for k in e.props} - {"key"})
        head = [":START_ID", ":END_ID", "key"] + [
            k + _kind([e.props.get(k) for e in edges[:200]]) for k in keys
        ]
        rows = [[e.source, e.target, e.key] + [_cell(e.props.get(k)) for k in keys] for e in edges]
        f = folder / f"rels_{rel}.csv"
        _write(f, [*head, ":TYPE"], [[*r, rel] for r in rows])
        rel_args.append(f"--relationships={f}")
    return nodes_args, rel_args


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
        nodes_args, rel_args = write_admin_csv(data, folder)
        cmd = [
            "java",
            "-cp",
            str(home / "lib" / "*"),
            srv.ADMIN_TOOL,
            "database",
            "import",
            "full",
            "neo4j",  # before the file lists, which take several values each
            "--array-delimiter=;",
            "--overwrite-destination=true",
            f"--report-file={Path(tmp) / 'import.report'}",  # not into the working folder
            *nodes_args,
            *rel_args,
        ]
        t0 = time.perf_counter()
        done = subprocess.run(
            cmd, env=srv.java_env(home), capture_output=True, text=True, timeout=timeout
        )
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
