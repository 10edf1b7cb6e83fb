"""The workbook back from the meeting: what the owners changed on the Roadmap and KPI tracking sheets.

`diff` reads an uploaded workbook and compares it with the store: a list of plain `Change` records (sheet, row,
item id, field, old, new) for the page to show, and the rows it cannot use as `Rejected` (sheet, row, reason in
RU/EN): an id that is no item's, a date that is not a date, a status not in the list, a number that is not a
number, a formula, or a row whose item changed in the app since the export (a conflict: never overwritten).
Nothing is guessed: a row without its hidden id is not matched by its title. `apply` then writes the changes
through the versioned store (`roadmap.update_item`, `roadmap.add_actual`), row by row, checking the versions
again; a row that lost a race meanwhile is reported as a conflict too.
"""
from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from cxcore import access, method, roadmap
from cxcore import workbook_cells as cv
from cxcore.errors import ConflictError, CxError, NotFound, RoadmapError
from cxcore.i18n import LANGUAGES, fmt_date, fmt_number, t
from cxcore.store import Store
from cxcore.workbook import FORMAT, META
from cxcore.workbook_roadmap import CHOICE_KINDS, KPI, ROADMAP, Column, choice_name

ROADMAP_FIELDS = tuple(c.key for c in ROADMAP if c.editable)  # owner ... status: fields of the item
TEXT_FIELDS = ("owner", "department", "kpi_name")  # empty text: ""


class WorkbookError(CxError):
    """An uploaded file that is not this workshop's workbook, or whose rows cannot be matched at all."""


@dataclass(frozen=True)
class Change:
    """One value to write: an item's field (`field` a RoadmapItem field) or a KPI value (`field` "actual", on
    `measured_on`; `old` None for a new date). `version`: the version exported (the item's, or the value's)."""
    sheet: str
    row: int
    item_id: str
    field: str
    old: Any
    new: Any
    version: int | None = None
    measured_on: date | None = None

    def texts(self, lang: str) -> tuple[str, str, str]:
        """What the page shows: the column's title, the old and the new value as the language writes them."""
        return t(f"workbook.col.{self.field}", lang), _shown(self.field, self.old, lang), _shown(self.field, self.new,
                                                                                                 lang)

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "item_id": self.item_id, "field": self.field,
                "old": cv.jsonable(self.old), "new": cv.jsonable(self.new),
                **({"measured_on": self.measured_on.isoformat()} if self.measured_on else {})}


def _shown(name: str, value: Any, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if name in CHOICE_KINDS:
        return choice_name(name, value, lang)
    if name == "department":
        return method.name("department", value, lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    if isinstance(value, (int, float)):
        return fmt_number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


@dataclass(frozen=True)
class Rejected:
    """A row not applied, and why (one or more reasons, translation keys with their values)."""
    sheet: str
    row: int
    reasons: tuple[tuple[str, dict[str, Any]], ...]
    item_id: str | None = None

    def reason(self, lang: str) -> str:
        return "; ".join(t(key, lang, **params) for key, params in self.reasons)

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "reason": self.reason(lang)}


@dataclass(frozen=True)
class Diff:
    """What an uploaded workbook would change. `unchanged`: rows matched to an item or value that change nothing."""
    workshop_id: str
    lang: str  # the workbook's language (its sheet names and headers)
    changes: tuple[Change, ...]
    rejected: tuple[Rejected, ...]
    unchanged: int

    @property
    def changed_rows(self) -> int:
        return len({(c.sheet, c.row) for c in self.changes})

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"changed": self.changed_rows, "unchanged": self.unchanged,
                "rejected": [r.to_json(lang or self.lang) for r in self.rejected],
                "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class Applied:
    """What `apply` did: rows written, rows that needed nothing, rows refused (those of the diff and those that
    lost a race since)."""
    changed: int
    unchanged: int
    rejected: tuple[Rejected, ...]
    lang: str = "ru"

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"changed": self.changed, "unchanged": self.unchanged,
                "rejected": [r.to_json(lang or self.lang) for r in self.rejected]}


# -- reading the file ---------------------------------------------------------------------------------------------
def load(source: bytes | Path | str | BinaryIO):
    """The uploaded file as an openpyxl workbook (formulas kept as formulas, so they can be refused)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        return load_workbook(source, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise WorkbookError("workbook.import.not_workbook", detail=detail) from None


def _meta(book) -> dict[str, Any]:
    if META not in book.sheetnames:
        raise WorkbookError("workbook.import.not_workbook", detail=f"no sheet {META}")
    found = {str(row[0]): row[1] for row in book[META].iter_rows(values_only=True) if row and row[0]}
    if found.get("format") != FORMAT:
        raise WorkbookError("workbook.import.not_workbook", detail=f"format {found.get('format')!r}")
    return found


def _sheet(book, meta: dict[str, Any], key: str):
    title = meta.get(f"sheet.{key}")
    if title not in book.sheetnames:
        raise WorkbookError("workbook.import.no_sheet", sheet=str(title))
    return book[title]


def _positions(ws, columns: tuple[Column, ...], wanted: Iterable[str]) -> dict[str, int]:
    """Header text (either language) -> column key, for the columns `wanted` (all must be there)."""
    titles = {t(f"workbook.col.{c.key}", lang).casefold(): c.key for c in columns for lang in LANGUAGES}
    found: dict[str, int] = {}
    for cell in ws[1]:
        key = titles.get(str(cell.value).strip().casefold()) if isinstance(cell.value, str) else None
        if key and key not in found:
            found[key] = cell.column
    for key in wanted:
        if key not in found:
            raise WorkbookError("workbook.import.no_column", sheet=ws.title, column=t(f"workbook.col.{key}"))
    return found


# -- the diff -----------------------------------------------------------------------------------------------------
def diff(store: Store, workshop_id: str, source: bytes | Path | str | BinaryIO) -> Diff:
    """Compare an uploaded workbook with the store (nothing is written)."""
    book = load(source)
    meta = _meta(book)
    if meta.get("workshop_id") != workshop_id:
        raise WorkbookError("workbook.import.other_workshop", name=str(meta.get("workshop") or "?"))
    lang = meta.get("language") if meta.get("language") in LANGUAGES else "ru"
    items = {i.id: i for i in roadmap.items(store, workshop_id, {})}
    actuals = {(a.item_id, a.measured_on): a for a in roadmap.actuals(store, workshop_id)}
    out = _Collector()
    _roadmap_rows(_sheet(book, meta, "roadmap"), items, lang, out)
    _kpi_rows(_sheet(book, meta, "kpi"), items, actuals, out)
    return Diff(workshop_id, lang, tuple(out.changes), tuple(out.rejected), out.unchanged)


@dataclass
class _Collector:
    changes: list[Change] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    unchanged: int = 0

    def reject(self, ws, row: int, reasons: list, item_id: str | None = None) -> None:
        self.rejected.append(Rejected(ws.title, row, tuple(reasons), item_id))


def _rows(ws, positions: dict[str, int]):
    """(row number, {column key: cell}) of every row under the header."""
    for cells in ws.iter_rows(min_row=2):
        by_col = {cell.column: cell for cell in cells}
        yield cells[0].row, {key: by_col.get(col) for key, col in positions.items()}


def _roadmap_rows(ws, items: dict, lang: str, out: _Collector) -> None:
    positions = _positions(ws, ROADMAP, ("id", "version", *ROADMAP_FIELDS))
    seen: dict[str, int] = {}
    for row, cells in _rows(ws, positions):
        item_id = cv.plain_id(cells["id"])
        if item_id is None:
            if any(cells[name] is not None and cells[name].value not in (None, "") for name in ROADMAP_FIELDS):
                out.reject(ws, row, [("workbook.import.no_id", {})])
            continue  # a note or an empty row
        item = items.get(item_id)
        if item is None:
            out.reject(ws, row, [("workbook.import.unknown_id", {"id": item_id})], item_id)
            continue
        if item_id in seen:
            out.reject(ws, row, [("workbook.import.duplicate", {"row": seen[item_id]})], item_id)
            continue
        seen[item_id] = row
        values, reasons = _item_values(ws, cells, positions, lang)
        if reasons:
            out.reject(ws, row, reasons, item_id)
            continue
        changed = {name: value for name, value in values.items() if not cv.same(getattr(item, name), value)}
        if not changed:
            out.unchanged += 1
            continue
        version = cv.plain_int(cells["version"])
        if version != item.version:
            out.reject(ws, row, [("workbook.import.conflict", {"version": "—" if version is None else version,
                                                               "current": item.version})], item_id)
            continue
        out.changes += [Change(ws.title, row, item_id, name, getattr(item, name), value, version)
                        for name, value in changed.items()]


def _item_values(ws, cells: dict, positions: dict[str, int], lang: str) -> tuple[dict[str, Any], list]:
    """The editable fields of a Roadmap row as the item stores them, or the reasons they cannot be used."""
    values, reasons = {}, []
    for name in ROADMAP_FIELDS:
        column = cv.header(ws, positions[name])
        try:
            raw = cv.field_value(name, cv.typed(cells[name]), lang)
            values[name] = roadmap.check_value(name, "" if raw is None and name in TEXT_FIELDS else raw)
        except cv.Bad as bad:
            reasons.append((bad.key, {"column": column, **bad.params}))
        except RoadmapError as error:
            reasons.append(("workbook.import.bad_value", {"column": column, "detail": error.message(lang)}))
    return values, reasons


def _kpi_rows(ws, items: dict, actuals: dict, out: _Collector) -> None:
    positions = _positions(ws, KPI, ("id", "measured_on", "actual", "exported_on", "version"))
    seen: dict[tuple[str, date], int] = {}
    for row, cells in _rows(ws, positions):
        reasons, found = [], {}
        for name, read in (("measured_on", cv.date_value), ("actual", cv.number)):
            try:
                found[name] = read(cv.typed(cells[name]))
            except cv.Bad as bad:
                found[name] = None
                reasons.append((bad.key, {"column": cv.header(ws, positions[name]), **bad.params}))
        measured_on, value = found["measured_on"], found["actual"]
        item_id, exported_on = cv.plain_id(cells["id"]), cv.exported_date(cells["exported_on"])
        filled = measured_on is not None or value is not None or bool(reasons)
        if item_id is None:
            if filled:
                out.reject(ws, row, [("workbook.import.no_id", {})] + reasons)
            continue
        if item_id not in items:
            if filled or exported_on:
                out.reject(ws, row, [("workbook.import.unknown_id", {"id": item_id})], item_id)
            continue
        if not filled:
            if exported_on is not None:
                out.reject(ws, row, [("workbook.import.cleared", {})], item_id)
            continue  # an empty slot for a later value
        if not reasons and (measured_on is None or value is None):
            reasons.append(("workbook.import.half_filled", {}))
        if not reasons and exported_on is not None and measured_on != exported_on:
            reasons.append(("workbook.import.date_changed", {}))
        if not reasons and (item_id, measured_on) in seen:
            reasons.append(("workbook.import.duplicate_date", {"row": seen[(item_id, measured_on)]}))
        if reasons:
            out.reject(ws, row, reasons, item_id)
            continue
        seen[(item_id, measured_on)] = row
        current = actuals.get((item_id, measured_on))
        if current is not None and cv.same(current.value, value):
            out.unchanged += 1
            continue
        version = cv.plain_int(cells["version"]) if exported_on is not None else None
        if (current is None) != (version is None) or current is not None and current.version != version:
            out.reject(ws, row, [("workbook.import.kpi_conflict", {"date": measured_on.isoformat()})], item_id)
            continue
        out.changes.append(Change(ws.title, row, item_id, "actual", current.value if current else None, value,
                                  version, measured_on))


# -- applying ---------------------------------------------------------------------------------------------------
def apply(store: Store, found: Diff, actor: str) -> Applied:
    """Write the diff's changes through the versioned store, a row at a time; a row whose item or value changed
    since (someone else, meanwhile) is refused as a conflict."""
    access.require_writer(store, actor, found.workshop_id)
    rows: dict[tuple[str, int], list[Change]] = defaultdict(list)
    for change in found.changes:
        rows[(change.sheet, change.row)].append(change)
    rejected, changed = list(found.rejected), 0
    for (sheet, row), changes in rows.items():
        first = changes[0]
        try:
            if first.field == "actual":
                _apply_actual(store, first, actor)
            else:
                _apply_item(store, changes, actor)
            changed += 1
        except ConflictError:
            key, params = (("workbook.import.kpi_conflict", {"date": first.measured_on.isoformat()})
                           if first.field == "actual" else ("workbook.import.conflict", _versions(store, first)))
            rejected.append(Rejected(sheet, row, ((key, params),), first.item_id))
        except NotFound:
            rejected.append(Rejected(sheet, row, (("workbook.import.unknown_id", {"id": first.item_id}),),
                                     first.item_id))
        except RoadmapError as error:
            params = {"column": t(f"workbook.col.{first.field}", found.lang), "detail": error.message(found.lang)}
            rejected.append(Rejected(sheet, row, (("workbook.import.bad_value", params),), first.item_id))
    rejected.sort(key=lambda r: (r.sheet, r.row))
    return Applied(changed, found.unchanged, tuple(rejected), found.lang)


def _apply_item(store: Store, changes: list[Change], actor: str) -> None:
    item = roadmap.get_item(store, changes[0].item_id)
    if item is None:
        raise NotFound("error.record_missing", what=changes[0].item_id)
    if item.version != changes[0].version:
        raise ConflictError("error.stale_version", version=changes[0].version, current_version=item.version)
    roadmap.update_item(store, item, actor, **{c.field: c.new for c in changes})


def _apply_actual(store: Store, change: Change, actor: str) -> None:
    current = next((a for a in roadmap.item_actuals(store, change.item_id) if a.measured_on == change.measured_on),
                   None)
    if (current is None) != (change.version is None) or current is not None and current.version != change.version:
        raise ConflictError("error.stale_version", version=change.version,
                            current_version=current.version if current else None)
    roadmap.add_actual(store, change.item_id, change.measured_on, change.new, actor)


def _versions(store: Store, change: Change) -> dict[str, Any]:
    item = roadmap.get_item(store, change.item_id)
    return {"version": change.version, "current": item.version if item else "—"}


def import_workbook(store: Store, workshop_id: str, source: bytes | Path | str | BinaryIO, actor: str) -> Applied:
    """Diff and apply in one go (the command line; the page shows the diff first)."""
    return apply(store, diff(store, workshop_id, source), actor)
