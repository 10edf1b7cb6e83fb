"""Maturity ratings as a CSV file: `respondent,practice,score`, one answer a row (practice = its number 1–20,
score a whole number 1–5; an empty score = not rated, "don't know"). Used by `python -m cxcore maturity
score|import` for ratings collected on paper, and by the demo.

The file is checked whole before anything is scored or written; the first problem is a MaturityError naming
its row, counting the header as row 1. Tolerated: UTF-8 with or without BOM, or cp1251; `,`, `;` or tab as
separator; spaces around values; any case in the header; extra columns (ignored); blank rows (skipped, but
counted); a row missing its trailing empty score. Refused: a missing column, an empty respondent, a practice
that is not 1–20, a score that is not a whole number 1–5, the same respondent answering a practice twice, and a
practice that nobody rated at all.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from cxcore import maturity_ratings, workshop
from cxcore.errors import MaturityError
from cxcore.maturity import MaturityResult, Rating, clean_name, respondent_key, score
from cxcore.maturity_model import BY_NUMBER, PRACTICE_NUMBERS, SCORES
from cxcore.maturity_ratings import ReplaceSummary
from cxcore.store import Store
from cxcore.workshop import Workshop

COLUMNS = ("respondent", "practice", "score")
_SEPARATORS = (",", ";", "\t")
_INTEGER = re.compile(r"^[+-]?\d+$")


def decode(data: bytes, path: str = "") -> str:
    """UTF-8 (a BOM dropped), else cp1251, the two encodings Russian spreadsheets save CSV in."""
    if b"\x00" in data:
        raise MaturityError("maturity.not_text", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def read_file(path: Path | str) -> list[Rating]:
    """The answers of a CSV file, checked (see the module's docstring)."""
    try:
        data = Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise MaturityError("maturity.no_file", path=str(path)) from None
    return parse(decode(data, str(path)))


def _separator(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = [header.count(sep) for sep in _SEPARATORS]
    return _SEPARATORS[counts.index(max(counts))] if max(counts) else ","


def parse(text: str) -> list[Rating]:
    """The answers of CSV text, in file order; MaturityError at the first problem."""
    text = text.lstrip("\ufeff")
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    header = next((r for r in records if any(cell.strip() for cell in r)), None)
    if header is None:
        raise MaturityError("maturity.empty_file")
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    for column in COLUMNS:
        if column not in names:
            raise MaturityError("maturity.missing_column", column=column)
    where = {column: names.index(column) for column in COLUMNS}
    answers: list[Rating] = []
    first_row: dict[tuple[str, int], int] = {}
    spelled: dict[str, str] = {}  # each respondent as first written
    for row, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {column: record[i].strip() if i < len(record) else "" for column, i in where.items()}
        respondent = clean_name(cells["respondent"])
        if not respondent:
            raise MaturityError("maturity.row_no_respondent", row=row)
        practice = _practice(cells["practice"], row)
        value = _score(cells["score"], row)
        respondent = spelled.setdefault(respondent_key(respondent), respondent)
        key = (respondent_key(respondent), practice)
        if key in first_row:
            raise MaturityError("maturity.row_duplicate", row=row, respondent=respondent, practice=practice,
                                first=first_row[key])
        first_row[key] = row
        answers.append(Rating(respondent, practice, value))
    unrated = sorted(set(PRACTICE_NUMBERS) - {a.practice for a in answers if a.score is not None})
    if unrated:
        raise MaturityError("maturity.nobody_rated" if len(unrated) == 1 else "maturity.nobody_rated_many",
                            practices=", ".join(map(str, unrated)))
    return answers


def _whole(text: str) -> int | None:
    """A whole number as a spreadsheet may write it ("7", "7.0", "7,0"); None if it is not one."""
    if _INTEGER.match(text):
        return int(text)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _practice(text: str, row: int) -> int:
    number = _whole(text)
    if number is None:
        raise MaturityError("maturity.row_practice_text", row=row, value=text)
    if number not in BY_NUMBER:
        raise MaturityError("maturity.row_practice_range", row=row, value=text)
    return number


def _score(text: str, row: int) -> int | None:
    if not text:
        return None
    number = _whole(text)
    if number is None:
        raise MaturityError("maturity.row_score_text", row=row, value=text)
    if number not in SCORES:
        raise MaturityError("maturity.row_score_range", row=row, value=text)
    return number


def score_file(path: Path | str) -> MaturityResult:
    """Score a ratings file without any database."""
    return score(read_file(path))


def import_file(store: Store, workshop_name: str, path: Path | str, actor: str
                ) -> tuple[Workshop, ReplaceSummary, MaturityResult]:
    """Load a ratings file as the answers of the named workshop (created if missing). The file is checked whole
    first: a wrong file changes nothing. The respondents in the file get exactly the file's answers (re-votes
    are versioned updates, history kept); other respondents of the workshop keep theirs. Returns the workshop,
    what changed, and the workshop's result after the import."""
    answers = read_file(path)
    target = workshop.find(store, workshop_name) or workshop.create(store, workshop_name, actor)
    summary = maturity_ratings.replace_ratings(store, target.id, answers, actor)
    return target, summary, maturity_ratings.result(store, target.id)
