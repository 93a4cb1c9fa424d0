"""What every page of the dashboard shares: the store, cached query results, and the
sidebar (language, scope, as-of date).

The launcher (``lianjian dashboard``) passes its options in environment
variables, never credentials in argv: ``LIANJIAN_DASHBOARD_LEDGER`` (a ledger read
for this run), or ``LIANJIAN_DASHBOARD_STORE`` (the store of record instead: the
embedded store's folder; on Neo4j the configured database, any value),
``LIANJIAN_DASHBOARD_BACKEND`` (embedded or neo4j), ``LIANJIAN_DASHBOARD_NAMES``
(1 shows member names), ``LIANJIAN_DASHBOARD_SCOPE`` (a region id the whole app
is held to), ``LIANJIAN_DASHBOARD_STRICT`` (1: refuse a ledger with any error or
warning, as ``--strict``); Neo4j settings come from ``NEO4J_*`` as everywhere else.

One store per process (``st.cache_resource``, :mod:`lianjian.dashboard.stores`); results are cached per as-of date.
Once the store is open, a background thread computes today's gap findings,
pairings and coverage (:func:`warm_up`), so the first visit to a page finds them
ready instead of computing them while the user waits.

A ledger that lost anything (rows rejected, values or relationships dropped, files or
sheets not read) is said on every page, above it, with the balance line and a pointer
to ``lianjian validate``, until the user dismisses it (for the session); one that
cannot be used is refused with one line.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import streamlit as st

from lianjian.core.balance import Balance
from lianjian.core.schema import SCHEMA
from lianjian.dashboard import access, stores
from lianjian.dashboard.display import capital, region_word
from lianjian.dashboard.i18n import tr
from lianjian.dashboard.opening import Opening
from lianjian.dashboard.scope import RegionTree, anchors, region_tree, scope_ids
from lianjian.dashboard.search import SearchIndex
from lianjian.queries.coverage.rates import coverage, coverage_counts
from lianjian.queries.gaps.find import GapResult, find_gaps
from lianjian.queries.pairing.propose import propose

__all__ = [
    "Config",
    "Ctx",
    "config",
    "context",
    "setup",
    "t",
    "lang",
    "md",
    "warm_up",
]

ENV_LEDGER = "LIANJIAN_DASHBOARD_LEDGER"
ENV_STORE = "LIANJIAN_DASHBOARD_STORE"
ENV_BACKEND = "LIANJIAN_DASHBOARD_BACKEND"
ENV_NAMES = "LIANJIAN_DASHBOARD_NAMES"
ENV_SCOPE = "LIANJIAN_DASHBOARD_SCOPE"
ENV_STRICT = "LIANJIAN_DASHBOARD_STRICT"
DISMISSED = "balance_dismissed"  # session state: the user closed the ledger warning
SCOPE_LEVELS = SCHEMA.levels_down_to("community")  # district, street, community
# the first option of a region box: "all of it" (a string, not None, so that the box can
# be given its value again when the language changes, see _relabel)
ALL = ""
PAIRING_CAPACITY = 3  # strong orgs lead at most this many weak ones, as the pages ask
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Config:
    ledger: Path | None  # None: the store of record
    backend: str
    with_names: bool
    root: str | None  # the region the whole app is held to, if any
    strict: bool = False  # refuse a ledger with any error or warning
    store: Path | None = None  # the embedded store of record's folder
    stamp: str = ""  # the store of record's latest version (stores.record_stamp)

    @property
    def key(self) -> str:
        if self.ledger is None:
            return f"{self.backend}:store:{self.store}@{self.stamp}"
        return f"{self.backend}:{self.ledger.resolve()}"


@dataclass
class Ctx:
    """What a page needs: the store and the choices made in the sidebar."""

    cfg: Config
    store: Any
    lang: str
    as_of: dt.date
    scope: str | None
    allowed: set[str] | None  # ids within the scope; None for the whole graph
    tree: RegionTree
    record: Any = None  # the store of record (RecordStore), None on a one-shot ledger

    def t(self, key: str, **fields: object) -> str:
        return tr(key, self.lang, **fields)


def config() -> Config:
    """The launcher's options (from the environment)."""
    backend = os.environ.get(ENV_BACKEND, "embedded")
    on_record = ENV_LEDGER not in os.environ and ENV_STORE in os.environ
    return Config(
        ledger=None if on_record else Path(os.environ.get(ENV_LEDGER, "data/sample")),
        store=Path(os.environ[ENV_STORE]) if on_record and backend == "embedded" else None,
        backend=backend,
        with_names=os.environ.get(ENV_NAMES) == "1",
        root=os.environ.get(ENV_SCOPE) or None,
        strict=os.environ.get(ENV_STRICT) == "1",
    )


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **fields: object) -> str:
    return tr(key, lang(), **fields)


# ---------------------------------------------------------------- cached resources


@st.cache_resource(show_spinner=False)
def tree_of(key: str, _store) -> RegionTree:
    return region_tree(_store)


@st.cache_resource(show_spinner=False)
def summaries_of(key: str, _store) -> dict[str, dict[str, Any]]:
    """``id → {id, label, name, level, kind}`` of every entity."""
    return {row["id"]: row for row in _store.node_summaries()}


@st.cache_resource(show_spinner=False)
def search_index(key: str, with_names: bool, _store) -> SearchIndex:
    return SearchIndex(summaries_of(key, _store).values(), with_names)


@st.cache_resource(show_spinner=False)
def anchors_of(key: str, _store) -> dict[str, str]:
    """``id → the region it lies in`` (:func:`lianjian.dashboard.scope.anchors`)."""
    return anchors(_store)


@st.cache_resource(show_spinner=False)
def scope_of(key: str, region: str | None, _store) -> set[str] | None:
    return scope_ids(_store, tree_of(key, _store), region)


@st.cache_resource(show_spinner=False, max_entries=16)
def gaps_of(key: str, as_of: str, _store) -> GapResult:
    return find_gaps(_store, as_of=as_of)


@st.cache_resource(show_spinner=False, max_entries=16)
def coverage_counts_of(key: str, as_of: str, _store):
    return coverage_counts(_store, as_of=as_of)


@st.cache_resource(show_spinner=False, max_entries=32)
def coverage_of(key: str, level: str, as_of: str, _store) -> list[dict[str, Any]]:
    counts = coverage_counts_of(key, as_of, _store)  # the rules run once for all levels
    return coverage(_store, level=level, as_of=as_of, counts=counts)


@st.cache_resource(show_spinner=False, max_entries=16)
def pairing_of(key: str, as_of: str, capacity: int, _store):
    return propose(_store, as_of=as_of, capacity=capacity)


@st.cache_resource(show_spinner=False)
def warm_up(key: str, as_of: str, _store) -> threading.Thread:
    """Start (once per store and date) a daemon thread that fills the caches every page
    reads first: the gap findings, the pairings, and coverage at each region level.

    A page asking for one of them meanwhile waits for that one only (Streamlit's
    per-value compute lock: nothing is computed twice). A failure is logged and the
    page computes the value itself, showing its own error.
    """

    def run() -> None:
        try:
            gaps_of(key, as_of, _store)
            for level in SCOPE_LEVELS:  # the Overview's figures first, then the pairings
                coverage_of(key, level, as_of, _store)
            pairing_of(key, as_of, PAIRING_CAPACITY, _store)
        except Exception:  # the page that needs it will compute it and show the error
            log.exception("warming the dashboard's caches failed")

    thread = threading.Thread(target=run, name="lianjian-warm-up", daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------- per run


def setup() -> Ctx:
    """Open the store and draw the sidebar; the pages read the result with :func:`context`."""
    cfg = config()
    st.sidebar.radio(
        tr("language", "zh"),
        ["zh", "en"],
        format_func=lambda v: {"zh": "中文", "en": "English"}[v],
        horizontal=True,
        key="lang",
        on_change=_relabel,
    )
    record = None
    try:
        opening = Opening(st.empty(), lang())
        try:
            if cfg.ledger is None:
                cfg = replace(cfg, stamp=stores.record_stamp(cfg.backend, cfg.store))
                record, store, conflicts = stores.open_on_record(
                    cfg.key, cfg.backend, None if cfg.store is None else str(cfg.store)
                )
                balance = stores.CLEAN
            else:
                store, balance = stores.open_store(
                    cfg.key, str(cfg.ledger), cfg.backend, cfg.strict, cfg.with_names, opening
                )
        finally:
            opening.clear()
    except Exception as e:  # a bad ledger path, no server: one line, not a traceback
        st.error(t("load_error", e=md(f"{e.__class__.__name__}: {e}")))
        st.stop()
    ledger_warning(balance, cfg)
    if record is not None and conflicts:  # sources that disagree: named, never merged
        st.sidebar.warning(t("conflicts", n=len(conflicts)))
    warm_up(cfg.key, dt.date.today().isoformat(), store)
    tree = tree_of(cfg.key, store)
    cfg = access.restrict(cfg, tree)  # users: held to their region, names by role
    scope = access.hold(tree, _scope_selectors(cfg, tree), cfg)  # users: never wider
    as_of = st.sidebar.date_input(t("as_of"), value=dt.date.today(), key="as_of")
    st.sidebar.caption(
        f"{t('ledger')}: {md(cfg.ledger.name) if cfg.ledger else t('record_store')} · "
        f"{t('backend')}: {cfg.backend}  \n" + (t("names_on") if cfg.with_names else t("names_off"))
    )
    ctx = Ctx(
        cfg=cfg,
        store=store,
        lang=lang(),
        as_of=as_of,
        scope=scope,
        allowed=scope_of(cfg.key, scope, store),
        tree=tree,
        record=record,
    )
    st.session_state["_ctx"] = ctx
    return ctx


# the choice boxes whose shown label is in the page's language
RELABELLED = (
    "scope_",
    "drill_",
    "overview_metric",
    "explorer_",
    "gaps_street",
    "gaps_rules",
    "map_rules",
    "progress_metric",
)


def _relabel() -> None:
    """The language changed: give every choice box its value again, so that the browser
    shows it in the new language (a box otherwise keeps the label it was chosen by)."""
    for key in list(st.session_state):
        if str(key).startswith(RELABELLED) and not str(key).startswith("explorer_centre"):
            st.session_state[key] = st.session_state[key]


def ledger_warning(balance: Balance, cfg: Config) -> None:
    """Above every page until dismissed: what the ledger lost, and where to see it. Only
    counts, file and sheet names and the loaders' reasons for whole files: never a value."""
    if balance.clean or st.session_state.get(DISMISSED):
        return
    lines = [t("balance_warning", line=md(balance.line()))]
    lines += [f"- {t('balance_not_read')}: {md(u)}" for u in balance.unread_lines()]
    lines += [f"- {t('balance_set_aside')}: {md(f)}: {md(why)}" for f, why in balance.set_aside]
    lines.append(t("balance_see", command=md(f"lianjian validate {cfg.ledger}")))
    st.warning("  \n".join(lines), icon=":material/warning:")
    st.button(t("dismiss"), key="balance_dismiss", on_click=_dismiss)


def _dismiss() -> None:
    st.session_state[DISMISSED] = True


def context() -> Ctx:
    """The context :func:`setup` made for this run (running a page alone sets it up)."""
    ctx = st.session_state.get("_ctx")
    return ctx if ctx is not None else setup()


def default_region(ctx: Ctx) -> str | None:
    """Where a drawing starts when nothing is chosen: down a chain of only children to a street."""
    region = ctx.scope
    if region is None:
        roots = ctx.tree.roots()
        region = roots[0] if len(roots) == 1 else None
    while region is not None and ctx.tree.regions[region]["level"] == "district":
        kids = ctx.tree.children_of(region)
        if len(kids) != 1:
            break
        region = kids[0]
    return region


def region_of(ctx: Ctx, node_id: str | None) -> str | None:
    """The region an entity lies in: itself for a region, else its anchor (or None)."""
    if node_id is None or node_id in ctx.tree.regions:
        return node_id
    return anchors_of(ctx.cfg.key, ctx.store).get(node_id)


def region_name(ctx: Ctx, region: str | None) -> str:
    if region is None:
        return ctx.t("whole")
    return str(ctx.tree.regions.get(region, {}).get("name") or region)


def level_name(level: str, lang_: str) -> str:
    return SCHEMA.enum_label("region_level", level, lang_)


def level_title(level: str, lang_: str) -> str:
    """A level's name as a label or heading starts (capitalised in English)."""
    return capital(level_name(level, lang_))


def word_of(tree: RegionTree, region: str, lang_: str) -> str:
    """What one region is called (街道 or 镇, 社区 or 村: :func:`display.region_word`)."""
    v = tree.regions[region]
    return region_word(str(v.get("name") or ""), v["level"], lang_)


def words_title(tree: RegionTree, regions, lang_: str) -> str:
    """The heading over ``regions``: each name they go by, once (街道 / 镇, Community / Village)."""
    words = dict.fromkeys(word_of(tree, r, lang_) for r in regions)
    plain = {getattr(v, lang_) for v in SCHEMA.enums["region_level"].values()}
    return " / ".join(capital(w) for w in sorted(words, key=lambda w: w not in plain))


def _scope_selectors(cfg: Config, tree: RegionTree) -> str | None:
    """Cascading district → street → community selectors below the launcher's scope."""
    current = cfg.root if cfg.root in tree.regions else None
    if cfg.root and current is None:
        st.sidebar.warning(f"{cfg.root}?")
    chosen = current  # None until the launcher or the user names a region
    if current is not None:  # the launcher's scope: the office's own region
        st.sidebar.markdown(f"**{t('scope')}**: {md(tree.regions[current]['name'])}")
    elif len(tree.roots()) == 1:
        current = tree.roots()[0]  # one district: its streets are the first choice
    for depth in range(len(SCOPE_LEVELS)):
        kids = [r for r in tree.children_of(current) if tree.regions[r]["level"] in SCOPE_LEVELS]
        if not kids:
            break
        key = f"scope_{depth}"
        if st.session_state.get(key) not in (ALL, *kids):
            st.session_state[key] = ALL  # the parent changed: its old child no longer applies
        pick = st.sidebar.selectbox(
            f"{t('scope')} · {words_title(tree, kids, lang())}",
            [ALL, *kids],
            format_func=lambda r: tree.regions[r]["name"] if r else t("whole"),
            key=key,
        )
        if not pick:
            break
        current = chosen = pick
    return chosen  # None: the whole graph, unplaced entities included


def md(text: str) -> str:
    """Text shown verbatim inside Streamlit's Markdown: every character that Markdown,
    its HTML entities (``&amp;``), LaTeX (``$x$``) or its directives (``:red[…]``,
    ``:material/icon:``) read is escaped."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$:&" else c for c in str(text))
