"""The benchmark harness measures what it says: forked runs with figures, growth
exponents, baseline ratios, the Markdown table and the README section."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianjian.bench import baselines, report
from lianjian.bench.harness import run_bench
from lianjian.bench.measure import forked, repeat
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger


def test_forked_run_reports_value_time_and_memory():
    r = forked(lambda: len(bytearray(50 * 2**20)))  # 50 MiB held for a moment
    assert r["value"] == 50 * 2**20
    assert r["seconds"] >= 0
    assert r["peak_mib"] is None or r["peak_mib"] >= 45


def test_forked_errors_and_timeouts_are_reported():
    assert forked(lambda: 1 / 0)["error"].startswith("ZeroDivisionError")
    import time

    assert forked(lambda: time.sleep(5), timeout=0.5) == {"error": "over 0 s"}


def test_repeat_gives_median_and_spread():
    r = repeat(lambda: 7, 3)
    assert (r["runs"], r["value"]) == (3, 7)
    assert r["spread_s"] >= 0 and r["median_s"] >= 0


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([(10, 1.0), (100, 10.0), (1000, 100.0)], 1.0),
        ([(10, 1.0), (100, 100.0)], 2.0),
        ([(10, 1.0)], None),
    ],
)
def test_growth_exponent(points, expected):
    assert report.exponent(points) == expected


def test_embedded_run_table_and_readme(tmp_path):
    result = run_bench([0.003, 0.006], repeats=1, neo4j=False, rdflib_max_triples=2000)
    small, large = result["scales"]["0.003"], result["scales"]["0.006"]
    assert large["size"]["nodes"] > small["size"]["nodes"] > 0
    for stage in ("parse", "build_csv", "build_cache", "gaps", "coverage", "pairing", "explorer"):
        assert "error" not in small["stages"][stage]["embedded"], stage
    assert small["stages"]["parse"]["embedded"]["value"][2] == 0  # nothing rejected
    assert small["stages"]["gaps"]["embedded"]["value"] > 0
    assert small["stages"]["explorer"]["embedded"]["value"] > 1
    # rdflib gets about 2,000 triples (the entity that crosses the limit is kept whole)
    ours_n = large["stages"]["rdf_nt"]["embedded"]["value"]
    lib_n = large["stages"]["rdf_nt"]["rdflib"]["value"]
    assert 2000 <= lib_n < 2200 < ours_n
    # the optimal pairing plan never costs more than greedy covering as many
    plan = small["stages"]["pairing_plan"]
    assert plan["optimal"]["value"]["covered"] >= plan["greedy"]["value"]["covered"]
    ratios = report.ratios(small)
    assert ratios["rdflib_nt_vs_ours"] > 0
    table = report.markdown(result)
    assert "| all 16 gap rules 覆盖空白 | embedded |" in table and "rdflib_nt_vs_ours" in table
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n{report.BEGIN}\nold\n{report.END}\ntail\n", "utf-8")
    report.update_readme(readme, table)
    text = readme.read_text("utf-8")
    assert "old" not in text and table in text and text.endswith("tail\n")


def test_readme_has_the_bench_markers():
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    assert text.index(report.BEGIN) < text.index(report.END)


@pytest.mark.neo4j
def test_naive_baseline_and_admin_import(sample_ledger, neo4j_driver, neo4j_settings):
    data = load_ledger(sample_ledger)
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    naive = baselines.naive_load(store, data, rows=40)
    assert naive["rows"] > 40 and naive["per_row_ms"] > 0
    assert store.is_empty()  # the baseline leaves nothing behind
    jars = Path(__file__).resolve().parent.parent / ".neo4j"
    done = baselines.admin_import(data, jars)
    assert done.get("error") is None, done
    assert (done["nodes"], done["relationships"]) == (len(data.nodes), len(data.edges))
