"""CX Journey Studio: the entry point. `streamlit run app.py`"""
import streamlit as st

import ui

st.set_page_config(page_title="CX Journey Studio", page_icon="🧭", layout="wide", initial_sidebar_state="collapsed")

# Navigation along the top and the language at the right: the page gets the projector's full width.
_, language = st.columns([6, 1])
with language:
    ui.language_switch()

with ui.app_run():
    ui.current_workshop()
    pages = {
        ui.tr(group): [st.Page(path, title=ui.tr(title), icon=icon, default=(path == "pages/workshop.py"))
                       for path, title, icon in entries]
        for group, entries in ui.PAGES.items()
    }
    st.navigation(pages, position="top").run()
