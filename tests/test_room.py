"""The room's shared state: facilitator-only switches, lazily made row, versions and the log, "follow me" pulls
that move people once each, the timer with an injected clock, starting an agenda block, and switches made at
the same moment from several threads that never undo each other."""
from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta

import pytest

from cxcore import access, agenda, room, workshop
from cxcore.access import Facilitator, Forbidden
from cxcore.errors import NotFound, RoomError
from cxcore.room import Room
from cxcore.store import Store

T = datetime(2025, 12, 8, 9, 30)


@pytest.fixture
def wid(store: Store) -> str:
    w = workshop.create(store, "CJM", held_on=date(2025, 12, 8)).id
    access.set_pin(store, w, "2468", "test")
    return w


@pytest.fixture
def boss(wid: str) -> Facilitator:
    return access.trusted(wid, "Ольга")


def log(store: Store, wid: str) -> list[tuple]:
    return store.query("SELECT action, actor, version, old_value, new_value FROM change_log "
                       "WHERE entity = 'rooms' AND workshop_id = ? ORDER BY id", [wid])


def test_a_room_nobody_touched_reads_the_defaults(store, wid):
    assert room.get(store, wid) == Room(wid)
    assert room.get(store, wid).version == 0 and room.stamp(store, wid) == 0
    assert room.seconds_left(room.get(store, wid), T) is None
    assert store.query("SELECT count(*) FROM rooms")[0][0] == 0  # reading writes nothing


@pytest.mark.parametrize("who", ["Ольга", "facilitator", "cli"])
def test_only_the_facilitator_switches_anything_a_plain_name_is_refused(store, wid, who):
    calls = [lambda a: room.set_read_only(store, wid, True, a), lambda a: room.set_projector(store, wid, True, a),
             lambda a: room.focus(store, wid, "journey", None, a), lambda a: room.release(store, wid, a),
             lambda a: room.start_timer(store, wid, 5, "", a, now=T), lambda a: room.stop_timer(store, wid, a),
             lambda a: room.extend_timer(store, wid, 1, a, now=T), lambda a: room.end_block(store, wid, a)]
    for call in calls:
        with pytest.raises(Forbidden) as refused:
            call(who)
        assert refused.value.key == "error.facilitator_only"
    assert room.stamp(store, wid) == 0 and log(store, wid) == []


def test_a_facilitator_of_another_workshop_or_a_forged_one_is_refused(store, wid):
    other = workshop.create(store, "Other").id
    for fake in (access.trusted(other, "Ольга"), Facilitator("Ольга", wid, "forged-token")):
        with pytest.raises(Forbidden):
            room.set_read_only(store, wid, True, fake)
        with pytest.raises(Forbidden):
            room.focus(store, wid, "journey", "need", fake)
    assert room.get(store, wid) == Room(wid)


def test_a_workshop_without_a_pin_lets_anyone_run_the_room(store):
    """As `access.require_facilitator` has it with the store: the demo, or a workshop made on the command line."""
    demo = workshop.create(store, "Demo").id
    assert room.set_projector(store, demo, True, "Анна").projector is True
    assert room.focus(store, demo, "rfm", None, "Борис").focus_seq == 1
    access.set_pin(store, demo, "2468", "Анна")
    with pytest.raises(Forbidden):
        room.release(store, demo, "Анна")


def test_switches_are_versioned_and_logged_with_old_and_new(store, wid, boss):
    state = room.set_read_only(store, wid, True, boss)
    assert state.read_only is True and state.projector is False
    first = room.stamp(store, wid)
    assert first == state.version > 0
    assert room.set_read_only(store, wid, True, boss).version == first  # no change, no new version
    state = room.set_projector(store, wid, True, boss)
    assert (state.read_only, state.projector, state.version) == (True, True, first + 1)
    assert room.set_read_only(store, wid, False, boss).version == first + 2
    assert room.get(store, wid) == Room(wid, read_only=False, projector=True, version=first + 2)
    entries = log(store, wid)
    assert [(a, actor) for a, actor, *_ in entries] == [("read_only", "Ольга"), ("projector", "Ольга"),
                                                        ("read_only", "Ольга")]
    assert [(json.loads(old), json.loads(new)) for *_, old, new in entries] == [
        ({"read_only": False}, {"read_only": True}), ({"projector": False}, {"projector": True}),
        ({"read_only": True}, {"read_only": False})]


def test_read_only_refuses_participants_not_the_facilitator(store, wid, boss):
    access.require_writer(store, "Анна", wid)  # open room: anyone may write
    room.set_read_only(store, wid, True, boss)
    with pytest.raises(Forbidden) as refused:
        access.require_writer(store, "Анна", wid)
    assert refused.value.key == "error.read_only"
    access.require_writer(store, boss, wid)
    room.set_read_only(store, wid, False, boss)
    access.require_writer(store, "Анна", wid)


def test_every_pull_moves_people_once_focus_seq_grows(store, wid, boss):
    state = room.focus(store, wid, "journey", "need", boss)
    assert (state.focus_page, state.focus_stage, state.focus_seq) == ("journey", "need", 1)
    state = room.focus(store, wid, "journey", "need", boss)  # the same pull again: people who wandered off move
    assert state.focus_seq == 2
    state = room.focus(store, wid, "maturity", None, boss, pages=("maturity", "journey"))
    assert (state.focus_page, state.focus_stage, state.focus_seq) == ("maturity", None, 3)
    state = room.release(store, wid, boss)
    assert (state.focus_page, state.focus_stage, state.focus_seq) == (None, None, 4)
    assert room.get(store, wid).focus_seq == 4


@pytest.mark.parametrize("page, stage, pages, field", [
    ("journey", "nope", None, "stage"),
    ("journey", "Need", None, "stage"),
    ("Journey", None, None, "page"),
    ("", None, None, "page"),
    ("x" * 41, None, None, "page"),
    ("journey; drop", None, None, "page"),
    (None, None, None, "page"),
    ("vote", None, ("journey", "rfm"), "page"),
])
def test_focus_refuses_unknown_pages_and_stages_naming_the_field(store, wid, boss, page, stage, pages, field):
    with pytest.raises(RoomError) as refused:
        room.focus(store, wid, page, stage, boss, pages=pages)
    assert refused.value.params["field"] == field
    assert room.stamp(store, wid) == 0


def test_the_timer_counts_down_from_an_injected_now(store, wid, boss):
    state = room.start_timer(store, wid, 10, "  Этапы   1–4 ", boss, now=T)
    assert state.timer_ends_at == T + timedelta(minutes=10)
    assert (state.timer_minutes, state.timer_label) == (10.0, "Этапы 1–4")
    assert room.seconds_left(state, T) == 600
    assert room.seconds_left(state, T + timedelta(minutes=1)) == 540
    assert room.seconds_left(state, T + timedelta(seconds=599, microseconds=1)) == 1  # rounded up
    assert room.seconds_left(state, T + timedelta(minutes=10)) == 0
    assert room.seconds_left(state, T + timedelta(hours=2)) == 0  # ended, not negative
    state = room.extend_timer(store, wid, 2, boss, now=T + timedelta(minutes=5))
    assert state.timer_ends_at == T + timedelta(minutes=12) and state.timer_minutes == 12.0
    state = room.extend_timer(store, wid, 1, boss, now=T + timedelta(minutes=30))  # ended: restarts from now
    assert state.timer_ends_at == T + timedelta(minutes=31)
    state = room.stop_timer(store, wid, boss)
    assert (state.timer_ends_at, state.timer_minutes, state.timer_label) == (None, None, "")
    assert room.seconds_left(state, T) is None


def test_the_timer_runs_half_a_minute_to_three_hours(store, wid, boss):
    assert room.start_timer(store, wid, 0.5, "", boss, now=T).timer_ends_at == T + timedelta(seconds=30)
    assert room.start_timer(store, wid, 180, "", boss, now=T).timer_ends_at == T + timedelta(hours=3)
    version = room.stamp(store, wid)
    for minutes in (0, 0.4, 180.5, -5, float("nan"), float("inf"), True, "10", None):
        with pytest.raises(RoomError) as refused:
            room.start_timer(store, wid, minutes, "", boss, now=T)
        assert refused.value.params["field"] == "minutes"
    with pytest.raises(RoomError) as long_label:
        room.start_timer(store, wid, 5, "x" * 101, boss, now=T)
    assert long_label.value.params["field"] == "label"
    assert room.stamp(store, wid) == version


def test_the_timer_uses_utc_by_default(store, wid, boss):
    before = room.utc_now()
    state = room.start_timer(store, wid, 1, "", boss)
    assert before + timedelta(seconds=59) <= state.timer_ends_at <= room.utc_now() + timedelta(seconds=61)
    assert 55 <= room.seconds_left(state) <= 60


def test_starting_a_block_marks_it_and_starts_its_timer(store, wid, boss):
    blocks = agenda.create_default(store, wid, "ru", boss)
    journey_block = next(b for b in blocks if b.page == "journey")
    state = room.start_block(store, wid, journey_block.id, boss, now=T)
    assert state.current_block_id == journey_block.id
    assert state.timer_ends_at == T + timedelta(minutes=journey_block.minutes)
    assert state.timer_label == journey_block.title and state.focus_page is None
    state = room.start_block(store, wid, journey_block.id, boss, now=T, timer=False, pull=True)
    assert (state.focus_page, state.focus_seq) == ("journey", 1)
    long = agenda.add(store, wid, boss, day=2, starts_at="09:00", minutes=240, title="Весь день")
    assert room.start_block(store, wid, long.id, boss, now=T).timer_ends_at == T + timedelta(minutes=180)
    state = room.end_block(store, wid, boss)
    assert (state.current_block_id, state.timer_ends_at) == (None, None)


def test_a_block_of_another_workshop_or_deleted_cannot_be_started(store, wid, boss):
    other = workshop.create(store, "Other").id
    theirs = agenda.create_default(store, other, "ru", access.trusted(other))[0]
    with pytest.raises(NotFound):
        room.start_block(store, wid, theirs.id, boss)
    mine = agenda.add(store, wid, boss, day=1, starts_at="10:00", minutes=30, title="Блок")
    agenda.delete(store, mine, boss)
    with pytest.raises(NotFound):
        room.start_block(store, wid, mine.id, boss)
    with pytest.raises(Forbidden):
        room.start_block(store, wid, mine.id, "Анна")
    assert room.stamp(store, wid) == 0


def test_a_workshop_that_does_not_exist_gets_no_room(store):
    with pytest.raises(NotFound):
        room.set_read_only(store, "no-such", True, access.trusted("no-such"))
    assert store.query("SELECT count(*) FROM rooms")[0][0] == 0


def test_switches_at_the_same_moment_never_undo_each_other(store, wid, boss):
    """Read-modify-write inside one write transaction: every thread's change survives."""
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                call()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    calls = [lambda: room.set_read_only(store, wid, True, boss), lambda: room.set_projector(store, wid, True, boss),
             lambda: room.focus(store, wid, "vote", None, boss),
             lambda: room.start_timer(store, wid, 7, "Голосование", boss, now=T)]
    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    state = room.get(store, wid)
    assert (state.read_only, state.projector, state.focus_page, state.focus_seq) == (True, True, "vote", 5)
    assert (state.timer_ends_at, state.timer_label) == (T + timedelta(minutes=7), "Голосование")
    assert state.version == room.stamp(store, wid) == max(v for _, _, v, _, _ in log(store, wid))
