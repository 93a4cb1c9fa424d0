"""Provenance of an export on PROV-O: the ledger, its files and rows as entities of
their own, and the export as one activity.

A person, organisation or place is not a ``prov:Entity`` (``prov:wasDerivedFrom``
on it would make it one under RDFS, as its domain is ``prov:Entity``): the ledger
row is. Each row is ``{base}ledger/{fp}:{file}:{row}``, an ``lj:LedgerRow`` that is
``dcterms:isPartOf`` its ``lj:LedgerFile`` and ``lj:describes`` the entity; the
file is part of the ``lj:Ledger`` ``{base}ledger/{fp}``, where ``fp`` is the first
16 hex digits of the ledger's fingerprint, so two ledgers exported under one base
share no row or file IRI. The export is one ``prov:Activity``
``{base}export/{fp}-{time}`` that ``prov:used`` the ledger, started at its time,
``prov:wasAssociatedWith`` the ``prov:SoftwareAgent`` of this version of lianjian,
and carries the full fingerprint.

>>> export_key("ab" * 32, dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc))
'abababababababab-20260102T030405Z'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from typing import Any

from lianjian import __version__
from lianjian.export.mapping import enc

__all__ = ["Provenance", "export_key", "export_time", "model_fingerprint", "FINGERPRINT_DIGITS"]

FINGERPRINT_DIGITS = 16  # of the fingerprint, in row, file and ledger IRIs


def model_fingerprint(data: Any) -> str:
    """A ledger fingerprint for a model that has none (``data.fingerprint`` empty, as
    when it was not read by the command line): SHA-256 over each node's label, id,
    name, file and row, in the model's order. Much cheaper than the model's full
    checksum; two ledgers with other entities, names or files never share it."""
    h = hashlib.sha256()
    chunk: list[str] = []
    for node_id, (label, props) in data.nodes.items():
        chunk.append(
            f"{label}\0{node_id}\0{props.get('name', '')}\0"
            f"{props.get('ledger_file', '')}\0{props.get('ledger_row', '')}\n"
        )
        if len(chunk) >= 4096:
            h.update("".join(chunk).encode("utf-8", "surrogatepass"))
            chunk.clear()
    h.update("".join(chunk).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def export_time() -> dt.datetime:
    """Now (UTC, whole seconds), or the time ``SOURCE_DATE_EPOCH`` gives (seconds since
    1970), the reproducible-builds convention for a file that must not change between
    runs: an export's default time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def export_key(fingerprint: str, time: dt.datetime) -> str:
    """The local name of an export activity: short fingerprint and UTC time."""
    stamp = time.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{fingerprint[:FINGERPRINT_DIGITS]}-{stamp}"


class Provenance:
    """The provenance blocks of one export (see the module doc), for ``tr`` a
    :class:`~lianjian.export.triples.Triples`."""

    def __init__(self, tr: Any, fingerprint: str, time: dt.datetime) -> None:
        self.tr, self.fingerprint, self.time = tr, fingerprint, time
        self.fp = fingerprint[:FINGERPRINT_DIGITS]
        self.ledger = tr.T.name("ledger", self.fp)
        self._files: dict[str, tuple[str, Any]] = {}
        self._rows: set[str] = set()  # written once, though a row may describe two entities

    def blocks(self) -> Iterator:
        """The ledger, the export activity and the software agent."""
        tr = self.tr
        T, P, C = tr.T, tr.P, tr.C
        agent_key = f"lianjian-{enc(__version__)}"
        yield (
            T.subject("ledger", self.fp),
            [
                (T.type, C["prov:Entity"]),
                (T.type, C["lj:Ledger"]),
                (P["lj:ledgerFingerprint"], T.string(self.fingerprint)),
            ],
        )
        yield (
            T.subject("export", export_key(self.fingerprint, self.time)),
            [
                (T.type, C["prov:Activity"]),
                (T.type, C["lj:Export"]),
                (P["prov:used"], self.ledger),
                (P["prov:startedAtTime"], T.typed(self._stamp(), "dateTime")),
                (P["prov:wasAssociatedWith"], T.name("agent", agent_key)),
                (P["lj:ledgerFingerprint"], T.string(self.fingerprint)),
            ],
        )
        yield (
            T.subject("agent", agent_key),
            [
                (T.type, C["prov:SoftwareAgent"]),
                (T.type, C["schema:SoftwareApplication"]),
                (P["rdfs:label"], T.lang(f"联建 lianjian {__version__}", "zh")),
                (P["schema:softwareVersion"], T.string(__version__)),
            ],
        )

    def _stamp(self) -> str:
        return self.time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def record(self, about: Any, props: dict[str, Any], blocks: list) -> None:
        """Add to ``blocks`` the row ``about`` comes from (and its file, the first time)."""
        tr = self.tr
        T, P, C = tr.T, tr.P, tr.C
        file, row = str(props["ledger_file"]), props.get("ledger_row")
        f = self._files.get(file)
        if f is None:
            fkey = f"{self.fp}:{enc(file)}"
            f = self._files[file] = (fkey, T.name("ledger", fkey))
            blocks.append(
                (
                    T.subject("ledger", fkey),
                    [
                        (T.type, C["prov:Entity"]),
                        (T.type, C["lj:LedgerFile"]),
                        (P["lj:fileName"], T.string(file)),
                        (P["dcterms:isPartOf"], self.ledger),
                    ],
                )
            )
        fkey, f_obj = f
        if row is None:  # the row is not known: the file describes it
            blocks.append((T.subject("ledger", fkey), [(P["lj:describes"], about)]))
            return
        rkey = f"{fkey}:{row}"
        if rkey in self._rows:
            blocks.append((T.subject("ledger", rkey), [(P["lj:describes"], about)]))
            return
        self._rows.add(rkey)
        blocks.append(
            (
                T.subject("ledger", rkey),
                [
                    (T.type, C["prov:Entity"]),
                    (T.type, C["lj:LedgerRow"]),
                    (P["dcterms:isPartOf"], f_obj),
                    (P["lj:rowNumber"], T.literal(row)),
                    (P["lj:describes"], about),
                ],
            )
        )
