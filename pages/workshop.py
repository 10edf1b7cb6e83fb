"""The workshop's front page: what it is, where the base stands, its details (versioned save)."""
from dataclasses import replace

import streamlit as st

import room_ui
import ui
from cxcore import workshop
from cxcore.i18n import fmt_date, fmt_number

current = ui.current_workshop()
lang = ui.lang()
st.title(ui.plain(current.client or current.name))
st.caption(" · ".join(x for x in (ui.plain(current.industry), fmt_date(current.held_on, lang),
                                   ui.plain(current.facilitator)) if x))

base_id = ui.current_base_id(current.id)
room_ui.presentation(current.client or current.name, " · ".join(
    x for x in (current.industry, fmt_date(current.held_on, lang), current.facilitator) if x))
if base_id is None:
    st.info(ui.tr("workshop.base_none"))
else:
    summary = ui.base_summary(current.id, base_id)
    st.success(ui.tr("workshop.base_loaded", source=ui.plain(summary.source_name),
                     customers=fmt_number(summary.customers, lang),
                     rows=fmt_number(summary.rows_loaded, lang), at=fmt_date(summary.loaded_at, lang)))
st.page_link("pages/base.py", label=ui.tr("workshop.step1"), icon=":material/groups:")

form = f"workshop-{current.id}"
seen = ui.form_version(form, current.version, workshop.EDITABLE)


def details_form(boss) -> None:
    with st.form(form):
        values = {
            "name": st.text_input(ui.tr("workshop.name"), current.name, key=f"{form}.name"),
            "client": st.text_input(ui.tr("workshop.client"), current.client, key=f"{form}.client"),
            "industry": st.text_input(ui.tr("workshop.industry"), current.industry, key=f"{form}.industry"),
            "held_on": st.date_input(ui.tr("workshop.held_on"), current.held_on, format="DD.MM.YYYY",
                                     key=f"{form}.held_on"),
            "facilitator": st.text_input(ui.tr("workshop.facilitator"), current.facilitator,
                                         key=f"{form}.facilitator"),
            "language": st.selectbox(ui.tr("workshop.language"), workshop.LANGUAGES, key=f"{form}.language",
                                     index=workshop.LANGUAGES.index(current.language)),
        }
        if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
            ui.save_form(form, workshop.EDITABLE, lambda error: ui.tr("workshop.conflict", current=", ".join(
                             ui.plain(error.current[name]) for name in workshop.EDITABLE if error.current.get(name))),
                         lambda: workshop.update(ui.get_store(), replace(current, version=seen), boss, **values))


with st.expander(ui.tr("workshop.title")):
    boss = ui.facilitator_gate(current.id, key="workshop.pin")
    if boss is not None:
        details_form(boss)
