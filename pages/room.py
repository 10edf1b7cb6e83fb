"""The room: the join link and its QR code for the projector, who has joined and who is online, and the
facilitator's switches (PIN): read-only, projector mode, "follow me", the timer, the PIN, backup and restore."""
import tempfile
from pathlib import Path

import streamlit as st

import room_ui
import ui
from cxcore import access, invitation, method, participants, room, transfer, workshop
from cxcore.errors import CxError

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("room.title"))

link_box, people_box = st.columns([3, 2])
with link_box:
    address = st.session_state.get("room.address") or st.context.url or "http://localhost:8501"
    link = invitation.join_link(address, current.id)
    st.markdown(f"### {ui.tr('room.join_here')}")
    st.code(link, language=None)
    st.image(invitation.qr_png(link), width=320)


@st.fragment(run_every=5)
def people() -> None:
    joined = participants.all(store, current.id)
    online = set(participants.online(current.id))
    st.markdown(f"### {ui.tr('room.people', joined=len(joined), online=len(online))}")
    for person in joined:
        st.markdown(f"{':green[●]' if person.name in online else ':gray[○]'} {ui.plain(person.name)}")
    if not joined:
        st.caption(ui.tr("room.nobody"))


with people_box:
    people()

st.divider()
st.subheader(ui.tr("room.facilitator"))
boss = ui.facilitator_gate(current.id, key="room.pin")
if boss is None:
    st.stop()
state = room_ui.current()


def act(call, *args) -> None:
    try:
        call(store, current.id, *args, boss)
    except CxError as error:
        st.error(error.message(lang))
        return
    st.rerun()


st.text_input(ui.tr("room.address"), key="room.address", placeholder="http://192.168.1.10:8501",
              help=ui.tr("room.address_help"))
switch_box, project_box = st.columns(2)
if switch_box.toggle(ui.tr("room.read_only"), state.read_only, key="room.read_only") != state.read_only:
    act(room.set_read_only, not state.read_only)
if project_box.toggle(ui.tr("room.projector"), state.projector, key="room.projector",
                      help=ui.tr("room.projector_help")) != state.projector:
    act(room.set_projector, not state.projector)

st.markdown(f"#### {ui.tr('room.follow')}")
keys = ui.page_keys()
page_box, stage_box, pull_box, release_box = st.columns([3, 3, 1, 1], vertical_alignment="bottom")
page = page_box.selectbox(ui.tr("room.follow_page"), keys, index=keys.index(state.focus_page or "journey"),
                          format_func=lambda k: ui.tr(f"nav.{k}"), key="room.follow_page")
stage = stage_box.selectbox(ui.tr("room.follow_stage"), [None, *method.STAGES], key="room.follow_stage",
                            format_func=lambda k: ui.tr("room.all_stages") if k is None else ui.tr(f"stage.{k}"),
                            disabled=page != "journey")
if pull_box.button(ui.tr("room.pull"), type="primary", icon=":material/my_location:"):
    act(room.focus, page, stage if page == "journey" else None)
if release_box.button(ui.tr("room.release"), disabled=not state.focus_page):
    act(room.release)
if state.focus_page:
    st.caption(ui.tr("room.following", page=ui.tr(f"nav.{state.focus_page}"),
                     stage=ui.tr(f"stage.{state.focus_stage}") if state.focus_stage else "—"))

st.markdown(f"#### {ui.tr('room.timer')}")
minutes_box, label_box, start_box, stop_box = st.columns([1, 3, 1, 1], vertical_alignment="bottom")
minutes = minutes_box.number_input(ui.tr("room.minutes"), 0.5, 180.0, 10.0, 0.5, key="room.minutes")
label = label_box.text_input(ui.tr("room.timer_label"), key="room.timer_label", max_chars=80)
if start_box.button(ui.tr("room.timer_start"), type="primary", icon=":material/timer:"):
    act(room.start_timer, float(minutes), label.strip())
if stop_box.button(ui.tr("room.timer_stop"), disabled=state.timer_ends_at is None):
    act(room.stop_timer)

with st.expander(ui.tr("room.pin_change"), icon=":material/key:"):
    with st.form("room.new_pin"):
        pin = st.text_input(ui.tr("home.pin"), type="password", key="room.new_pin.pin")
        again = st.text_input(ui.tr("home.pin_again"), type="password", key="room.new_pin.again")
        if st.form_submit_button(ui.tr("room.pin_save")):
            if pin != again:
                st.error(ui.tr("home.pin_mismatch"))
            else:
                try:
                    access.set_pin(store, current.id, pin, boss)
                    ui.remember_facilitator(access.unlock(store, current.id, pin, str(boss)))
                    st.success(ui.tr("room.pin_saved"))
                except CxError as error:
                    st.error(error.message(lang))


def backup_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "backup.cxbackup"
        transfer.backup(store, current.id, path)
        return path.read_bytes()


with st.expander(ui.tr("room.backup"), icon=":material/save:"):
    st.caption(ui.tr("room.backup_help"))
    st.download_button(ui.tr("room.backup_download"), backup_bytes, f"{current.name}.cxbackup",
                       "application/zip", icon=":material/download:", on_click="ignore")
    uploaded = st.file_uploader(ui.tr("room.restore"), type=["cxbackup", "zip"], key="room.restore")
    restore_as = st.text_input(ui.tr("room.restore_as"), key="room.restore_as")
    if uploaded is not None and st.button(ui.tr("room.restore_go"), type="primary"):
        try:
            made = transfer.restore(store, ui.saved_upload(uploaded), restore_as.strip() or None, boss)
            st.success(ui.tr("room.restored", name=ui.plain(made.name)))
        except CxError as error:
            st.error(error.message(lang))

with st.expander(ui.tr("room.delete"), icon=":material/delete:"):
    sure = st.checkbox(ui.tr("room.delete_sure", name=ui.plain(current.name)), key="room.delete_sure")
    if st.button(ui.tr("room.delete_go"), disabled=not sure):
        try:
            workshop.delete(store, current, boss)
            st.session_state.pop("workshop_id", None)
            st.query_params.pop("w", None)
            st.switch_page(ui.HOME)
        except CxError as error:
            st.error(error.message(lang))
