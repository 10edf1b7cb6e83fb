"""Participant text is always shown as text: hostile text typed everywhere people can type (journey cards, stage
lanes, parking lot, agenda, names, roadmap items, the workshop's details) is rendered escaped on every page, never
reaches raw HTML, is plain text in the journey graph, never becomes a formula in an export, and travels unchanged
in the JSON export (JSON is data)."""
from __future__ import annotations

import ast
import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import room_ui
import ui
from cxcore import (agenda, feedback, journey, journey_io, journey_views, maturity_ratings, parking, participants,
                    persona, personalisation, rfm, rfm_export, room, roadmap_items, workbook, workshop)
from cxcore.safe_text import is_dangerous, neutralise
from cxcore.store import open_store
from tests.conftest import run_cli
from tests.test_pages import PAGE_FILES, PROJECT, db, fresh_caches, served_mode  # noqa: F401  (fixtures)

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "**bold**",
    ":red[x]",
    "$x^2$",
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
)
FORMULA_LIKE = [p for p in PAYLOADS if is_dangerous(p)]


def typed(i: int, tag: str) -> str:
    """Payload i as typed into one field: the field's tag after it (letters only, which no escaping touches), so a
    test can tell which field a text on the page came from; the payload stays at the start (formula prefixes)."""
    return f"{PAYLOADS[i % len(PAYLOADS)]} {tag}{i}"


@dataclass
class Seeded:
    """What was typed, by field (the tagged texts as stored)."""
    texts: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, text: str) -> str:
        self.texts.setdefault(kind, []).append(text)
        return text

    def all(self) -> list[str]:
        return [t for texts in self.texts.values() for t in texts]


def seed(store, workshop_id: str = "demo") -> Seeded:
    """Hostile text in every field people type, through cxcore as the pages write it (the demo has no PIN: anyone
    is its facilitator, so one session can type the agenda and the answers too)."""
    s = Seeded()
    n = len(PAYLOADS)
    current = workshop.get(store, workshop_id)
    workshop.update(store, current, "anna", name=s.add("name", typed(1, "wsname")),
                    client=s.add("client", typed(0, "client")), industry=s.add("industry", typed(4, "industry")),
                    facilitator=s.add("facilitator", typed(6, "facilitator")))
    names = [s.add("participant", typed(i, "who")) for i in range(n)]
    for name in names:
        participants.join(store, workshop_id, name)
    tree = journey.ensure(store, workshop_id, "at_risk", names[0])
    for i, stage in enumerate(tree.stages):
        journey.update(store, stage, names[i], goal=s.add("goal", typed(i, "goal")),
                       actions=s.add("actions", typed(i + 1, "actions")),
                       thoughts=s.add("thoughts", typed(i + 2, "thoughts")),
                       kpi_name=s.add("kpi", typed(i + 3, "kpi")))
    for i in range(n):
        stage = journey.load(store, workshop_id, "at_risk").stages[i % len(tree.stages)]
        tp = journey.add_touchpoint(store, stage, names[i], s.add("touchpoint", typed(i, "tp")))
        barrier = journey.add_barrier(store, tp, names[i], s.add("barrier", typed(i, "br")), ["speed"], severity=5,
                                      departments=[s.add("department", typed(i, "dep"))])
        journey.add_idea(store, barrier, names[i], s.add("idea", typed(i, "idea")), impact=5, effort=1)
    for i in range(n):
        item = parking.add(store, workshop_id, names[i], s.add("parking", typed(i, "park")), day=1 + i % 2)
        if i % 2:
            parking.update(store, item, "anna", status="answered", answer=s.add("answer", typed(i, "ans")))
    blocks = [agenda.add(store, workshop_id, "anna", day=1 + i % 2, starts_at=f"{7 + i // 2:02d}:00", minutes=20,
                         title=s.add("block", typed(i, "blk")), goal=s.add("block_goal", typed(i, "bgoal")))
              for i in range(n)]
    room.start_block(store, workshop_id, blocks[0].id, "anna")  # the running block, its title on every timer
    for i in range(n):
        maturity_ratings.rate(store, workshop_id, s.add("respondent", typed(i, "resp")), 1, 3)
        roadmap_items.add_item(store, workshop_id, "anna", s.add("roadmap", typed(i, "item")),
                               owner=s.add("owner", typed(i, "owner")), kpi_name=s.add("roadmap_kpi", typed(i, "rkpi")))
    comments = [s.add("feedback", typed(i, "voc")) for i in range(n)]
    lines = ["Отзыв;Дата;Оценка"] + [f'"{c.replace(chr(34), chr(34) * 2)} доставка шла долго";01.01.2027;1' for c in comments]
    path = Path(store.path).with_name("hostile_feedback.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    feedback.load(store, path, workshop_id=workshop_id, actor="anna")
    target = persona.get(store, workshop_id, "at_risk")
    persona.save(store, target, "anna", name=s.add("persona", typed(0, "pname")),
                 goals=s.add("persona", typed(1, "pgoal")), needs=s.add("persona", typed(2, "pneed")),
                 quotes=[s.add("persona", typed(i, "quote")) for i in range(3, 6)])
    for i in range(n):
        personalisation.add(store, workshop_id, "at_risk", "anna", ("preventive", "reactive")[i % 2],
                            s.add("plan", typed(i, "act")), trigger=s.add("plan", typed(i + 1, "trig")),
                            kpi=s.add("plan", typed(i + 2, "pkpi")))
    return s


ME = typed(3, "me")  # the participant of the rendering session types a hostile name too (`?me=`)


@pytest.fixture(scope="module")
def hostile(demo_db: Path, tmp_path_factory) -> tuple[Path, Seeded]:
    """A copy of the demo database with hostile text in every field (seeded once: it takes a few seconds)."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(demo_db, path)
    store = open_store(path)
    try:
        seeded = seed(store)
    finally:
        store.close()
    return path, seeded


@pytest.fixture
def hostile_db(hostile, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the hostile database, used by the app through CXSTUDIO_DB (as tests.test_pages.db does)."""
    path = tmp_path / "app.duckdb"
    shutil.copy(hostile[0], path)
    monkeypatch.setenv("CXSTUDIO_DB", str(path))
    return path


def app(page: str, me: str | None = ME, workshop_id: str | None = None) -> AppTest:
    """The app in Russian on the demo workshop (or `workshop_id`), switched to `page` (tests.test_pages.app, with a
    hostile name)."""
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=120)
    if me:
        at.query_params["me"] = me
    if workshop_id:
        at.query_params["w"] = workshop_id
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


# -- what a page shows -------------------------------------------------------------------------------------------
# Proto fields that Streamlit shows as plain text (never Markdown, never HTML): user text may appear there raw. Every
# other string field (Markdown and alert bodies, headings, widget labels and help, button group options, metrics,
# progress texts…) is read as Markdown and must hold participant text only escaped (`ui.plain`).
PLAIN_FIELDS = {"Selectbox.options", "MultiSelect.options", "MultiSelect.default", "TextInput.default",
                "TextInput.value", "TextArea.default", "TextArea.value", "Code.code_text",
                "ComponentInstance.json_args",  # the journey graph: checked node by node below
                "IFrame.srcdoc"}  # the countdown timer: checked below


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def _strings(message, path: str):
    for descriptor, value in message.ListFields():
        for item in (value if descriptor.is_repeated else [value]):
            if descriptor.type == descriptor.TYPE_MESSAGE:
                yield from _strings(item, f"{path}.{descriptor.name}")
            elif descriptor.type == descriptor.TYPE_STRING:
                yield f"{path}.{descriptor.name}", item


def rendered(at: AppTest) -> list[tuple[str, str]]:
    """Every string of every element the run drew, as (message.field, text): e.g. ("Markdown.body", "…")."""
    return [(where, text) for node in _walk(at._tree) if getattr(node, "proto", None) is not None
            for where, text in _strings(node.proto, type(node.proto).__name__)]


def table_cells(at: AppTest) -> list[str]:
    return [str(v) for frame in at.dataframe for column in frame.value.columns for v in frame.value[column]
            if isinstance(v, str)]


# kinds of seeded text → where each page shows them: escaped in Markdown, or raw in a table (a data grid is text)
SHOWN = {
    "pages/home.py": ("name", "client"),
    "pages/workshop.py": ("client", "industry", "facilitator"),
    "pages/room.py": ("participant",),
    "pages/agenda.py": ("block", "block_goal"),
    "pages/parking.py": ("parking", "answer", "participant"),
    "pages/journey.py": ("touchpoint", "barrier", "idea", "goal", "actions", "thoughts", "kpi", "department"),
    "pages/vote.py": ("barrier", "idea"),
    "pages/compare.py": ("client",),
    "pages/persona.py": ("persona",),
    ui.JOIN: ("client",),
}
IN_TABLES = {
    "pages/voc.py": ("feedback",),  # the newest comments of the stage with the most complaints
    "pages/persona.py": ("plan",),
    "pages/roadmap.py": ("roadmap", "owner", "roadmap_kpi", "idea"),
    "pages/maturity.py": ("respondent",),
}


def test_the_map_covers_every_page():
    assert set(SHOWN) | set(IN_TABLES) <= {*PAGE_FILES, ui.JOIN}


@pytest.mark.parametrize("page", [*PAGE_FILES, ui.JOIN])
def test_every_page_shows_hostile_text_as_typed_and_never_as_markup(hostile_db, hostile, page):
    seeded = hostile[1]
    at = app(page, me=None if page == ui.JOIN else ME)  # (the join page moves a named participant on)
    shown = rendered(at)
    markdown = [text for where, text in shown if where not in PLAIN_FIELDS]
    for where, text in shown:
        if where in PLAIN_FIELDS - {"IFrame.srcdoc"}:
            continue
        for payload in PAYLOADS:
            if where == "IFrame.srcdoc" and not set(payload) & set("<>&\""):
                continue  # inside the timer's script a JSON string: only what could end it matters
            assert payload not in text, f"{page}: {where} holds {payload!r} unescaped: {text[:300]!r}"
        if where == "IFrame.srcdoc":
            assert text.lower().count("<script") <= 1 and text.lower().count("</script") <= 1, text[:300]
    for kind in SHOWN.get(page, ()):
        for text in seeded.texts[kind]:
            assert any(ui.plain(text) in m for m in markdown), f"{page} does not show the {kind} {text!r} as typed"
    cells = table_cells(at)
    for kind in IN_TABLES.get(page, ()):
        for text in seeded.texts[kind]:
            assert any(text in cell for cell in cells), f"{page} does not show the {kind} {text!r} in its table"


def test_the_running_blocks_title_reaches_the_timer_only_as_a_json_string(hostile_db, hostile):
    title = hostile[1].texts["block"][0]
    at = app("pages/agenda.py")
    timers = [text for where, text in rendered(at) if where == "IFrame.srcdoc"]
    assert timers and all(room_ui._js(title) in timer and title not in timer for timer in timers)


@pytest.mark.parametrize("text", [*PAYLOADS, "</script><script>alert(1)</script>", "a & b < c > d", "\u2028'\"`"])
def test_a_timer_label_is_a_script_string_that_cannot_end_the_script(text):
    script = room_ui._js(text)
    assert json.loads(script) == text
    assert not set(script) & set("<>&") and script.startswith('"') and script.endswith('"')


@pytest.mark.parametrize("text", PAYLOADS)
def test_plain_escapes_every_markup_character(text):
    import re

    escaped = ui.plain(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # a Markdown renderer gives back exactly what was typed
    assert not re.search(r"(?<!\\)[<>\[\]()*_:$`|!=+\-#~{}]", escaped), escaped


@pytest.mark.parametrize("page", [
    "pages/workshop.py",
    "pages/base.py",
])
def test_the_loaded_files_name_and_who_loaded_it_are_shown_as_text(db, tmp_path, page):
    """The base's file name (the uploader's) and the loader's name (a participant's, in a workshop without a PIN)."""
    from cxcore import ingest

    store = open_store(db)
    made = workshop.create(store, "Files")
    source = tmp_path / "base.csv"
    source.write_text("customer;date;amount\nA;2025-01-10;100\nB;2025-02-10;200\n", encoding="utf-8")
    file_name, loader = typed(3, "file") + ".csv", typed(4, "loader")
    ingest.load(store, source, workshop_id=made.id, actor=loader, source_name=file_name)
    at = app(page, workshop_id=made.id)
    shown = [text for where, text in rendered(at) if where not in PLAIN_FIELDS]
    assert not any(p in text for p in (PAYLOADS[3], PAYLOADS[4]) for text in shown), [
        text for text in shown if PAYLOADS[3] in text or PAYLOADS[4] in text]
    assert any(ui.plain(file_name) in text for text in shown)


# -- HTML: only constants ever reach it ----------------------------------------------------------------------------
UI_FILES = ["app.py", "ui.py", "journey_ui.py", "room_ui.py", *PAGE_FILES, ui.JOIN]
# Every call that lets HTML or script through, by file and function, with the only names its argument may use.
HTML_SITES = {
    # the facilitator's own proof token in a cookie: a workshop id (random, made by cxcore) and a random token
    ("ui.py", "keep_facilitator_in_browser"): {"cookie_name", "workshop_id", "token"},
    # projector mode's style sheets: constants
    ("room_ui.py", "chrome"): {"_PROJECTOR_CSS", "_NO_WIDGETS_CSS", "page_key"},
    # the countdown: a constant template; the label (participant text) only through _js (a JSON string)
    ("room_ui.py", "timer"): {"script"},
}


class _HtmlCalls(ast.NodeVisitor):
    """(innermost function, call) of every call that renders HTML or JavaScript: `.html(...)` (st.html,
    components.html) or any call given unsafe_allow_html / unsafe_allow_javascript."""

    def __init__(self) -> None:
        self.where, self.found = ["<module>"], []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.where.append(node.name)
        self.generic_visit(node)
        self.where.pop()

    def visit_Call(self, node: ast.Call) -> None:
        unsafe = any(k.arg in ("unsafe_allow_html", "unsafe_allow_javascript") and not (
            isinstance(k.value, ast.Constant) and k.value.value is False) for k in node.keywords)
        if unsafe or (isinstance(node.func, ast.Attribute) and node.func.attr == "html"):
            self.found.append((self.where[-1], node))
        self.generic_visit(node)


def _html_calls(path: str) -> list[tuple[str, ast.Call]]:
    visitor = _HtmlCalls()
    visitor.visit(ast.parse((PROJECT / path).read_text(encoding="utf-8")))
    return visitor.found


def test_only_the_listed_calls_render_html_and_only_from_constants_and_ids():
    found: dict[tuple[str, str], list[ast.Call]] = {}
    for path in UI_FILES:
        for function, call in _html_calls(path):
            found.setdefault((path, function), []).append(call)
    assert set(found) == set(HTML_SITES), f"HTML is rendered at {sorted(set(found) ^ set(HTML_SITES))}"
    for site, calls in found.items():
        for call in calls:
            used = {n.id for arg in call.args for n in ast.walk(arg) if isinstance(n, ast.Name)}
            assert used <= HTML_SITES[site], f"{site}: HTML built from {sorted(used - HTML_SITES[site])}"
    timer = ast.get_source_segment((PROJECT / "room_ui.py").read_text(encoding="utf-8"),
                                   next(n for n in ast.walk(ast.parse((PROJECT / "room_ui.py").read_text()))
                                        if isinstance(n, ast.FunctionDef) and n.name == "timer"))
    assert '"__LABEL__", _js(label)' in timer and '"__DONE__", _js(done_text)' in timer


# -- the journey graph ---------------------------------------------------------------------------------------------
def _keys(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_the_graph_shows_the_cards_text_as_plain_labels(hostile_db, hostile):
    seeded = hostile[1]
    at = app("pages/journey_views.py")
    graphs = at.get("component_instance")
    assert len(graphs) == 1 and graphs[0].proto.component_name == "streamlit_agraph.agraph"
    args = json.loads(graphs[0].proto.json_args)
    nodes, config = json.loads(args["data"])["nodes"], json.loads(args["config"])
    assert "multi" not in _keys(nodes) | _keys(config)  # vis-network's html/markdown labels stay off
    labels = {node["label"]: node for node in nodes}
    for text in [*seeded.texts["touchpoint"], *seeded.texts["barrier"]]:
        node = labels[journey_views.shorten(text)]  # the card's text, only shortened
        assert node["title"] == node["label"]  # the hover text is the same plain text
    tree = journey.load(open_store(hostile_db), "demo", "at_risk")
    cards = {n.id: n.label for n in journey_views.graph(tree, {s.key: s.key for s in tree.stages})[0]
             if n.kind != "stage"}
    assert {node["id"]: node["label"] for node in nodes if node["id"] in cards} == cards


def test_the_graph_component_shows_hover_titles_as_text_not_html():
    """vis-network (in streamlit-agraph's bundle) puts a string title into its tooltip with innerText; a version
    that used innerHTML would make every card's text HTML on hover."""
    import streamlit_agraph

    bundle = Path(streamlit_agraph.__file__).parent / "frontend" / "build" / "static" / "js"
    code = "".join(path.read_text(encoding="utf-8", errors="replace") for path in bundle.glob("*.chunk.js"))
    assert 'className="vis-tooltip"' in code and "this.frame.innerText=t" in code
    assert "this.frame.innerHTML=t" not in code


# -- exports -------------------------------------------------------------------------------------------------------
WORKBOOK_KINDS = ("touchpoint", "barrier", "idea", "goal", "actions", "thoughts", "department", "roadmap", "owner",
                  "roadmap_kpi", "respondent", "participant", "name", "client", "facilitator")


def check_workbook(data: bytes, seeded: Seeded) -> None:
    """No typed text is a formula; text a spreadsheet would read as one is kept with a quote in front, as a string."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [(ws.title, cell) for ws in book.worksheets for row in ws.iter_rows() for cell in row
             if cell.value is not None]
    texts = {cell.value for _, cell in cells if isinstance(cell.value, str)}
    for sheet, cell in cells:
        if cell.data_type == "f":
            assert not any(p in str(cell.value) for p in PAYLOADS), f"{sheet}!{cell.coordinate} {cell.value!r}"
        assert not is_dangerous(cell.value), f"{sheet}!{cell.coordinate} would be read as a formula: {cell.value!r}"
    for kind in WORKBOOK_KINDS:
        for text in seeded.texts[kind]:
            whole = neutralise(text)
            assert whole in texts or any(text in t and not t.startswith(text) for t in texts), (kind, text)
            if is_dangerous(text):
                assert whole in texts and text not in texts, (kind, text)
    for kind in ("kpi",):  # the stage KPI travels inside its lane's cell
        assert all(any(text in t for t in texts) for text in seeded.texts[kind])
    for sheet, cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith("'") and is_dangerous(cell.value[1:]):
            assert cell.data_type == "s", f"{sheet}!{cell.coordinate}"


def test_the_workbook_never_turns_typed_text_into_a_formula(hostile, tmp_path):
    path = tmp_path / "wb.duckdb"
    shutil.copy(hostile[0], path)
    store = open_store(path)
    try:
        check_workbook(workbook.export_bytes(store, "demo"), hostile[1])
        check_workbook(workbook.export_bytes(store, "demo", "en"), hostile[1])
    finally:
        store.close()


def test_the_cli_export_writes_the_same_guarded_workbook(hostile, tmp_path):
    path = tmp_path / "cli.duckdb"
    shutil.copy(hostile[0], path)
    out = tmp_path / "workshop.xlsx"
    done = run_cli("export", "--db", str(path), "--workshop", "demo", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["out"] == str(out)
    check_workbook(out.read_bytes(), hostile[1])


JOURNEY_KINDS = {"touchpoint": "name", "barrier": "text", "idea": "text", "goal": "goal", "actions": "actions",
                 "thoughts": "thoughts", "kpi": "name", "department": "departments"}


def journey_strings(doc) -> list[str]:
    if isinstance(doc, dict):
        return [s for v in doc.values() for s in journey_strings(v)]
    if isinstance(doc, list):
        return [s for v in doc for s in journey_strings(v)]
    return [doc] if isinstance(doc, str) else []


def check_journey_json(raw: str, seeded: Seeded) -> None:
    """JSON is data: every typed text comes back exactly, neither escaped nor neutralised."""
    values = journey_strings(json.loads(raw))
    for kind in JOURNEY_KINDS:
        for text in seeded.texts[kind]:
            assert text in values, (kind, text)
    authors = set(values)
    assert set(seeded.texts["participant"]) <= authors  # the cards' authors are the hostile names, as typed
    assert not any(value.startswith("'") and is_dangerous(value[1:]) for value in values)


def test_the_journey_json_keeps_the_text_exactly(hostile, tmp_path):
    path = tmp_path / "json.duckdb"
    shutil.copy(hostile[0], path)
    store = open_store(path)
    try:
        check_journey_json(journey_io.dumps(journey_io.export(store, "demo")), hostile[1])
    finally:
        store.close()
    out = tmp_path / "journey.json"
    done = run_cli("journey", "export", "--db", str(path), "--workshop", "demo", "--out", str(out))
    assert done.returncode == 0, done.stderr
    check_journey_json(out.read_text(encoding="utf-8"), hostile[1])


CUSTOMER_IDS = (*PAYLOADS, "\t=TAB()", "=1+1", "007", "Привет")


def test_the_rfm_csv_and_xlsx_guard_customer_ids(tmp_path):
    """Customer ids come from the client's file: the CSV gets the quote, the sheet a string cell (cxcore/safe_text)."""
    from cxcore import base, ingest

    source = tmp_path / "base.parquet"
    pd.DataFrame({"customer": list(CUSTOMER_IDS), "date": [date(2025, 1, 1 + i) for i in range(len(CUSTOMER_IDS))],
                  "amount": [100.0] * len(CUSTOMER_IDS)}).to_parquet(source)
    path = tmp_path / "rfm.duckdb"
    store = open_store(path)
    try:
        report = ingest.load(store, source, workshop_name="rfm", mapping={"customer_id": "customer", "date": "date",
                                                                         "amount": "amount"})
        result = rfm.compute(store, report.workshop_id, base.current_base_id(store, report.workshop_id))
        csv_rows = list(csv.DictReader(io.StringIO(rfm_export.csv_bytes(result).decode("utf-8"))))
        sheet = openpyxl.load_workbook(io.BytesIO(rfm_export.xlsx_bytes(result, "en"))).worksheets[0]
    finally:
        store.close()
    kept = set(result.customers["customer_id"])  # as the base keeps them
    assert len(kept) == len(CUSTOMER_IDS) and set(PAYLOADS) <= kept  # the file's ids, exactly
    ids = [row["customer_id"] for row in csv_rows]
    assert sorted(ids) == sorted(neutralise(i) for i in kept)
    assert {neutralise(p) for p in FORMULA_LIKE} <= set(ids) and not set(FORMULA_LIKE) & set(ids)
    cells = {sheet.cell(row, 1).value: sheet.cell(row, 1) for row in range(2, sheet.max_row + 1)}
    assert set(cells) == kept
    for customer in kept:
        assert cells[customer].data_type == "s", customer  # a string cell as in the base: never a formula
    done = run_cli("rfm", "--db", str(path), "--workshop", "rfm", "--out", str(tmp_path / "rfm.csv"))
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "rfm.csv", encoding="utf-8", newline="") as handle:
        assert sorted(row["customer_id"] for row in csv.DictReader(handle)) == sorted(ids)
