"""The persona page through AppTest on the demo, in Russian and English: the card's figures are the base's, a name is
saved (and shown escaped), a stale save is a conflict, a plan action is added, a suggestion accepted, the plan
applied to the contact policy, and the projector shows the key message."""
from __future__ import annotations

import pytest

from cxcore import access, contact_policy, persona, personalisation, rfm_settings, room
import ui
from cxcore.i18n import fmt_money, fmt_number, t
from cxcore.store import open_store
from tests.test_pages import app, db, fresh_caches, served_mode  # noqa: F401  (fixtures)

PAGE = "pages/persona.py"
SAVE = {"ru": "Сохранить", "en": "Save"}
ADD = {"ru": "Добавить действие", "en": "Add an action"}


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def segment_of(db) -> str:
    return rfm_settings.target_segment(open_store(db), "demo") or "at_risk"


FRESH = "loyal"  # a segment the demo has no persona and no plan for (the target segment has both)


def on_fresh_segment(at):
    return at.segmented_control(key="persona.segment").set_value(FRESH).run()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_card_shows_the_segments_figures_from_the_base(db, lang):
    at = app(PAGE, lang, me="Ольга")
    segment = segment_of(db)
    found = persona.figures(open_store(db), "demo")[segment]
    assert at.title[0].value == ("Персоны и персонализация" if lang == "ru" else "Personas and personalisation")
    assert at.segmented_control(key="persona.segment").value == segment
    shown = {m.label: m.value for m in at.metric}
    pct = lambda share: f"{fmt_number(share * 100, lang, 1)} %"  # noqa: E731
    labels = (("Клиентов", "Доля клиентов", "Доля выручки", "Средний чек", "Заказов на клиента") if lang == "ru" else
              ("Customers", "Share of customers", "Share of revenue", "Average order value", "Orders per customer"))
    assert [shown[label] for label in labels] == [
        fmt_number(found.customers, lang), pct(found.customer_share), pct(found.revenue_share),
        fmt_money(found.avg_order_value, lang), fmt_number(found.avg_frequency, lang, 1)]
    assert found.customers > 1000 and found.channels and found.regions and found.products
    channels = next(m for m in markdown(at) if m.startswith("**Каналы:**" if lang == "ru" else "**Channels:**"))
    assert f"{pct(found.channels[0][1])}" in channels
    other = at.segmented_control(key="persona.segment").set_value("champions").run()
    champions = persona.figures(open_store(db), "demo")["champions"]
    assert {m.label: m.value for m in other.metric}[labels[0]] == fmt_number(champions.customers, lang)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_name_is_saved_and_shown_as_typed(db, lang):
    at = on_fresh_segment(app(PAGE, lang, me="Ольга"))
    segment = FRESH
    form = f"persona.edit.{segment}"
    at.text_input(key=f"{form}.name").set_value("Ирина **38**")
    at.text_area(key=f"{form}.goals").set_value("Обустроить кухню")
    at.multiselect(key=f"{form}.expectations").set_value(["speed", "support"])
    at.button(key=f"FormSubmitter:{form}-{SAVE[lang]}").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = persona.get(open_store(db), "demo", segment)
    assert (saved.name, saved.goals, saved.expectations, saved.version) == (
        "Ирина **38**", "Обустроить кухню", ("speed", "support"), 1)
    assert at.subheader[0].value == ("Персона: " if lang == "ru" else "Persona: ") + r"Ирина \*\*38\*\*"
    assert any(m.startswith("**Главные ожидания:** 1\\. Скорость операций" if lang == "ru" else
                            "**Expectations that matter most:** 1\\. Speed of operations") for m in markdown(at))


def test_a_save_after_someone_elses_is_a_conflict_then_an_overwrite(db):
    at = app(PAGE, "ru", me="Ольга")
    segment = segment_of(db)
    form = f"persona.edit.{segment}"
    at.text_input(key=f"{form}.name").set_value("Ирина")
    store = open_store(db)
    persona.save(store, persona.get(store, "demo", segment), "Борис", name="Пётр")
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    assert [e.value for e in at.error] == [
        "Кто-то уже изменил эту персону (сейчас её имя: «Пётр»). Проверьте и сохраните ещё раз, чтобы перезаписать."]
    assert persona.get(store, "demo", segment).name == "Пётр"
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    assert not at.error and persona.get(store, "demo", segment).name == "Ирина"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_plan_action_is_added_and_the_plan_applied_to_the_contact_policy(db, lang):
    at = on_fresh_segment(app(PAGE, lang, me="Ольга"))
    segment = FRESH
    store = open_store(db)
    before = contact_policy.policy(store, "demo", segment)
    at.segmented_control(key="personalisation.new.kind").set_value("reactive")
    at.selectbox(key="personalisation.new.channel").set_value("messenger")
    at.text_input(key="personalisation.new.action").set_value("Сообщение: <b>вернитесь</b>")
    at.text_input(key="personalisation.new.trigger").set_value("Нет заказа 150 дн.")
    at.text_input(key="personalisation.new.kpi").set_value("Вернувшиеся, %")
    at.button(key=f"FormSubmitter:personalisation.new-{ADD[lang]}").click().run()
    assert not at.error, [e.value for e in at.error]
    [added] = personalisation.actions(store, "demo", segment)
    assert (added.kind, added.channel, added.action, added.trigger, added.author) == (
        "reactive", "messenger", "Сообщение: <b>вернитесь</b>", "Нет заказа 150 дн.", "Ольга")
    reactive = at.dataframe[-1].value
    assert list(reactive.iloc[0, :3]) == ["Сообщение: <b>вернитесь</b>",
                                          "Мессенджер" if lang == "ru" else "Messenger", "Нет заказа 150 дн."]
    assert at.warning[0].value.startswith("Предупреждающих (полезный контент): 0" if lang == "ru" else
                                          "Preventive (useful content): 0")
    at.button(key="personalisation.apply").click().run()
    policy = contact_policy.policy(store, "demo", segment)
    assert policy.channels == (*before.channels, "messenger") and policy.version == before.version + 1
    assert "Нет заказа 150 дн." in policy.note
    assert any("messenger" not in s.value and ("Мессенджер" in s.value or "Messenger" in s.value)
               for s in at.success)


def test_a_suggestion_from_the_data_is_accepted(db):
    at = on_fresh_segment(app(PAGE, "ru", me="Ольга"))
    segment = FRESH
    store = open_store(db)
    wanted = personalisation.suggested(store, "demo", segment, "ru")[0]
    at.button(key="personalisation.accept.0").click().run()
    [added] = personalisation.actions(store, "demo", segment)
    assert (added.kind, added.action, added.trigger) == (wanted.kind, wanted.action, wanted.trigger)


def test_without_a_name_the_page_shows_the_card_but_no_form(db):
    at = app(PAGE, "ru")
    assert at.metric and not any(key.startswith("persona.edit") for key in (t.key or "" for t in at.text_input))
    assert not any((b.key or "") == "personalisation.apply" for b in at.button)


def test_the_projector_shows_the_segments_key_message(db):
    store = open_store(db)
    segment = segment_of(db)
    found = persona.figures(store, "demo")[segment]
    room.set_projector(store, "demo", True, access.trusted("demo"))
    screen = app(PAGE)
    name = persona.get(store, "demo", segment).name or t(f"rfm.segment.{segment}", "ru")  # the demo's is named
    assert markdown(screen)[0] == "# " + ui.plain(
        f"{name}: {fmt_number(found.customer_share * 100, 'ru', 1)} % клиентов "
        f"приносят {fmt_number(found.revenue_share * 100, 'ru', 1)} % выручки, средний чек "
        f"{fmt_money(found.avg_order_value, 'ru')}")
    assert not screen.metric  # the key message only: the page stops before the card


def test_text_typed_by_people_is_shown_escaped(db):
    store = open_store(db)
    segment = segment_of(db)
    persona.save(store, persona.get(store, "demo", segment), "Анна", name="<img src=x onerror=alert(1)>",
                 goals="**жирно**\n:red[x]", quotes=["[click](javascript:alert(1))"])
    at = app(PAGE, "ru", me="Ольга")
    shown = markdown(at)
    assert at.subheader[0].value == "Персона: " + ui.plain("<img src=x onerror=alert(1)>")
    assert "**Цели:**  \n" + ui.plain("**жирно**") + "  \n" + ui.plain(":red[x]") in shown
    assert "> " + ui.plain("[click](javascript:alert(1))") in shown
    assert not any(getattr(m.proto, "allow_html", False) for m in at.markdown)
