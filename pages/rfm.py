"""RFM segments: the five segments of the base, the R × FM grid, the target segment, the export."""
import altair as alt
import streamlit as st

import ui
from cxcore import rfm_export, rfm_settings
from cxcore.errors import ConflictError
from cxcore.i18n import fmt_date, fmt_number
from cxcore.segments import SEGMENTS

current = ui.current_workshop()
lang = ui.lang()
st.title(ui.tr("rfm.title"))
base_id = ui.current_base_id(current.id)
if base_id is None:
    st.info(ui.tr("base.none"))
    st.stop()
settings = rfm_settings.get(ui.get_store(), current.id)
result = ui.rfm_result(current.id, base_id, settings.version)
names = {s: ui.tr(f"rfm.segment.{s}") for s in SEGMENTS}
cuts = result.cut_points
st.caption(ui.tr("rfm.cuts_line", as_of=fmt_date(result.as_of, lang), mode=ui.tr(f"rfm.mode.{cuts.mode}"),
                 r=" / ".join(fmt_number(v, lang) for v in cuts.recency or ()),
                 f=" / ".join(fmt_number(v, lang) for v in cuts.frequency),
                 m=" / ".join(fmt_number(v, lang) for v in cuts.monetary)))

summary = result.summary.assign(name=lambda d: d["segment"].map(names))
cells = st.columns(len(SEGMENTS))
for cell, row in zip(cells, summary.itertuples()):
    cell.metric(row.name, fmt_number(row.customers, lang))
    cell.caption(ui.tr("rfm.revenue_share", share=fmt_number(100 * (row.revenue_share or 0), lang)))

share_c, share_r = ui.tr("rfm.col.customer_share"), ui.tr("rfm.col.revenue_share")
bars = summary.melt(id_vars=["name"], value_vars=["customer_share", "revenue_share"], var_name="measure")
bars["measure"] = bars["measure"].map({"customer_share": share_c, "revenue_share": share_r})
segment = ui.tr("rfm.col.segment")
left, right = st.columns(2)
with left:
    st.subheader(ui.tr("rfm.bars_title"))
    ui.show_chart(alt.Chart(bars).mark_bar().encode(
        y=alt.Y("name:N", sort=[names[s] for s in SEGMENTS], title=None),
        x=alt.X("value:Q", axis=alt.Axis(format="%"), title=None),
        yOffset="measure:N", color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["name:N", "measure:N", alt.Tooltip("value:Q", format=".1%")]))
with right:
    st.subheader(ui.tr("rfm.grid_title"))
    grid = result.grid.assign(name=lambda d: d["segment"].map(names))
    heat = alt.Chart(grid).encode(x=alt.X("fm_score:O", title="FM"), y=alt.Y("r_score:O", sort="descending", title="R"))
    colours = alt.Scale(domain=[names[s] for s in SEGMENTS], range=ui.SEGMENT_COLOURS)
    ui.show_chart((heat.mark_rect().encode(color=alt.Color("name:N", title=None, scale=colours,
                                                            legend=alt.Legend(orient="bottom", columns=2)),
                                           tooltip=["name:N", "customers:Q", alt.Tooltip("revenue:Q", format=",.0f")])
                   + heat.mark_text(fontSize=16).encode(text="customers:Q")).properties(height=320))

st.subheader(ui.tr("rfm.table_title"))
table = summary[["name", "customers", "customer_share", "revenue", "revenue_share", "avg_recency", "avg_frequency",
                 "avg_order_value", "revenue_per_customer"]]
st.dataframe(table.rename(columns={"name": segment, **{c: ui.tr(f"rfm.col.{c}") for c in table.columns[1:]}}),
             hide_index=True, column_config={
                 ui.tr(f"rfm.col.{c}"): st.column_config.NumberColumn(format=f) for c, f in (
                     ("customer_share", "percent"), ("revenue_share", "percent"), ("revenue", "localized"),
                     ("avg_recency", "%.0f"), ("avg_frequency", "%.1f"), ("avg_order_value", "%.0f"),
                     ("revenue_per_customer", "%.0f"))})

target = st.selectbox(ui.tr("rfm.target_segment"), SEGMENTS, format_func=names.get,
                      index=SEGMENTS.index(settings.target_segment) if settings.target_segment in SEGMENTS else 0)
unsaved = settings.target_segment is None or target != settings.target_segment
if unsaved and st.button(ui.tr("rfm.target_save"), type="primary"):
    try:
        rfm_settings.save(ui.get_store(), settings, ui.actor(), target_segment=target)
        st.toast(ui.tr("workshop.saved"))
        st.rerun()
    except ConflictError:
        st.error(ui.tr("rfm.target_conflict"))

download_csv, download_xlsx = st.columns(2)
download_csv.download_button(ui.tr("rfm.download_csv"), rfm_export.csv_bytes(result), "rfm.csv", "text/csv")
download_xlsx.download_button(ui.tr("rfm.download_xlsx"), rfm_export.xlsx_bytes(result, lang), "rfm.xlsx",
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
