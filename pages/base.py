"""The customer base: upload, check the guessed column roles, load, read the load report and the summary."""
import altair as alt
import streamlit as st

import room_ui
import ui
from cxcore import safe_text
from cxcore.errors import CxError
from cxcore.i18n import fmt_date, fmt_money, fmt_number

current = ui.current_workshop()
lang = ui.lang()
st.title(ui.tr("base.title"))
if room_ui.projecting() and ui.current_base_id(current.id) is not None:
    shown = ui.base_summary(current.id, ui.current_base_id(current.id))
    room_ui.presentation(ui.tr("base.key_message", customers=fmt_number(shown.customers, lang),
                               revenue=fmt_money(shown.revenue, lang), months=shown.months))
st.write(ui.tr("base.intro"))

if ui.facilitator(current.id) is None:  # loading a base is the facilitator's
    with st.expander(ui.tr("base.upload"), icon=":material/upload:"):
        ui.facilitator_gate(current.id, key="base.pin")
    uploaded = None
else:
    uploaded = st.file_uploader(ui.tr("base.upload"), type=["csv", "txt", "tsv", "xlsx", "parquet"],
                                help=ui.tr("base.upload_help", limit=st.get_option("server.maxUploadSize")))
if uploaded is not None:
    path = ui.saved_upload(uploaded)
    sheet = st.session_state.get("base_sheet")
    try:
        layout = ui.inspect_upload(path, sheet)
    except CxError as error:
        st.error(ui.tr("base.error", message=error.message(lang)))
        layout = None
    if layout is not None:
        st.subheader(ui.tr("base.preview"))
        if layout.sheets:
            st.selectbox(ui.tr("base.sheet"), layout.sheets, index=layout.sheets.index(layout.sheet), key="base_sheet")
        st.caption(ui.layout_caption(layout))
        st.dataframe(ui.layout_preview(layout), hide_index=True, height=260)
        mapping = ui.role_choices(layout, f"role.{uploaded.file_id}")
        st.caption(ui.tr("base.replaces"))
        if st.button(ui.tr("base.load"), type="primary"):
            ui.run_load(current.id, path, uploaded.name, sheet, mapping)

report = st.session_state.get("load_report")
if report is not None and report.workshop_id == current.id:
    st.subheader(ui.tr("base.report"))
    st.success(ui.tr("base.loaded", loaded=fmt_number(report.rows_loaded, lang),
                     read=fmt_number(report.rows_read, lang), rejected=fmt_number(report.rows_rejected, lang)))
if st.session_state.get("load_error"):
    st.error(ui.tr("base.error", message=st.session_state["load_error"]))

st.divider()
st.header(ui.tr("base.summary"))
base_id = ui.current_base_id(current.id)
if base_id is None:
    st.info(ui.tr("base.none"))
    st.stop()
summary = ui.base_summary(current.id, base_id)
st.caption(ui.tr("base.source", source=ui.plain(summary.source_name), at=fmt_date(summary.loaded_at, lang),
                 by=ui.plain(summary.loaded_by), rows=fmt_number(summary.rows_loaded, lang),
                 first=fmt_date(summary.date_min, lang), last=fmt_date(summary.date_max, lang)))
cells = st.columns(4)
cells[0].metric(ui.tr("base.customers"), fmt_number(summary.customers, lang))
cells[1].metric(ui.tr("base.orders"), fmt_number(summary.orders, lang))
cells[2].metric(ui.tr("base.revenue"), fmt_money(summary.revenue, lang))
cells[3].metric(ui.tr("base.period"), ui.tr("base.months", n=summary.months))

month, revenue, active = ui.tr("base.month"), ui.tr("base.revenue_m"), ui.tr("base.active")
monthly = ui.base_monthly(current.id, base_id)
monthly = monthly.assign(revenue=monthly["revenue"] / 1e6).rename(
    columns={"month": month, "revenue": revenue, "active_customers": active})
bars = alt.Chart(monthly).mark_bar(color="#9EC3E6").encode(
    x=alt.X(f"{month}:T", title=None, axis=alt.Axis(format="%m.%Y" if lang == "ru" else "%b %Y")),
    y=alt.Y(f"{revenue}:Q", title=revenue),
    tooltip=[alt.Tooltip(f"{month}:T", format="%m.%Y"), alt.Tooltip(f"{revenue}:Q", format=".1f"),
             alt.Tooltip(f"{active}:Q", format=",")])
line = alt.Chart(monthly).mark_line(color="#0B5FA5", strokeWidth=3, point=True).encode(
    x=f"{month}:T", y=alt.Y(f"{active}:Q", title=active, scale=alt.Scale(zero=True)))
st.subheader(ui.tr("base.chart_title"))
ui.show_chart(alt.layer(bars, line).resolve_scale(y="independent"))

rejects = ui.base_rejects(current.id, base_id)
with st.expander(f"{ui.tr('base.rejects')}: {fmt_number(len(rejects), lang)}", expanded=0 < len(rejects) <= 20):
    if rejects.empty:
        st.write(ui.tr("base.rejects_none"))
    else:
        table = ui.rejects_table(rejects)
        st.dataframe(table, hide_index=True)
        st.download_button(ui.tr("base.rejects_download"),  # a raw line may start with "=": never a formula
                           safe_text.safe_frame(table).to_csv(index=False).encode("utf-8-sig"),
                           file_name="rejected_rows.csv", mime="text/csv")
