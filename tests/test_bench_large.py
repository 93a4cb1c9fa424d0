"""The harness above ``--embedded-max``: Neo4j stages only, the harness holding no
ledger; a stage that needs the model parses it in its own child, untimed."""

from __future__ import annotations

import os

import pytest

from lianjian.bench import harness, report
from lianjian.bench.measure import forked
from lianjian.bench.stages import AS_OF
from lianjian.generator.generate import generate
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries.gaps.find import find_gaps

NEO4J_ONLY = ("gaps", "coverage", "pairing", "matching", "explorer")


def test_a_setup_runs_in_the_child_untimed_and_outside_the_peak():
    held = []

    def setup():
        block = bytearray(60 * 2**20)  # the model parsed in the child: 60 MiB
        held.append(block)  # only the child's copy of the list grows
        return lambda: len(block)

    r = forked(lambda: -1, setup=setup)
    assert r["value"] == 60 * 2**20  # the stage the setup made ran, not the fallback
    assert 0 <= r["peak_mib"] < 10, r  # above what the setup left
    assert r["rss_mib"] >= 60
    assert held == []


@pytest.mark.neo4j
@pytest.mark.slow
def test_above_embedded_max_the_harness_runs_neo4j_stages_only(tmp_path):
    os.environ.setdefault("LIANJIAN_NEO4J_HEAP", "1g")  # the run's own server, kept small
    os.environ.setdefault("LIANJIAN_NEO4J_PAGECACHE", "512m")
    result = harness.run_bench(
        [0.004], repeats=1, embedded_max=0.002, browser=False, rdflib_max_triples=2000
    )
    large = result["scales"]["0.004"]
    assert result["embedded_max"] == 0.002
    st = large["stages"]
    assert "build_csv" not in st and "record_full" not in st and "rdf_nt" not in st
    assert "not_run" in large
    for stage in NEO4J_ONLY:
        assert "error" not in st[stage]["neo4j"], (stage, st[stage])
        assert "error" not in st[stage]["neo4j_cold"], stage
    # the same ledger, generated here, on the embedded store: the same sizes and findings
    generate(tmp_path / "jz", profile="jingzhou", scale=0.004, seed=0)
    store = EmbeddedStore.from_ledger(tmp_path / "jz")
    stats = store.stats()
    nodes = sum(stats.nodes.values())
    assert large["size"] == {
        "nodes": nodes,
        "relationships": sum(stats.relationships.values()),
        "members": stats.nodes["Member"],
    }
    found = sum(len(v) for v in find_gaps(store, AS_OF).rules.values())
    assert st["gaps"]["neo4j"]["value"] == found > 0
    assert st["explorer"]["neo4j"]["value"] > 1  # the busiest community, found in Neo4j
    assert st["neo4j_load"]["neo4j"]["value"] == nodes  # the model made in the child
    assert st["neo4j_bulk"]["neo4j"]["value"] == nodes
    assert large["admin_import"]["nodes"] == nodes and large["admin_import"]["seconds"] > 0
    # the command as a user runs it, with its own peak (a whole process)
    files = st["neo4j_from_files"]["neo4j"]
    assert files["value"]["nodes"] == nodes
    assert files["peak_mib"] == files["value"]["peak_mib"] > 50
    assert report.ratios(large)["batched_vs_admin_import"] > 0
    table = report.markdown(result)
    assert "| ledger files → Neo4j, the command (its whole peak) 台账入库 | neo4j |" in table
