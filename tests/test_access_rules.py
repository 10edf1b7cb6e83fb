"""Nobody is let in: every facilitator-only action of cxcore refuses a participant, a forged proof and the facilitator
of another workshop (on a workshop with a PIN) and works with the right proof; a read-only room refuses the
participants' writes but not the facilitator's; workshop ids cannot be guessed; and in the app a participant of one
workshop never sees another's name, client or id, not even through a mistyped link.

The PIN itself (hashed with a salt of its own, never logged, the rate limit on wrong PINs across sessions) is tested
in tests/test_access.py; here only what that file does not cover."""
from __future__ import annotations

import math
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pytest
from streamlit.testing.v1 import AppTest

from cxcore import (access, agenda, business_case, contact_policy, home, ingest, journey, maturity_ratings, parking,
                    rfm_settings, room, roadmap_items, roadmap_kpi, transfer, votes, workshop)
from cxcore.access import Facilitator, Forbidden
from cxcore.store import Store, open_store
from tests.test_injection import rendered
from tests.test_pages import app, db, fresh_caches, served_mode  # noqa: F401  (fixtures)

PIN, OTHER_PIN = "2468", "1357"


@dataclass
class Guarded:
    """Workshop A (with a PIN) and its facilitator's proof; workshop B (with a PIN) and its facilitator's proof."""
    store: Store
    wid: str
    boss: Facilitator
    other_id: str
    other_boss: Facilitator
    folder: Path
    ctx: dict[str, Any] = field(default_factory=dict)

    def intruders(self, name: str = "Борис") -> dict[str, object]:
        """Who must be refused: a participant's plain name, a forged proof, a proof of another workshop, and that
        proof's real token relabelled for this workshop."""
        return {"participant": name,
                "forged proof": Facilitator(name, self.wid, "made-up-token"),
                "facilitator of another workshop": self.other_boss,
                "another workshop's token relabelled": Facilitator(name, self.wid, access.token_of(self.other_boss))}


@pytest.fixture
def g(store: Store, tmp_path: Path) -> Guarded:
    made, boss = home.create(store, "Воркшоп А", pin=PIN, client="Клиент А", facilitator="Анна")
    other, other_boss = home.create(store, "Воркшоп Б", pin=OTHER_PIN, client="Клиент Б", facilitator="Борис")
    assert access.has_pin(store, made.id) and access.has_pin(store, other.id)
    return Guarded(store, made.id, boss, other.id, other_boss, tmp_path)


def attempt(action: Callable[[], Any], what: str) -> Forbidden:
    """The refusal `action` must end in."""
    try:
        action()
    except Forbidden as refused:
        return refused
    pytest.fail(f"{what} was allowed")


def footprint(store: Store) -> tuple:
    """Everything a refused action could have written: the change log and the rows it guards."""
    return tuple(store.query(sql) for sql in (
        "SELECT count(*), coalesce(max(id), 0) FROM change_log",
        "SELECT id, version, name, client, archived_at, deleted_at, pin_hash FROM workshops ORDER BY id",
        "SELECT * FROM rooms ORDER BY id",
        "SELECT id, version, title, deleted_at FROM agenda_blocks ORDER BY id",
        "SELECT id, version, status, answer, text, deleted_at FROM parking_items ORDER BY id",
        "SELECT id, version, is_open, round, dots FROM roadmap_votes ORDER BY id",
        "SELECT id, version FROM rfm_settings ORDER BY id",
        "SELECT count(*) FROM bases",
    ))


# -- facilitator-only actions ------------------------------------------------------------------------------------------
def _nothing(g: Guarded) -> None:
    return None


def _base_file(g: Guarded) -> None:
    path = g.folder / "base.csv"
    path.write_text("customer;date;amount\nA;2025-01-10;100\nB;2025-02-10;200\n", encoding="utf-8")
    g.ctx["base"] = path


def _deleted(g: Guarded) -> None:
    workshop.delete(g.store, workshop.get(g.store, g.wid), g.boss)


def _voting(g: Guarded) -> None:
    votes.open_vote(g.store, g.wid, 3, g.boss)


def _closed(g: Guarded) -> None:
    votes.open_vote(g.store, g.wid, 3, g.boss)
    votes.close_vote(g.store, g.wid, g.boss)


def _focused(g: Guarded) -> None:
    room.focus(g.store, g.wid, "journey", "need", g.boss)


def _timing(g: Guarded) -> None:
    room.start_timer(g.store, g.wid, 5, "Перерыв", g.boss)


def _block_running(g: Guarded) -> None:
    room.start_block(g.store, g.wid, _first_block(g).id, g.boss)


def _block_deleted(g: Guarded) -> None:
    g.ctx["block"] = _first_block(g).id
    agenda.delete(g.store, _first_block(g), g.boss)


def _no_agenda(g: Guarded) -> None:
    for block in agenda.blocks(g.store, g.wid):
        agenda.delete(g.store, block, g.boss)


def _parked(g: Guarded) -> None:
    g.ctx["item"] = parking.add(g.store, g.wid, "Борис", "Когда будет доставка?").id


def _archived(g: Guarded) -> None:
    home.archive(g.store, g.wid, g.boss)


def _first_block(g: Guarded) -> agenda.Block:
    return agenda.blocks(g.store, g.wid)[0]


def _item(g: Guarded) -> parking.ParkingItem:
    return parking.get(g.store, g.ctx["item"])


Act = Callable[[Guarded, object], Any]
# action → (what must be there first, done by the facilitator; the action by `who`)
FACILITATOR_ONLY: dict[str, tuple[Callable[[Guarded], None], Act]] = {
    "workshop.update": (_nothing, lambda g, who: workshop.update(g.store, workshop.get(g.store, g.wid), who,
                                                                 client="Взлом")),
    "workshop.delete": (_nothing, lambda g, who: workshop.delete(g.store, workshop.get(g.store, g.wid), who)),
    "workshop.restore": (_deleted, lambda g, who: workshop.restore(g.store, g.wid, who)),
    "ingest.load into the workshop": (_base_file, lambda g, who: ingest.load(g.store, g.ctx["base"],
                                                                             workshop_id=g.wid, actor=who)),
    "rfm_settings.save": (_nothing, lambda g, who: rfm_settings.save(g.store, rfm_settings.get(g.store, g.wid), who,
                                                                     target_segment="lost")),
    "votes.open_vote": (_nothing, lambda g, who: votes.open_vote(g.store, g.wid, 3, who)),
    "votes.close_vote": (_voting, lambda g, who: votes.close_vote(g.store, g.wid, who)),
    "votes.reopen_vote": (_closed, lambda g, who: votes.reopen_vote(g.store, g.wid, who)),
    "room.set_read_only": (_nothing, lambda g, who: room.set_read_only(g.store, g.wid, True, who)),
    "room.set_projector": (_nothing, lambda g, who: room.set_projector(g.store, g.wid, True, who)),
    "room.focus": (_nothing, lambda g, who: room.focus(g.store, g.wid, "journey", "need", who)),
    "room.release": (_focused, lambda g, who: room.release(g.store, g.wid, who)),
    "room.start_timer": (_nothing, lambda g, who: room.start_timer(g.store, g.wid, 5, "Перерыв", who)),
    "room.extend_timer": (_timing, lambda g, who: room.extend_timer(g.store, g.wid, 5, who)),
    "room.stop_timer": (_timing, lambda g, who: room.stop_timer(g.store, g.wid, who)),
    "room.start_block": (_nothing, lambda g, who: room.start_block(g.store, g.wid, _first_block(g).id, who)),
    "room.end_block": (_block_running, lambda g, who: room.end_block(g.store, g.wid, who)),
    "agenda.add": (_nothing, lambda g, who: agenda.add(g.store, g.wid, who, day=1, starts_at="08:00", minutes=15,
                                                       title="Взлом")),
    "agenda.update": (_nothing, lambda g, who: agenda.update(g.store, _first_block(g), who, title="Взлом")),
    "agenda.delete": (_nothing, lambda g, who: agenda.delete(g.store, _first_block(g), who)),
    "agenda.restore": (_block_deleted, lambda g, who: agenda.restore(g.store, g.ctx["block"], who)),
    "agenda.create_default": (_no_agenda, lambda g, who: agenda.create_default(g.store, g.wid, "ru", who)),
    "parking.update (status)": (_parked, lambda g, who: parking.update(g.store, _item(g), who, status="answered")),
    "parking.update (answer)": (_parked, lambda g, who: parking.update(g.store, _item(g), who, answer="Завтра")),
    "home.archive": (_nothing, lambda g, who: home.archive(g.store, g.wid, who)),
    "home.unarchive": (_archived, lambda g, who: home.unarchive(g.store, g.wid, who)),
    "home.follow_up": (_nothing, lambda g, who: home.follow_up(g.store, g.wid, "Через полгода", pin="9999",
                                                               actor=who)),
    "access.set_pin (change)": (_nothing, lambda g, who: access.set_pin(g.store, g.wid, "9999", who)),
}


@pytest.mark.parametrize("action", FACILITATOR_ONLY)
def test_a_facilitator_only_action_refuses_everyone_else_and_works_with_the_proof(g, action):
    prepare, act = FACILITATOR_ONLY[action]
    prepare(g)
    before = footprint(g.store)
    for who, actor in g.intruders().items():
        refused = attempt(lambda: act(g, actor), f"{action} by the {who}")
        assert refused.key == "error.facilitator_only", (action, who)
        assert footprint(g.store) == before, f"{action} by {who}: refused, yet something was written"
    act(g, g.boss)
    assert footprint(g.store) != before, f"{action}: the facilitator's action changed nothing"


def test_the_table_names_every_function_that_guards_with_the_pin():
    """A new facilitator-only function in cxcore joins the table above (or this list says why not)."""
    import ast
    import importlib

    guarded = set()
    for module in ("agenda", "home", "ingest", "parking", "rfm_settings", "room", "votes", "workshop", "access"):
        source = Path(importlib.import_module(f"cxcore.{module}").__file__).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and any(
                    isinstance(n, ast.Attribute) and n.attr in ("require_facilitator", "is_facilitator")
                    or isinstance(n, ast.Name) and n.id in ("require_facilitator", "_change", "_switch",
                                                            "_set_archived")
                    for n in ast.walk(node)):
                guarded.add(f"{module}.{node.name}")
    not_actions = {"access.require_facilitator", "access.require_writer", "access.is_facilitator",
                   "parking.delete", "parking.restore"}  # the author or the facilitator: tests/test_parking.py
    named = {action.split(" ")[0] for action in FACILITATOR_ONLY} | {"ingest.load", "access.set_pin"}
    assert guarded - not_actions <= named, sorted(guarded - not_actions - named)


# -- a read-only room --------------------------------------------------------------------------------------------------
@pytest.fixture
def read_only(g: Guarded) -> Guarded:
    """Workshop A with a mapped stage, an open vote, Борис's dot, answer and parked question, a card in the trash —
    then the facilitator makes the room read-only."""
    s, wid, boss = g.store, g.wid, g.boss
    tree = journey.ensure(s, wid, "at_risk", "Борис")
    tp = journey.add_touchpoint(s, tree.stage("need"), "Борис", "Реклама")
    barrier = journey.add_barrier(s, tp, "Борис", "Не видно цен", ["transparency"])
    idea = journey.add_idea(s, barrier, "Борис", "Цены на баннере")
    spare = journey.add_idea(s, barrier, "Борис", "Лишняя идея")
    journey.delete(s, spare, "Борис")
    votes.open_vote(s, wid, 3, boss)
    votes.cast(s, wid, "Борис", "barrier", barrier.id)
    maturity_ratings.rate(s, wid, "Борис", 2, 3)
    item = parking.add(s, wid, "Борис", "Когда будет доставка?")
    g.ctx.update(stage=tree.stage("need").id, tp=tp.id, barrier=barrier.id, idea=idea.id, spare=spare.id,
                 item=item.id)
    room.set_read_only(s, wid, True, boss)
    return g


def _card(g: Guarded, key: str):
    return journey.get(g.store, g.ctx[key])


def _stage(g: Guarded):
    return next(st for st in journey.load(g.store, g.wid, "at_risk").stages if st.id == g.ctx["stage"])


PARTICIPANT_WRITES: dict[str, Act] = {
    "journey.ensure": lambda g, who: journey.ensure(g.store, g.wid, "lost", who),
    "journey.add_touchpoint": lambda g, who: journey.add_touchpoint(g.store, _stage(g), who, "Сайт"),
    "journey.add_barrier": lambda g, who: journey.add_barrier(g.store, _card(g, "tp"), who, "Долго", ["speed"]),
    "journey.add_idea": lambda g, who: journey.add_idea(g.store, _card(g, "barrier"), who, "Быстрее"),
    "journey.update": lambda g, who: journey.update(g.store, _card(g, "barrier"), who, text="Цены скрыты"),
    "journey.delete": lambda g, who: journey.delete(g.store, _card(g, "idea"), who),
    "journey.restore": lambda g, who: journey.restore(g.store, g.ctx["spare"], who),
    "journey.undo_last": lambda g, who: journey.undo_last(g.store, g.wid, who),
    "votes.cast": lambda g, who: votes.cast(g.store, g.wid, "Борис", "barrier", g.ctx["barrier"], who),
    "votes.retract": lambda g, who: votes.retract(g.store, g.wid, "Борис", "barrier", g.ctx["barrier"], who),
    "maturity_ratings.rate": lambda g, who: maturity_ratings.rate(g.store, g.wid, "Борис", 1, 4, who),
    "maturity_ratings.clear": lambda g, who: maturity_ratings.clear(g.store, g.wid, "Борис", 2, who),
    "parking.add": lambda g, who: parking.add(g.store, g.wid, who, "Ещё вопрос"),
    "parking.update (text)": lambda g, who: parking.update(g.store, _item(g), who, text="Когда доставка?"),
    "parking.delete": lambda g, who: parking.delete(g.store, _item(g), who),
    # last: a template rewrites the workshop's journeys as one document (every card gets a new id)
    "journey.from_template": lambda g, who: journey.from_template(g.store, g.wid, "loyal", "retail", "ru", who),
}


def test_a_read_only_room_refuses_every_participant_write_and_lets_the_facilitator(read_only):
    g = read_only
    before = footprint(g.store)
    journeys_before = journey.stamp(g.store, g.wid), maturity_ratings.stamp(g.store, g.wid), votes.stamp(g.store, g.wid)
    for action, write in PARTICIPANT_WRITES.items():
        for who, actor in g.intruders("Борис").items():
            refused = attempt(lambda: write(g, actor), f"{action} by the {who} in a read-only room")
            assert refused.key == "error.read_only", (action, who)
    assert footprint(g.store) == before
    assert (journey.stamp(g.store, g.wid), maturity_ratings.stamp(g.store, g.wid),
            votes.stamp(g.store, g.wid)) == journeys_before
    for action, write in PARTICIPANT_WRITES.items():  # the facilitator still may (in this order)
        write(g, g.boss)
    assert votes.my_dots(g.store, g.wid, "Борис") == {g.ctx["barrier"]: 1}  # one dot cast, one retracted
    assert parking.get(g.store, g.ctx["item"]) is None  # updated, then moved to the trash
    assert journey.load(g.store, g.wid, "loyal") is not None and journey.load(g.store, g.wid, "lost") is not None


def _roadmap_item(g: Guarded) -> roadmap_items.RoadmapItem:
    return roadmap_items.add_item(g.store, g.wid, g.boss, "Обновлять цены")


@pytest.mark.parametrize("write", [
    lambda g: roadmap_items.add_item(g.store, g.wid, "Борис", "Взлом"),
    lambda g: roadmap_items.update_item(g.store, _roadmap_item(g), "Борис", owner="Борис"),
    lambda g: roadmap_kpi.add_actual(g.store, _roadmap_item(g).id, "2026-01-01", 5.0, "Борис"),
    lambda g: business_case.save_assumptions(g.store, business_case.assumptions(g.store, g.wid), "Борис",
                                             bad_experience=0.5),
    lambda g: contact_policy.save_policy(g.store, contact_policy.policy(g.store, g.wid, "lost"), "Борис",
                                         note="Взлом"),
], ids=["roadmap add", "roadmap update", "kpi actual", "business case", "contact policy"])
def test_a_read_only_room_refuses_the_roadmaps_writes_too(read_only, write):
    with pytest.raises(Forbidden) as refused:
        write(read_only)
    assert refused.value.key == "error.read_only"


# -- workshop ids --------------------------------------------------------------------------------------------------
URL_SAFE = set(string.ascii_letters + string.digits + "-_")


@pytest.mark.parametrize("make", ["workshop.create", "transfer.new_workshop_id"])
def test_workshop_ids_are_long_random_and_url_safe(tmp_path, make):
    """Workshop ids are the links to workshops: 1,000 new ones are all different, at least 22 characters of the
    URL-safe alphabet, and carry at least 96 bits (length × log2 of the alphabet they are drawn from)."""
    if make == "workshop.create":
        store = open_store(tmp_path / "ids.duckdb")
        try:
            with store.write("test") as tx:
                ids = [workshop.insert(tx, f"w{i}").id for i in range(1000)]
        finally:
            store.close()
    else:
        ids = [transfer.new_workshop_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    used = set("".join(ids))
    assert used <= URL_SAFE and all(len(i) >= 22 for i in ids)
    alphabet = set(string.ascii_letters + string.digits)  # "-" and "_" are swapped for letters: a link stays whole
    assert used <= alphabet and len(used) >= 60  # drawn from the whole alphabet, not a corner of it
    assert min(len(i) for i in ids) * math.log2(len(alphabet)) >= 96


def test_a_new_workshops_pin_is_stored_salted_and_hashed(store):
    """home.create (not only access.set_pin, see tests/test_access.py) keeps no PIN in clear and salts each one."""
    first, _ = home.create(store, "Первый", pin=PIN)
    second, _ = home.create(store, "Второй", pin=PIN)
    rows = dict(store.query("SELECT id, pin_hash || ':' || pin_salt FROM workshops"))
    (hash1, salt1), (hash2, salt2) = (rows[first.id].split(":"), rows[second.id].split(":"))
    assert PIN not in rows[first.id] and salt1 != salt2 and hash1 != hash2
    logged = store.query("SELECT coalesce(old_value::VARCHAR, '') || coalesce(new_value::VARCHAR, '') FROM change_log")
    assert not any(PIN in text or hash1 in text for (text,) in logged)


# -- in the app: a participant of one workshop never reaches another ---------------------------------------------------
def participant_app(workshop_id: str, page: str | None = None, me: str = "Борис") -> AppTest:
    """A participant's browser opening `?w=<workshop_id>&me=<me>` (no PIN entered), then `page`."""
    return app(page, me=me, w=workshop_id)


def two_workshops(db: Path, b_first: bool = False):
    """Workshops A and B of other clients, both with a PIN (as the home page makes them)."""
    store = open_store(db)
    a, _ = home.create(store, "Воркшоп Альфа", pin=PIN, client="Клиент Альфа", held_on=date(2026, 3, 1))
    b, _ = home.create(store, "Секретный проект Бета", pin=OTHER_PIN, client="Тайный клиент Бета",
                       held_on=date(2026, 9, 1) if b_first else date(2026, 2, 1))
    return store, a, b


def leaks(at: AppTest, other: workshop.Workshop) -> list[str]:
    """Every string the page drew (and the link it shows) that names `other` or holds its id."""
    shown = [text for _, text in rendered(at)] + [str(v) for v in at.query_params.values()]
    return [text for text in shown if any(secret in text for secret in (other.name, other.client, other.id))]


def mistyped(workshop_id: str) -> str:
    """The id with one character changed."""
    return ("A" if workshop_id[0] != "A" else "B") + workshop_id[1:]


def test_a_participant_of_one_workshop_sees_nothing_of_another_on_the_home_page(db):
    store, a, b = two_workshops(db)
    at = participant_app(a.id)
    assert at.title[0].value == "Воркшопы"  # the home page, opened on workshop A
    assert not leaks(at, b)
    assert at.session_state["workshop_id"] == a.id


def test_a_mistyped_link_falls_back_to_the_demo_not_to_another_workshop(db):
    store, a, b = two_workshops(db)
    wrong = mistyped(a.id)
    assert workshop.find(store, wrong) is None
    for page in (None, "pages/workshop.py", "pages/journey.py"):
        at = participant_app(wrong, page)
        assert at.session_state["workshop_id"] == "demo", page
        assert not leaks(at, b) and not leaks(at, a), page


def test_without_the_demo_a_mistyped_link_still_opens_no_other_workshop(db):
    store, a, b = two_workshops(db, b_first=True)
    workshop.delete(store, workshop.get(store, "demo"), "anyone")
    at = participant_app(mistyped(a.id), "pages/workshop.py")
    assert at.session_state["workshop_id"] != b.id
    assert not leaks(at, b)


def test_a_workshops_name_in_the_link_does_not_open_it(db):
    store, a, b = two_workshops(db)
    at = participant_app(b.name, "pages/workshop.py")
    assert at.session_state["workshop_id"] != b.id
    assert not leaks(at, b)
