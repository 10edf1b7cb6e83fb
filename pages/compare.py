"""Six months later: two workshops of the same client side by side — segments measured with the first
workshop's ruler, maturity by competency, barriers fixed / still open / new, roadmap items done and their KPIs."""
import altair as alt
import pandas as pd
import streamlit as st

import room_ui
import ui
from cxcore import compare
from cxcore.errors import CxError
from cxcore.i18n import fmt_date, fmt_number

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
names = ui.segment_names()
st.title(ui.tr("compare.title"))
if ui.facilitator_gate(current.id, key="compare.pin") is None:  # it reads the client's other workshops
    st.stop()

others = compare.comparable(store, current.id)
if not others:
    st.info(ui.tr("compare.none", client=ui.plain(current.client or current.name)))
    st.stop()
everyone = {w.id: w for w in [*others, current]}
ordered = sorted(everyone, key=lambda wid: (everyone[wid].held_on is None, everyone[wid].held_on, everyone[wid].name))
label = {wid: f"{everyone[wid].name} · {fmt_date(everyone[wid].held_on, lang)}" for wid in ordered}
earlier_box, later_box = st.columns(2)
earlier_id = earlier_box.selectbox(ui.tr("compare.earlier"), ordered, index=0, format_func=label.get,
                                   key="compare.earlier")
later_id = later_box.selectbox(ui.tr("compare.later"), ordered, index=len(ordered) - 1, format_func=label.get,
                               key="compare.later")
try:
    found = compare.between(store, earlier_id, later_id)
except CxError as error:
    st.error(error.message(lang))
    st.stop()

headlines = {name: headline.text(lang) for name, headline in found.headlines.items()}
room_ui.presentation(headlines["segments"], " · ".join(headlines[k] for k in ("barriers", "roadmap", "maturity")))
before, after = ui.tr("compare.before"), ui.tr("compare.after")

# -- segments, measured with the earlier workshop's ruler ------------------------------------------------------
st.subheader(ui.tr("compare.segments"))
segments = found.segments
st.markdown(f"**{headlines['segments']}**")
if segments.rows:
    st.caption(ui.tr("compare.ruler", as_of=fmt_date(segments.cut_points.as_of or segments.earlier_as_of, lang),
                     **ui.cut_points_text(segments.cut_points)))
    frame = pd.DataFrame([{"segment": names[r.segment], "when": when, "customers": customers, "revenue": revenue}
                          for r in segments.rows for when, customers, revenue in (
                              (before, r.customers_before, r.revenue_before), (after, r.customers_after, r.revenue_after))])
    left, right = st.columns(2)
    for box, measure in ((left, "customers"), (right, "revenue")):
        with box:
            ui.show_chart(alt.Chart(frame).mark_bar().encode(
                y=alt.Y("segment:N", sort=list(names.values()), title=None, axis=alt.Axis(labelLimit=240)),
                x=alt.X(f"{measure}:Q", title=ui.tr(f"rfm.col.{measure}")), yOffset=alt.YOffset("when:N", sort=[before, after]),
                color=alt.Color("when:N", title=None, sort=[before, after], legend=alt.Legend(orient="bottom"),
                                scale=alt.Scale(range=["#9DB7D5", "#0B5FA5"])),
                tooltip=["segment:N", "when:N", alt.Tooltip(f"{measure}:Q", format=",.0f")]), height=360)

# -- maturity ------------------------------------------------------------------------------------------------------
st.subheader(ui.tr("compare.maturity"))
st.markdown(f"**{headlines['maturity']}**")
maturity = found.maturity
if any(c.earlier is not None or c.later is not None for c in maturity.competencies):
    st.dataframe(pd.DataFrame({
        ui.tr("compare.competency"): [ui.tr(f"maturity.competency.{c.key}") for c in maturity.competencies],
        before: [c.earlier for c in maturity.competencies],
        after: [c.later for c in maturity.competencies],
        ui.tr("compare.change"): [c.change for c in maturity.competencies],
    }), hide_index=True, column_config={k: st.column_config.NumberColumn(format="%.2f")
                                        for k in (before, after, ui.tr("compare.change"))})

# -- barriers ------------------------------------------------------------------------------------------------------
st.subheader(ui.tr("compare.barriers"))
st.markdown(f"**{headlines['barriers']}**")
barriers = found.barriers
for column, (kind, rows) in zip(st.columns(3), (("fixed", barriers.fixed), ("still_open", barriers.still_open),
                                               ("new", barriers.new))):
    with column:
        st.metric(ui.tr(f"compare.barriers.{kind}"), fmt_number(len(rows), lang))
        for barrier in rows[:12]:
            st.caption(f"{ui.tr(f'stage.{barrier.stage}')} · {ui.plain(barrier.text)}")
        if len(rows) > 12:
            st.caption(ui.tr("compare.more", n=len(rows) - 12))

# -- roadmap -------------------------------------------------------------------------------------------------------
st.subheader(ui.tr("compare.roadmap"))
st.markdown(f"**{headlines['roadmap']}**")
items = found.roadmap.items
if items:
    st.dataframe(pd.DataFrame({
        ui.tr("compare.item"): [i.title for i in items],
        before: [ui.tr(f"roadmap.status.{i.earlier_status}") if i.earlier_status else "—" for i in items],
        after: [ui.tr(f"roadmap.status.{i.later_status}") if i.later_status else "—" for i in items],
        ui.tr("compare.kpi"): [i.kpi.name or "—" for i in items],
        ui.tr("compare.kpi_first"): [i.kpi.first for i in items],
        ui.tr("compare.kpi_last"): [i.kpi.last for i in items],
        ui.tr("compare.kpi_target"): [i.kpi.target for i in items],
        ui.tr("compare.kpi_trend"): [ui.tr("compare.trend.reached") if i.kpi.reached else
                                     ui.tr("compare.trend.toward") if i.kpi.toward_target else
                                     ui.tr("compare.trend.away") if i.kpi.toward_target is False else "—"
                                     for i in items],
    }), hide_index=True)
    points = pd.DataFrame([{"item": i.title, "date": p.measured_on, "value": p.value}
                           for i in items for p in i.kpi.points])
    if not points.empty:
        ui.show_chart(alt.Chart(points).mark_line(point=True).encode(
            x=alt.X("date:T", title=None), y=alt.Y("value:Q", title=ui.tr("compare.kpi")),
            color=alt.Color("item:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
            tooltip=["item:N", "date:T", "value:Q"]), height=380)
