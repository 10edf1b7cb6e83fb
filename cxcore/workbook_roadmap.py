"""The workbook's sheets of what happens next: the roadmap, impact vs effort, the business case, the contact
policy and KPI tracking.

The Roadmap and KPI tracking sheets go back into the app (`workbook_import`): their columns are described once
here (`ROADMAP`, `KPI`), editable ones marked, and each row carries hidden columns (the item's id, the version
exported) so a row finds its item even after sorting, and a row changed in the app since is noticed.
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cxcore import method
from cxcore.i18n import t
from cxcore.roadmap_model import HORIZONS, STATUSES
from cxcore.workbook_data import Snapshot
from cxcore.workbook_sheets import axes_visible, finish_table, plan_lines, segment_name
from cxcore.workbook_style import Kit, column_format, hide, table_ref

QUADRANT_COLOURS = {"quick_win": "2E7D32", "big_bet": "1F5FBF", "fill_in": "E69500", "time_sink": "8C8C8C"}
KPI_SLOTS = 6  # rows per item in KPI tracking: a value a month for the 3–6 months after the workshop
CHOICE_KINDS = {"status": STATUSES, "horizon": HORIZONS}


@dataclass(frozen=True)
class Column:
    key: str  # the header's key (workbook.col.<key>); for editable columns also the item's field
    width: float
    style: str
    editable: bool = False
    hidden: bool = False


ROADMAP = (Column("no", 6, "int"), Column("title", 44, "wrap"), Column("source", 18, "text"),
           Column("stage", 15, "text"), Column("quadrant", 18, "text"), Column("impact", 9, "int"),
           Column("effort", 9, "int"), Column("votes", 9, "int"), Column("owner", 22, "text", True),
           Column("department", 16, "text", True), Column("horizon", 14, "text", True),
           Column("kpi_name", 30, "wrap", True), Column("kpi_current", 12, "num", True),
           Column("kpi_target", 12, "num", True), Column("budget", 16, "money", True),
           Column("review_on", 14, "date", True), Column("status", 14, "text", True),
           Column("missing", 26, "wrap"), Column("id", 12, "text", hidden=True),
           Column("version", 8, "int", hidden=True))
KPI = (Column("no", 6, "int"), Column("title", 40, "wrap"), Column("kpi_name", 30, "wrap"),
       Column("measured_on", 14, "date", True), Column("actual", 14, "num", True), Column("kpi_target", 12, "num"),
       Column("kpi_current", 12, "num"), Column("id", 12, "text", hidden=True),
       Column("exported_on", 12, "date", hidden=True), Column("version", 8, "int", hidden=True))


def col(columns: tuple[Column, ...], key: str) -> int:
    """The 1-based position of a column."""
    return next(i for i, c in enumerate(columns, start=1) if c.key == key)


def choice_name(kind: str, key: str | None, lang: str) -> str:
    """The name of a roadmap vocabulary key (`roadmap.status.done`, `roadmap.horizon.month`, ...)."""
    return t(f"roadmap.{kind}.{key}", lang) if key else ""


def choices(kind: str, lang: str) -> list[str]:
    return [choice_name(kind, key, lang) for key in CHOICE_KINDS[kind]]


def _headers(kit: Kit, ws: Worksheet, columns: tuple[Column, ...], lang: str) -> None:
    kit.headers(ws, 1, [t(f"workbook.col.{c.key}", lang) for c in columns],
                editable=[i for i, c in enumerate(columns) if c.editable])


def _finish(kit: Kit, ws: Worksheet, columns: tuple[Column, ...], last_row: int, freeze: str) -> None:
    """Filters, frozen panes, widths, the hidden columns, and the formats of the editable columns' empty cells."""
    visible = sum(not c.hidden for c in columns)
    finish_table(ws, last_row, visible, [c.width for c in columns], freeze)
    hide(ws, *(i for i, c in enumerate(columns, start=1) if c.hidden))
    for i, c in enumerate(columns, start=1):
        if c.editable and c.style in ("date", "num", "money"):
            column_format(ws, i, kit.formats[c.style])


def _list_validation(ws: Worksheet, options: list[str], column: int, last_row: int, lang: str, kind: str) -> None:
    rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=False,
                          showErrorMessage=True, errorTitle=t(f"workbook.col.{kind}", lang),
                          error=", ".join(options))
    rule.add(table_ref(2, max(last_row, 2), column, column))
    ws.add_data_validation(rule)


def _date_validation(ws: Worksheet, column: int, last_row: int) -> None:
    rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True)
    rule.add(table_ref(2, max(last_row, 2), column, column))
    ws.add_data_validation(rule)


# -- roadmap ----------------------------------------------------------------------------------------------------
def roadmap(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    """One row per item, quick wins first; an incomplete item's row is filled and its gaps named."""
    lang = snap.lang
    _headers(kit, ws, ROADMAP, lang)
    styles = [c.style for c in ROADMAP]
    for row, item in enumerate(snap.items, start=2):
        missing = ", ".join(t(f"roadmap.missing.{key}", lang) for key in item.missing)
        kit.row(ws, row, (
            row - 1, item.title, choice_name("source", item.source, lang),
            method.name("stage", item.stage, lang) if item.stage else None,
            method.name("quadrant", item.quadrant, lang) if item.quadrant else None, item.impact, item.effort,
            snap.item_votes.get(item.id, 0), item.owner, method.name("department", item.department, lang),
            choice_name("horizon", item.horizon, lang), item.kpi_name, item.kpi_current, item.kpi_target,
            item.budget, item.review_on, choice_name("status", item.status, lang), missing or None, item.id,
            item.version), styles, warn=item.incomplete)
    last = len(snap.items) + 1
    if not snap.items:
        kit.note(ws, 3, t("workbook.roadmap.none", lang), col=2)
    _list_validation(ws, choices("status", lang), col(ROADMAP, "status"), last, lang, "status")
    _list_validation(ws, choices("horizon", lang), col(ROADMAP, "horizon"), last, lang, "horizon")
    _date_validation(ws, col(ROADMAP, "review_on"), last)
    _finish(kit, ws, ROADMAP, last, "C2")


# -- impact vs effort -------------------------------------------------------------------------------------------
PRIORITY_COLUMNS = (("idea", 44, "wrap"), ("barrier", 44, "wrap"), ("stage", 15, "text"), ("impact", 9, "int"),
                    ("effort", 9, "int"), ("quadrant", 18, "text"), ("votes", 9, "int"),
                    ("on_roadmap", 12, "text"), ("author", 20, "text"))


def priorities(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    """The journey's ideas by quadrant (quick wins first, most dots first) and the impact/effort scatter: one
    series per quadrant, effort across, impact up."""
    lang = snap.lang
    kit.headers(ws, 1, [t(f"workbook.col.{key}", lang) for key, _, _ in PRIORITY_COLUMNS])
    on_roadmap = {i.idea_id for i in snap.items if i.idea_id}
    ideas = [(idea, barrier, stage.key) for j in snap.journeys for stage in j.stages for tp in stage.touchpoints
             for barrier in tp.barriers for idea in barrier.ideas]
    order = {key: i for i, key in enumerate(method.QUADRANTS)}
    ideas.sort(key=lambda found: (order[found[0].quadrant], -snap.tally.get(found[0].id, 0)))
    styles = [style for _, _, style in PRIORITY_COLUMNS]
    blocks: dict[str, list[int]] = {}
    for row, (idea, barrier, stage) in enumerate(ideas, start=2):
        kit.row(ws, row, (idea.text, barrier.text, method.name("stage", stage, lang), idea.impact, idea.effort,
                          method.name("quadrant", idea.quadrant, lang), snap.tally.get(idea.id, 0),
                          t("workbook.yes", lang) if idea.id in on_roadmap else None, idea.author), styles)
        blocks.setdefault(idea.quadrant, []).append(row)
    if not ideas:
        kit.note(ws, 3, t("workbook.priorities.none", lang))
    finish_table(ws, len(ideas) + 1, len(PRIORITY_COLUMNS), [w for _, w, _ in PRIORITY_COLUMNS])
    chart = ScatterChart()
    chart.title = t("workbook.chart.quadrant", lang)
    chart.x_axis.title, chart.y_axis.title = t("workbook.col.effort", lang), t("workbook.col.impact", lang)
    for axis in (chart.x_axis, chart.y_axis):
        axis.scaling.min, axis.scaling.max, axis.majorUnit = 0, 6, 1
    for quadrant in method.QUADRANTS:
        rows = blocks.get(quadrant)
        if not rows:
            continue
        xs = Reference(ws, min_col=5, min_row=rows[0], max_row=rows[-1])
        ys = Reference(ws, min_col=4, min_row=rows[0], max_row=rows[-1])
        series = Series(ys, xs, title=method.name("quadrant", quadrant, lang))
        series.marker.symbol, series.marker.size = "circle", 9
        series.marker.graphicalProperties = GraphicalProperties(solidFill=QUADRANT_COLOURS[quadrant])
        series.marker.graphicalProperties.line.solidFill = QUADRANT_COLOURS[quadrant]
        series.graphicalProperties.line.noFill = True
        chart.series.append(series)
    chart.width, chart.height = 16, 10
    axes_visible(chart)
    ws.add_chart(chart, "K2")


# -- business case ----------------------------------------------------------------------------------------------
CASE_STYLES = {"customers": "int", "money": "money", "share": "pct", "times": "num", "months": "int",
               "ratio": "dec"}


def business_case(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    lang, case = snap.lang, snap.business_case
    kit.headers(ws, 1, [t(f"workbook.col.{key}", lang) for key in ("indicator", "value", "formula", "case_source")])
    lines = case.lines if case is not None else []
    for row, line in enumerate(lines, start=2):
        kit.row(ws, row, (line.label, line.value, line.formula, line.source),
                ("wrap", CASE_STYLES.get(line.unit, "num"), "wrap", "wrap"))
    if not lines:
        kit.note(ws, 3, t("workbook.case.none", lang))
    finish_table(ws, len(lines) + 1, 4, (40, 20, 70, 40))


# -- contact policy ---------------------------------------------------------------------------------------------
def contact_policy(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    """Each segment's policy, its warnings and the personalisation actions that feed it."""
    lang = snap.lang
    keys = ("segment", "channels", "per_month", "content_share", "warnings")
    kit.headers(ws, 1, [*(t(f"workbook.col.{key}", lang) for key in keys), t("personalisation.col.plan", lang)])
    for row, policy in enumerate(snap.policies, start=2):
        card = snap.personas.get(policy.segment)
        kit.row(ws, row, (segment_name(policy.segment, lang), ", ".join(policy.channel_names(lang)) or None,
                          policy.per_month, policy.content_share, "\n".join(policy.warnings(lang)) or None,
                          plan_lines(card.actions, lang) if card else None),
                ("text", "wrap", "num", "pct", "wrap", "wrap"))
    if not snap.policies:
        kit.note(ws, 3, t("workbook.policy.none", lang))
    finish_table(ws, len(snap.policies) + 1, len(keys) + 1, (24, 40, 14, 16, 60, 70))


# -- KPI tracking -----------------------------------------------------------------------------------------------
def kpi_tracking(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    """Per item (roadmap order): its recorded values, then empty rows up to KPI_SLOTS (at least one) for the
    values the owner measures next."""
    lang = snap.lang
    _headers(kit, ws, KPI, lang)
    styles = [c.style for c in KPI]
    recorded: dict[str, list] = {}
    for actual in snap.actuals:
        recorded.setdefault(actual.item_id, []).append(actual)
    row = 1
    for number, item in enumerate(snap.items, start=1):
        values = sorted(recorded.get(item.id, []), key=lambda a: a.measured_on)
        head = (number, item.title, item.kpi_name or None)
        for actual in values:
            row += 1
            kit.row(ws, row, (*head, actual.measured_on, actual.value, item.kpi_target, item.kpi_current, item.id,
                              actual.measured_on, actual.version), styles)
        for _ in range(max(1, KPI_SLOTS - len(values))):
            row += 1
            kit.row(ws, row, (*head, None, None, item.kpi_target, item.kpi_current, item.id, None, None), styles)
    if not snap.items:
        kit.note(ws, 3, t("workbook.roadmap.none", lang), col=2)
    _date_validation(ws, col(KPI, "measured_on"), row)
    _finish(kit, ws, KPI, row, "D2")
