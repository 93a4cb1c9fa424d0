"""RDF export of the graph: N-Triples, Turtle and JSON-LD written as text, streaming.

The writers take the blocks of :class:`~lianjian.export.triples.Triples` (one
subject and its predicate–object pairs at a time, terms already rendered) and
write them through a buffer: memory stays bounded by one entity, whatever the
size of the graph.

>>> from lianjian.core.model import GraphData
>>> import io
>>> data = GraphData(nodes={"R1": ("Region", {"id": "R1", "name": "胜利街道", "level": "street"})})
>>> buf = io.StringIO()
>>> n = export_rdf(data, buf, "nt", base="http://example.org/x/")
>>> '<http://example.org/x/region/R1> <http://www.w3.org/2000/01/rdf-schema#label> "胜利街道"@zh .' in buf.getvalue()
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import IO, Any

from lianjian.core.bulk import paused_gc
from lianjian.core.model import GraphData
from lianjian.export.iris import DEFAULT_BASE, data_namespaces
from lianjian.export.mapping import MAPPING, Mapping
from lianjian.export.terms import JsonLd, NTriples, Turtle, check_base
from lianjian.export.triples import Triples
from lianjian.record.snapshot import Snapshot

__all__ = [
    "FORMATS",
    "export_rdf",
    "write_ntriples",
    "write_turtle",
    "write_jsonld",
    "namespaces",
    "vocabulary_path",
    "vocabulary_text",
    "paused_gc",
    "DEFAULT_BASE",
]

FORMATS = {"nt": NTriples, "ttl": Turtle, "jsonld": JsonLd}
_FLUSH = 1 << 20  # characters buffered before a write

Block = tuple[Any, list[tuple[Any, Any]]]


def namespaces(base: str, mapping: Mapping = MAPPING) -> dict[str, str]:
    """Every prefix of an export: the vocabularies', then the data's under ``base``."""
    return {**mapping.namespaces, **data_namespaces(base, mapping)}


def vocabulary_text() -> str:
    """The project vocabulary ``lianjian.ttl`` (Turtle): the ``lj:`` classes and properties
    an export uses, with their labels, comments, domains, ranges and super-properties."""
    return resources.files("lianjian.export").joinpath("lianjian.ttl").read_text("utf-8")


def vocabulary_path(out: str | os.PathLike) -> Path:
    """Where ``--vocab`` writes the vocabulary beside the export ``out``.

    >>> vocabulary_path("exports/sample.ttl").as_posix()
    'exports/sample.vocab.ttl'
    """
    p = Path(out)
    return p.with_name(f"{p.stem}.vocab.ttl")


def export_rdf(
    data: GraphData,
    out: str | os.PathLike | IO[str],
    fmt: str = "ttl",
    *,
    base: str = DEFAULT_BASE,
    with_names: bool = False,
    gaps: dict[str, Any] | None = None,
    time: dt.datetime | None = None,
    store: Snapshot | None = None,
) -> int:
    """Write ``data`` as RDF (``fmt``: ``nt``, ``ttl`` or ``jsonld``) to a path or text stream.

    Returns the number of triples written. Time O(nodes + edges), memory of one
    entity's triples plus an index of edges by source; the file is UTF-8.
    ``gaps`` is the ``to_dict()`` of a gap run, written as ``lj:GapFinding``s.
    ``time`` is the export activity's (default: now, or ``SOURCE_DATE_EPOCH``); the ledger fingerprint in the
    row IRIs is ``data.fingerprint``, or one of the model's ids and names when it has none
    (:mod:`lianjian.export.provenance`). ``store``: ``data`` is that version of a store of
    record, which the provenance names (each row in its source's ledger).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    ns = namespaces(check_base(base))
    terms = FORMATS[fmt](ns)
    blocks = Triples(
        data, terms, base=base, with_names=with_names, gaps=gaps, time=time, store=store
    )
    writer = {"nt": write_ntriples, "ttl": write_turtle, "jsonld": write_jsonld}[fmt]
    with _open(out) as fh, paused_gc():
        return writer(blocks, fh, ns)


@contextlib.contextmanager
def _open(out: str | os.PathLike | IO[str]):
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
    else:
        yield out


def _stream(blocks: Iterable[Block], fh: IO[str], render) -> int:
    """Write ``render(subject, pairs)`` of every block, about ``_FLUSH`` characters a
    write; returns the number of triples."""
    buf: list[str] = []
    size = n = 0
    for s, po in blocks:
        n += len(po)
        chunk = render(s, po)
        buf.append(chunk)
        size += len(chunk)
        if size > _FLUSH:
            fh.write("".join(buf))
            buf.clear()
            size = 0
    fh.write("".join(buf))
    return n


def write_ntriples(blocks: Iterable[Block], fh: IO[str], ns: dict[str, str] | None = None) -> int:
    """One line per triple; returns the number written."""
    return _stream(blocks, fh, lambda s, po: "".join([f"{s} {p} {o} .\n" for p, o in po]))


def _turtle_paragraph(s: str, po: list[tuple[str, str]]) -> str:
    parts = ["\n", s]
    prev = None
    for p, o in po:
        if p is prev or p == prev:
            parts.append(", ")
        else:
            parts.append(" ;\n    " if prev is not None else " ")
            parts.append(p)
            parts.append(" ")
            prev = p
        parts.append(o)
    parts.append(" .\n")
    return "".join(parts)


def write_turtle(blocks: Iterable[Block], fh: IO[str], ns: dict[str, str]) -> int:
    """Prefixes, then one paragraph per subject (``;`` between predicates, ``,``
    between objects of one predicate); returns the number of triples."""
    fh.write("".join(f"@prefix {p}: <{iri}> .\n" for p, iri in ns.items()))
    return _stream(blocks, fh, _turtle_paragraph)


def write_jsonld(blocks: Iterable[Block], fh: IO[str], ns: dict[str, str]) -> int:
    """A flattened JSON-LD document: the prefixes as ``@context``, one node object per
    subject in ``@graph``; returns the number of triples."""
    fh.write('{"@context": ' + json.dumps(ns, ensure_ascii=False) + ',\n "@graph": [')
    first = [True]

    def node(s: str, po: list[tuple[str, str]]) -> str:
        by_p: dict[str, list[str]] = {}
        for p, o in po:
            values = by_p.get(p)
            if values is None:
                by_p[p] = [o]
            else:
                values.append(o)
        body = ", ".join(f"{p}: [{', '.join(vs)}]" for p, vs in by_p.items())
        sep = "\n" if first[0] else ",\n"
        first[0] = False
        return sep + '{"@id": ' + s + ", " + body + "}"

    n = _stream(blocks, fh, node)
    fh.write("\n]}\n")
    return n
