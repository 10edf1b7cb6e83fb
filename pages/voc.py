"""The voice of the customer: feedback files in, what customers said per stage and expectation, the comments one
click away (placement corrected by the facilitator), and barrier suggestions grounded in them."""
import altair as alt
import pandas as pd
import streamlit as st

import room_ui
import ui
from cxcore import feedback, journey, method, rfm_settings, voc, voc_dictionary
from cxcore.errors import CxError
from cxcore.i18n import fmt_date, fmt_number
from cxcore.method import EXPECTATIONS, STAGES
from cxcore.segments import SEGMENTS

current = ui.current_workshop()
lang = ui.lang()
store = ui.get_store()
st.title(ui.tr("voc.title"))
boss = ui.facilitator(current.id)
names = ui.segment_names()
UNPLACED = feedback.UNPLACED
room_ui.refresh_on_change(lambda: feedback.stamp(store, current.id))


def stage_name(key: str) -> str:
    return ui.tr("voc.unplaced") if key == UNPLACED else ui.tr(f"stage.{key}")


def expectation_name(key: str) -> str:
    return ui.tr("voc.no_expectation") if key == UNPLACED else method.name("expectation", key, lang)


def pct(share: float) -> str:
    return f"{fmt_number(share * 100, lang)} %"


# -- loading (the facilitator) ------------------------------------------------------------------------------------
def upload() -> None:
    uploaded = st.file_uploader(ui.tr("voc.upload"), type=["csv", "txt", "tsv", "xlsx", "parquet"],
                                help=ui.tr("voc.upload_help"), key="voc.upload")
    if uploaded is None:
        return
    path = ui.saved_upload(uploaded)
    try:
        layout = ui.inspect_upload(path, st.session_state.get("voc.sheet"), "feedback")
    except CxError as error:
        st.error(ui.tr("base.error", message=error.message(lang)))
        return
    if layout.sheets:
        st.selectbox(ui.tr("base.sheet"), layout.sheets, index=layout.sheets.index(layout.sheet), key="voc.sheet")
    st.caption(ui.layout_caption(layout))
    st.dataframe(ui.layout_preview(layout, 8), hide_index=True, height=220)
    mapping = ui.role_choices(layout, f"voc.role.{uploaded.file_id}")
    st.caption(ui.tr("voc.replaces"))
    if st.button(ui.tr("voc.load"), type="primary", icon=":material/upload:"):
        try:
            with st.spinner(ui.tr("progress.reading")):
                report = feedback.load(store, path, workshop_id=current.id, sheet=layout.sheet, mapping=mapping,
                                       actor=ui.actor(), source_name=uploaded.name)
        except CxError as error:
            st.session_state["voc.report"] = None
            st.error(ui.tr("base.error", message=error.message(lang)))
            return
        st.session_state["voc.report"] = report
        st.rerun()  # the figures below read the new comments


def last_report() -> None:
    report = st.session_state.get("voc.report")
    if report is None or report.workshop_id != current.id:
        return
    st.success(ui.tr("voc.loaded", loaded=fmt_number(report.rows_loaded, lang), read=fmt_number(report.rows_read, lang),
                     rejected=fmt_number(report.rows_rejected, lang), linked=pct(report.linked_share),
                     customers=fmt_number(report.linked_customers, lang)))
    if report.rejects:
        st.dataframe(pd.DataFrame({ui.tr("base.col_row"): [r.row for r in report.rejects],
                                   ui.tr("base.col_reason"): [r.text(lang) for r in report.rejects]}),
                     hide_index=True, height=200)


def files() -> None:
    for load in feedback.loads(store, current.id):
        text_box, remove_box = st.columns([6, 1], vertical_alignment="center")
        text_box.write(ui.tr("voc.file_line", name=ui.plain(load.source_name), rows=fmt_number(load.rows_loaded, lang),
                             rejected=fmt_number(load.rows_rejected, lang),
                             customers=fmt_number(load.linked_customers, lang), at=fmt_date(load.loaded_at, lang)))
        if boss and remove_box.button(ui.tr("voc.remove"), key=f"voc.remove.{load.id}", type="tertiary",
                                      icon=":material/delete:"):
            feedback.remove(store, current.id, load.id, ui.actor())
            st.rerun()


comment_count = feedback.count(store, current.id)
with st.expander(ui.tr("voc.files"), icon=":material/upload_file:", expanded=comment_count == 0):
    if boss is None:
        ui.facilitator_gate(current.id, key="voc.pin")
    else:
        upload()
    last_report()
    files()

if comment_count == 0:
    st.info(ui.tr("voc.none"))
    st.stop()

# -- filters -----------------------------------------------------------------------------------------------------
first, last = voc.period(store, current.id)
segment_box, source_box, period_box = st.columns([3, 3, 2])
chosen_segments = segment_box.multiselect(ui.tr("voc.segments"), SEGMENTS, format_func=names.get, key="voc.segments",
                                          placeholder=ui.tr("voc.all"))
chosen_sources = source_box.multiselect(ui.tr("voc.sources"), voc.sources(store, current.id), key="voc.sources",
                                        format_func=lambda s: s or ui.tr("voc.no_source"), placeholder=ui.tr("voc.all"))
span = ()
if first and last:
    span = period_box.date_input(ui.tr("voc.period"), (first, last), min_value=first, max_value=last,
                                 key="voc.period", format="DD.MM.YYYY" if lang == "ru" else "YYYY-MM-DD")
filters = voc.Filters(tuple(chosen_segments), tuple(chosen_sources),
                      span[0] if len(span) > 0 else None, span[1] if len(span) > 1 else None)

totals = voc.totals(store, current.id, filters)
per_stage = voc.by_stage(store, current.id, filters)
worst = voc.most_complained(per_stage)
stages = pd.DataFrame(per_stage)
stages["name"] = stages["stage"].map(stage_name)
stage_chart = alt.Chart(stages).transform_fold(["negative", "positive"], as_=["kind", "n"]).mark_bar().encode(
    x=alt.X("name:N", sort=list(stages["name"]), title=None, axis=alt.Axis(labelAngle=-30)),
    y=alt.Y("n:Q", title=ui.tr("voc.comments")),
    color=alt.Color("kind:N", scale=alt.Scale(domain=["negative", "positive"], range=["#D64545", "#1B7F3B"]),
                    legend=alt.Legend(orient="bottom", labelExpr=(
                        f"datum.label == 'negative' ? '{ui.tr('voc.negative')}' : '{ui.tr('voc.positive')}'"))),
    tooltip=["name:N", alt.Tooltip("comments:Q", title=ui.tr("voc.comments")),
             alt.Tooltip("negative_share:Q", format=".0%", title=ui.tr("voc.negative_share"))])
if worst["negative"]:
    room_ui.presentation(ui.tr("voc.key_message", stage=stage_name(worst["stage"]),
                               negative=fmt_number(int(worst["negative"]), lang), comments=fmt_number(totals["comments"], lang)),
                         chart=stage_chart)
else:
    room_ui.presentation(ui.tr("voc.key_message_clear", comments=fmt_number(totals["comments"], lang)), chart=stage_chart)

cells = st.columns(4)
cells[0].metric(ui.tr("voc.comments"), fmt_number(totals["comments"], lang))
cells[1].metric(ui.tr("voc.negative_share"), pct(totals["negative"] / totals["comments"]) if totals["comments"] else "—")
cells[2].metric(ui.tr("voc.linked"), pct(totals["linked"] / totals["comments"]) if totals["comments"] else "—",
                help=ui.tr("voc.linked_help", writers=fmt_number(totals["writers"], lang)))
cells[3].metric(ui.tr("voc.unplaced_count"), fmt_number(totals["unplaced"], lang))
if totals["comments"] == 0:
    st.info(ui.tr("voc.nothing_filtered"))
    st.stop()

# -- stage × expectation ----------------------------------------------------------------------------------------
st.subheader(ui.tr("voc.matrix"))
st.caption(ui.tr("voc.matrix_help"))
grid = pd.DataFrame(voc.matrix(store, current.id, filters))
grid["stage_name"] = grid["stage"].map(stage_name)
grid["expectation_name"] = grid["expectation"].map(expectation_name)
stage_order = [stage_name(s) for s in (*STAGES, UNPLACED)]
expectation_order = [expectation_name(e) for e in (*EXPECTATIONS, UNPLACED)]
pick = alt.selection_point(fields=["stage", "expectation"], name="cell")
base_chart = alt.Chart(grid).encode(
    x=alt.X("stage_name:N", sort=stage_order, title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
    y=alt.Y("expectation_name:N", sort=expectation_order, title=None, axis=alt.Axis(labelLimit=260)))
heat = base_chart.mark_rect(stroke="white").encode(
    color=alt.Color("negative_share:Q", scale=alt.Scale(domain=[0, 1], range=["#E8F3EA", "#D64545"]),
                    title=ui.tr("voc.negative_share"), legend=alt.Legend(format=".0%")),
    tooltip=[alt.Tooltip("stage_name:N", title=ui.tr("voc.stage")),
             alt.Tooltip("expectation_name:N", title=ui.tr("voc.expectation")),
             alt.Tooltip("comments:Q", title=ui.tr("voc.comments")),
             alt.Tooltip("negative_share:Q", format=".0%", title=ui.tr("voc.negative_share"))]).add_params(pick)
labels = base_chart.mark_text(fontSize=15).encode(text="comments:Q")
event = st.altair_chart((heat + labels).configure_axis(labelFontSize=14), width="stretch", height=460,
                        on_select="rerun", key="voc.heat")
picked = (event.selection.get("cell") or [{}])[0] if event and event.selection else {}

st.subheader(ui.tr("voc.per_stage"))
chosen_stage = st.segmented_control(ui.tr("voc.stage"), (*STAGES, UNPLACED), format_func=stage_name,
                                    default=picked.get("stage") or worst["stage"], key="voc.stage") or worst["stage"]
in_stage = grid[grid["stage"] == chosen_stage].assign(other=lambda d: d["comments"] - d["negative"])
ui.show_chart(alt.Chart(in_stage).transform_fold(["negative", "other"], as_=["kind", "n"]).mark_bar().encode(
    y=alt.Y("expectation_name:N", sort=expectation_order, title=None),
    x=alt.X("n:Q", title=ui.tr("voc.comments")),
    color=alt.Color("kind:N", scale=alt.Scale(domain=["negative", "other"], range=["#D64545", "#9EC3E6"]),
                    legend=alt.Legend(orient="bottom", labelExpr=(
                        f"datum.label == 'negative' ? '{ui.tr('voc.negative')}' : '{ui.tr('voc.other')}'"))),
    tooltip=["expectation_name:N", "comments:Q", alt.Tooltip("negative_share:Q", format=".0%")]),
    height=340)

# -- the comments ------------------------------------------------------------------------------------------------
st.subheader(ui.tr("voc.the_comments"))
expectation_box, sentiment_box = st.columns(2)
present = [e for e in (*EXPECTATIONS, UNPLACED) if e in set(in_stage["expectation"])]
default_expectation = picked.get("expectation") if picked.get("stage") == chosen_stage else None
chosen_expectation = expectation_box.selectbox(
    ui.tr("voc.expectation"), [None, *present], format_func=lambda e: ui.tr("voc.all") if e is None else expectation_name(e),
    index=[None, *present].index(default_expectation) if default_expectation in present else 0,
    key=f"voc.expectation.{chosen_stage}")
chosen_sentiment = sentiment_box.selectbox(ui.tr("voc.sentiment"), [None, *feedback.SENTIMENTS], key="voc.sentiment",
                                           format_func=lambda s: ui.tr("voc.all") if s is None else ui.tr(f"voc.sentiment.{s}"))
listed = voc.comments(store, current.id, filters, stage=chosen_stage, expectation=chosen_expectation,
                      sentiment=chosen_sentiment, limit=300)
table = pd.DataFrame({
    ui.tr("voc.col.text"): [c.text for c in listed],
    ui.tr("voc.col.date"): [c.said_on for c in listed],
    ui.tr("voc.col.source"): [c.channel or "" for c in listed],
    ui.tr("voc.col.rating"): [f"{fmt_number(c.rating, lang, 1 if c.rating % 1 else 0)}/{c.rating_scale}"
                              if c.rating is not None else "—" for c in listed],
    ui.tr("voc.col.sentiment"): [ui.tr(f"voc.sentiment.{c.sentiment}") for c in listed],
    ui.tr("voc.col.segment"): [names.get(c.segment, "—") if c.segment else "—" for c in listed],
    ui.tr("voc.col.expectations"): [", ".join(method.name("expectation", e, lang) for e in c.expectations)
                                    for c in listed],
    ui.tr("voc.col.corrected"): [c.corrected for c in listed],
})
st.caption(ui.tr("voc.listed", n=fmt_number(len(listed), lang)))
shown = st.dataframe(table, hide_index=True, height=360, on_select="rerun",
                     selection_mode="single-row", key=f"voc.table.{chosen_stage}.{chosen_expectation}.{chosen_sentiment}")
rows = shown.selection.rows if shown and shown.selection else []
if rows and rows[0] < len(listed):
    comment = listed[rows[0]]
    with st.container(border=True):
        st.markdown(f"> {ui.plain(comment.text)}")
        hits = voc_dictionary.explain(comment.text, voc_dictionary.words(store, current.id))
        st.caption(ui.tr("voc.why", words=", ".join(ui.plain(w.stem) for w in hits) or "—"))
        if boss is not None:
            form = f"voc.fix.{comment.text_key}"
            with st.form(form, border=False):
                stage_box, exp_box, save_box = st.columns([2, 4, 1], vertical_alignment="bottom")
                new_stage = stage_box.selectbox(ui.tr("voc.stage"), [None, *STAGES],
                                                index=[None, *STAGES].index(comment.stage),
                                                format_func=lambda s: stage_name(s or UNPLACED), key=f"{form}.stage")
                new_exps = exp_box.multiselect(ui.tr("voc.expectations"), EXPECTATIONS, default=list(comment.expectations),
                                               format_func=lambda e: method.name("expectation", e, lang),
                                               key=f"{form}.expectations")
                if save_box.form_submit_button(ui.tr("voc.fix")):
                    try:
                        voc.correct(store, boss, current.id, comment.text_key, new_stage, new_exps)
                        st.toast(ui.tr("voc.fixed"))
                        st.rerun()
                    except CxError as error:
                        st.error(error.message(lang))
            if comment.corrected and st.button(ui.tr("voc.unfix"), type="tertiary", icon=":material/undo:"):
                voc.uncorrect(store, boss, current.id, comment.text_key)
                st.rerun()

# -- suggested barriers ------------------------------------------------------------------------------------------
st.subheader(ui.tr("voc.suggestions"))
target = rfm_settings.target_segment(store, current.id) or journey.default_segment(store, current.id) or "at_risk"
journey_segment = st.selectbox(ui.tr("voc.for_journey"), SEGMENTS, index=SEGMENTS.index(target), format_func=names.get,
                               key="voc.journey_segment")
st.caption(ui.tr("voc.suggestions_help", least=voc.MIN_COMMENTS))
me = ui.participant() or boss  # who may accept: a named participant, or the facilitator
found = voc.suggestions(store, current.id, journey_segment, filters)
if not found:
    st.info(ui.tr("voc.no_suggestions", least=voc.MIN_COMMENTS))
for suggestion in found[:12]:
    ev = suggestion.evidence
    with st.container(border=True):
        st.markdown(f"**{ui.plain(stage_name(ev.stage))} · {ui.plain(expectation_name(ev.expectation))}**")
        st.caption(ui.plain(ev.text(lang)))
        for quote in ev.quotes:
            st.markdown(f"> {ui.plain(quote)}")
        if suggestion.covered_by:
            st.success(ui.tr("voc.covered", n=len(suggestion.covered_by)), icon=":material/check:")
        elif me:
            text_box, accept_box = st.columns([5, 1], vertical_alignment="bottom")
            text = text_box.text_input(ui.tr("voc.barrier_text"), suggestion.default_text(lang), max_chars=voc.TEXT_MAX,
                                       key=f"voc.text.{journey_segment}.{suggestion.key}")
            if accept_box.button(ui.tr("voc.accept"), key=f"voc.accept.{journey_segment}.{suggestion.key}",
                                 type="primary", icon=":material/add_task:"):
                try:
                    voc.accept(store, ui.actor(), current.id, suggestion, journey_segment, text=text, lang=lang)
                    st.toast(ui.tr("voc.accepted"))
                    st.rerun()
                except CxError as error:
                    st.error(error.message(lang))

# -- the dictionary ------------------------------------------------------------------------------------------------
with st.expander(ui.tr("voc.dictionary"), icon=":material/menu_book:"):
    st.caption(ui.tr("voc.dictionary_help"))
    words = voc_dictionary.words(store, current.id)
    st.dataframe(pd.DataFrame({
        ui.tr("voc.col.stem"): [w.stem for w in words],
        ui.tr("voc.stage"): [stage_name(w.stage) if w.stage else "" for w in words],
        ui.tr("voc.expectations"): [", ".join(method.name("expectation", e, lang) for e in w.expectations) for w in words],
        ui.tr("voc.col.origin"): [ui.tr(f"voc.origin.{w.source}") for w in words],
    }), hide_index=True, height=300)
    if boss is not None:
        with st.form("voc.word", clear_on_submit=True):
            stem_box, stage_box, exp_box = st.columns([2, 2, 4], vertical_alignment="bottom")
            stem = stem_box.text_input(ui.tr("voc.col.stem"), max_chars=40, key="voc.word.stem")
            word_stage = stage_box.selectbox(ui.tr("voc.stage"), [None, *STAGES], key="voc.word.stage",
                                             format_func=lambda s: "—" if s is None else stage_name(s))
            word_exps = exp_box.multiselect(ui.tr("voc.expectations"), EXPECTATIONS, key="voc.word.expectations",
                                            format_func=lambda e: method.name("expectation", e, lang))
            save_box, remove_box = st.columns(2)
            if save_box.form_submit_button(ui.tr("voc.word_save"), type="primary") and stem.strip():
                try:
                    voc_dictionary.save_word(store, boss, current.id, stem, word_stage, word_exps)
                    st.rerun()
                except CxError as error:
                    st.error(error.message(lang))
            if remove_box.form_submit_button(ui.tr("voc.word_remove")) and stem.strip():
                try:
                    voc_dictionary.remove_word(store, boss, current.id, stem)
                    st.rerun()
                except CxError as error:
                    st.error(error.message(lang))
