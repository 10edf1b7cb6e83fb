"""The workshops at a glance: the stage reached on workshops built step by step, the headcount, archiving, one
set-based query however many workshops there are, and a new workshop (or a follow-up) made ready for the room."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxcore import (access, agenda, home, ingest, journey, maturity_ratings, participants, rfm_settings, room,
                    roadmap_items, votes, workshop)
from cxcore.access import Forbidden
from cxcore.errors import JourneyError, NotFound, RoomError
from cxcore.store import Store


def load_base(store: Store, tmp_path: Path, wid: str) -> None:
    path = tmp_path / f"{wid}.csv"
    rows = ["customer;date;amount", "A1;2025-01-10;1000", "A2;2025-03-05;2500", "A1;2025-06-01;700"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert ingest.load(store, path, workshop_id=wid, actor="anna").rows_loaded == 3


def stage_of(store: Store, wid: str) -> str:
    return {row.id: row for row in home.overview(store, include_archived=True)}[wid].stage


def test_the_stage_reached_step_by_step(store, tmp_path):
    wid = workshop.create(store, "CJM", held_on=date(2025, 12, 8)).id
    assert stage_of(store, wid) == "created"
    load_base(store, tmp_path, wid)
    assert stage_of(store, wid) == "base"
    rfm_settings.save(store, rfm_settings.get(store, wid), "anna", target_segment="at_risk")
    assert stage_of(store, wid) == "segments"
    j = journey.ensure(store, wid, "at_risk", "anna")
    site = journey.add_touchpoint(store, j.stage("search"), "anna", "Сайт", "site")
    assert stage_of(store, wid) == "segments"  # a touchpoint is not yet a barrier
    barrier = journey.add_barrier(store, site, "anna", "Нет в наличии, НО на сайте есть", ["promises"])
    assert stage_of(store, wid) == "journey"
    maturity_ratings.rate(store, wid, "Анна", 1, 3)
    assert stage_of(store, wid) == "maturity"
    votes.open_vote(store, wid, 3, "facilitator")
    assert stage_of(store, wid) == "maturity"  # an open vote without a dot
    votes.cast(store, wid, "Анна", "barrier", barrier.id)
    assert stage_of(store, wid) == "vote"
    item = roadmap_items.add_item(store, wid, "anna", "Обновлять остатки")
    assert stage_of(store, wid) == "roadmap"
    roadmap_items.delete_item(store, item, "anna")
    assert stage_of(store, wid) == "vote"  # deleted records do not count
    row = home.overview(store)[0]
    assert (row.stage_index, home.STAGES[row.stage_index]) == (5, "vote")


def test_the_furthest_stage_counts_even_with_earlier_ones_skipped(store):
    wid = workshop.create(store, "Imported").id
    roadmap_items.add_item(store, wid, "anna", "Пункт")
    assert stage_of(store, wid) == "roadmap"


def test_a_barrier_under_a_deleted_touchpoint_does_not_count(store):
    wid = workshop.create(store, "CJM").id
    j = journey.ensure(store, wid, "lost", "anna")
    site = journey.add_touchpoint(store, j.stage("need"), "anna", "Сайт")
    journey.add_barrier(store, site, "anna", "НО", ["speed"])
    assert stage_of(store, wid) == "journey"
    journey.delete(store, site, "anna")
    assert stage_of(store, wid) == "created"


def test_a_dot_of_an_earlier_round_does_not_count(store):
    wid = workshop.create(store, "CJM").id
    j = journey.ensure(store, wid, "lost", "anna")
    barrier = journey.add_barrier(store, journey.add_touchpoint(store, j.stage("need"), "anna", "Сайт"), "anna",
                                  "НО", ["speed"])
    votes.open_vote(store, wid, 2, "f")
    votes.cast(store, wid, "Анна", "barrier", barrier.id)
    assert stage_of(store, wid) == "vote"
    votes.close_vote(store, wid, "f")
    votes.open_vote(store, wid, 2, "f")  # a new round: the earlier dots no longer count
    assert stage_of(store, wid) == "journey"


def test_participants_are_distinct_people_who_joined_rated_or_voted(store):
    wid = workshop.create(store, "CJM").id
    participants.join(store, wid, "Анна Петрова")
    participants.join(store, wid, "Борис")
    maturity_ratings.rate(store, wid, "анна  петрова", 1, 4)  # the same person
    maturity_ratings.rate(store, wid, "Вера", 1, 2)  # rated without joining
    j = journey.ensure(store, wid, "lost", "anna")
    barrier = journey.add_barrier(store, journey.add_touchpoint(store, j.stage("need"), "anna", "Сайт"), "anna",
                                  "НО", ["speed"])
    votes.open_vote(store, wid, 2, "f")
    votes.cast(store, wid, "БОРИС", "barrier", barrier.id)
    votes.cast(store, wid, "Глеб", "barrier", barrier.id)
    empty = workshop.create(store, "Empty").id
    counts = {row.id: row.participants for row in home.overview(store)}
    assert counts == {wid: 4, empty: 0}  # Анна, Борис, Вера, Глеб


def test_the_list_latest_first_archived_apart(store):
    old = workshop.create(store, "Весна", client="Ромашка", held_on=date(2025, 4, 1)).id
    new = workshop.create(store, "Осень", client="Ромашка", held_on=date(2025, 10, 1)).id
    undated = workshop.create(store, "Без даты").id
    gone = workshop.create(store, "Удалённый", held_on=date(2025, 11, 1))
    workshop.delete(store, gone, "f")
    assert [r.id for r in home.overview(store)] == [new, old, undated]
    row = home.overview(store)[0]
    assert (row.name, row.client, row.held_on, row.language, row.archived, row.follows_id, row.participants,
            row.stage) == ("Осень", "Ромашка", date(2025, 10, 1), "ru", False, None, 0, "created")

    access.set_pin(store, old, "2468", "test")
    with pytest.raises(Forbidden):
        home.archive(store, old, "Ольга")
    with pytest.raises(Forbidden):
        home.archive(store, old, access.trusted(new))
    boss = access.trusted(old, "Ольга")
    home.archive(store, old, boss)
    home.archive(store, old, boss)  # archived already: nothing changes
    assert [r.id for r in home.overview(store)] == [new, undated]
    shown = {r.id: r for r in home.overview(store, include_archived=True)}
    assert list(shown) == [new, old, undated] and shown[old].archived and shown[old].archived_at is not None
    assert workshop.get(store, old).version == 1  # a flag, not an edit of the details
    log = store.query("SELECT action, actor FROM change_log WHERE entity = 'workshops' AND entity_id = ? "
                      "AND action LIKE '%archive' ORDER BY id", [old])
    assert log == [("archive", "Ольга")]
    home.unarchive(store, workshop.get(store, old), boss)
    assert [r.id for r in home.overview(store)] == [new, old, undated]
    with pytest.raises(NotFound):
        home.archive(store, "no-such", access.trusted("no-such"))


def test_one_query_however_many_workshops(store, tmp_path, monkeypatch):
    """The home page costs the same with one workshop or many (no query per workshop)."""
    opened = []
    real = store._new_cursor
    monkeypatch.setattr(store, "_new_cursor", lambda progress=False: opened.append(1) or real(progress))

    def cursors() -> int:
        opened.clear()
        home.overview(store, include_archived=True)
        return len(opened)

    first = workshop.create(store, "One").id
    with_one = cursors()
    load_base(store, tmp_path, first)
    for name in ("Two", "Three", "Four"):
        wid = workshop.create(store, name).id
        roadmap_items.add_item(store, wid, "anna", "Пункт")
        participants.join(store, wid, "Анна")
    assert len(home.overview(store)) == 4
    assert cursors() == with_one == 1


# -- a new workshop ---------------------------------------------------------------------------------------------
def test_create_sets_the_pin_the_room_the_agenda_and_gives_the_proof(store):
    made, proof = home.create(store, "  Ромашка   зима ", pin=" 2468 ", client="Ромашка",
                              held_on=date(2026, 1, 20), industry="retail", facilitator="Ольга", language="en",
                              actor="Ольга")
    assert (made.name, made.client, made.held_on, made.language, made.facilitator) == (
        "Ромашка зима", "Ромашка", date(2026, 1, 20), "en", "Ольга")
    assert access.is_facilitator(proof, made.id) and str(proof) == "Ольга"
    assert access.has_pin(store, made.id)
    with pytest.raises(Forbidden):
        access.unlock(store, made.id, "0000")
    assert access.is_facilitator(access.unlock(store, made.id, "2468"), made.id)
    assert room.get(store, made.id).version == 1  # the room exists
    blocks = agenda.blocks(store, made.id)
    assert len(blocks) == len(agenda.DEFAULT_AGENDA) and blocks[0].title.startswith("Opening")
    assert rfm_settings.target_segment(store, made.id) is None and journey.journeys(store, made.id) == ()
    row = home.overview(store)[0]
    assert (row.id, row.stage, row.industry) == (made.id, "created", "retail")
    logged = store.query("SELECT old_value, new_value FROM change_log WHERE action = 'set_pin' AND entity_id = ?",
                         [made.id])
    assert logged == [(None, None)]  # the hash never enters the log
    room.set_read_only(store, made.id, True, proof)  # the creator is the facilitator at once


def test_create_from_a_template_starts_the_at_risk_journey(store):
    made, proof = home.create(store, "Банк", pin="1234", template="bank", language="ru")
    assert rfm_settings.target_segment(store, made.id) == "at_risk"
    mapped = journey.journeys(store, made.id)
    assert [j.segment for j in mapped] == ["at_risk"]
    touchpoints = [tp for stage in mapped[0].stages for tp in stage.touchpoints]
    barriers = [b for tp in touchpoints for b in tp.barriers]
    assert touchpoints and barriers
    assert stage_of(store, made.id) == "journey"


@pytest.mark.parametrize("changes, error, field", [
    ({"pin": "123"}, Forbidden, None),
    ({"pin": "x" * 33}, Forbidden, None),
    ({"pin": ""}, Forbidden, None),
    ({"name": "  "}, RoomError, "name"),
    ({"name": "x" * 201}, RoomError, "name"),
    ({"name": "Занято"}, RoomError, "name"),
    ({"language": "de"}, RoomError, "language"),
    ({"template": "space"}, JourneyError, None),
])
def test_create_checks_everything_before_writing(store, changes, error, field):
    workshop.create(store, "Занято")
    before = store.query("SELECT count(*) FROM workshops")[0][0]
    args = {"name": "Новый", "pin": "2468", **changes}
    with pytest.raises(error) as refused:
        home.create(store, args.pop("name"), **args)
    if field:
        assert refused.value.params["field"] == field
    assert store.query("SELECT count(*) FROM workshops")[0][0] == before
    assert store.query("SELECT count(*) FROM agenda_blocks")[0][0] == 0


def test_a_follow_up_copies_the_journey_and_gets_its_own_pin_room_and_agenda(store):
    first, first_boss = home.create(store, "Весна", pin="1111", client="Ромашка", template="retail",
                                    held_on=date(2025, 4, 1))
    with pytest.raises(Forbidden):
        home.follow_up(store, first.id, "Осень", pin="2222", actor="Ольга")
    made, proof = home.follow_up(store, first.id, "Осень", pin="2222", actor=first_boss,
                                 held_on=date(2025, 10, 1), facilitator="Ольга")
    assert (made.client, made.held_on, made.facilitator, made.language) == (
        "Ромашка", date(2025, 10, 1), "Ольга", "ru")
    assert access.is_facilitator(proof, made.id) and not access.is_facilitator(proof, first.id)
    assert access.is_facilitator(access.unlock(store, made.id, "2222"), made.id)
    with pytest.raises(Forbidden):
        access.unlock(store, made.id, "1111")
    assert len(agenda.blocks(store, made.id)) == len(agenda.DEFAULT_AGENDA)
    assert room.stamp(store, made.id) == 1
    assert [j.segment for j in journey.journeys(store, made.id)] == ["at_risk"]
    row = {r.id: r for r in home.overview(store)}[made.id]
    assert (row.follows_id, row.stage) == (first.id, "journey")
