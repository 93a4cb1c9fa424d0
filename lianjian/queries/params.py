"""The numbers the coverage-gap rules use: defaults and where each comes from.

Every rule reads its thresholds from one :class:`GapParams`; the Cypher files get
them as ``$name`` parameters, the NetworkX functions as attributes. ``as_of`` is
not among them: it is an argument of :func:`lianjian.queries.gaps.find.find_gaps`.

The gap thresholds and pairing's weights and costs
(:mod:`lianjian.queries.pairing.params`) are one parameter set: every command takes
any of its names, each reads the ones it uses, and the two it shares
(``weak_rating_max``, ``strong_rating_min``) are defined here only.

>>> resolve_params({"min_members_for_org": 5}).min_members_for_org
5
>>> resolve_params(None) == GapParams()
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources
from typing import Any

from lianjian.core.data import load_yaml

__all__ = ["GapParams", "SOURCES", "resolve_params", "resolve_as_of", "check_names", "NAMES"]


@dataclass(frozen=True)
class GapParams:
    """Thresholds of the gap rules (see ``SOURCES`` for where each default comes from)."""

    min_members_for_org: int = 3
    joint_branch_max_units: int = 5
    branch_max_members: int = 50
    committee_min_members: int = 7
    big_committee_min_seats: int = 3
    weak_rating_max: int = 2
    strong_rating_min: int = 4
    need_open_max_days: int = 30

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


SOURCES: dict[str, dict[str, str]] = {
    "min_members_for_org": {
        "zh": "《中国共产党章程》第三十条：正式党员三人以上的，都应当成立党的基层组织",
        "en": "Party Constitution, art. 30: three or more full members form a primary organisation",
    },
    "joint_branch_max_units": {
        "zh": "《中国共产党支部工作条例（试行）》（2018）：联合党支部覆盖单位一般不超过5个",
        "en": "Regulations on Party Branch Work (trial), 2018: a joint branch joins at most 5 units",
    },
    "branch_max_members": {
        "zh": "《中国共产党支部工作条例（试行）》（2018）：党支部党员人数一般不超过50人",
        "en": "Regulations on Party Branch Work (trial), 2018: a branch has at most 50 members",
    },
    "committee_min_members": {
        "zh": "《中国共产党支部工作条例（试行）》（2018）：正式党员7人以上的党支部设立支部委员会",
        "en": "Regulations on Party Branch Work (trial), 2018: a branch of 7 or more has a committee",
    },
    "big_committee_min_seats": {
        "zh": "社区“大党委”吸纳驻区单位兼职委员（荆州“1+1+N+X”）；本项目取3个为下限",
        "en": "community big committees seat resident units (Jingzhou '1+1+N+X'); 3 is this project's floor",
    },
    "weak_rating_max": {
        "zh": "评定等级“较差”(2)、“软弱涣散”(1)视为后进党组织",
        "en": "ratings 'poor' (2) and 'weak and lax' (1) mark a weak organisation",
    },
    "strong_rating_min": {
        "zh": "评定等级“良好”(4)、“优秀”(5)可作为以强带弱的结对方",
        "en": "ratings 'good' (4) and 'excellent' (5) qualify as the strong partner",
    },
    "need_open_max_days": {
        "zh": "需求清单按月更新、逐月销号；本项目取30天为待认领的上限",
        "en": "the need list is reviewed and closed month by month; 30 days is this project's limit for an open need",
    },
}


def _pairing_names() -> frozenset[str]:
    text = resources.files("lianjian.queries.pairing").joinpath("pairing.yaml").read_text("utf-8")
    return frozenset(load_yaml(text)["params"])


#: every parameter of the set: the gap thresholds and pairing's (pairing.yaml)
NAMES: frozenset[str] = frozenset(f.name for f in fields(GapParams)) | _pairing_names()


def check_names(asked: Mapping[str, Any], known: Iterable[str]) -> None:
    """``ValueError`` for a name that is no parameter of the set."""
    unknown = sorted(set(asked) - NAMES - set(known))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(NAMES))}"
        )


def resolve_params(params: GapParams | Mapping[str, Any] | None) -> GapParams:
    """A :class:`GapParams` from None (defaults), an instance, or a mapping of overrides.

    Raises ``ValueError`` on an unknown name or a value that is not a whole number ≥ 0.
    """
    if params is None:
        return GapParams()
    if isinstance(params, GapParams):
        return params
    known = {f.name for f in fields(GapParams)}
    check_names(params, known)
    clean: dict[str, int] = {}
    for name, value in params.items():
        if name not in known:
            continue  # pairing's, read by `pair`
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise ValueError(
                    f"gap parameter {name} must be a whole number, not {value!r}"
                ) from None
        if value < 0:
            raise ValueError(f"gap parameter {name} must be ≥ 0, not {value}")
        clean[name] = value
    return replace(GapParams(), **clean)


def resolve_as_of(as_of: dt.date | str | None) -> dt.date:
    """The as-of date: today when None, else a ``date`` or an ISO ``YYYY-MM-DD`` string."""
    if as_of is None:
        return dt.date.today()
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ValueError(f"as-of date must be YYYY-MM-DD, not {as_of!r}") from None
