"""The matching benchmark (``lianjian bench matching`` and the harness's matching rows)
reports the plans the library computes: on the sample street the hand-computed figures
of tests/test_sample_lists.py."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lianjian.bench import report
from lianjian.bench.matching import bench, plan_stages
from lianjian.cli.app import app
from lianjian.graph.embedded.store import EmbeddedStore


def test_bench_reports_both_objectives_of_the_sample(sample_ledger):
    plan = bench(sample_ledger)["plan"]
    assert (plan["open_needs"], plan["units"], plan["proposals"]) == (5, 9, 6)
    assert (plan["matched_optimal"], plan["matched_greedy"]) == (7, 6)
    assert (plan["objective_optimal"], plan["objective_greedy"]) == (2092.0, 3051.0)
    assert plan["greedy_vs_optimal"] == round(3051 / 2092, 6)


def test_the_harness_rows_and_their_ratio(sample_data):
    store = EmbeddedStore()
    store.write(sample_data)
    got = {name: fn() for name, fn in plan_stages(store).items()}
    assert got == {
        "optimal": {"units": 9, "matched": 7, "objective": 2092.0},
        "greedy": {"units": 9, "matched": 6, "objective": 3051.0},
    }
    scale = {"stages": {"matching_plan": {k: {"value": v} for k, v in got.items()}}}
    assert report.ratios(scale)["greedy_matching_objective_vs_optimal"] == round(3051 / 2092, 6)
    assert report.LABELS["matching"] == "matching 需求匹配"


def test_the_command_prints_the_report(sample_ledger):
    done = CliRunner().invoke(app, ["bench", "matching", str(sample_ledger)])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["plan"]["objective_greedy"] == 3051.0
    assert CliRunner().invoke(app, ["bench", "matching"]).exit_code == 2
