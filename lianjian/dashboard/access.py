"""What the logged-in user may see, enforced on the server for every page.

Given the user (None: the single local user, no login), :func:`restrict` returns the
launcher's configuration narrowed to them: the region the whole app is held to is the
intersection of the launcher's ``--scope`` and the user's region (their subtree), and
names are shown only when the dashboard was started ``--with-names`` *and* the role
may see them. Every page, table, download, search and Explorer neighbourhood reads
``ctx.cfg`` and ``ctx.allowed`` (:mod:`lianjian.dashboard.state`), so none can show more;
:func:`hold` checks the sidebar's choice once more against that region, so a crafted
widget value cannot widen it. The Cypher console is in the navigation only for roles
that may use it (SECURITY.md, "Users").

Every page run or download that shows names writes an audit entry
(:mod:`lianjian.auth.audit`), once per page, scope and as-of date in a session.
"""

from __future__ import annotations

import re
from dataclasses import replace

import streamlit as st

from lianjian.auth import audit
from lianjian.auth.users import ALL_REGIONS, User
from lianjian.queries.scope import OutOfScope, RegionTree, narrower

__all__ = ["current_user", "restrict", "hold", "may_use_console", "record", "DOWNLOAD_KEY"]

USER = "_auth_user"  # session state: the logged-in User (server side, set by login.gate)
_SEEN = "_audit_seen"
# the keys of the pages' download buttons (tests/test_audit_dashboard.py checks that
# every download button of the pages has one that matches)
DOWNLOAD_KEY = re.compile(r"(?:^|_)dl(?:_|$)|^export_(?:zip|xlsx|gaps|gaps_xlsx|rdf_download)$")


def current_user() -> User | None:
    return st.session_state.get(USER)


def restrict(cfg, tree: RegionTree):
    """The configuration this user may see; a region outside the launcher's (or missing
    from the ledger) stops the page with one line and no data."""
    user = current_user()
    if user is None:
        return cfg
    try:
        root = narrower(tree, cfg.root, user.region_id)
    except OutOfScope:
        st.error("此账号的范围不在本台账中 This account's region is not in this ledger.")
        st.stop()
    return replace(cfg, root=root, with_names=cfg.with_names and user.may_see_names)


def hold(tree: RegionTree, scope: str | None, cfg) -> str | None:
    """The sidebar's scope, checked once more against the user's region."""
    if current_user() is None:
        return scope
    try:
        return narrower(tree, scope, cfg.root)
    except OutOfScope:
        return cfg.root


def may_use_console() -> bool:
    user = current_user()
    return user is None or user.role.may("console")


def record(ctx, page: str) -> None:
    """Write who saw names on this page (once per scope and date) and which downloads
    with names were taken in this run."""
    user = current_user()
    if user is None or not ctx.cfg.with_names:
        return
    base = {
        "user": user.name,
        "role": user.role.value,
        "scope": ctx.scope or ALL_REGIONS,
        "as_of": ctx.as_of.isoformat(),
    }
    seen = st.session_state.setdefault(_SEEN, set())
    if (page, base["scope"], base["as_of"]) not in seen:
        audit.append({**base, "what": "page", "item": page})
        seen.add((page, base["scope"], base["as_of"]))
    for key in [k for k in st.session_state if isinstance(k, str) and DOWNLOAD_KEY.search(k)]:
        if st.session_state[key] is True:  # a download button clicked in this run
            audit.append({**base, "what": "download", "item": key})
