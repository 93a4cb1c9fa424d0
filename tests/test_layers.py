"""The tree's shape, enforced: layers point down only, the Neo4j driver stays in its
backend, benchmark code stays in ``bench/``, modules stay small, imports stay at the top.

The layers, lowest first (``docs/architecture.md`` draws them); a module may import its
own layer and the ones below, never one above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lianjian"

LAYERS = [
    ("core", ["lianjian.core", "lianjian"]),
    ("loaders", ["lianjian.loaders"]),
    ("generator", ["lianjian.generator"]),
    ("graph", ["lianjian.graph"]),
    ("queries", ["lianjian.queries"]),
    ("record", ["lianjian.record"]),
    ("present", ["lianjian.present"]),
    ("export", ["lianjian.export"]),
    ("report", ["lianjian.report"]),
    ("auth", ["lianjian.auth"]),
    ("dashboard", ["lianjian.dashboard"]),
    ("bench", ["lianjian.bench"]),
    ("cli", ["lianjian.cli"]),
]
MAX_LINES = 400


def layer_of(module: str) -> int:
    """The layer of a dotted module name: its longest matching prefix; a ``__main__``
    (``python -m …``) is an entry point, like the command line."""
    if module.endswith(".__main__"):
        return len(LAYERS) - 1
    best, rank = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), i
    return rank


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = modules()


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import in the file."""
    tree = ast.parse(path.read_text("utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno, id(node) in top))
            found += [
                (f"{node.module}.{a.name}", node.lineno, id(node) in top)
                for a in node.names
                if f"{node.module}.{a.name}" in MODULES
            ]
    return found


def test_every_module_has_a_layer():
    assert {m: layer_of(m) for m in MODULES if layer_of(m) < 0} == {}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_only(module):
    own = layer_of(module)
    upward = [
        (name, line, LAYERS[layer_of(name)][0])
        for name, line, _ in imports(MODULES[module])
        if name.startswith("lianjian") and layer_of(name) > own
    ]
    assert upward == [], f"{module} ({LAYERS[own][0]}) imports layers above it"


def test_only_the_neo4j_backend_imports_the_driver():
    users = {
        m
        for m, path in MODULES.items()
        for name, _, _ in imports(path)
        if name == "neo4j" or name.startswith("neo4j.")
    }
    assert users and all(m.startswith("lianjian.graph.neo4j") for m in users), users


def test_benchmark_code_is_in_bench_only():
    outside = {m for m in MODULES if not m.startswith("lianjian.bench")}
    named = {m for m in outside if "bench" in m.rsplit(".", 1)[-1]} - {"lianjian.cli.bench"}
    assert named == set()
    importers = {
        m
        for m in outside - {"lianjian.cli.bench"}
        for name, _, _ in imports(MODULES[m])
        if name.startswith("lianjian.bench")
    }
    assert importers == set()
    baselines = {m for m in outside if "def rdflib_graph" in MODULES[m].read_text("utf-8")}
    assert baselines == set()


def test_no_module_over_the_limit():
    long = {
        m: n
        for m, p in MODULES.items()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_imports_inside_functions_say_why():
    """A deferred import is deliberate: a comment on its line or the one above says why."""
    silent = []
    for m, path in MODULES.items():
        lines = path.read_text("utf-8").splitlines()
        for name, line, at_top in imports(path):
            if at_top or name.startswith("__future__"):
                continue
            above = line - 2  # the line before this block of imports says why
            while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                above -= 1
            if "#" not in lines[line - 1] and (above < 0 or "#" not in lines[above]):
                silent.append(f"{m}:{line} {name}")
    assert silent == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    """The check itself fails on a core module importing a query (so it can fail)."""
    bad = tmp_path / "bad.py"
    bad.write_text("from lianjian.queries.gaps.find import find_gaps\n", "utf-8")
    found = [n for n, _, _ in imports(bad) if n.startswith("lianjian")]
    assert any(layer_of(n) > layer_of("lianjian.core.model") for n in found)
