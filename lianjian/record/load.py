"""Loading a ledger as a new version of a source (docs/store.md, "A load").

The diff is computed here, once for every backend, from the source's latest content
hashes (:func:`lianjian.graph.versions.diff`); the gaps and coverage run on the staged
union of every source; the store commits all of it at once or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lianjian.core.model import GraphData
from lianjian.graph.versions import Conflict, Diff, Finding, RecordStore, Version, diff
from lianjian.queries.coverage.rates import coverage, coverage_counts
from lianjian.queries.gaps.find import find_gaps

__all__ = ["check_source", "check_date", "load_version", "Loaded", "OutOfOrder", "LEVELS"]

LEVELS = ("street", "community")  # the levels the coverage trend is kept at
_SOURCE = re.compile(r"[^\W_][\w.-]{0,63}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class OutOfOrder(ValueError):
    """A version older than the latest of its source, without ``backfill``."""


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
    diff, the gaps it opened and closed, and the conflicts with other sources."""

    version: Version | None
    diff: Diff
    opened: list[Finding] = field(default_factory=list)
    closed: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


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
        if latest is not None and change.empty:
            return Loaded(None, change)
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
        return Loaded(version, change, opened, closed, staged.conflicts)
