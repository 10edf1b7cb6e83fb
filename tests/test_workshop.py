"""Workshops: create, edit with versions, soft delete and restore, and many people saving at once."""
from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from cxcore import workshop
from cxcore.errors import ConflictError, NotFound
from cxcore.store import Store
from cxcore.workshop import Workshop


def history(store: Store, workshop_id: str) -> list[dict]:
    return store.query_dicts("SELECT * FROM change_log WHERE entity = 'workshops' AND entity_id = ? ORDER BY id",
                             [workshop_id])


def test_create_stores_the_details_and_logs_them(store: Store) -> None:
    made = workshop.create(store, "Спринт CX", actor="anna", client="Дом и Техника", industry="Retail",
                           held_on=date(2025, 12, 8), language="en", facilitator="Анна")
    assert isinstance(made, Workshop) and made.version == 1
    assert workshop.get(store, made.id) == made
    assert (made.name, made.client, made.held_on, made.language, made.facilitator) == (
        "Спринт CX", "Дом и Техника", date(2025, 12, 8), "en", "Анна")
    [created] = history(store, made.id)
    assert (created["actor"], created["action"], created["version"], created["workshop_id"]) == (
        "anna", "create", 1, made.id)
    assert created["old_value"] is None
    new = json.loads(created["new_value"])
    assert (new["id"], new["client"], new["held_on"], new["facilitator"], new["version"]) == (
        made.id, "Дом и Техника", "2025-12-08", "Анна", 1)


def test_create_refuses_an_unknown_language(store: Store) -> None:
    with pytest.raises(ValueError):
        workshop.create(store, "X", language="de")
    assert workshop.all_workshops(store) == []
    assert store.query_one("SELECT count(*) FROM change_log") == (0,)


def test_lookups(store: Store) -> None:
    later = workshop.create(store, "Later", held_on=date(2025, 6, 1))
    undated = workshop.create(store, "Undated")
    earlier = workshop.create(store, "Earlier", held_on=date(2024, 6, 1))
    assert [w.name for w in workshop.all_workshops(store)] == ["Later", "Earlier", "Undated"]
    assert workshop.find(store, "Undated") == undated
    assert workshop.find(store, earlier.id) == earlier
    assert workshop.by_name(store, "Later") == later
    assert workshop.find(store, "nobody") is None
    with pytest.raises(NotFound):
        workshop.by_name(store, "nobody")
    with pytest.raises(NotFound):
        workshop.get(store, "nobody")


def test_update_with_the_read_version_applies(store: Store) -> None:
    made = workshop.create(store, "W", facilitator="Анна", client="Old client")
    changed = workshop.update(store, made, "boris", facilitator="Борис", held_on=date(2026, 1, 15))
    assert (changed.facilitator, changed.held_on, changed.client, changed.version) == (
        "Борис", date(2026, 1, 15), "Old client", 2)
    assert workshop.get(store, made.id) == changed
    update = history(store, made.id)[-1]
    assert (update["actor"], update["action"], update["version"], update["workshop_id"]) == (
        "boris", "update", 2, made.id)
    assert json.loads(update["old_value"]) == {"facilitator": "Анна", "held_on": None}
    assert json.loads(update["new_value"]) == {"facilitator": "Борис", "held_on": "2026-01-15"}


def test_stale_save_is_refused_and_shows_the_other_persons_text(store: Store) -> None:
    made = workshop.create(store, "W", facilitator="")
    alice_form, bob_form = workshop.get(store, made.id), workshop.get(store, made.id)
    saved = workshop.update(store, alice_form, "alice", facilitator="Alice's text")
    with pytest.raises(ConflictError) as refused:
        workshop.update(store, bob_form, "bob", facilitator="Bob's text")
    assert refused.value.current["facilitator"] == "Alice's text"
    assert refused.value.current["version"] == 2
    assert "version 1, current 2" in refused.value.message("en")
    assert workshop.get(store, made.id) == saved
    assert [r["actor"] for r in history(store, made.id)] == ["system", "alice"]
    retried = workshop.update(store, Workshop.from_record(refused.value.current), "bob", facilitator="Bob's text")
    assert (retried.facilitator, retried.version) == ("Bob's text", 3)


def test_update_refuses_fields_that_are_not_editable(store: Store) -> None:
    made = workshop.create(store, "W")
    for field in ("version", "id", "deleted_at"):
        with pytest.raises(ValueError):
            workshop.update(store, made, "mallory", **{field: None})
    assert workshop.get(store, made.id) == made


def test_deleted_workshop_is_hidden_and_restorable(store: Store) -> None:
    kept = workshop.create(store, "Kept")
    gone = workshop.create(store, "Gone", facilitator="Анна")
    workshop.delete(store, gone, "anna")
    assert workshop.all_workshops(store) == [kept]
    with pytest.raises(NotFound):
        workshop.get(store, gone.id)
    assert workshop.find(store, "Gone") is None
    with pytest.raises(NotFound):  # nor can it be edited or deleted again
        workshop.update(store, gone, "anna", facilitator="x")
    with pytest.raises(NotFound):
        workshop.delete(store, gone, "anna")

    workshop.restore(store, gone.id, "boris")
    back = workshop.get(store, gone.id)
    assert back.version == 3 > gone.version
    assert (back.name, back.facilitator) == ("Gone", "Анна")
    assert {w.id for w in workshop.all_workshops(store)} == {kept.id, gone.id}
    with pytest.raises(ConflictError):  # the form read before the delete is stale now
        workshop.update(store, gone, "anna", facilitator="x")

    create, delete, restore = history(store, gone.id)
    assert (delete["actor"], delete["action"], delete["version"]) == ("anna", "delete", 2)
    assert json.loads(delete["old_value"])["deleted_at"] is None
    assert json.loads(delete["new_value"])["deleted_at"] is not None
    assert (restore["actor"], restore["action"], restore["version"]) == ("boris", "restore", 3)
    assert json.loads(restore["old_value"])["deleted_at"] is not None
    assert json.loads(restore["new_value"])["deleted_at"] is None
    assert json.loads(restore["new_value"])["facilitator"] == "Анна"


def test_delete_with_a_stale_version_is_refused(store: Store) -> None:
    made = workshop.create(store, "W")
    edited = workshop.update(store, made, "alice", client="New")
    with pytest.raises(ConflictError) as refused:
        workshop.delete(store, made, "bob")
    assert refused.value.current["client"] == "New"
    assert workshop.get(store, made.id) == edited


def test_restoring_a_live_workshop_is_refused(store: Store) -> None:
    made = workshop.create(store, "W")
    with pytest.raises(NotFound):
        workshop.restore(store, made.id, "anna")
    with pytest.raises(NotFound):
        workshop.restore(store, "nobody", "anna")
    assert workshop.get(store, made.id).version == 1


def test_many_people_saving_the_same_workshop(store: Store) -> None:
    """Each save either lands or is refused as stale; none is lost, none fails otherwise."""
    made = workshop.create(store, "Crowded", facilitator="start")
    people, attempts = 8, 25
    applied: list[str] = []
    refused: list[tuple[str, int, int]] = []  # (why, version the form was read at, version the refusal showed)
    errors: list[BaseException] = []
    start = threading.Barrier(people)

    def save(person: int) -> None:
        start.wait()
        for attempt in range(attempts):
            text = f"p{person}-{attempt}"
            form = workshop.get(store, made.id)
            try:
                workshop.update(store, form, f"p{person}", facilitator=text)
                applied.append(text)
            except ConflictError as conflict:
                refused.append((conflict.key, form.version, conflict.current.get("version", 0)))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    workers = [threading.Thread(target=save, args=(n,)) for n in range(people)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert errors == []
    assert len(applied) + len(refused) == people * attempts
    assert {why for why, _, _ in refused} <= {"error.stale_version"}  # never DuckDB's own write conflict
    assert all(shown > read for _, read, shown in refused)
    final = workshop.get(store, made.id)
    assert len(applied) == final.version - 1 >= 1
    updates = [r for r in history(store, made.id) if r["action"] == "update"]
    assert len(updates) == len(applied)
    saved = [json.loads(r["new_value"])["facilitator"] for r in updates]
    assert sorted(saved) == sorted(applied)
    assert [json.loads(r["old_value"])["facilitator"] for r in updates] == ["start", *saved[:-1]]  # a chain
    assert [r["version"] for r in updates] == list(range(2, final.version + 1))
    assert final.facilitator == saved[-1]
