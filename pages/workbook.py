"""The workshop's Excel workbook: download it to forward; after the meeting, upload the owners' edited copy,
see what it would change (and which rows cannot be used, and why), then apply it through the versioned store."""
import pandas as pd
import streamlit as st

import ui
from cxcore import workbook, workbook_import
from cxcore.errors import CxError

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("workbook.title"))
st.caption(ui.tr("workbook.help"))
if st.button(ui.tr("workbook.prepare"), icon=":material/table_view:", key="workbook.prepare"):
    st.session_state["workbook.bytes"] = workbook.export_bytes(store, current.id)
if st.session_state.get("workbook.bytes"):
    st.download_button(ui.tr("workbook.download"), st.session_state["workbook.bytes"],
                       workbook.file_name(current.name), type="primary", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(ui.tr("workbook.back"))
uploaded = st.file_uploader(ui.tr("workbook.upload"), type=["xlsx"], key="workbook.upload")
if uploaded is None:
    st.stop()
try:
    found = workbook_import.diff(store, current.id, uploaded.getvalue())
except CxError as error:
    st.error(error.message(lang))
    st.stop()
st.info(ui.tr("workbook.diff_line", changed=found.changed_rows, unchanged=found.unchanged, rejected=len(found.rejected)))
if found.changes:
    st.dataframe(pd.DataFrame({
        ui.tr("workbook.col.sheet"): [c.sheet for c in found.changes],
        ui.tr("workbook.col.row"): [c.row for c in found.changes],
        ui.tr("workbook.col.field"): [c.field for c in found.changes],
        ui.tr("workbook.col.old"): [str(c.old if c.old is not None else "") for c in found.changes],
        ui.tr("workbook.col.new"): [str(c.new if c.new is not None else "") for c in found.changes],
    }), hide_index=True, width="stretch")
if found.rejected:
    st.warning(ui.tr("workbook.rejected"))
    st.dataframe(pd.DataFrame({
        ui.tr("workbook.col.sheet"): [r.sheet for r in found.rejected],
        ui.tr("workbook.col.row"): [r.row for r in found.rejected],
        ui.tr("workbook.col.reason"): [r.reason(lang) for r in found.rejected],
    }), hide_index=True, width="stretch")
if found.changes and st.button(ui.tr("workbook.apply"), type="primary", key="workbook.apply"):
    done = workbook_import.apply(store, found, ui.actor())
    st.success(ui.tr("workbook.applied", changed=done.changed, rejected=len(done.rejected)))
