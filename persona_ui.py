"""The persona card and the personalisation plan's widgets: `card` shows a segment's persona (the figures from the
base, what the room wrote); the persona page adds the persona's form and the plan (tables, add / edit / trash,
suggestions from the data, the feed into the contact policy). Text typed by people is always shown escaped.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

import ui
from cxcore import base, contact_policy, method, persona, personalisation, rfm_settings
from cxcore.errors import CxError
from cxcore.i18n import fmt_money, fmt_number, t
from cxcore.store import Store

PERSONA_FIELDS = ("name", "goals", "needs", "expectations", "quotes")
ACTION_FIELDS = ("kind", "action", "channel", "trigger", "kpi")
KIND_ICON = {"preventive": ":material/lightbulb:", "reactive": ":material/notifications_active:"}


# -- cached figures ------------------------------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def _figures(path: str, workshop_id: str, base_id: int, settings_version: int, _store: Store) -> dict:
    return persona.figures(_store, workshop_id)


def figures(store: Store, workshop_id: str) -> dict[str, persona.PersonaFigures]:
    """The five segments' figures, computed once per base and RFM settings version (empty without a base)."""
    base_id = base.current_base_id(store, workshop_id)
    if base_id is None:
        return {}
    version = rfm_settings.get(store, workshop_id).version
    return _figures(str(store.path), workshop_id, base_id, version, store)


# -- the card ------------------------------------------------------------------------------------------------------
def pct(share: float | None, lang: str) -> str:
    return "—" if share is None else f"{fmt_number(share * 100, lang, 1)} %"


def top_line(top: persona.Top, kind: str | None, lang: str) -> str:
    """"Website 38,0 %, Store 36,7 %": names from the base, escaped."""
    return ", ".join(f"{ui.plain(method.name(kind, name, lang) if kind else name)} {pct(share, lang)}"
                     for name, share in top)


def _text(value: str) -> str:
    """Typed text for markdown: escaped, its line breaks kept."""
    return "  \n".join(ui.plain(line) for line in value.splitlines())


def card(store: Store, workshop_id: str, segment: str, lang: str, *, compact: bool = False) -> None:
    """A segment's persona: its name, the figures from the base (size, revenue share, average order value,
    frequency, top channels, regions and products), and unless `compact` its goals, needs, the expectations that
    matter most and the customers' quotes."""
    found = figures(store, workshop_id).get(segment)
    who = persona.get(store, workshop_id, segment)
    segment_name = t(f"rfm.segment.{segment}", lang)
    with st.container(border=True):
        if who.name:
            st.subheader(t("persona.card_title", lang, name=ui.plain(who.name)), anchor=False)
        else:
            st.subheader(t("persona.unnamed", lang, segment=segment_name), anchor=False)
        st.caption(segment_name)
        if found is None:
            st.info(t("persona.no_base", lang))
        else:
            shown = [("persona.figure.customers", fmt_number(found.customers, lang)),
                     ("persona.figure.customer_share", pct(found.customer_share, lang)),
                     ("persona.figure.revenue_share", pct(found.revenue_share, lang)),
                     ("persona.figure.aov", fmt_money(found.avg_order_value, lang)),
                     ("persona.figure.frequency", fmt_number(found.avg_frequency, lang, 1))]
            for (key, value), column in zip(shown, st.columns(len(shown))):
                column.metric(t(key, lang), value)
            for key, top, kind in (("persona.channels", found.channels, "channel"),
                                   ("persona.regions", found.regions, None),
                                   ("persona.products", found.products, None)):
                if top:
                    st.markdown(f"**{t(key, lang)}:** {top_line(top, kind, lang)}", help=t("persona.shares_help", lang))
        if who.expectations:
            listed = ", ".join(f"{i}\\. {t(f'expectation.{e}', lang)}" for i, e in enumerate(who.expectations, 1))
            st.markdown(f"**{t('persona.expectations', lang)}:** {listed}")
        if compact:
            return
        for key, value in (("persona.goals", who.goals), ("persona.needs", who.needs)):
            if value:
                st.markdown(f"**{t(key, lang)}:**  \n{_text(value)}")
        if who.quotes:
            st.markdown(f"**{t('persona.quotes', lang)}:**")
            for quote in who.quotes:
                st.markdown(f"> {ui.plain(' '.join(quote.split()))}")


def key_message(store: Store, workshop_id: str, segment: str, lang: str) -> tuple[str, str | None]:
    """The projector's message: the segment's size, revenue share and average order; the persona's expectations."""
    found = figures(store, workshop_id).get(segment)
    who = persona.get(store, workshop_id, segment)
    name = who.name or t(f"rfm.segment.{segment}", lang)
    if found is None:
        return t("persona.title", lang), None
    message = t("persona.headline", lang, segment=name, customers=pct(found.customer_share, lang),
                revenue=pct(found.revenue_share, lang), aov=fmt_money(found.avg_order_value, lang))
    detail = ", ".join(t(f"expectation.{e}", lang) for e in who.expectations) or None
    return message, detail


# -- the persona's form --------------------------------------------------------------------------------------------
def persona_form(store: Store, workshop_id: str, segment: str) -> None:
    """Name, goals, needs, the expectations that matter most (with what the segment's comments say of each) and
    quotes picked from the segment's comments; a versioned save."""
    lang = ui.lang()
    found = persona.get(store, workshop_id, segment)
    signal = persona.expectation_signal(store, workshop_id, segment)
    candidates = persona.quote_candidates(store, workshop_id, segment)
    form = f"persona.edit.{segment}"
    seen = ui.form_version(form, found.version, PERSONA_FIELDS)

    def option(key: str) -> str:  # in the language of this run (a widget may format its options later)
        counted = signal.of(key)
        name = t(f"expectation.{key}", lang)
        if not counted.comments:
            return name
        return t("persona.expectation_option", lang, name=name, comments=counted.comments, negative=counted.negative)

    with st.expander(ui.tr("persona.edit"), icon=":material/edit:", expanded=not found.described), st.form(form):
        name = st.text_input(ui.tr("persona.name"), found.name, max_chars=persona.NAME_MAX,
                             placeholder=ui.tr("persona.name_placeholder"), key=f"{form}.name")
        goals_box, needs_box = st.columns(2)
        goals = goals_box.text_area(ui.tr("persona.goals"), found.goals, max_chars=persona.TEXT_MAX,
                                    key=f"{form}.goals")
        needs = needs_box.text_area(ui.tr("persona.needs"), found.needs, max_chars=persona.TEXT_MAX,
                                    key=f"{form}.needs")
        top = signal.top(3)
        st.caption(ui.tr("persona.signal", items=", ".join(option(e.expectation) for e in top)) if top
                   else ui.tr("persona.signal_none"))
        expectations = st.multiselect(ui.tr("persona.expectations"), method.EXPECTATIONS, list(found.expectations),
                                      format_func=option, help=ui.tr("persona.expectations_help"),
                                      key=f"{form}.expectations")
        options = list(dict.fromkeys([*found.quotes, *(q.text for q in candidates)]))
        quotes = st.multiselect(ui.tr("persona.quotes"), options, list(found.quotes),
                                max_selections=persona.QUOTES_MAX, help=ui.tr("persona.quotes_help"),
                                format_func=lambda text: text if len(text) <= 160 else text[:159] + "…",
                                key=f"{form}.quotes")
        if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
            ui.save_form(form, PERSONA_FIELDS,
                         lambda error: ui.tr("persona.conflict", name=ui.plain(error.current.get("name") or "—")),
                         lambda: persona.save(store, replace(found, version=seen), ui.actor(), name=name, goals=goals,
                                              needs=needs, expectations=expectations, quotes=quotes))


# -- the personalisation plan ----------------------------------------------------------------------------------------
def plan(store: Store, workshop_id: str, segment: str, *, editable: bool) -> None:
    """The segment's plan: its mix beside the 50/50 rule, the preventive and reactive tables, and (`editable`) the
    forms, the suggestions, the trash and the feed into the contact policy."""
    lang = ui.lang()
    st.subheader(ui.tr("personalisation.title"), anchor=False)
    st.caption(ui.tr("personalisation.help"))
    actions = personalisation.actions(store, workshop_id, segment)
    mix = personalisation.plan_mix(actions)
    (st.warning if mix.meets_golden_rule is False else st.caption)(mix.text(lang))
    for kind in personalisation.KINDS:
        rows = [a for a in actions if a.kind == kind]
        st.markdown(f"{KIND_ICON[kind]} **{ui.tr(f'personalisation.kinds.{kind}')}**")
        if rows:
            st.dataframe(action_table(rows, lang), hide_index=True, width="stretch")
        else:
            st.caption(ui.tr("personalisation.none"))
    if not editable:
        return
    add_form(store, workshop_id, segment)
    if actions:
        edit_form(store, actions)
    suggestions(store, workshop_id, segment)
    trash(store, workshop_id, segment)
    apply_to_policy(store, workshop_id, segment)


def action_table(actions: list, lang: str) -> pd.DataFrame:
    """The actions as a table (a table shows text as typed: no markup is read)."""
    return pd.DataFrame({
        ui.tr("personalisation.col.action"): [a.action for a in actions],
        ui.tr("personalisation.col.channel"): [method.name("channel", a.channel, lang) if a.channel else ""
                                               for a in actions],
        ui.tr("personalisation.col.trigger"): [a.trigger for a in actions],
        ui.tr("personalisation.col.kpi"): [a.kpi for a in actions],
        ui.tr("personalisation.col.author"): [a.author for a in actions],
    })


def _kind_choice(box, form: str, current: str) -> str:
    lang = ui.lang()
    return box.segmented_control(ui.tr("personalisation.col.kind"), personalisation.KINDS, default=current,
                                 format_func=lambda k: t(f"personalisation.kind.{k}", lang),
                                 key=f"{form}.kind") or current


def _channel_choice(box, form: str, current: str) -> str:
    """A CHANNELS key shown by name, or a channel typed in (as `ui.vocabulary_choice`, with the names in the language
    of this run: a widget may format its options after the run)."""
    lang = ui.lang()
    options = list(dict.fromkeys([*method.CHANNELS, *([current] if current else [])]))
    return box.selectbox(ui.tr("personalisation.col.channel"), options,
                         index=options.index(current) if current else None, accept_new_options=True,
                         format_func=lambda value: method.name("channel", value, lang), key=f"{form}.channel") or ""


def add_form(store: Store, workshop_id: str, segment: str) -> None:
    form = "personalisation.new"
    with st.expander(ui.tr("personalisation.add"), icon=":material/add:"), st.form(form, clear_on_submit=True):
        kind_box, channel_box = st.columns(2)
        kind = _kind_choice(kind_box, form, "preventive")
        channel = _channel_choice(channel_box, form, "")
        action = st.text_input(ui.tr("personalisation.col.action"), max_chars=personalisation.ACTION_MAX,
                               key=f"{form}.action")
        trigger_box, kpi_box = st.columns(2)
        trigger = trigger_box.text_input(ui.tr("personalisation.col.trigger"), max_chars=personalisation.TRIGGER_MAX,
                                         key=f"{form}.trigger")
        kpi = kpi_box.text_input(ui.tr("personalisation.col.kpi"), max_chars=personalisation.KPI_MAX,
                                 key=f"{form}.kpi")
        if st.form_submit_button(ui.tr("personalisation.add"), type="primary"):
            try:
                personalisation.add(store, workshop_id, segment, ui.actor(), kind, action, channel, trigger, kpi)
                st.rerun()
            except CxError as error:
                st.error(error.message(ui.lang()))


def edit_form(store: Store, actions: list) -> None:
    lang = ui.lang()
    with st.expander(ui.tr("personalisation.edit"), icon=":material/edit:"):
        chosen = st.selectbox(ui.tr("personalisation.col.action"), actions, key="personalisation.pick",
                              format_func=lambda a: f"{t(f'personalisation.kind.{a.kind}', lang)}: {a.action[:80]}")
        form = f"personalisation.action.{chosen.id}"
        seen = ui.form_version(form, chosen.version, ACTION_FIELDS)
        with st.form(form, border=False):
            kind_box, channel_box = st.columns(2)
            kind = _kind_choice(kind_box, form, chosen.kind)
            channel = _channel_choice(channel_box, form, chosen.channel)
            action = st.text_input(ui.tr("personalisation.col.action"), chosen.action,
                                   max_chars=personalisation.ACTION_MAX, key=f"{form}.action")
            trigger_box, kpi_box = st.columns(2)
            trigger = trigger_box.text_input(ui.tr("personalisation.col.trigger"), chosen.trigger,
                                             max_chars=personalisation.TRIGGER_MAX, key=f"{form}.trigger")
            kpi = kpi_box.text_input(ui.tr("personalisation.col.kpi"), chosen.kpi, max_chars=personalisation.KPI_MAX,
                                     key=f"{form}.kpi")
            if st.form_submit_button(ui.tr("workshop.save"), type="primary"):
                ui.save_form(form, ACTION_FIELDS,
                             lambda error: ui.tr("personalisation.conflict",
                                                 action=ui.plain(error.current.get("action") or "—")),
                             lambda: personalisation.update(store, replace(chosen, version=seen), ui.actor(),
                                                            kind=kind, action=action, channel=channel,
                                                            trigger=trigger, kpi=kpi))
        if st.button(ui.tr("personalisation.delete"), icon=":material/delete:",
                     key=f"personalisation.delete.{chosen.id}"):
            try:
                personalisation.delete(store, chosen, ui.actor())
                st.toast(ui.tr("personalisation.deleted"))
                st.rerun()
            except CxError as error:
                st.error(error.message(ui.lang()))


def suggestions(store: Store, workshop_id: str, segment: str) -> None:
    lang = ui.lang()
    found = personalisation.suggested(store, workshop_id, segment, lang, figures(store, workshop_id).get(segment))
    with st.expander(ui.tr("personalisation.suggested", count=len(found)), icon=":material/auto_awesome:"):
        if not found:
            st.caption(ui.tr("personalisation.suggested_none"))
        for i, suggestion in enumerate(found):
            text_box, accept_box = st.columns([6, 1], vertical_alignment="center")
            text_box.markdown(f"{KIND_ICON[suggestion.kind]} {ui.plain(suggestion.action)}")
            text_box.caption(" · ".join(ui.plain(part) for part in (
                ui.tr(f"personalisation.kind.{suggestion.kind}"), method.name("channel", suggestion.channel, lang),
                suggestion.trigger, suggestion.kpi) if part))
            if accept_box.button(ui.tr("personalisation.accept"), key=f"personalisation.accept.{i}"):
                try:
                    personalisation.accept(store, workshop_id, segment, ui.actor(), suggestion)
                    st.rerun()
                except CxError as error:
                    st.error(error.message(lang))


def trash(store: Store, workshop_id: str, segment: str) -> None:
    gone = personalisation.deleted(store, workshop_id, segment)
    if not gone:
        return
    with st.expander(ui.tr("personalisation.trash", count=len(gone)), icon=":material/delete:"):
        for action in gone[:20]:
            text_box, restore_box = st.columns([6, 1], vertical_alignment="center")
            text_box.markdown(ui.plain(action.action))
            if restore_box.button(ui.tr("personalisation.restore"), key=f"personalisation.restore.{action.id}"):
                try:
                    personalisation.restore(store, action.id, ui.actor())
                    st.rerun()
                except CxError as error:
                    st.error(error.message(ui.lang()))


def apply_to_policy(store: Store, workshop_id: str, segment: str) -> None:
    """The button that feeds the plan into the segment's contact policy, and the policy as it stands."""
    lang = ui.lang()
    if st.button(ui.tr("personalisation.apply"), icon=":material/campaign:", key="personalisation.apply"):
        try:
            applied = personalisation.apply_to_policy(store, workshop_id, segment, ui.actor(), lang)
            st.success(ui.tr("personalisation.applied",
                             channels=ui.plain(", ".join(applied.channel_names(lang)) or "—")))
        except CxError as error:
            st.error(error.message(lang))
    policy = contact_policy.policy(store, workshop_id, segment)
    st.caption(ui.tr("personalisation.policy_now", channels=ui.plain(", ".join(policy.channel_names(lang)) or "—")))
    if policy.note:
        st.caption(_text(policy.note))
