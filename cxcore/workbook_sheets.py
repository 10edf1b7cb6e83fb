"""The workbook's sheets of the workshop's findings: cover, barriers, journey board, segments, maturity.

Each function lays out one sheet from the snapshot; every cell goes through `Kit.put` (safe text, named styles).
"""
from __future__ import annotations

import math

from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from cxcore import method
from cxcore.i18n import fmt_number, t
from cxcore.journey_views import is_open
from cxcore.maturity_model import BY_NUMBER, competency_name, stage_name
from cxcore.segments import SEGMENTS
from cxcore.workbook_data import Snapshot
from cxcore.workbook_style import Kit, table_ref, widths

BULLET = "• "


def names(kind: str, keys, lang: str) -> str:
    """Vocabulary keys (or free text) as their names, comma-separated."""
    return ", ".join(method.name(kind, key, lang) for key in keys if key)


def segment_name(key: str | None, lang: str) -> str:
    return t(f"rfm.segment.{key}", lang) if key else ""


def axes_visible(chart) -> None:
    """openpyxl 3.1 writes axes as deleted unless told: a chart without its axes reads as nothing."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False


# -- cover ------------------------------------------------------------------------------------------------------
def cover(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    lang, w = snap.lang, snap.workshop
    kit.title(ws, 1, t("workbook.cover.title", lang, name=w.name))
    pairs = [(t("workshop.client", lang), w.client, "text"), (t("workshop.industry", lang), w.industry, "text"),
             (t("workshop.held_on", lang), w.held_on, "date"), (t("workshop.facilitator", lang), w.facilitator, "text"),
             (t("workbook.cover.maturity", lang), maturity_text(snap), "wrap"),
             (t("workbook.cover.exported", lang), snap.exported_at, "datetime")]
    row = 3
    for label, value, style in pairs:
        kit.put(ws, row, 1, label, "cx_label")
        kit.put(ws, row, 2, value, style)
        row += 1
    row += 1
    kit.title(ws, row, t("workbook.cover.key_figures", lang), "cx_subtitle")
    for label, value, style in key_figures(snap):
        row += 1
        kit.put(ws, row, 1, label, "cx_label")
        kit.put(ws, row, 2, value, style)
    row += 2
    kit.title(ws, row, t("workbook.cover.participants", lang, count=len(snap.participants)), "cx_subtitle")
    for name in snap.participants:
        row += 1
        kit.put(ws, row, 1, name)
    row += 2
    kit.note(ws, row, t("workbook.cover.guide", lang))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.row_dimensions[row].height = 64
    widths(ws, (44, 70))


def maturity_text(snap: Snapshot) -> str:
    result, lang = snap.maturity, snap.lang
    if result.stage is None:
        return t("workbook.cover.no_maturity", lang)
    return t("workbook.cover.maturity_value", lang, stage=stage_name(result.stage, lang), total=f"{result.total:.2f}")


def key_figures(snap: Snapshot) -> list[tuple[str, object, str]]:
    lang, seg = snap.lang, snap.segments
    barriers = [b for j in snap.journeys for b in j.barriers]
    budget = sum(i.budget or 0 for i in snap.items if i.active)
    figures = []
    if seg is not None:
        figures += [(t("workbook.figure.customers", lang), seg.customers, "int"),
                    (t("workbook.figure.revenue", lang), seg.revenue, "money"),
                    (t("workbook.figure.target_segment", lang), segment_name(seg.target_segment, lang), "text")]
    figures += [(t("workbook.figure.barriers", lang), len(barriers), "int"),
                (t("workbook.figure.open_barriers", lang), sum(is_open(b) for b in barriers), "int"),
                (t("workbook.figure.ideas", lang), snap.ideas, "int"),
                (t("workbook.figure.items", lang), len(snap.items), "int"),
                (t("workbook.figure.quick_wins", lang), sum(i.quadrant == "quick_win" for i in snap.items), "int"),
                (t("workbook.figure.incomplete", lang), sum(i.incomplete for i in snap.items), "int"),
                (t("workbook.figure.budget", lang), budget, "money")]
    return figures


# -- barriers ---------------------------------------------------------------------------------------------------
BARRIER_COLUMNS = (("segment", 18, "text"), ("stage", 14, "text"), ("touchpoint", 24, "wrap"),
                   ("channel", 14, "text"), ("barrier", 50, "wrap"), ("expectations", 30, "wrap"),
                   ("departments", 18, "wrap"), ("cross_team", 12, "text"), ("severity", 11, "int"),
                   ("evidence", 18, "text"), ("share", 11, "pct"), ("barrier_status", 12, "text"),
                   ("votes", 9, "int"), ("ideas", 9, "int"), ("author", 20, "text"))


def barriers(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    lang = snap.lang
    kit.headers(ws, 1, [t(f"workbook.col.{key}", lang) for key, _, _ in BARRIER_COLUMNS])
    styles = [style for _, _, style in BARRIER_COLUMNS]
    row = 1
    for j in snap.journeys:
        for stage in j.stages:
            for tp in stage.touchpoints:
                for b in tp.barriers:
                    row += 1
                    kit.row(ws, row, (
                        segment_name(j.segment, lang), method.name("stage", stage.key, lang), tp.name,
                        method.name("channel", tp.channel, lang) if tp.channel else None, b.text,
                        names("expectation", b.expectations, lang), names("department", b.departments, lang),
                        t("workbook.yes", lang) if b.cross_team else None, b.severity,
                        method.name("evidence", b.evidence, lang), b.share, method.name("status", b.status, lang),
                        snap.tally.get(b.id, 0), len(b.ideas), b.author), styles)
    if row == 1:
        kit.note(ws, 3, t("workbook.barriers.none", lang), col=5)
    finish_table(ws, row, len(BARRIER_COLUMNS), [w for _, w, _ in BARRIER_COLUMNS])


def finish_table(ws: Worksheet, last_row: int, last_col: int, sizes, freeze: str = "A2") -> None:
    """Filters on the table, the header frozen, the columns' widths."""
    ws.auto_filter.ref = table_ref(1, last_row, last_col)
    ws.freeze_panes = freeze
    widths(ws, sizes)


# -- journey board ----------------------------------------------------------------------------------------------
LANES = ("goal", "actions", "thoughts", "emotion", "touchpoints", "barriers", "ideas", "kpi")


def journey_board(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    """Each journey as the board: the 8 stages as columns, the lanes as rows; below it the segment's persona and
    personalisation plan."""
    lang = snap.lang
    if not snap.journeys:
        kit.title(ws, 1, t("workbook.sheet.journey", lang))
        kit.note(ws, 3, t("workbook.journey.none", lang))
        widths(ws, (60,))
        return
    row = 1
    for j in snap.journeys:
        kit.title(ws, row, t("workbook.journey.title", lang, segment=segment_name(j.segment, lang)))
        row += 1
        head = [t("workbook.col.lane", lang)] + [
            f"{method.name('stage', s.key, lang)}\n{method.principle(s.key, lang)}\n"
            f"{method.name('department', s.owner_department, lang)}" for s in j.stages]
        kit.headers(ws, row, head)
        ws.row_dimensions[row].height = 48
        for lane in LANES:
            row += 1
            kit.put(ws, row, 1, lane_name(lane, lang), "cx_label")
            for col, stage in enumerate(j.stages, start=2):
                value = lane_value(stage, lane, lang)
                kit.put(ws, row, col, value, "int" if lane == "emotion" else "wrap")
        row += 2
        if j.segment in snap.personas:
            row = persona_block(kit, ws, snap, snap.personas[j.segment], row) + 2
    ws.freeze_panes = "B3"
    widths(ws, (22, *(34,) * len(method.STAGES)))


def persona_block(kit: Kit, ws: Worksheet, snap: Snapshot, card, row: int) -> int:
    """The segment's persona (name, figures, goals, needs, expectations, quotes) and its personalisation plan as a
    small table, from `row` down; returns the last row written."""
    lang, who, found = snap.lang, card.persona, card.figures
    segment = segment_name(who.segment, lang)
    kit.title(ws, row, t("persona.workbook.title", lang, segment=segment, name=who.name) if who.name else
              t("persona.unnamed", lang, segment=segment), "cx_subtitle")
    pairs = [(t("persona.segment", lang), segment, "text")]
    if found is not None:
        pairs += [(t("persona.figure.customers", lang), found.customers, "int"),
                  (t("persona.figure.customer_share", lang), found.customer_share, "pct"),
                  (t("persona.figure.revenue_share", lang), found.revenue_share, "pct"),
                  (t("persona.figure.aov", lang), found.avg_order_value, "money"),
                  (t("persona.figure.frequency", lang), found.avg_frequency, "dec"),
                  (t("persona.channels", lang), shares(found.channels, "channel", lang), "wrap"),
                  (t("persona.regions", lang), shares(found.regions, None, lang), "wrap"),
                  (t("persona.products", lang), shares(found.products, None, lang), "wrap")]
    pairs += [(t("persona.goals", lang), who.goals, "wrap"), (t("persona.needs", lang), who.needs, "wrap"),
              (t("persona.expectations", lang), "\n".join(
                  f"{i}. {method.name('expectation', e, lang)}" for i, e in enumerate(who.expectations, 1)), "wrap"),
              (t("persona.quotes", lang), lines(who.quotes), "wrap")]
    for label, value, style in pairs:
        if value is None or value == "":
            continue
        row += 1
        kit.put(ws, row, 1, label, "cx_label")
        kit.put(ws, row, 2, value, style)
    if not who.described:
        row += 1
        kit.note(ws, row, t("persona.workbook.not_described", lang), col=2)
    row += 2
    kit.title(ws, row, t("personalisation.title", lang), "cx_subtitle")
    if not card.actions:
        kit.note(ws, row + 1, t("personalisation.none", lang), col=2)
        return row + 1
    row += 1
    kit.headers(ws, row, [t(f"personalisation.col.{key}", lang) for key in ("kind", "action", "channel", "trigger",
                                                                             "kpi")])
    for action in card.actions:
        row += 1
        kit.row(ws, row, (t(f"personalisation.kind.{action.kind}", lang), action.action,
                          method.name("channel", action.channel, lang) if action.channel else None, action.trigger,
                          action.kpi), ("cx_label", "wrap", "wrap", "wrap", "wrap"))
    return row


def shares(top, kind: str | None, lang: str) -> str | None:
    """"Website 38.0 %, Store 36.7 %": names with their share of the segment's revenue."""
    return ", ".join(f"{method.name(kind, name, lang) if kind else name} {fmt_number(share * 100, lang, 1)} %"
                     for name, share in top) or None


def plan_lines(actions, lang: str) -> str | None:
    """A segment's personalisation actions, one line each: "• Preventive: action (channel; trigger; KPI)"."""
    found = []
    for a in actions:
        details = "; ".join(x for x in (method.name("channel", a.channel, lang) if a.channel else "", a.trigger, a.kpi)
                            if x)
        found.append(f"{t(f'personalisation.kind.{a.kind}', lang)}: {' '.join(a.action.split())}"
                     + (f" ({details})" if details else ""))
    return lines(found)


def lane_name(lane: str, lang: str) -> str:
    if lane in ("touchpoints", "barriers", "ideas"):
        return t(f"workbook.lane.{lane}", lang)
    return t(f"journey.lane.{lane}", lang)


def lane_value(stage, lane: str, lang: str):
    if lane in ("goal", "actions", "thoughts"):
        return getattr(stage, lane) or None
    if lane == "emotion":
        return stage.emotion
    if lane == "touchpoints":
        return lines(f"{tp.name}" + (f" ({method.name('channel', tp.channel, lang)})" if tp.channel else "")
                     for tp in stage.touchpoints)
    if lane == "barriers":
        return lines(b.text for tp in stage.touchpoints for b in tp.barriers)
    if lane == "ideas":
        return lines(i.text for tp in stage.touchpoints for b in tp.barriers for i in b.ideas)
    if not stage.kpi_name:
        return None
    return t("journey.kpi_line", lang, name=stage.kpi_name, current=number(stage.kpi_current),
             target=number(stage.kpi_target))


def lines(texts) -> str | None:
    found = [BULLET + " ".join(text.split()) for text in texts if text]
    return "\n".join(found) or None


def number(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


# -- segments ---------------------------------------------------------------------------------------------------
SEGMENT_COLUMNS = (("segment", "text", 24), ("customers", "int", 13), ("customer_share", "pct", 13),
                   ("revenue", "money", 18), ("revenue_share", "pct", 13), ("avg_recency", "num", 13),
                   ("avg_frequency", "dec", 13), ("avg_monetary", "money", 15), ("avg_order_value", "money", 15),
                   ("cant_lose", "int", 13))


def segments(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    """The RFM summary with a chart of the segments' shares, then the year's migration matrix."""
    lang, seg = snap.lang, snap.segments
    widths(ws, [w for _, _, w in SEGMENT_COLUMNS])
    if seg is None:
        kit.title(ws, 1, t("workbook.sheet.segments", lang))
        kit.note(ws, 3, t("workbook.segments.no_base", lang))
        return
    kit.title(ws, 1, t("workbook.segments.title", lang, date=seg.as_of.strftime(
        "%d.%m.%Y" if lang == "ru" else "%Y-%m-%d")))
    kit.note(ws, 2, t("workbook.segments.cut_mode", lang, mode=t(f"rfm.mode.{seg.cut_mode}", lang)))
    head = 4
    kit.headers(ws, head, [segment_header(key, lang) for key, _, _ in SEGMENT_COLUMNS])
    styles = [style for _, style, _ in SEGMENT_COLUMNS]
    frame = seg.summary
    for offset, record in enumerate(frame.to_dict("records"), start=1):
        values = [segment_name(record["segment"], lang)] + [plain(record[key]) for key, _, _ in SEGMENT_COLUMNS[1:]]
        kit.row(ws, head + offset, values, styles)
    total = head + len(frame) + 1
    kit.row(ws, total, [t("workbook.total", lang), int(frame["customers"].sum()), 1.0,
                        plain(frame["revenue"].sum()), 1.0], ("cx_label", "int", "pct", "money", "pct"))
    chart = BarChart()
    chart.type, chart.title = "col", t("workbook.chart.segment_shares", lang)
    chart.y_axis.number_format, chart.y_axis.scaling.min = "0%", 0
    for col in (3, 5):
        chart.add_data(Reference(ws, min_col=col, min_row=head, max_row=head + len(frame)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=head + len(frame)))
    chart.width, chart.height = 18, 8
    axes_visible(chart)
    ws.add_chart(chart, f"A{total + 2}")
    migration(kit, ws, snap, total + 20)


def segment_header(key: str, lang: str) -> str:
    return t("rfm.col.segment" if key == "segment" else f"workbook.col.seg_{key}", lang)


def plain(value):
    """A frame's number as a plain Python number (None for NaN)."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or isinstance(value, float) and math.isnan(value):
        return None
    return value


def migration(kit: Kit, ws: Worksheet, snap: Snapshot, row: int) -> None:
    lang, moves = snap.lang, snap.segments.migration
    if moves is None:
        kit.note(ws, row, t("workbook.migration.short", lang))
        return
    matrix = moves.matrix()
    dates = {k: d.strftime("%d.%m.%Y" if lang == "ru" else "%Y-%m-%d")
             for k, d in (("start", moves.from_date), ("end", moves.to_date))}
    froms = (*SEGMENTS, "new")
    for measure, style in (("customers", "int"), ("revenue", "money")):
        kit.title(ws, row, t(f"workbook.migration.{measure}", lang, **dates), "cx_subtitle")
        row += 1
        kit.headers(ws, row, [t("workbook.migration.corner", lang), *(segment_name(s, lang) for s in SEGMENTS),
                              t("workbook.total", lang)])
        for source in froms:
            row += 1
            cells = matrix[matrix["from_segment"] == source].set_index("to_segment")[measure]
            values = [plain(cells.get(s, 0)) for s in SEGMENTS]
            kit.put(ws, row, 1, segment_name(source, lang), "cx_label")
            kit.row(ws, row, [*values, sum(v or 0 for v in values)], [style] * 6, col=2)
        row += 2


# -- maturity ---------------------------------------------------------------------------------------------------
PRACTICE_COLUMNS = (("competency", "text", 30), ("number", "int", 13), ("practice", "wrap", 50), ("score", "dec", 11),
                    ("rated", "int", 10), ("unknown", "int", 11), ("min", "int", 8), ("max", "int", 8),
                    ("spread", "dec", 11))


def maturity(kit: Kit, ws: Worksheet, snap: Snapshot) -> None:
    """The total and the stage, the six competencies with a chart, and the twenty practices."""
    lang, result = snap.lang, snap.maturity
    kit.title(ws, 1, t("workbook.sheet.maturity", lang))
    pairs = [(t("workbook.maturity.total", lang), result.total, "dec"),
             (t("workbook.maturity.stage", lang), stage_name(result.stage, lang) if result.stage else
              t("workbook.cover.no_maturity", lang), "text"),
             (t("workbook.maturity.respondents", lang), len(result.respondents), "int")]
    for row, (label, value, style) in enumerate(pairs, start=3):
        kit.put(ws, row, 1, label, "cx_label")
        kit.put(ws, row, 2, value, style)
    head = 7
    kit.headers(ws, head, [t("workbook.col.competency", lang), t("workbook.col.score", lang),
                           t("workbook.col.rated_practices", lang)])
    for row, c in enumerate(result.competencies, start=head + 1):
        kit.row(ws, row, (competency_name(c.key, lang), c.score, c.rated_practices), ("text", "dec", "int"))
    last = head + len(result.competencies)
    chart = BarChart()
    chart.type, chart.title = "bar", t("workbook.chart.competencies", lang)
    chart.add_data(Reference(ws, min_col=2, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last))
    chart.y_axis.scaling.min, chart.y_axis.scaling.max, chart.y_axis.majorUnit = 0, 5, 1
    chart.y_axis.number_format = "0"
    chart.x_axis.scaling.orientation = "maxMin"  # the competencies top-down in METHOD order
    chart.legend = None
    chart.width, chart.height = 16, 8
    axes_visible(chart)
    ws.add_chart(chart, "E2")
    head = last + 10
    kit.headers(ws, head, [t(f"workbook.col.{key}", lang) for key, _, _ in PRACTICE_COLUMNS])
    styles = [style for _, style, _ in PRACTICE_COLUMNS]
    for row, p in enumerate(result.practices, start=head + 1):
        kit.row(ws, row, (competency_name(p.competency, lang), p.practice, BY_NUMBER[p.practice].name(lang),
                          p.score, p.rated, p.unknown, p.min, p.max, p.std), styles)
    widths(ws, [w for _, _, w in PRACTICE_COLUMNS])
