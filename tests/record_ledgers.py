"""The two months of the sample for the store of record's tests: the sample as version
1, a modified copy as version 2 (a grid gets a branch, a building loses its group, an
organisation is renamed), and running the command line."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from lianjian.cli.app import app

V1, V2 = "2026-05-31", "2026-06-30"
# reported members whose first service of 2026Q2 came in June (services.csv): flagged as
# of V1 (05-31), closed (销号) as of V2; ``changes`` shows them by pseudonym
SERVED_IN_JUNE = ("M0087", "M0089", "M0090")
NEW_BRANCH = ["P24", "梅台巷社区第二网格党支部", "党支部", "P03", "", "SS0102G02",
              "2026-06-01", "2029-05-31", "", "", ""]  # fmt: skip


def edit_orgs(folder: Path, change) -> None:
    path = folder / "orgs.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = change(rows[0], rows)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def month_two(rows_header, rows):
    for r in rows:
        if r[0] == "P09":  # the group of building B0101 no longer covers it
            r[rows_header.index("覆盖范围")] = ""
        if r[0] == "P16":
            r[1] = "荆州市沙市区税务局第一机关党支部"
    return [*rows, NEW_BRANCH]  # grid SS0102G02 gets a branch


def month_two_ledger(sample_ledger: Path, folder: Path) -> Path:
    """A copy of the sample at ``folder`` with the changes of :func:`month_two`."""
    shutil.copytree(sample_ledger, folder)
    edit_orgs(folder, month_two)
    return folder


def run(*args, code: int = 0) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def as_json(*args):
    return json.loads(run(*args, "--format", "json"))
