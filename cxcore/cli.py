"""`python -m cxcore`: the command-line face of the core. One small function per command."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from cxcore import access, base, demo, ingest, workshop
from cxcore.errors import CxError, NotFound
from cxcore.store import default_path, open_store

EXAMPLES = {
    "ingest": "python -m cxcore ingest sales.csv --db var/studio.duckdb --workshop demo --map customer_id=Клиент",
    "summary": "python -m cxcore summary --db var/studio.duckdb --workshop demo",
    "demo": "python -m cxcore demo --db var/studio.duckdb",
    "rfm": "python -m cxcore rfm --db var/studio.duckdb --workshop demo --as-of 2025-12-01 --cutpoints quantile "
           "--out rfm.csv",
    "migration": "python -m cxcore migration --db var/studio.duckdb --workshop demo --from 2024-12-01 --to 2025-12-01",
    "journey export": "python -m cxcore journey export --db var/studio.duckdb --workshop demo --out journey.json",
    "journey import": "python -m cxcore journey import --db var/studio.duckdb --workshop 'Новый воркшоп' journey.json",
    "maturity score": "python -m cxcore maturity score ratings.csv",
    "maturity import": "python -m cxcore maturity import --db var/studio.duckdb --workshop demo ratings.csv",
    "export": "python -m cxcore export --db var/studio.duckdb --workshop demo --out workshop.xlsx",
    "roadmap import": "python -m cxcore roadmap import --db var/studio.duckdb --workshop demo workshop.xlsx",
    "backup": "python -m cxcore backup --db var/studio.duckdb --workshop demo --out demo.cxbackup",
    "restore": "python -m cxcore restore --db other.duckdb demo.cxbackup --as 'Демо (копия)'",
    "voc import": "python -m cxcore voc import --db var/studio.duckdb --workshop demo reviews.csv "
                  "--map text='Текст отзыва' --out placed.csv",
}


def _emit(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


def _store(args: argparse.Namespace):
    return open_store(args.db or default_path())


def _mapping(args: argparse.Namespace) -> dict[str, str]:
    """The --map ROLE=COLUMN options."""
    mapping = {}
    for item in args.map or []:
        role, sep, column = item.partition("=")
        if not sep:
            raise SystemExit(f"--map takes ROLE=COLUMN, got {item!r}")
        mapping[role.strip()] = column.strip()
    return mapping


def cmd_ingest(args: argparse.Namespace) -> None:
    layout = ingest.inspect(args.path, sheet=args.sheet, mapping=_mapping(args))
    store = _store(args)
    found = workshop.find(store, args.workshop)
    # The command line holds the database file itself: it loads as the workshop's facilitator.
    actor = access.trusted(found.id, "cli") if found else "cli"
    report = ingest.load(store, args.path, workshop_name=args.workshop, layout=layout, actor=actor)
    _emit(report.to_json(args.lang))


def cmd_summary(args: argparse.Namespace) -> None:
    found = workshop.by_name(_store(args), args.workshop)
    _emit(base.summary(_store(args), found.id).to_json())


def cmd_demo(args: argparse.Namespace) -> None:
    print(demo.create(_store(args)).name)


def _base(args: argparse.Namespace):
    """The workshop's id, its current base and its RFM settings."""
    from cxcore import rfm_settings  # the RFM modules load pandas (~0.7 s): only for the commands using them

    store = _store(args)
    found = workshop.by_name(store, args.workshop)
    base_id = base.current_base_id(store, found.id)
    if base_id is None:
        raise NotFound("error.no_base", name=args.workshop)
    return found.id, base_id, rfm_settings.get(store, found.id)


def cmd_rfm(args: argparse.Namespace) -> None:
    from cxcore import rfm, rfm_export

    workshop_id, base_id, settings = _base(args)
    spec = rfm.CutSpec.parse(args.cutpoints) if args.cutpoints else settings.spec
    result = rfm.compute(_store(args), workshop_id, base_id, args.as_of, spec, settings.rules)
    rfm_export.write_csv(result, args.out)
    _emit(result.summary_json())


def cmd_migration(args: argparse.Namespace) -> None:
    from cxcore import rfm

    workshop_id, base_id, settings = _base(args)
    moves = rfm.migration(_store(args), workshop_id, base_id, args.from_date, args.to_date, settings.spec,
                          settings.rules)
    _emit(moves.to_json())


def cmd_journey_export(args: argparse.Namespace) -> None:
    from cxcore import journey_io

    doc = journey_io.export(_store(args), workshop.by_name(_store(args), args.workshop).id)
    Path(args.out).write_text(journey_io.dumps(doc), encoding="utf-8")
    _emit(journey_io.counts(doc))


def cmd_journey_import(args: argparse.Namespace) -> None:
    from cxcore import journey_io

    target, doc = journey_io.import_document(_store(args), args.workshop, journey_io.read_file(args.path), "cli")
    _emit({"workshop": target.name, **journey_io.counts(doc)})


def cmd_maturity_score(args: argparse.Namespace) -> None:
    from cxcore import maturity_io

    _emit(maturity_io.score_file(args.path).to_json())


def cmd_maturity_import(args: argparse.Namespace) -> None:
    from cxcore import maturity_io

    target, summary, result = maturity_io.import_file(_store(args), args.workshop, args.path, "cli")
    _emit({"workshop": target.name, **summary.to_json(), "total": result.total, "stage": result.stage})


def cmd_export(args: argparse.Namespace) -> None:
    from cxcore import workbook

    store = _store(args)
    found = workshop.by_name(store, args.workshop)
    path = workbook.write(store, found.id, args.out, args.lang)
    _emit({"workshop": found.name, "out": str(path),
           "sheets": list(workbook.sheet_names(args.lang or found.language).values())})


def cmd_roadmap_import(args: argparse.Namespace) -> None:
    from cxcore import workbook_import

    store = _store(args)
    found = workshop.by_name(store, args.workshop)
    applied = workbook_import.import_workbook(store, found.id, args.path, "cli")
    _emit(applied.to_json(args.lang))


def cmd_backup(args: argparse.Namespace) -> None:
    from cxcore import transfer

    store = _store(args)
    _emit(transfer.backup(store, workshop.by_name(store, args.workshop).id, args.out).to_json())


def cmd_restore(args: argparse.Namespace) -> None:
    from cxcore import transfer

    restored, rows = transfer.restore_counted(_store(args), args.path, args.as_name, "cli")
    _emit({"workshop": restored.name, "id": restored.id, "rows": sum(rows.values()), "tables": rows})


def cmd_voc_import(args: argparse.Namespace) -> None:
    from cxcore import feedback

    layout = feedback.inspect(args.path, sheet=args.sheet, mapping=_mapping(args))  # an unusable file: nothing made
    store = _store(args)
    found = workshop.find(store, args.workshop)
    if found is None:
        found = demo.ensure(store) if args.workshop == demo.DEMO_NAME else workshop.create(store, args.workshop, "cli")
    report = feedback.load(store, args.path, workshop_id=found.id, layout=layout,
                           actor=access.trusted(found.id, "cli"))
    if args.out:
        feedback.write_placed(store, found.id, report.load_id, args.out)
    _emit(report.to_json(args.lang))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m cxcore", description="CX Journey Studio core commands.")
    commands = top.add_subparsers(dest="command", required=True)

    groups: dict[str, argparse._SubParsersAction] = {}

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        """A command; "group name" makes a nested one under `groups[group]` (made first)."""
        *group, last = name.split()
        sub = (groups[group[0]] if group else commands).add_parser(
            last, help=help_text, description=help_text, epilog=f"example: {EXAMPLES[name]}")
        sub.add_argument("--db", help="the database file (default: $CXSTUDIO_DB or var/studio.duckdb)")
        sub.set_defaults(func=func)
        return sub

    def group(name: str, about: str) -> None:
        """A command group ("journey", "voc"…) whose commands `command("name …")` adds."""
        groups[name] = commands.add_parser(name, help=about, description=about).add_subparsers(
            dest=f"{name}_command", required=True)

    def file_options(sub: argparse.ArgumentParser, roles: str) -> None:
        """The options of a command that loads a file: column roles by hand, the sheet, the rejects' language."""
        sub.add_argument("--map", action="append", metavar="ROLE=COLUMN",
                         help=f"set a column role by hand ({roles}), repeatable")
        sub.add_argument("--sheet", help="the sheet of an XLSX file (default: the first that holds a table)")
        sub.add_argument("--lang", choices=("en", "ru"), default="en", help="language of reject reasons")

    sub = command("ingest", cmd_ingest, "Load a customer base file (CSV/TXT, XLSX, Parquet) into a workshop; "
                                        "prints the load report as JSON.")
    sub.add_argument("path", help="the file to load")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name (created if missing)")
    file_options(sub, "e.g. customer_id='Код клиента'")

    sub = command("summary", cmd_summary, "Print the workshop's current customer base as JSON.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")

    command("demo", cmd_demo, "Create (or recreate) the demo workshop with the demo base; prints its name.")

    sub = command("rfm", cmd_rfm, "Write R, F, M, scores and segment of every customer to a CSV file; prints the "
                                  "segment summary, the as-of date and the cut points as JSON.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")
    sub.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                     help="count transactions before this day (default: the day after the last one)")
    sub.add_argument("--cutpoints", metavar="quantile|frozen:YYYY-MM-DD",
                     help="quintiles of this period, or those of a baseline as-of date (default: the workshop's "
                          "setting, quantile unless changed)")
    sub.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV file to write")

    sub = command("migration", cmd_migration, "Print the segment migration between two as-of dates as JSON, both "
                                              "scored with the cut points of the first.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")
    sub.add_argument("--from", dest="from_date", type=_date, required=True, metavar="YYYY-MM-DD",
                     help="the earlier as-of date")
    sub.add_argument("--to", dest="to_date", type=_date, required=True, metavar="YYYY-MM-DD",
                     help="the later as-of date")

    about = "Export or import the journey maps of a workshop as JSON."
    group("journey", about)
    sub = command("journey export", cmd_journey_export, "Write every journey of the workshop to a JSON document "
                  "(no database ids; the same journeys give the same bytes); prints the card counts.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")
    sub.add_argument("--out", required=True, metavar="FILE.json", help="the JSON file to write")
    sub = command("journey import", cmd_journey_import, "Replace the journeys of the workshop (created if missing) "
                  "by a JSON document, as one change that can be undone; a wrong document changes nothing.")
    sub.add_argument("--workshop", required=True, help="workshop name (created if missing)")
    sub.add_argument("path", metavar="FILE.json", help="the document to import")

    about = "Score CX maturity ratings (respondent,practice,score CSV) or load them into a workshop."
    group("maturity", about)
    sub = command("maturity score", cmd_maturity_score, "Score a ratings CSV (header respondent,practice,score; "
                  "practice 1-20, score 1-5, empty = not rated) as METHOD.md says; prints practices, competencies, "
                  "total, stage and respondents as JSON. Needs no database (--db is ignored).")
    sub.add_argument("path", metavar="FILE.csv", help="the ratings file")
    sub = command("maturity import", cmd_maturity_import, "Load a ratings CSV as the workshop's maturity answers "
                  "(workshop created if missing): the respondents in the file get exactly its answers (changes "
                  "are versioned, history kept), others keep theirs; prints a JSON summary.")
    sub.add_argument("--workshop", required=True, help="workshop name (created if missing)")
    sub.add_argument("path", metavar="FILE.csv", help="the ratings file")

    sub = command("export", cmd_export, "Write the workshop's Excel workbook (cover, roadmap, impact vs effort, "
                  "barriers, journey, segments, maturity, business case, contact policy, KPI tracking, with charts) "
                  "in the workshop's language; prints the workshop, the file and the sheets as JSON.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")
    sub.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    sub.add_argument("--lang", choices=("ru", "en"), help="language of the workbook (default: the workshop's)")

    about = "Bring the roadmap's edited workbook back into a workshop."
    group("roadmap", about)
    sub = command("roadmap import", cmd_roadmap_import, "Apply a workbook written by `export` and edited by the "
                  "item owners (Roadmap: owner, department, horizon, KPI, budget, review date, status; KPI tracking: "
                  "dated KPI values) through the versioned store; prints {\"changed\", \"unchanged\", \"rejected\": "
                  "[{\"sheet\", \"row\", \"reason\"}]}. A row whose item changed in the app since the export is "
                  "rejected as a conflict, never overwritten.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")
    sub.add_argument("--lang", choices=("ru", "en"), help="language of the reasons (default: the workbook's)")
    sub.add_argument("path", metavar="FILE.xlsx", help="the edited workbook")

    sub = command("backup", cmd_backup, "Write the whole workshop (base, settings, journeys, votes, ratings, "
                  "roadmap, room, history) to one backup file (a ZIP of Parquet files with a manifest); prints the "
                  "workshop, the file, the rows per table and the bytes as JSON.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")
    sub.add_argument("--out", required=True, metavar="FILE", help="the backup file to write")
    sub = command("restore", cmd_restore, "Restore a backup file as a new workshop of the database (its PIN kept; "
                  "new ids if it is restored beside its original); the file is checked whole first, and a damaged "
                  "or foreign file, or a name in use, writes nothing. Prints the workshop, its id and the rows.")
    sub.add_argument("path", metavar="FILE", help="the backup file")
    sub.add_argument("--as", dest="as_name", metavar="NAME", help="the restored workshop's name (default: the "
                     "original's; required when a workshop of that name exists)")

    about = "Load customer feedback (surveys, reviews, service requests) into a workshop."
    group("voc", about)
    sub = command("voc import", cmd_voc_import, "Load a feedback file (CSV/TXT, XLSX, Parquet: text, and optionally "
                  "date, channel, rating 1-5 or 0-10, customer id) as the workshop's feedback, replacing an earlier "
                  "load of the same file name; each comment is linked to its customer and placed on a journey stage "
                  "and expectations by the keyword dictionary. Prints {\"rows_read\", \"rows_loaded\", "
                  "\"rows_rejected\", \"linked_customers\", \"by_stage\", \"by_expectation\", \"rejects\"} as JSON.")
    sub.add_argument("path", metavar="FILE", help="the feedback file")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name (created if missing)")
    file_options(sub, "text, date, channel, rating, customer_id")
    sub.add_argument("--out", metavar="PLACED.csv", help="also write row,stage,expectations,customer_id,segment "
                     "for every loaded comment")
    return top


def command_names() -> list[str]:
    """Every command, nested ones as "group command" (e.g. "journey export")."""
    names = []
    for name, sub in parser()._subparsers._group_actions[0].choices.items():
        nested = sub._subparsers._group_actions[0].choices if sub._subparsers else {}
        names += [f"{name} {inner}" for inner in nested] or [name]
    return names


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except CxError as error:
        print(f"error: {error.message('en')}", file=sys.stderr)
        return 2
    except Exception as error:  # a file we failed to foresee still gets one line, never a traceback
        if os.environ.get("CXSTUDIO_DEBUG"):
            raise
        print(f"error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}",
              file=sys.stderr)
        return 2
    return 0
