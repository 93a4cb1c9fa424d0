"""The dashboard with users (Streamlit's AppTest): a login before any data, one message
for every failure, a limit on attempts, sessions that expire, each user held to their
region's subtree whatever the widgets say, names by role, and every name view audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lianjian.auth import audit
from lianjian.auth.session import Sessions
from lianjian.auth.users import Role, User, hash_password, save_users
from lianjian.dashboard import login as gate
from lianjian.graph.embedded.store import EmbeddedStore

APP = Path(__file__).resolve().parent.parent / "lianjian" / "dashboard" / "app.py"
PW = "correct horse battery"
SECRET = "s" * 40
AS_OF = dt.date(2026, 6, 30)
PEOPLE = {  # the sample's district, its street, one of its communities
    "district_officer": (Role.officer, "SS"),
    "street_viewer": (Role.viewer, "SS01"),
    "community_analyst": (Role.analyst, "SS0101"),
}


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.toml"
    h = hash_password(PW)
    save_users({n: User(n, role, region, h) for n, (role, region) in PEOPLE.items()}, path)
    return path


@pytest.fixture
def env(monkeypatch, sample_ledger, users_file, tmp_path):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(sample_ledger))
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
    monkeypatch.setenv("LIANJIAN_DASHBOARD_NAMES", "1")  # started --with-names
    monkeypatch.delenv("LIANJIAN_DASHBOARD_SCOPE", raising=False)
    monkeypatch.setenv("LIANJIAN_DASHBOARD_USERS", str(users_file))
    monkeypatch.setenv("LIANJIAN_SESSION_SECRET", SECRET)
    monkeypatch.setenv("LIANJIAN_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    gate._attempts.clear()  # the limit is per server process: each test is a new server
    gate._sessions.clear()
    return tmp_path / "audit.jsonl"


@pytest.fixture(scope="module")
def names(sample_ledger):
    rows = EmbeddedStore.from_ledger(sample_ledger).node_summaries()
    return {r["name"] for r in rows if r["label"] == "Member" and r["name"] and len(r["name"]) > 1}


def text(at: AppTest) -> str:
    out = [
        e.value
        for kind in ("markdown", "caption", "title", "error", "warning")
        for e in at.get(kind)
    ]
    for frame in at.dataframe:
        out += [str(v) for v in frame.value.to_numpy().ravel()]
    out += [f.proto.srcdoc for f in at.get("iframe")]
    return "\n".join(out)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def login(name: str, password: str = PW, at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(str(APP), default_timeout=180)
    if at.session_state is None or not at.text_input:
        at.run()
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if "Log in" in b.label).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_nothing_is_shown_before_a_login(env):
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    assert not at.exception
    assert at.metric == [] and at.dataframe == [] and len(at.text_input) == 2
    assert "党员" not in text(at)


def test_a_wrong_password_and_an_unknown_name_get_the_same_message(env):
    wrong = login("street_viewer", "wrong password here")
    nobody = login("nobody_at_all", PW)
    assert wrong.error[0].value == nobody.error[0].value and "Login failed" in wrong.error[0].value
    assert wrong.metric == [] and nobody.metric == []


def test_attempts_are_limited_even_with_the_right_password_after(env):
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    for _ in range(5):
        login("community_analyst", "not the password", at)
    login("community_analyst", PW, at)  # the sixth: refused without a check
    assert at.metric == [] and "Login failed" in at.error[0].value


@pytest.mark.parametrize(
    ("user", "communities"),
    [("district_officer", "3"), ("street_viewer", "3"), ("community_analyst", "1")],
)
def test_each_user_sees_their_scope(env, user, communities):
    at = login(user)
    assert metrics(at)["社区"] == communities


def test_a_crafted_widget_value_cannot_widen_the_scope(env):
    at = login("community_analyst")
    at.date_input(key="as_of").set_value(AS_OF).run()
    held = metrics(at)
    assert held["社区"] == "1"
    for value in (None, "SS", "SS01", "SS0102"):
        at.session_state["scope_0"] = value
        at.session_state["scope_1"] = value
        at.run()
        assert not at.exception
        assert metrics(at) == held, value


def test_the_search_box_finds_nothing_outside_the_scope(env):
    at = login("community_analyst")
    at.switch_page("views/explorer.py").run()
    at.text_input(key="explorer_query").set_value("梅台巷").run()  # another community
    assert not at.exception
    assert "explorer_hit" not in [s.key for s in at.selectbox] and "没有找到" in text(at)
    at.text_input(key="explorer_query").set_value("红门路").run()  # their own
    assert at.selectbox(key="explorer_hit").value.id == "SS0101"


def test_a_viewer_sees_no_name_on_any_page(env, names):
    at = login("street_viewer")
    for page in ("overview", "explorer", "gaps", "pairings", "export"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, page
        shown = text(at)
        assert not [n for n in names if n in shown], page
    assert [e["what"] for e in audit.entries(env)] == ["login"]  # no name was shown


def test_the_console_is_not_listed_on_the_embedded_store_even_for_analysts(env):
    for user in ("district_officer", "community_analyst"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            login(user).switch_page("views/cypher.py")


@pytest.mark.neo4j
def test_the_console_is_for_analysts_only(env, monkeypatch, neo4j_driver, neo4j_settings):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", neo4j_settings["uri"])
    monkeypatch.setenv("NEO4J_USER", neo4j_settings["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings["password"])
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings["database"])
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        login("district_officer").switch_page("views/cypher.py")
    at = login("community_analyst")
    at.switch_page("views/cypher.py").run()
    assert at.title[0].value.startswith("Cypher")


def test_an_officer_sees_names_and_every_view_is_audited(env, names):
    at = login("district_officer")
    at.switch_page("views/explorer.py").run()
    at.text_input(key="explorer_query").set_value("红门路").run()
    assert not at.exception
    assert [n for n in names if n in text(at)]  # names are shown to an officer
    got = [(e["user"], e["what"], e.get("item"), e.get("scope")) for e in audit.entries(env)]
    assert got[0][:2] == ("district_officer", "login")
    assert ("district_officer", "page", "overview", "SS") in got
    assert ("district_officer", "page", "explorer", "SS") in got
    assert audit.verify(env) is None


def test_an_expired_session_shows_no_data(env):
    at = login("district_officer")
    assert metrics(at)
    at.session_state["_auth_token"] = Sessions(SECRET.encode(), minutes=0).issue("district_officer")
    at.run()
    assert at.metric == [] and "expired" in text(at)


def test_a_forged_session_token_shows_no_data(env):
    at = login("street_viewer")
    forged = Sessions(b"another secret of 32 bytes......", 30).issue("district_officer")
    at.session_state["_auth_token"] = forged
    at.run()
    assert at.metric == [] and "expired" in text(at)


def test_the_explorer_draws_no_partner_from_another_community(env):
    at = login("community_analyst")  # held to 红门路社区 (SS0101)
    at.date_input(key="as_of").set_value(AS_OF).run()
    at.switch_page("views/explorer.py").run()
    assert not at.exception
    assert at.toggle(key="explorer_pairs").value  # the pairings are drawn
    shown = text(at)
    assert "红门路社区" in shown and "SS0101" in shown
    assert "三板桥社区党委" not in shown  # of SS0103: proposed to lead a weak organisation here
    drawn = at.selectbox(key="explorer_details").options  # the drawing's nodes, by name
    assert len(drawn) > 1 and not [o for o in drawn if "三板桥" in o]


def test_a_link_or_a_crafted_explorer_value_cannot_centre_another_community(env):
    at = login("community_analyst")  # held to 红门路社区 (SS0101)
    at.query_params["centre"] = "P04"  # 三板桥社区党委, of SS0103: a link from outside
    at.switch_page("views/explorer.py").run()
    assert not at.exception
    assert at.session_state["explorer_centre"] == "SS0101"  # its own community instead
    assert "三板桥社区党委" not in text(at)
    for value in ("P04", "SS0102G01", "SS01"):  # another community's; the street above
        at.session_state["explorer_centre"] = value  # the selection, as a crafted value
        at.run()
        assert not at.exception, value
        shown = text(at)
        assert "三板桥社区党委" not in shown and "梅台巷社区" not in shown, value
        assert at.session_state["explorer_centre"] == "SS0101", value


def test_the_pairings_page_names_no_partner_from_another_community(env):
    at = login("community_analyst")  # held to 红门路社区 (SS0101)
    at.date_input(key="as_of").set_value(AS_OF).run()
    at.switch_page("views/pairings.py").run()
    assert not at.exception
    shown = text(at)
    assert "三板桥社区党委" not in shown and "P04" not in shown  # of SS0103
