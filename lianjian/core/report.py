"""The validation report: every input row is loaded or rejected, with reasons.

Severities:
- ``error``: the row was rejected (not loaded);
- ``warning``: the row was loaded, but one value or relationship in it was dropped;
- ``notice``: nothing was lost (a sheet that is not a ledger table, a title row).

Row numbers are those a person sees in a spreadsheet: the header is row 1 of a
CSV file, so the first data row is row 2.

A value from a personal column (the schema's ``personal: true``), or a cell of a
personal table's row that belongs to no column, is kept out of every report: the
problem's ``value`` is :data:`HIDDEN` and the value itself is shown only when a
person asks for names (``--with-names``). A run that may be a citizen ID or mobile
phone number is masked in every value and reason, personal or not, with names or
without (:func:`lianjian.core.idcard.scrub`). File, row, column and reason stay.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.idcard import scrub

__all__ = ["Problem", "Report", "ERROR", "WARNING", "NOTICE", "HIDDEN", "HOW_RESOLVED"]

ERROR, WARNING, NOTICE = "error", "warning", "notice"
HIDDEN = "(personal data hidden)"
# how a reference cell was matched: its id, its name as written, its folded name
# (docs/ledger.md), or not at all (a name of several entities, or of none)
HOW_RESOLVED = ("id", "exact_name", "folded_name", "ambiguous", "unknown")
ADDRESS_OUTCOMES = ("matched", "unmatched", "ambiguous")  # a home address and the buildings


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str = ERROR
    hidden_value: str | None = field(default=None, repr=False)  # a personal value, kept back

    def shown(self, with_names: bool = False) -> str | None:
        """The value as a report shows it: a personal one only ``with_names``."""
        return self.hidden_value if with_names and self.hidden_value is not None else self.value

    def as_dict(self, with_names: bool = False) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.shown(with_names),
            "reason": self.reason,
            "severity": self.severity,
        }

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)


@dataclass
class Report:
    """Counts per file and the problems found; ``rows_in == loaded + rejected`` always."""

    problems: list[Problem] = field(default_factory=list)
    rows_in: Counter = field(default_factory=Counter)
    loaded: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    references: dict[str, Counter] = field(default_factory=dict)  # "table.column" → how
    unread: set[str] = field(default_factory=set)  # files and sheets not read (see not_read)
    created: Counter = field(default_factory=Counter)  # table → entities made from a form
    addresses: Counter = field(
        default_factory=Counter
    )  # home addresses: matched, unmatched, ambiguous

    def add(
        self,
        file: str,
        row: int | None,
        column: str | None,
        value: Any,
        reason: str,
        severity: str = ERROR,
        personal: bool = False,
    ) -> None:
        """Record a problem; ``personal``: the value is personal data, hidden in reports."""
        # an ID or phone number is masked wherever it is, even in what --with-names shows
        v = None if value is None else _clip(scrub(str(value)))
        reason = scrub(reason)
        if personal and v is not None:
            self.problems.append(Problem(file, row, column, HIDDEN, reason, severity, v))
        else:
            self.problems.append(Problem(file, row, column, v, reason, severity))

    def not_read(self, file: str, reason: str, severity: str = ERROR) -> None:
        """Record that a file or sheet was not read, and why (a problem with no row)."""
        self.unread.add(file)
        self.add(file, None, None, None, reason, severity)

    def count_in(self, file: str, n: int = 1) -> None:
        self.rows_in[file] += n

    def count_loaded(self, file: str, n: int = 1) -> None:
        self.loaded[file] += n

    def count_rejected(self, file: str, n: int = 1) -> None:
        self.rejected[file] += n

    def count_address(self, how: str) -> None:
        """One home address matched to a building, or not (:data:`ADDRESS_OUTCOMES`)."""
        self.addresses[how] += 1

    def count_created(self, table: str, n: int = 1) -> None:
        """``n`` entities of ``table`` created from a form (a unit the org form names): no
        rows of the ledger, so outside the balance of rows."""
        self.created[table] += n

    def count_reference(self, column: str, how: str, n: int = 1) -> None:
        """``n`` references of ``column`` (``table.column``) matched ``how`` (:data:`HOW_RESOLVED`)."""
        if column not in self.references:
            self.references[column] = Counter()
        self.references[column][how] += n

    def reference_counts(self) -> dict[str, dict[str, int]]:
        """Per reference column, in name order: how many were matched each way."""
        return {
            c: {how: self.references[c][how] for how in HOW_RESOLVED}
            for c in sorted(self.references)
        }

    @property
    def totals(self) -> tuple[int, int, int]:
        return sum(self.rows_in.values()), sum(self.loaded.values()), sum(self.rejected.values())

    @property
    def balanced(self) -> bool:
        rows_in, loaded, rejected = self.totals
        return rows_in == loaded + rejected

    def by_severity(self) -> Counter:
        return Counter(p.severity for p in self.problems)

    def sorted_problems(self) -> list[Problem]:
        """Problems in file and row order (file-level ones first in each file)."""
        return sorted(self.problems, key=lambda p: (p.file, p.row or 0))

    def to_dict(self, with_names: bool = False) -> dict[str, Any]:
        rows_in, loaded, rejected = self.totals
        files = sorted(set(self.rows_in) | set(self.loaded) | set(self.rejected))
        return {
            "rows_in": rows_in,
            "loaded": loaded,
            "rejected": rejected,
            "files": {
                f: {
                    "rows_in": self.rows_in[f],
                    "loaded": self.loaded[f],
                    "rejected": self.rejected[f],
                }
                for f in files
            },
            "problems": [p.as_dict(with_names) for p in self.sorted_problems()],
            "references": self.reference_counts(),
            "created": dict(sorted(self.created.items())),
            "addresses": {how: self.addresses[how] for how in ADDRESS_OUTCOMES}
            if self.addresses
            else {},
        }


def _clip(text: str, limit: int = 200) -> str:
    """Values are echoed back to people: a 10 MB cell must not flood the report."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"
