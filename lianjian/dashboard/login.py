"""The login form of a shared dashboard (``LIANJIAN_DASHBOARD_USERS`` names the users
file; without it, the single local user needs no login, as before).

A user name and password checked by the hash library (constant time; an unknown name
costs as long); one message for every failure, so it tells no one which names exist;
at most 5 failures per name and per client address in 15 minutes; a session token
signed with the session secret, renewed at each page and void after
``LIANJIAN_SESSION_MINUTES`` (30) minutes without one, or 12 hours after the login.
The users file is read at every page, so a removed user or a changed role takes
effect at their next click.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import streamlit as st

from lianjian.auth import audit
from lianjian.auth.session import Attempts, Sessions, session_secret
from lianjian.auth.users import User, check_password, load_users
from lianjian.dashboard.access import USER

__all__ = ["gate", "ENV_USERS"]

ENV_USERS = "LIANJIAN_DASHBOARD_USERS"
TOKEN, SINCE = "_auth_token", "_auth_since"
MAX_HOURS = 12
FAILED = "登录失败：用户名或密码错误，或尝试过多（请稍候再试）  \nLogin failed: wrong user name or password, or too many attempts (wait a few minutes)."
EXPIRED = "会话已过期，请重新登录 The session has expired: log in again."


@st.cache_resource(show_spinner=False)
def _sessions() -> Sessions:
    return Sessions(session_secret(), int(os.environ.get("LIANJIAN_SESSION_MINUTES", "30")))


@st.cache_resource(show_spinner=False)
def _attempts() -> Attempts:
    return Attempts(limit=5, window=900)  # one per server process: shared by all sessions


def _client() -> str | None:
    """The client's address; None on loopback (so behind a local reverse proxy), where
    one counter for every client would let anyone lock everyone out."""
    ip = getattr(st.context, "ip_address", None)
    return ip if isinstance(ip, str) and ip else None


def _end(message: str | None = None) -> None:
    for key in (TOKEN, SINCE, USER, "_ctx"):
        st.session_state.pop(key, None)
    if message:
        st.session_state["_auth_message"] = message


def gate() -> User | None:
    """The logged-in user, or None when no users are configured; otherwise the login form
    is drawn and the run stops here (nothing of the ledger is read before a login)."""
    path = os.environ.get(ENV_USERS)
    if not path:
        return None
    users = load_users(Path(path))
    sessions = _sessions()
    token = st.session_state.get(TOKEN)
    name = sessions.user_of(token)
    fresh = time.time() - st.session_state.get(SINCE, 0) < MAX_HOURS * 3600
    if name is not None and name in users and fresh:
        user = users[name]
        st.session_state[TOKEN] = sessions.issue(name)  # renewed: the idle time starts again
        st.session_state[USER] = user
        st.sidebar.caption(f"{name} · {user.role.value} · {user.region}")
        if st.sidebar.button("退出 Log out", key="auth_logout"):
            audit.append({"user": name, "role": user.role.value, "what": "logout"})
            _end()
            st.rerun()
        return user
    if token is not None:
        _end(EXPIRED)
    _form(users, sessions)
    st.stop()
    return None


def _form(users: dict[str, User], sessions: Sessions) -> None:
    st.title("联建 lianjian")
    message = st.session_state.pop("_auth_message", None)
    if message:
        st.warning(message)
    with st.form("login", clear_on_submit=True):
        name = st.text_input("用户名 User name", key="auth_name", max_chars=64)
        password = st.text_input("密码 Password", type="password", key="auth_password")
        submitted = st.form_submit_button("登录 Log in")
    if not submitted:
        return
    client, attempts = _client(), _attempts()
    keys = [f"user:{name}"] + ([f"ip:{client}"] if client else [])
    user = users.get(name)
    if attempts.blocked(keys) or not check_password(user, password) or user is None:
        attempts.failed(keys)
        st.error(FAILED)
        return
    attempts.succeeded(keys[:1])  # the address's count stays: one account cannot reset it
    st.session_state[TOKEN] = sessions.issue(user.name)
    st.session_state[SINCE] = time.time()
    st.session_state[USER] = user
    audit.append(
        {"user": user.name, "role": user.role.value, "what": "login", "item": client or "local"}
    )
    st.rerun()
