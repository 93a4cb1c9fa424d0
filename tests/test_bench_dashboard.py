"""The dashboard benchmark starts the real dashboard and measures it in a real Chromium:
the first figure of the Overview, without the graph cache and with it, and the
Explorer's drawing, with the server's peak memory."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lianjian.bench import dashboard, report
from lianjian.cli.app import app
from tests.browser_fixtures import _unavailable

pytestmark = pytest.mark.slow


def test_the_cold_start_is_measured_in_chromium(sample_ledger):
    why = dashboard.unavailable()
    if why:
        _unavailable(why)
    done = CliRunner().invoke(app, ["bench", "dashboard", str(sample_ledger)])
    assert done.exit_code == 0, done.output
    got = json.loads(done.output[done.output.index("{") :])
    assert got["centre"] == "SS0101"  # the sample's busiest community
    for start in ("no_cache", "cache"):
        one = got[start]
        assert one["kpi_s"] > 0 and one["explorer_s"] > 0
        assert one["server_peak_mib"] > 100  # the Streamlit server holds more than that
    result = {"scales": {"1": {"dashboard": got}}}
    rows = report._dashboard_rows(result, ["1"])
    assert len(rows) == 3 and f"{got['cache']['explorer_s']:.3g} s" in rows[2]


def test_without_a_ledger_the_dashboard_benchmark_says_what_to_give():
    done = CliRunner().invoke(app, ["bench", "dashboard"])
    assert done.exit_code == 2 and "give a LEDGER or --generate PROFILE" in done.output
