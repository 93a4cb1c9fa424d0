"""From a figure to its place: the Overview's cards follow the drill-down, each card and
bar leads to the findings or the region behind it (AppTest, and a click in Chromium)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from lianjian.dashboard.scope import region_tree, scope_ids
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries.gaps.find import find_gaps
from tests.browser_fixtures import PAGES, graph_frame, open_page, settle
from tests.test_dashboard_apptest import env, metrics, start  # noqa: F401 (a fixture)

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def sample(sample_ledger):
    store = EmbeddedStore.from_ledger(sample_ledger)
    return store, region_tree(store), find_gaps(store, AS_OF).rules


def findings_in(rules: dict, allowed: set[str]) -> int:
    return sum(1 for items in rules.values() for i in items if i.id in allowed)


def test_cards_follow_the_drill_down(env, sample):  # noqa: F811
    store, tree, rules = sample
    (district,) = tree.roots()
    street = tree.children_of(district)[0]
    community = tree.children_of(street)[0]
    at = start()
    at.date_input(key="as_of").set_value(AS_OF).run()
    everywhere = sum(len(items) for items in rules.values())
    assert metrics(at)["覆盖空白"] == f"{everywhere:,}"
    at.selectbox(key=f"drill_{district}_0").set_value(street).run()
    assert not at.exception
    inside = scope_ids(store, tree, street)
    communities = [r for r in tree.subtree(street) if tree.regions[r]["level"] == "community"]
    assert metrics(at)["覆盖空白"] == f"{findings_in(rules, inside):,}"
    assert metrics(at)["社区"] == str(len(communities)) != "1"
    at.selectbox(key=f"drill_{street}_1").set_value(community).run()
    inside = scope_ids(store, tree, community)
    grids = [r for r in tree.subtree(community) if tree.regions[r]["level"] == "grid"]
    assert 0 < findings_in(rules, inside) < everywhere  # the sample's one street holds all
    assert metrics(at)["覆盖空白"] == f"{findings_in(rules, inside):,}"
    assert metrics(at)["社区"] == "1"
    assert metrics(at)["网格"] == str(len(grids))


def test_a_rule_link_opens_the_gaps_page_on_that_rule_and_street(env, sample):  # noqa: F811
    _, tree, rules = sample
    street = tree.children_of(tree.roots()[0])[0]
    rule = "building_without_group"
    at = start()
    at.query_params["rule"] = rule
    at.query_params["street"] = street
    at.switch_page("views/gaps.py")
    at.run()
    assert not at.exception
    assert at.multiselect(key="gaps_rules").value == [rule]
    assert at.selectbox(key="gaps_street").value == street
    assert len(at.expander) == 1  # one rule's table
    assert "rule" not in at.query_params  # the preset is read once


def test_the_cards_link_to_the_explorer_and_the_map_of_their_region(env, sample):  # noqa: F811
    _, tree, _ = sample
    (district,) = tree.roots()
    at = start()
    links = [(e.proto.page, e.proto.label, e.proto.query_string) for e in at.get("page_link")]
    assert links.count(("explorer", "在图谱中查看", f"centre={district}")) == 4
    assert links.count(("map", "在地图上显示", f"centre={district}")) == 2
    assert ("gaps", "查看空白明细", "rule=grid_without_branch") in links


def test_a_crafted_rule_or_street_in_the_url_is_no_choice(env):  # noqa: F811
    at = start()
    at.query_params["rule"] = "<script>"
    at.query_params["street"] = "NOWHERE"
    at.switch_page("views/gaps.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="gaps_street").value is None


@pytest.mark.slow
def test_a_click_on_a_coverage_bar_centres_the_explorer_on_its_region(server, page):
    """A click on a bar of the rates chart (its tooltip names the street) opens the
    Explorer centred on that street."""
    open_page(page, server, "")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    bar = chart.locator("g.mark-rect path").first  # the charts are drawn as SVG
    bar.hover()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    name = tooltip.locator("td.value").first.inner_text().strip()
    bar.click()
    settle(page, PAGES["explorer"])
    expect(page).to_have_url(re.compile(r"\?centre=[^&]+$"))
    expect(page.get_by_text(f"中心: {name}")).to_be_visible()


@pytest.mark.slow
def test_a_click_on_a_node_makes_it_the_selection(server, hostile_ledger, page):
    """A click on a community in the drawing of its street centres the Explorer on it:
    the drawing, the centre line and the URL all follow."""
    store = EmbeddedStore.from_ledger(hostile_ledger)
    tree = region_tree(store)
    street = "SS01"
    community = tree.children_of(street)[0]
    name = tree.regions[community]["name"]
    open_page(page, server, "explorer", f"?centre={street}")
    frame = graph_frame(page, f'data-centre="{street}"')
    at = frame.evaluate(  # the node's place on the canvas, in the frame's coordinates
        """(id) => { const n = window.lianjianNetwork, p = n.canvasToDOM(n.getPosition(id));
                     const r = document.querySelector('#graph').getBoundingClientRect();
                     return {x: p.x + r.left, y: p.y + r.top}; }""",
        community,
    )
    box = page.locator(f"iframe[srcdoc*='data-centre=\"{street}\"']").first.bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    expect(page.get_by_text(f"中心: {name}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"centre={re.escape(community)}$"))
    graph_frame(page, f'data-centre="{community}"')
