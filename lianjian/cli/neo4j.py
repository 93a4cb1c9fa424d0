"""``lianjian neo4j fetch|start|stop|status``: the project's own local Neo4j server."""

from __future__ import annotations

import typer

from lianjian.cli.common import clean_errors, out
from lianjian.graph.neo4j import server as srv
from lianjian.present.escape import terminal_text

neo4j_app = typer.Typer(
    help="Run the project's own local Neo4j 5.26 server (本地 Neo4j 服务).", no_args_is_help=True
)


@neo4j_app.command("fetch")
def neo4j_fetch() -> None:
    """Fetch Neo4j Community 5.26 from Maven Central into $LIANJIAN_NEO4J_HOME or .neo4j."""
    with clean_errors():
        home = srv.fetch()
    out.print(f"Neo4j jars in {terminal_text(home)}")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local Neo4j on 127.0.0.1 and print the NEO4J_* settings to export."""
    with clean_errors():
        info = srv.start()
    out.print(
        terminal_text(f"export NEO4J_URI={info.uri} NEO4J_USER={info.user} NEO4J_DATABASE=neo4j")
    )
    out.print(
        "# the password: NEO4J_PASSWORD as set, or the file `password` in the Neo4j home (mode 0600)"
    )


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j."""
    with clean_errors():
        srv.stop()
    out.print("stopped")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs, and where."""
    info = srv.status()
    if info is None:
        out.print("not running")
        raise typer.Exit(1)
    out.print(terminal_text(f"running: {info.uri} (pid {info.pid})"))
