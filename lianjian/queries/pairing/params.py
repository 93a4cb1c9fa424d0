"""The numbers strong-leads-weak pairing (以强带弱) uses: weights, thresholds, costs.

Defaults, meanings and sources live in ``pairing.yaml`` beside this module; this
module turns them into one frozen :class:`PairingParams` and checks overrides.

>>> p = resolve_pairing_params({"capacity": "2"})
>>> p.capacity, p.weak_rating_max, p.strong_rating_min
(2, 2, 4)
>>> resolve_pairing_params(None) == PairingParams()
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from functools import cache
from importlib import resources
from typing import Any

from lianjian.core.data import load_yaml
from lianjian.queries.params import SOURCES, GapParams, check_names

__all__ = ["PairingParams", "DOCS", "defaults", "resolve_pairing_params", "FEATURES"]

# the features of the strength score, in the order they are explained
FEATURES = ("rating", "members", "young", "educated", "employed_in_area", "partners")


@cache
def _yaml() -> dict[str, dict[str, Any]]:
    text = resources.files("lianjian.queries.pairing").joinpath("pairing.yaml").read_text("utf-8")
    return load_yaml(text)["params"]


#: the thresholds pairing shares with the gap rules (defaults and sources in queries/params.py)
SHARED = ("weak_rating_max", "strong_rating_min")


def defaults() -> dict[str, Any]:
    """Every parameter's default value, as ``pairing.yaml`` (or, for :data:`SHARED`,
    :class:`~lianjian.queries.params.GapParams`) gives it."""
    shared = {name: getattr(GapParams(), name) for name in SHARED}
    return {**{name: entry["default"] for name, entry in _yaml().items()}, **shared}


#: name → {"zh", "en", "source"}: what each parameter means and where its default comes from
DOCS: dict[str, dict[str, str]] = {
    **{name: {k: str(entry[k]) for k in ("zh", "en", "source")} for name, entry in _yaml().items()},
    **{
        name: {"zh": SOURCES[name]["zh"], "en": SOURCES[name]["en"], "source": SOURCES[name]["zh"]}
        for name in SHARED
    },
}


@dataclass(frozen=True)
class PairingParams:
    """Weights of the strength score, the weak/strong thresholds and the pairing costs.

    Defaults come from ``pairing.yaml`` (see :data:`DOCS` for their sources).
    """

    weight_rating: float = defaults()["weight_rating"]
    weight_members: float = defaults()["weight_members"]
    weight_young: float = defaults()["weight_young"]
    weight_educated: float = defaults()["weight_educated"]
    weight_employed_in_area: float = defaults()["weight_employed_in_area"]
    weight_partners: float = defaults()["weight_partners"]
    members_full: int = defaults()["members_full"]
    employed_in_area_full: int = defaults()["employed_in_area_full"]
    partners_full: int = defaults()["partners_full"]
    young_age_below: int = defaults()["young_age_below"]
    weak_rating_max: int = defaults()["weak_rating_max"]
    strong_rating_min: int = defaults()["strong_rating_min"]
    weak_score_max: float | None = defaults()["weak_score_max"]
    strong_score_min: float | None = defaults()["strong_score_min"]
    leader_kinds: tuple[str, ...] = tuple(defaults()["leader_kinds"])
    capacity: int = defaults()["capacity"]
    cost_community: float = defaults()["cost_community"]
    cost_street: float = defaults()["cost_street"]
    cost_district: float = defaults()["cost_district"]
    cost_elsewhere: float = defaults()["cost_elsewhere"]
    cost_per_km: float = defaults()["cost_per_km"]
    distance_cap_km: float = defaults()["distance_cap_km"]
    unknown_km: float = defaults()["unknown_km"]
    cost_gap: float = defaults()["cost_gap"]

    def weight(self, feature: str) -> float:
        return getattr(self, f"weight_{feature}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["leader_kinds"] = list(self.leader_kinds)
        return d

    def check(self) -> PairingParams:
        """Itself, or ``ValueError`` where the costs would make the plan ill-defined.

        The flow network reaches another street's leaders through one hub per district,
        which is exact only while a pair within a street never costs more than one
        across streets: max(cost_community, cost_street) + cost_per_km × max(distance_cap_km,
        unknown_km) ≤ cost_district ≤ cost_elsewhere.
        """
        within = max(self.cost_community, self.cost_street) + self.cost_per_km * max(
            self.distance_cap_km, self.unknown_km
        )
        if not within <= self.cost_district <= self.cost_elsewhere:
            raise ValueError(
                "pairing costs must keep a pair within a street no dearer than one across "
                f"streets: max(cost_community, cost_street) + cost_per_km × distance cap = "
                f"{within:g} ≤ cost_district = {self.cost_district:g} ≤ cost_elsewhere = "
                f"{self.cost_elsewhere:g}"
            )
        return self


def resolve_pairing_params(
    params: PairingParams | Mapping[str, Any] | None, **overrides: Any
) -> PairingParams:
    """A checked :class:`PairingParams` from None (defaults), an instance or a mapping of
    overrides (values may be text, as from the command line); keyword ``overrides`` that are
    not None win. ``ValueError`` on an unknown name, a value of the wrong kind, a negative
    number, or costs that break :meth:`PairingParams.check`."""
    base = params if isinstance(params, PairingParams) else PairingParams()
    asked = dict(params) if isinstance(params, Mapping) else {}
    asked.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in fields(PairingParams)}
    check_names(asked, known)
    clean = {
        name: _coerce(name, value, defaults()[name])
        for name, value in asked.items()
        if name in known
    }
    return replace(base, **clean).check()


def _coerce(name: str, value: Any, default: Any) -> Any:
    if name == "leader_kinds":
        items = (
            value.replace("；", ";").replace(",", ";").split(";")
            if isinstance(value, str)
            else value
        )
        return tuple(str(v).strip() for v in items if str(v).strip())
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        if default is None:
            return None
        raise ValueError(f"pairing parameter {name} needs a value")
    whole = isinstance(default, int) and not isinstance(default, bool)
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(str(value).strip()) if whole else float(str(value).strip())
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"pairing parameter {name} must be {kind}, not {value!r}") from None
    if number < 0:
        raise ValueError(f"pairing parameter {name} must be ≥ 0, not {number}")
    return number
