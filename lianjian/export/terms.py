"""RDF terms as text: escaping per the N-Triples / Turtle / JSON-LD specs, and one
renderer per format that turns IRIs and literals into the exact text written.

The triple generator (:mod:`lianjian.export.triples`) calls a renderer for every
term, so each term is formatted once, straight into its final form; no RDF
library objects are built on the way.

>>> escape('say "hi"\\n')
'say \\\\"hi\\\\"\\\\n'
>>> NTriples({"ex": "http://e/"}).literal(5)
'"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["escape", "NTriples", "Turtle", "JsonLd", "XSD", "RDF_TYPE", "check_base"]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# N-Triples 1.1 / Turtle: `"` `\` LF CR must be escaped in a "…" string; the
# other C0 controls and DEL are written as ECHAR or \u escapes (canonical form).
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ESCAPES = {i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F)}
_ESCAPES.update(
    {
        ord("\\"): "\\\\",
        ord('"'): '\\"',
        ord("\n"): "\\n",
        ord("\r"): "\\r",
        ord("\t"): "\\t",
        ord("\b"): "\\b",
        ord("\f"): "\\f",
    }
)
# Characters an IRIREF may not hold (N-Triples / Turtle grammar).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# A Turtle local name we write unescaped: letters, digits, _ : - . and %XX,
# not starting with - or ., not ending with . (PN_LOCAL, conservatively).
_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_:]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9_:.\-]|%[0-9A-Fa-f]{2})*")


def escape(text: str) -> str:
    """``text`` escaped for a double-quoted N-Triples or Turtle string (O(len))."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_ESCAPES)


def check_base(base: str) -> str:
    """The base IRI, or ValueError when it cannot start IRIs (not absolute, bad characters)."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", base) or _BAD_IRI.search(base):
        raise ValueError(f"not an absolute IRI usable as a base: {base!r}")
    if base[-1] not in "/#:":
        raise ValueError(f"the base IRI must end with '/', '#' or ':': {base!r}")
    return base


def _lexical(value: Any) -> tuple[str, str]:
    """(lexical form, XSD datatype local name) of a Python value."""
    if isinstance(value, bool):
        return ("true" if value else "false"), "boolean"
    if isinstance(value, int):
        return str(value), "integer"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN", "double"
        if math.isinf(value):
            return ("INF" if value > 0 else "-INF"), "double"
        return repr(value), "double"
    return str(value), "string"


class NTriples:
    """Terms as N-Triples text: every IRI in full between ``<>``."""

    extension = "nt"

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.ns = namespaces
        self.type = f"<{RDF_TYPE}>"

    def name(self, prefix: str, local: str) -> str:
        """The IRI ``namespaces[prefix] + local`` (``local`` already IRI-safe)."""
        return f"<{self.ns[prefix]}{local}>"

    def iri(self, iri: str) -> str:
        return f"<{iri}>"

    klass = iri
    predicate = iri
    subject = name

    def string(self, text: str) -> str:
        return f'"{escape(text)}"'

    def lang(self, text: str, tag: str) -> str:
        return f'"{escape(text)}"@{tag}'

    def typed(self, lexical: str, datatype: str) -> str:
        return f'"{escape(lexical)}"^^<{XSD}{datatype}>'

    def literal(self, value: Any) -> str:
        """A Python value as a literal: bool, int, float typed; anything else a string."""
        if type(value) is str:
            return f'"{escape(value)}"'
        if type(value) is int:
            return f'"{value}"^^<{XSD}integer>'
        lexical, datatype = _lexical(value)
        return f'"{lexical}"^^<{XSD}{datatype}>' if datatype != "string" else self.string(lexical)


class Turtle(NTriples):
    """Terms as Turtle text: prefixed names where the local part allows, numbers bare."""

    extension = "ttl"

    def __init__(self, namespaces: dict[str, str]) -> None:
        super().__init__(namespaces)
        self.type = "a"
        # longest namespace first, so `…/org/` is not taken for `…/`
        self._by_ns = sorted(((v, k) for k, v in namespaces.items()), key=lambda p: -len(p[0]))
        self._cache: dict[str, str] = {}

    def name(self, prefix: str, local: str) -> str:
        if _PN_LOCAL.fullmatch(local) and not local.endswith("."):
            return f"{prefix}:{local}"
        return f"<{self.ns[prefix]}{local}>"

    def iri(self, iri: str) -> str:
        """An IRI, compacted when a namespace holds it (cached: for vocabulary terms)."""
        out = self._cache.get(iri)
        if out is None:
            out = f"<{iri}>"
            for ns, prefix in self._by_ns:
                if iri.startswith(ns):
                    out = self.name(prefix, iri[len(ns) :])
                    break
            if len(self._cache) < 10000:
                self._cache[iri] = out
        return out

    klass = iri
    predicate = iri
    subject = name

    def typed(self, lexical: str, datatype: str) -> str:
        return f'"{escape(lexical)}"^^xsd:{datatype}'

    def literal(self, value: Any) -> str:
        if type(value) is str:
            return f'"{escape(value)}"'
        if type(value) is int:
            return str(value)
        lexical, datatype = _lexical(value)
        if datatype in ("integer", "boolean"):
            return lexical
        return f'"{lexical}"^^xsd:{datatype}' if datatype != "string" else self.string(lexical)


class JsonLd(Turtle):
    """Terms as JSON-LD fragments: subjects and classes as JSON strings of compact
    IRIs, predicates as keys, objects as node or value objects. Typed values
    keep their lexical form (``@value`` strings), so all formats hold equal literals."""

    extension = "jsonld"

    def __init__(self, namespaces: dict[str, str]) -> None:
        super().__init__(namespaces)
        self.type = '"@type"'
        self._dumps = json.JSONEncoder(ensure_ascii=False).encode

    def _compact(self, prefix: str, local: str) -> str:
        return f"{prefix}:{local}" if "/" not in local[:2] else self.ns[prefix] + local

    def name(self, prefix: str, local: str) -> str:
        return '{"@id": ' + self._dumps(self._compact(prefix, local)) + "}"

    def subject(self, prefix: str, local: str) -> str:
        return self._dumps(self._compact(prefix, local))

    def iri(self, iri: str) -> str:
        return '{"@id": ' + self._dumps(self._plain(iri)) + "}"

    def klass(self, iri: str) -> str:
        return self._dumps(self._plain(iri))

    def predicate(self, iri: str) -> str:
        return self._dumps(self._plain(iri))

    def _plain(self, iri: str) -> str:
        for ns, prefix in self._by_ns:
            if iri.startswith(ns):
                return self._compact(prefix, iri[len(ns) :])
        return iri

    def string(self, text: str) -> str:
        return self._dumps(text)

    def lang(self, text: str, tag: str) -> str:
        return '{"@value": ' + self._dumps(text) + ', "@language": "' + tag + '"}'

    def typed(self, lexical: str, datatype: str) -> str:
        return '{"@value": ' + self._dumps(lexical) + ', "@type": "xsd:' + datatype + '"}'

    def literal(self, value: Any) -> str:
        if type(value) is str:
            return self._dumps(value)
        lexical, datatype = _lexical(value)
        return self.typed(lexical, datatype) if datatype != "string" else self.string(lexical)
