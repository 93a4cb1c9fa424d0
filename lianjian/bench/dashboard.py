"""The dashboard's cold start, as a user meets it: ``lianjian dashboard LEDGER`` started
fresh, a headless Chromium opening the Overview, the time until its first figure card
shows a value; then the Explorer centred on a community, the time until its drawing
is done (vis-network has laid it out and marked it drawn).

Twice per ledger: without the graph cache (the first start on a ledger: parse, build,
the cache written) and with it (every later start). The server's peak resident memory
is the largest ``VmHWM`` among its processes (the command and the Streamlit server it
starts), read just before it is stopped.

Chromium comes from the system (``chromium`` on PATH) through Playwright, which is
installed with the test extras; without either the stage reports why instead of a
figure. Every wait has a bound: the stage stops by itself.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lianjian.bench.measure import proc_status_mib
from lianjian.graph.neo4j.server import free_port

__all__ = ["cold_start", "lianjian_command", "unavailable"]

KPI = '[data-testid="stMetricValue"]'
DRAWN = '#graph[data-drawn="1"]'


def unavailable() -> str | None:
    """Why the stage cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401  (a test extra: only the benchmark needs it)
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "no chromium on PATH"
    return None


def lianjian_command() -> list[str]:
    """The installed ``lianjian`` command beside this interpreter (or its entry point)."""
    script = Path(sys.executable).with_name("lianjian")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from lianjian.cli.app import main; sys.exit(main())"]


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def _wait_healthy(base: str, proc: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the dashboard stopped with exit code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the dashboard did not answer")


def _one_start(
    ledger: Path, centre: str | None, cache: Path, log: Path, timeout: float
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright  # a test extra (see the module's text)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LIANJIAN_CACHE_DIR": str(cache)}
    cmd = [*lianjian_command(), "dashboard", str(ledger), "--port", str(port)]
    t0 = time.monotonic()
    deadline = t0 + timeout
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        _wait_healthy(base, proc, deadline)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=shutil.which("chromium") or shutil.which("chromium-browser"),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            left = lambda: max(1.0, deadline - time.monotonic()) * 1000  # noqa: E731
            page.goto(base, timeout=left())
            page.locator(KPI).first.wait_for(timeout=left())
            kpi = time.monotonic() - t0
            explorer = None
            if centre:
                t1 = time.monotonic()
                page.goto(f"{base}/explorer?centre={centre}", timeout=left())
                page.frame_locator("iframe").first.locator(DRAWN).wait_for(timeout=left())
                explorer = time.monotonic() - t1
            browser.close()
        peak = max(proc_status_mib("VmHWM", p) for p in _tree(proc.pid))
        return {"kpi_s": round(kpi, 2), "explorer_s": explorer and round(explorer, 2),
                "server_peak_mib": round(peak, 1)}  # fmt: skip
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def cold_start(ledger: Path, centre: str | None, timeout: float = 1800) -> dict[str, Any]:
    """The first start on ``ledger`` (no cache) and a second one (the cache it wrote):
    seconds to the first figure card, to the Explorer's drawing of ``centre``, and the
    server's peak memory, per start; ``{"error": why}`` where no browser is at hand."""
    why = unavailable()
    if why:
        return {"error": why}
    with tempfile.TemporaryDirectory(prefix="lianjian-bench-dashboard-") as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir(mode=0o700)
        # in a thread of its own: Playwright's sync API refuses a thread that runs an
        # asyncio loop (a caller's, or another sync Playwright's in the same process)
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(
                _one_start, ledger, centre, cache, Path(tmp) / "first.log", timeout
            ).result()
            cached = pool.submit(
                _one_start, ledger, centre, cache, Path(tmp) / "cached.log", timeout
            ).result()
    return {"no_cache": first, "cache": cached, "centre": centre}
