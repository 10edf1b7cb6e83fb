"""The agenda: the default two days follow METHOD.md's steps in the workshop's language, blocks are checked field
by field, versioned, facilitator-only, soft-deleted and restorable; the current block by the clock or by start."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from cxcore import access, agenda, room, workshop
from cxcore.access import Forbidden
from cxcore.agenda import Block
from cxcore.errors import AgendaError, ConflictError, NotFound
from cxcore.i18n import t
from cxcore.room import Room
from cxcore.store import Store

D = date(2025, 12, 8)


@pytest.fixture
def wid(store: Store) -> str:
    w = workshop.create(store, "CJM", held_on=D).id
    access.set_pin(store, w, "2468", "test")
    return w


@pytest.fixture
def boss(wid: str) -> access.Facilitator:
    return access.trusted(wid, "Ольга")


def minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


# -- the default agenda ---------------------------------------------------------------------------------------
def test_the_default_agenda_covers_both_days_and_the_method(store, wid, boss):
    blocks = agenda.create_default(store, wid, "en", boss)
    assert len(blocks) == len(agenda.DEFAULT_AGENDA) == 22
    for day in (1, 2):
        days = [b for b in blocks if b.day == day]
        assert days[0].starts_at == "09:30" and days[-1].ends_at == "17:30"
        for before, after in zip(days, days[1:]):  # no gap, no overlap
            assert before.ends_at == after.starts_at
        lunch = [b for b in days if b.title == "Lunch"]
        assert len(lunch) == 1 and lunch[0].minutes == 60 and "12:00" <= lunch[0].starts_at <= "13:30"
        assert any(b.title == "Parking-lot review" and b.page == "parking" for b in days)
    day1 = [b.page for b in blocks if b.day == 1 and b.page]
    day2 = [b.page for b in blocks if b.day == 2 and b.page]
    # METHOD.md's steps in order: the base and RFM, its quality, the target segment, the journey's 8 stages, the
    # barriers between teams; then maturity, the vote, the roadmap, the business case and policies, the close.
    assert day1 == ["rfm", "quality", "rfm", "journey", "journey", "journey_views", "parking"]
    assert day2 == ["maturity_rate", "maturity", "vote", "roadmap", "business", "business", "parking", "workbook"]
    titles = [b.title for b in blocks]
    assert titles[0] == "Opening: the goals and rules of the two days"
    assert "Journey map: stages 1–4 (need to purchase)" in titles
    assert "Journey map: stages 5–8 (receipt to recommendation)" in titles
    assert "Contact policy and content policy" in titles and "Business case and KPIs" in titles
    assert all(b.goal for b in blocks if b.title not in ("Coffee break", "Lunch"))
    assert all(b.goal == "" and b.page is None for b in blocks if b.title in ("Coffee break", "Lunch"))
    assert all(b.page is None or b.page in agenda.PAGES for b in blocks)


def test_the_default_agenda_is_written_in_the_workshops_language_and_then_is_plain_text(store, wid, boss):
    ru = agenda.create_default(store, wid, "ru", boss)
    assert ru[0].title == "Открытие: цели и правила двух дней"
    assert [b.title for b in ru if b.page == "vote"] == ["Голосование точками"]
    changed = agenda.update(store, ru[0], boss, title="Знакомство")
    assert agenda.blocks(store, wid)[0].title == "Знакомство" and changed.version == 2


def test_the_default_is_made_once(store, wid, boss):
    first = agenda.create_default(store, wid, "ru", boss)
    again = agenda.create_default(store, wid, "en", boss)
    assert [b.id for b in again] == [b.id for b in first]
    assert store.query("SELECT count(*) FROM agenda_blocks WHERE workshop_id = ?", [wid])[0][0] == 22


def test_only_the_facilitator_makes_the_default(store, wid):
    other = workshop.create(store, "Other").id
    for who in ("Анна", access.trusted(other)):
        with pytest.raises(Forbidden):
            agenda.create_default(store, wid, "ru", who)
    assert agenda.blocks(store, wid) == []


# -- blocks ---------------------------------------------------------------------------------------------------
def test_blocks_come_by_day_and_time(store, wid, boss):
    agenda.add(store, wid, boss, day=2, starts_at="09:00", minutes=30, title="C")
    agenda.add(store, wid, boss, day=1, starts_at="14:00", minutes=30, title="B")
    agenda.add(store, wid, boss, day=1, starts_at="9:05", minutes=30, title="A", goal="  цель ", page="rfm")
    blocks = agenda.blocks(store, wid)
    assert [(b.day, b.starts_at, b.title) for b in blocks] == [(1, "09:05", "A"), (1, "14:00", "B"), (2, "09:00", "C")]
    assert (blocks[0].goal, blocks[0].page, blocks[0].version, blocks[0].ends_at) == ("цель", "rfm", 1, "09:35")
    assert agenda.get(store, blocks[0].id) == blocks[0]


@pytest.mark.parametrize("field, value", [
    ("day", 0), ("day", 3), ("day", "1"), ("day", True), ("day", None),
    ("starts_at", "24:00"), ("starts_at", "12:60"), ("starts_at", "9"), ("starts_at", "9:5"), ("starts_at", ""),
    ("starts_at", "noon"), ("starts_at", 930),
    ("minutes", 0), ("minutes", 601), ("minutes", 1.5), ("minutes", "30"), ("minutes", True),
    ("title", ""), ("title", "   "), ("title", "x" * 201), ("title", None),
    ("goal", "x" * 1001), ("goal", 5),
    ("page", "nope"), ("page", "Journey"),
])
def test_every_field_is_checked_and_named(store, wid, boss, field, value):
    good = {"day": 1, "starts_at": "10:00", "minutes": 30, "title": "Блок", "goal": "", "page": None}
    with pytest.raises(AgendaError) as refused:
        agenda.add(store, wid, boss, **{**good, field: value})
    assert refused.value.params["field"] == field
    assert refused.value.message("en").startswith(f"{field}: ")
    assert agenda.blocks(store, wid) == []


def test_the_limits_themselves_are_fine(store, wid, boss):
    for starts_at, minutes_ in (("00:00", 1), ("23:59", 600), (time(7, 45), 45), ("8.15", 15)):
        agenda.add(store, wid, boss, day=2, starts_at=starts_at, minutes=minutes_, title="x" * 200, goal="",
                   page="agenda")
    assert [b.starts_at for b in agenda.blocks(store, wid)] == ["00:00", "07:45", "08:15", "23:59"]
    assert agenda.check("starts_at", " 9:30 ") == "09:30" and agenda.check("page", "") is None


def test_update_is_versioned_a_stale_save_is_refused_with_the_current_block(store, wid, boss):
    block = agenda.add(store, wid, boss, day=1, starts_at="10:00", minutes=30, title="RFM")
    mine = agenda.update(store, block, boss, title="RFM-сегменты", minutes=45, starts_at="10:15")
    assert (mine.title, mine.minutes, mine.starts_at, mine.version) == ("RFM-сегменты", 45, "10:15", 2)
    with pytest.raises(ConflictError) as stale:
        agenda.update(store, block, boss, title="Другое")
    assert stale.value.current["title"] == "RFM-сегменты"
    assert agenda.update(store, mine, boss, title="RFM-сегменты", minutes=45) is mine  # nothing changed
    with pytest.raises(AgendaError):
        agenda.update(store, mine, boss, day=5)
    with pytest.raises(ValueError):
        agenda.update(store, mine, boss, workshop_id="x")
    assert agenda.get(store, block.id) == mine


def test_delete_is_soft_and_restorable_all_facilitator_only(store, wid, boss):
    block = agenda.add(store, wid, boss, day=1, starts_at="10:00", minutes=30, title="RFM")
    other = access.trusted(workshop.create(store, "Other").id)
    for who in ("Анна", other):
        with pytest.raises(Forbidden):
            agenda.add(store, wid, who, day=1, starts_at="10:00", minutes=30, title="x")
        with pytest.raises(Forbidden):
            agenda.update(store, block, who, title="x")
        with pytest.raises(Forbidden):
            agenda.delete(store, block, who)
    changed = agenda.update(store, block, boss, goal="g")
    with pytest.raises(ConflictError):
        agenda.delete(store, block, boss)  # read before the change
    agenda.delete(store, changed, boss)
    assert agenda.blocks(store, wid) == [] and agenda.get(store, block.id) is None
    assert [b.id for b in agenda.deleted(store, wid)] == [block.id]
    with pytest.raises(Forbidden):
        agenda.restore(store, block.id, "Анна")
    restored = agenda.restore(store, block.id, boss)
    assert (restored.goal, restored.version) == ("g", 4)
    with pytest.raises(NotFound):
        agenda.restore(store, "no-such", boss)


# -- which block is on ----------------------------------------------------------------------------------------
@pytest.fixture
def day_plan(store, wid, boss) -> list[Block]:
    return agenda.create_default(store, wid, "en", boss)


@pytest.fixture(scope="module")
def plan() -> list[Block]:
    """The default agenda in English as plain blocks (`current` and `next_block` read no database)."""
    return [Block(f"b{n}", "w", day, starts_at, length, t(f"agenda.block.{key}", "en"), "", page, 1)
            for n, (day, starts_at, length, key, page) in enumerate(agenda.DEFAULT_AGENDA)]


@pytest.mark.parametrize("today, now, title", [
    (D, time(9, 29), None),
    (D, time(9, 30), "Opening: the goals and rules of the two days"),
    (D, time(10, 59), "The customer base and its RFM segments"),
    (D, time(11, 0), "Coffee break"),
    (D, time(13, 45), "Journey map: stages 1–4 (need to purchase)"),
    (D, time(17, 29), "Parking-lot review"),
    (D, time(17, 30), None),  # a block's end is not in it
    (D + timedelta(days=1), time(9, 40), "Rating CX maturity: the 20 practices"),
    (D + timedelta(days=1), time(13, 0), "Lunch"),
    (D + timedelta(days=1), time(17, 0), "Closing and next steps"),
    (D + timedelta(days=2), time(10, 0), None),
    (D - timedelta(days=1), time(10, 0), None),
])
def test_the_current_block_by_the_clock(plan, today, now, title):
    found = agenda.current(plan, Room("w"), today, now, D)
    assert (found.title if found else None) == title


def test_without_a_date_only_a_started_block_is_current(plan):
    assert agenda.current(plan, Room("w"), D, time(10, 0), None) is None
    vote = next(b for b in plan if b.page == "vote")
    assert agenda.current(plan, Room("w", current_block_id=vote.id), D, time(10, 0), None) == vote


def test_the_block_the_facilitator_started_wins_over_the_clock(store, day_plan, wid, boss):
    vote = next(b for b in day_plan if b.page == "vote")  # a day-2 block, started on day 1 at 10:00
    state = room.start_block(store, wid, vote.id, boss)
    assert agenda.current(day_plan, state, D, time(10, 0), D) == vote
    assert agenda.next_block(day_plan, state, D, time(10, 0), D).page == "roadmap"
    state = room.end_block(store, wid, boss)
    assert agenda.current(day_plan, state, D, time(10, 0), D).page == "rfm"
    gone = Room(wid, current_block_id="deleted-block")  # a started block since deleted: the clock decides
    assert agenda.current(day_plan, gone, D, time(10, 0), D).page == "rfm"


def test_the_next_block(plan):
    def following(today: date, now: time) -> str | None:
        found = agenda.next_block(plan, Room("w"), today, now, D)
        return f"{found.day} {found.starts_at}" if found else None

    assert following(D - timedelta(days=3), time(12, 0)) == "1 09:30"  # before the workshop: its first block
    assert following(D, time(8, 0)) == "1 09:30"
    assert following(D, time(10, 30)) == "1 11:00"
    assert following(D, time(17, 15)) == "2 09:30"  # the last block of day 1: day 2's first
    assert following(D, time(18, 0)) == "2 09:30"
    assert following(D + timedelta(days=1), time(16, 50)) is None  # the closing has no next
    assert following(D + timedelta(days=5), time(10, 0)) is None
    assert agenda.next_block(plan, Room("w"), D, time(10, 0), None) is None
    assert agenda.next_block([], Room("w"), D - timedelta(days=1), time(10, 0), D) is None


def test_a_block_running_past_midnight_is_fine(store, wid, boss):
    late = agenda.add(store, wid, boss, day=1, starts_at="23:30", minutes=60, title="Ночь")
    assert late.ends_at == "24:30"
    assert agenda.current([late], Room(wid), D, time(23, 45), D) == late
