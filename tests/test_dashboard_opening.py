"""The dashboard's first start: the ledger is opened once per process, with its progress
drawn by the first session; a later session gets the same store and draws nothing."""

from __future__ import annotations

import streamlit as st

from lianjian.dashboard import stores
from lianjian.dashboard.opening import Opening


class Recording(Opening):
    def __init__(self) -> None:
        super().__init__(None, "zh")
        self.calls: list[str] = []

    def read(self, table: str, n: int) -> None:
        self.calls.append(f"read {table}")
        super().read(table, n)

    def write(self, stage: str, done: int, total: int) -> None:
        self.calls.append(f"write {stage}")
        super().write(stage, done, total)


def test_the_first_opening_shows_progress_and_the_next_reuses_the_store(
    sample_ledger, tmp_path, monkeypatch
):
    monkeypatch.setenv("LIANJIAN_CACHE_DIR", str(tmp_path))  # no graph cached yet
    st.cache_resource.clear()
    first, second = Recording(), Recording()
    args = ("k-opening", str(sample_ledger), "embedded", False, False)
    opened = stores.open_store(*args, first)
    assert "read members" in first.calls and "write relationships" in first.calls
    assert first.done == 1.0 and first.text.startswith("写入图谱")
    assert stores.open_store(*args, second) is opened
    assert second.calls == []  # opened once per process
    st.cache_resource.clear()
