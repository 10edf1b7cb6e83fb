"""The personalisation plan: actions added, ordered, edited with versions, moved to the trash and back, refused in a
read-only room; the starting actions suggested from the data; the plan fed into the contact policy (channels and
triggers) and its preventive/reactive mix beside the 50/50 golden rule; the plan in the workbook's Contact policy
sheet."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from cxcore import access, contact_policy, personalisation, room, workbook, workshop
from cxcore.access import Forbidden
from cxcore.errors import ConflictError, NotFound, PersonaError
from cxcore.store import Store
from tests.test_persona import comment, hand_base


@pytest.fixture
def wid(store: Store, tmp_path: Path) -> str:
    return hand_base(store, tmp_path)


def call(store: Store, wid: str, segment: str = "at_risk", **changes):
    values = {"kind": "reactive", "action": "Звонок: что пошло не так", "channel": "call_centre",
              "trigger": "Нет заказа 60 дн.", "kpi": "Вернувшиеся за 30 дней, %", **changes}
    return personalisation.add(store, wid, segment, "Анна", **values)


# -- the actions -----------------------------------------------------------------------------------------------------
def test_actions_are_added_signed_and_listed_preventive_first_in_their_order(store, wid):
    first = call(store, wid)
    assert (first.segment, first.kind, first.action, first.channel, first.trigger, first.kpi, first.author,
            first.position, first.version) == ("at_risk", "reactive", "Звонок: что пошло не так", "call_centre",
                                               "Нет заказа 60 дн.", "Вернувшиеся за 30 дней, %", "Анна", 0, 1)
    faq = personalisation.add(store, wid, "at_risk", "Борис", "preventive", "  Инструкция по подключению ",
                              "Рассылка партнёров", "После покупки")
    guide = personalisation.add(store, wid, "at_risk", "Вера", "preventive", "Видео о первом запуске")
    thanks = personalisation.add(store, wid, "champions", "Вера", "reactive", "Благодарность")
    assert (faq.action, faq.channel, faq.kpi, faq.position, guide.position, thanks.position) == (
        "Инструкция по подключению", "Рассылка партнёров", "", 1, 2, 0)
    assert [a.id for a in personalisation.actions(store, wid, "at_risk")] == [faq.id, guide.id, first.id]
    assert [a.id for a in personalisation.actions(store, wid)] == [thanks.id, faq.id, guide.id, first.id]
    assert [len(p) for p in personalisation.by_segment(store, wid).values()] == [1, 0, 0, 3, 0]
    assert personalisation.get(store, faq.id) == faq


@pytest.mark.parametrize("changes, field", [
    ({"kind": "proactive"}, "kind"), ({"action": "  "}, "action"), ({"action": "я" * 501}, "action"),
    ({"channel": "я" * 81}, "channel"), ({"trigger": "я" * 301}, "trigger"), ({"kpi": "я" * 201}, "kpi"),
])
def test_what_breaks_a_rule_is_refused_naming_the_field(store, wid, changes, field):
    with pytest.raises(PersonaError) as refused:
        call(store, wid, **changes)
    assert refused.value.params["field"] == field
    with pytest.raises(PersonaError):
        call(store, wid, segment="vip")
    with pytest.raises(NotFound):
        call(store, "no-such")
    assert personalisation.actions(store, wid) == []


def test_an_edit_is_versioned_and_a_stale_one_is_a_conflict(store, wid):
    action = call(store, wid)
    edited = personalisation.update(store, action, "Борис", trigger="Нет заказа 90 дн.", kind="reactive")
    assert (edited.trigger, edited.version, edited.author) == ("Нет заказа 90 дн.", 2, "Анна")
    assert personalisation.update(store, edited, "Борис", trigger="Нет заказа 90 дн.") == edited
    with pytest.raises(ConflictError) as stale:
        personalisation.update(store, action, "Вера", action="СМС")
    assert stale.value.current["trigger"] == "Нет заказа 90 дн." and stale.value.current["version"] == 2
    with pytest.raises(ValueError):
        personalisation.update(store, edited, "Вера", segment="lost")
    with pytest.raises(PersonaError):
        personalisation.update(store, edited, "Вера", position=-1)
    moved = personalisation.update(store, edited, "Вера", kind="preventive", position=5)
    assert (moved.kind, moved.position, moved.version) == ("preventive", 5, 3)


def test_a_deleted_action_goes_to_the_trash_and_comes_back(store, wid):
    action = call(store, wid)
    kept = call(store, wid, action="СМС с промокодом")
    personalisation.delete(store, action, "Борис")
    assert [a.id for a in personalisation.actions(store, wid)] == [kept.id]
    assert [a.id for a in personalisation.deleted(store, wid, "at_risk")] == [action.id]
    assert personalisation.get(store, action.id) is None
    with pytest.raises(NotFound):
        personalisation.delete(store, action, "Борис")
    back = personalisation.restore(store, action.id, "Борис")
    assert (back.action, back.version) == (action.action, 3)
    assert {a.id for a in personalisation.actions(store, wid)} == {action.id, kept.id}
    assert personalisation.deleted(store, wid) == []
    with pytest.raises(NotFound):
        personalisation.restore(store, action.id, "Борис")
    with pytest.raises(ConflictError):  # the version read before it was deleted and restored
        personalisation.delete(store, action, "Борис")


def test_a_read_only_room_refuses_participants_not_the_facilitator(store, wid):
    action = call(store, wid)
    boss = access.trusted(wid, "Ольга")
    room.set_read_only(store, wid, True, boss)
    for attempt in (lambda: call(store, wid), lambda: personalisation.update(store, action, "Анна", kpi="Выручка"),
                    lambda: personalisation.delete(store, action, "Анна"),
                    lambda: personalisation.apply_to_policy(store, wid, "at_risk", "Анна", "ru")):
        with pytest.raises(Forbidden) as refused:
            attempt()
        assert refused.value.key == "error.read_only"
    assert personalisation.update(store, action, boss, kpi="Выручка").kpi == "Выручка"
    assert personalisation.add(store, wid, "at_risk", boss, "preventive", "Памятка").author == "Ольга"


# -- suggestions from the data ---------------------------------------------------------------------------------------
def test_the_data_suggests_a_reaction_to_silence_and_useful_content(store, wid):
    found = personalisation.suggested(store, wid, "at_risk", "ru")
    # at_risk begins at 181 days without an order (C), rounded down to 10; its best channel is the site
    assert [(s.kind, s.channel, s.trigger) for s in found] == [
        ("reactive", "site", "Нет заказа 180 дн."), ("preventive", "app", "После покупки в этих категориях")]
    assert found[0].action == "Личный контакт: спросить, что пошло не так, и дать повод вернуться"
    assert found[1].action == "Полезный контент о выборе и использовании: Чайник, Пылесос"
    # usage questions of the segment's customers: a FAQ about the expectations they concern most
    comment(store, wid, "D", "Не понял, как включить", "negative", "2025-04-01", "use", ("simplicity", "support"))
    comment(store, wid, "C", "Где инструкция?", "neutral", "2025-04-02", "use", ("simplicity",))
    found = personalisation.suggested(store, wid, "at_risk", "en")
    faq = next(s for s in found if "usage" in s.action)
    assert (faq.kind, faq.channel, faq.trigger) == ("preventive", "site", "3 days after the order arrives")
    assert faq.action == ("Useful content answering frequent usage questions: Simplicity of operations, Support "
                          "(comments: 2)")
    # champions: silent longer than their average of 3.5 days, but never less than 30 days
    assert personalisation.suggested(store, wid, "champions", "en")[0].trigger == "No order in 30 days"
    assert personalisation.suggested(store, wid, "loyal", "ru") == []  # nobody in it


def test_an_accepted_suggestion_joins_the_plan_and_is_not_suggested_again(store, wid):
    first = personalisation.suggested(store, wid, "at_risk", "ru")[0]
    action = personalisation.accept(store, wid, "at_risk", "Анна", first)
    assert (action.kind, action.action, action.channel, action.trigger, action.kpi) == (
        first.kind, first.action, first.channel, first.trigger, first.kpi)
    assert first not in personalisation.suggested(store, wid, "at_risk", "ru")
    assert len(personalisation.suggested(store, wid, "at_risk", "ru")) == 1


def test_a_channel_named_in_the_base_becomes_its_key(store, tmp_path):
    assert personalisation.channel_key("Сайт") == personalisation.channel_key(" website ") == "site"
    assert personalisation.channel_key("Маркетплейс") == "marketplace"
    assert personalisation.channel_key("Партнёры") == "Партнёры"


# -- the contact policy ----------------------------------------------------------------------------------------------
def test_the_plan_feeds_the_segments_contact_policy(store, wid):
    policy = contact_policy.policy(store, wid, "at_risk")
    policy = contact_policy.save_policy(store, policy, "Анна", channels=["email", "call_centre"], per_month=4,
                                        note="Не чаще раза в неделю")
    call(store, wid)
    personalisation.add(store, wid, "at_risk", "Анна", "preventive", "Инструкция", "messenger", "После покупки")
    personalisation.add(store, wid, "at_risk", "Анна", "preventive", "Подборка", "", "После покупки")
    applied = personalisation.apply_to_policy(store, wid, "at_risk", "Анна", "ru")
    assert applied.channels == ("email", "call_centre", "messenger")
    assert applied.note == "Не чаще раза в неделю\nТриггеры плана персонализации: После покупки; Нет заказа 60 дн."
    assert (applied.per_month, applied.version) == (4, policy.version + 1)
    assert contact_policy.policy(store, wid, "at_risk") == applied
    # applied again (in English, after the plan changed): the plan's line is replaced, the typed note kept
    personalisation.add(store, wid, "at_risk", "Анна", "reactive", "СМС", "sms", "Брошенная корзина")
    again = personalisation.apply_to_policy(store, wid, "at_risk", "Борис", "en")
    assert again.channels == ("email", "call_centre", "messenger", "sms")
    assert again.note == ("Не чаще раза в неделю\n"
                          "Personalisation plan triggers: После покупки; Нет заказа 60 дн.; Брошенная корзина")
    # a segment without a policy gets its first one
    personalisation.add(store, wid, "lost", "Анна", "reactive", "Письмо", "email", "Год без заказа")
    first = personalisation.apply_to_policy(store, wid, "lost", "Анна", "ru")
    assert (first.channels, first.note, first.version) == (("email",), "Триггеры плана персонализации: Год без заказа",
                                                          1)


def test_the_plan_mix_is_shown_beside_the_golden_rule(store, wid):
    assert personalisation.plan_mix([]).preventive_share is None
    assert personalisation.plan_mix([]).text("en") == "The plan is empty: add preventive and reactive actions."
    call(store, wid)
    call(store, wid, action="СМС")
    personalisation.add(store, wid, "at_risk", "Анна", "preventive", "Инструкция")
    mix = personalisation.plan_mix(personalisation.actions(store, wid, "at_risk"))
    assert (mix.preventive, mix.reactive, mix.total) == (1, 2, 3)
    assert mix.preventive_share == pytest.approx(1 / 3) and mix.meets_golden_rule is False
    assert mix.text("en") == ("Preventive (useful content): 1 (33 %), reactive: 2 (67 %): less than 50 % useful "
                              "breaks the 50/50 golden rule.")
    personalisation.add(store, wid, "at_risk", "Анна", "preventive", "Видео")
    mix = personalisation.plan_mix(personalisation.actions(store, wid, "at_risk"))
    assert mix.meets_golden_rule is True and mix.preventive_share == 0.5
    assert mix.text("ru").startswith("Предупреждающих (полезный контент): 2 (50 %), реагирующих: 2 (50 %)")
    assert mix.text("ru").endswith("соблюдено.")


def test_the_contact_policy_sheet_lists_each_segments_plan(store, wid):
    call(store, wid)
    personalisation.add(store, wid, "at_risk", "Анна", "preventive", "Инструкция", "email")
    personalisation.add(store, wid, "champions", "Анна", "reactive", "Благодарность")
    book = openpyxl.load_workbook(io.BytesIO(workbook.export_bytes(store, wid, "ru")))
    sheet = book.worksheets[8]
    assert [c.value for c in sheet[1]][:6] == ["Сегмент", "Каналы", "Контактов в месяц", "Доля полезного контента",
                                               "Замечания", "План персонализации"]
    plans = {row[0]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert plans["Под угрозой оттока"] == (
        "• Предупреждающее: Инструкция (E-mail)\n"
        "• Реагирующее: Звонок: что пошло не так (Колл-центр; Нет заказа 60 дн.; Вернувшиеся за 30 дней, %)")
    assert plans["Истинная лояльность"] == "• Реагирующее: Благодарность"
    assert plans["Лояльные"] is None
    assert sheet.auto_filter.ref == "A1:F6"


def test_a_workshop_without_a_base_still_has_a_plan(store):
    wid = workshop.create(store, "Без базы").id
    assert personalisation.suggested(store, wid, "at_risk", "ru") == []
    action = personalisation.add(store, wid, "at_risk", "Анна", "preventive", "Памятка")
    assert personalisation.actions(store, wid) == [action]
