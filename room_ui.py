"""The room around every page: the countdown timer everyone sees, projector mode, "follow me", the read-only
notice and who is online. app.py calls `chrome` once per run (before the page) and `watch` (a small fragment
that reruns the app when the facilitator changed the room); pages call `presentation` with their key message.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

import streamlit as st
import streamlit.components.v1 as components

import ui
from cxcore import participants, room

_ROOM = "room.now"            # session: the room as this run read it
_SEEN = "room.stamp"          # session: the room's version this session has drawn
_FOLLOWED = "room.followed"   # session: the last "follow me" pull this session obeyed
_LIVE = "room.live"           # session: (the page's stamp function, its value when the page was drawn)

_PROJECTOR_CSS = """<style>
html { font-size: 24px; }
h1 { font-size: 3.2rem !important; line-height: 1.15 !important; }
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stSidebar"] { display: none; }
.block-container { padding-top: 3rem; max-width: 96vw; }
</style>"""
# On a presenting screen the pages' controls step aside (the facilitator's room page keeps them).
_NO_WIDGETS_CSS = """<style>
[data-testid="stExpander"], [data-testid="stForm"], [data-testid="stFileUploader"],
[data-testid="stSelectbox"], [data-testid="stTextInput"], [data-testid="stNumberInput"],
[data-testid="stDateInput"], [data-testid="stButtonGroup"], [data-testid="stDownloadButton"],
[data-testid="stCheckbox"], [data-testid="stRadio"], [data-testid="stTextArea"] { display: none; }
</style>"""


def current() -> room.Room:
    """The room as this run read it (chrome reads it once per run)."""
    found = st.session_state.get(_ROOM)
    return found if found is not None else room.get(ui.get_store(), st.session_state.get("workshop_id") or "demo")


def chrome(workshop_id: str, page_key: str) -> None:
    """Above every page: mark the participant online, obey "follow me", show the read-only notice and the timer,
    and turn on the projector's large type on the screens that present."""
    state = room.get(ui.get_store(), workshop_id)
    st.session_state[_ROOM] = state
    st.session_state.pop(_LIVE, None)  # a page with live data registers its stamp again
    st.session_state[_SEEN] = state.version
    name = ui.participant()
    if name:
        participants.seen(workshop_id, name)
    boss = ui.facilitator(workshop_id) is not None
    if boss:
        ui.keep_facilitator_in_browser(workshop_id)
    _follow(state, page_key, boss)
    if state.read_only and not boss:
        st.info(ui.tr("room.read_only_banner"), icon=":material/visibility:")
    if state.timer_ends_at is not None:
        timer(state)
    if projecting():
        st.html(_PROJECTOR_CSS + ("" if page_key == "room" else _NO_WIDGETS_CSS))


def _follow(state: room.Room, page_key: str, boss: bool) -> None:
    """A participant is moved once to the page the facilitator pulled everyone to; after that they may wander."""
    if boss or not state.focus_page or st.session_state.get(_FOLLOWED, 0) >= state.focus_seq:
        st.session_state[_FOLLOWED] = max(st.session_state.get(_FOLLOWED, 0), state.focus_seq)
        return
    st.session_state[_FOLLOWED] = state.focus_seq
    target = ui.page_path(state.focus_page)
    if target and state.focus_page != page_key:
        st.switch_page(target)


def focus_stage() -> str | None:
    """The journey stage the facilitator pulled everyone to, if any."""
    state = current()
    return state.focus_stage if state.focus_page in (None, "journey") else None


@st.fragment(run_every=2)
def watch(workshop_id: str) -> None:
    """The one live check of every page, every 2 s: the room's version (timer, projector, focus, read-only) and the
    page's own (`refresh_on_change`), two cheap queries; the whole page reruns only when one of them moved since it
    was drawn, and not while a card is being typed (it redraws after). Idle pages cost two queries per tick."""
    started = time.perf_counter()
    try:
        _check(workshop_id)
    finally:
        ui.log_run("live check", started)


def _check(workshop_id: str) -> None:
    name = ui.participant()
    if name:
        participants.seen(workshop_id, name)
    if st.session_state.get("journey.dialog"):
        return
    live = st.session_state.get(_LIVE)
    if (moved(shared(("room", workshop_id), lambda: room.stamp(ui.get_store(), workshop_id)),
              st.session_state.get(_SEEN))
            or (live and moved(shared((live[0].__code__, workshop_id), live[0]), live[1]))):
        st.rerun()


def moved(now: Any, drawn: Any) -> bool:
    """Stamps only grow (the change log's ids, a version): a shared value a second older than what the page drew
    is no change, so it never reruns a page under someone's click for nothing."""
    if drawn is None:
        return False
    if isinstance(now, tuple):
        return any(a > b for a, b in zip(now, drawn))
    return now > drawn


_stamps: dict[tuple, tuple[float, Any]] = {}
_stamps_lock = threading.Lock()


def shared(key: tuple, stamp: Callable[[], Any], fresh: float = 1.0) -> Any:
    """A stamp read at most once a second for all the sessions of the process: 40 browsers polling every 2 s cost
    one query a second, not twenty."""
    now, key = time.monotonic(), (str(ui.get_store().path), *key)
    with _stamps_lock:
        found = _stamps.get(key)
        if found is not None and now - found[0] < fresh:
            return found[1]
    value = stamp()
    with _stamps_lock:
        _stamps[key] = (now, value)
    return value


def refresh_on_change(stamp: Callable[[], Any]) -> None:
    """A live page calls this before it reads its data: `watch` reruns the page when `stamp()` (one cheap query)
    moves, so everyone's changes appear within seconds without redrawing every widget on a timer."""
    st.session_state[_LIVE] = (stamp, stamp())


def timer(state: room.Room) -> None:
    """The countdown, ticking in the browser (no reruns); a soft chime and a green box when it ends."""
    ends = state.timer_ends_at.replace(tzinfo=timezone.utc).timestamp() * 1000
    done_text = ui.tr("room.timer_done")
    label = state.timer_label or ui.tr("room.timer")
    script = _TIMER_HTML.replace("__END__", str(int(ends))).replace("__LABEL__", _js(label)).replace(
        "__DONE__", _js(done_text))
    components.html(script, height=64)


def _js(text: str) -> str:
    """A string for a script: JSON, with `<` escaped so no text can close the script element."""
    return json.dumps(str(text)).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_TIMER_HTML = """<div id="t" style="font:600 26px system-ui,sans-serif;padding:8px 16px;border-radius:10px;
background:#EEF4FB;color:#0B3C6B;display:inline-block"></div>
<script>
const end = __END__, label = __LABEL__, doneText = __DONE__, el = document.getElementById("t");
let done = end <= Date.now();
function chime() {
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    [660, 880].forEach((f, i) => {
      const o = ctx.createOscillator(), g = ctx.createGain(), t0 = ctx.currentTime + i * 0.35;
      o.frequency.value = f; o.connect(g); g.connect(ctx.destination);
      g.gain.setValueAtTime(0.0001, t0); g.gain.exponentialRampToValueAtTime(0.15, t0 + 0.05);
      g.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.6); o.start(t0); o.stop(t0 + 0.7);
    });
  } catch (e) {}
}
function tick() {
  const left = Math.max(0, Math.round((end - Date.now()) / 1000));
  if (left === 0) {
    el.textContent = label + " · " + doneText;
    el.style.background = "#E3F4E8"; el.style.color = "#1B5E20";
    if (!done) { done = true; chime(); }
    return;
  }
  const m = Math.floor(left / 60), s = left % 60;
  el.textContent = label + " · " + m + ":" + String(s).padStart(2, "0");
}
tick(); setInterval(tick, 250);
</script>"""


def projecting() -> bool:
    """Projector mode is on and this screen presents: the facilitator's own, or one opened with `?screen=1`."""
    state = current()
    return bool(state.projector and (ui.facilitator(state.workshop_id) is not None
                                     or st.query_params.get("screen") == "1"))


def presentation(message: str, detail: str | None = None, chart: Any = None, height: int = 480) -> None:
    """In projector mode: the page's one key message in large type (and its chart) instead of its widgets."""
    if not projecting():
        return
    state = current()
    st.markdown(f"# {ui.plain(message)}")
    if detail:
        st.markdown(f"### {ui.plain(detail)}")
    if chart is not None:
        ui.show_chart(chart, height=height)
    boss = ui.facilitator(state.workshop_id)
    if boss is not None and st.button(ui.tr("room.projector_exit"), type="tertiary", icon=":material/close:"):
        room.set_projector(ui.get_store(), state.workshop_id, False, boss)
        st.rerun()
    st.stop()


def seconds_left() -> int | None:
    return room.seconds_left(current(), datetime.now(timezone.utc).replace(tzinfo=None))
