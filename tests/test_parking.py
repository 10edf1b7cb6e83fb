"""The parking lot: anyone who may write parks and edits; the facilitator alone answers and decides; a read-only room
refuses participants; saves from stale reads conflict; the author or the facilitator deletes and restores."""
from __future__ import annotations

import pytest

from cxcore import access, parking, room, workshop
from cxcore.access import Forbidden
from cxcore.errors import ConflictError, NotFound, ParkingError
from cxcore.store import Store


@pytest.fixture
def wid(store: Store) -> str:
    w = workshop.create(store, "CJM").id
    access.set_pin(store, w, "2468", "test")
    return w


@pytest.fixture
def boss(wid: str) -> access.Facilitator:
    return access.trusted(wid, "Ольга")


def test_anyone_parks_a_question_or_an_idea_signed_with_their_name(store, wid):
    item = parking.add(store, wid, "  Анна  Петрова ", "  Кто владелец сайта? ")
    assert (item.workshop_id, item.kind, item.text, item.author, item.day, item.status, item.answer,
            item.version) == (wid, "question", "Кто владелец сайта?", "Анна Петрова", 1, "open", "", 1)
    idea = parking.add(store, wid, "Борис", "Чат-бот для доставки", kind="idea", day=2)
    assert (idea.kind, idea.day) == ("idea", 2)
    assert parking.items(store, wid) == [item, idea] and parking.get(store, item.id) == item


@pytest.mark.parametrize("field, changes", [
    ("text", {"text": ""}), ("text", {"text": "   "}), ("text", {"text": "x" * 501}),
    ("text", {"text": None}),
    ("kind", {"kind": "complaint"}), ("day", {"day": 3}), ("day", {"day": True}), ("day", {"day": "1"}),
])
def test_what_cannot_be_parked_names_the_field(store, wid, field, changes):
    with pytest.raises(ParkingError) as refused:
        parking.add(store, wid, "Анна", **{"text": "Вопрос", **changes})
    assert refused.value.params["field"] == field
    assert parking.items(store, wid) == []


def test_five_hundred_characters_are_fine_and_a_name_is_needed(store, wid):
    assert len(parking.add(store, wid, "Анна", "я" * 500).text) == 500
    with pytest.raises(ParkingError) as nameless:
        parking.add(store, wid, "  ", "Вопрос")
    assert nameless.value.params["field"] == "author"
    with pytest.raises(NotFound):
        parking.add(store, "no-such", "Анна", "Вопрос")


def test_open_items_first_then_by_day_and_time(store, wid, boss):
    a = parking.add(store, wid, "Анна", "A", day=2)
    b = parking.add(store, wid, "Анна", "B", day=1)
    c = parking.add(store, wid, "Анна", "C", day=1)
    d = parking.add(store, wid, "Анна", "D", day=1)
    parking.update(store, b, boss, status="answered", answer="Да")
    assert [i.text for i in parking.items(store, wid)] == ["C", "D", "A", "B"]
    parking.update(store, parking.get(store, d.id), boss, status="dropped")
    assert [i.text for i in parking.items(store, wid)] == ["C", "A", "B", "D"]
    assert c.created_at <= d.created_at and a.day == 2


def test_a_read_only_room_refuses_participants_not_the_facilitator(store, wid, boss):
    item = parking.add(store, wid, "Анна", "Вопрос")
    room.set_read_only(store, wid, True, boss)
    with pytest.raises(Forbidden) as refused:
        parking.add(store, wid, "Анна", "Ещё вопрос")
    assert refused.value.key == "error.read_only"
    with pytest.raises(Forbidden):
        parking.update(store, item, "Анна", text="Вопрос?")
    with pytest.raises(Forbidden):
        parking.delete(store, item, "Анна")  # even the author waits
    mine = parking.add(store, wid, boss, "Вопрос ведущего")
    assert mine.author == "Ольга"
    assert parking.update(store, item, boss, text="Вопрос?").text == "Вопрос?"
    room.set_read_only(store, wid, False, boss)
    assert parking.add(store, wid, "Анна", "Ещё вопрос").text == "Ещё вопрос"


def test_text_by_anyone_status_and_answer_by_the_facilitator_only(store, wid, boss):
    item = parking.add(store, wid, "Анна", "Вопрос", kind="question")
    edited = parking.update(store, item, "Борис", text="Вопрос про сайт", kind="idea", day=2)
    assert (edited.text, edited.kind, edited.day, edited.version, edited.author) == (
        "Вопрос про сайт", "idea", 2, 2, "Анна")
    other = access.trusted(workshop.create(store, "Other").id)
    for who in ("Анна", "Ольга", other):
        with pytest.raises(Forbidden) as refused:
            parking.update(store, edited, who, status="answered")
        assert refused.value.key == "error.facilitator_only"
        with pytest.raises(Forbidden):
            parking.update(store, edited, who, answer="Да", text="Вопрос")
    assert parking.get(store, item.id) == edited  # nothing of the refused saves was written
    done = parking.update(store, edited, boss, status="to_roadmap", answer="  В дорожную карту: Q1 ")
    assert (done.status, done.answer, done.version) == ("to_roadmap", "В дорожную карту: Q1", 3)
    for bad in ({"status": "closed"}, {"answer": "x" * 2001}, {"text": ""}):
        with pytest.raises(ParkingError):
            parking.update(store, done, boss, **bad)
    with pytest.raises(ValueError):
        parking.update(store, done, boss, author="Борис")
    assert parking.update(store, done, boss, status="to_roadmap") is done  # nothing changed


def test_a_save_from_a_stale_read_is_refused_with_the_current_item(store, wid, boss):
    item = parking.add(store, wid, "Анна", "Вопрос")
    parking.update(store, item, "Борис", text="Вопрос Бориса")
    with pytest.raises(ConflictError) as stale:
        parking.update(store, item, "Вера", text="Вопрос Веры")
    assert stale.value.current["text"] == "Вопрос Бориса"
    with pytest.raises(ConflictError):
        parking.update(store, item, boss, status="answered")
    with pytest.raises(ConflictError):
        parking.delete(store, item, boss)
    assert parking.get(store, item.id).text == "Вопрос Бориса"


def test_the_author_or_the_facilitator_deletes_and_restores(store, wid, boss):
    item = parking.add(store, wid, "Анна Петрова", "Вопрос")
    with pytest.raises(Forbidden) as refused:
        parking.delete(store, item, "Борис")
    assert refused.value.key == "parking.error.not_author"
    parking.delete(store, item, " анна  петрова")  # the author, however typed
    assert parking.items(store, wid) == [] and [i.id for i in parking.deleted(store, wid)] == [item.id]
    with pytest.raises(Forbidden):
        parking.restore(store, item.id, "Борис")
    back = parking.restore(store, item.id, "Анна Петрова")
    assert (back.text, back.version) == ("Вопрос", 3)
    parking.delete(store, back, boss)
    assert parking.restore(store, item.id, boss).version == 5
    with pytest.raises(NotFound):
        parking.restore(store, "no-such", boss)


def test_in_a_workshop_without_a_pin_anyone_may_decide(store):
    demo = workshop.create(store, "Demo").id
    item = parking.add(store, demo, "Анна", "Вопрос")
    assert parking.update(store, item, "Борис", status="answered", answer="Да").status == "answered"
    parking.delete(store, parking.get(store, item.id), "Борис")
    assert parking.items(store, demo) == []


def test_every_change_is_logged_and_moves_the_stamp(store, wid, boss):
    assert parking.stamp(store, wid) == 0
    item = parking.add(store, wid, "Анна", "Вопрос")
    first = parking.stamp(store, wid)
    parking.update(store, item, boss, status="answered", answer="Да")
    assert parking.stamp(store, wid) > first
    rows = store.query("SELECT action, actor FROM change_log WHERE entity = 'parking_items' ORDER BY id")
    assert rows == [("create", "Анна"), ("update", "Ольга")]


def test_moving_an_idea_to_the_roadmap_adds_a_roadmap_item_once(store, wid, boss):
    from cxcore import roadmap_items

    item = parking.add(store, wid, "Борис", "Чат-бот для статуса доставки", kind="idea", day=2)
    moved = parking.update(store, item, boss, status="to_roadmap", answer="В дорожную карту")
    made = roadmap_items.items(store, wid)
    assert [(i.title, i.source, i.author) for i in made] == [("Чат-бот для статуса доставки", "manual", "Ольга")]
    parking.update(store, moved, boss, answer="Уже в карте")  # the status did not change: no second item
    assert len(roadmap_items.items(store, wid)) == 1
