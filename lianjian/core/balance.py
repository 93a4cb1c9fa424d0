"""What a command that reads a ledger must say about it: the balance of a
:class:`~lianjian.core.report.Report` in a few numbers, and whether the ledger can be
used at all.

The balance line is ``rows in N = loaded L + rejected R``, then how many values or
relationships were dropped (the warnings) and how many files or sheets were not read.
A ledger is refused (:meth:`Balance.refusal`) when a whole file or table could not be
read — a loader reports that as an error with no row number (a file that is not a
workbook, one it cannot read, the required regions table missing) — when nothing could
be loaded from a file or sheet that had rows or errors (every row of ``orgs`` rejected,
a binary file named ``.csv``), or when nothing could be loaded at all.

The files and sheets not read are those the loaders record with
:meth:`~lianjian.core.report.Report.not_read`; one recorded as a notice holds no table
(a README, an ignored sheet) and is only named (``set_aside``).

A :class:`Balance` holds counts, file and sheet names and the loaders' reasons for
whole files — never a cell's value — so it can be kept beside a graph (the embedded
cache keeps the whole report; the Neo4j ledger marker keeps :meth:`Balance.to_dict`)
and shown anywhere without personal data.

>>> from lianjian.core.report import Report
>>> r = Report()
>>> r.count_in("orgs.csv", 3); r.count_loaded("orgs.csv", 2); r.count_rejected("orgs.csv")
>>> r.add("orgs.csv", 4, "编号", "", "required value id is empty")
>>> b = Balance.from_report(r)
>>> b.line()
'rows in 3 = loaded 2 + rejected 1'
>>> b.refusal() is None, b.strict_problem()
(True, '1 error, 0 warnings')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from lianjian.core.report import ERROR, NOTICE, WARNING, Problem, Report

__all__ = ["Balance", "RefusedLedger"]

_SHOWN = 5  # files named in a refusal before "and N more"


class RefusedLedger(Exception):
    """The ledger (or a whole table of it) could not be read, or ``--strict`` found problems:
    no result may be computed from it."""


@dataclass(frozen=True)
class Balance:
    """The few numbers every command shows about the ledger it read."""

    rows_in: int = 0
    loaded: int = 0
    rejected: int = 0
    errors: int = 0
    warnings: int = 0  # a value or relationship dropped from a loaded row
    not_read: tuple[tuple[str, str], ...] = ()  # (file or sheet, why): it may hold rows
    set_aside: tuple[tuple[str, str], ...] = ()  # not read, a notice: no table in it
    wholly_rejected: tuple[tuple[str, int], ...] = ()  # (file or sheet, rows in): none loaded
    unreadable: tuple[tuple[str, str], ...] = ()  # errors with no row: a whole file or table

    @classmethod
    def from_report(cls, report: Report) -> Balance:
        rows_in, loaded, rejected = report.totals
        severity = report.by_severity()
        whole = [p for p in report.sorted_problems() if p.row is None]
        failed = {p.file for p in report.problems if p.severity == ERROR and p.row is not None}
        unread = report.unread
        return cls(
            rows_in=rows_in,
            loaded=loaded,
            rejected=rejected,
            errors=severity.get(ERROR, 0),
            warnings=severity.get(WARNING, 0),
            not_read=tuple(
                dict.fromkeys(
                    (p.file, _why(p)) for p in whole if p.file in unread and p.severity != NOTICE
                )
            ),
            set_aside=tuple(
                dict.fromkeys(
                    (p.file, _why(p)) for p in whole if p.file in unread and p.severity == NOTICE
                )
            ),
            wholly_rejected=tuple(
                (f, report.rows_in[f])
                for f in sorted(set(report.rows_in) | failed)
                if not report.loaded[f] and (report.rows_in[f] or f in failed)
            ),
            unreadable=tuple(
                dict.fromkeys((p.file, _why(p)) for p in whole if p.severity == ERROR)
            ),
        )

    # ------------------------------------------------------------ kept with a graph

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (lists for the tuples)."""
        return {
            k: list(map(list, v)) if isinstance(v, tuple) else v for k, v in asdict(self).items()
        }

    @classmethod
    def from_dict(cls, data: Any) -> Balance | None:
        """The balance :meth:`to_dict` gave, or None when ``data`` is not one (another
        version's, or damaged): the caller then reads it from the ledger again."""
        if not isinstance(data, dict) or set(data) != set(cls.__dataclass_fields__):
            return None
        try:
            counts = {k: data[k] for k in ("rows_in", "loaded", "rejected", "errors", "warnings")}
            if not all(type(v) is int and v >= 0 for v in counts.values()):
                return None
            pairs = {
                k: tuple((str(a), _pair_second(k, b)) for a, b in data[k])
                for k in ("not_read", "set_aside", "wholly_rejected", "unreadable")
            }
        except (TypeError, ValueError):
            return None
        return cls(**counts, **pairs)

    # ------------------------------------------------------------ what to say

    @property
    def clean(self) -> bool:
        """Nothing rejected, dropped or left unread that could hold rows: commands give
        no warning (files set aside, such as a README, are only named)."""
        return not (self.rejected or self.warnings or self.not_read or self.unreadable)

    def line(self) -> str | None:
        """``rows in N = loaded L + rejected R`` with what was dropped and not read, or None
        when the ledger is clean."""
        if self.clean:
            return None
        text = f"rows in {self.rows_in} = loaded {self.loaded} + rejected {self.rejected}"
        if self.warnings:
            text += f"; {self.warnings} values or relationships dropped"
        unread = len(dict.fromkeys(f for f, _ in (*self.not_read, *self.unreadable)))
        if unread:
            text += f"; {unread} {'file or sheet' if unread == 1 else 'files or sheets'} not read"
        return text

    def unread_lines(self) -> list[str]:
        """One ``file: why`` per file or sheet not read (names and reasons, no values)."""
        return [f"{f}: {why}" for f, why in dict.fromkeys((*self.unreadable, *self.not_read))]

    def refusal(self) -> str | None:
        """Why no result may be computed from this ledger, or None when it can be used."""
        if self.unreadable:
            return "; ".join(_listed([f"{f}: {why}" for f, why in self.unreadable]))
        if not self.loaded:
            if not self.rows_in:
                return "the ledger holds no row that could be read"
            return f"no row of the ledger could be loaded ({self.rows_in} rejected)"
        if self.wholly_rejected:
            return "nothing could be loaded from " + ", ".join(
                _listed([f"{f} ({_n(n, 'row')} rejected)" for f, n in self.wholly_rejected])
            )
        return None

    def check(self, strict: bool = False, see: str = "") -> None:
        """:class:`RefusedLedger` saying why, when the ledger cannot be used or, with
        ``strict``, has any error or warning; ``see`` ends the message (where to look)."""
        why = None
        refusal = self.refusal()
        if refusal:
            why = f"the ledger cannot be used: {refusal}"
        elif strict and self.strict_problem():
            why = f"--strict: the ledger has {self.strict_problem()} ({self.line()})"
        if why:
            raise RefusedLedger(f"{why}; {see}" if see else why)

    def strict_problem(self) -> str | None:
        """What ``--strict`` refuses: any error or warning (notices do not count)."""
        if not (self.errors or self.warnings):
            return None
        return f"{_n(self.errors, 'error')}, {_n(self.warnings, 'warning')}"


def _why(problem: Problem) -> str:
    """The reason without the file's name in front (a reader's message may start with it)."""
    return problem.reason.removeprefix(f"{problem.file}: ")


def _pair_second(key: str, value: Any) -> str | int:
    if key != "wholly_rejected":
        return str(value)
    if type(value) is not int or value < 0:
        raise ValueError(value)
    return value


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _listed(items: list[str]) -> list[str]:
    """The first items, and how many more there are."""
    if len(items) <= _SHOWN:
        return items
    return [*items[:_SHOWN], f"and {len(items) - _SHOWN} more"]
