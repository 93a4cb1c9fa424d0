"""The project's own Neo4j Community 5.26 server: fetched from Maven Central, run on 127.0.0.1.

For tests and for users without Docker or a server of their own. ``fetch`` copies
``org.neo4j:neo4j`` and its dependencies (server, Bolt, admin tool) into
``<home>/lib`` with Maven; ``start`` writes a config, sets the initial password,
starts ``org.neo4j.server.CommunityEntryPoint`` and waits for Bolt; ``stop`` ends it.

``python -m lianjian.graph.neo4j.server {fetch,start,stop,status,env}``

Memory: ``LIANJIAN_NEO4J_HEAP`` and ``LIANJIAN_NEO4J_PAGECACHE``, read when the server
starts; by default each is an eighth of the memory available then (so the server takes at
most a quarter of what is free, on a machine others share), the heap between 1 GiB and
31 GiB (compressed pointers end above), the page cache from 512 MiB (it ideally holds the
whole store: give more on a machine of its own).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "NEO4J_VERSION",
    "ServerInfo",
    "Neo4jServerError",
    "default_home",
    "fetch",
    "start",
    "stop",
    "status",
]

NEO4J_VERSION = os.environ.get("LIANJIAN_NEO4J_VERSION", "5.26.30")
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lianjian</groupId><artifactId>neo4j-local</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{version}</version></dependency>
  </dependencies>
</project>
"""


class Neo4jServerError(RuntimeError):
    pass


MIB = 1 << 20
# (variable, smallest, largest) in MiB: each default is an eighth of the available memory
MEMORY_BOUNDS = {"LIANJIAN_NEO4J_HEAP": (1024, 31 * 1024), "LIANJIAN_NEO4J_PAGECACHE": (512, None)}


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable), or the machine's total where the
    system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_defaults(available: int | None = None) -> dict[str, str]:
    """The default heap and page cache for ``available`` bytes (now, if None)."""
    eighth = (available_memory() if available is None else available) // 8 // MIB
    out = {}
    for var, (low, high) in MEMORY_BOUNDS.items():
        mib = max(low, eighth if high is None else min(high, eighth))
        out[var] = f"{mib // 1024}g" if mib % 1024 == 0 else f"{mib}m"
    return out


def memory_settings() -> tuple[str, str]:
    """(heap, page cache) from the environment, e.g. ``("4g", "2g")``, else
    :func:`memory_defaults`; a value that is not a number followed by k, m or g is an
    error naming the variable."""

    out = []
    defaults = memory_defaults()
    for var, default in defaults.items():
        value = (os.environ.get(var) or default).strip().lower()
        if not re.fullmatch(r"[1-9][0-9]*[kmg]", value):
            raise Neo4jServerError(
                f"{var}={value!r}: give a size such as 512m or 4g (a number and k, m or g)"
            )
        out.append(value)
    return out[0], out[1]


@dataclass
class ServerInfo:
    uri: str
    user: str
    password: str
    pid: int
    home: Path
    bolt_port: int

    def __repr__(self) -> str:
        return f"ServerInfo(uri={self.uri!r}, pid={self.pid}, home={str(self.home)!r})"


def default_home() -> Path:
    return Path(os.environ.get("LIANJIAN_NEO4J_HOME", ".neo4j")).resolve()


def fetch(home: Path | None = None) -> Path:
    """Copy the Neo4j jars into ``home/lib`` (once; a marker file records success)."""
    home = Path(home or default_home())
    marker = home / "lib" / f".complete-{NEO4J_VERSION}"
    if marker.is_file():
        return home
    home.mkdir(parents=True, exist_ok=True)
    (home / "pom.xml").write_text(_POM.format(version=NEO4J_VERSION), "utf-8")
    cmd = [
        "mvn",
        "-q",
        "-B",
        "-f",
        str(home / "pom.xml"),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={home / 'lib'}",
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except FileNotFoundError:
        raise Neo4jServerError("Maven (mvn) is not installed: apt-get install maven") from None
    if done.returncode != 0:
        raise Neo4jServerError(
            f"Maven could not fetch org.neo4j:neo4j:{NEO4J_VERSION}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    marker.write_text("ok\n")
    return home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _password(home: Path, given: str | None) -> str:
    if given:
        return given
    if os.environ.get("NEO4J_PASSWORD"):
        return os.environ["NEO4J_PASSWORD"]
    f = home / "password"
    if f.is_file():
        return f.read_text().strip()
    pw = "n" + secrets.token_urlsafe(18)  # never "-" first: it would read as an option
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(pw)
    return pw


def java_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NEO4J_HOME"] = str(home)
    env["NEO4J_CONF"] = str(home / "conf")
    return env


TUNABLE = {"db.transaction.timeout": "600s"}  # settings a caller may give otherwise


def write_conf(home: Path, bolt_port: int, settings: Mapping[str, str] | None = None) -> None:
    """The server's neo4j.conf; ``settings``: further lines (name → value), e.g. a bounded
    transaction memory pool, or one of :data:`TUNABLE` given otherwise."""
    heap, pagecache = memory_settings()
    conf = home / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    for d in ("data", "logs", "run", "import", "plugins"):
        (home / d).mkdir(exist_ok=True)
    (conf / "neo4j.conf").write_text(
        "\n".join(
            [
                "server.default_listen_address=127.0.0.1",
                "server.default_advertised_address=127.0.0.1",
                f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
                "server.http.enabled=false",
                "server.https.enabled=false",
                f"server.directories.data={home / 'data'}",
                f"server.directories.logs={home / 'logs'}",
                f"server.directories.run={home / 'run'}",
                f"server.directories.import={home / 'import'}",
                f"server.directories.plugins={home / 'plugins'}",
                f"server.memory.heap.initial_size={heap}",
                f"server.memory.heap.max_size={heap}",
                f"server.memory.pagecache.size={pagecache}",
                "dbms.usage_report.enabled=false",
                # the default of a transaction that asks for none: a load asks for none
                *(f"{k}={v}" for k, v in {**TUNABLE, **(settings or {})}.items()),
                "",
            ]
        ),
        "utf-8",
    )


def _bolt_answers(uri: str, user: str, password: str) -> bool:
    # deferred: the driver takes most of a second to import; only this probe needs it
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    try:
        with GraphDatabase.driver(uri, auth=(user, password)) as d:
            d.verify_connectivity()
        return True
    except AuthError:
        raise
    except Exception:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie child is not alive
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def status(home: Path | None = None) -> ServerInfo | None:
    """The running server of this home, or None."""
    home = Path(home or default_home())
    pidfile, portfile = home / "run" / "lianjian.pid", home / "run" / "bolt.port"
    if not pidfile.is_file() or not portfile.is_file():
        return None
    pid, port = int(pidfile.read_text()), int(portfile.read_text())
    if not _alive(pid):
        return None
    uri = f"bolt://127.0.0.1:{port}"
    return ServerInfo(uri, "neo4j", _password(home, None), pid, home, port)


def start(
    home: Path | None = None,
    password: str | None = None,
    bolt_port: int | None = None,
    timeout: float = 180,
    settings: Mapping[str, str] | None = None,
) -> ServerInfo:
    """Start the server (fetching it first if needed) and wait until Bolt answers;
    ``settings``: further neo4j.conf lines."""
    home = Path(home or default_home())
    heap, _ = memory_settings()  # a bad setting fails before anything is fetched or started
    running = status(home)
    if running and _bolt_answers(running.uri, running.user, running.password):
        return running
    fetch(home)
    port = bolt_port or free_port()
    pw = _password(home, password)
    write_conf(home, port, settings)
    env = java_env(home)
    cp = str(home / "lib" / "*")
    if not (home / "data" / "dbms" / "auth.ini").exists():
        done = subprocess.run(
            ["java", "-cp", cp, ADMIN_TOOL, "dbms", "set-initial-password", "--", pw],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise Neo4jServerError(f"could not set the initial password: {done.stderr[-1000:]}")
    log = open(home / "logs" / "console.log", "ab")
    proc = subprocess.Popen(
        [
            "java",
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-cp",
            cp,
            ENTRY_POINT,
            f"--home-dir={home}",
            f"--config-dir={home / 'conf'}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (home / "run" / "lianjian.pid").write_text(str(proc.pid))
    (home / "run" / "bolt.port").write_text(str(port))
    uri = f"bolt://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Neo4jServerError(f"Neo4j exited with code {proc.returncode}:\n{_log_tail(home)}")
        if _bolt_answers(uri, "neo4j", pw):
            return ServerInfo(uri, "neo4j", pw, proc.pid, home, port)
        time.sleep(1)
    stop(home)
    raise Neo4jServerError(
        f"Neo4j did not answer on {uri} within {timeout:.0f} s:\n{_log_tail(home)}"
    )


def _log_tail(home: Path, n: int = 30) -> str:
    lines = []
    for name in ("console.log", "neo4j.log", "debug.log"):
        f = home / "logs" / name
        if f.is_file():
            lines += f.read_text("utf-8", "replace").splitlines()[-n:]
    return "\n".join(lines[-n:])


def stop(home: Path | None = None, timeout: float = 60) -> bool:
    """Stop the server of this home; True if one was running."""
    home = Path(home or default_home())
    pidfile = home / "run" / "lianjian.pid"
    if not pidfile.is_file():
        return False
    pid = int(pidfile.read_text())
    was = _alive(pid)
    if was:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
    pidfile.unlink(missing_ok=True)
    return was


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lianjian.graph.neo4j.server", description=__doc__.split("\n")[0]
    )
    parser.add_argument("action", choices=["fetch", "start", "stop", "status", "env"])
    parser.add_argument(
        "--home",
        type=Path,
        default=None,
        help="where the server lives (default: $LIANJIAN_NEO4J_HOME or .neo4j)",
    )
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            print(f"Neo4j {NEO4J_VERSION} in {fetch(args.home)}")
        elif args.action == "start":
            info = start(args.home)
            print(f"Neo4j {NEO4J_VERSION} running on {info.uri} (pid {info.pid})")
        elif args.action == "stop":
            print("stopped" if stop(args.home) else "not running")
        else:
            info = status(args.home)
            if info is None:
                print("not running", file=sys.stderr)
                return 1
            if args.action == "status":
                print(f"running on {info.uri} (pid {info.pid})")
            else:
                print(f"export NEO4J_URI={info.uri} NEO4J_USER={info.user} NEO4J_DATABASE=neo4j")
                print(f"export NEO4J_PASSWORD={info.password}")
    except Neo4jServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
