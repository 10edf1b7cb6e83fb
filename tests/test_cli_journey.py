"""`python -m cxcore journey export|import`: the journey document through the command line, checked through
the library."""
from __future__ import annotations

import json

from cxcore import journey, journey_io, workshop
from cxcore.store import PROJECT_DIR, open_store
from tests.conftest import run_cli

DEMO_JOURNEY = PROJECT_DIR / "data" / "demo_journey.json"


def test_import_creates_the_workshop_and_export_gives_the_same_bytes(tmp_path) -> None:
    db, out = tmp_path / "studio.duckdb", tmp_path / "out.json"
    done = run_cli("journey", "import", "--db", str(db), "--workshop", "Дом и Техника", str(DEMO_JOURNEY))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"workshop": "Дом и Техника", "journeys": 1, "touchpoints": 25,
                                       "barriers": 26, "ideas": 39}
    done = run_cli("journey", "export", "--db", str(db), "--workshop", "Дом и Техника", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["barriers"] == 26
    assert out.read_bytes() == DEMO_JOURNEY.read_bytes()
    store = open_store(db)
    try:
        found = workshop.by_name(store, "Дом и Техника")
        j = journey.load(store, found.id, "at_risk")
        assert (len(j.touchpoints), len(j.barriers), len(j.ideas)) == (25, 26, 39)
        undone = journey.undo_last(store, found.id, "cli")  # the import was one change, by "cli"
        assert undone.action == "import" and journey.journeys(store, found.id) == ()
    finally:
        store.close()


def test_an_invalid_document_exits_2_with_one_line_and_changes_nothing(tmp_path) -> None:
    db, bad = tmp_path / "studio.duckdb", tmp_path / "bad.json"
    assert run_cli("journey", "import", "--db", str(db), "--workshop", "W", str(DEMO_JOURNEY)).returncode == 0
    doc = json.loads(DEMO_JOURNEY.read_text(encoding="utf-8"))
    doc["journeys"][0]["stages"]["choice"]["touchpoints"][1]["barriers"][0]["severity"] = 9
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = run_cli("journey", "import", "--db", str(db), "--workshop", "W", str(bad))
    assert done.returncode == 2
    assert done.stderr == ("error: journeys[0].stages.choice.touchpoints[1].barriers[0].severity: "
                           "must be an integer 1–5\n")
    store = open_store(db)
    try:
        assert journey_io.dumps(journey_io.export(store, workshop.by_name(store, "W").id)) == \
            DEMO_JOURNEY.read_text(encoding="utf-8")
    finally:
        store.close()


def test_missing_files_and_workshops_are_one_line_errors(tmp_path) -> None:
    db = tmp_path / "studio.duckdb"
    done = run_cli("journey", "import", "--db", str(db), "--workshop", "W", str(tmp_path / "none.json"))
    assert (done.returncode, done.stderr.count("\n")) == (2, 1) and "File not found" in done.stderr
    (tmp_path / "text.json").write_text("not json", encoding="utf-8")
    done = run_cli("journey", "import", "--db", str(db), "--workshop", "W", str(tmp_path / "text.json"))
    assert (done.returncode, done.stderr.count("\n")) == (2, 1) and "is not JSON" in done.stderr
    done = run_cli("journey", "export", "--db", str(db), "--workshop", "nobody", "--out", str(tmp_path / "o.json"))
    assert (done.returncode, done.stderr) == (2, "error: Workshop “nobody” not found.\n")
    assert not (tmp_path / "o.json").exists()
    store = open_store(db)
    try:
        assert workshop.find(store, "W") is None
    finally:
        store.close()
