"""The journey document: byte-for-byte round trips, wrong documents refused whole, import as one undoable change,
and the starter templates in both languages."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from cxcore import journey, journey_io, method, workshop
from cxcore.errors import ConflictError, JourneyError
from cxcore.journey_model import walk
from cxcore.store import PROJECT_DIR, Store

DEMO_JOURNEY = PROJECT_DIR / "data" / "demo_journey.json"


def build(store: Store, name: str = "Источник") -> str:
    """A workshop with two journeys written through the API (text with quotes, fractions, empty fields)."""
    w = workshop.create(store, name)
    lost = journey.ensure(store, w.id, "lost", "anna")
    j = journey.ensure(store, w.id, "at_risk", "anna")
    journey.update(store, j.stage("receipt"), "anna", goal="Получить «вовремя»", emotion=-2, kpi_name="OTD, %",
                   kpi_current=83.5, kpi_target=95)
    journey.update(store, lost.stage("need"), "boris", thoughts="«Зачем?»\nВторая строка")
    courier = journey.add_touchpoint(store, j.stage("receipt"), "anna", "Курьер", "courier", "Логистика")
    sms = journey.add_touchpoint(store, j.stage("receipt"), "boris", "SMS о статусе", "sms")
    late = journey.add_barrier(store, courier, "boris", "Привезли, НО в 17:00 \"без звонка\"", ["promises", "comfort"],
                               severity=5, evidence="data", share=0.17, departments=["sales", "Логистика"])
    journey.add_barrier(store, sms, "vera", "Статус есть, НО непонятный", ["transparency"], share=1)
    journey.add_idea(store, late, "anna", "Окно в 1 час", impact=5, effort=3)
    journey.add_idea(store, late, "vera", "SMS при опоздании", impact=4, effort=1)
    journey.delete(store, journey.add_idea(store, late, "vera", "Удалённая идея"), "vera")  # the trash stays home
    return w.id


def journey_rows(store: Store) -> int:
    return store.query_one("SELECT count(*) FROM change_log WHERE entity LIKE 'journey%' OR entity IN "
                           "('touchpoints', 'barriers', 'ideas')")[0]


# -- export and round trip --------------------------------------------------------------------------------------
def test_export_holds_the_journeys_in_method_order_without_database_ids(store: Store) -> None:
    workshop_id = build(store)
    doc = journey_io.export(store, workshop_id)
    text = journey_io.dumps(doc)
    assert [j["segment"] for j in doc["journeys"]] == ["at_risk", "lost"]  # segment order, not creation order
    at_risk = doc["journeys"][0]["stages"]
    assert list(at_risk) == list(method.STAGES)
    receipt = at_risk["receipt"]
    assert receipt["kpi"] == {"name": "OTD, %", "current": 83.5, "target": 95}
    assert (receipt["goal"], receipt["emotion"], receipt["owner_department"]) == ("Получить «вовремя»", -2, "sales")
    [courier, sms] = receipt["touchpoints"]
    [late] = courier["barriers"]
    assert list(late) == ["text", "expectations", "severity", "evidence", "share", "departments", "status", "author",
                          "created_at", "ideas"]
    assert (late["text"], late["expectations"], late["departments"], late["share"]) == (
        "Привезли, НО в 17:00 \"без звонка\"", ["promises", "comfort"], ["sales", "Логистика"], 0.17)
    assert [i["text"] for i in late["ideas"]] == ["Окно в 1 час", "SMS при опоздании"]
    assert sms["barriers"][0]["share"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", late["created_at"])
    ids = {c.id for j in journey.journeys(store, workshop_id) for c in walk(j)}
    assert not any(card_id in text for card_id in ids) and workshop_id not in text
    assert "Привезли" in text and text.endswith("}\n") and '\n  "journeys": [' in text


def test_export_import_export_gives_the_same_bytes(store: Store) -> None:
    source = build(store)
    first = journey_io.dumps(journey_io.export(store, source))
    target, _ = journey_io.import_document(store, "Копия", json.loads(first), "cli")
    assert target.id != source and workshop.by_name(store, "Копия") == target
    assert journey_io.dumps(journey_io.export(store, target.id)) == first
    again, _ = journey_io.import_document(store, "Копия", json.loads(first), "cli")  # into itself: no drift
    assert again == target and journey_io.dumps(journey_io.export(store, target.id)) == first


def test_the_demo_journey_file_is_what_its_import_exports(store: Store) -> None:
    text = DEMO_JOURNEY.read_text(encoding="utf-8")
    target, doc = journey_io.import_document(store, "Дом и Техника", json.loads(text), "cli")
    assert journey_io.dumps(journey_io.export(store, target.id)) == text
    assert journey_io.counts(doc) == {"journeys": 1, "touchpoints": 25, "barriers": 26, "ideas": 39}


def test_missing_optional_fields_take_their_defaults(store: Store) -> None:
    raw = {"journeys": [{"segment": "loyal", "stages": {"use": {"touchpoints": [
        {"name": "Приложение", "barriers": [{"text": "НО медленно", "expectations": ["speed"],
                                             "ideas": [{"text": "Ускорить"}]}]}]}}}]}
    target, doc = journey_io.import_document(store, "W", raw, "cli")
    j = journey.load(store, target.id, "loyal")
    [bar] = j.barriers
    assert (bar.severity, bar.evidence, bar.share, bar.departments, bar.status, bar.author) == (
        3, "assumed", None, (), "open", "")
    assert (j.ideas[0].impact, j.ideas[0].effort) == (3, 3)
    assert j.stage("use").owner_department == "service" and j.stage("need").touchpoints == ()
    assert abs((bar.created_at - datetime.now()).total_seconds()) < 60


# -- wrong documents ------------------------------------------------------------------------------------------------
def _set(path: str, value):
    def change(doc: dict) -> None:
        *head, last = re.findall(r"[^.\[\]]+", path)
        node = doc
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is DELETE:
            del node[int(last) if last.isdigit() else last]
        elif last.isdigit() and int(last) == len(node):
            node.append(value)
        else:
            node[int(last) if last.isdigit() else last] = value
    return change


DELETE = object()
BAR = "journeys[0].stages.choice.touchpoints[1].barriers[0]"


@pytest.mark.parametrize("path, value, message", [
    (f"{BAR}.severity", 7, f"{BAR}.severity: must be an integer 1–5"),
    (f"{BAR}.severity", "5", f"{BAR}.severity: must be an integer 1–5"),
    (f"{BAR}.expectations", [], f"{BAR}.expectations: name at least one of the 9 expectations"),
    (f"{BAR}.expectations", ["support", "love"], f"{BAR}.expectations[1]: “love” is not one of: need, promises"),
    (f"{BAR}.share", 2, f"{BAR}.share: must be a number from 0 to 1"),
    (f"{BAR}.evidence", "gut", f"{BAR}.evidence: “gut” is not one of: data, customers, assumed"),
    (f"{BAR}.status", "closed", f"{BAR}.status: “closed” is not one of: open, in_progress, solved"),
    (f"{BAR}.text", " ", f"{BAR}.text: must not be empty"),
    (f"{BAR}.text", DELETE, f"{BAR}.text: required field missing"),
    (f"{BAR}.severty", 3, f"{BAR}.severty: unknown field"),
    (f"{BAR}.created_at", "08.12.2025", f"{BAR}.created_at: must be a date and time like 2025-12-08T10:15:00"),
    (f"{BAR}.ideas[0].impact", 0, f"{BAR}.ideas[0].impact: must be an integer 1–5"),
    (f"{BAR}.ideas[0].effort", 2.5, f"{BAR}.ideas[0].effort: must be an integer 1–5"),
    (f"{BAR}.ideas", {}, f"{BAR}.ideas: must be a list"),
    ("journeys[0].stages.choice.touchpoints[1].name", "", "journeys[0].stages.choice.touchpoints[1].name: must not"),
    ("journeys[0].stages.use.emotion", 5, "journeys[0].stages.use.emotion: must be an integer from −2 to 2"),
    ("journeys[0].stages.use.kpi.target", "95%", "journeys[0].stages.use.kpi.target: must be a number"),
    ("journeys[0].stages.delivery", {}, "journeys[0].stages.delivery: unknown field"),
    ("journeys[0].stages.use", [], "journeys[0].stages.use: must be an object"),
    ("journeys[0].segment", "vip", "journeys[0].segment: “vip” is not one of: champions"),
    ("journeys[0].segment", DELETE, "journeys[0].segment: required field missing"),
    ("journeys[1]", {"segment": "at_risk"}, "journeys[1].segment: a second journey for segment “at_risk”"),
    ("format", "something-else", "format: “something-else”, expected cx-journey-studio/journeys"),
    ("version", 2, "version: “2”, expected 1"),
    ("journeys", DELETE, "journeys: required field missing"),
    ("extra", 1, "extra: unknown field"),
])
def test_a_wrong_document_is_refused_whole_naming_the_field(store: Store, path, value, message) -> None:
    target, _ = journey_io.import_document(store, "W", json.loads(DEMO_JOURNEY.read_text(encoding="utf-8")), "demo")
    before, rows = journey_io.dumps(journey_io.export(store, target.id)), journey_rows(store)
    doc = json.loads(DEMO_JOURNEY.read_text(encoding="utf-8"))
    _set(path, value)(doc)
    with pytest.raises(JourneyError) as refused:
        journey_io.import_document(store, "W", doc, "cli")
    assert refused.value.message("en").startswith(message)
    field = message.split(": ")[0]
    assert refused.value.params["field"] == field and refused.value.message("ru").startswith(field + ": ")
    assert journey_io.dumps(journey_io.export(store, target.id)) == before and journey_rows(store) == rows


def test_a_wrong_document_does_not_create_the_workshop(store: Store) -> None:
    with pytest.raises(JourneyError):
        journey_io.import_document(store, "Новый", {"journeys": [{"segment": "loyal", "stages": []}]}, "cli")
    assert workshop.find(store, "Новый") is None
    with pytest.raises(JourneyError, match="document: must be an object"):
        journey_io.import_document(store, "Новый", [], "cli")


def test_reading_a_file_that_is_missing_or_not_json(tmp_path) -> None:
    with pytest.raises(JourneyError, match="File not found"):
        journey_io.read_file(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(JourneyError, match="is not JSON"):
        journey_io.read_file(tmp_path / "bad.json")


# -- import as one change ----------------------------------------------------------------------------------------
def test_import_replaces_the_journeys_as_one_change_that_undo_reverts(store: Store) -> None:
    workshop_id = build(store)
    name = workshop.get(store, workshop_id).name
    before = journey_io.dumps(journey_io.export(store, workshop_id))
    rows = journey_rows(store)
    journey_io.import_document(store, name, json.loads(DEMO_JOURNEY.read_text(encoding="utf-8")), "facilitator")
    assert journey_rows(store) == rows + 1
    [change] = store.query_dicts("SELECT * FROM change_log WHERE entity = 'journey_document'")
    assert (change["action"], change["actor"], change["entity_id"]) == ("import", "facilitator", workshop_id)
    assert journey_io.dumps(json.loads(change["old_value"])) == before
    assert [j.segment for j in journey.journeys(store, workshop_id)] == ["at_risk"]
    assert journey.undo_last(store, workshop_id, "anna") is None  # changes before an import cannot be undone
    undone = journey.undo_last(store, workshop_id, "facilitator")
    assert (undone.entity, undone.action) == ("journey_document", "import")
    assert journey_io.dumps(journey_io.export(store, workshop_id)) == before
    assert journey.undo_last(store, workshop_id, "facilitator") is None


def test_undo_of_an_import_is_refused_once_someone_edited_the_journeys(store: Store) -> None:
    target, _ = journey_io.import_document(store, "W", json.loads(DEMO_JOURNEY.read_text(encoding="utf-8")), "cli")
    j = journey.load(store, target.id, "at_risk")
    journey.update(store, j.barriers[0], "boris", severity=1)
    with pytest.raises(ConflictError):
        journey.undo_last(store, target.id, "cli")
    assert journey.load(store, target.id, "at_risk").barriers[0].severity == 1
    assert journey.undo_last(store, target.id, "cli") is None  # refused once, then passed over


# -- templates -------------------------------------------------------------------------------------------------------
def test_templates_are_listed_with_names_in_both_languages() -> None:
    found = {t.key: (t.name("ru"), t.name("en")) for t in journey.templates()}
    assert set(found) == {"retail", "bank", "telecom", "b2b"}
    assert found["retail"] == ("Розничная торговля", "Retail")
    assert found["b2b"][1] == "B2B services"


@pytest.mark.parametrize("industry", ["retail", "bank", "telecom", "b2b"])
def test_every_template_loads_in_both_languages_with_touchpoints_on_every_stage(store: Store, industry) -> None:
    w = workshop.create(store, "W")
    texts = {}
    for lang in ("ru", "en"):
        journey.from_template(store, w.id, "loyal", industry, lang, "anna")
        j = journey.load(store, w.id, "loyal")
        assert all(len(s.touchpoints) >= 2 and s.goal and s.kpi_name for s in j.stages)
        assert j.barriers and all(b.text and b.expectations for b in j.barriers)
        assert {c.author for c in (*j.touchpoints, *j.barriers)} == {"anna"}
        texts[lang] = " ".join([*(s.goal for s in j.stages), *(tp.name for tp in j.touchpoints),
                                *(b.text for b in j.barriers)])
    assert re.search("[а-яё]", texts["ru"]) and not re.search("[а-яА-ЯёЁ]", texts["en"])


def test_a_template_replaces_only_its_segments_journey_and_can_be_undone(store: Store) -> None:
    workshop_id = build(store)
    lost_before = journey_io.export(store, workshop_id)["journeys"][1]
    before = journey_io.dumps(journey_io.export(store, workshop_id))
    journey.from_template(store, workshop_id, "at_risk", "bank", "en", "anna")
    doc = journey_io.export(store, workshop_id)
    assert doc["journeys"][1] == lost_before
    assert doc["journeys"][0]["stages"]["choice"]["touchpoints"][0]["name"] == "Calculator on the website"
    journey.undo_last(store, workshop_id, "anna")
    assert journey_io.dumps(journey_io.export(store, workshop_id)) == before
    with pytest.raises(JourneyError, match="No template “shop”. Templates: b2b, bank, retail, telecom"):
        journey.from_template(store, workshop_id, "at_risk", "shop", "ru", "anna")


def test_template_files_are_valid_pairs(store: Store) -> None:
    for path in sorted((PROJECT_DIR / "data" / "journeys").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        pairs = re.findall(r'\{\s*"ru": "[^"]*",\s*"en": "[^"]*"\s*\}', path.read_text(encoding="utf-8"))
        assert set(raw) == {"name", "stages"} and len(pairs) > 50
        assert journey_io.template_stages(path.stem, "en") != journey_io.template_stages(path.stem, "ru")
