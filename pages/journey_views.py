"""The journey seen four ways: the stage → touchpoint → barrier graph (click a node to edit it), the emotion
curve with barriers per stage, the expectations matrix with the "6 of 9" check, and the departments with their
cross-team BUT-situations. Live like the board."""
import altair as alt
import pandas as pd
import streamlit as st
from streamlit_agraph import Config, Edge, Node, agraph

import journey_ui
import room_ui
import ui
from cxcore import journey, journey_views, method

current = ui.current_workshop()
lang = ui.lang()
st.title(ui.tr("journey_views.title"))
me = ui.participant()
names = ui.segment_names()
room_ui.refresh_on_change(lambda: journey.stamp(ui.get_store(), current.id))
segment_box, view_box = st.columns([3, 2])
with segment_box:
    mapped = ui.mapped_segment(current.id)
if mapped is None:
    st.info(ui.tr("journey_views.none"))
    st.page_link("pages/journey.py", label=ui.tr("nav.journey"), icon=":material/route:")
    st.stop()
segment, tree = mapped
trees = {j.segment: j for j in ui.journeys(current.id)}
VIEWS = ("graph", "emotion", "expectations", "departments")
view = view_box.segmented_control(ui.tr("journey_views.view"), VIEWS, default="graph", key="journey_views.view",
                                  format_func=lambda v: ui.tr(f"journey_views.{v}")) or "graph"
stage_names = {key: ui.tr(f"stage.{key}") for key in method.STAGES}
stage_order = list(stage_names.values())
COLOURS = {"stage": "#1F2A44", "marketing": "#4C9BE8", "sales": "#1B7F3B", "service": "#F2A541",
           "cross_team": "#D64545", "": "#9AA5B1"}


def graph(tree) -> None:
    nodes, edges = journey_views.graph(tree, stage_names)
    levels = {"stage": 0, "touchpoint": 1, "barrier": 2}
    clicked = agraph([Node(id=n.id, label=n.label, title=n.label, size=n.size, level=levels[n.kind],
                           shape="box" if n.kind == "stage" else "dot", color=COLOURS.get(n.group, COLOURS[""]),
                           font={"size": 22, "color": "white"} if n.kind == "stage" else {"size": 16})
                      for n in nodes],
                     [Edge(source=a, target=b, color="#9AA5B1") for a, b in edges],
                     Config(width="100%", height=980, directed=True, physics=False, hierarchical=True,
                            direction="LR", sortMethod="directed", levelSeparation=420, nodeSpacing=34))
    st.caption(ui.tr("journey_views.graph_legend"))
    kinds = {n.id: n.kind for n in nodes}
    if me and clicked and clicked != st.session_state.get("journey_views.clicked"):
        st.session_state["journey_views.clicked"] = clicked  # a component keeps its value: open each click once
        journey_ui.open_card(kinds.get(clicked, "stage"), clicked)


def emotion(tree) -> None:
    curves = pd.concat([journey_views.emotion_curve(j).assign(segment=names[s]) for s, j in trees.items()])
    curves["stage"] = curves["stage"].map(stage_names)
    x = alt.X("stage:N", sort=stage_order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=160))
    line = alt.Chart(curves.dropna(subset=["emotion"])).mark_line(point=alt.OverlayMarkDef(size=120), strokeWidth=4) \
        .encode(x=x, y=alt.Y("emotion:Q", scale=alt.Scale(domain=[-2, 2]), title=ui.tr("journey.lane.emotion")),
                color=alt.Color("segment:N", title=None, legend=alt.Legend(orient="top")))
    mine = curves[curves["segment"] == names[segment]]
    bars = alt.Chart(mine).mark_bar(color="#D64545").encode(
        x=x, y=alt.Y("open_barriers:Q", title=ui.tr("journey_views.open_barriers")),
        tooltip=["stage:N", "barriers:Q", "open_barriers:Q"])
    labels = bars.mark_text(dy=-10, fontSize=16).encode(text="open_barriers:Q")
    ui.show_chart(line, height=340)
    ui.show_chart(bars + labels, height=260)


def expectations(tree) -> None:
    matrix = journey_views.expectations_matrix(tree)
    matrix["stage"] = matrix["stage"].map(stage_names)
    matrix["expectation"] = matrix["expectation"].map(lambda e: ui.tr(f"expectation.{e}"))
    met = journey_views.expectations_met(tree)
    heat = alt.Chart(matrix).encode(
        x=alt.X("stage:N", sort=stage_order, title=None, axis=alt.Axis(orient="top", labelAngle=0, labelLimit=150)),
        y=alt.Y("expectation:N", sort=[ui.tr(f"expectation.{e}") for e in method.EXPECTATIONS], title=None,
                axis=alt.Axis(labelLimit=260)))
    ui.show_chart(heat.mark_rect().encode(color=alt.Color("open_barriers:Q", scale=alt.Scale(scheme="reds"),
                                                          title=ui.tr("journey_views.open_barriers")),
                                          tooltip=["stage:N", "expectation:N", "barriers:Q", "open_barriers:Q"])
                  + heat.mark_text(fontSize=16).encode(text=alt.condition("datum.barriers > 0", "open_barriers:Q",
                                                                          alt.value(""))), height=480)
    for row, column in zip(met.itertuples(), st.columns(len(met))):
        column.metric(stage_names[row.stage], ui.tr("journey_views.met", met=row.met),
                      ui.tr("journey_views.loyalty_ok" if row.loyalty_ok else "journey_views.loyalty_short"),
                      delta_color="normal" if row.loyalty_ok else "inverse", delta_arrow="off")
    short = [stage_names[s] for s in met[~met["loyalty_ok"]]["stage"]]
    (st.warning if short else st.success)(
        ui.tr("journey_views.loyalty_summary", stages=", ".join(short)) if short else ui.tr("journey_views.loyalty_all"))


def departments(tree) -> None:
    summary = journey_views.by_department(tree)
    summary["name"] = summary["department"].map(lambda d: method.name("department", d, lang) or "—")
    long = summary.melt(id_vars=["name"], value_vars=["open_barriers", "cross_team"], var_name="measure")
    long["measure"] = long["measure"].map(lambda m: ui.tr(f"journey_views.{m}"))
    ui.show_chart(alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", sort=list(summary["name"]), title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("value:Q", title=None, axis=alt.Axis(tickMinStep=1, format="d")), yOffset="measure:N",
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(range=["#F2A541", "#D64545"])),
        tooltip=["name:N", "measure:N", "value:Q"]), height=360)
    st.subheader(ui.tr("journey_views.cross_title"))
    cross = journey_views.cross_team(tree)
    if not cross:
        st.caption(ui.tr("journey_views.cross_none"))
    st.dataframe(pd.DataFrame({
        ui.tr("journey_views.col.stage"): [stage_names[p.stage] for p in cross],
        ui.tr("journey_views.col.touchpoint"): [p.touchpoint.name for p in cross],
        ui.tr("journey_views.col.barrier"): [p.barrier.text for p in cross],
        ui.tr("journey_views.col.departments"): [" + ".join(method.name("department", d, lang)
                                                            for d in p.barrier.departments) for p in cross],
        ui.tr("journey.field.severity"): [p.barrier.severity for p in cross],
        ui.tr("journey.field.status"): [method.name("status", p.barrier.status, lang) for p in cross],
    }), hide_index=True, width="stretch")


SHOW = {"graph": graph, "emotion": emotion, "expectations": expectations, "departments": departments}


SHOW[view](tree)
journey_ui.show_dialog(tree)
