"""Running the room through AppTest: the home page (list, a new workshop with a PIN from a template, opening one
with its PIN, a follow-up), the facilitator's panel (join link, read-only, projector, follow me, timer), the agenda,
the parking lot and the comparison of two workshops."""
from __future__ import annotations

from datetime import date

from cxcore import access, agenda, home, journey, participants, parking, room, workshop
from cxcore.store import open_store
from tests.test_pages import app, db, fresh_caches, served_mode  # noqa: F401  (fixtures)


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def pin_workshop(db, name="Банк · весна", client="Банк Север", pin="4321") -> workshop.Workshop:
    made, _ = home.create(open_store(db), name, pin=pin, client=client, held_on=date(2026, 3, 10), template="bank")
    return made


def test_home_lists_the_workshops_with_their_stage_and_people(db):
    made = pin_workshop(db)
    at = app("pages/home.py")
    assert at.title[0].value == "Воркшопы"
    shown = markdown(at)
    assert any("Дом и Техника" in m for m in shown)
    # a workshop with a PIN is not listed to a browser that has not entered it: not its name, not its id
    assert not any("Банк Север" in m or made.id in m for m in shown)
    assert not any(made.id in (b.key or "") for b in at.button)
    at.text_input(key="home.unlock.name").set_value("Банк · весна")
    at.text_input(key="home.unlock.pin").set_value("4321")
    at.button(key="FormSubmitter:home.unlock-Войти как фасилитатор").click().run()
    at.switch_page("pages/home.py").run()
    shown = markdown(at)
    assert any("Банк Север" in m for m in shown)
    stages = [p.proto.text for p in at.get("progress")]
    assert "Дошли до: Дорожная карта" in stages and "Дошли до: Карта пути" in stages
    assert "11 участн." in shown and "0 участн." in shown


def test_a_new_workshop_from_a_template_with_a_pin_opens_with_its_facilitator(db):
    at = app("pages/home.py")
    at.text_input(key="home.new.name").set_value("Телеком · осень")
    at.text_input(key="home.new.client").set_value("Связь Плюс")
    at.selectbox(key="home.new.template").set_value("telecom")
    at.text_input(key="home.new.facilitator").set_value("Анна")
    at.text_input(key="home.new.pin").set_value("8642")
    at.text_input(key="home.new.pin_again").set_value("8642")
    at.button(key="FormSubmitter:home.new-Создать").click().run()
    assert not at.exception, at.exception
    store = open_store(db)
    made = workshop.find(store, "Телеком · осень")
    assert made is not None and at.query_params["w"] == made.id and len(made.id) >= 16
    assert at.title[0].value == "Связь Плюс"  # the workshop page of the new workshop
    assert access.has_pin(store, made.id)
    assert len(journey.load(store, made.id, "at_risk").touchpoints) > 0
    assert {b.day for b in agenda.blocks(store, made.id)} == {1, 2}
    # the creator is its facilitator: the details form is there without a PIN
    assert at.text_input(key=f"workshop-{made.id}.client").value == "Связь Плюс"


def test_a_pin_mismatch_or_a_short_pin_creates_nothing(db):
    at = app("pages/home.py")
    at.text_input(key="home.new.name").set_value("Без PIN")
    at.text_input(key="home.new.pin").set_value("8642")
    at.text_input(key="home.new.pin_again").set_value("8643")
    at.button(key="FormSubmitter:home.new-Создать").click().run()
    assert at.error[0].value == "PIN и повтор не совпадают."
    at.text_input(key="home.new.pin").set_value("12")
    at.text_input(key="home.new.pin_again").set_value("12")
    at.button(key="FormSubmitter:home.new-Создать").click().run()
    assert at.error[0].value == "PIN — от 4 до 32 знаков."
    assert workshop.find(open_store(db), "Без PIN") is None


def test_another_workshop_opens_by_its_name_and_pin_and_a_wrong_one_says_nothing_more(db):
    made = pin_workshop(db)
    at = app("pages/home.py")
    for name, pin in (("Банк · весна", "0000"), ("Нет такого", "4321")):  # the same answer: nothing to enumerate
        at.text_input(key="home.unlock.name").set_value(name)
        at.text_input(key="home.unlock.pin").set_value(pin)
        at.button(key="FormSubmitter:home.unlock-Войти как фасилитатор").click().run()
        assert at.error[0].value == "Неверный PIN."
        assert at.query_params["w"] == "demo"
    at.text_input(key="home.unlock.name").set_value("Банк · весна")
    at.text_input(key="home.unlock.pin").set_value("4321")
    at.button(key="FormSubmitter:home.unlock-Войти как фасилитатор").click().run()
    assert at.query_params["w"] == made.id and at.title[0].value == "Банк Север"


def test_a_follow_up_copies_the_journey_and_the_roadmap_and_compares(db):
    store = open_store(db)
    at = app("pages/home.py")
    at.selectbox(key="home.new.follows").set_value("demo")
    at.text_input(key="home.new.name").set_value("Дом и Техника · июнь")
    at.date_input(key="home.new.held_on").set_value(date(2026, 6, 8))
    at.text_input(key="home.new.pin").set_value("1111")
    at.text_input(key="home.new.pin_again").set_value("1111")
    at.button(key="FormSubmitter:home.new-Создать").click().run()
    assert not at.exception, at.exception
    later = workshop.find(store, "Дом и Техника · июнь")
    assert later.follows_id == "demo" and later.client == "Дом и Техника"
    assert len(journey.load(store, later.id, "at_risk").barriers) == len(journey.load(store, "demo", "at_risk").barriers)
    boss = access.trusted(later.id)
    copied = journey.load(store, later.id, "at_risk")
    journey.update(store, copied.barriers[0], boss, status="solved")
    journey.add_barrier(store, copied.touchpoints[0], boss, "Новый барьер полгода спустя", ["speed"])
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Сравнение воркшопов клиента"
    headline = [m for m in markdown(at) if m.startswith("**")]
    assert len(headline) == 4
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Устранены"] == "1" and metrics["Ещё открыты"] == "26" and metrics["Новые"] == "1"
    assert "Новый барьер полгода спустя" in [c.value.split(" · ", 1)[-1] for c in at.caption]


def test_the_room_page_shows_the_join_link_and_guards_the_switches(db):
    made = pin_workshop(db)
    participants.join(open_store(db), made.id, "Борис")
    at = app(me="Борис")
    at.query_params["w"] = made.id
    at.switch_page("pages/room.py").run()
    assert not at.exception, at.exception
    link = at.get("code")[0].value
    assert link.endswith(f"/join?w={made.id}")
    assert at.get("image")  # the QR code
    assert any("Борис" in m for m in markdown(at))
    assert at.caption[-1].value == "Это раздел фасилитатора: нужен PIN воркшопа."
    assert not at.toggle  # no switches without the PIN
    at.text_input(key=f"room.pin.{made.id}.pin").set_value("4321")
    at.button(key=f"FormSubmitter:room.pin.{made.id}-Войти как фасилитатор").click().run()
    at.toggle(key="room.read_only").set_value(True).run()
    assert room.get(open_store(db), made.id).read_only


def test_read_only_shows_a_notice_and_refuses_a_participants_card(db):
    made = pin_workshop(db)
    store = open_store(db)
    room.set_read_only(store, made.id, True, access.trusted(made.id))
    at = app(me="Борис")
    at.query_params["w"] = made.id
    at.switch_page("pages/parking.py").run()
    assert at.info[0].value == "Фасилитатор показывает: сейчас только просмотр."
    at.text_input(key="parking.new.text").set_value("Вопрос")
    at.button(key="FormSubmitter:parking.new-На парковку").click().run()
    assert at.error[0].value == "Фасилитатор включил режим просмотра: сейчас менять ничего нельзя."
    assert parking.items(store, made.id) == []


def test_projector_mode_shows_one_key_message_on_the_facilitators_screen_only(db):
    room.set_projector(open_store(db), "demo", True, access.trusted("demo"))
    screen = app("pages/rfm.py")  # the demo has no PIN: whoever opens it runs it
    assert not screen.exception, screen.exception
    assert markdown(screen)[0].startswith("# ") and "% клиентов приносят" in markdown(screen)[0]
    assert not screen.expander  # no settings panel, no widgets
    room.set_projector(open_store(db), "demo", False, access.trusted("demo"))
    normal = app("pages/rfm.py")
    assert normal.expander and not any(m.startswith("# ") for m in markdown(normal))


def test_follow_me_moves_a_participant_once_and_focuses_the_stage(db):
    made = pin_workshop(db)
    store = open_store(db)
    at = app(me="Борис")
    at.query_params["w"] = made.id
    at.switch_page("pages/rfm.py").run()
    room.focus(store, made.id, "journey", "choice", access.trusted(made.id))
    at.run()
    assert at.title[0].value == "Карта пути клиента"
    assert at.info[0].value == "Фасилитатор собрал всех на этапе «Выбор»."
    at.switch_page("pages/agenda.py").run()  # once moved, the participant may look elsewhere
    assert at.title[0].value == "Программа двух дней"


def test_the_agenda_highlights_the_started_block_and_starts_its_timer(db):
    store = open_store(db)
    blocks = agenda.blocks(store, "demo")
    at = app("pages/agenda.py")
    assert at.title[0].value == "Программа двух дней"
    assert [s.value for s in at.subheader][:2] == ["День 1 08.12.2025", "День 2 09.12.2025"]
    chosen = blocks[3]
    at.button(key=f"agenda.start.{chosen.id}").click().run()
    state = room.get(store, "demo")
    assert state.current_block_id == chosen.id and state.timer_minutes == chosen.minutes
    assert any(m.startswith(":blue-background[") and chosen.title in m for m in markdown(at))
    assert at.get("iframe")  # the countdown, ticking in the browser


def test_the_facilitator_edits_an_agenda_block_with_a_versioned_save(db):
    store = open_store(db)
    first = agenda.blocks(store, "demo")[0]
    at = app("pages/agenda.py")
    at.selectbox(key="agenda.choose").set_value(first)
    at.run()
    form = f"agenda.block.{first.id}"
    at.text_input(key=f"{form}.title").set_value("Знакомство и цели")
    agenda.update(store, first, access.trusted("demo"), goal="Кто-то успел раньше")
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    assert "Блок уже изменили" in at.error[0].value
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()  # a deliberate overwrite
    assert agenda.get(store, first.id).title == "Знакомство и цели"


def test_the_parking_lot_takes_questions_and_the_facilitator_answers(db):
    store = open_store(db)
    at = app("pages/parking.py", me="Вера")
    at.text_input(key="parking.new.text").set_value("Что с возвратами?")
    at.button(key="FormSubmitter:parking.new-На парковку").click().run()
    item = next(i for i in parking.items(store, "demo") if i.text == "Что с возвратами?")
    assert item.author == "Вера"
    form = f"parking.item.{item.id}"
    at.selectbox(key=f"{form}.status").set_value("answered")
    at.text_input(key=f"{form}.answer").set_value("Разберём на дне 2")
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    found = parking.items(store, "demo")
    assert next(i for i in found if i.id == item.id).status == "answered"


def test_the_comparison_reads_other_workshops_so_it_is_the_facilitators(db):
    made = pin_workshop(db, client="Дом и Техника")  # the demo's client: there is something to compare
    at = app(me="Борис")
    at.query_params["w"] = made.id
    at.switch_page("pages/compare.py").run()
    assert at.caption[-1].value == "Это раздел фасилитатора: нужен PIN воркшопа."
    assert not at.metric and not at.selectbox


def test_the_live_check_reruns_a_page_only_when_a_stamp_grew():
    import room_ui

    assert room_ui.moved(8, 7) and not room_ui.moved(7, 7) and not room_ui.moved(6, 7)  # a cached, older value
    assert room_ui.moved((3, 9), (3, 8)) and not room_ui.moved((2, 8), (3, 8)) and not room_ui.moved(5, None)
