"""The journey document: all journeys of a workshop as JSON without database ids (export, import, undo of an
import), and the starter templates of data/journeys/ (one file per industry, texts as {"ru", "en"} pairs).

A document is validated whole before anything is written; writing it replaces the workshop's journeys in one
transaction, logged as one change (entity `journey_document`, old and new document) so it can be undone.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from cxcore import journey_check as check
from cxcore import access, method, workshop
from cxcore.errors import JourneyError
from cxcore.journey_model import (Barrier, Idea, Journey, Stage, Touchpoint, TABLES, insert, insert_journey,
                                  new_id, read_tree)
from cxcore.segments import SEGMENTS
from cxcore.store import PROJECT_DIR, Store, Tx
from cxcore.workshop import Workshop

FORMAT = "cx-journey-studio/journeys"
VERSION = 1
ENTITY = "journey_document"
TEMPLATES_DIR = PROJECT_DIR / "data" / "journeys"


@dataclass(frozen=True)
class _Level:
    """One level of cards in the document: its fields (document key -> column) and its child list."""
    cls: type
    fields: dict[str, str]
    child: str | None = None
    sub: "_Level | None" = None


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


_IDEAS = _Level(Idea, _same("text", "impact", "effort", "author", "created_at"))
_BARRIERS = _Level(Barrier, _same("text", "expectations", "severity", "evidence", "share", "departments", "status",
                                  "author", "created_at"), "ideas", _IDEAS)
_TOUCHPOINTS = _Level(Touchpoint, _same("name", "channel", "owner_department", "author", "created_at"),
                      "barriers", _BARRIERS)
_STAGE = _same("owner_department", "goal", "actions", "thoughts", "emotion")
_KPI = {"name": "kpi_name", "current": "kpi_current", "target": "kpi_target"}
_REQUIRED = {"name", "text", "expectations"}
_DEFAULTS = {"severity": 3, "impact": 3, "effort": 3, "evidence": "assumed", "status": "open", "emotion": None,
             "share": None, "kpi_current": None, "kpi_target": None}


# -- from the database ------------------------------------------------------------------------------------
def document(journeys: tuple[Journey, ...]) -> dict[str, Any]:
    """The document of these journeys (plain JSON values, keys in a fixed order)."""
    return {"format": FORMAT, "version": VERSION, "journeys": [
        {"segment": j.segment, "stages": {s.key: _stage_doc(s) for s in j.stages}} for j in journeys]}


def _stage_doc(stage: Stage) -> dict[str, Any]:
    return {**{key: _plain(getattr(stage, col)) for key, col in _STAGE.items()},
            "kpi": {key: _plain(getattr(stage, col)) for key, col in _KPI.items()},
            "touchpoints": [_card_doc(_TOUCHPOINTS, tp) for tp in stage.touchpoints]}


def _card_doc(level: _Level, card: Any) -> dict[str, Any]:
    doc = {key: _plain(getattr(card, col)) for key, col in level.fields.items()}
    if level.child:
        doc[level.child] = [_card_doc(level.sub, child) for child in getattr(card, level.child)]
    return doc


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return check.number(value) if isinstance(value, float) else value


def export(store: Store, workshop_id: str) -> dict[str, Any]:
    return document(read_tree(store.query, workshop_id))


def dumps(doc: dict[str, Any]) -> str:
    """The document as the file holds it: the same journeys always give the same bytes."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def counts(doc: dict[str, Any]) -> dict[str, int]:
    touchpoints = [tp for j in doc["journeys"] for s in j["stages"].values() for tp in s["touchpoints"]]
    barriers = [b for tp in touchpoints for b in tp["barriers"]]
    return {"journeys": len(doc["journeys"]), "touchpoints": len(touchpoints), "barriers": len(barriers),
            "ideas": sum(len(b["ideas"]) for b in barriers)}


# -- checking a document ----------------------------------------------------------------------------------
def parse(raw: Any, now: datetime | None = None, author: str = "") -> dict[str, Any]:
    """The document checked whole and completed (defaults filled, journeys in segment order), as `document`
    would write it; JourneyError naming the first wrong field, e.g. `journeys[0].stages.choice.kpi.target`."""
    defaults = {**_DEFAULTS, "created_at": (now or datetime.now()).isoformat(timespec="seconds"), "author": author}
    _object(raw, "", ("format", "version", "journeys"))
    for key, expected in (("format", FORMAT), ("version", VERSION)):
        if raw.get(key, expected) != expected:
            raise JourneyError("journey.bad_format", field=key, value=str(raw[key]), expected=str(expected))
    if "journeys" not in raw:
        raise JourneyError("journey.missing_field", field="journeys")
    journeys, seen = [], set()
    for i, item in enumerate(_items(raw["journeys"], "journeys")):
        path = f"journeys[{i}]"
        _object(item, path, ("segment", "stages"))
        if "segment" not in item:
            raise JourneyError("journey.missing_field", field=f"{path}.segment")
        segment = check.value("segment", item["segment"], f"{path}.segment")
        if segment in seen:
            raise JourneyError("journey.duplicate_segment", field=f"{path}.segment", value=segment)
        seen.add(segment)
        stages = item.get("stages", {})
        _object(stages, f"{path}.stages", method.STAGES)
        journeys.append({"segment": segment, "stages": {
            key: _stage(key, stages.get(key, {}), f"{path}.stages.{key}", defaults) for key in method.STAGES}})
    return {"format": FORMAT, "version": VERSION,
            "journeys": sorted(journeys, key=lambda j: SEGMENTS.index(j["segment"]))}


def _stage(key: str, raw: Any, path: str, defaults: dict[str, Any]) -> dict[str, Any]:
    _object(raw, path, (*_STAGE, "kpi", "touchpoints"))
    kpi = raw.get("kpi", {})
    _object(kpi, f"{path}.kpi", tuple(_KPI))
    return {**_fields(raw, path, _STAGE, {**defaults, "owner_department": method.DEFAULT_OWNERS[key]}),
            "kpi": _fields(kpi, f"{path}.kpi", _KPI, defaults),
            "touchpoints": _cards(_TOUCHPOINTS, raw.get("touchpoints", []), f"{path}.touchpoints", defaults)}


def _cards(level: _Level, raw: Any, path: str, defaults: dict[str, Any]) -> list[dict[str, Any]]:
    cards = []
    for i, item in enumerate(_items(raw, path)):
        here = f"{path}[{i}]"
        _object(item, here, (*level.fields, *([level.child] if level.child else [])))
        card = _fields(item, here, level.fields, defaults)
        if level.child:
            card[level.child] = _cards(level.sub, item.get(level.child, []), f"{here}.{level.child}", defaults)
        cards.append(card)
    return cards


def _fields(raw: dict[str, Any], path: str, fields: dict[str, str], defaults: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, column in fields.items():
        if key in raw:
            out[key] = check.value(column, raw[key], f"{path}.{key}")
        elif column in _REQUIRED:
            raise JourneyError("journey.missing_field", field=f"{path}.{key}")
        else:
            out[key] = [] if column == "departments" else defaults.get(column, "")
    return out


def _object(raw: Any, path: str, allowed: tuple[str, ...]) -> None:
    if not isinstance(raw, dict):
        raise JourneyError("journey.not_object", field=path or "document")
    for key in raw:
        if key not in allowed:
            raise JourneyError("journey.unknown_field", field=f"{path}.{key}" if path else str(key))


def _items(raw: Any, path: str) -> list[Any]:
    if not isinstance(raw, list):
        raise JourneyError("journey.not_list", field=path)
    return raw


# -- writing a document -----------------------------------------------------------------------------------
def _replace(tx: Tx, workshop_id: str, action: str, make: Callable[[dict[str, Any]], dict[str, Any]]
             ) -> dict[str, Any]:
    """Replace the workshop's journeys by `make(current document)`, logged as one change; returns the new one."""
    old = document(read_tree(tx.execute, workshop_id))
    new = make(old)
    for table in reversed(TABLES):
        tx.execute(f"DELETE FROM {table} WHERE workshop_id = ?", [workshop_id])
    for journey in new["journeys"]:
        stages = {key: {**{col: stage[k] for k, col in _STAGE.items()},
                        **{col: stage["kpi"][k] for k, col in _KPI.items()}}
                  for key, stage in journey["stages"].items()}
        journey_id, stage_ids = insert_journey(tx, workshop_id, journey["segment"], stages)
        for key, stage in journey["stages"].items():
            _insert_cards(tx, _TOUCHPOINTS, stage["touchpoints"], stage_ids[key],
                          {"workshop_id": workshop_id, "journey_id": journey_id})
    tx.log(ENTITY, workshop_id, action, workshop_id=workshop_id, old=old, new=new)
    return new


def _insert_cards(tx: Tx, level: _Level, cards: list[dict[str, Any]], parent_id: str, owner: dict[str, str]) -> None:
    for position, card in enumerate(cards):
        card_id = new_id()
        insert(tx, level.cls.table, {"id": card_id, **owner, level.cls.parent: parent_id, "position": position,
                                     **{col: card[key] for key, col in level.fields.items()}})
        if level.child:
            _insert_cards(tx, level.sub, card[level.child], card_id, owner)


def import_document(store: Store, workshop_name: str, raw: Any, actor: str) -> tuple[Workshop, dict[str, Any]]:
    """Replace the journeys of the named workshop (created if missing) by the document `raw`, checked whole
    first: a wrong document changes nothing. Returns the workshop and the document as written."""
    new = parse(raw)
    found = workshop.find(store, workshop_name)
    with store.write(actor) as tx:
        target = found or workshop.insert(tx, workshop_name)
        _replace(tx, target.id, "import", lambda old: new)
    return target, new


def undo_document(store: Store, workshop_id: str, old: dict[str, Any], new: dict[str, Any], actor: str) -> bool:
    """Put back the document `old` if the journeys still read as `new` (nothing changed since); else False."""
    with store.write(actor) as tx:
        if document(read_tree(tx.execute, workshop_id)) != new:
            return False
        _replace(tx, workshop_id, "undo", lambda current: old)
    return True


def read_file(path: Path | str) -> Any:
    """The JSON of a document file (not yet checked)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JourneyError("journey.no_file", path=str(path)) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise JourneyError("journey.not_json", path=str(path), detail=str(error).splitlines()[0]) from None


# -- templates --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Template:
    key: str
    name_ru: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ru


def templates() -> list[Template]:
    """The starter journeys of data/journeys/, by key."""
    found = []
    for path in sorted(TEMPLATES_DIR.glob("*.json")):
        names = json.loads(path.read_text(encoding="utf-8"))["name"]
        found.append(Template(path.stem, names["ru"], names["en"]))
    return found


def template_stages(industry: str, lang: str) -> dict[str, Any]:
    """The stages of a template in one language, in the document's shape."""
    keys = [t.key for t in templates()]
    if industry not in keys:
        raise JourneyError("journey.no_template", industry=industry, templates=", ".join(keys))
    data = json.loads((TEMPLATES_DIR / f"{industry}.json").read_text(encoding="utf-8"))
    return _localise(data["stages"], lang)


def _localise(value: Any, lang: str) -> Any:
    if isinstance(value, dict):
        if set(value) == {"ru", "en"}:
            return value[lang]
        return {key: _localise(item, lang) for key, item in value.items()}
    if isinstance(value, list):
        return [_localise(item, lang) for item in value]
    return value


def from_template(store: Store, workshop_id: str, segment: str, industry: str, lang: str, actor: str) -> None:
    """Make the segment's journey the template's (replacing it if there is one), as one undoable change."""
    workshop.get(store, workshop_id)
    access.require_writer(store, actor, workshop_id)
    segment = check.value("segment", segment)
    stages = template_stages(industry, lang)

    def make(old: dict[str, Any]) -> dict[str, Any]:
        kept = [j for j in old["journeys"] if j["segment"] != segment]
        return parse({**old, "journeys": [*kept, {"segment": segment, "stages": stages}]}, author=actor)

    with store.write(actor) as tx:
        _replace(tx, workshop_id, "template", make)
