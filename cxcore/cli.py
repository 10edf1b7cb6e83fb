"""`python -m cxcore`: the command-line face of the core. One small function per command."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Sequence

from cxcore import base, demo, ingest, workshop
from cxcore.errors import CxError
from cxcore.store import default_path, open_store

EXAMPLES = {
    "ingest": "python -m cxcore ingest sales.csv --db var/studio.duckdb --workshop demo --map customer_id=Клиент",
    "summary": "python -m cxcore summary --db var/studio.duckdb --workshop demo",
    "demo": "python -m cxcore demo --db var/studio.duckdb",
}


def _emit(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


def _store(args: argparse.Namespace):
    return open_store(args.db or default_path())


def cmd_ingest(args: argparse.Namespace) -> None:
    mapping = {}
    for item in args.map or []:
        role, sep, column = item.partition("=")
        if not sep:
            raise SystemExit(f"--map takes ROLE=COLUMN, got {item!r}")
        mapping[role.strip()] = column.strip()
    layout = ingest.inspect(args.path, sheet=args.sheet, mapping=mapping)
    report = ingest.load(_store(args), args.path, workshop_name=args.workshop, layout=layout, actor="cli")
    _emit(report.to_json(args.lang))


def cmd_summary(args: argparse.Namespace) -> None:
    found = workshop.by_name(_store(args), args.workshop)
    _emit(base.summary(_store(args), found.id).to_json())


def cmd_demo(args: argparse.Namespace) -> None:
    print(demo.create(_store(args)).name)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m cxcore", description="CX Journey Studio core commands.")
    commands = top.add_subparsers(dest="command", required=True)

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text,
                                  epilog=f"example: {EXAMPLES[name]}")
        sub.add_argument("--db", help="the database file (default: $CXSTUDIO_DB or var/studio.duckdb)")
        sub.set_defaults(func=func)
        return sub

    sub = command("ingest", cmd_ingest, "Load a customer base file (CSV/TXT, XLSX, Parquet) into a workshop; "
                                        "prints the load report as JSON.")
    sub.add_argument("path", help="the file to load")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name (created if missing)")
    sub.add_argument("--map", action="append", metavar="ROLE=COLUMN",
                     help="set a column role by hand, e.g. customer_id='Код клиента' (repeatable)")
    sub.add_argument("--sheet", help="the sheet of an XLSX file (default: the first that holds a table)")
    sub.add_argument("--lang", choices=("en", "ru"), default="en", help="language of reject reasons")

    sub = command("summary", cmd_summary, "Print the workshop's current customer base as JSON.")
    sub.add_argument("--workshop", default=demo.DEMO_NAME, help="workshop name")

    command("demo", cmd_demo, "Create (or recreate) the demo workshop with the demo base; prints its name.")
    return top


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
