"""The dashboard works on an intranet with no way out: a headless Chromium opens every
page (the Explorer's drawing and the map drawn, a gap's place on the map), records every
request the pages and their frames make, and every one goes to the dashboard's own
host and port: no favicon, font, icon, script or basemap from anywhere else."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries import geo
from lianjian.queries.gaps.find import find_gaps
from tests.browser_fixtures import PAGES, graph_frame, open_page
from tests.test_dashboard_map_browser import shown_counts, wait_for_map

pytestmark = pytest.mark.slow


def test_every_request_goes_to_the_dashboards_own_host(server, browser, hostile_ledger):
    own = urlsplit(server).netloc
    requests: list[str] = []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    try:
        for path in PAGES:
            open_page(page, server, path)
            if path == "explorer":
                graph_frame(page, "vis.Network")  # vis-network inlined, drawn
            if path == "map":
                _, gaps, covered, _ = shown_counts(page)
                wait_for_map(page, gaps, covered)
        store = EmbeddedStore.from_ledger(hostile_ledger)
        building = find_gaps(store, as_of=dt.date.today()).rules[geo.BUILDING_RULES[0]][0].id
        open_page(page, server, "map", f"?centre={building}")  # zoomed in on a gap
        wait_for_map(page, None, None)
        icon = page.evaluate("document.querySelector('link[rel~=icon]').href")
    finally:
        page.close()
    assert urlsplit(icon).netloc == own, icon
    assert len(requests) > 20  # the pages were loaded (scripts, styles, the socket)
    elsewhere = sorted({u for u in requests if urlsplit(u).netloc != own and _fetched(u)})
    assert elsewhere == []


def _fetched(url: str) -> bool:
    """Whether a request could reach a host: data: and blob: URLs stay in the page."""
    return urlsplit(url).scheme not in ("data", "blob", "about")
