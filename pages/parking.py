"""The parking lot: questions and ideas that do not fit the current block, visible to all, reviewed by the
facilitator at the end of each day (answered, to the roadmap, dropped)."""
from dataclasses import replace

import streamlit as st

import room_ui
import ui
from cxcore import parking
from cxcore.errors import CxError

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("parking.title"))
me = ui.name_prompt()
boss = ui.facilitator(current.id)
KIND_ICON = {"question": ":material/help:", "idea": ":material/lightbulb:"}

room_ui.refresh_on_change(lambda: parking.stamp(store, current.id))
items = parking.items(store, current.id)
open_items = [i for i in items if i.status == "open"]
room_ui.presentation(ui.tr("parking.headline", open=len(open_items), total=len(items)),
                     " · ".join(i.text for i in open_items[:5]) or None)

if me:
    with st.form("parking.new", clear_on_submit=True):
        text_box, kind_box, day_box = st.columns([6, 2, 1], vertical_alignment="bottom")
        text = text_box.text_input(ui.tr("parking.text"), max_chars=500, key="parking.new.text")
        kind = kind_box.segmented_control(ui.tr("parking.kind"), list(KIND_ICON), default="question",
                                          format_func=lambda k: ui.tr(f"parking.kind.{k}"), key="parking.new.kind")
        day = day_box.selectbox(ui.tr("agenda.day_field"), [1, 2], key="parking.new.day")
        if st.form_submit_button(ui.tr("parking.add"), type="primary", icon=":material/add:") and text.strip():
            try:
                parking.add(store, current.id, ui.actor(), text, kind or "question", day)
                st.rerun()
            except CxError as error:
                st.error(error.message(lang))


def review(item) -> None:
    form = f"parking.item.{item.id}"
    seen = ui.form_version(form, item.version, ("status", "answer"))
    with st.form(form, border=False):
        status_box, answer_box, save_box = st.columns([2, 5, 1], vertical_alignment="bottom")
        status = status_box.selectbox(ui.tr("parking.status"), parking.STATUSES, key=f"{form}.status",
                                      index=parking.STATUSES.index(item.status),
                                      format_func=lambda s: ui.tr(f"parking.status.{s}"))
        answer = answer_box.text_input(ui.tr("parking.answer"), item.answer, key=f"{form}.answer")
        if save_box.form_submit_button(ui.tr("workshop.save")):
            ui.save_form(form, ("status", "answer"), ui.tr("parking.conflict"),
                         lambda: parking.update(store, replace(item, version=seen), boss, status=status, answer=answer))


def board() -> None:
    shown = items
    if not shown:
        st.info(ui.tr("parking.empty"))
    for day in (1, 2):
        day_items = [i for i in shown if i.day == day]
        if not day_items:
            continue
        st.subheader(ui.tr("agenda.day", day=day, date=""))
        for item in day_items:
            with st.container(border=True):
                done = item.status != "open"
                text = f"{KIND_ICON.get(item.kind, '')} {ui.plain(item.text)}"
                st.markdown(f"~~{text}~~" if item.status == "dropped" else text)
                st.caption(" · ".join(x for x in (ui.plain(item.author), ui.tr(f"parking.status.{item.status}"),
                                                  ui.plain(item.answer) if done else "") if x))


board()
if boss is not None and items:  # outside the timed board: a save can never race a redraw
    with st.expander(ui.tr("parking.review"), icon=":material/fact_check:"):
        for item in items:
            st.markdown(f"{KIND_ICON.get(item.kind, '')} {ui.plain(item.text)}")
            review(item)
