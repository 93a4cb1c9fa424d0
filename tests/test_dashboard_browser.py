"""The dashboard in a real headless Chromium: started with ``lianjian dashboard`` on a
free port, every page opened, the drawing checked, screenshots kept in ``artefacts/``.

The sample ledger is copied with one more organisation named like an XSS attack;
nothing it holds may run. Chromium comes from the system (``scripts/test.sh``
installs Debian's ``chromium`` and ``fonts-noto-cjk``); without it the tests skip,
unless ``LIANJIAN_REQUIRE_BROWSER=1``, where they fail.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lianjian.graph.embedded import EmbeddedStore
from lianjian.loaders.ledger import header_index
from lianjian.text import fold

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "artefacts"
XSS = "<img src=x onerror=alert(1)>"
XSS_ID = "ZZ-XSS-1"
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
PAGES = {  # url path → the page title
    "": "覆盖总览",
    "explorer": "图谱浏览",
    "gaps": "覆盖空白",
    "pairings": "以强带弱结对",
    "console": "Cypher 查询",
    "export": "数据导出",
}
HOOK = """
(() => {
  const record = (m) => { try { (window.top.__dialogs = window.top.__dialogs || []).push(String(m)); }
                          catch (e) { (window.__dialogs = window.__dialogs || []).push(String(m)); } };
  for (const f of ["alert", "confirm", "prompt"]) { window[f] = record; }
})();
"""

pytestmark = pytest.mark.slow


def _unavailable(reason: str):
    if os.environ.get("LIANJIAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"a browser is required (LIANJIAN_REQUIRE_BROWSER=1): {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        _unavailable("no chromium on PATH: run scripts/test.sh, which installs it")
    return found


@pytest.fixture(scope="module")
def ledger(sample_ledger, tmp_path_factory) -> Path:
    """The sample, plus an organisation whose name is an XSS attack, on a grid."""
    out = tmp_path_factory.mktemp("xss") / "ledger"
    shutil.copytree(sample_ledger, out)
    grid = next(
        r["id"]
        for r in EmbeddedStore.from_ledger(sample_ledger).node_summaries(["Region"])
        if r["level"] == "grid"
    )
    orgs = next(p for p in out.iterdir() if fold(p.stem) in ("orgs", fold("党组织")))
    raw = orgs.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "gb18030", raw.decode("gb18030")
    header = next(csv.reader([text.splitlines()[0]]))
    index = header_index_for("orgs")
    values = {"id": XSS_ID, "name": XSS, "kind": "branch", "covers": grid}
    row = [values.get(index.get(fold(h), ""), "") for h in header]
    with orgs.open("a", encoding=encoding.replace("-sig", ""), newline="") as fh:
        if not text.endswith("\n"):
            fh.write("\n")
        csv.writer(fh).writerow(row)
    return out


def header_index_for(table: str) -> dict[str, str]:
    from lianjian.graph.schema import SCHEMA

    return header_index(SCHEMA)[table]


def lianjian_command() -> list[str]:
    """The installed ``lianjian`` command beside this interpreter (or its entry point)."""
    script = Path(sys.executable).with_name("lianjian")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from lianjian.cli import main; sys.exit(main())"]


@pytest.fixture(scope="module")
def server(ledger):
    """``lianjian dashboard LEDGER --port N`` in its own process group, stopped afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ARTEFACTS.mkdir(exist_ok=True)
    log = ARTEFACTS / "dashboard-server.log"
    proc = subprocess.Popen(
        [*lianjian_command(), "dashboard", str(ledger), "--port", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"the dashboard did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from playwright import sync_api
    except ImportError as e:
        _unavailable(f"playwright is not installed: {e}")
    executable = _chromium()
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


def open_page(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    page.get_by_role("heading", name=PAGES[path], level=1).wait_for(timeout=60000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000
    )
    page.wait_for_timeout(500)


def graph_frame(page):
    """The frame holding the drawing, once vis-network has stabilised and frozen it."""
    frame = page.frame_locator("iframe").first
    frame.locator('#graph[data-drawn="1"]').wait_for(timeout=60000)
    return next(f for f in page.frames if f.query_selector("#graph"))


def wait_for_drawing_of(page, text: str) -> None:
    page.wait_for_function(
        "(s) => [...document.querySelectorAll('iframe')].some(f => f.srcdoc.includes(s))",
        arg=text,
        timeout=60000,
    )


def no_script_ran(page) -> None:
    assert page.dialogs == []
    for f in page.frames:
        assert f.evaluate("window.__dialogs || []") == []
        assert f.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_in_chromium(server, page, path):
    open_page(page, server, path)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"')")
    if path == "":
        cards = page.locator('[data-testid="stMetric"]')
        assert cards.count() >= 12
        assert "社区" in page.inner_text("body") and "党员" in page.inner_text("body")
    if path == "explorer":
        frame = graph_frame(page)
        assert frame.evaluate("document.querySelector('#graph canvas').width") > 0
    no_script_ran(page)
    page.screenshot(path=str(ARTEFACTS / f"dashboard-{path or 'overview'}.png"), full_page=True)


def test_an_xss_name_is_shown_as_text_and_runs_nothing(server, page):
    open_page(page, server, "explorer")
    search = page.get_by_label("搜索名称", exact=False)
    search.fill(XSS_ID)
    search.press("Enter")
    wait_for_drawing_of(page, XSS_ID)
    frame = graph_frame(page)
    label = frame.evaluate("(id) => window.lianjianNetwork.body.data.nodes.get(id).label", XSS_ID)
    assert label.startswith("⚠ <img src=x")  # drawn on the canvas as the very text
    # hover the node: its tooltip holds the name as text, not as markup
    x, y = frame.evaluate(
        """(id) => { const n = window.lianjianNetwork; const p = n.canvasToDOM(n.getPosition(id));
                     const r = document.querySelector('#graph').getBoundingClientRect();
                     return [p.x + r.left, p.y + r.top]; }""",
        XSS_ID,
    )
    box = page.locator("iframe").first.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    frame.wait_for_selector("div.vis-tooltip", state="visible", timeout=10000)
    assert XSS in frame.inner_text("div.vis-tooltip")
    page.wait_for_timeout(500)
    no_script_ran(page)
    page.screenshot(path=str(ARTEFACTS / "dashboard-explorer-xss.png"), full_page=True)


def test_explorer_draws_a_community_quickly(server, page, sample_ledger):
    community = next(
        r["name"]
        for r in EmbeddedStore.from_ledger(sample_ledger).node_summaries(["Region"])
        if r["level"] == "community"
    )
    open_page(page, server, "explorer")
    t0 = time.perf_counter()
    search = page.get_by_label("搜索名称", exact=False)
    search.fill(community)
    search.press("Enter")
    wait_for_drawing_of(page, community)
    frame = graph_frame(page)
    seconds = time.perf_counter() - t0
    drawn_ms = frame.evaluate("window.lianjianDrawMs")
    print(
        f"\nexplorer: {community} drawn {seconds:.2f} s after the search (layout {drawn_ms:.0f} ms)"
    )
    assert seconds < 10


def test_no_cross_origin_access(server):
    request = urllib.request.Request(
        f"{server}/_stcore/health", headers={"Origin": "http://attacker.example"}
    )
    with urllib.request.urlopen(request, timeout=5) as r:
        assert r.headers.get("Access-Control-Allow-Origin") in (None, "")
