"""The benchmarks measure what they say: forked runs with figures, growth exponents,
baseline ratios, the Markdown table and the README section, the rdflib baseline and its
cap, and the one ``lianjian bench`` command with its sub-commands."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from lianjian.bench import baselines, report
from lianjian.bench.measure import best, forked, median_run, repeat
from lianjian.bench.rdf import RDFLIB_MAX_TRIPLES, bench, rdflib_export, rdflib_graph
from lianjian.cli import bench as cli_bench
from lianjian.cli.app import app
from lianjian.core.model import GraphData
from lianjian.export.rdf import DEFAULT_BASE, export_rdf, namespaces
from lianjian.export.terms import NTriples
from lianjian.export.triples import Triples
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.catalogue import RULES
from lianjian.queries.gaps.find import find_gaps

ROOT = Path(__file__).resolve().parent.parent
RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
# literals rdflib and our writers must render alike: quotes, backslash, <>, a non-BMP
# character, a newline; integers, floats and booleans typed
HARD = GraphData(
    nodes={
        "D 1": ("Region", {"id": "D 1", "name": '荆州"区" \\ <东>', "level": "district"}),
        "G1": ("Region", {"id": "G1", "name": "一网格 𠀀\n二行", "level": "grid"}),
        "B1": (
            "Building",
            {"id": "B1", "name": "1号楼", "kind": "residential", "households": 48, "lat": 30.35},
        ),
        "O1": ("PartyOrg", {"id": "O1", "name": "支部", "kind": "branch", "has_committee": True}),
    }
)


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args))


# ---------------------------------------------------------------- measuring


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_forked_run_reports_value_time_and_memory():
    big = forked(lambda: len(bytearray(50 * 2**20)))  # 50 MiB held for a moment
    assert big["value"] == 50 * 2**20
    assert big["seconds"] >= 0
    assert 45 <= big["peak_mib"] < 80, big
    small = forked(lambda: 0)  # the peak is above the child's start, not the whole process
    assert 0 <= small["peak_mib"] < 10, small
    assert big["rss_mib"] >= big["peak_mib"]


def test_forked_errors_and_timeouts_are_reported():
    assert forked(lambda: 1 / 0)["error"].startswith("ZeroDivisionError")
    assert forked(lambda: time.sleep(5), timeout=0.5) == {"error": "over 0 s"}


def test_repeat_gives_median_and_spread():
    r = repeat(lambda: 7, 3)
    assert (r["runs"], r["value"]) == (3, 7)
    assert r["spread_s"] >= 0 and r["median_s"] >= 0


def test_best_is_the_fastest_run_and_the_last_value():
    calls = []

    def fn():
        calls.append(1)
        time.sleep(0.05 if len(calls) == 1 else 0)
        return len(calls)

    seconds, value = best(fn, 3)
    assert (len(calls), value) == (3, 3)
    assert seconds < 0.04


def test_median_run_keeps_the_middle_run_and_counts_the_good_ones():
    runs = [{"seconds": 3.0, "n": 1}, {"error": "boom"}, {"seconds": 1.0, "n": 2}]
    runs.append({"seconds": 2.0, "n": 3})
    r = median_run(runs)
    assert (r["n"], r["runs"], r["spread_s"]) == (3, 3, 2.0)
    assert median_run([{"error": "a"}, {"error": "b"}]) == {"error": "b", "runs": 0}
    assert "spread_s" not in median_run([{"seconds": 1.0}])


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([(10, 1.0), (100, 10.0), (1000, 100.0)], 1.0),
        ([(10, 1.0), (100, 100.0)], 2.0),
        ([(10, 1.0)], None),
        ([(1_000_000, 27.0), (1_000_046, 34.0)], None),  # rdflib's capped triples: no slope
    ],
)
def test_growth_exponent(points, expected):
    assert report.exponent(points) == expected


# ---------------------------------------------------------------- the harness


def test_harness_through_the_command_table_and_readme(tmp_path):
    done = run_cli(
        "bench", "--scales", "0.006,0.003", "--repeat", "1", "--no-neo4j",
        "--rdflib-max-triples", "2000", "--no-dashboard", "--out", str(tmp_path),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    (found,) = tmp_path.glob("bench-2*.json")
    result = json.loads(found.read_text("utf-8"))
    assert list(result["scales"]) == ["0.003", "0.006"]  # sorted
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
    # and the optimal matching plan never has a higher objective than greedy's
    match = small["stages"]["matching_plan"]
    assert match["optimal"]["value"]["objective"] <= match["greedy"]["value"]["objective"]
    assert "error" not in small["stages"]["matching"]["embedded"]
    assert report.ratios(small)["rdflib_nt_vs_ours"] > 0
    version = small["stages"]["record_version"]["embedded"]["value"]
    assert version["changed"] > 0 and version["added"] == version["removed"] == 0
    assert report.ratios(small)["full_load_vs_version_embedded"] > 0
    table = report.markdown(result)
    assert table.strip() in done.output
    assert (tmp_path / found.name.replace(".json", ".md")).read_text("utf-8") == table
    assert "| all gap rules 覆盖空白 | embedded |" in table and "rdflib_nt_vs_ours" in table
    assert "| store of record: 1% changed 版本加载 | embedded |" in table
    assert "| matching plan only 匹配求解 | optimal |" in table
    assert "dashboard" not in small and "看板" not in table  # --no-dashboard
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n{report.BEGIN}\nold\n{report.END}\ntail\n", "utf-8")
    report.update_readme(readme, table)
    text = readme.read_text("utf-8")
    assert "old" not in text and table in text and text.endswith("tail\n")


def test_readme_has_the_bench_markers():
    text = (ROOT / "README.md").read_text("utf-8")
    assert text.index(report.BEGIN) < text.index(report.END)


def test_bad_scales_and_misplaced_harness_options_are_refused(sample_ledger):
    assert run_cli("bench", "--scales", "1,x").exit_code == 2
    assert run_cli("bench", "--scales", "0").exit_code == 2
    done = run_cli("bench", "--repeat", "2", "gaps", str(sample_ledger))
    assert done.exit_code == 2 and "--repeat" in done.output


def test_the_command_and_the_module_share_the_rdflib_default():
    assert cli_bench.RDFLIB_MAX_TRIPLES == RDFLIB_MAX_TRIPLES


def test_python_m_lianjian_bench_is_the_same_command():
    done = subprocess.run(
        [sys.executable, "-m", "lianjian.bench", "--help"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for name in ("--scales", "gaps", "pairing", "rdf"):
        assert name in done.stdout


@pytest.mark.neo4j
def test_naive_baseline_and_admin_import(sample_ledger, neo4j_driver, neo4j_settings):
    data = load_ledger(sample_ledger)
    store = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    naive = baselines.naive_load(store, data, rows=40)
    assert naive["rows"] > 40 and naive["per_row_ms"] > 0
    assert store.is_empty()  # the baseline leaves nothing behind
    jars = Path(os.environ.get("LIANJIAN_NEO4J_HOME", ROOT / ".neo4j"))  # as the tests' server
    done = baselines.admin_import(data, jars)
    assert done.get("error") is None, done
    assert (done["nodes"], done["relationships"]) == (len(data.nodes), len(data.edges))


# ---------------------------------------------------------------- gaps and pairing


@pytest.mark.neo4j
def test_gaps_and_pairing_benchmarks_on_neo4j(sample_ledger, neo4j_settings, monkeypatch):
    for key in ("uri", "user", "password", "database"):
        monkeypatch.setenv(f"NEO4J_{key.upper()}", neo4j_settings[key])
    done = run_cli("bench", "gaps", str(sample_ledger), "--neo4j", "--repeat", "1", "--profile")
    assert done.exit_code == 0, done.output
    on = json.loads(done.output)["neo4j"]
    assert on["same_as_embedded"] is True
    assert {k for k in on["per_rule_s"] if not k.endswith(".db_hits")} == set(RULES)
    assert all(on["per_rule_s"][f"{rid}.db_hits"] > 0 for rid in RULES)
    done = run_cli("bench", "pairing", str(sample_ledger), "--neo4j")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["neo4j"]["same_as_embedded"] is True


def test_gaps_benchmark_times_every_rule_and_counts_as_find_gaps(sample_ledger, sample_data):
    from lianjian.bench.stores import embedded

    done = run_cli("bench", "gaps", str(sample_ledger), "--as-of", "2026-06-30", "--repeat", "1")
    assert done.exit_code == 0, done.output
    r = json.loads(done.output)
    assert set(r["embedded"]["per_rule_s"]) == set(RULES)
    expected = find_gaps(embedded(sample_data), "2026-06-30")
    assert r["embedded"]["counts"] == {k: len(v) for k, v in expected.rules.items()}
    assert sum(r["embedded"]["counts"].values()) > 0


def test_pairing_benchmark_through_the_command(sample_ledger):
    done = run_cli("bench", "pairing", str(sample_ledger), "--capacity", "2")
    assert done.exit_code == 0, done.output
    plan = json.loads(done.output)["plan"]
    assert plan["capacity"] == 2
    assert plan["covered_optimal"] >= plan["covered_greedy"]
    assert plan["total_cost_optimal"] <= plan["total_cost_greedy"] or (
        plan["covered_optimal"] > plan["covered_greedy"]
    )
    assert run_cli("bench", "pairing").exit_code == 2  # neither a ledger nor --generate


# ---------------------------------------------------------------- RDF against rdflib


def _ours(data: GraphData, fmt: str) -> rdflib.Graph:
    buf = io.StringIO()
    export_rdf(data, buf, fmt)
    return rdflib.Graph().parse(data=buf.getvalue(), format=RDFLIB[fmt])


@pytest.mark.parametrize("fmt", ["nt", "ttl", "jsonld"])
def test_rdflib_baseline_builds_the_graph_our_writers_write(sample_data, fmt):
    for data in (sample_data, HARD):
        ours = _ours(data, fmt)
        assert len(ours) > 0
        assert isomorphic(ours, rdflib_graph(data))


def test_rdflib_export_writes_the_same_graph(sample_data, tmp_path):
    n = rdflib_export(sample_data, tmp_path / "b.nt", "nt")
    theirs = rdflib.Graph().parse(tmp_path / "b.nt", format="nt")
    ours = _ours(sample_data, "nt")
    assert n == len(ours) == len(theirs)
    assert isomorphic(ours, theirs)


def test_rdf_benchmark_measures_both_writers(sample_ledger):
    results = bench(sample_ledger, ("nt",), ("ours", "rdflib"), repeat=3)
    assert [r["impl"] for r in results] == ["ours", "rdflib"]
    assert all("error" not in r for r in results), results
    assert results[0]["triples"] == results[1]["triples"] > 0
    assert all(r["triples_per_s"] > 0 and r["peak_rss_mib"] > 0 for r in results)
    assert all(r["export_peak_mib"] is not None for r in results)
    assert results[0]["runs"] == 3 and results[0]["spread_s"] >= 0 and results[1]["runs"] == 1
    # rdflib capped: the whole entities up to the one that brings the count to 100
    capped = bench(sample_ledger, ("nt",), ("rdflib",), rdflib_max_triples=100)[0]
    kept: set[tuple[str, str, str]] = set()
    n = 0
    terms = NTriples(namespaces(DEFAULT_BASE))
    for s, po in Triples(load_ledger(sample_ledger), terms, base=DEFAULT_BASE):
        kept.update((s, p, o) for p, o in po)
        n += len(po)
        if n >= 100:
            break
    assert capped["triples"] == len(kept) < results[0]["triples"]


def test_rdf_benchmark_command_prints_the_table(sample_ledger):
    done = run_cli(
        "bench", "rdf", str(sample_ledger), "--formats", "nt", "--repeat", "1",
        "--rdflib-max-triples", "500",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    rows = [line for line in done.output.splitlines() if line.startswith(f"| {sample_ledger} |")]
    assert [row.split(" | ")[4] for row in rows] == ["ours", "rdflib", "full"]
    assert "ours / rdflib throughput = " in done.output
    assert run_cli("bench", "rdf", str(sample_ledger), "--formats", "xml").exit_code == 2


# ---------------------------------------------------------------- the bulk load as a stage


def test_bulk_and_batched_loads_are_compared_with_admin_import_in_the_table():
    def stage(seconds: float) -> dict:
        return {"median_s": seconds, "spread_s": 0.1, "runs": 3, "peak_mib": 210.0, "value": 9}

    result = {
        "started": "2026-12-01T00:00:00+00:00",
        "machine": {"cores": 2, "memory_gib": 24, "cpu": "x", "python": "3.12"},
        "profile": "jingzhou",
        "seed": 0,
        "repeat": 3,
        "scales": {
            "1": {
                "size": {"nodes": 10, "relationships": 20, "members": 5},
                "stages": {
                    "neo4j_load": {"neo4j": stage(12.0)},
                    "neo4j_bulk": {"neo4j": stage(9.0)},
                },
                "admin_import": {"seconds": 6.0, "runs": 3, "spread_s": 0.5},
            }
        },
    }
    assert report.ratios(result["scales"]["1"]) == {
        "batched_vs_admin_import": 2.0,
        "bulk_vs_admin_import": 1.5,
    }
    table = report.markdown(result)
    assert "| Neo4j bulk load (--bulk) 离线导入 | neo4j | 9 s ±0.1 · 210 MiB |" in table
    assert "| bulk_vs_admin_import | 1.5 |" in table


@pytest.mark.neo4j
@pytest.mark.slow
def test_the_bulk_stage_imports_into_the_runs_own_server(sample_ledger, tmp_path):
    """The stage replaces what the database held (here a batched load) by the import, and
    the server answers again on its port afterwards, holding the same content."""
    from lianjian.bench import stages
    from lianjian.graph.neo4j import server as srv
    from lianjian.graph.neo4j.store import Neo4jSettings, stored_model
    from tests.neo4j_fixture import start_server

    home = tmp_path / "neo4j"
    home.mkdir()
    info = start_server(home)
    try:
        data = load_ledger(sample_ledger)
        settings = Neo4jSettings(info.uri, "neo4j", info.password, "neo4j")
        store = Neo4jStore.from_settings(settings)
        store.write(data, fingerprint="x")
        store.close()
        ctx = stages.Ctx(sample_ledger, data, None, None, settings)
        assert forked(stages.neo4j_bulk(ctx, home))["value"] == len(data.nodes)
        again = srv.status(home)
        assert again is not None and again.pid != info.pid and again.uri == info.uri
        store = Neo4jStore.from_settings(settings)
        try:
            assert store.checksum() == stored_model(data).checksum()
            assert store.marker() == "bench"
        finally:
            store.close()
    finally:
        srv.stop(home)


def test_version_benchmark_loads_a_one_percent_version_against_a_full_load(sample_ledger):
    from lianjian.bench.versions import changed_copy

    data = load_ledger(sample_ledger)
    changed, n = changed_copy(data)
    differ = [i for i, node in changed.nodes.items() if node != data.nodes[i]]
    assert n == len(differ) == 2
    done = run_cli("bench", "versions", str(sample_ledger), "--repeat", "2")
    assert done.exit_code == 0, done.output
    on = json.loads(done.stdout)["embedded"]
    assert "embedded: {" in done.stderr  # the figures as they come
    assert on["full"]["runs"] == 2 and on["full"]["value"] == {
        "version": 1, "added": 211, "removed": 0, "changed": 0}  # fmt: skip
    # two runs alternate: the changed copy as version 2, the ledger again as version 3
    assert on["version"]["runs"] == 2 and on["version"]["value"] == {
        "version": 3, "added": 0, "removed": 0, "changed": 2}  # fmt: skip
    assert on["ratio"] == round(on["version"]["median_s"] / on["full"]["median_s"], 3)
    assert len(on["load_average"]) == 2 and all(x >= 0 for x in on["load_average"])


def test_the_readme_table_is_rendered_from_the_result_it_names():
    from lianjian.bench import harness

    text = (ROOT / "README.md").read_text("utf-8")
    table = text[text.index(report.BEGIN) + len(report.BEGIN) : text.index(report.END)]
    (named,) = re.findall(r"Rendered from `(benchmarks/results/bench-[0-9T]+\.json)`", table)
    result = json.loads((ROOT / named).read_text("utf-8"))
    assert table.strip() == (report.markdown(result) + f"\nRendered from `{named}`.").strip()
    assert harness.render(ROOT / named) == report.markdown(result)


def test_render_puts_a_result_into_the_readme_and_refuses_what_is_none(tmp_path, monkeypatch):
    from lianjian.bench import harness

    result = {
        "started": "2026-12-01T00:00:00+00:00",
        "machine": {"cores": 2, "memory_gib": 23.5, "cpu": "x", "python": "3.11"},
        "profile": "jingzhou", "seed": 0, "repeat": 1, "rules": 21,
        "scales": {"1": {
            "size": {"members": 70, "nodes": 99, "relationships": 300},
            "neo4j_rss_mib": 1234.4, "neo4j_peak_mib": 2345.6, "load_average": [1.5, 7.25],
            "stages": {"gaps": {"embedded": {"median_s": 1.5, "runs": 1, "peak_mib": 2}}},
        }},
    }  # fmt: skip
    monkeypatch.setattr(harness, "ROOT", tmp_path)
    (tmp_path / "README.md").write_text(f"a\n{report.BEGIN}\nold\n{report.END}\nb\n", "utf-8")
    kept = tmp_path / "benchmarks" / "results" / "bench-20261201T000000.json"
    kept.parent.mkdir(parents=True)
    kept.write_text(json.dumps(result), "utf-8")
    table = harness.render(kept, readme=True)
    readme = (tmp_path / "README.md").read_text("utf-8")
    assert "old" not in readme and "The gap rules: 21." in table
    assert "| Neo4j server peak resident, load and queries (MiB) | 2,346 |" in table
    assert "| load average, start → end | 1.5 → 7.25 |" in table
    assert "| all gap rules 覆盖空白 | embedded | 1.5 s · 2 MiB |" in table
    assert "Rendered from `benchmarks/results/bench-20261201T000000.json`." in readme
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    done = run_cli("bench", "render", str(bad))
    assert done.exit_code == 2 and "bad.json: not a benchmark result" in done.output
    assert "Traceback" not in done.output
    done = run_cli("bench", "render", str(kept))
    assert done.exit_code == 0 and "| members | 70 |" in done.output
