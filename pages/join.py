"""Where the join link lands (`/join?w=<workshop id>`): the participant types a name once and is in the workshop."""
import streamlit as st

import ui

current = ui.current_workshop()
st.title(ui.tr("join.title", name=ui.plain(current.client or current.name)))
st.caption(ui.tr("join.lead"))
if ui.name_prompt():
    st.switch_page("pages/agenda.py")
