"""RFM segments: the five segments of the base, the R × FM grid, R/F/M histograms, the target segment, the
export; the as-of date, the cut points and the segment rules in a settings panel."""
from dataclasses import replace

import altair as alt
import streamlit as st

import room_ui
import ui
from cxcore import histogram, rfm_export, rfm_settings
from cxcore.errors import ConflictError, CxError, RfmError
from cxcore.i18n import fmt_date, fmt_number, fmt_short
from cxcore.quality import months_before
from cxcore.rfm import METRICS, MODES
from cxcore.segments import SEGMENTS, SegmentRules

current, base_id, settings = ui.segment_page("rfm.title")
lang = ui.lang()
store = ui.get_store()
names = ui.segment_names()
date_format = "DD.MM.YYYY" if lang == "ru" else "YYYY-MM-DD"
default_day = ui.rfm_default_as_of(base_id)


def shares_chart(summary):
    share_c, share_r = ui.tr("rfm.col.customer_share"), ui.tr("rfm.col.revenue_share")
    bars = summary.melt(id_vars=["name"], value_vars=["customer_share", "revenue_share"], var_name="measure")
    bars["measure"] = bars["measure"].map({"customer_share": share_c, "revenue_share": share_r})
    return alt.Chart(bars).mark_bar().encode(
        y=alt.Y("name:N", sort=[names[s] for s in SEGMENTS], title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("value:Q", axis=alt.Axis(format="%"), title=None),
        yOffset="measure:N", color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["name:N", "measure:N", alt.Tooltip("value:Q", format=".1%")])


if room_ui.projecting():
    shown = ui.rfm_result(current.id, base_id, settings.version).summary.assign(name=lambda d: d["segment"].map(names))
    top = shown.iloc[0]
    room_ui.presentation(ui.tr("rfm.key_message", segment=top["name"],
                               customers=fmt_number(100 * (top.customer_share or 0), lang),
                               revenue=fmt_number(100 * (top.revenue_share or 0), lang)), chart=shares_chart(shown))


def save_settings(form: str, fields: tuple[str, ...], changes: dict) -> None:
    """Save what `form` changed, based on the settings version the form was filled from."""
    ui.save_form(form, fields, ui.tr("rfm.settings_conflict"),
                 lambda: rfm_settings.save(store, replace(settings, version=seen[form]), ui.actor(), **changes))


# -- settings: as-of date, ruler, segment rules ----------------------------------------------------------------
RULER, RULES = ("rfm.ruler", ("mode", "baseline", *METRICS)), ("rfm.rules", (*SEGMENTS, "cant_lose"))
seen = {form: ui.form_version(form, settings.version, fields) for form, fields in (RULER, RULES)}
with st.expander(ui.tr("rfm.settings_title"), icon=":material/tune:"):
    as_of = st.date_input(ui.tr("rfm.as_of"), value=default_day, format=date_format, key="rfm.as_of",
                          help=ui.tr("rfm.as_of_help"))
    ui.facilitator_gate(current.id, key="rfm.pin")  # the ruler and the rules are the facilitator's to save
    ruler_tab, rules_tab = st.tabs([ui.tr("rfm.cut_mode"), ui.tr("rfm.rules_title")])
    with ruler_tab, st.form(RULER[0]):
        mode = st.radio(ui.tr("rfm.cut_mode"), MODES, format_func=lambda m: ui.tr(f"rfm.mode.{m}"), horizontal=True,
                        index=MODES.index(settings.cut_mode), key="rfm.ruler.mode", label_visibility="collapsed")
        baseline = st.date_input(ui.tr("rfm.baseline"), format=date_format, key="rfm.ruler.baseline",
                                 value=settings.baseline_as_of or months_before(default_day, 12),
                                 help=ui.tr("rfm.baseline_help"))
        typed = settings.thresholds.texts()
        texts = {metric: column.text_input(ui.tr(f"rfm.cuts.{metric}"), typed[metric], key=f"rfm.ruler.{metric}")
                 for metric, column in zip(METRICS, st.columns(3))}
        st.caption(ui.tr("rfm.thresholds_help"))
        if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
            try:
                save_settings(*RULER, rfm_settings.ruler(mode, baseline, texts))
            except RfmError as error:
                st.error(error.message(lang))
    with rules_tab, st.form(RULES[0]):
        st.caption(ui.tr("rfm.rules_help"))
        typed_cells = settings.rules.to_text()
        cells = {segment: st.text_input(names[segment], typed_cells[segment], key=f"rfm.rules.{segment}")
                 for segment in SEGMENTS}
        cant_lose = st.text_input(ui.tr("rfm.cant_lose_cells"), ", ".join(settings.rules.cant_lose),
                                  key="rfm.rules.cant_lose")
        if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
            try:
                rules = SegmentRules.from_text(cells, cant_lose)
                save_settings(*RULES, {"rules": rules})
            except RfmError as error:
                st.error(error.message(lang))

try:
    result = ui.rfm_result(current.id, base_id, settings.version, None if as_of == default_day else as_of)
except RfmError as error:
    st.error(error.message(lang))
    st.stop()
cuts = result.cut_points
st.caption(ui.tr("rfm.cuts_line", as_of=fmt_date(result.as_of, lang), **ui.cut_points_text(cuts)))

# -- the segments --------------------------------------------------------------------------------------------
summary = result.summary.assign(name=lambda d: d["segment"].map(names))
for cell, row in zip(st.columns(len(SEGMENTS)), summary.itertuples()):
    cell.metric(row.name, fmt_number(row.customers, lang))
    share = 100 * (row.revenue_share or 0)
    cell.caption(ui.tr("rfm.revenue_share", share=fmt_number(share, lang, 1 if 0 < share < 1 else 0)))

colours = alt.Scale(domain=[names[s] for s in SEGMENTS], range=ui.SEGMENT_COLOURS)
left, right = st.columns(2)
with left:
    st.subheader(ui.tr("rfm.bars_title"))
    ui.show_chart(shares_chart(summary), height=440)
with right:
    st.subheader(ui.tr("rfm.grid_title"))
    measure = st.segmented_control(ui.tr("rfm.grid_measure"), ("customers", "revenue"), default="customers",
                                   format_func=lambda m: ui.tr(f"rfm.col.{m}"), key="rfm.grid_measure",
                                   label_visibility="collapsed") or "customers"
    grid = result.grid.assign(name=lambda d: d["segment"].map(names),
                              shown=lambda d: [(fmt_number if measure == "customers" else fmt_short)(v, lang)
                                                  for v in d[measure]])
    heat = alt.Chart(grid).encode(x=alt.X("fm_score:O", title="FM"), y=alt.Y("r_score:O", sort="descending", title="R"))
    ui.show_chart((heat.mark_rect().encode(color=alt.Color("name:N", title=None, scale=colours,
                                                            legend=alt.Legend(orient="bottom", columns=2)),
                                           tooltip=["name:N", "customers:Q", alt.Tooltip("revenue:Q", format=",.0f")])
                   + heat.mark_text(fontSize=16).encode(text="shown:N")), height=440)

st.subheader(ui.tr("rfm.histograms_title"))
for metric, column in zip(METRICS, st.columns(3)):
    bins = histogram.histogram(result, metric)
    bins["label"] = histogram.labels(bins, metric, lang)
    with column:
        ui.show_chart(alt.Chart(bins).mark_bar(color=ui.SEGMENT_COLOURS[1]).encode(
            x=alt.X("label:N", sort=list(bins["label"]), title=ui.tr(f"rfm.col.{histogram.COLUMNS[metric]}"),
                    axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("customers:Q", title=ui.tr("rfm.col.customers")),
            tooltip=["label:N", "customers:Q"]), height=340)

st.subheader(ui.tr("rfm.table_title"))
table = summary.assign(revenue=summary["revenue"].round())[["name", "customers", "customer_share", "revenue", "revenue_share", "avg_recency", "avg_frequency",
                 "avg_monetary", "avg_order_value", "revenue_per_customer"]]
st.dataframe(table.rename(columns={"name": ui.tr("rfm.col.segment"),
                                   **{c: ui.tr(f"rfm.col.{c}") for c in table.columns[1:]}}),
             hide_index=True, column_config={
                 ui.tr(f"rfm.col.{c}"): st.column_config.NumberColumn(format=f) for c, f in (
                     ("customer_share", "percent"), ("revenue_share", "percent"), ("revenue", "localized"),
                     ("avg_recency", "%.0f"), ("avg_frequency", "%.1f"), ("avg_monetary", "%.0f"),
                     ("avg_order_value", "%.0f"), ("revenue_per_customer", "%.0f"))})

target = st.selectbox(ui.tr("rfm.target_segment"), SEGMENTS, format_func=names.get, key="rfm.target",
                      index=SEGMENTS.index(settings.target_segment) if settings.target_segment in SEGMENTS else 0)
if (settings.target_segment is None or target != settings.target_segment) and \
        st.button(ui.tr("rfm.target_save"), type="primary"):
    try:
        rfm_settings.save(store, settings, ui.actor(), target_segment=target)
        st.toast(ui.tr("workshop.saved"))
        st.rerun()
    except ConflictError:
        st.error(ui.tr("rfm.target_conflict"))
    except CxError as error:
        st.error(error.message(lang))

download_csv, download_xlsx = st.columns(2)
# Built when clicked, not on every run of the page (the XLSX of the demo's 50 802 customers takes seconds).
download_csv.download_button(ui.tr("rfm.download_csv"), lambda: rfm_export.csv_bytes(result), "rfm.csv", "text/csv")
download_xlsx.download_button(ui.tr("rfm.download_xlsx"), lambda: rfm_export.xlsx_bytes(result, lang), "rfm.xlsx",
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
