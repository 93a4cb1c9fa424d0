"""Points per member per quarter (:func:`lianjian.queries.points.points.points`) as CSV and
as a table; members by pseudonym, with a name column only where names were asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lianjian.present.formats import csv_records
from lianjian.present.table import Block, Table, columns, more

__all__ = ["points_csv", "points_blocks", "CSV_HEAD"]

CSV_HEAD = ["quarter", "member", "community", "services", "general", "professional"]
CSV_HEAD += ["hours", "points"]


def points_csv(result: Any, name_of: Callable[[str], str] | None = None) -> str:
    """One row per member: the columns of :data:`CSV_HEAD` (``name`` after ``member``
    where ``name_of`` is given)."""
    data = result.to_dict(name_of)
    head = CSV_HEAD if name_of is None else [*CSV_HEAD[:2], "name", *CSV_HEAD[2:]]
    return csv_records(head, ({"quarter": data["quarter"], **m} for m in data["members"]))


def points_blocks(
    result: Any, names: dict[str, str], limit: int, name_of: Callable[[str], str] | None = None
) -> list[Block]:
    """The first ``limit`` members (most points first); ``names``: community id → name."""
    data = result.to_dict(name_of)
    heads = ["党员 Member", "报到社区 Community", "一般 General", "专业 Professional"]
    t = Table(
        f"积分 Points {data['quarter']} ({data['from']} – {data['to']})",
        columns(*heads, "时长 Hours", "积分 Points", overflow="fold"),
    )
    for m in data["members"][:limit]:
        who = f"{m['name']} ({m['member']})" if "name" in m else m["member"]
        c = m["community"]
        t.add(
            who,
            f"{names.get(c, '')} ({c})" if c else "未报到 Not reported",
            str(m["general"]),
            str(m["professional"]),
            f"{m['hours']:g}",
            f"{m['points']:g}",
        )
    return [t, *more(len(data["members"]), limit)]
