"""Loading a ledger as a new version of a source (docs/store.md, "A load").

The diff is computed here, once for every backend, from the source's latest content
hashes (:func:`lianjian.graph.versions.diff`); the gaps and coverage run on the staged
union of every source; the store commits all of it at once or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.model import GraphData
from lianjian.graph.versions import Conflict, Diff, Finding, RecordStore, Version, diff
from lianjian.queries.coverage.rates import coverage, coverage_counts
from lianjian.queries.gaps.find import find_gaps

__all__ = [
    "check_source",
    "check_date",
    "known_entities",
    "load_version",
    "Loaded",
    "OutOfOrder",
    "BreaksReferences",
    "LEVELS",
]

LEVELS = ("street", "community")  # the levels the coverage trend is kept at
_SOURCE = re.compile(r"[^\W_][\w.-]{0,63}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class OutOfOrder(ValueError):
    """A version older than the latest of its source, without ``backfill``."""


class BreaksReferences(ValueError):
    """A version that would leave another source's references to nothing: it removes an
    entity they refer to, or refers to one no other source holds any more."""


def check_source(name: str) -> str:
    """A source name: a letter or digit, then up to 63 letters, digits, ``_ . -``
    (Chinese characters are letters); ``ValueError`` otherwise."""
    if not _SOURCE.fullmatch(name):
        raise ValueError(
            f"source name {name!r} is not valid: use 1 to 64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit (e.g. shashi-2026)"
        )
    return name


def check_date(text: str) -> dt.date:
    """An as-of date ``YYYY-MM-DD`` that exists; ``ValueError`` otherwise."""
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"as-of date must be a real date YYYY-MM-DD, not {text!r}")


@dataclass
class Loaded:
    """What a load did: the version recorded (None when the content was unchanged), the
    diff, the gaps it opened and closed, the conflicts with other sources, and the
    references to entities of other sources, per relationship type."""

    version: Version | None
    diff: Diff
    opened: list[Finding] = field(default_factory=list)
    closed: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    foreign: dict[str, int] = field(default_factory=dict)


def known_entities(record: RecordStore, source: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """``id → (label, properties)`` of the entities the store's other sources hold (their
    latest versions, as the store keeps them): what the references of ``source``'s ledger
    may resolve to (``load_ledger(others=…)``, :mod:`lianjian.loaders.known`)."""
    ids: dict[str, None] = {}
    for name in record.sources():
        if name != source:
            ids.update(dict.fromkeys(record.content(name).entities))
    if not ids:
        return {}
    graph, _ = record.graph()
    return graph.nodes(list(ids))


def foreign_references(data: GraphData) -> Counter:
    """The links of ``data`` with an end it does not hold (another source's), by type."""
    nodes = data.nodes
    return Counter(e.type for e in data.edges if e.source not in nodes or e.target not in nodes)


def _check_references(record: RecordStore, source: str, data: GraphData, removed) -> None:
    """:class:`BreaksReferences` when ``data`` refers to an entity no other source holds,
    or removes one that another source's links refer to."""
    others = {n: record.content(n) for n in record.sources() if n != source}
    held = {i for c in others.values() for i in c.entities}
    nodes = data.nodes
    lost = sorted(
        {end for e in data.edges for end in (e.source, e.target) if end not in nodes}
        - held
    )  # fmt: skip
    if lost:
        raise BreaksReferences(
            f"source {source!r} refers to {', '.join(lost[:5])}, which no source holds any "
            "more (another load removed it since this ledger was read): load it again"
        )
    gone = set(removed) - held
    refs: dict[str, Counter] = {}
    for name, content in others.items():
        for t, s, d, _ in content.links:
            for end in (s, d):
                if end in gone:
                    refs.setdefault(end, Counter())[f"{name} {t}"] += 1
    if refs:
        first = sorted(refs)[:5]
        said = "; ".join(
            f"{i} ({', '.join(f'{k} ×{n}' for k, n in sorted(refs[i].items()))})" for i in first
        )
        raise BreaksReferences(
            f"nothing recorded: this version of {source!r} removes what another source "
            f"refers to: {said}{' …' if len(refs) > 5 else ''}; load the referring source "
            "without those references first, or keep the entities in this one"
        )


def load_version(
    record: RecordStore,
    source: str,
    as_of: str,
    data: GraphData,
    *,
    backfill: bool = False,
    now: dt.datetime | None = None,
) -> Loaded:
    """Record ``data`` as the new version of ``source`` as of ``as_of``.

    :class:`OutOfOrder` when ``as_of`` is before the source's latest and not ``backfill``;
    nothing is recorded when the content equals the source's latest.
    """
    check_source(source)
    day = check_date(as_of).isoformat()
    with record.lock():
        latest = record.sources().get(source)
        if latest is not None and day < latest.as_of and not backfill:
            raise OutOfOrder(
                f"{day} is before the latest version of source {source!r} ({latest.as_of}, "
                f"version {latest.version}); to record an older month anyway use --backfill"
            )
        change = diff(record.content(source), data)
        foreign = dict(foreign_references(data))
        if latest is not None and change.empty:
            return Loaded(None, change, foreign=foreign)
        if len(record.sources()) > (latest is not None):  # other sources: references between
            _check_references(record, source, data, change.removed)
        staged = record.stage(source, data)
        number = len(record.versions()) + 1
        found = find_gaps(staged.graph, as_of=day)
        places = {(r, i.id): i for r, items in found.rules.items() for i in items}
        was_open = {(f.rule, f.id) for f in record.findings() if f.closed_at is None}
        opened = [
            Finding(r, i, number, day, street=places[(r, i)].street)
            for r, i in sorted(places.keys() - was_open)
        ]
        closed = sorted(was_open - places.keys())
        counts = coverage_counts(staged.graph, day)
        rows = [
            {
                "version": number,
                "as_of": day,
                "level": level,
                "id": r["id"],
                "name": r["name"],
                "metrics": r["metrics"],
            }  # fmt: skip
            for level in LEVELS
            for r in coverage(staged.graph, level, as_of=day, counts=counts)
        ]
        stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
        version = Version(
            number, source, day, stamp, change.added, change.removed, change.changed,
            {"added": change.links_added, "removed": change.links_removed,
             "changed": change.links_changed},
            [c.to_dict() for c in staged.conflicts], data.fingerprint,
        )  # fmt: skip
        staged.commit(version, opened, closed, rows)
        return Loaded(version, change, opened, closed, staged.conflicts, foreign)
