"""The room's CX maturity, live: the stage on the 6–30 scale and what it means, the six competencies against
the stage bands, where the room disagrees, every answer by practice × respondent, who has finished, the
client's previous workshop side by side, and the gaps offered to the roadmap."""
import altair as alt
import pandas as pd
import streamlit as st

import room_ui
import ui
from cxcore import maturity, maturity_ratings
from cxcore.i18n import fmt_date, fmt_number
from cxcore.maturity_model import BY_NUMBER, TOTAL_MAX, TOTAL_MIN, stage_meaning, stage_name, stage_next_steps

current = ui.current_workshop()
lang = ui.lang()
st.title(ui.tr("maturity.title"))
STAGE_COLOURS = ["#D64545", "#F2A541", "#E8D44D", "#8BC34A", "#1B7F3B"]


def bands_chart(bands: list, horizontal: bool, legend: bool = True):
    frame = pd.DataFrame([{"name": b.name, "low": b.low, "high": b.high} for b in bands])
    scale = alt.Scale(domain=list(frame["name"]), range=STAGE_COLOURS)
    axis = "x" if horizontal else "y"
    return alt.Chart(frame).mark_rect(opacity=0.25 if not horizontal else 0.6).encode(**{
        axis: alt.X("low:Q") if horizontal else alt.Y("low:Q"), f"{axis}2": "high:Q",
        "color": alt.Color("name:N", scale=scale, title=None, legend=alt.Legend(orient="bottom") if legend else None)})


def headline(result) -> None:
    if not result.complete:
        st.info(ui.tr("maturity.incomplete", missing=", ".join(ui.tr(f"maturity.competency.{k}")
                                                                for k in result.missing) or "—"))
        return
    total_box, words = st.columns([1, 3])
    total_box.metric(ui.tr("maturity.total"), ui.tr("maturity.of_30", total=maturity.fmt_score(result.total, lang)),
                     stage_name(result.stage, lang), delta_color="off", delta_arrow="off")
    words.markdown(f"**{stage_name(result.stage, lang)}.** {stage_meaning(result.stage, lang)}")
    words.markdown(f"**{ui.tr('maturity.next')}** {stage_next_steps(result.stage, lang)}")
    scale = bands_chart(maturity.stage_bands(lang), horizontal=True).encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[TOTAL_MIN, TOTAL_MAX]), title=None))
    marker = alt.Chart(pd.DataFrame({"total": [result.total]})).mark_rule(strokeWidth=5, color="black").encode(x="total:Q")
    ui.show_chart(scale + marker, height=130)


def competencies(result) -> None:
    frame = maturity.competency_frame(result, lang).assign(
        shown=lambda d: [maturity.fmt_score(v, lang) for v in d["score"]])
    bars = alt.Chart(frame).encode(x=alt.X("name:N", sort=list(frame["name"]), title=None,
                                           axis=alt.Axis(labelAngle=0, labelLimit=200)))
    ui.show_chart(bands_chart(maturity.stage_bands(lang, per_competency=True), horizontal=False, legend=False).encode(
        y=alt.Y("low:Q", scale=alt.Scale(domain=[1, 5]), title=ui.tr("maturity.score")))
        + bars.mark_bar(size=60, color="#0B5FA5").encode(y="score:Q", y2=alt.datum(1), tooltip=["name:N", "shown:N"])
        + bars.mark_text(dy=-14, fontSize=18).encode(y="score:Q", text="shown:N"), height=420)


def disagreement(result) -> None:
    wide = maturity.widest_spread(result)
    if not wide:
        st.caption(ui.tr("maturity.no_spread"))
        return
    st.dataframe(pd.DataFrame({
        ui.tr("maturity.col.practice"): [f"{p.practice}. {BY_NUMBER[p.practice].name(lang)}" for p in wide],
        ui.tr("maturity.col.range"): [f"{p.min}–{p.max}" for p in wide],
        ui.tr("maturity.col.std"): [fmt_number(p.std, lang, 2) for p in wide],
        ui.tr("maturity.col.score"): [maturity.fmt_score(p.score, lang) for p in wide],
    }), hide_index=True, width="stretch")


def answers(ratings, progress) -> None:
    grid = maturity.matrix(ratings, [p.respondent for p in progress], unknown="?")
    cells = grid.reset_index().melt(id_vars="practice", var_name="respondent", value_name="answer").dropna()
    cells["label"] = [f"{n}. {BY_NUMBER[n].name(lang)}" for n in cells["practice"]]
    cells["score"] = pd.to_numeric(cells["answer"], errors="coerce")
    cells["answer"] = cells["answer"].astype(str)
    heat = alt.Chart(cells).encode(
        x=alt.X("respondent:N", title=None, axis=alt.Axis(orient="top", labelAngle=0, labelOverlap=False,
                                                          labelExpr="split(datum.label, ' ')")),
        y=alt.Y("label:N", sort=[f"{n}. {p.name(lang)}" for n, p in BY_NUMBER.items()], title=None,
                axis=alt.Axis(labelLimit=420)))
    ui.show_chart(heat.mark_rect().encode(color=alt.Color("score:Q", scale=alt.Scale(domain=[1, 5], scheme="redyellowgreen"),
                                                          title=ui.tr("maturity.score")))
                  + heat.mark_text(fontSize=15).encode(text="answer:N"), height=40 * len(BY_NUMBER) + 60)


def who_finished(progress) -> None:
    st.dataframe(pd.DataFrame({ui.tr("maturity.col.respondent"): [p.respondent for p in progress],
                               ui.tr("maturity.col.answered"): [p.answered for p in progress],
                               ui.tr("maturity.col.finished"): [p.finished for p in progress]}),
                 hide_index=True, width="stretch", column_config={ui.tr("maturity.col.answered"): st.column_config.ProgressColumn(
                     min_value=0, max_value=len(BY_NUMBER), format="%d / 20")})


def against_last_time() -> None:
    found = maturity_ratings.compare(ui.get_store(), current.id)
    if found is None:
        st.caption(ui.tr("maturity.no_previous"))
        return
    when = {"current": current.held_on, "previous": found.previous_workshop.held_on}
    rows = [{"name": ui.tr(f"maturity.competency.{d.key}"), "when": ui.tr(f"maturity.when.{which}", day=fmt_date(when[which], lang)),
             "score": score} for d in found.competencies for which, score in (("previous", d.previous),
                                                                              ("current", d.current))]
    ui.show_chart(alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("name:N", title=None, axis=alt.Axis(labelAngle=0, labelLimit=200)), xOffset="when:N",
        y=alt.Y("score:Q", scale=alt.Scale(domain=[1, 5]), title=ui.tr("maturity.score")),
        color=alt.Color("when:N", title=None, legend=alt.Legend(orient="top"))), height=360)
    if found.total_change is not None:
        st.caption(ui.tr("maturity.total_change", change=fmt_number(found.total_change, lang, 2)))


room_ui.refresh_on_change(lambda: maturity_ratings.stamp(ui.get_store(), current.id))
shown = ui.maturity_now(current.id)[0]
if shown.complete:
    room_ui.presentation(ui.tr("maturity.key_message", total=maturity.fmt_score(shown.total, lang),
                               stage=stage_name(shown.stage, lang)), stage_meaning(shown.stage, lang))


def live() -> None:
    result, ratings, progress = ui.maturity_now(current.id)
    if not ratings:
        st.info(ui.tr("maturity.none"))
        return
    headline(result)
    left, right = st.columns([3, 2])
    with left:
        st.subheader(ui.tr("maturity.competencies"))
        competencies(result)
    with right:
        st.subheader(ui.tr("maturity.progress"))
        who_finished(progress)
    st.subheader(ui.tr("maturity.disagree"))
    disagreement(result)
    st.subheader(ui.tr("maturity.answers"))
    answers(ratings, progress)
    st.subheader(ui.tr("maturity.previous"))
    against_last_time()
    st.subheader(ui.tr("maturity.candidates"))
    for candidate in maturity.roadmap_candidates(result, lang):
        st.markdown(f"- {candidate.text}")


live()
