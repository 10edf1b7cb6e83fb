"""The two days' agenda: blocks with time, goal and the page they use; the current block highlighted; the
facilitator starts a block (and its timer) and edits the agenda."""
from dataclasses import replace
from datetime import datetime

import streamlit as st

import room_ui
import ui
from cxcore import agenda, room
from cxcore.errors import CxError
from cxcore.i18n import fmt_date

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("agenda.title"))
boss = ui.facilitator(current.id)
state = room_ui.current()
blocks = agenda.blocks(store, current.id)
now = datetime.now()
running = agenda.current(blocks, state, now.date(), now.time(), current.held_on)

if running is not None:
    room_ui.presentation(running.title, f"{running.starts_at} · {running.minutes} {ui.tr('agenda.min')} · {running.goal}")
    with st.container(border=True):
        st.markdown(f"### :material/play_circle: {ui.plain(running.title)}")
        st.markdown(ui.plain(running.goal) or "")
        if running.page and ui.page_path(running.page):
            st.page_link(ui.page_path(running.page), label=ui.tr("agenda.go", page=ui.tr(f"nav.{running.page}")),
                         icon=":material/arrow_forward:")
elif not blocks:
    st.info(ui.tr("agenda.empty"))
    if boss is not None and st.button(ui.tr("agenda.create_default"), type="primary", icon=":material/event_note:"):
        agenda.create_default(store, current.id, current.language, boss)
        st.rerun()


def start(block) -> None:
    try:
        room.start_block(store, current.id, block.id, boss)
    except CxError as error:
        st.toast(error.message(lang))


for day, column in zip((1, 2), st.columns(2)):
    with column:
        held = current.held_on
        when = fmt_date(held.fromordinal(held.toordinal() + day - 1), lang) if held else ""
        st.subheader(ui.tr("agenda.day", day=day, date=when))
        for block in [b for b in blocks if b.day == day]:
            is_now = running is not None and block.id == running.id
            text_box, action_box = st.columns([6, 1], vertical_alignment="center")
            title = f"**{block.starts_at}** · {ui.plain(block.title)} · {block.minutes} {ui.tr('agenda.min')}"
            text_box.markdown(f":blue-background[{title}]" if is_now else title)
            if block.goal:
                text_box.caption(ui.plain(block.goal))
            if boss is not None:
                action_box.button("", icon=":material/play_arrow:", key=f"agenda.start.{block.id}",
                                  help=ui.tr("agenda.start"), on_click=start, args=(block,))

if boss is None:
    st.stop()

st.divider()
st.subheader(ui.tr("agenda.edit"))
FIELDS = ("day", "starts_at", "minutes", "title", "goal", "page")
pages = [None, *ui.page_keys()]


def block_form(form: str, block) -> dict:
    day_box, start_box, minutes_box, page_box = st.columns(4)
    return {
        "day": day_box.selectbox(ui.tr("agenda.day_field"), [1, 2], index=(block.day - 1) if block else 0,
                                 key=f"{form}.day"),
        "starts_at": start_box.text_input(ui.tr("agenda.starts_at"), block.starts_at if block else "09:30",
                                          key=f"{form}.starts_at"),
        "minutes": minutes_box.number_input(ui.tr("agenda.minutes"), 1, 600, block.minutes if block else 30,
                                            key=f"{form}.minutes"),
        "page": page_box.selectbox(ui.tr("agenda.page"), pages, index=pages.index(block.page) if block and
                                   block.page in pages else 0, key=f"{form}.page",
                                   format_func=lambda k: "—" if k is None else ui.tr(f"nav.{k}")),
        "title": st.text_input(ui.tr("agenda.block_title"), block.title if block else "", key=f"{form}.title"),
        "goal": st.text_area(ui.tr("agenda.goal"), block.goal if block else "", key=f"{form}.goal", height=80),
    }


if blocks:
    chosen = st.selectbox(ui.tr("agenda.choose"), blocks, key="agenda.choose",
                          format_func=lambda b: f"{ui.tr('agenda.day', day=b.day, date='')} {b.starts_at} · {b.title}")
    form = f"agenda.block.{chosen.id}"
    seen = ui.form_version(form, chosen.version, FIELDS)
    with st.form(form):
        values = block_form(form, chosen)
        save_box, delete_box = st.columns([1, 1])
        saved = save_box.form_submit_button(ui.tr("workshop.save"), type="primary")
        deleted = delete_box.form_submit_button(ui.tr("agenda.delete"))
    if saved:
        ui.save_form(form, FIELDS, lambda error: ui.tr("agenda.conflict", title=ui.plain(error.current.get("title", ""))),
                     lambda: agenda.update(store, replace(chosen, version=seen), boss, **values))
    if deleted:
        try:
            agenda.delete(store, chosen, boss)
            st.rerun()
        except CxError as error:
            st.error(error.message(lang))

with st.expander(ui.tr("agenda.add"), icon=":material/add:"):
    with st.form("agenda.new", clear_on_submit=True):
        values = block_form("agenda.new", None)
        if st.form_submit_button(ui.tr("agenda.add"), type="primary"):
            try:
                agenda.add(store, current.id, boss, **values)
                st.rerun()
            except CxError as error:
                st.error(error.message(lang))
