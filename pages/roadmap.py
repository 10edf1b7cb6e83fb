"""From barriers to a roadmap that someone owns: the ideas on the impact/effort quadrant (sized by the room's
dots) with their reach in money, turning an idea or a maturity gap into an item, the items (incomplete ones
marked), each item's form, and its KPI trend over the months after the workshop."""
from dataclasses import replace
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

import room_ui
import ui
from cxcore import maturity, method, roadmap
from cxcore.errors import CxError
from cxcore.i18n import fmt_date, fmt_money, fmt_number

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("roadmap.title"))
ui.name_prompt()
QUADRANT_COLOURS = {"quick_win": "#1B7F3B", "big_bet": "#0B5FA5", "fill_in": "#F2A541", "time_sink": "#D64545"}
ranked, items, result = ui.roadmap_now(current.id)
quick = [r for r in ranked if r.quadrant == "quick_win"]
room_ui.presentation(ui.tr("roadmap.key_message", quick=len(quick), ideas=len(ranked), items=len(items)),
                     " · ".join(r.idea.text for r in quick[:3]) or None)


def quadrant_chart() -> None:
    """Ideas as points on impact × effort, coloured by quadrant, sized by dots (spread a little where they meet)."""
    if not ranked:
        st.info(ui.tr("roadmap.no_ideas"))
        return
    seen: dict[tuple[int, int], int] = {}
    rows = []
    for r in ranked:
        spot = (r.idea.effort, r.idea.impact)
        k = seen[spot] = seen.get(spot, -1) + 1
        rows.append({"effort": r.idea.effort + 0.16 * ((k % 3) - 1), "impact": r.idea.impact + 0.16 * ((k // 3) % 3 - 1),
                     "idea": r.idea.text, "quadrant": method.name("quadrant", r.quadrant, lang), "votes": r.votes,
                     "reach": r.reach.text(lang)})
    names = [method.name("quadrant", q, lang) for q in QUADRANT_COLOURS]
    points = alt.Chart(pd.DataFrame(rows)).mark_circle(opacity=0.85, stroke="white").encode(
        x=alt.X("effort:Q", scale=alt.Scale(domain=[0.5, 5.5]), title=ui.tr("journey.field.effort"),
                axis=alt.Axis(values=[1, 2, 3, 4, 5])),
        y=alt.Y("impact:Q", scale=alt.Scale(domain=[0.5, 5.5]), title=ui.tr("journey.field.impact"),
                axis=alt.Axis(values=[1, 2, 3, 4, 5])),
        color=alt.Color("quadrant:N", scale=alt.Scale(domain=names, range=list(QUADRANT_COLOURS.values())), title=None,
                        legend=alt.Legend(orient="top")),
        size=alt.Size("votes:Q", scale=alt.Scale(range=[120, 1400]), title=ui.tr("vote.dots_axis")),
        tooltip=["idea:N", "quadrant:N", "votes:Q", "reach:N"])
    lines = alt.Chart(pd.DataFrame({"x": [2.5], "y": [3.5]}))
    ui.show_chart(points + lines.mark_rule(strokeDash=[6, 4]).encode(x="x:Q")
                  + lines.mark_rule(strokeDash=[6, 4]).encode(y="y:Q"), height=520)


def ideas_table() -> None:
    table = pd.DataFrame({
        ui.tr("journey.kind.idea"): [r.idea.text for r in ranked],
        ui.tr("roadmap.col.quadrant"): [method.name("quadrant", r.quadrant, lang) for r in ranked],
        ui.tr("vote.dots_axis"): [r.votes for r in ranked],
        ui.tr("roadmap.col.reach"): [r.reach.text(lang) for r in ranked],
        ui.tr("roadmap.col.in_roadmap"): [r.item_id is not None for r in ranked],
    })
    st.dataframe(table, hide_index=True, width="stretch", height=320)
    waiting = [r for r in ranked if r.item_id is None]
    if not waiting or not ui.participant():
        return
    pick_box, add_box = st.columns([4, 1], vertical_alignment="bottom")
    chosen = pick_box.selectbox(ui.tr("roadmap.pick_idea"), waiting, format_func=lambda r: r.idea.text,
                                key="roadmap.pick_idea")
    if add_box.button(ui.tr("roadmap.to_roadmap"), type="primary", key="roadmap.from_idea"):
        _write(lambda: roadmap.from_idea(store, chosen.idea.id, ui.actor()))


def _write(action) -> None:
    try:
        action()
    except CxError as error:
        st.error(error.message(lang))
        return
    st.toast(ui.tr("workshop.saved"))
    st.rerun()


def candidates() -> None:
    taken = {item.candidate for item in items if item.candidate}
    for candidate in maturity.roadmap_candidates(result, lang):
        if f"{candidate.kind}:{candidate.key}" in taken:
            continue
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.markdown(candidate.text)
        if ui.participant() and button.button(ui.tr("roadmap.to_roadmap"), key=f"roadmap.candidate.{candidate.kind}.{candidate.key}"):
            _write(lambda: roadmap.from_maturity(store, current.id, candidate, ui.actor()))


def items_table() -> None:
    if not items:
        st.info(ui.tr("roadmap.no_items"))
        return
    st.dataframe(pd.DataFrame({
        ui.tr("roadmap.col.title"): [i.title for i in items],
        ui.tr("roadmap.col.quadrant"): [method.name("quadrant", i.quadrant, lang) if i.quadrant else "—" for i in items],
        ui.tr("roadmap.col.owner"): [i.owner for i in items],
        ui.tr("roadmap.col.horizon"): [ui.tr(f"roadmap.horizon.{i.horizon}") for i in items],
        ui.tr("roadmap.col.kpi"): [f"{i.kpi_name}: {fmt_number(i.kpi_current, lang, 1)} → {fmt_number(i.kpi_target, lang, 1)}"
                                   if i.kpi_name else "" for i in items],
        ui.tr("roadmap.col.review_on"): [fmt_date(i.review_on, lang) for i in items],
        ui.tr("roadmap.col.status"): [ui.tr(f"roadmap.status.{i.status}") for i in items],
        ui.tr("roadmap.col.missing"): [i.missing_text(lang) for i in items],
    }), hide_index=True, width="stretch")


def item_form(item) -> None:
    form = f"roadmap.item.{item.id}"
    fields = ("title", "owner", "department", "horizon", "kpi_name", "kpi_current", "kpi_target", "budget",
              "review_on", "status")
    seen = ui.form_version(form, item.version, fields)
    with st.form(form):
        title = st.text_input(ui.tr("roadmap.col.title"), item.title, key=f"{form}.title")
        owner_box, department_box, horizon_box, status_box = st.columns(4)
        values = {
            "title": title,
            "owner": owner_box.text_input(ui.tr("roadmap.col.owner"), item.owner, key=f"{form}.owner"),
            "department": ui.vocabulary_choice(department_box, ui.tr("roadmap.col.department"), "department",
                                               item.department, f"{form}.department"),
            "horizon": horizon_box.selectbox(ui.tr("roadmap.col.horizon"), roadmap.HORIZONS,
                                             roadmap.HORIZONS.index(item.horizon), key=f"{form}.horizon",
                                             format_func=lambda h: ui.tr(f"roadmap.horizon.{h}")),
            "status": status_box.selectbox(ui.tr("roadmap.col.status"), roadmap.STATUSES,
                                           roadmap.STATUSES.index(item.status), key=f"{form}.status",
                                           format_func=lambda s: ui.tr(f"roadmap.status.{s}")),
        }
        kpi_box, now_box, target_box, budget_box, review_box = st.columns([3, 1, 1, 2, 2])
        values.update({
            "kpi_name": kpi_box.text_input(ui.tr("roadmap.col.kpi"), item.kpi_name, key=f"{form}.kpi_name"),
            "kpi_current": now_box.number_input(ui.tr("journey.field.kpi_current"), value=item.kpi_current,
                                                key=f"{form}.kpi_current"),
            "kpi_target": target_box.number_input(ui.tr("journey.field.kpi_target"), value=item.kpi_target,
                                                  key=f"{form}.kpi_target"),
            "budget": budget_box.number_input(ui.tr("roadmap.col.budget"), value=item.budget, min_value=0.0, step=10000.0,
                                              key=f"{form}.budget"),
            "review_on": review_box.date_input(ui.tr("roadmap.col.review_on"), item.review_on,
                                               format="DD.MM.YYYY" if lang == "ru" else "YYYY-MM-DD",
                                               key=f"{form}.review_on"),
        })
        if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
            try:
                ui.save_form(form, fields, ui.tr("roadmap.conflict"),
                             lambda: roadmap.update_item(store, replace(item, version=seen), ui.actor(), **values))
            except CxError as error:
                st.error(error.message(lang))


def kpi(item) -> None:
    trend = roadmap.kpi_trend(store, item.id)
    if len(trend):
        base = alt.Chart(trend).encode(x=alt.X("date:T", title=None))
        ui.show_chart(base.mark_line(point=True, strokeWidth=3).encode(y=alt.Y("value:Q", title=item.kpi_name or None))
                      + base.mark_rule(strokeDash=[6, 4], color="#1B7F3B").encode(y="target:Q"), height=300)
    with st.form(f"roadmap.actual.{item.id}", clear_on_submit=True):
        day_box, value_box = st.columns(2)
        day = day_box.date_input(ui.tr("roadmap.actual_date"), date.today(),
                                 format="DD.MM.YYYY" if lang == "ru" else "YYYY-MM-DD")
        value = value_box.number_input(ui.tr("roadmap.actual_value"), value=None)
        if st.form_submit_button(ui.tr("roadmap.add_actual")) and value is not None:
            _write(lambda: roadmap.add_actual(store, item.id, day, value, ui.actor()))


st.subheader(ui.tr("roadmap.prioritise"))
quadrant_chart()
ideas_table()
st.subheader(ui.tr("roadmap.from_maturity"))
candidates()
st.subheader(ui.tr("roadmap.items"))
st.caption(ui.tr("roadmap.items_line", n=len(items), incomplete=sum(i.incomplete for i in items),
                 budget=fmt_money(sum(i.budget or 0 for i in items if i.active), lang)))
items_table()
if items:
    chosen = st.selectbox(ui.tr("roadmap.open_item"), items, format_func=lambda i: i.title, key="roadmap.open_item")
    form_tab, kpi_tab = st.tabs([ui.tr("roadmap.item_tab"), ui.tr("roadmap.kpi_tab")])
    with form_tab:
        item_form(chosen)
    with kpi_tab:
        kpi(chosen)
