"""Each participant rates the 20 CX practices from their own browser: every answer saves at once; "don't know"
is an answer too; a changed answer (a re-vote) replaces the earlier one, which stays in the history."""
import streamlit as st

import ui
from cxcore import maturity_ratings
from cxcore.errors import CxError
from cxcore.maturity import respondent_key
from cxcore.maturity_model import COMPETENCIES, PRACTICES, competency_name, practices_of

current = ui.current_workshop()
lang = ui.lang()
st.title(ui.tr("maturity.rate_title"))
st.caption(ui.tr("maturity.rate_help"))
me = ui.name_prompt()
if not me:
    st.stop()

DONT_KNOW = 0  # the sixth answer: "don't know" (saved as an answer without a score)
OPTIONS = (1, 2, 3, 4, 5, DONT_KNOW)
result, ratings, progress = ui.maturity_now(current.id)
mine = {r.practice: (DONT_KNOW if r.score is None else r.score)
        for r in ratings if respondent_key(r.respondent) == respondent_key(me)}


def save(number: int) -> None:
    """One answer, saved the moment it is chosen (clearing the choice takes the answer back)."""
    value = st.session_state.get(f"maturity.rate.{number}")
    try:
        if value is None:
            maturity_ratings.clear(ui.get_store(), current.id, me, number)
        else:
            maturity_ratings.rate(ui.get_store(), current.id, me, number, None if value == DONT_KNOW else value)
    except CxError as error:
        st.toast(error.message(lang))


answered = len(mine)
st.progress(answered / len(PRACTICES), text=ui.tr("maturity.rate_progress", answered=answered, total=len(PRACTICES)))
for competency in COMPETENCIES:
    st.subheader(competency_name(competency, lang))
    for practice in practices_of(competency):
        text, choice = st.columns([3, 2], vertical_alignment="center")
        text.markdown(f"**{practice.number}. {practice.name(lang)}**")
        text.caption(practice.looks_like(lang))
        choice.segmented_control(
            practice.name(lang), OPTIONS, default=mine.get(practice.number), key=f"maturity.rate.{practice.number}",
            format_func=lambda v: ui.tr("maturity.unknown") if v == DONT_KNOW else str(v),
            on_change=save, args=(practice.number,), label_visibility="collapsed")
if answered == len(PRACTICES):
    st.success(ui.tr("maturity.rate_done"))
