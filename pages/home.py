"""The facilitator's home: the workshops (client, date, how far the method got, participants) — those without a
PIN and those this browser entered the PIN of; another one opens by its name and PIN, so nobody learns which
workshops exist. Archive one, or start a new one from an industry template or as the follow-up of an earlier one."""
from datetime import date

import streamlit as st

import ui
from cxcore import home, journey
from cxcore.errors import CxError
from cxcore.i18n import fmt_date

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("home.title"))
st.caption(ui.tr("home.open_now", name=ui.plain(current.client or current.name)))


def open_workshop(workshop_id: str) -> None:
    st.session_state["workshop_id"] = workshop_id
    st.query_params["w"] = workshop_id
    st.switch_page("pages/workshop.py")


def row(item, archived: bool) -> None:
    name_box, stage_box, people_box, open_box, archive_box = st.columns([4, 3, 2, 1, 1], vertical_alignment="center")
    name_box.markdown(f"**{ui.plain(item.client or item.name)}** · {ui.plain(item.name)}  \n"
                      f"{fmt_date(item.held_on, lang)}" + (" · " + ui.tr("home.follow_up") if item.follows_id else ""))
    stage_box.progress(item.stage_index / (len(home.STAGES) - 1),
                       text=ui.tr("home.stage", stage=ui.tr(f"home.stage.{item.stage}")))
    people_box.markdown(ui.tr("home.participants", count=item.participants))
    if open_box.button(ui.tr("home.open"), key=f"home.open.{item.id}", type="primary" if item.id == current.id else
                       "secondary"):
        open_workshop(item.id)
    boss = ui.facilitator(item.id)
    if boss is not None and archive_box.button(ui.tr("home.unarchive" if archived else "home.archive"),
                                               key=f"home.archive.{item.id}", type="tertiary"):
        try:
            (home.unarchive if archived else home.archive)(store, item.id, boss)
            st.rerun()
        except CxError as error:
            st.error(error.message(lang))


rows = [r for r in home.overview(store, include_archived=True) if not r.has_pin or ui.facilitator(r.id) is not None]
for item in [r for r in rows if not r.archived]:
    with st.container(border=True):
        row(item, archived=False)
archived = [r for r in rows if r.archived]
if archived:
    with st.expander(ui.tr("home.archived", count=len(archived))):
        for item in archived:
            row(item, archived=True)

with st.expander(ui.tr("home.unlock"), icon=":material/key:"):
    with st.form("home.unlock", border=False):
        name_box, pin_box = st.columns(2)
        wanted = name_box.text_input(ui.tr("workshop.name"), key="home.unlock.name")
        pin = pin_box.text_input(ui.tr("home.pin"), type="password", key="home.unlock.pin")
        if st.form_submit_button(ui.tr("room.unlock"), type="primary"):
            try:
                proof = home.unlock_by_name(store, wanted, pin, ui.participant() or "facilitator")
                ui.remember_facilitator(proof)
                open_workshop(proof.workshop_id)
            except CxError as error:
                st.error(error.message(lang))

st.subheader(ui.tr("home.new"))
earlier = {r.id: r for r in rows if not r.archived and ui.facilitator(r.id) is not None}
templates = {t.key: t for t in journey.templates()}
with st.form("home.new", border=True):
    follows = st.selectbox(ui.tr("home.follows"), [None, *earlier], key="home.new.follows",
                           format_func=lambda w: ui.tr("home.follows_none") if w is None else
                           f"{earlier[w].client or earlier[w].name} · {fmt_date(earlier[w].held_on, lang)}")
    name_box, client_box = st.columns(2)
    name = name_box.text_input(ui.tr("workshop.name"), key="home.new.name")
    client = client_box.text_input(ui.tr("workshop.client"), key="home.new.client")
    held_box, template_box, language_box = st.columns(3)
    held_on = held_box.date_input(ui.tr("workshop.held_on"), date.today(), format="DD.MM.YYYY", key="home.new.held_on")
    template = template_box.selectbox(ui.tr("home.template"), [None, *templates], key="home.new.template",
                                      format_func=lambda k: ui.tr("home.template_none") if k is None
                                      else templates[k].name(lang))
    language = language_box.selectbox(ui.tr("workshop.language"), ["ru", "en"], index=0 if lang == "ru" else 1,
                                      key="home.new.language")
    who_box, pin_box, again_box = st.columns(3)
    facilitator = who_box.text_input(ui.tr("workshop.facilitator"), key="home.new.facilitator")
    pin = pin_box.text_input(ui.tr("home.pin"), type="password", key="home.new.pin")
    again = again_box.text_input(ui.tr("home.pin_again"), type="password", key="home.new.pin_again")
    st.caption(ui.tr("home.pin_help"))
    if st.form_submit_button(ui.tr("home.create"), type="primary", icon=":material/add:"):
        if pin != again:
            st.error(ui.tr("home.pin_mismatch"))
        elif not (name.strip() or client.strip()):
            st.error(ui.tr("home.name_needed"))
        else:
            try:
                details = dict(held_on=held_on, facilitator=facilitator.strip(), language=language)
                if follows:
                    made, proof = home.follow_up(store, follows, name.strip() or client.strip(), pin=pin,
                                                 actor=ui.facilitator(follows), **details)
                else:
                    made, proof = home.create(store, name.strip() or client.strip(), pin=pin, client=client.strip(),
                                              industry=templates[template].name(language) if template else "",
                                              template=template, actor=ui.participant() or "facilitator", **details)
                ui.remember_facilitator(proof)
                open_workshop(made.id)
            except CxError as error:
                st.error(error.message(lang))
