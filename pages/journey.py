"""The journey board: 8 stage columns × lanes (goal, actions, thoughts, emotion, touchpoints with their barriers
and ideas, KPI), edited live by the room. The page checks the journey's stamp every 2 s and redraws when something changed."""
from dataclasses import replace

import streamlit as st

import journey_ui
import persona_ui
import room_ui
import ui
from cxcore import journey, journey_io, journey_views, method, persona, voc
from cxcore.i18n import fmt_number
from cxcore.segments import SEGMENTS

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("journey.title"))
me = ui.name_prompt()
names = ui.segment_names()

room_ui.refresh_on_change(lambda: journey.stamp(store, current.id))
mapped = [j.segment for j in ui.journeys(current.id)]
target = journey.default_segment(store, current.id)
preferred = target if target in SEGMENTS else (mapped[0] if mapped else SEGMENTS[0])
segment = st.segmented_control(ui.tr("journey.segment"), SEGMENTS, default=preferred, key="journey.segment",
                               format_func=lambda s: names[s] + (" ✓" if s in mapped else "")) or preferred
tree = ui.live_journey(current.id, segment)

if tree is None:
    st.info(ui.tr("journey.none", segment=names[segment]))
    if me:
        templates = journey.templates()
        choice_box, start_box, empty_box = st.columns([2, 1, 1], vertical_alignment="bottom")
        chosen = choice_box.selectbox(ui.tr("journey.template"), templates, format_func=lambda t: t.name(lang))
        if start_box.button(ui.tr("journey.from_template"), type="primary"):
            journey.from_template(store, current.id, segment, chosen.key, lang, ui.actor())
            st.rerun()
        if empty_box.button(ui.tr("journey.empty")):
            journey.ensure(store, current.id, segment, ui.actor())
            st.rerun()
    st.stop()

who = persona.get(store, current.id, segment)
if who.version or ui.current_base_id(current.id) is not None:  # a persona to show: written, or figures to give
    with st.expander(ui.tr("journey.persona", name=ui.plain(who.name) if who.name else names[segment]),
                     icon=":material/person:"):
        persona_ui.card(store, current.id, segment, lang)

worst = journey_views.worst_stage(tree)
room_ui.presentation(ui.tr("journey.key_message" if worst else "journey.key_message_clear",
                           barriers=len(tree.barriers), touchpoints=len(tree.touchpoints),
                           stage=ui.tr(f"stage.{worst}") if worst else ""))
undo_box, trash_box, export_box, _ = st.columns([2, 1, 1, 2])
with undo_box:
    journey_ui.undo_button(current.id)
with trash_box:
    journey_ui.trash(current.id)
export_box.download_button(ui.tr("journey.export"), lambda: journey_io.dumps(journey_io.export(store, current.id)),
                           f"journey-{current.name}.json", "application/json", icon=":material/download:")


def lane(shown, title: str, show) -> None:
    """One row of the board: its name, then one cell per stage."""
    st.markdown(f"**{title}**")
    for stage, column in zip(shown.stages, st.columns(len(shown.stages))):
        with column:
            show(stage)


def text_cell(field: str):
    return lambda stage: st.caption(ui.plain(getattr(stage, field)) or "—")


def header(stage) -> None:
    st.markdown(f"**{ui.tr(f'stage.{stage.key}')}**")
    st.caption(f"{method.principle(stage.key, lang)} · {method.name('department', stage.owner_department, lang)}")
    if me and st.button(ui.tr("journey.edit_stage"), icon=":material/edit:", key=f"stage.{stage.id}",
                        type="tertiary"):
        journey_ui.open_card("stage", stage.id)


def emotion(stage) -> None:
    st.markdown(f"## {journey_ui.EMOTION_ICON[stage.emotion]}" if stage.emotion is not None else "—")


def kpi(stage) -> None:
    if stage.kpi_name:
        st.caption(ui.tr("journey.kpi_line", name=ui.plain(stage.kpi_name),
                         current=fmt_number(stage.kpi_current, lang, 1) if stage.kpi_current is not None else "—",
                         target=fmt_number(stage.kpi_target, lang, 1) if stage.kpi_target is not None else "—"))


def touchpoints(stage) -> None:
    for tp in stage.touchpoints:
        with st.container(border=True):
            if st.button(f"**{ui.plain(tp.name)}**", key=f"tp.{tp.id}", type="tertiary", disabled=not me):
                journey_ui.open_card("touchpoint", tp.id)
            st.caption(" · ".join(x for x in (method.name("channel", tp.channel, lang),
                                              method.name("department", tp.owner_department, lang)) if x))
            for barrier in tp.barriers:
                colour = "green" if barrier.status == "solved" else ("red" if barrier.severity >= 4 else "orange")
                if st.button(f":{colour}[:material/block:] {ui.plain(barrier.text)}", key=f"barrier.{barrier.id}",
                             type="tertiary", disabled=not me):
                    journey_ui.open_card("barrier", barrier.id)
                st.caption(ui.tr("journey.barrier_line", severity="●" * barrier.severity,
                                 expectations=", ".join(method.name("expectation", e, lang) for e in barrier.expectations),
                                 departments=" + ".join(ui.plain(method.name("department", d, lang))
                                                        for d in barrier.departments)))
                said = voice["support"].get(barrier.id)
                if said:
                    kept = voice["kept"].get(barrier.id)
                    st.caption(ui.tr("journey.voc_support", comments=fmt_number(said.comments, lang),
                                     segment=fmt_number(said.segment_comments, lang)),
                               help=ui.tr("journey.voc_support_help") + (f"\n\n{kept.text(lang)}" if kept else ""))
                for idea in barrier.ideas:
                    if st.button(f":material/lightbulb: {ui.plain(idea.text)}", key=f"idea.{idea.id}", type="tertiary",
                                 disabled=not me, help=method.name("quadrant", idea.quadrant, lang)):
                        journey_ui.open_card("idea", idea.id)
                if me and st.button(ui.tr("journey.add.idea"), key=f"add-idea.{barrier.id}", icon=":material/add:",
                                    type="tertiary"):
                    journey_ui.open_card("idea", parent_id=barrier.id)
            if me and st.button(ui.tr("journey.add.barrier"), key=f"add-barrier.{tp.id}", icon=":material/add:",
                                type="tertiary"):
                journey_ui.open_card("barrier", parent_id=tp.id)
    if me and st.button(ui.tr("journey.add.touchpoint"), key=f"add-tp.{stage.id}", icon=":material/add:"):
        journey_ui.open_card("touchpoint", parent_id=stage.id)


voice: dict = {}  # what the customers said in support of each barrier (cxcore/voc.py), read once per drawing


def board() -> None:
    """The board as the store has it now; redrawn when the journey's stamp moves (room_ui.refresh_on_change)."""
    shown = ui.live_journey(current.id, segment) or tree
    voice.update(support=voc.support(store, current.id), kept=voc.kept_evidence(store, current.id))
    focus = room_ui.focus_stage()
    if focus:  # the facilitator pulled everyone to one stage: it gets the whole width
        st.info(ui.tr("room.focus_banner", stage=ui.tr(f"stage.{focus}")), icon=":material/my_location:")
        shown = replace(shown, stages=tuple(s for s in shown.stages if s.key == focus))
    st.caption(ui.tr("journey.counts", touchpoints=len(shown.touchpoints), barriers=len(shown.barriers),
                     ideas=len(shown.ideas), cross=sum(b.cross_team for b in shown.barriers)))
    lane(shown, ui.tr("journey.lane.stage"), header)
    lane(shown, ui.tr("journey.lane.goal"), text_cell("goal"))
    lane(shown, ui.tr("journey.lane.actions"), text_cell("actions"))
    lane(shown, ui.tr("journey.lane.thoughts"), text_cell("thoughts"))
    lane(shown, ui.tr("journey.lane.emotion"), emotion)
    lane(shown, ui.tr("journey.lane.touchpoints"), touchpoints)
    lane(shown, ui.tr("journey.lane.kpi"), kpi)


board()
journey_ui.show_dialog(tree)
