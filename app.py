"""CX Journey Studio: the entry point. `streamlit run app.py`"""
import streamlit as st

import room_ui
import ui

st.set_page_config(page_title="CX Journey Studio", page_icon="🧭", layout="wide", initial_sidebar_state="collapsed")

# Navigation along the top and the language at the right: the page gets the projector's full width.
_, language = st.columns([6, 1])
with language:
    ui.language_switch()

with ui.app_run():
    current = ui.current_workshop()
    pages = {
        ui.tr(group): [st.Page(path, title=ui.tr(title), icon=icon, default=(path == ui.HOME))
                       for path, title, icon in entries]
        for group, entries in ui.PAGES.items()
    }
    pages[ui.tr("nav.group.room")].append(st.Page(ui.JOIN, title=ui.tr("nav.join"), url_path="join",
                                                  visibility="hidden"))
    page = st.navigation(pages, position="top")
    ui.set_run_page(page.url_path or "home")
    room_ui.chrome(current.id, page.url_path or "home")
    room_ui.watch(current.id)
    page.run()
