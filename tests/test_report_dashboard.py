"""The export page offers the report as PDF for the page's scope, date and language."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "lianjian" / "dashboard" / "app.py"


def test_the_export_page_makes_the_report(monkeypatch, sample_ledger):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(sample_ledger))
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
    monkeypatch.delenv("LIANJIAN_DASHBOARD_NAMES", raising=False)
    monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.switch_page("views/export.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.button(key="export_report_prepare").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    scope, _, lang, pages, pdf = at.session_state["export_report"]
    assert pdf.startswith(b"%PDF-") and pages >= 3 and lang == "zh"
    assert any("共 " in c.value and " 页" in c.value for c in at.caption)
