"""The pairings a ledger already has: who is partnered, who leads whom, and what is wrong.

Terms (docs/rules.md, ``weak_without_partner``):

* **partnered**: an org that is the target of an active ``strong_leads_weak`` link, or
  joined by an active ``joint_build`` link (either direction) to an org rated at least
  ``strong_rating_min``. A partnered weak org is not proposed again.
* **led by** ``s``: the targets of ``s``'s active ``strong_leads_weak`` links, and the weak
  orgs ``s`` is joined to by an active ``joint_build`` link when ``s`` is rated at least
  ``strong_rating_min``. They count towards ``s``'s capacity.

The audit (``kind``, ids):

* ``inverted_pair`` [leader, led]: an active ``strong_leads_weak`` link whose leader scores
  lower than the org it leads;
* ``overloaded_leader`` [leader, led…]: an org that leads more than ``capacity`` orgs;
* ``expired_link`` [leader, weak]: a pairing that has ended (``until`` before the as-of
  date) of a weak org that has no active partner now: the ledger still shows it, nothing
  replaced it;
* ``weak_without_partner`` [weak]: a weak org with no active partner (the gap rule of
  the same name), with the partner proposed, or why none could be.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from lianjian.queries.pairing.facts import Facts
from lianjian.queries.pairing.params import PairingParams
from lianjian.queries.pairing.strength import Strength

__all__ = ["Existing", "existing", "AuditItem", "audit", "AUDIT_KINDS", "AUDIT_LABELS"]

AUDIT_KINDS = ("inverted_pair", "overloaded_leader", "expired_link", "weak_without_partner")
AUDIT_LABELS = {  # kind → (中文, English), as the dashboard and reports name it
    "inverted_pair": ("强弱倒挂", "Inverted pair"),
    "overloaded_leader": ("帮带超额", "Overloaded leader"),
    "expired_link": ("结对已到期", "Expired pairing"),
    "weak_without_partner": ("后进党组织无结对", "Weak org without a partner"),
}


@dataclass
class Existing:
    """Who is partnered now, and whom each org leads now (active links only)."""

    partnered: set[str] = field(default_factory=set)
    led: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def load(self, s: str) -> int:
        return len(self.led.get(s, ()))


def _rating(facts: Facts, o: str) -> int:
    r = facts.orgs[o].rating if o in facts.orgs else None
    return r if isinstance(r, int) else 0


def existing(facts: Facts, as_of: str, p: PairingParams, weak: set[str]) -> Existing:
    """The partnered orgs and each leader's led orgs, from the active JOINT_BUILD links."""
    out = Existing()
    for link in facts.links:
        if not link.active(as_of):
            continue
        if link.kind == "strong_leads_weak":
            out.partnered.add(link.target)
            out.led[link.source].add(link.target)
        elif link.kind == "joint_build":
            for a, b in ((link.source, link.target), (link.target, link.source)):
                if _rating(facts, b) >= p.strong_rating_min:
                    out.partnered.add(a)
                    if a in weak:
                        out.led[b].add(a)
    return out


@dataclass(frozen=True)
class AuditItem:
    """One finding: its kind, the org ids it is about, the reason in Chinese and English."""

    kind: str
    ids: list[str]
    reason_zh: str
    reason_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ids": list(self.ids),
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


def _f(x: float) -> str:
    return f"{x:.2f}"


def audit(
    facts: Facts,
    as_of: str,
    p: PairingParams,
    strength: dict[str, Strength],
    weak: list[str],
    now: Existing,
    proposed: dict[str, str],
) -> list[AuditItem]:
    """Every finding, by kind (``AUDIT_KINDS`` order), then by ids."""
    items: list[AuditItem] = []
    score = {o: s.score for o, s in strength.items()}
    seen: set[tuple[str, str]] = set()
    for link in facts.links:  # sorted: one item per pair
        s, t = link.source, link.target
        if link.kind != "strong_leads_weak" or not link.active(as_of) or (s, t) in seen:
            continue
        seen.add((s, t))
        if score[s] < score[t]:
            items.append(
                AuditItem(
                    "inverted_pair",
                    [s, t],
                    f"以强带弱关系中，带领方{s}评分{_f(score[s])}低于被带领方{t}评分{_f(score[t])}",
                    f"the leader {s} scores {_f(score[s])}, below {t} which it leads "
                    f"({_f(score[t])})",
                )
            )
    for s in sorted(now.led):
        led = sorted(now.led[s])
        if len(led) > p.capacity:
            items.append(
                AuditItem(
                    "overloaded_leader",
                    [s, *led],
                    f"同时带领{len(led)}个党组织（{'、'.join(led)}），超过上限{p.capacity}个",
                    f"leads {len(led)} organisations ({', '.join(led)}), more than the "
                    f"capacity of {p.capacity}",
                )
            )
    items.extend(_expired(facts, as_of, p, set(weak), now))
    for w in weak:
        if w in now.partnered:
            continue
        rating = facts.orgs[w].rating
        zh = f"评定等级{rating}，评分{_f(score[w])}，无有效的以强带弱或与先进党组织的联建共建"
        en = (
            f"rated {rating}, scoring {_f(score[w])}, with no active strong-leads-weak link "
            "nor joint building with a strong organisation"
        )
        if w in proposed:
            zh += f"；建议由{proposed[w]}带领"
            en += f"; proposed leader: {proposed[w]}"
        else:
            zh += "；带领方名额已满，暂无可结对的带领方"
            en += "; every leader is at capacity, none can be proposed"
        items.append(AuditItem("weak_without_partner", [w], zh, en))
    order = {k: i for i, k in enumerate(AUDIT_KINDS)}
    return sorted(items, key=lambda i: (order[i.kind], i.ids))


def _expired(
    facts: Facts, as_of: str, p: PairingParams, weak: set[str], now: Existing
) -> list[AuditItem]:
    """Ended pairings of weak orgs that have no active partner now (latest end per pair)."""
    ended: dict[tuple[str, str], str] = {}
    for link in facts.links:
        if link.active(as_of):
            continue
        pairs: list[tuple[str, str]] = []
        if link.kind == "strong_leads_weak":
            pairs.append((link.source, link.target))
        elif link.kind == "joint_build":
            for a, b in ((link.source, link.target), (link.target, link.source)):
                if _rating(facts, a) >= p.strong_rating_min:
                    pairs.append((a, b))
        for leader, w in pairs:
            if w in weak and w not in now.partnered:
                key = (leader, w)
                ended[key] = max(ended.get(key, ""), str(link.until))
    return [
        AuditItem(
            "expired_link",
            [leader, w],
            f"{leader}与{w}的结对已于{until}到期，{w}现无有效结对",
            f"the pairing of {leader} with {w} ended on {until}; {w} has no active partner now",
        )
        for (leader, w), until in sorted(ended.items())
    ]
