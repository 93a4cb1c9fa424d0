"""The Progress page in a real headless Chromium, the dashboard started with
``lianjian dashboard --store PATH`` (no ledger path) on a store holding the sample as
version 1 and the modified copy as version 2 (tests/record_ledgers.py): its figures, the
gap closed (销号), and a worklist row that opens the Explorer centred on its entity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lianjian.graph.embedded.persist import EmbeddedRecord
from lianjian.record.history import changes
from tests.browser_fixtures import (
    ARTEFACTS,
    free_port,
    graph_frame,
    lianjian_command,
    metric_value,
    running,
    settle,
)
from tests.record_ledgers import SERVED_IN_JUNE, V1, V2, month_two_ledger, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def record(sample_ledger, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("progress-browser")
    v2 = month_two_ledger(sample_ledger, tmp / "v2")
    path = tmp / "store"
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--store", path)
    run("load", v2, "--source", "shashi", "--as-of", V2, "--store", path)
    return path


@pytest.fixture(scope="module")
def store_server(record):
    port = free_port()
    cmd = [*lianjian_command(), "dashboard", "--store", str(record), "--port", str(port)]
    with running(cmd, ARTEFACTS / "dashboard-store.log", port) as base:
        yield base


def table_text(page, holding: str):
    """The dataframe whose accessible copy holds ``holding`` (a locator)."""
    return page.locator('[data-testid="stDataFrame"]').filter(
        has=page.locator("table", has_text=holding)
    )


def test_the_progress_page_on_a_store_and_a_worklist_row_to_the_explorer(
    store_server, record, page
):
    result = changes(EmbeddedRecord.open(record))
    first = result["gaps"]["open"][0]  # the worklist's first row: the oldest
    assert first["age_months"] == 1
    name = EmbeddedRecord.open(record).graph()[0].node_summaries()
    name = next(r["name"] for r in name if r["id"] == first["id"])

    page.goto(f"{store_server}/")
    settle(page, "覆盖总览")
    card = page.locator('[data-testid="stMetric"]').filter(has_text="网格建支部率").first
    expect(card.locator('[data-testid="stMetricValue"]')).to_have_text("100.0%")
    expect(card.locator('[data-testid="stMetricDelta"]')).to_have_text("+20.0 pp · 5 / 5")

    page.get_by_role("link", name="进展").click()
    settle(page, "进展")
    expect(metric_value(page, "待整改覆盖空白")).to_have_text(str(len(result["gaps"]["open"])))
    # opened: B0101, P24 and 三板桥社区 (its need N04 raised in June); closed: SS0102G02 and
    # the three members who served in June
    expect(metric_value(page, "本期新发现")).to_have_text("3")
    expect(metric_value(page, "本期销号")).to_have_text(str(1 + len(SERVED_IN_JUNE)))
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(2)
    closed = table_text(page, "销号日期")
    expect(closed.locator("table")).to_contain_text("SS0102G02")
    expect(closed.locator("table")).to_contain_text(V2)
    worklist = table_text(page, "挂账月数")  # drawn rows only (B0101, P24: the AppTest)
    expect(worklist.locator("table")).to_contain_text(f"{first['id']}{name}1{V1}社区")
    page.screenshot(path=str(ARTEFACTS / "dashboard-progress.png"), full_page=True)

    worklist.scroll_into_view_if_needed()
    box = worklist.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection box
    settle(page, "图谱浏览")
    expect(page).to_have_url(re.compile(rf"/explorer\?centre={re.escape(first['id'])}$"))
    frame = graph_frame(page, first["id"])
    assert frame.evaluate("document.querySelector('#graph').dataset.centre") == first["id"]
    details = page.get_by_role("combobox", name="详细信息", exact=True)
    expect(details).to_have_value(re.compile(rf"^{re.escape(name)} · "))
