"""The examples in the package's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import lianjian

ROOT = Path(lianjian.__file__).resolve().parent.parent

SKIP = ("lianjian.dashboard.views", "lianjian.dashboard.app")  # Streamlit scripts, not modules


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(lianjian.__path__, "lianjian."):
        if info.name.startswith(SKIP) or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def _with_examples() -> list[str]:
    out = []
    for name in _modules():
        module = importlib.import_module(name)
        if doctest.DocTestFinder().find(module) and any(
            t.examples for t in doctest.DocTestFinder().find(module)
        ):
            out.append(name)
    return out


WITH_EXAMPLES = _with_examples()


def test_there_are_examples_to_run():
    assert len(WITH_EXAMPLES) >= 5, WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name the sample ledger as data/sample
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
