"""The business case, every number with how it was computed and its source, the survey figures as editable
assumptions; and the contact and content policy per segment with the 50/50 golden rule checked."""
from dataclasses import replace

import pandas as pd
import streamlit as st

import room_ui
import ui
from cxcore import method, roadmap
from cxcore.errors import CxError
from cxcore.segments import SEGMENTS

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("business.title"))
names = ui.segment_names()

case = roadmap.business_case(store, current.id, lang)
if any(line.key == "revenue_at_risk" for line in case.lines):
    room_ui.presentation(f"{case.line('revenue_at_risk').label}: {case.line('revenue_at_risk').shown}",
                         case.line("revenue_at_risk").formula)
if case.segment:
    st.caption(ui.tr("business.segment", segment=names[case.segment]))
for key, column in zip(("revenue_at_risk", "revenue_kept", "return_ratio"), st.columns(3)):
    if any(line.key == key for line in case.lines):
        line = case.line(key)
        column.metric(line.label, line.shown or "—", help=line.formula)
st.dataframe(pd.DataFrame({
    ui.tr("business.col.line"): [line.label for line in case.lines],
    ui.tr("business.col.value"): [line.shown for line in case.lines],
    ui.tr("business.col.formula"): [line.formula for line in case.lines],
    ui.tr("business.col.source"): [line.source for line in case.lines],
}), hide_index=True, width="stretch", height=38 * len(case.lines) + 40)

found = roadmap.assumptions(store, current.id)
form = "business.assumptions"
seen = ui.form_version(form, found.version, roadmap.KEYS)
with st.expander(ui.tr("business.assumptions"), icon=":material/tune:"), st.form(form):
    typed = {}
    for key, column in zip(roadmap.KEYS, st.columns(3) * len(roadmap.KEYS)):
        typed[key] = column.number_input(ui.tr(f"case.line.{key}"), value=float(getattr(found, key)), format="%.3f",
                                         key=f"{form}.{key}", help=found.source(key, lang))
    if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
        try:
            ui.save_form(form, roadmap.KEYS, ui.tr("rfm.settings_conflict"),
                         lambda: roadmap.save_assumptions(store, replace(found, version=seen), ui.actor(), **typed))
        except CxError as error:
            st.error(error.message(lang))

st.subheader(ui.tr("business.policy"))
st.caption(ui.tr("business.policy_help"))
policies = {p.segment: p for p in roadmap.policies(store, current.id)}
st.dataframe(pd.DataFrame({
    ui.tr("rfm.col.segment"): [names[s] for s in SEGMENTS],
    ui.tr("business.col.channels"): [", ".join(policies[s].channel_names(lang)) if s in policies else "" for s in SEGMENTS],
    ui.tr("business.col.per_month"): [policies[s].per_month if s in policies else None for s in SEGMENTS],
    ui.tr("business.col.content"): [policies[s].content_share if s in policies else None for s in SEGMENTS],
    ui.tr("business.col.warnings"): [" ".join(policies[s].warnings(lang)) if s in policies else "" for s in SEGMENTS],
}), hide_index=True, width="stretch", column_config={
    ui.tr("business.col.content"): st.column_config.NumberColumn(format="percent")})
for warning in (w for p in policies.values() for w in p.warnings(lang)):
    st.warning(warning)

segment = st.selectbox(ui.tr("business.edit_policy"), SEGMENTS, format_func=names.get, key="business.segment")
plan = roadmap.policy(store, current.id, segment)
form = f"business.policy.{segment}"
fields = ("channels", "per_month", "content")
seen_plan = ui.form_version(form, plan.version, fields)
with st.form(form):
    channels = st.multiselect(ui.tr("business.col.channels"), list(dict.fromkeys([*method.CHANNELS, *plan.channels])),
                              list(plan.channels), format_func=lambda c: method.name("channel", c, lang),
                              accept_new_options=True, key=f"{form}.channels")
    per_box, content_box = st.columns(2)
    per_month = per_box.number_input(ui.tr("business.col.per_month"), 0.0, 60.0, plan.per_month, key=f"{form}.per_month")
    content = content_box.slider(ui.tr("business.col.content"), 0, 100, round(plan.content_share * 100), 5,
                                 format="%d %%", key=f"{form}.content")
    if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
        try:
            ui.save_form(form, fields, ui.tr("rfm.settings_conflict"), lambda: roadmap.save_policy(
                store, replace(plan, version=seen_plan), ui.actor(), channels=channels, per_month=per_month,
                content_share=content / 100))
        except CxError as error:
            st.error(error.message(lang))
