"""Apache Jena as a second, independent check of an export: ``riot --validate`` (syntax,
IRIs, language tags, literals) and ``shacl validate`` (the shapes, with Jena's own
SHACL engine), fetched from Maven Central as the project's Neo4j is.

``fetch`` copies ``org.apache.jena:jena-cmds`` and its dependencies (with a plain
SLF4J logger, so that Jena's messages are printed) into ``<home>/lib`` with Maven,
once; the commands run with the installed Java 17.
``python -m lianjian.export.jena {fetch,riot,shacl} [FILE]``
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "JENA_VERSION",
    "JenaError",
    "JenaResult",
    "default_home",
    "fetch",
    "riot",
    "shacl",
    "conforms",
]

JENA_VERSION = os.environ.get("LIANJIAN_JENA_VERSION", "5.6.0")  # the newest for Java 17
SLF4J_VERSION = "2.0.17"
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lianjian</groupId><artifactId>jena-local</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.jena</groupId><artifactId>jena-cmds</artifactId><version>{jena}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>{slf4j}</version></dependency>
  </dependencies>
</project>
"""


class JenaError(RuntimeError):
    pass


@dataclass
class JenaResult:
    """A Jena command's exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def default_home() -> Path:
    return Path(os.environ.get("LIANJIAN_JENA_HOME", ".jena")).resolve()


def fetch(home: Path | None = None) -> Path:
    """Copy the Jena jars into ``home/lib`` (once; a marker file records success)."""
    home = Path(home or default_home())
    marker = home / "lib" / f".complete-{JENA_VERSION}"
    if marker.is_file():
        return home
    home.mkdir(parents=True, exist_ok=True)
    (home / "pom.xml").write_text(_POM.format(jena=JENA_VERSION, slf4j=SLF4J_VERSION), "utf-8")
    cmd = ["mvn", "-q", "-B", "-f", str(home / "pom.xml"), "dependency:copy-dependencies"]
    cmd.append(f"-DoutputDirectory={home / 'lib'}")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except FileNotFoundError:
        raise JenaError("Maven (mvn) is not installed: apt-get install maven") from None
    if done.returncode != 0:
        raise JenaError(
            f"Maven could not fetch org.apache.jena:jena-cmds:{JENA_VERSION}:\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    marker.write_text("ok\n")
    return home


def _run(main: str, args: list[str], home: Path | None) -> JenaResult:
    home = fetch(home)
    cmd = ["java", "-cp", str(home / "lib" / "*"), main, *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise JenaError("Java is not installed: apt-get install openjdk-17-jre-headless") from None
    return JenaResult(done.returncode, done.stdout, done.stderr)


def riot(path: str | os.PathLike, home: Path | None = None) -> JenaResult:
    """``riot --validate FILE``: exit 0 only when Jena finds no error and no warning."""
    return _run("riotcmd.riot", ["--validate", str(path)], home)


def shacl(
    path: str | os.PathLike, shapes: str | os.PathLike | None = None, home: Path | None = None
) -> JenaResult:
    """``shacl validate --shapes SHAPES --data FILE`` (the packaged shapes by default);
    the report is on stdout, ``sh:conforms true`` when the data conforms."""
    if shapes is None:
        with resources.as_file(resources.files("lianjian.export").joinpath("shapes.ttl")) as p:
            return _run("shacl.shacl", ["validate", "--shapes", str(p), "--data", str(path)], home)
    return _run("shacl.shacl", ["validate", "--shapes", str(shapes), "--data", str(path)], home)


def conforms(result: JenaResult) -> bool:
    """Whether a ``shacl validate`` report says the data conforms."""
    return result.ok and re.search(r"sh:conforms\s+true\b", result.stdout) is not None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lianjian.export.jena")
    ap.add_argument("command", choices=["fetch", "riot", "shacl"])
    ap.add_argument("file", nargs="?")
    a = ap.parse_args(argv)
    try:
        if a.command == "fetch":
            print(fetch())
            return 0
        if not a.file:
            ap.error(f"{a.command} needs a FILE")
        r = riot(a.file) if a.command == "riot" else shacl(a.file)
    except JenaError as e:
        print(e, file=sys.stderr)
        return 2
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    return r.returncode


if __name__ == "__main__":
    raise SystemExit(main())
