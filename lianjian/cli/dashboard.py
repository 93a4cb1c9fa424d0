"""The ``lianjian dashboard`` command: the Streamlit dashboard on this machine.

Options reach the app through environment variables (never credentials in argv);
Streamlit is started headless, bound to 127.0.0.1 unless ``--host`` says
otherwise, with XSRF protection, no cross-origin access, and no error details in
the browser. Without a ledger path it runs on the store of record (``--store``, or the
configured Neo4j database), with the Progress page's history. With users configured
(``lianjian users add``) the app asks for a login and its cookies and sessions are
signed with the session secret; ``--host`` other than loopback refuses to start
without users.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from lianjian.auth.session import SecretError, session_secret
from lianjian.auth.users import load_users, users_path
from lianjian.cli.common import (
    Backend,
    BackendOpt,
    DbOpt,
    Neo4jFlag,
    StoreLedgerArg,
    StoreOpt,
    StrictOpt,
    UriOpt,
    WithNamesOpt,
    backend_of,
    clean_errors,
    err,
    fail,
    open_store,
    out,
    settings,
)
from lianjian.core.privacy import pseudonym_key
from lianjian.graph.backends import open_record
from lianjian.graph.embedded.persist import store_dir
from lianjian.loaders.files import ledger_files
from lianjian.present.escape import terminal_text

__all__ = ["dashboard", "streamlit_command", "dashboard_env"]

APP = Path(__file__).parent.parent / "dashboard" / "app.py"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def streamlit_command(host: str, port: int) -> list[str]:
    """The ``streamlit run`` command line: no secrets in it, only server settings."""
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.enableXsrfProtection",
        "true",
        # Streamlit's "CORS protection": true means no cross-origin access (false
        # would send Access-Control-Allow-Origin: * and accept any WebSocket origin)
        "--server.enableCORS",
        "true",
        # "none": a generic message in the browser, details only in this terminal
        # ("false" is an old alias of "stacktrace", which shows tracebacks)
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--global.developmentMode",
        "false",
        "--server.maxUploadSize",
        "1",
        "--theme.base",
        "light",
    ]
    if host in LOOPBACK:  # against DNS rebinding: only these host names may connect
        for name in LOOPBACK:
            cmd += ["--server.allowedHosts", name]
    return cmd


def dashboard_env(
    ledger: Path | None,
    backend: str,
    with_names: bool,
    scope: str | None = None,
    uri: str | None = None,
    database: str | None = None,
    strict: bool = False,
    users: Path | None = None,
    store: Path | None = None,
) -> dict[str, str]:
    """The environment the app reads its options from (see lianjian.dashboard.state;
    ``users``: the users file, then a login is asked, lianjian.dashboard.login). Without
    a ledger, the store of record: ``store``'s folder (default: the default store's) on
    the embedded backend, the configured database on Neo4j."""
    env = dict(os.environ)
    env.pop("LIANJIAN_DASHBOARD_LEDGER", None)
    env.pop("LIANJIAN_DASHBOARD_STORE", None)
    if ledger is not None:
        env["LIANJIAN_DASHBOARD_LEDGER"] = str(ledger.resolve())
    elif backend == "neo4j":
        env["LIANJIAN_DASHBOARD_STORE"] = "neo4j"  # the configured database
    else:
        env["LIANJIAN_DASHBOARD_STORE"] = str((store or store_dir()).resolve())
    env["LIANJIAN_DASHBOARD_BACKEND"] = backend
    env.pop("LIANJIAN_DASHBOARD_NAMES", None)
    env.pop("LIANJIAN_DASHBOARD_SCOPE", None)
    env.pop("LIANJIAN_DASHBOARD_STRICT", None)
    env.pop("LIANJIAN_DASHBOARD_USERS", None)
    if users is not None:
        env["LIANJIAN_DASHBOARD_USERS"] = str(users.resolve())
    if strict:
        env["LIANJIAN_DASHBOARD_STRICT"] = "1"
    if with_names:
        env["LIANJIAN_DASHBOARD_NAMES"] = "1"
    if scope:
        env["LIANJIAN_DASHBOARD_SCOPE"] = scope
    if uri:
        env["NEO4J_URI"] = uri
    if database:
        env["NEO4J_DATABASE"] = database
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    return env


def dashboard(
    ledger: StoreLedgerArg = None,
    store: StoreOpt = None,
    backend: BackendOpt = Backend.embedded,
    neo4j: Neo4jFlag = False,
    with_names: WithNamesOpt = False,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8501,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on; another than 127.0.0.1 opens it to the network."
        ),
    ] = "127.0.0.1",
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope",
            help="Hold the whole app to one region's subtree (a region id, e.g. a street).",
            show_default=False,
        ),
    ] = None,
    uri: UriOpt = None,
    database: DbOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Start the dashboard in the browser: coverage, explorer, gaps, progress, pairings
    (可视化看板).

    Chinese by default, English from the sidebar. Members are pseudonymised unless
    --with-names is given. Without a ledger path it runs on the store of record
    (--store, or the configured Neo4j database with --backend neo4j), and its Progress
    page shows the history (进展). A ledger that cannot be used (a whole table unread,
    or with --strict any error or warning) is refused here, before the server starts;
    what was rejected, dropped or not read is said here and on every page. Stop it
    with Ctrl+C.

    Examples: lianjian dashboard data/sample --port 8501; lianjian dashboard --store shashi-store
    """
    backend = backend_of(backend, neo4j)
    users = _users_for(host)
    with clean_errors():  # what would fail in the browser, said here in one line
        pseudonym_key()
        if ledger is None:
            _check_record(store, backend, uri, database)
        else:
            if store is not None:
                raise ValueError("give a ledger path or --store, not both")
            ledger_files(ledger)
            # the ledger read once here (and cached, or loaded into an empty Neo4j), so a
            # refused one stops before the server starts, and the balance line is printed
            open_store(ledger, backend, uri, database, strict=strict, with_names=with_names).close()
    env = dashboard_env(
        ledger, backend.value, with_names, scope, uri, database, strict, users, store
    )
    if users is not None:
        try:  # signs Streamlit's cookies and the login sessions; in the environment, not argv
            env["STREAMLIT_SERVER_COOKIE_SECRET"] = session_secret().decode("utf-8")
        except SecretError as e:
            fail(str(e))
        err.print(f"login required: {len(load_users(users))} users", highlight=False)
    shown = f"[{host}]" if ":" in host else host
    out.print(
        terminal_text(f"dashboard: http://{shown}:{port}  (Ctrl+C stops it)"), highlight=False
    )
    if host not in LOOPBACK:
        err.print(
            f"[yellow]listening on {terminal_text(host)}: reachable from the network[/]",
            highlight=False,
        )
    if with_names:
        err.print("[yellow]member names are shown (personal data)[/]", highlight=False)
    raise typer.Exit(_run(streamlit_command(host, port), env))


def _check_record(store: Path | None, backend: Backend, uri, database) -> None:
    """The store of record can be read and holds a source (``ValueError`` otherwise),
    checked before the server starts; its versions are said in one line."""
    chosen = settings(uri, database) if backend == Backend.neo4j else None
    record = open_record(store, backend.value, settings=chosen)
    try:
        held = record.sources()
        if not held:
            raise ValueError(
                f"the store {record.location} holds no source yet; load one: lianjian load "
                "LEDGER --source NAME --as-of DATE"
            )
        latest = max(s.version for s in held.values())
        err.print(
            terminal_text(
                f"store of record: {record.location}, {len(held)} source"
                f"{'' if len(held) == 1 else 's'}, latest version {latest}"
            ),
            highlight=False,
        )
    finally:
        record.close()


def _users_for(host: str) -> Path | None:
    """The users file when it has users; none on loopback keeps the single local user
    (no login); none on another address refuses to start (exit 2)."""
    path = users_path()
    with clean_errors():
        has_users = bool(load_users(path))
    if has_users:
        return path
    if host not in LOOPBACK:
        fail(f"--host {host} needs users (none in {path}): add them with `lianjian users add`")
    return None


def _run(cmd: list[str], env: dict[str, str]) -> int:
    """Run Streamlit until it ends; a SIGTERM to this command ends it too (no orphan server)."""
    proc = subprocess.Popen(cmd, env=env)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: proc.terminate())
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:  # Ctrl+C reached Streamlit too: wait for it to stop
                proc.send_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
