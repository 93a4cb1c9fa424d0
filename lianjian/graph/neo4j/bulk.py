"""A first load through Neo4j's offline importer (``neo4j-admin database import full``):
``lianjian load LEDGER --backend neo4j --bulk``.

The graph is written as the importer's CSV files (one per label and relationship type,
the values exactly as a batched load stores them: members by pseudonym unless with
names), the project's own server is stopped, the files imported into its database,
the server started again on the same port, then the key constraints and the ledger
marker set. It is for a new database on a server this project runs on this machine: a
database that holds a graph is refused (unless replacing it), and so is any other
server (the importer writes the database's files; it cannot reach a remote one).

Every column has one type in the importer's header (``:long``, ``:double``,
``:boolean``, ``:string[]``); a column whose values are of several types, or an empty
text, which the importer would read as no value, is refused with the column named
rather than written differently from a batched load.
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lianjian.core.model import GraphData
from lianjian.graph.neo4j import server as srv
from lianjian.graph.neo4j.personal import stored_model
from lianjian.graph.store import Progress

__all__ = ["BulkError", "write_admin_csv", "run_import", "project_server", "bulk_load"]

STEPS = (  # what each step does, shown while it runs
    "the import files",
    "stopping the server",
    "neo4j-admin import",
    "starting the server",
    "constraints and marker",
)
ARRAY_DELIMITERS = ("\x1f", "\x1e", ";", "|")  # the first no list item contains
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class BulkError(RuntimeError):
    """The bulk path cannot be taken (the server, the database or a value): one line."""


def _kind(where: str, values: Iterable[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return ""
    if len(kinds) > 1:
        names = ", ".join(sorted(k.__name__ for k in kinds))
        raise BulkError(f"{where} holds values of several types ({names}): use the batched load")
    kind = kinds.pop()
    return {bool: ":boolean", int: ":long", float: ":double", list: ":string[]", str: ""}[kind]


def _delimiter(data: GraphData) -> str:
    items = {
        item
        for _, props in data.nodes.values()
        for v in props.values()
        if isinstance(v, list)
        for item in v
    }
    for d in ARRAY_DELIMITERS:
        if not any(d in str(item) for item in items):
            return d
    raise BulkError("list values hold every separator the importer could use: use the batched load")


def _cell(where: str, v: Any, delimiter: str) -> Any:
    if v is None:
        return ""
    if v == "" or (isinstance(v, list) and (not v or "" in v)):
        raise BulkError(f"{where} holds an empty text, which the importer reads as no value")
    if isinstance(v, bool):  # the importer reads only lower case as true
        return "true" if v else "false"
    if isinstance(v, list):
        return delimiter.join(str(x) for x in v)
    return v


def _write(path: Path, head: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerows(rows)


def write_admin_csv(
    data: GraphData, folder: Path, delimiter: str = ";"
) -> tuple[list[str], list[str]]:
    """One CSV per label and per relationship type in the importer's header format, the
    properties of ``data`` as they are; returns the ``--nodes`` and ``--relationships``
    arguments."""
    by_label: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for node_id, (label, props) in data.nodes.items():
        by_label[label].append((node_id, props))
    nodes_args = []
    for label, items in by_label.items():
        keys = sorted({k for _, p in items for k in p} - {"id"})
        kinds = [_kind(f"{label}.{k}", (p.get(k) for _, p in items)) for k in keys]
        head = ["id:ID", *(k + t for k, t in zip(keys, kinds, strict=True)), ":LABEL"]
        rows = (
            [i, *(_cell(f"{label}.{k}", p.get(k), delimiter) for k in keys), label]
            for i, p in items
        )
        f = folder / f"nodes_{label}.csv"
        _write(f, head, rows)
        nodes_args.append(f"--nodes={f}")
    by_type: dict[str, list] = defaultdict(list)
    for e in data.edges:
        by_type[e.type].append(e)
    rel_args = []
    for rel, edges in by_type.items():
        keys = sorted({k for e in edges for k in e.props} - {"key"})
        kinds = [_kind(f"{rel}.{k}", (e.props.get(k) for e in edges)) for k in keys]
        head = [":START_ID", ":END_ID", "key", *(k + t for k, t in zip(keys, kinds, strict=True))]
        rows = (
            [
                e.source,
                e.target,
                e.key,
                *(_cell(f"{rel}.{k}", e.props.get(k), delimiter) for k in keys),
                rel,
            ]
            for e in edges
        )
        f = folder / f"rels_{rel}.csv"
        _write(f, [*head, ":TYPE"], rows)
        rel_args.append(f"--relationships={f}")
    return nodes_args, rel_args


def run_import(
    home: Path,
    nodes_args: list[str],
    rel_args: list[str],
    report_file: Path,
    delimiter: str = ";",
    database: str = "neo4j",
    timeout: float = 3600,
) -> subprocess.CompletedProcess:
    """``neo4j-admin database import full`` into ``database`` of the server in ``home``
    (stopped), overwriting it."""
    cmd = [
        "java",
        "-cp",
        str(home / "lib" / "*"),
        srv.ADMIN_TOOL,
        "database",
        "import",
        "full",
        database,  # before the file lists, which take several values each
        f"--array-delimiter={delimiter}",
        "--multiline-fields=true",
        "--overwrite-destination=true",
        f"--report-file={report_file}",  # not into the working folder
        *nodes_args,
        *rel_args,
    ]
    return subprocess.run(
        cmd, env=srv.java_env(home), capture_output=True, text=True, timeout=timeout
    )


def project_server(uri: str, home: Path | None = None) -> srv.ServerInfo:
    """The project's own running server (in ``home``, default its usual folder) that
    ``uri`` names, or :class:`BulkError`."""
    info = srv.status(home)
    where = urlsplit(uri)
    if info is None:
        raise BulkError(
            "--bulk needs the project's own Neo4j running on this machine "
            "(lianjian neo4j start; LIANJIAN_NEO4J_HOME names its folder)"
        )
    if where.hostname not in LOCAL_HOSTS or where.port != info.bolt_port:
        raise BulkError(
            f"--bulk writes the database's files offline: it needs the project's own server "
            f"({info.uri}), not {uri}; load a remote server without --bulk"
        )
    return info


def bulk_load(
    store,
    data: GraphData,
    settings,
    replace: bool,
    with_names: bool,
    fingerprint: str,
    progress: Progress | None = None,
    home: Path | None = None,
):
    """Import ``data`` into the project server's database that ``store`` is open on, as
    a batched load would write it (the server is stopped and started again meanwhile;
    ``store`` is closed); returns a store open on the loaded database, its constraints and
    marker set. ``progress(stage, done, 5)`` as each of the five steps begins, and at the end.
    ``home``: the server's folder (default the project server's usual one)."""

    def step(done: int) -> None:
        if progress:
            progress(STEPS[min(done, len(STEPS) - 1)], done, len(STEPS))

    info = project_server(settings.uri, home)
    if not replace and not store.is_empty():
        raise BulkError(
            "--bulk is for a new database and this one holds a graph: "
            "add --replace to overwrite it, or load without --bulk"
        )
    step(0)
    held = stored_model(data, with_names)
    delimiter = _delimiter(held)
    with tempfile.TemporaryDirectory(prefix="lianjian-bulk-") as tmp:  # 0700: personal data
        folder = Path(tmp)
        nodes_args, rel_args = write_admin_csv(held, folder, delimiter)
        step(1)
        store.close()
        srv.stop(info.home)
        step(2)
        try:
            done = run_import(
                info.home,
                nodes_args,
                rel_args,
                folder / "import.report",
                delimiter,
                settings.database,
            )
            step(3)
        finally:
            srv.start(info.home, bolt_port=info.bolt_port)
            step(4)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BulkError("neo4j-admin import failed: " + (" | ".join(tail) or str(done.returncode)))
    fresh = type(store).from_settings(settings)
    fresh.ensure_schema()
    fresh.set_marker(fingerprint, with_names)
    step(5)
    return fresh
