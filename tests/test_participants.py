"""The people in the room: joining is idempotent (one row per person, however the name is typed), names are
checked, and presence lives in memory: a window of seconds, thread-safe, never a database write."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from cxcore import participants, workshop
from cxcore.errors import NotFound, RoomError
from cxcore.store import Store

T = datetime(2025, 12, 8, 10, 0)


@pytest.fixture
def wid(store: Store) -> str:
    w = workshop.create(store, "CJM").id
    yield w
    participants.forget(w)


def test_joining_twice_however_typed_is_one_participant(store, wid):
    first = participants.join(store, wid, "  Анна   Петрова ")
    assert (first.id, first.workshop_id, first.name) == (f"{wid}/анна петрова", wid, "Анна Петрова")
    again = participants.join(store, wid, "АННА петрова")
    assert again == first  # the first spelling and join time are kept
    participants.join(store, wid, "Борис")
    assert [(p.name, p.joined_at) for p in participants.all(store, wid)] == [
        ("Анна Петрова", first.joined_at), ("Борис", participants.all(store, wid)[1].joined_at)]
    assert participants.all(store, wid)[0].joined_at <= participants.all(store, wid)[1].joined_at
    assert store.query("SELECT count(*) FROM participants WHERE workshop_id = ?", [wid])[0][0] == 2
    created = "SELECT count(*) FROM change_log WHERE entity = 'participants' AND action = 'create'"
    assert store.query(created)[0][0] == 2


def test_the_same_name_in_two_workshops_is_two_participants(store, wid):
    other = workshop.create(store, "Other").id
    participants.join(store, wid, "Анна")
    participants.join(store, other, "Анна")
    assert [p.id for p in participants.all(store, wid)] == [f"{wid}/анна"]
    assert [p.id for p in participants.all(store, other)] == [f"{other}/анна"]


def test_joined_in_order_of_joining(store, wid):
    for name in ("Вера", "Анна", "Борис"):
        participants.join(store, wid, name)
    assert [p.name for p in participants.all(store, wid)] == ["Вера", "Анна", "Борис"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, None, 42])
def test_a_name_has_1_to_60_characters(store, wid, name):
    with pytest.raises(RoomError) as refused:
        participants.join(store, wid, name)
    assert refused.value.params["field"] == "name"
    assert "60" in refused.value.message("ru")
    assert participants.all(store, wid) == []


def test_sixty_characters_and_outer_spaces_are_fine(store, wid):
    assert participants.join(store, wid, "  " + "я" * 60 + "  ").name == "я" * 60


def test_joining_a_workshop_that_does_not_exist(store):
    with pytest.raises(NotFound):
        participants.join(store, "no-such", "Анна")


def test_presence_is_a_window_of_seconds(wid):
    participants.seen(wid, "Анна", now=T)
    participants.seen(wid, "Борис", now=T + timedelta(seconds=20))
    participants.seen(wid, "  анна ", now=T + timedelta(seconds=5))  # the same person, seen again
    assert participants.online(wid, now=T + timedelta(seconds=25)) == ["анна", "Борис"]
    assert participants.online(wid, now=T + timedelta(seconds=35)) == ["анна", "Борис"]  # 30 s after 5 s
    assert participants.online(wid, now=T + timedelta(seconds=36)) == ["Борис"]
    assert participants.online(wid, within_seconds=10, now=T + timedelta(seconds=25)) == ["Борис"]
    assert participants.online(wid, now=T + timedelta(minutes=5)) == []
    assert participants.online("no-such", now=T) == []


def test_presence_ignores_blank_names_and_keeps_workshops_apart(wid):
    participants.seen(wid, "   ", now=T)
    participants.seen(wid + "-other", "Анна", now=T)
    assert participants.online(wid, now=T) == []
    participants.forget(wid + "-other")


def test_presence_writes_nothing_to_the_database(store, wid):
    before = store.query("SELECT count(*) FROM change_log")[0][0]
    for second in range(100):
        participants.seen(wid, f"Участник {second % 40}", now=T + timedelta(seconds=second / 10))
    assert store.query("SELECT count(*) FROM change_log")[0][0] == before
    assert len(participants.online(wid, now=T + timedelta(seconds=10))) == 40


def test_presence_from_many_threads_at_once(wid):
    def poll(n: int) -> None:
        for i in range(300):
            participants.seen(wid, f"Участник {n}", now=T + timedelta(milliseconds=i))
            participants.online(wid, now=T)

    threads = [threading.Thread(target=poll, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert participants.online(wid, now=T + timedelta(seconds=1)) == [f"Участник {n}" for n in range(8)]


def test_presence_forgets_people_gone_for_an_hour(wid):
    participants.seen(wid, "Анна", now=T)
    participants.seen(wid, "Борис", now=T + timedelta(hours=2))
    assert participants.online(wid, within_seconds=10 ** 6, now=T + timedelta(hours=2)) == ["Борис"]
