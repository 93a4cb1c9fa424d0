"""The three lists and the service records of a generated ledger (需求清单, 资源清单, 项目清单,
服务记录), after the seeds' figures:

- needs: 荆州 (003) had its paired units do 480 实事 for 368 communities in the 3½ months
  from 1 July 2020: about 1.3 per community, 4.5 a year; a year's list is generated, most of
  it done, the last quarter open;
- resources: each resident unit with a party organisation offers one resource with
  probability :data:`RESOURCE_SHARE` (奎屯 (000): 190+ unit heads sit on the big committees),
  of a category its kind suggests, serving its own community or its street;
- projects: 奎屯 ran 32 joint projects; here a done or claimed need becomes a project with
  probability :data:`PROJECT_SHARE`;
- services: 荆州's 69,099 cadres did 120,000+ general and 70,000+ professional services in
  3½ months: about 9.4 services per member a year, 0.78 a month; one month (the month
  before the reference date) of records is generated for the employed share of members.

Everything is drawn from its own generator seeded by the ledger's seed, and dates are
written as ISO text: the other tables are byte-identical with or without the lists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence

from lianjian.generator.model import REF_DATE, World, member_id
from lianjian.generator.words import words

__all__ = ["LIST_TABLES", "list_rows"]

LIST_TABLES = ("needs", "resources", "projects", "services")
NEEDS_PER_COMMUNITY_YEAR = 480 / 368 * 12 / 3.5  # 003
SERVICES_PER_MEMBER_MONTH = (120_000 + 70_000) / 69_099 / 3.5  # 003
RESOURCE_SHARE = 0.5
PROJECT_SHARE = 0.3
CATEGORY_ZH = words("service_category")
STATUS_ZH = words("need_status")
PROJECT_ZH = words("project_status")
BY_UNIT_KIND = {
    "agency": ("policy", "legal", "party_building"),
    "institution": ("culture_sports", "social_security"),
    "soe": ("skills", "assistance"),
    "private": ("skills", "assistance"),
    "social": ("elderly", "counselling", "assistance"),
    "property": ("environment", "civility"),
    "school": ("education", "culture_sports"),
    "hospital": ("health", "epidemic"),
}
NEED_WORDS = {
    "party_building": "党建指导",
    "legal": "法律咨询",
    "education": "课业辅导",
    "culture_sports": "文体活动",
    "policy": "政策宣讲",
    "skills": "技能培训",
    "assistance": "困难帮扶",
    "epidemic": "疫情防控",
    "environment": "环境整治",
    "civility": "文明劝导",
    "health": "义诊",
    "counselling": "心理疏导",
    "elderly": "助老服务",
    "social_security": "社保代办",
}
Row = Sequence[str]


def _rng(seed: int, table: str) -> random.Random:
    return random.Random(f"lists/{seed}/{table}")


def _needs(w: World, seed: int) -> list[tuple[str, ...]]:
    """A year of needs per community (id, name, category, community, quantity, raised,
    wanted_by, status), drawn in community order."""
    rng = _rng(seed, "needs")
    cats = sorted(CATEGORY_ZH)
    rows = []
    for c in w.communities:
        for _ in range(rng.randint(0, round(2 * NEEDS_PER_COMMUNITY_YEAR))):
            cat = rng.choice(cats)
            raised = REF_DATE - dt.timedelta(days=rng.randint(0, 364))
            age = (REF_DATE - raised).days
            status = "open" if age < 90 else ("claimed" if age < 120 else "done")
            if status == "open" and rng.random() < 0.1:
                status = "done"
            rows.append(
                (
                    f"XQ{len(rows) + 1:07d}",
                    f"{c.name}{NEED_WORDS[cat]}",
                    cat,
                    c.id,
                    str(rng.randint(1, 3)),
                    raised.isoformat(),
                    (raised + dt.timedelta(days=rng.choice((30, 60, 90)))).isoformat(),
                    status,
                )
            )
    return rows


def list_rows(w: World, table: str, seed: int) -> Iterator[Row]:
    """The rows of one list table, as text cells in the order of its WRITTEN columns."""
    needs = _needs(w, seed)
    if table == "needs":
        for n in needs:
            yield (*n[:2], CATEGORY_ZH[n[2]], *n[3:7], STATUS_ZH[n[7]])
    elif table == "resources":
        rng = _rng(seed, "resources")
        i = 0
        for u in w.units:
            if not u.orgs or u.kind not in BY_UNIT_KIND or rng.random() >= RESOURCE_SHARE:
                continue
            i += 1
            cat = rng.choice(BY_UNIT_KIND[u.kind])
            c = w.communities[u.community] if u.community >= 0 else None
            # a resource serves its unit's community, or (half of them) its whole street
            area = "" if c is None else c.id if rng.random() < 0.5 else w.streets[c.street].id
            yield (f"ZY{i:07d}", f"{u.name}{NEED_WORDS[cat]}", CATEGORY_ZH[cat], u.id,
                   str(rng.randint(1, 4)), area)  # fmt: skip
    elif table == "projects":
        rng = _rng(seed, "projects")
        i = 0
        for n in needs:
            if n[7] == "open" or rng.random() >= PROJECT_SHARE:
                continue
            i += 1
            start = dt.date.fromisoformat(n[5]) + dt.timedelta(days=rng.randint(1, 14))
            due = start + dt.timedelta(days=rng.choice((30, 60)))
            done = n[7] == "done"
            yield (f"XM{i:07d}", f"{n[1]}项目", n[0], "", start.isoformat(), due.isoformat(),
                   PROJECT_ZH["done" if done else "active"], "已完成" if done else "")  # fmt: skip
    elif table == "services":
        rng = _rng(seed, "services")
        employed = round(w.members * w.p.employed_share)
        month = (REF_DATE.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        cats = sorted(CATEGORY_ZH)
        for i in range(round(employed * SERVICES_PER_MEMBER_MONTH) if w.members else 0):
            cat = rng.choice(cats)
            day = month + dt.timedelta(days=rng.randint(0, 29))
            yield (f"FW{i + 1:08d}", NEED_WORDS[cat], member_id(rng.randint(1, w.members)), "",
                   day.isoformat(), CATEGORY_ZH[cat], str(rng.choice((1, 1.5, 2, 3))))  # fmt: skip
