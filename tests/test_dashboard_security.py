"""The dashboard's protections, in the real browser and against the running server.

- every page that draws a name shows the hostile names of ``browser_fixtures`` as
  text (Markdown, HTML, LaTeX and Streamlit directives inert) and runs nothing, on
  the embedded backend and in the Cypher console on Neo4j;
- no member name reaches any page, drawing or the server's log;
- the server listens on 127.0.0.1 only, sets an XSRF cookie and refuses uploads
  without its token, refuses WebSockets from other origins, and keeps error
  details in the terminal;
- the Neo4j password is in no command line and no log.
"""

from __future__ import annotations

import contextlib
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lianjian.cli.dashboard import APP, streamlit_command
from lianjian.dashboard.render import MAX_LABEL
from tests.browser_fixtures import (
    ARTEFACTS,
    MEMBER_MARK,
    PAGES,
    TIMEOUT,
    TITLES,
    XSS,
    XSS_NAMES,
    dashboard,
    everything_shown,
    free_port,
    graph_frame,
    no_script_ran,
    open_page,
    running,
    settle,
    wait_for_drawing_of,
)

pytestmark = pytest.mark.slow
STREET = XSS_NAMES["ZZ-XSS-S"]
SHOWN_ON = {  # page → hostile names it must show, verbatim, once the street is in scope
    "": ["ZZ-XSS-S", "ZZ-XSS-C"],
    "explorer": ["ZZ-XSS-S", "ZZ-XSS-C"],  # in the drawing
    "gaps": ["ZZ-XSS-S", "ZZ-XSS-G", "ZZ-XSS-U", "ZZ-XSS-C", "ZZ-XSS-W"],
    "pairings": ["ZZ-XSS-S", "ZZ-XSS-W"],
    "map": ["ZZ-XSS-S"],  # in the scope line (its grid has no building to draw)
    "progress": [],  # a ledger, not a store of record: no history, no name
    "export": ["ZZ-XSS-S"],
}


def go(page, title: str) -> None:
    """Another page of the same session, from the sidebar (a new URL would be a new session)."""
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title).click()
    settle(page, title)


def shows(page, text: str) -> None:
    """Wait until ``text`` is on the page as text (tables included), or fail."""
    page.wait_for_function(
        """(s) => document.body.innerText.includes(s) ||
                 [...document.querySelectorAll('[data-testid=stDataFrame] table')]
                   .some(t => t.textContent.includes(s))""",
        arg=text,
        timeout=TIMEOUT,
    )


def drawn_labels(page, text: str) -> list[str]:
    """The labels of the drawing whose source holds ``text``, once it is drawn."""
    frame = graph_frame(page, text)
    return frame.evaluate("window.lianjianNetwork.body.data.nodes.get().map(n => n.label)")


def test_hostile_names_on_every_page_are_text_and_run_nothing(server, page):
    open_page(page, server, "")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=STREET, exact=True).click()
    settle(page, PAGES[""])
    shows(page, "范围: " + STREET)
    for path, title in PAGES.items():
        if path:
            go(page, title)
        if path == "explorer":  # the street's neighbourhood, its names drawn as text
            wait_for_drawing_of(page, "ZZ-XSS-C")
            labels = " ".join(drawn_labels(page, "ZZ-XSS-C"))
            # a long name is cut short on the canvas (its tooltip has it whole)
            assert all(XSS_NAMES[i][: MAX_LABEL - 1] in labels for i in SHOWN_ON[path]), labels
        for node_id in SHOWN_ON[path] if path != "explorer" else ():
            shows(page, XSS_NAMES[node_id])
        assert MEMBER_MARK not in everything_shown(page)
        no_script_ran(page)
        page.screenshot(path=str(ARTEFACTS / f"security-{path or 'overview'}.png"), full_page=True)


def test_members_are_pseudonyms_in_drawings_and_the_log(server, page, sample_ledger):
    from lianjian.graph.embedded.store import EmbeddedStore

    community = next(
        r["name"]
        for r in EmbeddedStore.from_ledger(sample_ledger).node_summaries(["Region"])
        if r["level"] == "community"
    )
    open_page(page, server, "explorer")
    search = page.get_by_label("搜索名称", exact=False)
    search.fill(community)
    search.press("Enter")
    wait_for_drawing_of(page, community)
    labels = drawn_labels(page, community)
    assert any(label.startswith("党员-") for label in labels)  # members drawn, by pseudonym
    assert MEMBER_MARK not in everything_shown(page)
    search.fill(MEMBER_MARK)
    search.press("Enter")
    shows(page, "没有找到")  # the search ran: a name finds nobody
    assert MEMBER_MARK not in everything_shown(page)
    log = (ARTEFACTS / "dashboard-server.log").read_text("utf-8", "replace")
    assert MEMBER_MARK not in log


def test_the_server_listens_on_loopback_only(server):
    port = int(server.rsplit(":", 1)[1])
    listening = _listening(port)
    assert listening, "no listening socket found for the dashboard"
    assert all(addr in ("127.0.0.1", "::1") for addr in listening), listening


def test_xsrf_cookie_is_set_and_an_upload_without_its_token_is_refused(server):
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=60) as r:
        cookies = r.headers.get_all("Set-Cookie") or []
    assert any(c.startswith("_streamlit_xsrf=") for c in cookies)
    put = urllib.request.Request(f"{server}/_stcore/upload_file/s/f", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(put, timeout=60)
    assert refused.value.code == 403


def test_websockets_from_another_origin_are_refused(server):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    ws_url = server.replace("http://", "ws://") + "/_stcore/stream"
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url, origin="http://attacker.example", open_timeout=60).close()
    assert refused.value.response.status_code == 403
    with connect(ws_url, origin=server, open_timeout=60):  # the page's own origin is fine
        pass


def test_error_details_stay_in_the_terminal(page, tmp_path):
    """An app that fails, served with the launcher's settings: the page shows that it
    failed, never the message or the traceback."""
    app = tmp_path / "failing.py"
    app.write_text(
        "import streamlit as st\nst.title('failing')\nraise RuntimeError('secret-detail-7f3a')\n"
    )
    port = free_port()
    cmd = streamlit_command("127.0.0.1", port)
    cmd[cmd.index(str(APP))] = str(app)
    log = ARTEFACTS / "dashboard-failing.log"
    with running(cmd, log, port) as base:
        page.goto(base)
        page.get_by_role("heading", name="failing").wait_for(timeout=TIMEOUT)
        page.locator('[data-testid="stException"], [data-testid="stAlert"]').first.wait_for(
            timeout=TIMEOUT
        )
        text = page.inner_text("body")
    assert "secret-detail-7f3a" not in text and "Traceback" not in text
    assert "secret-detail-7f3a" in log.read_text("utf-8", "replace")  # for whoever runs it


@pytest.mark.neo4j
def test_console_on_neo4j_shows_names_as_text_and_keeps_the_password(
    hostile_ledger, page, neo4j_driver, neo4j_settings
):
    password = neo4j_settings["password"]
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_settings["uri"],
        "NEO4J_USER": neo4j_settings["user"],
        "NEO4J_PASSWORD": password,
        "NEO4J_DATABASE": neo4j_settings["database"],
    }
    with dashboard(hostile_ledger, "--neo4j", log="dashboard-neo4j.log", env=env) as base:
        assert not [c for c in _command_lines() if password in c]
        open_page(page, base, "console")
        query = page.get_by_role("textbox", name="查询")
        query.fill("MATCH (o:PartyOrg)-[r]-(x) WHERE o.id STARTS WITH 'ZZ-XSS' RETURN o, r, x")
        page.get_by_role("button", name="运行").click()
        settle(page, TITLES["console"])
        shows(page, XSS)  # in the table, as JSON text
        assert MEMBER_MARK not in everything_shown(page)
        page.get_by_role("tab", name="图").click()
        wait_for_drawing_of(page, "ZZ-XSS-W")
        assert XSS_NAMES["ZZ-XSS-W"][: MAX_LABEL - 1] in " ".join(drawn_labels(page, "ZZ-XSS-W"))
        no_script_ran(page)
        query.fill("RETURN '<img src=x onerror=alert(9)>' +")  # the error echoes the query
        page.get_by_role("button", name="运行").click()
        expect(page.locator('[data-testid="stMain"]')).to_contain_text(
            "<img src=x onerror=alert(9)>"
        )
        no_script_ran(page)
    log = (ARTEFACTS / "dashboard-neo4j.log").read_text("utf-8", "replace")
    assert password not in log and MEMBER_MARK not in log


# ---------------------------------------------------------------- helpers


def _listening(port: int) -> list[str]:
    """Local addresses of the sockets listening on ``port`` (Linux /proc/net)."""
    import ipaddress

    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).is_file():
            pytest.skip("no /proc/net: cannot see which address the server listens on")
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            addr, hex_port = fields[1].split(":")
            if int(hex_port, 16) != port or fields[3] != "0A":  # 0A: LISTEN
                continue
            raw = bytes.fromhex(addr)
            # /proc writes each 32-bit word in host (little-endian) order
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(str(ipaddress.ip_address(words)))
    return found


def _command_lines() -> list[str]:
    """The command line of every process this user can see."""
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                out.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return out
