"""SHACL validation of an RDF export against ``shapes.ttl``, with readable results.

>>> import tempfile
>>> from pathlib import Path
>>> from lianjian.export.rdf import export_rdf
>>> from lianjian.loaders.ledger import load_ledger
>>> path = Path(tempfile.mkdtemp()) / "export.ttl"
>>> triples = export_rdf(load_ledger("data/sample"), path)
>>> result = validate_rdf(path)
>>> result.conforms, len(result.violations)
(True, 0)
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import BNode, Graph, Namespace
from rdflib.collection import Collection

__all__ = ["Violation", "ValidationResult", "validate_rdf", "validate_graph", "shapes_graph"]

_RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node, along which path, which value, and why."""

    focus: str
    path: str
    value: str
    message: str
    severity: str


@dataclass
class ValidationResult:
    conforms: bool
    triples: int
    violations: list[Violation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "triples": self.triples,
            "violations": [asdict(v) for v in self.violations],
        }


def shapes_graph():
    """The packaged SHACL shapes as an rdflib ``Graph``."""
    text = resources.files("lianjian.export").joinpath("shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def validate_rdf(path: str | os.PathLike, fmt: str | None = None) -> ValidationResult:
    """Parse the RDF file at ``path`` and validate it against the shapes.

    ``fmt``: ``ttl``, ``nt`` or ``jsonld`` (guessed from the extension by default).
    Raises ValueError when the file is missing or not parseable. Cost: the whole
    graph in rdflib (about 1 KB a triple) and pySHACL's time, which grows with
    the number of focus nodes: minutes for a million triples.
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"no such RDF file: {path}")
    rdflib_fmt = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}.get(fmt or "") or (
        _RDFLIB_FORMATS.get(p.suffix.lower())
    )
    if rdflib_fmt is None:
        raise ValueError(f"cannot tell the RDF format of {path}: use --format ttl, nt or jsonld")
    try:
        g = Graph().parse(p, format=rdflib_fmt)
    except Exception as e:  # rdflib raises parser-specific errors
        raise ValueError(f"{path}: not valid RDF: {e}") from None
    return validate_graph(g)


def validate_graph(g) -> ValidationResult:
    """Validate an rdflib ``Graph`` against the shapes (no inference)."""
    sh = Namespace(_SH)
    conforms, results, _ = pyshacl.validate(g, shacl_graph=shapes_graph(), inference="none")
    nm = g.namespace_manager
    for prefix, ns in shapes_graph().namespaces():
        nm.bind(prefix, ns, override=False)
    out = []
    # the report's own results (nested sh:detail results explain them, and are left out)
    for r in results.objects(None, sh.result):
        msgs = sorted(str(m) for m in results.objects(r, sh.resultMessage))
        out.append(
            Violation(
                focus=_show(results.value(r, sh.focusNode), nm),
                path=_path(results, results.value(r, sh.resultPath), nm),
                value=_show(results.value(r, sh.value), nm),
                message="; ".join(msgs),
                severity=_show(results.value(r, sh.resultSeverity), nm).removeprefix("sh:"),
            )
        )
    out.sort(key=lambda v: (v.focus, v.path, v.message))
    return ValidationResult(bool(conforms), len(g), out)


def _show(term, nm) -> str:
    if term is None:
        return ""
    try:
        return term.n3(nm)
    except Exception:
        return str(term)


def _path(results, term, nm) -> str:
    """A SHACL path as text: an IRI compacted, a sequence path as ``a / b``."""
    if isinstance(term, BNode):
        try:
            return " / ".join(_show(t, nm) for t in Collection(results, term))
        except Exception:
            return _show(term, nm)
    return _show(term, nm)
