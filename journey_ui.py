"""The journey's card editor, shared by the board and the graph: one dialog per card (stage, touchpoint,
barrier, idea) that adds or edits it with the store's versioned save, deletes it to the trash, and shows its
history; plus the toolbar's undo and trash. Pages open a card with `open_card` and call `show_dialog` once.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

import ui
from cxcore import journey, method
from cxcore.errors import ConflictError, CxError
from cxcore.i18n import fmt_date

STATE = "journey.dialog"  # {"kind", "id" (None: a new card), "parent", "version" (the one the form shows)}
# Material icons (they come with Streamlit's own font, so every projector shows them)
EMOTION_ICON = {-2: ":red[:material/sentiment_very_dissatisfied:]", -1: ":orange[:material/sentiment_dissatisfied:]",
                0: ":gray[:material/sentiment_neutral:]", 1: ":green[:material/sentiment_satisfied:]",
                2: ":green[:material/sentiment_very_satisfied:]"}
_ADD = {"touchpoint": journey.add_touchpoint, "barrier": journey.add_barrier, "idea": journey.add_idea}


def open_card(kind: str, card_id: str | None = None, parent_id: str | None = None) -> None:
    """Open the dialog of a card (or of a new card under `parent_id`) on the next run of the whole page."""
    st.session_state[STATE] = {"kind": kind, "id": card_id, "parent": parent_id, "version": None}
    st.rerun(scope="app")


def _close() -> None:
    st.session_state.pop(STATE, None)


def _find(tree: Any, card_id: str | None) -> Any:
    """The card with this id in a journey tree, or None."""
    from cxcore.journey_model import walk

    return next((card for card in walk(tree) if card.id == card_id), None)


def show_dialog(tree: Any) -> None:
    """The open card's dialog, if one is open (call once, outside any fragment)."""
    wanted = st.session_state.get(STATE)
    if not wanted:
        return
    card = _find(tree, wanted["id"]) if wanted["id"] else None
    parent = _find(tree, wanted["parent"]) if wanted["parent"] else None
    if (wanted["id"] and card is None) or (not wanted["id"] and parent is None):
        _close()  # deleted meanwhile by someone else: nothing to open
        st.toast(ui.tr("journey.card_gone"))
        return
    title = ui.tr(f"journey.{'edit' if card else 'add'}.{wanted['kind']}")
    st.dialog(title, width="large", on_dismiss=_close)(_dialog)(wanted, card, parent)


def _dialog(wanted: dict, card: Any, parent: Any) -> None:
    kind, lang = wanted["kind"], ui.lang()
    if card is not None and wanted["version"] is None:
        wanted["version"] = card.version  # the version this form starts from: a later save by another is a conflict
    key = f"{STATE}.{wanted['id'] or 'new-' + wanted['parent']}"
    with st.form(key, border=False):
        values = FIELDS[kind](card, parent, key, lang)
        saved = st.form_submit_button(ui.tr("workshop.save"), type="primary")
    if saved:
        _save(wanted, card, parent, values)
    if card is None:
        return
    if kind != "stage" and st.button(ui.tr("journey.delete"), icon=":material/delete:", key=f"{key}.delete"):
        _delete(card)
    with st.expander(ui.tr("journey.history")):
        for change in journey.history(ui.get_store(), card.id)[:20]:
            st.caption(ui.tr("journey.history_line", actor=ui.plain(change.actor), action=ui.tr(
                f"journey.action.{change.action}"), at=f"{fmt_date(change.changed_at, lang)} "
                f"{change.changed_at:%H:%M}", what=ui.plain(_changed(change))))


def _save(wanted: dict, card: Any, parent: Any, values: dict[str, Any]) -> None:
    store, who = ui.get_store(), ui.actor()
    if card is None:
        _write(lambda: _ADD[wanted["kind"]](store, parent, who, **values), "journey.conflict", "workshop.saved")
    else:
        _write(lambda: journey.update(store, replace(card, version=wanted["version"]), who, **values),
               "journey.conflict", "workshop.saved", wanted)


def _delete(card: Any) -> None:
    """To the trash, unless someone changed the card since this dialog opened (then they see why not)."""
    _write(lambda: journey.delete(ui.get_store(), card, ui.actor()), "journey.delete_conflict", "journey.deleted")


def _write(action, conflict_key: str, done_key: str, wanted: dict | None = None) -> None:
    """Run one write of the dialog: done → close and rerun the page; a conflict shows the other person's card (and
    bases the form on its version, so the next save is a deliberate overwrite); a refusal says why."""
    try:
        action()
    except ConflictError as error:
        if wanted is not None:
            wanted["version"] = error.current.get("version", wanted["version"])
        st.error(ui.tr(conflict_key, current=ui.plain(_record_text(error.current))))
        return
    except CxError as error:
        st.error(error.message(ui.lang()))
        return
    _close()
    st.toast(ui.tr(done_key))
    st.rerun(scope="app")


def _record_text(record: dict[str, Any]) -> str:
    """The other person's version of a card, in a line: its text fields."""
    return " · ".join(str(record[k]) for k in ("name", "text", "goal", "actions", "thoughts") if record.get(k))


def _changed(change: Any) -> str:
    new = change.new or {}
    return " · ".join(f"{k}: {v}" for k, v in new.items() if k in ("name", "text", "goal", "severity", "status",
                                                                     "impact", "effort", "emotion"))[:200]


# -- the fields of each kind of card ----------------------------------------------------------------------------
def _named(kind: str, lang: str):
    return lambda key: method.name(kind, key, lang)


def _stage_fields(card: Any, parent: Any, key: str, lang: str) -> dict[str, Any]:
    values = {"owner_department": ui.vocabulary_choice(st, ui.tr("journey.field.owner"), "department",
                                                       card.owner_department, f"{key}.owner"),
              "goal": st.text_area(ui.tr("journey.lane.goal"), card.goal, key=f"{key}.goal", height=80),
              "actions": st.text_area(ui.tr("journey.lane.actions"), card.actions, key=f"{key}.actions", height=80),
              "thoughts": st.text_area(ui.tr("journey.lane.thoughts"), card.thoughts, key=f"{key}.thoughts",
                                       height=80),
              "emotion": st.select_slider(ui.tr("journey.lane.emotion"), method.EMOTIONS, card.emotion or 0,
                                          format_func=lambda v: f"{v:+d}", key=f"{key}.emotion")}
    name_box, current_box, target_box = st.columns([2, 1, 1])
    values["kpi_name"] = name_box.text_input(ui.tr("journey.field.kpi"), card.kpi_name, key=f"{key}.kpi")
    values["kpi_current"] = current_box.number_input(ui.tr("journey.field.kpi_current"), value=card.kpi_current,
                                                     key=f"{key}.kpi_current")
    values["kpi_target"] = target_box.number_input(ui.tr("journey.field.kpi_target"), value=card.kpi_target,
                                                   key=f"{key}.kpi_target")
    return values


def _touchpoint_fields(card: Any, parent: Any, key: str, lang: str) -> dict[str, Any]:
    return {
        "name": st.text_input(ui.tr("journey.field.name"), card.name if card else "", key=f"{key}.name"),
        "channel": ui.vocabulary_choice(st, ui.tr("journey.field.channel"), "channel", card.channel if card else "",
                                        f"{key}.channel"),
        "owner_department": ui.vocabulary_choice(st, ui.tr("journey.field.owner"), "department",
                                                 card.owner_department if card else parent.owner_department,
                                                 f"{key}.owner"),
    }


def _barrier_fields(card: Any, parent: Any, key: str, lang: str) -> dict[str, Any]:
    departments = list(card.departments) if card else ([parent.owner_department] if parent.owner_department else [])
    share = card.share if card else None
    left, right = st.columns(2)
    values = {
        "text": st.text_area(ui.tr("journey.field.barrier_text"), card.text if card else "", key=f"{key}.text",
                             placeholder=ui.tr("journey.field.barrier_placeholder"), height=90),
        "expectations": st.multiselect(ui.tr("journey.field.expectations"), method.EXPECTATIONS,
                                       list(card.expectations) if card else [], key=f"{key}.expectations",
                                       format_func=_named("expectation", lang)),
        "departments": st.multiselect(ui.tr("journey.field.departments"), list(dict.fromkeys([
            *method.DEPARTMENTS, *departments])), departments, accept_new_options=True,
            format_func=_named("department", lang), key=f"{key}.departments",
            help=ui.tr("journey.field.departments_help")),
        "severity": left.select_slider(ui.tr("journey.field.severity"), method.SCORES, card.severity if card else 3,
                                       key=f"{key}.severity"),
        "evidence": right.selectbox(ui.tr("journey.field.evidence"), method.EVIDENCE,
                                    method.EVIDENCE.index(card.evidence) if card else 2,
                                    format_func=_named("evidence", lang), key=f"{key}.evidence"),
        "status": left.selectbox(ui.tr("journey.field.status"), method.STATUSES,
                                 method.STATUSES.index(card.status) if card else 0,
                                 format_func=_named("status", lang), key=f"{key}.status"),
    }
    percent = right.number_input(ui.tr("journey.field.share"), 0, 100, None if share is None else round(share * 100),
                                 key=f"{key}.share")
    values["share"] = None if percent is None else percent / 100
    return values


def _idea_fields(card: Any, parent: Any, key: str, lang: str) -> dict[str, Any]:
    left, right = st.columns(2)
    return {
        "text": st.text_area(ui.tr("journey.field.idea_text"), card.text if card else "", key=f"{key}.text",
                             height=90),
        "impact": left.select_slider(ui.tr("journey.field.impact"), method.SCORES, card.impact if card else 3,
                                     key=f"{key}.impact"),
        "effort": right.select_slider(ui.tr("journey.field.effort"), method.SCORES, card.effort if card else 3,
                                      key=f"{key}.effort"),
    }


FIELDS = {"stage": _stage_fields, "touchpoint": _touchpoint_fields, "barrier": _barrier_fields, "idea": _idea_fields}


# -- the toolbar ----------------------------------------------------------------------------------------------------
def undo_button(workshop_id: str) -> None:
    if st.button(ui.tr("journey.undo"), icon=":material/undo:", key="journey.undo"):
        try:
            undone = journey.undo_last(ui.get_store(), workshop_id, ui.actor())
            st.toast(ui.tr("journey.undone") if undone else ui.tr("journey.nothing_to_undo"))
        except CxError as error:
            st.toast(error.message(ui.lang()))


def trash(workshop_id: str) -> None:
    items = journey.trash(ui.get_store(), workshop_id)
    with st.popover(ui.tr("journey.trash", n=len(items)), icon=":material/delete:"):
        if not items:
            st.caption(ui.tr("journey.trash_empty"))
        for item in items:
            text, button = st.columns([4, 1])
            text.markdown(f"**{ui.tr(f'journey.kind.{item.kind}')}** · {ui.plain(item.label)}")
            text.caption(ui.tr("journey.trash_line", stage=ui.tr(f"stage.{item.stage}"),
                               who=ui.plain(item.deleted_by or "—"), at=f"{item.deleted_at:%H:%M}"))
            if button.button(ui.tr("journey.restore"), key=f"journey.restore.{item.id}"):
                try:
                    journey.restore(ui.get_store(), item.id, ui.actor())
                    st.rerun()
                except CxError as error:
                    st.error(error.message(ui.lang()))
