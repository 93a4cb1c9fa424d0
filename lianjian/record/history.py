"""The history of a store of record as the JSON contracts give it (docs/store.md):
the versions (``lianjian history``), what changed between two versions with the gaps
opened, closed (销号) and still open (``lianjian changes``), and the coverage rates
per version (``lianjian coverage --trend``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lianjian.core.privacy import pseudonym
from lianjian.graph.versions import RecordStore, Version
from lianjian.queries.catalogue import RULES
from lianjian.record.load import LEVELS

__all__ = ["history", "changes", "trend", "months_between"]


def history(record: RecordStore) -> dict[str, Any]:
    """``{"versions": [{"version", "source", "as_of", "loaded_at", "added", "removed",
    "changed"}]}``: entity counts of each version's diff, oldest first."""
    return {
        "versions": [
            {
                "version": v.version,
                "source": v.source,
                "as_of": v.as_of,
                "loaded_at": v.loaded_at,
                "added": len(v.added),
                "removed": len(v.removed),
                "changed": len(v.changed),
            }
            for v in record.versions()
        ]
    }


def months_between(start: str, end: str) -> int:
    """Whole months from one ISO date to another (0 when ``end`` is not later); a month's
    last day counts as a whole month after the last day of the one before.

    >>> months_between("2026-05-31", "2026-06-30"), months_between("2026-05-31", "2026-06-29")
    (1, 0)
    """
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    month_end = (b + dt.timedelta(days=1)).day == 1
    months = (b.year - a.year) * 12 + b.month - a.month - (b.day < a.day and not month_end)
    return max(months, 0)


def _pick(versions: list[Version], number: int | None, what: str) -> int:
    known = [v.version for v in versions]
    if number is not None and number not in known:
        raise ValueError(
            f"{what} version {number} does not exist; the store has versions 1 to {len(known)}"
            if known
            else "the store holds no version yet"
        )
    return number if number is not None else known[-1]


def changes(
    record: RecordStore, start: int | None = None, end: int | None = None
) -> dict[str, Any]:
    """What changed after version ``start`` up to version ``end`` (default: the latest,
    and the one before it; ``start`` 0 is the empty store), and the gaps::

        {"from", "to", "entities": {"added": [ID], "removed": [ID],
                                    "changed": [{"id", "properties": [NAME]}]},
         "gaps": {"opened": [{"rule", "id"}], "closed": [{"rule", "id"}],
                  "open": [{"rule", "id", "since", "age_months"}]}}

    Over several versions an entity added then removed is neither; removed then added
    again is changed (with the properties later versions name).
    """
    versions = record.versions()
    if not versions:
        raise ValueError("the store holds no version yet; load one: lianjian load LEDGER "
                         "--source NAME --as-of DATE")  # fmt: skip
    end = _pick(versions, end, "--to")
    start = end - 1 if start is None else (0 if start == 0 else _pick(versions, start, "--from"))
    if start > end:
        raise ValueError(f"--from {start} is after --to {end}")
    state: dict[str, str] = {}  # id → "added" | "removed" | "changed"
    props: dict[str, set[str]] = {}
    for v in versions[start:end]:
        for i in v.added:
            state[i] = "changed" if state.get(i) == "removed" else "added"
        for i in v.removed:
            state[i] = "gone" if state.get(i) == "added" else "removed"
        for i, names in v.changed.items():
            state.setdefault(i, "changed")
            props.setdefault(i, set()).update(names)
    on = {v.version: v.as_of for v in versions}
    to_day = on[end]
    findings = record.findings()

    def was_open(f, at: int) -> bool:
        return f.first_seen <= at and (f.closed_at is None or f.closed_at > at)

    return {
        "from": start,
        "to": end,
        "entities": {
            "added": sorted(i for i, s in state.items() if s == "added"),
            "removed": sorted(i for i, s in state.items() if s == "removed"),
            "changed": [
                {"id": i, "properties": sorted(props.get(i, ()))}
                for i, s in sorted(state.items())
                if s == "changed"
            ],
        },
        "gaps": {
            "opened": _ids(f for f in findings if start < f.first_seen <= end),
            "closed": _ids(
                f for f in findings if f.closed_at is not None and start < f.closed_at <= end
            ),
            "open": sorted(
                (
                    {
                        "rule": f.rule,
                        "id": f.id,
                        "since": f.since,
                        "age_months": months_between(f.since, to_day),
                    }
                    for f in findings
                    if was_open(f, end)
                ),
                key=lambda g: (-g["age_months"], g["rule"], g["id"]),
            ),
        },
    }


def shown(record: RecordStore, result: dict[str, Any]) -> dict[str, Any]:
    """``result`` of :func:`changes` as outputs show it: a member by its pseudonym (a member
    of any source's latest content, or the entity of a rule that flags members)."""
    members = {
        i
        for source in record.sources()
        for i, label in record.content(source).labels.items()
        if label == "Member"
    }

    def entity(i: str) -> str:
        return pseudonym(i) if i in members else i

    def finding(g: dict[str, Any]) -> dict[str, Any]:
        rule = RULES.get(g["rule"])
        member = g["id"] in members or (rule is not None and rule.entity == "Member")
        return {**g, "id": pseudonym(g["id"]) if member else g["id"]}

    ents, gaps = result["entities"], result["gaps"]
    return {
        **result,
        "entities": {
            "added": [entity(i) for i in ents["added"]],
            "removed": [entity(i) for i in ents["removed"]],
            "changed": [{**c, "id": entity(c["id"])} for c in ents["changed"]],
        },
        "gaps": {k: [finding(g) for g in v] for k, v in gaps.items()},
    }


def _ids(findings) -> list[dict[str, str]]:
    return sorted(
        ({"rule": f.rule, "id": f.id} for f in findings), key=lambda g: (g["rule"], g["id"])
    )


def trend(record: RecordStore, level: str = "street") -> dict[str, Any]:
    """``{"level", "trend": [{"version", "as_of", "id", "name", "metrics"}]}``: the coverage
    rates kept with each version at ``level`` (street or community), by version then id."""
    if level not in LEVELS:
        raise ValueError(f"the coverage trend is kept per {' and '.join(LEVELS)}, not {level}")
    rows = [
        {k: r[k] for k in ("version", "as_of", "id", "name", "metrics")}
        for r in record.coverage_rows()
        if r["level"] == level
    ]
    rows.sort(key=lambda r: (r["version"], r["id"] is None, r["id"] or ""))
    return {"level": level, "trend": rows}
