"""Three users of one dashboard in a real Chromium (issue: several users on an intranet):
a district officer, a street viewer and a community analyst on the hostile ledger
(``browser_fixtures``: a second street, every member named ``MEMBER_MARK…``), started
``--with-names`` with a users file. Each sees their scope's KPI figures (the ones the
dashboard shows started ``--scope`` on that region), the viewer no name anywhere, the
street viewer no other street by URL or search, a wrong password no data, and every
view of names is in the audit log."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lianjian.auth import audit
from lianjian.auth.users import Role, User, hash_password, save_users
from lianjian.cli.dashboard import APP
from tests.browser_fixtures import (
    MEMBER_MARK,
    PAGES,
    TIMEOUT,
    XSS_NAMES,
    dashboard,
    everything_shown,
    settle,
)

PW = "correct horse battery"
PEOPLE = {
    "district_officer": (Role.officer, "SS"),
    "street_viewer": (Role.viewer, "SS01"),
    "community_analyst": (Role.analyst, "SS0101"),
}
LOGIN_FAILED = "Login failed"


@pytest.fixture(scope="module")
def shared(hostile_ledger, tmp_path_factory):
    """The dashboard with users, --with-names, on loopback; its audit log's path."""
    folder = tmp_path_factory.mktemp("shared")
    h = hash_password(PW)
    save_users({n: User(n, r, g, h) for n, (r, g) in PEOPLE.items()}, folder / "users.toml")
    env = {
        **os.environ,
        "LIANJIAN_USERS_FILE": str(folder / "users.toml"),
        "LIANJIAN_AUDIT_LOG": str(folder / "audit.jsonl"),
        "LIANJIAN_SESSION_SECRET": "x" * 40,
    }
    with dashboard(hostile_ledger, "--with-names", log="dashboard-users.log", env=env) as base:
        yield base, folder / "audit.jsonl"


@pytest.fixture(scope="module")
def scoped_kpis(hostile_ledger):
    """The overview's figures for each region, from the dashboard started --scope REGION."""
    out = {}
    saved = {
        k: os.environ.get(k) for k in ("LIANJIAN_DASHBOARD_LEDGER", "LIANJIAN_DASHBOARD_SCOPE")
    }
    try:
        for _, region in PEOPLE.values():
            os.environ["LIANJIAN_DASHBOARD_LEDGER"] = str(hostile_ledger)
            os.environ["LIANJIAN_DASHBOARD_SCOPE"] = region
            at = AppTest.from_file(str(APP), default_timeout=300).run()
            out[region] = {m.label: m.value for m in at.metric[:6]}
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return out


def log_in(page, base: str, name: str, password: str = PW) -> None:
    page.goto(base)
    page.get_by_label("用户名 User name").fill(name)
    page.get_by_label("密码 Password").fill(password)
    page.get_by_role("button", name="登录 Log in").click()


def go(page, title: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title).click()
    settle(page, title)


def kpis(page) -> dict[str, str]:
    page.locator('[data-testid="stMetric"]').nth(5).wait_for(timeout=TIMEOUT)
    cards = page.locator('[data-testid="stMetric"]')
    out = {}
    for i in range(6):
        card = cards.nth(i)
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


@pytest.mark.parametrize("user", list(PEOPLE))
def test_each_user_sees_their_scopes_figures(shared, page, scoped_kpis, user):
    base, _ = shared
    log_in(page, base, user)
    settle(page, PAGES[""])
    assert kpis(page) == scoped_kpis[PEOPLE[user][1]]


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
        with page.expect_download(timeout=TIMEOUT) as got:
            buttons.nth(i).click()
        data = Path(got.value.path()).read_bytes()
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
    assert XSS_NAMES["ZZ-XSS-S"] not in everything_shown(page)
    page.goto(f"{base}/explorer?scope=ZZ-XSS-S&region=ZZ-XSS-S")  # a new URL: a new session
    page.get_by_role("button", name="登录 Log in").wait_for(timeout=TIMEOUT)
    assert page.locator('[data-testid="stMetric"]').count() == 0


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
    go(page, PAGES["export"])
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
    assert ("page", "overview") in seen and ("page", "export") in seen
    assert any(what == "download" for what, _ in seen), seen
    assert all(e.get("scope") == "SS" for e in mine if e["what"] != "login")
    assert audit.verify(log) is None
