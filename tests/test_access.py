"""The facilitator's PIN and what it guards: stored hashed with a salt per workshop, wrong PINs slowed down across
sessions, proofs that cannot be forged or carried to another workshop, facilitator-only actions refused to
participants in cxcore itself, and read-only rooms."""
from __future__ import annotations

import pickle
from datetime import datetime, timedelta

import pytest

from cxcore import access, ingest, journey, maturity_ratings, rfm_settings, votes, workshop
from cxcore.access import Facilitator, Forbidden
from cxcore.store import Store
from tests.roadmap_helpers import Room, mapped

T0 = datetime(2026, 11, 26, 10, 0, 0)


@pytest.fixture
def room(store: Store) -> Room:
    found = mapped(store)
    access.set_pin(store, found.workshop_id, "2468", "anna")
    return found


def wrong(store: Store, workshop_id: str, at: datetime) -> Forbidden:
    with pytest.raises(Forbidden) as refused:
        access.unlock(store, workshop_id, "0000", "mallory", now=at)
    return refused.value


def test_the_pin_is_stored_as_a_salted_hash_never_in_clear(store, room):
    other = workshop.create(store, "Другой")
    access.set_pin(store, other.id, "2468", "boris")
    rows = dict(store.query("SELECT id, pin_hash || ':' || pin_salt FROM workshops WHERE pin_hash IS NOT NULL"))
    first, second = rows[room.workshop_id].split(":"), rows[other.id].split(":")
    assert "2468" not in rows[room.workshop_id]
    assert len(first[0]) == 64 and len(first[1]) == 32  # scrypt 32 bytes, salt 16 bytes, hex
    assert first[1] != second[1] and first[0] != second[0]  # the same PIN, another salt, another hash
    logged = store.query("SELECT coalesce(old_value::VARCHAR, '') || coalesce(new_value::VARCHAR, '') "
                         "FROM change_log WHERE action = 'set_pin'")
    assert len(logged) == 2 and all(first[0] not in text and "2468" not in text for (text,) in logged)


def test_the_right_pin_gives_a_proof_for_that_workshop_only(store, room):
    proof = access.unlock(store, room.workshop_id, " 2468 ", "Анна", now=T0)
    assert proof == "Анна" and access.is_facilitator(proof, room.workshop_id)
    other = workshop.create(store, "Другой")
    assert not access.is_facilitator(proof, other.id)
    forged = Facilitator("Анна", room.workshop_id, "made-up-token")
    assert not access.is_facilitator(forged, room.workshop_id)
    assert not access.is_facilitator("Анна", room.workshop_id)
    assert access.is_facilitator(pickle.loads(pickle.dumps(proof)), room.workshop_id)  # session state copies
    error = wrong(store, room.workshop_id, T0)
    assert error.key == "error.pin_wrong" and error.message("ru") == "Неверный PIN."


def test_five_wrong_pins_then_waits_that_double_and_count_across_sessions(store, room):
    for attempt in range(4):
        assert wrong(store, room.workshop_id, T0 + timedelta(seconds=attempt)).wait_seconds == 0
    fifth = wrong(store, room.workshop_id, T0 + timedelta(seconds=4))
    assert fifth.key == "error.pin_wrong" and fifth.wait_seconds == 30
    # during the wait even the right PIN is refused, and such attempts are not counted
    with pytest.raises(Forbidden) as waiting:
        access.unlock(store, room.workshop_id, "2468", now=T0 + timedelta(seconds=14))
    assert waiting.value.key == "error.pin_wait" and waiting.value.wait_seconds == 20
    assert "20" in waiting.value.message("ru")
    assert store.query_one("SELECT count(*) FROM pin_attempts")[0] == 5
    sixth = wrong(store, room.workshop_id, T0 + timedelta(seconds=35))
    assert sixth.wait_seconds == 60
    assert access.wait_left(store, room.workshop_id, T0 + timedelta(seconds=95)) == 0
    # the limit is kept in the database: a restarted process (a new proof registry) still waits
    assert access.wait_left(store, room.workshop_id, T0 + timedelta(seconds=40)) == 55
    assert access.unlock(store, room.workshop_id, "2468", now=T0 + timedelta(seconds=95))
    # a success starts the count afresh
    assert wrong(store, room.workshop_id, T0 + timedelta(seconds=96)).wait_seconds == 0


def test_the_wait_never_exceeds_fifteen_minutes(store, room):
    at = T0
    for _ in range(12):
        at += timedelta(seconds=access.wait_left(store, room.workshop_id, at) + 1)
        last = wrong(store, room.workshop_id, at)
    assert last.wait_seconds == 15 * 60


def test_changing_the_pin_needs_the_facilitator_and_ends_earlier_proofs(store, room):
    proof = access.unlock(store, room.workshop_id, "2468", now=T0)
    with pytest.raises(Forbidden):
        access.set_pin(store, room.workshop_id, "1357", "boris")
    access.set_pin(store, room.workshop_id, "1357", proof)
    assert not access.is_facilitator(proof, room.workshop_id)
    wrong(store, room.workshop_id, T0)
    assert access.unlock(store, room.workshop_id, "1357", now=T0)
    with pytest.raises(Forbidden) as short:
        access.set_pin(store, room.workshop_id, "12", access.trusted(room.workshop_id))
    assert short.value.key == "error.pin_format"


def test_facilitator_only_actions_refuse_participants_in_cxcore(store, room, tmp_path):
    wid = room.workshop_id
    path = tmp_path / "base.csv"
    path.write_text("customer;date;amount\nA;2025-01-10;100\nB;2025-02-10;200\n", encoding="utf-8")
    current = workshop.get(store, wid)
    refusals = {
        "vote": lambda who: votes.open_vote(store, wid, 5, who),
        "settings": lambda who: workshop.update(store, current, who, client="Взлом"),
        "segment rules": lambda who: rfm_settings.save(store, rfm_settings.get(store, wid), who,
                                                       target_segment="lost"),
        "base": lambda who: ingest.load(store, path, workshop_id=wid, actor=who),
        "delete": lambda who: workshop.delete(store, current, who),
    }
    other = access.trusted(workshop.create(store, "Другой").id)
    for what, action in refusals.items():
        for who in ("boris", other, Facilitator("boris", wid, "forged")):
            with pytest.raises(Forbidden) as refused:
                action(who)
            assert refused.value.key == "error.facilitator_only", what
    assert workshop.get(store, wid).client == "" and votes.vote_state(store, wid).started is False
    boss = access.unlock(store, wid, "2468", "Анна")
    assert votes.open_vote(store, wid, 5, boss).dots == 5
    assert ingest.load(store, path, workshop_id=wid, actor=boss).rows_loaded == 2
    assert workshop.update(store, current, boss, client="Клиент").client == "Клиент"
    assert store.query_one("SELECT actor FROM change_log WHERE entity = 'workshops' ORDER BY id DESC LIMIT 1")[0] == "Анна"


def test_a_workshop_without_a_pin_is_run_by_whoever_opens_it(store):
    found = mapped(store, "Без PIN")
    assert not access.has_pin(store, found.workshop_id)
    assert votes.open_vote(store, found.workshop_id, 3, "anyone").dots == 3
    assert access.is_facilitator(access.unlock(store, found.workshop_id, ""), found.workshop_id)


def test_a_read_only_room_refuses_participants_but_not_the_facilitator(store, room):
    wid = room.workshop_id
    boss = access.unlock(store, wid, "2468", "Анна")
    votes.open_vote(store, wid, 3, boss)
    with store.write("test") as tx:
        tx.execute("INSERT INTO rooms (id, workshop_id, read_only) VALUES (?, ?, true)", [wid, wid])
    stage = journey.load(store, wid, "at_risk").stage("need")
    participant_writes = {
        "add": lambda who: journey.add_touchpoint(store, stage, who, "Реклама"),
        "edit": lambda who: journey.update(store, room.queue, who, text="Очередь"),
        "delete": lambda who: journey.delete(store, room.maps, who),
        "dot": lambda who: votes.cast(store, wid, "Борис", "idea", room.reserve.id, who),
        "rating": lambda who: maturity_ratings.rate(store, wid, "Борис", 1, 4, who),
    }
    for what, write in participant_writes.items():
        with pytest.raises(Forbidden) as refused:
            write("Борис")
        assert refused.value.key == "error.read_only", what
    assert len(journey.load(store, wid, "at_risk").stage("need").touchpoints) == 0
    for write in participant_writes.values():
        write(boss)
    assert journey.load(store, wid, "at_risk").stage("need").touchpoints[0].name == "Реклама"


def test_a_reloaded_browser_resumes_with_its_token_only_for_that_workshop(store, room):
    proof = access.unlock(store, room.workshop_id, "2468", "Анна", now=T0)
    back = access.resume(room.workshop_id, access.token_of(proof))
    assert back == "Анна" and access.is_facilitator(back, room.workshop_id)
    other = workshop.create(store, "Другой")
    assert access.resume(other.id, access.token_of(proof)) is None
    assert access.resume(room.workshop_id, "guessed-token") is None and access.resume(room.workshop_id, None) is None
    access.set_pin(store, room.workshop_id, "1357", proof)  # a new PIN ends every earlier proof
    assert access.resume(room.workshop_id, access.token_of(proof)) is None
