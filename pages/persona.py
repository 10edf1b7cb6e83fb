"""Personas and personalisation: a segment's persona card (the figures from the base, what the room wrote), its form,
and the segment's personalisation plan (preventive and reactive actions, suggestions from the data, the feed into
the contact policy). Live: everyone's changes appear within seconds."""
import streamlit as st

import persona_ui
import room_ui
import ui
from cxcore import persona, rfm_settings
from cxcore.segments import SEGMENTS

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("persona.title"))
me = ui.name_prompt()
names = ui.segment_names()

room_ui.refresh_on_change(lambda: persona.stamp(store, current.id))
target = rfm_settings.target_segment(store, current.id) or "at_risk"
segment = st.segmented_control(ui.tr("persona.segment"), SEGMENTS, default=target, format_func=names.get,
                               key="persona.segment") or target
room_ui.presentation(*persona_ui.key_message(store, current.id, segment, lang))

persona_ui.card(store, current.id, segment, lang)
if me:
    persona_ui.persona_form(store, current.id, segment)
persona_ui.plan(store, current.id, segment, editable=bool(me))
