"""The dashboard in a real headless Chromium, shared by the browser tests (a pytest plugin
named in ``conftest.py``): a hostile copy of the sample ledger, ``lianjian dashboard``
started on it once per session, one Chromium, and helpers to open pages.

The hostile ledger is the sample plus a street, a community, a grid, a unit and two
organisations named like XSS attacks (the grid has no branch, so it is a gap; one
organisation is weak, so it is paired), and every member renamed ``MEMBER_MARK{n}``
so that a member name anywhere in a page, a drawing or a log is easy to find.
Chromium comes from the system; without it the tests skip, unless
``LIANJIAN_REQUIRE_BROWSER=1``, where they fail.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from lianjian.bench.dashboard import lianjian_command
from lianjian.core.schema import SCHEMA
from lianjian.graph.neo4j.server import free_port
from lianjian.loaders.columns import header_index
from lianjian.loaders.read import detect_encoding, header_key, match_table
from tests.ledgers import write_ledger

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "artefacts"
XSS = "<img src=x onerror=alert(1)>"
XSS_ID = "ZZ-XSS-1"
XSS_NAMES = {  # id → a name that would run, or restyle the page, if it were not text
    "ZZ-XSS-S": "<img src=x onerror=alert('street')> **粗** :red[红] $x$ &amp; 街道",
    "ZZ-XSS-C": "<svg onload=alert('community')>社区</svg>",
    "ZZ-XSS-G": "<script>alert('grid')</script>网格",
    "ZZ-XSS-U": "<iframe src=javascript:alert('unit')></iframe>公司",
    XSS_ID: XSS,
    "ZZ-XSS-W": "\"'><img src=x onerror=alert('weak')>支部",
}
MEMBER_MARK = "机密姓名"
# every wait of the browser tests, in milliseconds: generous, for a loaded 2-core machine
# (a test waits for the condition it checks, so a fast machine never waits this long)
TIMEOUT = 240_000
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {  # url path → the page title, of every page on the embedded backend
    "": "覆盖总览",
    "explorer": "图谱浏览",
    "gaps": "覆盖空白",
    "map": "地图",
    "progress": "进展",
    "pairings": "以强带弱结对",
    "export": "数据导出",
}
TITLES = {**PAGES, "console": "Cypher 查询"}  # the console is listed on Neo4j only
HOOK = """
(() => {
  const record = (m) => { try { (window.top.__dialogs = window.top.__dialogs || []).push(String(m)); }
                          catch (e) { (window.__dialogs = window.__dialogs || []).push(String(m)); } };
  for (const f of ["alert", "confirm", "prompt"]) { window[f] = record; }
})();
"""


def _unavailable(reason: str):
    if os.environ.get("LIANJIAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"a browser is required (LIANJIAN_REQUIRE_BROWSER=1): {reason}", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- the hostile ledger


def _table_file(folder: Path, table: str) -> Path:
    return next(p for p in folder.iterdir() if match_table(p.stem, SCHEMA.table_aliases) == table)


def _read(path: Path) -> tuple[list[list[str]], str]:
    raw = path.read_bytes()
    encoding = detect_encoding(raw)
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline=""))), encoding


def _write(path: Path, rows: list[list[str]], encoding: str) -> None:
    assert path.suffix == ".csv", path
    write_ledger(path.parent, {path.stem: rows}, encoding=encoding)


def add_rows(folder: Path, table: str, rows: list[dict[str, str]]) -> None:
    """Append rows given by property name to the ledger's table, in its own header order."""
    path = _table_file(folder, table)
    lines, encoding = _read(path)
    index = header_index(SCHEMA)[table]
    names = [index.get(header_key(h), "") for h in lines[0]]
    lines += [[row.get(n, "") for n in names] for row in rows]
    _write(path, lines, encoding)


def rename_members(folder: Path, mark: str = MEMBER_MARK) -> None:
    """Every member of the ledger in ``folder`` renamed ``{mark}{n}``."""
    path = _table_file(folder, "members")
    lines, encoding = _read(path)
    col = [header_index(SCHEMA)["members"].get(header_key(h)) for h in lines[0]].index("name")
    for n, line in enumerate(lines[1:], 1):
        line[col] = f"{mark}{n}"
    _write(path, lines, encoding)


def make_hostile_ledger(sample: Path, out: Path) -> Path:
    shutil.copytree(sample, out)
    regions = {r[0]: r for r in _read(_table_file(out, "regions"))[0][1:]}
    district = next(i for i, r in regions.items() if r[2] in ("区", "district"))
    grid = next(i for i, r in regions.items() if r[2] in ("网格", "grid"))
    n = XSS_NAMES
    add_rows(
        out,
        "regions",
        [
            {"id": "ZZ-XSS-S", "name": n["ZZ-XSS-S"], "level": "street", "parent": district},
            {"id": "ZZ-XSS-C", "name": n["ZZ-XSS-C"], "level": "community", "parent": "ZZ-XSS-S"},
            {"id": "ZZ-XSS-G", "name": n["ZZ-XSS-G"], "level": "grid", "parent": "ZZ-XSS-C"},
        ],
    )
    add_rows(
        out,
        "units",
        [{"id": "ZZ-XSS-U", "name": n["ZZ-XSS-U"], "kind": "private", "location": "ZZ-XSS-G"}],
    )
    add_rows(
        out,
        "orgs",
        [
            {"id": XSS_ID, "name": XSS, "kind": "branch", "covers": grid},
            {
                "id": "ZZ-XSS-W",
                "name": n["ZZ-XSS-W"],
                "kind": "committee",
                "rating": "1",
                "covers": "ZZ-XSS-C",
            },
        ],
    )
    rename_members(out)
    return out


@pytest.fixture(scope="session")
def hostile_ledger(sample_ledger, tmp_path_factory) -> Path:
    from lianjian.loaders.ledger import load_ledger

    out = make_hostile_ledger(sample_ledger, tmp_path_factory.mktemp("xss") / "ledger")
    data = load_ledger(out)
    assert data.report.totals[2] == 0
    assert {i: data.nodes[i][1]["name"] for i in XSS_NAMES} == XSS_NAMES
    return out


# ---------------------------------------------------------------- the dashboard


@contextlib.contextmanager
def running(cmd: list[str], log: Path, port: int, env=None, wait: float = 300) -> Iterator[str]:
    """Run a dashboard command in its own process group until the block ends."""
    ARTEFACTS.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True, env=env
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + wait
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"the dashboard did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    try:
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def dashboard(ledger: Path, *args: str, log: str = "dashboard-server.log", env=None):
    """``lianjian dashboard LEDGER --port N ARGS…`` as a context manager giving its URL."""
    port = free_port()
    cmd = [*lianjian_command(), "dashboard", str(ledger), "--port", str(port), *args]
    return running(cmd, ARTEFACTS / log, port, env=env)


@pytest.fixture(scope="session")
def server(hostile_ledger):
    """The embedded dashboard on the hostile ledger, default options (127.0.0.1, no names)."""
    with dashboard(hostile_ledger) as base:
        yield base


@pytest.fixture(scope="session")
def districts_ledger(tmp_path_factory) -> Path:
    """A generated jingzhou ledger with two districts (scale 0.2: 14,000 members)."""
    from lianjian.generator.generate import generate

    out = tmp_path_factory.mktemp("districts")
    generate(out, profile="jingzhou", scale=0.2, seed=0)
    return out


@pytest.fixture(scope="session")
def districts_server(districts_ledger):
    """The embedded dashboard on the two-district ledger."""
    with dashboard(districts_ledger, log="dashboard-districts.log") as base:
        yield base


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    try:
        from playwright import sync_api
    except ImportError as e:
        _unavailable(f"playwright is not installed: {e}")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        _unavailable("no chromium on PATH: run scripts/test.sh, which installs it")
    pw = sync_api.sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=FLAGS,
            viewport={"width": 1440, "height": 1000},
            locale="zh-CN",
        )
    except Exception as e:
        pw.stop()
        _unavailable(f"chromium did not start: {e}")
    context.add_init_script(HOOK)
    context.set_default_timeout(TIMEOUT)  # clicks, fills, waits and navigation alike
    sync_api.expect.set_options(timeout=TIMEOUT)
    yield context
    context.close()
    pw.stop()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()


def settle(page, title: str) -> None:
    """Wait for a page's title and until no script run is under way. A run an action
    starts may not have begun yet: wait then for what the run must show."""
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=TIMEOUT)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT
    )


def open_page(page, base: str, path: str, query: str = "") -> None:
    page.goto(f"{base}/{path}{query}")
    settle(page, TITLES[path])


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` (its whole label)."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def metric_value(page, label: str):
    """The value of the card whose label is exactly ``label`` (a locator: ``expect`` it,
    so that a card an earlier run drew is waited past)."""
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator(
            '[data-testid="stMetricLabel"]', has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")
        )
    )
    return card.first.locator('[data-testid="stMetricValue"]')


def graph_frame(page, text: str):
    """The frame of the drawing whose source holds ``text`` (not an earlier drawing still
    on the page), once vis-network has stabilised and frozen it."""
    frame = page.locator(f"iframe[srcdoc*={json.dumps(text, ensure_ascii=False)}]").first
    frame.content_frame.locator('#graph[data-drawn="1"]').wait_for(timeout=TIMEOUT)
    return frame.element_handle().content_frame()


def wait_for_drawing_of(page, text: str) -> None:
    page.wait_for_function(
        "(s) => [...document.querySelectorAll('iframe')].some(f => f.srcdoc.includes(s))",
        arg=text,
        timeout=TIMEOUT,
    )


def no_script_ran(page) -> None:
    assert page.dialogs == []
    for f in page.frames:
        try:
            assert f.evaluate("window.__dialogs || []") == []
            injected = 'img[src="x"], svg[onload], iframe[src^="javascript"]'
            assert f.evaluate("(s) => document.querySelectorAll(s).length", injected) == 0
        except Exception as e:  # a drawing replaced by a rerun meanwhile: nothing left to run
            if not f.is_detached() and "detached" not in str(e):
                raise


def everything_shown(page) -> str:
    """The text of the page and of every frame, and the drawings' source."""
    parts = [page.inner_text("body")]
    for f in page.frames[1:]:
        with contextlib.suppress(Exception):
            parts.append(f.inner_text("body"))
    parts += page.evaluate("[...document.querySelectorAll('iframe')].map(f => f.srcdoc || '')")
    # the tables are drawn on a canvas; their accessible copy holds the cells' text
    parts += page.evaluate(
        "[...document.querySelectorAll('[data-testid=stDataFrame] table')].map(t => t.textContent)"
    )
    return "\n".join(parts)
