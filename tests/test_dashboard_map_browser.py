"""The map page in a real headless Chromium: deck.gl draws the sample's buildings, one
amber dot per building with a gap and one blue dot per covered building, as many as the
page says and as the library finds; a hover shows the building's name and its gaps.
The screenshot is kept in ``artefacts/dashboard-map-drawn.png``."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import numpy as np
import pytest
from PIL import Image

from lianjian.dashboard.render import GAP_COLOR
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries import geo
from lianjian.queries.catalogue import RULES
from lianjian.queries.gaps.find import find_gaps
from tests.browser_fixtures import ARTEFACTS, TIMEOUT, open_page

pytestmark = pytest.mark.slow

AMBER = tuple(int(GAP_COLOR[i : i + 2], 16) for i in (1, 3, 5))
BLUE = (0x4E, 0x79, 0xA7)  # a covered building (views/map.py)
CHART = '[data-testid="stDeckGlJsonChart"]'
COUNTS = re.compile(
    r"楼栋 ([\d,]+) 个：有覆盖空白 ([\d,]+) 个，已覆盖 ([\d,]+) 个；无坐标 ([\d,]+) 个"
)


def clusters(picture: np.ndarray, colour: tuple[int, int, int], tolerance: int = 24):
    """The centres of the blobs (4-connected, 12 pixels or more) of ``colour`` in an RGB
    picture: one per building dot drawn."""
    mask = (np.abs(picture[:, :, :3].astype(int) - colour).max(axis=2) <= tolerance).tolist()
    height, width = len(mask), len(mask[0])
    seen: set[tuple[int, int]] = set()
    out = []
    for y in range(height):
        for x in range(width):
            if not mask[y][x] or (y, x) in seen:
                continue
            todo, blob = [(y, x)], []
            seen.add((y, x))
            while todo:
                cy, cx = todo.pop()
                blob.append((cy, cx))
                for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
                    if 0 <= ny < height and 0 <= nx < width and mask[ny][nx]:
                        if (ny, nx) not in seen:
                            seen.add((ny, nx))
                            todo.append((ny, nx))
            if len(blob) >= 12:
                out.append(
                    (sum(p[1] for p in blob) / len(blob), sum(p[0] for p in blob) / len(blob))
                )
    return out


def shown_counts(page) -> tuple[int, ...]:
    found = COUNTS.search(page.inner_text("body"))
    assert found, "the map page says how many buildings it draws"
    return tuple(int(x.replace(",", "")) for x in found.groups())


def wait_for_map(page, gaps: int | None, covered: int | None, timeout_ms: int = TIMEOUT):
    """Wait until deck.gl has drawn ``gaps`` amber and ``covered`` blue dots (None: at
    least one), reading the canvas back by screenshots until it shows them; the picture
    and its dots."""
    chart = page.locator(CHART).first
    chart.locator("canvas").first.wait_for(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        picture = np.asarray(Image.open(io.BytesIO(chart.screenshot())).convert("RGB"))
        amber, blue = clusters(picture, AMBER), clusters(picture, BLUE)
        if all(
            len(dots) == n if n is not None else dots
            for dots, n in ((amber, gaps), (blue, covered))
        ):
            return picture, amber, blue
        if time.monotonic() > deadline:
            pytest.fail(f"the map shows {len(amber)} amber and {len(blue)} blue dots")
        page.wait_for_timeout(200)  # the next frame: this loop waits for the drawing


def test_the_map_draws_each_building_in_its_colour(server, page, hostile_ledger):
    store = EmbeddedStore.from_ledger(hostile_ledger)
    found = find_gaps(store, as_of=dt.date.today())
    flagged = {i.id for r in geo.BUILDING_RULES for i in found.rules[r]}
    buildings = geo.buildings(store)
    gaps = sum(b.id in flagged for b in buildings)
    assert 0 < gaps < len(buildings) and all(b.placed for b in buildings)

    t0 = time.perf_counter()
    open_page(page, server, "map")
    assert shown_counts(page) == (len(buildings), gaps, len(buildings) - gaps, 0)
    picture, amber, blue = wait_for_map(page, gaps, len(buildings) - gaps)
    print(f"\nmap drawn {time.perf_counter() - t0:.2f} s after the page was opened")
    page.locator(CHART).first.screenshot(path=str(ARTEFACTS / "dashboard-map-drawn.png"))
    assert (picture.reshape(-1, 3) != 255).any(axis=1).mean() > 0.01  # not a blank canvas

    # hover an amber dot: the tooltip names a flagged building and its rule, as text
    box = page.locator(CHART).first.bounding_box()
    x, y = amber[0]
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator(".deck-tooltip")
    tooltip.wait_for(state="visible", timeout=TIMEOUT)
    text = tooltip.inner_text()
    names = {b.name for b in buildings if b.id in flagged}
    assert text.splitlines()[0] in names, text
    titles = {RULES[r].title_zh for r in geo.BUILDING_RULES}
    assert any(f"⚠ {t}" in text for t in titles), text
