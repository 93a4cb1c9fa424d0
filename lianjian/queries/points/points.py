"""Points per member per quarter (积分台账): each service record dated in the quarter is
worth points by its kind (general 一般服务 or professional 专业服务) and hours, with the
weights of ``points.yaml`` as parameters; every member reporting to a community is
listed, those without a service with 0 points ("reported but no service this quarter").

The facts are read per engine (the service records, ``matching/services.cypher``, and the
reporting members, ``points/reported.cypher``, each beside its NetworkX function), the
sums once in Python: both backends give the same table.

>>> quarter_dates("2026Q3")
('2026-07-01', '2026-09-30')
>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> points(EmbeddedStore(), "2026Q3").rows
[]

A member is shown by its pseudonym (:meth:`PointsResult.to_dict`), never by id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources
from typing import Any

from lianjian.core.data import load_yaml
from lianjian.core.privacy import pseudonym
from lianjian.graph.embedded.view import View
from lianjian.graph.store import GraphStore, Query, Rows
from lianjian.queries.catalogue import cypher
from lianjian.queries.matching.services import SERVICES

__all__ = [
    "PointsParams",
    "PROFESSIONAL",
    "MemberPoints",
    "PointsResult",
    "points",
    "quarter_dates",
    "quarter_of",
    "REPORTED",
]


def _yaml() -> dict[str, Any]:
    text = resources.files("lianjian.queries.points").joinpath("points.yaml").read_text("utf-8")
    return load_yaml(text)


_RAW = _yaml()
#: the service categories counted as professional services (专业服务)
PROFESSIONAL: frozenset[str] = frozenset(_RAW["professional"])


@dataclass(frozen=True)
class PointsParams:
    """The weights of ``points.yaml`` (defaults there)."""

    general_per_service: float = float(_RAW["params"]["general_per_service"])
    general_per_hour: float = float(_RAW["params"]["general_per_hour"])
    professional_per_service: float = float(_RAW["params"]["professional_per_service"])
    professional_per_hour: float = float(_RAW["params"]["professional_per_hour"])
    hours_cap: float = float(_RAW["params"]["hours_cap"])

    @classmethod
    def of(cls, overrides: Mapping[str, Any] | None) -> PointsParams:
        """Defaults with ``overrides`` by name; ``ValueError`` on an unknown name or a
        value that is not a number ≥ 0."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides or {}) - known)
        if unknown:
            raise ValueError(
                f"unknown points parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        clean: dict[str, float] = {}
        for name, value in (overrides or {}).items():
            try:
                number = float(str(value).strip())
            except ValueError:
                raise ValueError(
                    f"points parameter {name} must be a number, not {value!r}"
                ) from None
            if not number >= 0:  # also refuses nan
                raise ValueError(f"points parameter {name} must be ≥ 0, not {value}")
            clean[name] = number
        return replace(cls(), **clean)

    def worth(self, category: str | None, hours: float) -> tuple[str, float]:
        """``(kind, points)`` of one service: general or professional, and its points."""
        kind = "professional" if category in PROFESSIONAL else "general"
        per_service, per_hour = (
            getattr(self, f"{kind}_per_service"),
            getattr(self, f"{kind}_per_hour"),
        )
        return kind, per_service + per_hour * min(max(hours, 0.0), self.hours_cap)


_QUARTER = re.compile(r"(\d{4})\s*-?\s*Q([1-4])", re.IGNORECASE)


def quarter_dates(quarter: str) -> tuple[str, str]:
    """First and last day (ISO) of a quarter written ``YYYYQn`` (``2026Q3``, ``2026-q3``)."""
    m = _QUARTER.fullmatch(str(quarter).strip())
    if m is None:
        raise ValueError(f"a quarter is YYYYQn (e.g. 2026Q3), not {quarter!r}")
    year, q = int(m.group(1)), int(m.group(2))
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start.isoformat(), end.isoformat()


def quarter_of(day: dt.date) -> str:
    """The quarter of ``day`` as ``YYYYQn``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class MemberPoints:
    """One member's quarter: the community it reports to (None: it reports to none), its
    services (general, professional), hours and points."""

    member: str  # the member's id: never shown (to_dict shows its pseudonym)
    community: str | None
    general: int
    professional: int
    hours: float
    points: float

    @property
    def services(self) -> int:
        return self.general + self.professional


@dataclass(frozen=True)
class PointsResult:
    quarter: str
    start: str
    end: str
    params: PointsParams
    rows: list[MemberPoints]

    def to_dict(self, name_of: Callable[[str], str] | None = None) -> dict[str, Any]:
        """``{"quarter", "from", "to", "weights", "members": [{"member", "community",
        "services", "general", "professional", "hours", "points"}]}``: each member by its
        pseudonym, and ``name`` where ``name_of`` is given (names asked for)."""
        members = []
        for r in self.rows:
            row: dict[str, Any] = {"member": pseudonym(r.member)}
            if name_of is not None:
                row["name"] = name_of(r.member)
            row.update(
                community=r.community,
                services=r.services,
                general=r.general,
                professional=r.professional,
                hours=r.hours,
                points=r.points,
            )
            members.append(row)
        return {
            "quarter": self.quarter,
            "from": self.start,
            "to": self.end,
            "weights": asdict(self.params),
            "members": members,
        }


def _reported_nx(v: View, params: Mapping[str, Any], memo: dict[str, Any]) -> Rows:
    out = []
    for m in sorted(v.ids("Member")):
        found = [c for c in v.targets(m, "REPORTS_TO") if v.label(c) == "Region"]
        if found:
            out.append({"id": m, "community": found[0]})
    return out


REPORTED = Query("points_reported", cypher("points", "reported"), _reported_nx)


def points(
    store: GraphStore, quarter: str, params: PointsParams | Mapping[str, Any] | None = None
) -> PointsResult:
    """Each member's points in ``quarter`` (``YYYYQn``): every reporting member and every
    member with a service dated in the quarter, most points first (then by pseudonym).
    Cost: one read of the service records and the reporting members."""
    start, end = quarter_dates(quarter)
    p = params if isinstance(params, PointsParams) else PointsParams.of(params)
    got = store.read([SERVICES, REPORTED], {})
    community = {r["id"]: r["community"] for r in got["points_reported"]}
    tally: dict[str, list[float]] = {m: [0, 0, 0.0, 0.0] for m in community}
    for r in got["services"]:
        if r["date"] is None or not start <= r["date"] <= end:
            continue
        hours = float(r["hours"] or 0)
        kind, worth = p.worth(r["category"], hours)
        t = tally.setdefault(r["member"], [0, 0, 0.0, 0.0])
        t[0 if kind == "general" else 1] += 1
        t[2] += hours
        t[3] += worth
    rows = [
        MemberPoints(m, community.get(m), int(g), int(pro), round(h, 2), round(pts, 2))
        for m, (g, pro, h, pts) in tally.items()
    ]
    rows.sort(key=lambda r: (-r.points, pseudonym(r.member)))
    return PointsResult(quarter_of(dt.date.fromisoformat(start)), start, end, p, rows)
