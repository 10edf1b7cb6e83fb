"""Base quality over time: segment sizes measured with one ruler, the alert in words, and the migration
matrix between two as-of dates."""
from dataclasses import replace

import altair as alt
import streamlit as st

import room_ui
import ui
from cxcore import quality, rfm_settings
from cxcore.errors import RfmError
from cxcore.i18n import fmt_date, fmt_number, fmt_short
from cxcore.rfm import NEW
from cxcore.segments import SEGMENTS

current, base_id, settings = ui.segment_page("quality.title")
lang = ui.lang()
store = ui.get_store()
names = ui.segment_names()
colours = alt.Scale(domain=[names[s] for s in SEGMENTS], range=ui.SEGMENT_COLOURS)
last = ui.rfm_default_as_of(base_id)
first_day = ui.base_summary(current.id, base_id).date_min

if room_ui.projecting():
    window = tuple(quality.window(last, 12, "month", first_day))
    shown = ui.base_quality(current.id, base_id, settings.version, window, "month", "frozen")
    room_ui.presentation(shown.alert(settings.alert_count_pct, settings.alert_revenue_pct).message(lang))
step_box, span_box, measure_box = st.columns([2, 2, 3])
step = step_box.segmented_control(ui.tr("quality.step"), tuple(quality.STEPS), default="month", key="quality.step",
                                  format_func=lambda s: ui.tr(f"quality.step.{s}")) or "month"
months = span_box.selectbox(ui.tr("quality.span"), (12, 24, 36), key="quality.span",
                            format_func=lambda n: ui.tr("quality.months", n=n))
measure = measure_box.segmented_control(ui.tr("quality.measure"), ("customers", "active_customers", "revenue"),
                                        default="active_customers", key="quality.measure",
                                        format_func=lambda m: ui.tr(f"rfm.col.{m}")) or "active_customers"
dates = tuple(quality.window(last, months, step, first_day))
if len(dates) < 2:
    st.info(ui.tr("quality.too_short"))
    st.stop()

try:
    series = ui.base_quality(current.id, base_id, settings.version, dates, step, "frozen")
except RfmError as error:
    st.error(error.message(lang))
    st.stop()
alert = series.alert(settings.alert_count_pct, settings.alert_revenue_pct)
(st.warning if alert.fired else st.success)(alert.message(lang), icon=":material/trending_down:" if alert.fired else None)

ruler = series.cut_points
st.caption(ui.tr("quality.ruler", as_of=fmt_date(ruler.as_of, lang), **ui.cut_points_text(ruler)))


def sizes_chart(frame, title: str):
    frame = frame.assign(name=lambda d: d["segment"].map(names))
    return alt.Chart(frame, title=title).mark_area(opacity=0.9).encode(
        x=alt.X("as_of:T", title=None, axis=alt.Axis(format="%m.%Y" if lang == "ru" else "%Y-%m")),
        y=alt.Y(f"{measure}:Q", stack=True, title=ui.tr(f"rfm.col.{measure}")),
        color=alt.Color("name:N", scale=colours, title=None, legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("as_of:T", title=ui.tr("rfm.as_of")), "name:N", alt.Tooltip(f"{measure}:Q", format=",.0f")],
    ).transform_calculate(order=f"indexof({[names[s] for s in SEGMENTS]}, datum.name)")


st.subheader(ui.tr("quality.sizes_title"))
compare = st.toggle(ui.tr("quality.compare"), key="quality.compare", help=ui.tr("quality.compare_help"))
if compare:
    moving = ui.base_quality(current.id, base_id, settings.version, dates, step, "quantile")
    left, right = st.columns(2)
    with left:
        ui.show_chart(sizes_chart(series.segments, ui.tr("quality.frozen_ruler")), height=460)
    with right:
        ui.show_chart(sizes_chart(moving.segments, ui.tr("quality.moving_ruler")), height=460)
else:
    ui.show_chart(sizes_chart(series.segments, ui.tr("quality.frozen_ruler")), height=460)

st.subheader(ui.tr("quality.migration_title"))
from_box, to_box, what_box = st.columns(3)
from_date = from_box.selectbox(ui.tr("quality.from"), dates[:-1], index=0, key="quality.from",
                              format_func=lambda d: fmt_date(d, lang))
later = [d for d in dates if d > from_date]
to_date = to_box.selectbox(ui.tr("quality.to"), later, index=len(later) - 1, key="quality.to",
                           format_func=lambda d: fmt_date(d, lang))
what = what_box.segmented_control(ui.tr("rfm.grid_measure"), ("customers", "revenue"), default="customers",
                                  key="quality.migration_measure",
                                  format_func=lambda m: ui.tr(f"rfm.col.{m}")) or "customers"
moves = ui.rfm_migration(current.id, base_id, settings.version, from_date, to_date)
cells = moves.matrix().assign(source=lambda d: d["from_segment"].map(names), target=lambda d: d["to_segment"].map(names),
                           shown=lambda d: [(fmt_number if what == "customers" else fmt_short)(v, lang)
                                            for v in d[what]])
size, stayed, slid = moves.kept("champions")
if size:
    st.info(ui.tr("quality.kept", segment=names["champions"], first=fmt_date(from_date, lang), size=fmt_number(size, lang),
                  last=fmt_date(to_date, lang), stayed=fmt_number(100 * stayed, lang), slid=fmt_number(100 * slid, lang)))
st.caption(ui.tr("quality.migration_help", first=fmt_date(from_date, lang), last=fmt_date(to_date, lang)))
rows = [names[s] for s in (*SEGMENTS, NEW)]
heat = alt.Chart(cells).encode(
    x=alt.X("target:N", sort=rows[:-1], title=ui.tr("quality.to_segment", day=fmt_date(to_date, lang)),
            axis=alt.Axis(orient="top", labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, ' ')")),
    y=alt.Y("source:N", sort=rows, title=ui.tr("quality.from_segment", day=fmt_date(from_date, lang)),
            axis=alt.Axis(labelLimit=220)))
ui.show_chart((heat.mark_rect().encode(color=alt.Color(f"{what}:Q", scale=alt.Scale(scheme="blues"), legend=None),
                                       tooltip=["source:N", "target:N", "customers:Q",
                                                alt.Tooltip("row_share:Q", format=".0%"),
                                                alt.Tooltip("revenue:Q", format=",.0f")])
               + heat.mark_text(fontSize=17).encode(
                   text="shown:N", color=alt.condition(f"datum.{what} > {float(cells[what].max()) / 2}",
                                                       alt.value("white"), alt.value("black"))))
              , height=560)

form = "quality.alert"
fields = ("count", "revenue")
seen = ui.form_version(form, settings.version, fields)
with st.expander(ui.tr("quality.alert_settings"), icon=":material/tune:"), st.form(form):
    count_box, revenue_box = st.columns(2)
    count_pct = count_box.number_input(ui.tr("quality.alert_count"), 0.0, 100.0, float(settings.alert_count_pct), 0.5,
                                       key=f"{form}.count")
    revenue_pct = revenue_box.number_input(ui.tr("quality.alert_revenue"), 0.0, 100.0,
                                           float(settings.alert_revenue_pct), 0.5, key=f"{form}.revenue")
    if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
        try:
            ui.save_form(form, fields, ui.tr("rfm.settings_conflict"), lambda: rfm_settings.save(
                store, replace(settings, version=seen), ui.actor(), alert_count_pct=count_pct,
                alert_revenue_pct=revenue_pct))
        except RfmError as error:
            st.error(error.message(lang))
