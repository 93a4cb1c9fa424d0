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

An export of a store of record (``Provenance(..., store=snapshot)``) names the version
it exports instead: each source's version the store held then is a ``prov:Entity``,
an ``lj:Version`` ``{base}version/{number}-{loaded at}`` with its number, source name,
as-of date and load time, ``prov:wasGeneratedBy`` its load (a ``prov:Activity``, an
``lj:Load`` ``{base}load/{number}-{loaded at}`` that ``prov:used`` the ledger) and
``prov:wasDerivedFrom`` the ledger; the export ``prov:used`` every one of them and
``lj:exportsVersion`` the store's version. Each row is then in the ledger of the
source it came from.

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
from lianjian.graph.versions import Version
from lianjian.record.snapshot import Snapshot

__all__ = [
    "Provenance",
    "export_key",
    "export_time",
    "model_fingerprint",
    "version_key",
    "store_fingerprint",
    "FINGERPRINT_DIGITS",
]

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
    return f"{fingerprint[:FINGERPRINT_DIGITS]}-{_utc(time)}"


def version_key(version: Version) -> str:
    """The local name of a version and of its load: its number and UTC load time.

    >>> v = Version(2, "shashi", "2026-06-30", "2026-07-01T08:00:00+00:00", [], [], {}, {}, [])
    >>> version_key(v)
    '2-20260701T080000Z'
    """
    return f"{version.version}-{_utc(dt.datetime.fromisoformat(version.loaded_at))}"


def _utc(time: dt.datetime) -> str:
    return time.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso(time: dt.datetime) -> str:
    return time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ledger_of(version: Version) -> str:
    """The fingerprint of the ledger a version was loaded from; for a version recorded
    without one (a load from code), a SHA-256 of its source and number."""
    if version.fingerprint:
        return version.fingerprint
    return hashlib.sha256(f"{version.source}\0{version.version}".encode()).hexdigest()


def store_fingerprint(store: Snapshot) -> str:
    """A SHA-256 naming a store's version by what it is made of: each source's version
    (number, source, ledger fingerprint), in load order; the export's IRI carries it."""
    text = "".join(f"{v.version}\0{v.source}\0{ledger_of(v)}\n" for v in store.sources)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Provenance:
    """The provenance blocks of one export (see the module doc), for ``tr`` a
    :class:`~lianjian.export.triples.Triples`."""

    def __init__(
        self, tr: Any, fingerprint: str, time: dt.datetime, store: Snapshot | None = None
    ) -> None:
        self.store = store
        if store is not None:
            fingerprint = store_fingerprint(store)
            self._ledgers = {v.source: ledger_of(v) for v in store.sources}
        self.tr, self.fingerprint, self.time = tr, fingerprint, time
        self.fp = fingerprint[:FINGERPRINT_DIGITS]
        self.ledger = tr.T.name("ledger", self.fp)
        self._files: dict[tuple[str, str], tuple[str, Any]] = {}
        self._rows: set[str] = set()  # written once, though a row may describe two entities

    def _ledger(self, fingerprint: str) -> tuple:
        T, P, C = self.tr.T, self.tr.P, self.tr.C
        return (
            T.subject("ledger", fingerprint[:FINGERPRINT_DIGITS]),
            [
                (T.type, C["prov:Entity"]),
                (T.type, C["lj:Ledger"]),
                (P["lj:ledgerFingerprint"], T.string(fingerprint)),
            ],
        )

    def blocks(self) -> Iterator:
        """The ledger (a store's: each source's ledger, version and load), the export
        activity and the software agent."""
        tr = self.tr
        T, P, C = tr.T, tr.P, tr.C
        agent_key = f"lianjian-{enc(__version__)}"
        export = [(T.type, C["prov:Activity"]), (T.type, C["lj:Export"])]
        if self.store is None:
            yield self._ledger(self.fingerprint)
            export.append((P["prov:used"], self.ledger))
        else:
            yield from self._version_blocks(export)
        export += [
            (P["prov:startedAtTime"], T.typed(_iso(self.time), "dateTime")),
            (P["prov:wasAssociatedWith"], T.name("agent", agent_key)),
        ]
        if self.store is None:
            export.append((P["lj:ledgerFingerprint"], T.string(self.fingerprint)))
        yield T.subject("export", export_key(self.fingerprint, self.time)), export
        yield (
            T.subject("agent", agent_key),
            [
                (T.type, C["prov:SoftwareAgent"]),
                (T.type, C["schema:SoftwareApplication"]),
                (P["rdfs:label"], T.lang(f"联建 lianjian {__version__}", "zh")),
                (P["schema:softwareVersion"], T.string(__version__)),
            ],
        )

    def _version_blocks(self, export: list) -> Iterator:
        """Each source's ledger, version and load; adds to ``export`` what it used."""
        T, P, C = self.tr.T, self.tr.P, self.tr.C
        store = self.store
        assert store is not None
        seen: set[str] = set()
        for v in store.sources:
            fingerprint = ledger_of(v)
            if fingerprint not in seen:  # two sources of one ledger: one ledger
                seen.add(fingerprint)
                yield self._ledger(fingerprint)
            ledger = T.name("ledger", fingerprint[:FINGERPRINT_DIGITS])
            key = version_key(v)
            at = T.typed(_iso(dt.datetime.fromisoformat(v.loaded_at)), "dateTime")
            yield (
                T.subject("version", key),
                [
                    (T.type, C["prov:Entity"]),
                    (T.type, C["lj:Version"]),
                    (P["lj:versionNumber"], T.literal(v.version)),
                    (P["lj:sourceName"], T.string(v.source)),
                    (P["lj:versionAsOf"], T.typed(v.as_of, "date")),
                    (P["prov:generatedAtTime"], at),
                    (P["prov:wasGeneratedBy"], T.name("load", key)),
                    (P["prov:wasDerivedFrom"], ledger),
                ],
            )
            yield (
                T.subject("load", key),
                [
                    (T.type, C["prov:Activity"]),
                    (T.type, C["lj:Load"]),
                    (P["prov:used"], ledger),
                    (P["prov:endedAtTime"], at),
                ],
            )
            export.append((P["prov:used"], T.name("version", key)))
        export.append((P["lj:exportsVersion"], T.name("version", version_key(store.version))))

    def _fingerprint_of(self, owner: Any) -> str:
        """The fingerprint of the ledger a row is in: the export's, or in a store, that
        of the source holding the entity or link ``owner`` (its first, in load order)."""
        if self.store is None:
            return self.fingerprint
        source = self.store.owner.get(owner) or self.store.sources[0].source
        return self._ledgers[source]

    def record(self, about: Any, props: dict[str, Any], blocks: list, owner: Any = None) -> None:
        """Add to ``blocks`` the row ``about`` comes from (and its file, the first time);
        ``owner`` is the entity's id or the link's key (for a store's export)."""
        tr = self.tr
        T, P, C = tr.T, tr.P, tr.C
        file, row = str(props["ledger_file"]), props.get("ledger_row")
        fp = self._fingerprint_of(owner)[:FINGERPRINT_DIGITS]
        f = self._files.get((fp, file))
        if f is None:
            fkey = f"{fp}:{enc(file)}"
            f = self._files[(fp, file)] = (fkey, T.name("ledger", fkey))
            blocks.append(
                (
                    T.subject("ledger", fkey),
                    [
                        (T.type, C["prov:Entity"]),
                        (T.type, C["lj:LedgerFile"]),
                        (P["lj:fileName"], T.string(file)),
                        (P["dcterms:isPartOf"], T.name("ledger", fp)),
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
