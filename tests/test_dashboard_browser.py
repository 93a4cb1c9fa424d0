"""The dashboard in a real headless Chromium: started with ``lianjian dashboard`` on a
free port, every page opened, the drawing checked, screenshots kept in ``artefacts/``.

The ledger is the sample with entities named like XSS attacks (see
``tests/browser_fixtures.py``, which holds the server, the browser and the helpers);
nothing they hold may run. Security of the pages and the server:
``tests/test_dashboard_security.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from lianjian.dashboard.scope import region_tree, scope_ids
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.embedded.view import View
from lianjian.queries.catalogue import RULES
from lianjian.queries.coverage.rates import coverage
from lianjian.queries.gaps.find import find_gaps
from lianjian.queries.places import anchor_nx, places_nx
from tests.browser_fixtures import (
    ARTEFACTS,
    PAGES,
    XSS,
    XSS_ID,
    choose,
    graph_frame,
    metric_value,
    no_script_ran,
    open_page,
    settle,
    wait_for_drawing_of,
)

pytestmark = pytest.mark.slow
CJK_TITLE = RULES["grid_without_branch"].title_zh  # the gaps page names the rule so


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_in_chromium(server, page, path):
    open_page(page, server, path)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_function("document.fonts.check('16px \"Noto Sans CJK SC\"')")
    if path == "":
        page.locator('[data-testid="stMetric"]').nth(11).wait_for()  # 12 cards or more
        expect(page.locator('[data-testid="stMetric"]', has_text="社区").first).to_be_visible()
        expect(page.locator('[data-testid="stMetric"]', has_text="党员").first).to_be_visible()
    if path == "explorer":
        frame = graph_frame(page, "vis.Network")
        assert frame.evaluate("document.querySelector('#graph canvas').width") > 0
    no_script_ran(page)
    page.screenshot(path=str(ARTEFACTS / f"dashboard-{path or 'overview'}.png"), full_page=True)


@pytest.mark.parametrize("path", list(PAGES))
def test_no_raw_rule_id_in_the_chinese_pages(server, page, path):
    """Every page in Chinese names rules by their Chinese titles: no catalogue id (say
    ``grid_without_branch``) anywhere in the text a user reads."""
    open_page(page, server, path)
    page.locator('[data-testid="stMainBlockContainer"]').first.wait_for()
    text = page.inner_text("body")
    assert CJK_TITLE in text or path != "gaps"
    ids = [r for r in RULES if re.search(rf"(?<![A-Za-z0-9_]){r}(?![A-Za-z0-9_])", text)]
    assert not ids, (path, ids)  # (beside Chinese text too, where \b would not see it)


def test_an_xss_name_is_shown_as_text_and_runs_nothing(server, page):
    open_page(page, server, "explorer")
    search = page.get_by_label("搜索名称", exact=False)
    search.fill(XSS_ID)
    search.press("Enter")
    wait_for_drawing_of(page, XSS_ID)
    frame = graph_frame(page, XSS_ID)
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
    tooltip = frame.locator("div.vis-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(XSS)
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
    frame = graph_frame(page, community)
    seconds = time.perf_counter() - t0
    drawn_ms = frame.evaluate("window.lianjianDrawMs")
    print(
        f"\nexplorer: {community} drawn {seconds:.2f} s after the search (layout {drawn_ms:.0f} ms)"
    )
    # a figure for the log, not a timed assertion (the machine is shared): the drawing
    # reported how long its own layout took, so it did lay the graph out
    assert drawn_ms > 0


def test_no_cross_origin_access(server):
    request = urllib.request.Request(
        f"{server}/_stcore/health", headers={"Origin": "http://attacker.example"}
    )
    with urllib.request.urlopen(request, timeout=60) as r:
        assert r.headers.get("Access-Control-Allow-Origin") in (None, "")


def test_choosing_a_district_scopes_the_figures_to_it(districts_server, districts_ledger, page):
    """On a ledger with two districts, the sidebar's district choice (a top-level region)
    holds every card to it: the figures are the library's own for that district."""
    store = EmbeddedStore.from_ledger(districts_ledger)
    tree = region_tree(store)
    assert len(tree.roots()) == 2
    district = tree.roots()[1]
    name = tree.regions[district]["name"]
    as_of = dt.date.today()
    gaps = find_gaps(store, as_of)
    within = scope_ids(store, tree, district)  # the scope's definition (queries/scope.py)
    inside = sum(i.id in within for items in gaps.rules.values() for i in items)
    everywhere = sum(len(items) for items in gaps.rules.values())
    row = next(r for r in coverage(store, level="district", as_of=as_of) if r["id"] == district)
    rate = row["metrics"]["grids_with_branch"]
    places = [
        tree.regions[r]["name"]
        for r in tree.subtree(district)
        if tree.regions[r]["level"] == "community"
    ]
    villages = sum(n.endswith("村") for n in places)  # counted apart from the 社区
    assert 0 < inside < everywhere

    open_page(page, districts_server, "")
    expect(page.get_by_text("范围: 全部")).to_be_visible()
    expect(page.locator('[data-testid="stMetricValue"]').first).to_be_visible()
    expect(metric_value(page, "覆盖空白")).to_have_text(f"{everywhere:,}")
    choose(page, "范围 · 区县", name)
    expect(page.get_by_text(f"范围: {name}")).to_be_visible()
    expect(metric_value(page, "覆盖空白")).to_have_text(f"{inside:,}")
    assert 0 < villages < len(places)
    expect(metric_value(page, "社区 / 村")).to_have_text(
        f"{len(places) - villages:,} / {villages:,}"
    )
    expect(metric_value(page, "网格建支部率")).to_have_text(f"{rate['rate']:.1%}")
    page.screenshot(path=str(ARTEFACTS / "dashboard-district.png"), full_page=True)
    # the other pages hold to it too (the sidebar's links keep the session)
    page.get_by_role("link", name=PAGES["gaps"]).click()
    settle(page, PAGES["gaps"])
    expect(page.get_by_text(f"范围: {name}")).to_be_visible()


def test_a_gap_row_leads_to_the_explorer_centred_on_it(server, hostile_ledger, page):
    """Choosing a row of a gap table opens the Explorer on that entity, and the three
    places that say what is current agree: the region selectors show where it lies (the
    library's own placing), the drawing is centred on it, the details panel shows it."""
    store = EmbeddedStore.from_ledger(hostile_ledger)
    rule = "building_without_group"
    item = find_gaps(store, dt.date.today()).rules[rule][0]  # the table's first row
    view = View(store.graph)
    community = places_nx(view, [item.id])[item.id].community_name
    grid = view.prop(anchor_nx(view, item.id), "name")

    open_page(page, server, "gaps")
    table = page.locator('[data-testid="stExpander"]', has_text=RULES[rule].title_zh)
    table = table.first.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection box
    settle(page, PAGES["explorer"])
    expect(page).to_have_url(re.compile(rf"/explorer\?centre={re.escape(item.id)}$"))
    expect(page.get_by_text(f"中心: {item.name}")).to_be_visible()
    frame = graph_frame(page, item.id)
    assert frame.evaluate("document.querySelector('#graph').dataset.centre") == item.id
    details = page.get_by_role("combobox", name="详细信息", exact=True)
    expect(details).to_have_value(re.compile(rf"^{re.escape(item.name)} · "))
    expect(page.get_by_role("combobox", name="社区", exact=True)).to_have_value(community)
    expect(page.get_by_role("combobox", name="小区 / 网格", exact=True)).to_have_value(grid)
    page.screenshot(path=str(ARTEFACTS / "dashboard-gap-to-explorer.png"), full_page=True)


CJK = re.compile(r"[\u3400-\u9fff]")


def test_english_leaves_no_chinese_in_choice_boxes_and_cards_whole(server, page):
    """Switched to English after choices were made in Chinese, every box shows its value
    in English (not the Chinese it was chosen by), and no card label is cut short."""
    open_page(page, server, "")
    expect(page.get_by_role("combobox", name="指标", exact=True)).to_have_value("网格建支部率")
    page.get_by_text("English", exact=True).click()
    settle(page, "Overview")
    expect(page.get_by_role("combobox", name="Metric", exact=True)).to_have_value(
        "Grids with a branch"
    )
    expect(page.get_by_role("combobox", name="Scope · Street", exact=True)).to_have_value("All")
    expect(page.get_by_role("combobox", name="Street", exact=True)).to_have_value(
        "pick a region to look inside"
    )
    for box in page.get_by_role("combobox").all():
        assert not CJK.search(box.input_value()), box.input_value()
    expect(metric_value(page, "Weak orgs without a partner")).to_be_visible()
    cut = page.evaluate(
        """[...document.querySelectorAll('[data-testid=stMetricLabel], [data-testid=stMetricLabel] *')]
             .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
             .map(e => e.textContent)"""
    )
    assert cut == []
    page.screenshot(path=str(ARTEFACTS / "dashboard-overview-en.png"), full_page=True)


def test_gap_downloads_are_excel_and_csv_in_chinese(server, hostile_ledger, page, tmp_path):
    from openpyxl import load_workbook

    store = EmbeddedStore.from_ledger(hostile_ledger)
    found = find_gaps(store, dt.date.today()).rules
    open_page(page, server, "gaps")
    page.locator('[data-testid="stExpander"]').nth(len(found) - 1).wait_for()  # all drawn
    with page.expect_download() as got:
        page.get_by_role("button", name="下载 Excel").first.click()
    path = tmp_path / got.value.suggested_filename
    got.value.save_as(path)
    assert path.name == f"覆盖空白-{dt.date.today().isoformat()}.xlsx"
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("规则", "编号", "名称", "街道")
    assert len(rows) - 1 == sum(len(v) for v in found.values())
    assert {r[0] for r in rows[1:]} == {RULES[r].title_zh for r, v in found.items() if v}
    assert not [r for r in rows[1:] for v in r if v in (True, False) or v in RULES]
    with page.expect_download() as got:
        page.get_by_role("button", name="下载 CSV").first.click()
    text = got.value.path().read_bytes()
    assert text.decode("utf-8-sig").splitlines()[0].startswith("规则,编号,名称,街道")
