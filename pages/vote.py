"""Dot voting on the journey's barriers and ideas: the facilitator opens a vote with N dots each, participants
spend them from their own browsers, the results appear live; the vote can be closed and reopened."""
import altair as alt
import pandas as pd
import streamlit as st

import room_ui
import ui
from cxcore import journey, journey_views, method, votes
from cxcore.errors import CxError

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("vote.title"))
me = ui.name_prompt()
room_ui.refresh_on_change(lambda: (votes.stamp(store, current.id), journey.stamp(store, current.id)))
mapped = ui.mapped_segment(current.id)
if mapped is None:
    st.info(ui.tr("journey_views.none"))
    st.stop()
segment, tree = mapped

state, tally, turnout = ui.votes_now(current.id)
if tally:
    texts = {card.id: card.text for card in (*tree.barriers, *tree.ideas)}
    leader = next((t for t in tally if t in texts), None)
    room_ui.presentation(ui.tr("vote.key_message", voters=len(turnout), dots=sum(turnout.values())),
                         f"{texts[leader]} · {tally[leader]}" if leader else None)

with st.expander(ui.tr("vote.facilitator"), icon=":material/tune:"):
    boss = ui.facilitator_gate(current.id, key="vote.pin")
    if boss is not None:
        dots_box, open_box, close_box = st.columns([2, 1, 1], vertical_alignment="bottom")
        dots = dots_box.number_input(ui.tr("vote.dots"), 1, votes.MAX_DOTS, state.dots or 5, key="vote.dots")
        try:
            if open_box.button(ui.tr("vote.open" if not state.started or not state.open else "vote.new_round"),
                               type="primary", key="vote.open"):
                votes.open_vote(store, current.id, int(dots), boss)
                st.rerun()
            if state.started and close_box.button(ui.tr("vote.close" if state.open else "vote.reopen"), key="vote.switch"):
                (votes.close_vote if state.open else votes.reopen_vote)(store, current.id, boss)
                st.rerun()
        except CxError as error:
            st.error(error.message(lang))


def spend(kind: str, target_id: str, add: bool) -> None:
    try:
        (votes.cast if add else votes.retract)(store, current.id, me, kind, target_id)
    except CxError as error:
        st.toast(error.message(lang))


def dot_row(kind: str, card, text: str, shown: dict, mine: dict, can_vote: bool) -> None:
    words, count, plus, minus = st.columns([8, 2, 1, 1], vertical_alignment="center")
    words.markdown(text)
    n, own = shown.get(card.id, 0), mine.get(card.id, 0)
    count.markdown(f"**{'●' * min(n, 10)}{'…' if n > 10 else ''} {n}**" if n else "·")
    plus.button("", icon=":material/add:", key=f"vote.plus.{card.id}", disabled=not can_vote,
                on_click=spend, args=(kind, card.id, True), help=ui.tr("vote.plus"))
    minus.button("", icon=":material/remove:", key=f"vote.minus.{card.id}", disabled=not (can_vote and own),
                 on_click=spend, args=(kind, card.id, False), help=ui.tr("vote.minus"))


@st.fragment
def ballot() -> None:
    """The cards with their dots and the participant's + and −, redrawn on the participant's own clicks and never
    on a timer: a click cannot land on a row that a timed redraw is just replacing."""
    state, shown, _ = ui.votes_now(current.id)
    shown_tree = ui.live_journey(current.id, segment) or tree
    mine = votes.my_dots(store, current.id, me) if me and state.started else {}
    if me and state.open:
        st.success(ui.tr("vote.left", left=state.dots - sum(mine.values()), dots=state.dots))
    can_vote = bool(me and state.open)
    for stage in shown_tree.stages:
        barriers = [(tp, b) for tp in stage.touchpoints for b in tp.barriers]
        if not barriers:
            continue
        st.subheader(ui.tr(f"stage.{stage.key}"))
        for tp, barrier in barriers:
            dot_row("barrier", barrier, f":red[:material/block:] {ui.plain(barrier.text)}", shown, mine, can_vote)
            for idea in barrier.ideas:
                dot_row("idea", idea, f"&emsp;:material/lightbulb: {ui.plain(idea.text)} · "
                        f"{method.name('quadrant', idea.quadrant, lang)}", shown, mine, can_vote)


def results() -> None:
    """The room's results (the page redraws when a dot or the vote changed: room_ui.refresh_on_change)."""
    state, shown, turnout = ui.votes_now(current.id)
    if not state.started:
        st.info(ui.tr("vote.not_started"))
    elif not state.open:
        st.warning(ui.tr("vote.closed", voters=len(turnout), dots=sum(turnout.values())))
    st.subheader(ui.tr("vote.results"))
    shown_tree = ui.live_journey(current.id, segment) or tree
    texts = {b.id: ("barrier", b.text) for b in shown_tree.barriers} | {i.id: ("idea", i.text) for i in shown_tree.ideas}
    top = [(texts[t][0], texts[t][1], n) for t, n in shown.items() if t in texts][:12]
    if top:
        frame = pd.DataFrame(top, columns=["kind", "text", "dots"]).assign(
            kind=lambda d: d["kind"].map(lambda k: ui.tr(f"journey.kind.{k}")),
            label=lambda d: [journey_views.shorten(t, 48) for t in d["text"]])
        ui.show_chart(alt.Chart(frame).mark_bar().encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=380)),
            x=alt.X("dots:Q", title=ui.tr("vote.dots_axis"), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="top"),
                            scale=alt.Scale(range=["#D64545", "#0B5FA5"])),
            tooltip=["text:N", "dots:Q"]), height=60 + 34 * len(frame))
    st.caption(ui.tr("vote.turnout", voters=len(turnout), dots=sum(turnout.values())))


board_box, results_box = st.columns([3, 2])
with board_box:
    ballot()
with results_box:
    results()
