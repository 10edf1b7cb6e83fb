"""Dot voting: N dots per participant, several on one card allowed, closed votes refuse, reopen keeps the dots, a new
round starts afresh, the tally, the log, and many browsers casting at once never exceed N per participant."""
from __future__ import annotations

import threading

import pytest

from cxcore import journey, votes, workshop
from cxcore.errors import NotFound, VoteError
from cxcore.store import Store
from tests.roadmap_helpers import Room, mapped


@pytest.fixture
def room(store: Store) -> Room:
    return mapped(store)


def test_no_vote_before_the_facilitator_opens_one(store, room):
    assert votes.vote_state(store, room.workshop_id) == votes.VoteState(False, 0)
    assert votes.dots_left(store, room.workshop_id, "Анна") == 0
    with pytest.raises(VoteError) as refused:
        votes.cast(store, room.workshop_id, "Анна", "idea", room.reserve.id)
    assert refused.value.key == "vote.error.not_opened"
    assert "фасилитатор" in refused.value.message("ru")
    with pytest.raises(VoteError):
        votes.close_vote(store, room.workshop_id, "facilitator")
    with pytest.raises(NotFound):
        votes.open_vote(store, "no-such-workshop", 3, "facilitator")


def test_dots_per_participant_are_a_whole_number_1_to_20(store, room):
    for dots in (0, -1, 21, 2.5, True, "3"):
        with pytest.raises(VoteError) as refused:
            votes.open_vote(store, room.workshop_id, dots, "facilitator")
        assert refused.value.key == "vote.error.bad_dots"
    assert votes.vote_state(store, room.workshop_id).started is False
    assert votes.open_vote(store, room.workshop_id, 20, "facilitator").dots == 20


def test_several_dots_on_one_card_up_to_n_in_all(store, room):
    w = room.workshop_id
    state = votes.open_vote(store, w, 3, "facilitator")
    assert (state.open, state.dots, state.round, state.version) == (True, 3, 1, 1)
    assert votes.cast(store, w, "Анна Петрова", "idea", room.reserve.id) == 2
    assert votes.cast(store, w, "  анна   петрова ", "idea", room.reserve.id) == 1  # the same person
    assert votes.cast(store, w, "Анна Петрова", "barrier", room.queue.id) == 0
    with pytest.raises(VoteError) as refused:
        votes.cast(store, w, "Анна Петрова", "idea", room.till.id)
    assert refused.value.key == "vote.error.no_dots_left"
    assert refused.value.message("en") == ("You have spent all your dots (3 of 3). Take one back to put it "
                                           "elsewhere.")
    assert votes.cast(store, w, "Борис", "idea", room.reserve.id) == 2
    assert votes.tally(store, w) == {room.reserve.id: 3, room.queue.id: 1}
    assert list(votes.tally(store, w)) == [room.reserve.id, room.queue.id]  # most dots first
    assert votes.my_dots(store, w, "АННА ПЕТРОВА") == {room.reserve.id: 2, room.queue.id: 1}
    assert votes.dots_left(store, w, "Анна Петрова") == 0 and votes.dots_left(store, w, "Борис") == 2
    assert votes.dots_left(store, w, "Вера") == 3
    assert votes.turnout(store, w) == {"Анна Петрова": 3, "Борис": 1}  # the name as first written
    assert votes.retract(store, w, "Анна Петрова", "idea", room.reserve.id) == 1
    assert votes.tally(store, w)[room.reserve.id] == 2
    with pytest.raises(VoteError) as nothing:
        votes.retract(store, w, "Вера", "idea", room.reserve.id)
    assert nothing.value.key == "vote.error.no_dot_here"


def test_what_cannot_be_voted_for(store, room):
    w = room.workshop_id
    votes.open_vote(store, w, 3, "facilitator")
    other = mapped(store, "Other")
    for kind, target in (("idea", other.reserve.id), ("idea", room.stock.id), ("barrier", "nope")):
        with pytest.raises(VoteError) as refused:
            votes.cast(store, w, "Анна", kind, target)
        assert refused.value.key == "vote.error.bad_target"
    with pytest.raises(VoteError) as kind:
        votes.cast(store, w, "Анна", "touchpoint", room.stock.touchpoint_id)
    assert kind.value.key == "vote.error.bad_kind"
    with pytest.raises(VoteError) as nameless:
        votes.cast(store, w, "   ", "idea", room.reserve.id)
    assert nameless.value.key == "vote.error.no_voter"
    journey.delete(store, journey.get(store, room.maps.id), "anna")
    with pytest.raises(VoteError):
        votes.cast(store, w, "Анна", "idea", room.maps.id)
    assert votes.dots_left(store, w, "Анна") == 3


def test_closed_vote_refuses_reopen_keeps_the_dots_a_new_round_starts_afresh(store, room):
    w = room.workshop_id
    votes.open_vote(store, w, 2, "facilitator")
    votes.cast(store, w, "Анна", "idea", room.reserve.id)
    closed = votes.close_vote(store, w, "facilitator")
    assert (closed.open, closed.round, closed.closed_at is not None) == (False, 1, True)
    assert votes.close_vote(store, w, "facilitator") == closed  # closing again changes nothing
    for action in (votes.cast, votes.retract):
        with pytest.raises(VoteError) as refused:
            action(store, w, "Анна", "idea", room.reserve.id)
        assert refused.value.key == "vote.error.closed"
        assert refused.value.message("ru") == "Голосование закрыто: точки больше не принимаются."
    assert votes.tally(store, w) == {room.reserve.id: 1}  # results stand while closed
    reopened = votes.reopen_vote(store, w, "facilitator")
    assert (reopened.open, reopened.round, reopened.dots) == (True, 1, 2)
    assert votes.dots_left(store, w, "Анна") == 1
    with pytest.raises(VoteError) as twice:
        votes.open_vote(store, w, 5, "facilitator")
    assert twice.value.key == "vote.error.already_open"
    votes.close_vote(store, w, "facilitator")
    fresh = votes.open_vote(store, w, 4, "facilitator")
    assert (fresh.open, fresh.round, fresh.dots) == (True, 2, 4)
    assert votes.tally(store, w) == {} and votes.dots_left(store, w, "Анна") == 4
    log = store.query("SELECT entity, action, actor, version FROM change_log WHERE workshop_id = ? AND entity IN "
                      "('roadmap_votes', 'roadmap_dots') ORDER BY id", [w])
    assert [row[:3] for row in log] == [
        ("roadmap_votes", "open", "facilitator"), ("roadmap_dots", "create", "Анна"),
        ("roadmap_votes", "close", "facilitator"), ("roadmap_votes", "reopen", "facilitator"),
        ("roadmap_votes", "close", "facilitator"), ("roadmap_votes", "open", "facilitator")]
    assert [row[3] for row in log if row[0] == "roadmap_votes"] == [1, 2, 3, 4, 5]


def test_stamp_moves_with_every_dot(store, room):
    w = room.workshop_id
    before = votes.stamp(store, w)
    votes.open_vote(store, w, 2, "facilitator")
    opened = votes.stamp(store, w)
    votes.cast(store, w, "Анна", "idea", room.reserve.id)
    cast = votes.stamp(store, w)
    assert before < opened < cast
    other = workshop.create(store, "Other")  # other workshops' changes do not move it
    votes.open_vote(store, other.id, 2, "facilitator")
    journey.add_idea(store, room.queue, "anna", "Ещё идея")  # nor do journey changes
    assert votes.stamp(store, w) == cast


def test_many_browsers_at_once_never_spend_more_than_n(store, room):
    w = room.workshop_id
    votes.open_vote(store, w, 5, "facilitator")
    targets = [("idea", room.reserve.id), ("barrier", room.stock.id), ("idea", room.till.id)]
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def browser(n: int) -> None:
        voter = ("Анна", "анна ", "Борис")[n % 3]  # two participants, Анна in eight tabs
        start.wait()
        for i in range(4):
            kind, target = targets[(n + i) % 3]
            try:
                votes.cast(store, w, voter, kind, target)
                result = "ok"
            except VoteError as error:
                result = error.key
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=browser, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 10 and set(outcomes) == {"ok", "vote.error.no_dots_left"}
    assert {name.casefold(): n for name, n in votes.turnout(store, w).items()} == {"анна": 5, "борис": 5}
    assert sum(votes.tally(store, w).values()) == 10
    assert votes.dots_left(store, w, "Анна") == votes.dots_left(store, w, "Борис") == 0
