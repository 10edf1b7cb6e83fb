"""The one small UI helper of the pages: the store, the language, the open workshop, cached reads.

Pages import this module (never each other) and cxcore; nothing here computes a business rule.
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import pandas as pd
import streamlit as st

from cxcore import (access, base, demo, ingest, journey, maturity_ratings, participants, quality, rfm, rfm_settings,
                    votes, workshop)
from cxcore.errors import ConflictError, CxError, IngestError
from cxcore.i18n import DEFAULT_LANGUAGE, LANGUAGES, fmt_number, t
from cxcore.ingest import Reject
from cxcore.layout import Layout
from cxcore.segments import SEGMENTS
from cxcore.store import Store, open_store
from cxcore.workshop import Workshop


# The navigation: group title key → pages (file, title key, icon). app.py builds st.navigation from it,
# and the tests render every page listed here.
PAGES: dict[str, list[tuple[str, str, str]]] = {
    "nav.group.room": [("pages/home.py", "nav.home", ":material/home:"),
                       ("pages/workshop.py", "nav.workshop", ":material/info:"),
                       ("pages/room.py", "nav.room", ":material/co_present:"),
                       ("pages/agenda.py", "nav.agenda", ":material/schedule:"),
                       ("pages/parking.py", "nav.parking", ":material/local_parking:")],
    "nav.group.day1": [("pages/base.py", "nav.base", ":material/groups:"),
                       ("pages/rfm.py", "nav.rfm", ":material/grid_view:"),
                       ("pages/quality.py", "nav.quality", ":material/monitoring:"),
                       ("pages/voc.py", "nav.voc", ":material/forum:")],
    "nav.group.journey": [("pages/journey.py", "nav.journey", ":material/route:"),
                          ("pages/journey_views.py", "nav.journey_views", ":material/hub:"),
                          ("pages/persona.py", "nav.persona", ":material/person:")],
    "nav.group.day2": [("pages/maturity_rate.py", "nav.maturity_rate", ":material/checklist:"),
                       ("pages/maturity.py", "nav.maturity", ":material/stairs:"),
                       ("pages/vote.py", "nav.vote", ":material/how_to_vote:"),
                       ("pages/roadmap.py", "nav.roadmap", ":material/flag:"),
                       ("pages/business.py", "nav.business", ":material/payments:"),
                       ("pages/workbook.py", "nav.workbook", ":material/table_view:")],
    "nav.group.later": [("pages/compare.py", "nav.compare", ":material/compare_arrows:")],
}
HOME = "pages/home.py"
JOIN = "pages/join.py"  # where the join link lands: not in the navigation


def page_path(key: str) -> str | None:
    """The file of a page key ("rfm" → "pages/rfm.py"): the agenda and "follow me" name pages by key."""
    return next((path for entries in PAGES.values() for path, _, _ in entries if Path(path).stem == key), None)


def page_keys() -> list[str]:
    return [Path(path).stem for entries in PAGES.values() for path, _, _ in entries]


_routing = threading.local()
_log_lock = threading.Lock()


@contextmanager
def app_run() -> Iterator[None]:
    """Marks a script run that went through app.py (and so through st.navigation)."""
    _routing.active, _routing.memo, _routing.page = True, {}, "?"
    started = time.perf_counter()
    try:
        yield
    finally:
        _routing.active, _routing.memo = False, None
        log_run(_routing.page, started)


def set_run_page(key: str) -> None:
    _routing.page = key


def log_run(what: str, started: float) -> None:
    """With CXSTUDIO_RUN_LOG set (benchmarks/load_bench.py sets it), the server time of every run of the app
    and of the live check is appended to that file: "page<TAB>milliseconds"."""
    path = os.environ.get("CXSTUDIO_RUN_LOG")
    if path:
        with _log_lock, open(path, "a", encoding="utf-8") as log:
            log.write(f"{what}\t{(time.perf_counter() - started) * 1000:.1f}\n")


def once_per_run(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()` once per run of the app (a fragment's own reruns compute afresh): the PIN checks and the
    like that several parts of one page ask."""
    memo = getattr(_routing, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _through_app() -> None:
    """Run the page through app.py even when the URL named it in a fresh server process.

    Streamlit's legacy `pages/` mode runs `pages/x.py` directly on a new server's first request for
    `/x` (no navigation, no language switch) until some run calls st.navigation; a rerun fixes the mode.
    """
    if not getattr(_routing, "active", False):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource
def get_store() -> Store:
    """The process's store; the first start creates the database and the demo workshop."""
    store = open_store()
    demo.ensure(store)
    return store


def lang() -> str:
    """The session's language: chosen in the sidebar, else the link's `?lang=`, else Russian."""
    if st.session_state.get("lang") not in LANGUAGES:
        wanted = st.query_params.get("lang")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
    return st.session_state["lang"]


def _switch_language() -> None:
    choice = st.session_state.get("lang_choice")
    if choice:
        st.session_state["lang"] = choice.lower()
        st.query_params["lang"] = choice.lower()


def language_switch() -> None:
    """RU | EN, one click; the choice holds for the session and rides in the link (`?lang=`)."""
    st.segmented_control(tr("app.language"), [code.upper() for code in LANGUAGES], default=lang().upper(),
                         key="lang_choice", on_change=_switch_language, label_visibility="collapsed")


def tr(key: str, **params: Any) -> str:
    """A string of the translation table in the session's language."""
    return t(key, lang(), **params)


def participant() -> str | None:
    """The participant's name: typed once, kept for the session and in the link (`?me=`), so a page refresh
    or a dropped connection does not ask again."""
    name = st.session_state.get("participant") or (st.query_params.get("me") or "").strip()[:60] or None
    if name:
        st.session_state["participant"] = name
        if st.query_params.get("me") != name:
            st.query_params["me"] = name
    return name


def name_prompt() -> str | None:
    """The participant's name, or a one-line form asking for it (what they add is signed with it)."""
    name = participant()
    if name:
        return name
    with st.form("participant_name", border=True):
        typed = st.text_input(tr("participant.ask"), max_chars=60, placeholder=tr("participant.placeholder"))
        if st.form_submit_button(tr("participant.join"), type="primary") and typed.strip():
            try:
                joined = participants.join(get_store(), st.session_state.get("workshop_id") or "demo", typed)
            except CxError as error:
                st.error(error.message(lang()))
                return None
            st.session_state["participant"] = joined.name
            st.rerun()
    return None


_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=])")


def plain(text: str) -> str:
    """Participant text for st.markdown and labels: every Markdown, directive (:red[..], :icon:) and math
    character escaped, so it shows as typed (Streamlit renders no raw HTML without unsafe_allow_html)."""
    return _MARKUP.sub(r"\\\1", str(text))


def actor() -> str:
    """Who is writing: the facilitator's proof once the PIN was entered (a name that cxcore trusts with the
    facilitator's actions), else the participant's name, else "guest"."""
    return facilitator() or participant() or "guest"


# -- the facilitator ---------------------------------------------------------------------------------------
_PROOFS = "facilitator.proofs"  # session: {workshop id: access.Facilitator}


def facilitator(workshop_id: str | None = None) -> "access.Facilitator | None":
    """This session's proof of being the workshop's facilitator, if the PIN was entered here. A workshop
    without a PIN (the demo) is run by whoever opens it."""
    workshop_id = workshop_id or st.session_state.get("workshop_id")
    if not workshop_id:
        return None
    return once_per_run(("facilitator", workshop_id), lambda: _facilitator(workshop_id))


def has_pin(workshop_id: str) -> bool:
    return once_per_run(("has_pin", workshop_id), lambda: access.has_pin(get_store(), workshop_id))


def _facilitator(workshop_id: str) -> "access.Facilitator | None":
    proofs = st.session_state.setdefault(_PROOFS, {})
    proof = proofs.get(workshop_id)
    if proof is not None and access.is_facilitator(proof, workshop_id):
        return proof
    proof = access.resume(workshop_id, st.context.cookies.get(cookie_name(workshop_id)))
    if proof is not None:  # the facilitator reloaded the page: the browser kept the proof's token
        proofs[workshop_id] = proof
        return proof
    try:
        if has_pin(workshop_id):
            return None
        proof = access.unlock(get_store(), workshop_id, "", participant() or "facilitator")
        remember_facilitator(proof)
    except CxError:
        return None
    return proof


def remember_facilitator(proof: "access.Facilitator") -> None:
    st.session_state.setdefault(_PROOFS, {})[proof.workshop_id] = proof
    memo = getattr(_routing, "memo", None)
    if memo is not None:
        memo[("facilitator", proof.workshop_id)] = proof


def cookie_name(workshop_id: str) -> str:
    return f"cxstudio_{workshop_id}"


def keep_facilitator_in_browser(workshop_id: str) -> None:
    """Put the facilitator's token in a cookie of this browser (for this browser session, this site only), so a
    reload or a second tab does not ask the PIN again. Tokens live as long as the server process."""
    proof = st.session_state.get(_PROOFS, {}).get(workshop_id)
    if proof is None or not has_pin(workshop_id) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", workshop_id):
        return
    token = access.token_of(proof)
    if st.context.cookies.get(cookie_name(workshop_id)) != token:
        st.html(f"<script>document.cookie = '{cookie_name(workshop_id)}={token}; path=/; SameSite=Strict';</script>",
                unsafe_allow_javascript=True)


def pin_form(workshop_id: str, key: str = "pin") -> "access.Facilitator | None":
    """The facilitator's PIN, asked once per browser session; wrong PINs are slowed down by cxcore."""
    proof = facilitator(workshop_id)
    if proof is not None:
        return proof
    with st.form(f"{key}.{workshop_id}", border=True):
        pin = st.text_input(tr("room.pin"), type="password", max_chars=access.PIN_MAX, key=f"{key}.{workshop_id}.pin")
        if st.form_submit_button(tr("room.unlock"), type="primary", icon=":material/key:"):
            try:
                name = participant() or workshop.get(get_store(), workshop_id).facilitator or "facilitator"
                remember_facilitator(access.unlock(get_store(), workshop_id, pin, name))
                st.rerun()
            except CxError as error:
                st.error(error.message(lang()))
    return None


def facilitator_gate(workshop_id: str, key: str = "pin") -> "access.Facilitator | None":
    """The facilitator's proof, or a line saying this is the facilitator's and the PIN form (then None)."""
    proof = facilitator(workshop_id)
    if proof is None:
        st.caption(tr("room.facilitator_only"))
        pin_form(workshop_id, key)
    return proof


def current_workshop() -> Workshop:
    """The workshop of `?w=` (or the session's choice), by its id only (a name in the link opens nothing: the
    random id is what lets a participant in), falling back to the demo workshop."""
    _through_app()
    store = get_store()
    wanted = st.query_params.get("w") or st.session_state.get("workshop_id")
    try:
        found = workshop.get(store, wanted) if wanted else None
    except CxError:
        found = None
    if found is None:
        if wanted:
            st.toast(tr("app.no_workshop", name=plain(wanted[:40])))
        found = demo.ensure(store)
    st.session_state["workshop_id"] = found.id
    if st.query_params.get("w") != found.id:
        st.query_params["w"] = found.id
    return found


def current_base_id(workshop_id: str) -> int | None:
    return base.current_base_id(get_store(), workshop_id)


def segment_page(title_key: str) -> tuple[Workshop, int, "rfm_settings.RfmSettings"]:
    """The head of a page on the segments: its title, then the workshop, its base and RFM settings;
    without a base the page says so and stops."""
    current = current_workshop()
    st.title(tr(title_key))
    base_id = current_base_id(current.id)
    if base_id is None:
        st.info(tr("base.none"))
        st.stop()
    return current, base_id, rfm_settings.get(get_store(), current.id)


def segment_names() -> dict[str, str]:
    """Segment key → its name in the session's language (also "new", the migration's row)."""
    return {s: tr(f"rfm.segment.{s}") for s in (*SEGMENTS, rfm.NEW)}


def cut_points_text(cuts: "rfm.CutPoints") -> dict[str, str]:
    """The cut points as the captions print them: {mode, r, f, m}, "55 / 151 / 315 / 608"."""
    def listed(values) -> str:
        return " / ".join(fmt_number(v, lang()) for v in values or ())

    return {"mode": tr(f"rfm.mode.{cuts.mode}"), "r": listed(cuts.recency), "f": listed(cuts.frequency),
            "m": listed(cuts.monetary)}


# Cached reads are keyed by the base id: a new load is a new id, so nothing stale is ever shown.
@st.cache_data(max_entries=64, show_spinner=False)
def base_summary(workshop_id: str, base_id: int) -> base.BaseSummary:
    return base.summary(get_store(), workshop_id)


@st.cache_data(max_entries=64, show_spinner=False)
def base_monthly(workshop_id: str, base_id: int) -> pd.DataFrame:
    return base.monthly(get_store(), workshop_id)


@st.cache_data(max_entries=64, show_spinner=False)
def base_rejects(workshop_id: str, base_id: int) -> pd.DataFrame:
    return base.rejects(get_store(), workshop_id)


@st.cache_data(max_entries=32, show_spinner=False)
def rfm_result(workshop_id: str, base_id: int, settings_version: int, as_of: date | None = None):
    """The RFM at `as_of` (default: the day after the last transaction) under the workshop's settings,
    cached per base, settings version and date: a rerun never re-reads the base."""
    settings = rfm_settings.get(get_store(), workshop_id)
    return rfm.compute(get_store(), workshop_id, base_id, as_of, settings.spec, settings.rules)


@st.cache_data(max_entries=32, show_spinner=False)
def rfm_default_as_of(base_id: int) -> date:
    return rfm.default_as_of(get_store(), base_id)


@st.cache_data(max_entries=32, show_spinner=False)
def base_quality(workshop_id: str, base_id: int, settings_version: int, dates: tuple[date, ...], step: str,
                 ruler: str):
    """Segment sizes over `dates`: `ruler` "frozen" measures every date with one ruler (the workshop's
    frozen or threshold cut points, else the quantiles of the first date); "quantile" recomputes them."""
    settings = rfm_settings.get(get_store(), workshop_id)
    spec = rfm.CutSpec() if ruler == "quantile" else (settings.spec if settings.cut_mode != "quantile" else None)
    return quality.quality_series(get_store(), workshop_id, base_id, list(dates), spec, settings.rules,
                                  quality.STEPS[step])


@st.cache_data(max_entries=32, show_spinner=False)
def rfm_migration(workshop_id: str, base_id: int, settings_version: int, from_date: date, to_date: date):
    settings = rfm_settings.get(get_store(), workshop_id)
    return rfm.migration(get_store(), workshop_id, base_id, from_date, to_date, settings.spec, settings.rules)


# -- the live journey -----------------------------------------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def _journeys(workshop_id: str, stamp: int) -> tuple:
    return journey.journeys(get_store(), workshop_id)


def journeys(workshop_id: str) -> tuple:
    """The workshop's journeys as they are now: one cheap query for the stamp, the tree re-read only when some
    change moved it (so a page polling every 2 s costs one query per tick)."""
    return _journeys(workshop_id, journey.stamp(get_store(), workshop_id))


def mapped_segment(workshop_id: str) -> tuple | None:
    """A choice among the segments whose journey is mapped (the target segment first): (segment, journey), or
    None when nothing is mapped yet."""
    trees = {j.segment: j for j in journeys(workshop_id)}
    if not trees:
        return None
    target = journey.default_segment(get_store(), workshop_id)
    segments = [s for s in SEGMENTS if s in trees]
    segment = st.segmented_control(tr("journey.segment"), segments, format_func=segment_names().get,
                                   default=target if target in trees else segments[0], key="journey.segment")
    segment = segment or segments[0]
    return segment, trees[segment]


def live_journey(workshop_id: str, segment: str):
    return next((j for j in journeys(workshop_id) if j.segment == segment), None)


# -- the live maturity assessment ----------------------------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def _maturity(workshop_id: str, stamp: int) -> tuple:
    store = get_store()
    return (maturity_ratings.result(store, workshop_id), maturity_ratings.ratings(store, workshop_id),
            maturity_ratings.progress(store, workshop_id))


def maturity_now(workshop_id: str) -> tuple:
    """(result, ratings, progress) as they are now, re-read only when an answer changed."""
    return _maturity(workshop_id, maturity_ratings.stamp(get_store(), workshop_id))


# -- the live dot vote --------------------------------------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def _votes(workshop_id: str, stamp: int) -> tuple:
    store = get_store()
    return votes.vote_state(store, workshop_id), votes.tally(store, workshop_id), votes.turnout(store, workshop_id)


def votes_now(workshop_id: str) -> tuple:
    """(state, tally, turnout) as they are now, re-read only after a dot or an open/close."""
    return _votes(workshop_id, votes.stamp(get_store(), workshop_id))


# -- the roadmap ----------------------------------------------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def _roadmap(workshop_id: str, stamps: tuple[int, int, int]) -> tuple:
    from cxcore import roadmap

    store = get_store()
    tally = votes.tally(store, workshop_id)
    return (roadmap.ranked_ideas(store, workshop_id, tally), roadmap.items(store, workshop_id, tally),
            maturity_ratings.result(store, workshop_id))


def roadmap_now(workshop_id: str) -> tuple:
    """(ranked ideas, roadmap items, maturity result), re-read when the roadmap, the journey or the ratings
    changed."""
    from cxcore import roadmap

    store = get_store()
    return _roadmap(workshop_id, (roadmap.stamp(store, workshop_id), journey.stamp(store, workshop_id),
                                  maturity_ratings.stamp(store, workshop_id)))


# -- loading a base from the page ------------------------------------------------------------------------
_SEPARATOR_NAMES = {";": ";", ",": ",", "\t": "TAB", "|": "|", "spaces": "␣␣"}


def saved_upload(uploaded) -> Path:
    """The uploaded file on the server's disk (written once per upload; loads read it from there)."""
    folder = Path(tempfile.gettempdir()) / "cxstudio-uploads" / uploaded.file_id
    path = folder / Path(uploaded.name).name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(uploaded.getbuffer())
    return path


@st.cache_data(max_entries=16, show_spinner=False)
def inspect_upload(path: Path, sheet: str | None, kind: str = "base") -> Layout:
    if kind == "feedback":
        from cxcore import feedback

        return feedback.inspect(path, sheet=sheet)
    return ingest.inspect(path, sheet=sheet)


def role_choices(layout: Layout, key: str) -> dict[str, str]:
    """One select box per role of the file's kind, set to the guessed column; role → column ("" for none)."""
    none = tr("base.role_none")
    mapping = {}
    columns = st.columns(4)
    for i, role in enumerate(layout.role_set.roles):
        options = [none, *layout.columns]
        guessed = layout.mapping.get(role)
        choice = columns[i % 4].selectbox(tr("base.role_for", role=tr(f"role.{role}")), options,
                                          index=options.index(guessed) if guessed in options else 0,
                                          key=f"{key}.{role}")
        mapping[role] = "" if choice == none else choice
    return mapping


def layout_caption(layout: Layout) -> str:
    return tr("base.layout", format=layout.format.upper(), encoding=layout.encoding or "—",
              separator=_SEPARATOR_NAMES.get(layout.separator or "", "—"), header=layout.header_row or "—")


def layout_preview(layout: Layout, rows: int = 20) -> pd.DataFrame:
    width = len(layout.columns)
    body = [(row + [""] * width)[:width] for row in layout.sample[:rows]]
    return pd.DataFrame(body, columns=layout.columns)


def rejects_table(rejects: pd.DataFrame) -> pd.DataFrame:
    """The rejected rows with their reasons in the session's language."""
    reasons = [Reject(int(r.row), r.reason, r.value).text(lang()) for r in rejects.itertuples()]
    return pd.DataFrame({tr("base.col_row"): rejects["row"], tr("base.col_reason"): reasons,
                         tr("base.col_raw"): rejects["raw"]})


def run_load(workshop_id: str, path: Path, source_name: str, sheet: str | None, mapping: dict[str, str]) -> None:
    """Load in a worker thread while the page shows DuckDB's progress; the outcome lands in session state."""
    store, who, state = get_store(), actor(), {"share": 0.0, "key": "progress.reading"}

    def work() -> None:
        try:
            state["report"] = ingest.load(store, path, workshop_id=workshop_id, sheet=sheet, mapping=mapping,
                                          actor=who, source_name=source_name,
                                          progress=lambda share, key: state.update(share=share, key=key))
        except CxError as error:
            state["error"] = error
        except Exception as error:  # a file nobody foresaw still ends in a sentence, not a dead page
            state["error"] = IngestError("ingest.read_failed", detail=f"{type(error).__name__}: {error}"[:300])

    bar = st.progress(0.0, text=tr("progress.reading"))
    worker = threading.Thread(target=work, name="cx-load", daemon=True)
    worker.start()
    while worker.is_alive():
        bar.progress(state["share"], text=tr(state["key"]))
        worker.join(0.2)
    bar.empty()
    st.session_state["load_report"] = state.get("report")
    st.session_state["load_error"] = state["error"].message(lang()) if "error" in state else None


def vocabulary_choice(box, label: str, kind: str, current: str, key: str) -> str:
    """A choice among the method's keys of `kind` (department, channel…) shown by name, where another value
    can be typed in; the card's current value stays among the options. Returns "" for none."""
    from cxcore import method

    options = list(dict.fromkeys([*method.PREFIXES[kind], *([current] if current else [])]))
    return box.selectbox(label, options, index=options.index(current) if current else None, accept_new_options=True,
                         format_func=lambda value: method.name(kind, value, lang()), key=key) or ""


# -- charts ----------------------------------------------------------------------------------------------
# One colour per segment, in METHOD's order: champions, loyal, promising, at_risk, lost.
SEGMENT_COLOURS = ["#1B7F3B", "#4C9BE8", "#B8D98C", "#F2A541", "#D64545"]


def show_chart(chart, height: int = 420) -> None:
    """An Altair chart as tall as `height` px, with type big enough for the back of the room."""
    st.altair_chart(chart.configure_axis(labelFontSize=15, titleFontSize=16)
                    .configure_legend(labelFontSize=15, titleFontSize=16), width="stretch", height=height)


# -- versioned forms ---------------------------------------------------------------------------------------
def form_version(form: str, version: int, fields: tuple[str, ...]) -> int:
    """The record version an open form is based on: the one its widgets were filled from.

    Widgets keyed `form.field` keep what the user typed across reruns; the version is fixed when they
    are (re)filled from the record, so a save after someone else's change is refused as a conflict.
    """
    if any(f"{form}.{name}" not in st.session_state for name in fields):
        st.session_state[f"{form}.version"] = version
    return st.session_state[f"{form}.version"]


def form_saved(form: str, fields: tuple[str, ...]) -> None:
    """Forget the form's widgets so that they refill from the saved record."""
    for name in (*fields, "version"):
        st.session_state.pop(f"{form}.{name}", None)


def save_form(form: str, fields: tuple[str, ...], conflict: str | Callable[[ConflictError], str],
              save: Callable[[], Any]) -> None:
    """Run a form's versioned save: on success forget the form's widgets (they refill from the record) and
    rerun; on a conflict show `conflict` (the other person's change) and base the form on the new version."""
    try:
        save()
    except ConflictError as error:
        form_conflicted(form, error.current["version"])
        st.error(conflict(error) if callable(conflict) else conflict)
        return
    except CxError as error:  # refused: not the facilitator, a read-only room, a value out of range
        st.error(error.message(lang()))
        return
    form_saved(form, fields)
    st.toast(tr("workshop.saved"))
    st.rerun()


def form_conflicted(form: str, version: int) -> None:
    """The user has now been shown the other change: a second save is a deliberate overwrite."""
    st.session_state[f"{form}.version"] = version
