"""Three users of one dashboard in a real Chromium (issue: several users on an intranet):
a district officer, a street viewer and a community analyst on the hostile ledger
(``browser_fixtures``: a second street, every member named ``MEMBER_MARK…``), started
``--with-names`` with a users file. Each sees their scope's KPI figures and gap counts,
the ones ``lianjian gaps|coverage|stats --scope`` give for their region on the same
ledger (run as commands), the viewer no name anywhere, the street viewer no other street
by URL or search, a wrong password and an expired session no data, and every view of
names is in the audit log. Every wait is for a condition, never for a time."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lianjian.auth import audit
from lianjian.auth.users import Role, User, hash_password, save_users
from lianjian.queries.catalogue import RULES
from tests.browser_fixtures import (
    MEMBER_MARK,
    PAGES,
    TIMEOUT,
    XSS_NAMES,
    dashboard,
    everything_shown,
    lianjian_command,
    settle,
    wait_for_drawing_of,
)

PW = "correct horse battery"
PEOPLE = {
    "district_officer": (Role.officer, "SS"),
    "street_viewer": (Role.viewer, "SS01"),
    "community_analyst": (Role.analyst, "SS0101"),
}
LOGIN_FAILED = "Login failed"
TITLES_OF = {rule.id: rule.title_zh for rule in RULES.values()}  # the Gaps page's names
TITLES = set(TITLES_OF.values())
OTHER_STREET = {"ZZ-XSS-S", "ZZ-XSS-C", "ZZ-XSS-G", "ZZ-XSS-U", "ZZ-XSS-W"}  # not SS01's


def users_env(folder: Path, **extra: str) -> dict[str, str]:
    """A users file of :data:`PEOPLE` in ``folder``, and the environment naming it."""
    h = hash_password(PW)
    save_users({n: User(n, r, g, h) for n, (r, g) in PEOPLE.items()}, folder / "users.toml")
    return {
        **os.environ,
        "LIANJIAN_USERS_FILE": str(folder / "users.toml"),
        "LIANJIAN_AUDIT_LOG": str(folder / "audit.jsonl"),
        "LIANJIAN_SESSION_SECRET": "x" * 40,
        **extra,
    }


@pytest.fixture(scope="module")
def shared(hostile_ledger, tmp_path_factory):
    """The dashboard with users, --with-names, on loopback; its audit log's path."""
    folder = tmp_path_factory.mktemp("shared")
    env = users_env(folder)
    with dashboard(hostile_ledger, "--with-names", log="dashboard-users.log", env=env) as base:
        yield base, folder / "audit.jsonl"


def cli(*args: Any) -> Any:
    """A ``lianjian`` command's JSON, run as a separate process."""
    cmd = [*lianjian_command(), *map(str, args), "--format", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# the rate cards below the counts, in the overview's order
RATE_METRICS = (
    "grids_with_branch",
    "buildings_with_group",
    "new_domain_covered",
    "units_covered",
    "grids_with_members",
    "communities_with_big_committee",
)


@pytest.fixture(scope="module")
def cli_figures(hostile_ledger):
    """Per region: the overview's cards as the command line gives them. The counts of
    communities, grids, organisations, members, gaps and weak organisations without a
    partner; then each rate card's rate and ``covered / total``."""
    out = {}
    for _, region in PEOPLE.values():
        gaps = cli("gaps", hostile_ledger, "--scope", region)
        level = gaps["scope"]["level"]
        coverage = cli("coverage", hostile_ledger, "--scope", region, "--level", level)
        nodes = cli("stats", hostile_ledger, "--scope", region)["nodes"]
        assert gaps["scope"]["id"] == region and coverage["scope"]["id"] == region
        (row,) = [r for r in coverage["coverage"] if r["id"] == region]
        m = row["metrics"]
        counts = [
            m["communities_with_big_committee"]["total"],  # every community is counted
            m["grids_with_branch"]["total"],  # every grid is counted
            nodes.get("PartyOrg", 0),
            nodes.get("Member", 0),
            sum(r["count"] for r in gaps["rules"].values()),
            gaps["rules"]["weak_without_partner"]["count"],
        ]
        rates = [
            (
                "—" if m[k]["rate"] is None else f"{m[k]['rate']:.1%}",
                f"{m[k]['covered']:,} / {m[k]['total']:,}",
            )
            for k in RATE_METRICS
        ]
        per_rule = {TITLES_OF[r]: f"{v['count']:,}" for r, v in gaps["rules"].items()}
        out[region] = {"counts": [f"{n:,}" for n in counts], "rates": rates, "per_rule": per_rule}
    return out


def log_in(page, base: str, name: str, password: str = PW) -> None:
    page.goto(base)
    page.get_by_label("用户名 User name").fill(name)
    page.get_by_label("密码 Password").fill(password)
    page.get_by_role("button", name="登录 Log in").click()


def go(page, title: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title).click()
    settle(page, title)


def cards(page) -> dict[str, list]:
    """The overview's twelve cards: the six counts' values, and each rate card's value
    and ``covered / total``."""
    shown = page.locator('[data-testid="stMetric"]')
    shown.nth(11).wait_for(timeout=TIMEOUT)
    settle(page, PAGES[""])
    values = [shown.nth(i).locator('[data-testid="stMetricValue"]') for i in range(12)]
    rates = [
        (
            values[i].inner_text().strip(),
            shown.nth(i).locator('[data-testid="stMetricDelta"]').inner_text().strip(),
        )
        for i in range(6, 12)
    ]
    return {"counts": [v.inner_text().strip() for v in values[:6]], "rates": rates}


@pytest.mark.parametrize("user", list(PEOPLE))
def test_each_user_sees_the_figures_the_command_line_gives_their_scope(
    shared, page, cli_figures, user
):
    base, _ = shared
    log_in(page, base, user)
    settle(page, PAGES[""])
    expected = cli_figures[PEOPLE[user][1]]
    got = cards(page)
    assert got == {"counts": expected["counts"], "rates": expected["rates"]}
    assert got["counts"][0] != "0" and got["counts"][3] != "0"  # the scope holds something
    go(page, PAGES["gaps"])
    assert gap_counts(page) == expected["per_rule"]


def gap_counts(page) -> dict[str, str]:
    """The Gaps page's summary table (its accessible copy): rule title → count."""
    first = page.locator('[data-testid="stDataFrame"]').first
    first.wait_for(timeout=TIMEOUT)
    rows_of = (
        "(t) => [...t.querySelectorAll('tr')].map(r => [...r.cells].map(c => c.textContent.trim()))"
    )
    page.wait_for_function(
        f"() => {{ const t = document.querySelector('[data-testid=stDataFrame] table');"
        f" return t && ({rows_of})(t).length > {len(RULES)}; }}",
        timeout=TIMEOUT,
    )
    rows = first.locator("table").evaluate(rows_of)
    return {r[-2]: r[-1] for r in rows if len(r) >= 2 and r[-2] in TITLES}


def download(page, button, title: str) -> bytes:
    """The file a download button gives. A click reruns the page, which builds its files
    anew; a download that the rerun cancelled (its old file gone) is asked for again
    once the page has settled."""
    for _ in range(3):
        settle(page, title)
        with page.expect_download(timeout=TIMEOUT) as got:
            button.click()
        try:
            return Path(got.value.path()).read_bytes()
        except Exception as e:  # playwright's Error (imported by the fixtures only)
            if "canceled" not in str(e):
                raise
    raise AssertionError("the download was cancelled three times")


def test_the_viewer_sees_no_name_anywhere(shared, page):
    base, log = shared
    log_in(page, base, "street_viewer")
    settle(page, PAGES[""])
    for path in ("explorer", "gaps", "pairings", "export", ""):
        go(page, PAGES[path])
        assert MEMBER_MARK not in everything_shown(page), path
    buttons = page.locator('[data-testid="stDownloadButton"] button')  # on the overview now
    go(page, PAGES["export"])
    buttons.nth(1).wait_for(timeout=TIMEOUT)  # the files are built before their buttons show
    assert buttons.count() >= 2
    for i in range(buttons.count()):
        data = download(page, buttons.nth(i), PAGES["export"])
        if data[:2] == b"PK":  # the zip of CSV files
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        assert MEMBER_MARK.encode() not in data, i
    assert not [
        e for e in audit.entries(log) if e["user"] == "street_viewer" and e["what"] != "login"
    ]


def test_the_street_viewer_cannot_reach_another_street(shared, page):
    base, _ = shared
    log_in(page, base, "street_viewer")
    settle(page, PAGES[""])
    go(page, PAGES["explorer"])
    box = page.get_by_label("搜索").or_(page.get_by_role("textbox").first)
    box.first.fill("ZZ-XSS")
    box.first.press("Enter")
    page.get_by_text("没有找到").wait_for(timeout=TIMEOUT)
    assert not [
        n for i, n in XSS_NAMES.items() if i in OTHER_STREET and n in everything_shown(page)
    ]
    page.goto(f"{base}/explorer?scope=ZZ-XSS-S&region=ZZ-XSS-S")  # a new URL: a new session
    page.get_by_role("button", name="登录 Log in").wait_for(timeout=TIMEOUT)
    assert page.locator('[data-testid="stMetric"]').count() == 0


@pytest.mark.parametrize("entity", ["ZZ-XSS-W", "ZZ-XSS-S", "ZZ-XSS-U"])
def test_a_link_to_another_streets_entity_draws_the_viewers_own_street(shared, page, entity):
    """Logged in at ``/explorer?centre=ID`` of another street's organisation, street or
    unit (the login lands on the overview, the link's query kept): the Explorer is
    centred on the viewer's own street, and says so in the URL."""
    base, _ = shared
    log_in(page, f"{base}/explorer?centre={entity}", "street_viewer")
    settle(page, PAGES[""])
    go(page, PAGES["explorer"])
    page.wait_for_function("() => location.search.includes('centre=SS01')", timeout=TIMEOUT)
    wait_for_drawing_of(page, "胜利街道")
    shown = everything_shown(page)
    assert not [i for i, n in XSS_NAMES.items() if i in OTHER_STREET and n in shown]
    assert entity not in shown


def test_an_expired_session_shows_no_data(hostile_ledger, tmp_path_factory, page):
    """A dashboard whose sessions last no time at all: the login is taken (it is in the
    audit log), and the next run of the page finds the session expired and shows nothing."""
    folder = tmp_path_factory.mktemp("expiring")
    env = users_env(folder, LIANJIAN_SESSION_MINUTES="0")
    with dashboard(hostile_ledger, "--with-names", log="dashboard-expiring.log", env=env) as base:
        log_in(page, base, "district_officer")
        page.get_by_text("会话已过期").wait_for(timeout=TIMEOUT)
        page.get_by_role("button", name="登录 Log in").wait_for(timeout=TIMEOUT)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert MEMBER_MARK not in everything_shown(page)
    assert [(e["user"], e["what"]) for e in audit.entries(folder / "audit.jsonl")] == [
        ("district_officer", "login")
    ]


def test_a_wrong_password_shows_no_data(shared, page):
    base, _ = shared
    log_in(page, base, "district_officer", "not the password at all")
    page.get_by_text(LOGIN_FAILED).wait_for(timeout=TIMEOUT)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert MEMBER_MARK not in everything_shown(page)


def test_every_name_view_and_download_is_audited(shared, page):
    base, log = shared
    start = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    log_in(page, base, "district_officer")
    settle(page, PAGES[""])
    for path in ("explorer", "gaps", "pairings", "export"):  # every page an officer has
        go(page, PAGES[path])
    with page.expect_download(timeout=TIMEOUT):
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    deadline = time.monotonic() + TIMEOUT / 1000

    def mine() -> list[dict]:
        return [
            e for e in audit.entries(log) if e["user"] == "district_officer" and e["at"] >= start
        ]

    while not any(e["what"] == "download" for e in mine()) and time.monotonic() < deadline:
        page.wait_for_timeout(200)  # polling the log file, a condition the page cannot show
    mine = mine()
    seen = {(e["what"], e.get("item")) for e in mine}
    pages = {"overview", "explorer", "gaps", "pairings", "export"}
    assert {item for what, item in seen if what == "page"} == pages
    assert any(what == "download" for what, _ in seen), seen
    assert all(e.get("scope") == "SS" for e in mine if e["what"] != "login")
    assert audit.verify(log) is None
