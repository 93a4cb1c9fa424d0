"""The export of a store's latest version read page by page (:mod:`lianjian.record.stream`)
is the export of the store read whole: the same triples, whatever the chunk size, so a
chunk's border (a link to an entity of another chunk, a row or file first met in an
earlier chunk) changes nothing; on the embedded store and on Neo4j."""

from __future__ import annotations

import datetime as dt

import pytest

from lianjian.core.schema import SCHEMA
from lianjian.export.gaps import gap_findings
from lianjian.export.rdf import export_rdf
from lianjian.graph.backends import open_record
from lianjian.graph.embedded.persist import EmbeddedRecord
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger
from lianjian.record.load import load_version
from lianjian.record.snapshot import snapshot
from lianjian.record.stream import StoreGraph, streamed
from tests.rdf_common import BASE, TIME
from tests.record_ledgers import V1, run
from tests.split_ledger import split_by_street

AS_OF = dt.date.fromisoformat(V1)


def _graph(held, tmp_path, name: str, gaps=None) -> tuple[set[str], int]:
    """The export's triples (N-Triples lines: the export mints no blank node, so two
    exports are the same graph when they hold the same lines) and the count it gave."""
    out = tmp_path / name
    n = export_rdf(held.data, out, "nt", base=BASE, time=TIME, store=held, gaps=gaps)
    lines = out.read_text("utf-8").splitlines()
    assert not any(line.startswith("_:") or " _:" in line for line in lines)
    return set(lines), n


def _chunks(held) -> int:
    return sum(1 for _ in held.data.chunks())


def _same_as_whole(record, tmp_path, with_gaps: bool = False, small: int = 3) -> None:
    whole = snapshot(record)
    gaps = gap_findings(whole.data, AS_OF) if with_gaps else None
    expected, n = _graph(whole, tmp_path, "whole.nt", gaps)
    for size in (small, 10**6):
        held = streamed(record, size=size)
        assert isinstance(held.data, StoreGraph)
        assert held.sources == whole.sources
        assert held.owner == (whole.owner if len(whole.sources) > 1 else {})  # one: all its
        if size == small:  # many chunks of every label: borders everywhere
            labels = {label for label, _ in whole.data.nodes.values()}
            assert _chunks(held) >= len(whole.data.nodes) // small >= len(labels)
        else:
            assert _chunks(held) == len({label for label, _ in whole.data.nodes.values()})
        streamed_gaps = gap_findings(held.data.graph, AS_OF) if with_gaps else None
        assert streamed_gaps == gaps
        got, m = _graph(held, tmp_path, f"chunks-{size}.nt", streamed_gaps)
        assert m == n == len(got)  # each row and column declared once, as in the whole one
        assert got == expected, size


@pytest.fixture
def record(sample_ledger, tmp_path):
    record = EmbeddedRecord.open(tmp_path / "store", create=True)
    data = load_ledger(sample_ledger)
    data.fingerprint = ledger_fingerprint(sample_ledger)
    load_version(record, "shashi", V1, data)
    return record


def test_node_pages_read_every_entity_and_link_once(record):
    graph, _ = record.graph()
    ids, edges = [], []
    for label in SCHEMA.nodes:
        after = ""
        while page := graph.node_page(label, after, 3):
            if not page.nodes:
                break
            assert list(page.nodes) == sorted(page.nodes) and min(page.nodes) > after
            assert len(page.nodes) <= 3
            ids += page.nodes
            edges += page.edges
            assert all(
                page.ends[e.target] == graph.nodes([e.target])[e.target][0] for e in page.edges
            )
            after = max(page.nodes)
    assert sorted(ids) == sorted(i for i, _ in graph.graph.nodes(data=True))
    assert sorted(edges) == sorted(graph.edges_of_type(SCHEMA.relationships))


def test_the_streamed_export_of_the_embedded_store_is_the_whole_one(record, tmp_path):
    _same_as_whole(record, tmp_path, with_gaps=True)


def test_two_sources_each_row_in_its_own_ledger_and_an_earlier_version_read_whole(
    jingzhou_small, tmp_path
):
    record = EmbeddedRecord.open(tmp_path / "store", create=True)
    streets = split_by_street(jingzhou_small, tmp_path / "streets")
    assert len(streets) >= 2
    for street, folder in streets.items():
        data = load_ledger(folder)
        data.fingerprint = ledger_fingerprint(folder)
        load_version(record, f"street-{street}", V1, data)
    _same_as_whole(record, tmp_path, small=97)  # the embedded store scans a label per page
    held = streamed(record, 1, size=3)  # the first street alone: not the latest version
    assert not isinstance(held.data, StoreGraph)
    assert held.data.nodes == snapshot(record, 1).data.nodes


def test_the_chunk_size_is_at_least_one(record):
    with pytest.raises(ValueError, match="at least 1"):
        streamed(record, size=0)


@pytest.mark.neo4j
def test_the_neo4j_export_in_chunks_of_three_is_the_whole_one(
    neo4j_driver, neo4j_settings, monkeypatch, sample_ledger, tmp_path
):
    for key in ("uri", "user", "password", "database"):
        monkeypatch.setenv(f"NEO4J_{key.upper()}", neo4j_settings[key])
    run("load", sample_ledger, "--source", "shashi", "--as-of", V1, "--backend", "neo4j")
    run("pair", "--backend", "neo4j", "--write")  # derived links: in no source, not exported
    record = open_record(None, "neo4j")
    try:
        graph, _ = record.graph()
        assert graph.stats().relationships.get("PROPOSED_PAIR")
        _same_as_whole(record, tmp_path, with_gaps=True)
    finally:
        record.close()
