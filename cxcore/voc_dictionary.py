"""The keyword dictionary that places a customer comment on a journey stage and on the expectations it concerns.

The dictionary is data a facilitator can read and change: `data/voc_dictionary.csv` (one stem a line, its stage
and expectations) is the default, and a workshop's own rows in `voc_words` add stems, give a default stem another
stage or expectations, or switch one off. No model: the same words always give the same placement, and the page
can say which words did it (`explain`).

The rule, the same in `place` (SQL over a workshop's stored comments), `place_texts` (the same SQL over given
texts) and `explain` (Python, one text):

1. The text is lower-cased, ё written as е, and cut into words `[a-zа-я0-9]+` (`tokens`).
2. A stem hits where a word starts with it ("доставк" hits "доставка", "доставки"); a phrase stem hits where its
   words start consecutive words of the text ("пункт выдач" hits "пункт выдачи").
3. A stage's score is the number of the text's words on which one of its stems begins. The stage is the one with
   the highest score; a tie goes to the stage hit earliest in the text (then the earlier stage of the method).
   No stage hit: the comment is unplaced (stage NULL).
4. The expectations are every expectation of every hit stem, each once, in the method's order (EXPECTATIONS).

Placing again (after a load or a dictionary edit) overwrites only `feedback.stage` and `feedback.expectations`:
the facilitator's corrections of single comments live apart (`feedback_corrections`) and win when read.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from cxcore import access
from cxcore.errors import ConflictError, NotFound, VocError
from cxcore.method import EXPECTATIONS, STAGES
from cxcore.store import PROJECT_DIR, Store, Tx, inspect_file

DEFAULT_PATH = PROJECT_DIR / "data" / "voc_dictionary.csv"
HEADER = ["stem", "lang", "stage", "expectations", "note"]
LANGS = ("ru", "en")
TABLE = "voc_words"
STEM_MIN, STEM_MAX = 3, 40
_WORD = re.compile(r"[a-zа-я0-9]+")
_STEM = re.compile(r"^[a-zа-я0-9]+( [a-zа-я0-9]+)*$")


@dataclass(frozen=True)
class Word:
    stem: str
    lang: str
    stage: str | None
    expectations: tuple[str, ...]
    source: str = "default"  # "default" (the CSV) or "workshop" (the workshop's own row)


# -- words of a text --------------------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """Lower case, ё written as е: how the dictionary and the placement see every text."""
    return str(text).lower().replace("ё", "е")


def tokens(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def _lang(stem: str) -> str:
    return "en" if re.fullmatch(r"[a-z0-9 ]+", stem) else "ru"


# -- the checks a word passes, from the CSV or from a facilitator -----------------------------------------------
def _stem(raw: Any) -> str:
    stem = " ".join(normalise(raw).split()) if isinstance(raw, str) else ""
    if not (STEM_MIN <= len(stem) <= STEM_MAX and _STEM.match(stem)):
        raise VocError("voc.error.bad_stem", field="stem", value=str(raw)[:STEM_MAX + 10], low=STEM_MIN,
                       high=STEM_MAX)
    return stem


def _stage(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if raw not in STAGES:
        raise VocError("voc.error.bad_stage", field="stage", value=str(raw)[:40])
    return raw


def _expectations(raw: Any) -> tuple[str, ...]:
    """The expectations, each once, in the method's order."""
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raise VocError("voc.error.bad_expectation", field="expectations", value=str(raw)[:40])
    wanted = list(raw)
    bad = [e for e in wanted if e not in EXPECTATIONS]
    if bad:
        raise VocError("voc.error.bad_expectation", field="expectations", value=str(bad[0])[:40])
    return tuple(e for e in EXPECTATIONS if e in wanted)


def _checked(stem: Any, stage: Any, expectations: Any) -> tuple[str, str | None, tuple[str, ...]]:
    stem, stage, expectations = _stem(stem), _stage(stage), _expectations(expectations)
    if stage is None and not expectations:
        raise VocError("voc.error.word_places_nothing", field="stage", stem=stem)
    return stem, stage, expectations


# -- the default dictionary -------------------------------------------------------------------------------------
def read_dictionary(path: Path | str) -> tuple[Word, ...]:
    """The words of a dictionary CSV (the format of data/voc_dictionary.csv). A bad line raises VocError naming
    the file, the line (the header is line 1) and the column."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    if not rows or rows[0] != HEADER:
        raise VocError("voc.error.dictionary_line", path=path.name, line=1, field="header",
                       value=",".join(rows[0] if rows else []))
    found: dict[str, Word] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        found_word = _csv_word(path, line, row)
        if found_word.stem in found:
            raise VocError("voc.error.dictionary_line", path=path.name, line=line, field="stem (twice)",
                           value=found_word.stem)
        found[found_word.stem] = found_word
    return tuple(found.values())


def _csv_word(path: Path, line: int, row: list[str]) -> Word:
    def refuse(field: str, value: str) -> VocError:
        return VocError("voc.error.dictionary_line", path=path.name, line=line, field=field, value=value[:60])

    if len(row) != len(HEADER):
        raise refuse("columns", ",".join(row))
    stem, lang, stage, expectations, _note = row
    if lang not in LANGS:
        raise refuse("lang", lang)
    try:
        clean, stage, exps = _checked(stem, stage, expectations.split(";") if expectations else [])
    except VocError as error:
        raise refuse(error.params["field"], str(error.params.get("value", stem))) from None
    if clean != stem or _lang(stem) != lang:  # written as the placement sees it, in its own script
        raise refuse("stem", stem)
    return Word(stem, lang, stage, exps)


@cache
def default_words() -> tuple[Word, ...]:
    """The shipped dictionary, read once per process."""
    return read_dictionary(DEFAULT_PATH)


# -- a workshop's dictionary ------------------------------------------------------------------------------------
Run = Callable[[str, Any], list[tuple]]  # Store.query or Tx.execute: read through either


def words(store: Store, workshop_id: str) -> tuple[Word, ...]:
    """The dictionary in force in a workshop: the defaults with the workshop's own rows applied."""
    return _effective(store.query, workshop_id)


def _effective(run: Run, workshop_id: str) -> tuple[Word, ...]:
    rows = run(f"SELECT stem, stage, expectations, active FROM {TABLE} "
               "WHERE workshop_id = ? AND deleted_at IS NULL ORDER BY stem", [workshop_id])
    own = {stem: (stage, tuple(exps), active) for stem, stage, exps, active in rows}
    merged = []
    for word in default_words():
        if word.stem not in own:
            merged.append(word)
            continue
        stage, exps, active = own.pop(word.stem)
        if active:  # a default given the workshop's own stage and expectations
            merged.append(Word(word.stem, word.lang, stage, exps, "workshop"))
    merged += [Word(stem, _lang(stem), stage, exps, "workshop") for stem, (stage, exps, active) in own.items()
               if active]
    return tuple(merged)


def version(store: Store, workshop_id: str, stem: str) -> int:
    """The version of the workshop's own row for a stem (0: none), to pass as `expected_version`."""
    row = store.query_one(f"SELECT version FROM {TABLE} WHERE id = ? AND deleted_at IS NULL",
                          [_word_id(workshop_id, _stem(stem))])
    return row[0] if row else 0


def _word_id(workshop_id: str, stem: str) -> str:
    return f"{workshop_id}/{stem}"


def save_word(store: Store, actor: object, workshop_id: str, stem: str, stage: str | None,
              expectations: Sequence[str], *, expected_version: int | None = None) -> int:
    """Add a stem to the workshop's dictionary, or give one (a default too) another stage and expectations; the
    workshop's comments are placed again in the same transaction. The facilitator only (anyone, in a workshop
    without a PIN). `expected_version` is the version read (0: the workshop had no row for the stem); a save
    from a stale read raises ConflictError. None saves whatever is there. Returns the row's new version."""
    stem, stage, exps = _checked(stem, stage, expectations)
    access.require_facilitator(actor, workshop_id, store)
    values = {"stage": stage, "expectations": list(exps), "active": True, "author": str(actor)}
    with store.write(str(actor)) as tx:
        old = _current(tx, workshop_id, stem, expected_version)
        word_id = _word_id(workshop_id, stem)
        if old is None:
            _insert(tx, {"id": word_id, "workshop_id": workshop_id, "stem": stem, **values})
            action = "create"
        else:
            _update(tx, word_id, values)
            action = "restore" if old["deleted_at"] is not None else "update"
        return _logged_and_placed(tx, workshop_id, word_id, action, old)


def remove_word(store: Store, actor: object, workshop_id: str, stem: str, *,
                expected_version: int | None = None) -> None:
    """Take a stem out of the workshop's dictionary: a default stem is switched off (a row with active = false,
    undone by saving the stem again), a workshop's own stem goes to the trash. The comments are placed again."""
    stem = _stem(stem)
    access.require_facilitator(actor, workshop_id, store)
    default = next((w for w in default_words() if w.stem == stem), None)
    with store.write(str(actor)) as tx:
        old = _current(tx, workshop_id, stem, expected_version)
        live = old is not None and old["deleted_at"] is None
        word_id = _word_id(workshop_id, stem)
        if (default is None and not live) or (live and not old["active"]):
            raise NotFound("voc.error.no_word", stem=stem)
        if default is None:
            tx.execute(f"UPDATE {TABLE} SET deleted_at = current_localtimestamp(), version = version + 1, "
                       "updated_at = current_localtimestamp() WHERE id = ?", [word_id])
            action = "delete"
        elif old is None:
            _insert(tx, {"id": word_id, "workshop_id": workshop_id, "stem": stem, "stage": default.stage,
                         "expectations": list(default.expectations), "active": False, "author": str(actor)})
            action = "switch_off"
        else:
            _update(tx, word_id, {"active": False, "author": str(actor)})
            action = "switch_off"
        _logged_and_placed(tx, workshop_id, word_id, action, old)


def _current(tx: Tx, workshop_id: str, stem: str, expected_version: int | None) -> dict[str, Any] | None:
    """The workshop's row for the stem (live or in the trash), after checking the caller read its version."""
    if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
        raise NotFound("error.no_workshop", name=workshop_id)
    old = tx.record(TABLE, _word_id(workshop_id, stem))
    current = old["version"] if old is not None and old["deleted_at"] is None else 0
    if expected_version is not None and expected_version != current:
        raise ConflictError("error.stale_version", current=old, version=expected_version, current_version=current)
    return old


def _insert(tx: Tx, row: dict[str, Any]) -> None:
    tx.execute(f"INSERT INTO {TABLE} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def _update(tx: Tx, word_id: str, values: dict[str, Any]) -> None:
    """Change a row (bringing it back from the trash) and bump its version."""
    sets = ", ".join(f"{column} = ?" for column in values)
    tx.execute(f"UPDATE {TABLE} SET {sets}, deleted_at = NULL, version = version + 1, "
               "updated_at = current_localtimestamp() WHERE id = ?", [*values.values(), word_id])


def _logged_and_placed(tx: Tx, workshop_id: str, word_id: str, action: str, old: dict[str, Any] | None) -> int:
    new = tx.record(TABLE, word_id)
    tx.log(TABLE, word_id, action, workshop_id=workshop_id, version=new["version"], old=old, new=new)
    place(tx, workshop_id, _effective(tx.execute, workshop_id))
    return new["version"]


# -- placing comments -------------------------------------------------------------------------------------------
# The rule of the module docstring as one query over `comments` (comment_no, text), spliced in by code. Each stem
# is looked for by one of its words, its anchor (a phrase's longest word): every word of a comment is looked up
# under its first letters (3, or fewer for a shorter anchor) by a hash join, then kept where it really starts with
# the anchor. Only for a phrase found so are its other words checked, against the words around the anchor. No
# comparison of every word with every stem, and the short words of phrases ("в", "не") are never looked up alone.
_PLACEMENT = """
WITH comments AS ({comments}),
dictionary AS MATERIALIZED (
    SELECT unnest(range(1, len(stems) + 1)) AS word_no, unnest(stems) AS stem, unnest(stages) AS stage,
           unnest(exps) AS exps
    FROM (SELECT CAST($stems AS VARCHAR[]) AS stems, CAST($stages AS VARCHAR[]) AS stages,
                 CAST($exps AS VARCHAR[][]) AS exps)         -- typed: an empty list alone has no type
),
parts AS MATERIALIZED (  -- the words of each stem (a phrase has several), numbered
    SELECT word_no, unnest(split) AS part, unnest(range(1, len(split) + 1)) AS part_no, len(split) AS parts
    FROM (SELECT word_no, string_split(stem, ' ') AS split FROM dictionary)
),
anchors AS (
    SELECT *, left(part, 3) AS lookup FROM parts
    QUALIFY row_number() OVER (PARTITION BY word_no ORDER BY length(part) DESC, part_no) = 1
),
words AS MATERIALIZED (  -- the words of each comment with their place in it
    SELECT comment_no, unnest(found) AS word, unnest(range(1, len(found) + 1)) AS pos
    FROM (SELECT comment_no, regexp_extract_all(replace(lower(text), 'ё', 'е'), '[a-zа-я0-9]+') AS found
          FROM comments)
),
lookups AS (
    SELECT w.comment_no, w.pos, w.word, left(w.word, k.n) AS lookup
    FROM words w JOIN (SELECT DISTINCT length(lookup) AS n FROM anchors) k ON length(w.word) >= k.n
),
found AS MATERIALIZED (  -- a stem's anchor on a word of the comment; `start` is where the stem would begin
    SELECT l.comment_no, a.word_no, l.pos - a.part_no + 1 AS start, a.parts
    FROM lookups l JOIN anchors a ON l.lookup = a.lookup
    WHERE starts_with(l.word, a.part)
),
hits AS MATERIALIZED (   -- a stem found: a single word, or a phrase whose every word starts the word in its place
    SELECT comment_no, word_no, start FROM found WHERE parts = 1
    UNION ALL
    SELECT f.comment_no, f.word_no, f.start
    FROM (SELECT * FROM found WHERE parts > 1) f
    JOIN parts p ON p.word_no = f.word_no
    JOIN words w ON w.comment_no = f.comment_no AND w.pos = f.start + p.part_no - 1
    WHERE starts_with(w.word, p.part)
    GROUP BY f.comment_no, f.word_no, f.start, f.parts HAVING count(*) = f.parts
),
stages AS (
    SELECT comment_no, stage FROM (
        SELECT h.comment_no, d.stage, count(DISTINCT h.start) AS score, min(h.start) AS first_hit
        FROM hits h JOIN dictionary d USING (word_no) WHERE d.stage IS NOT NULL GROUP BY h.comment_no, d.stage)
    QUALIFY row_number() OVER (PARTITION BY comment_no
                               ORDER BY score DESC, first_hit, list_position($stage_order, stage)) = 1
),
expectations AS (
    SELECT comment_no, list(expectation ORDER BY list_position($expectation_order, expectation)) AS expectations
    FROM (SELECT DISTINCT h.comment_no, unnest(d.exps) AS expectation FROM hits h JOIN dictionary d USING (word_no))
    GROUP BY comment_no
)
SELECT c.comment_no, s.stage, coalesce(e.expectations, CAST([] AS VARCHAR[])) AS expectations
FROM comments c LEFT JOIN stages s USING (comment_no) LEFT JOIN expectations e USING (comment_no)
"""

_STORED_COMMENTS = """
    SELECT rowid AS comment_no, text FROM feedback
    WHERE workshop_id = $workshop_id AND (CAST($load_id AS VARCHAR) IS NULL OR load_id = $load_id)"""

_GIVEN_TEXTS = """
    SELECT unnest(range(1, len(texts) + 1)) AS comment_no, unnest(texts) AS text
    FROM (SELECT CAST($texts AS VARCHAR[]) AS texts)"""

_PLACE = f"""
UPDATE feedback SET stage = placed.stage, expectations = placed.expectations
FROM ({_PLACEMENT.format(comments=_STORED_COMMENTS)}) AS placed
WHERE feedback.rowid = placed.comment_no
  AND (feedback.stage IS DISTINCT FROM placed.stage OR feedback.expectations IS DISTINCT FROM placed.expectations)
"""


def _dictionary_params(words: Sequence[Word]) -> dict[str, Any]:
    """The dictionary bound as parallel lists, with the method's orders the ties and the expectations follow."""
    return {"stems": [w.stem for w in words], "stages": [w.stage for w in words],
            "exps": [list(w.expectations) for w in words],
            "stage_order": list(STAGES), "expectation_order": list(EXPECTATIONS)}


def place(tx: Tx, workshop_id: str, words: Sequence[Word], load_id: str | None = None) -> None:
    """Set `stage` and `expectations` of the workshop's comments (of one load, given `load_id`) by the dictionary
    `words`, in one UPDATE inside the caller's transaction; rows that keep their placement are not written."""
    tx.execute(_PLACE, {**_dictionary_params(words), "workshop_id": workshop_id, "load_id": load_id})


def place_texts(texts: Sequence[str], words: Sequence[Word] | None = None
                ) -> list[tuple[str | None, tuple[str, ...]]]:
    """(stage, expectations) of each text by the dictionary (the default one unless given): the very query
    `place` runs, over these texts in a throwaway database. For previews and tests."""
    words = default_words() if words is None else words
    params = {**_dictionary_params(words), "texts": [str(text) for text in texts]}
    _, rows = inspect_file(_PLACEMENT.format(comments=_GIVEN_TEXTS) + "ORDER BY c.comment_no", params)
    return [(stage, tuple(expectations)) for _, stage, expectations in rows]


def explain(text: str, words: Sequence[Word] | None = None) -> list[Word]:
    """The dictionary's words that hit in the text, by where they first hit: why a comment sits where it does."""
    words = default_words() if words is None else words
    found = tokens(text)
    first: dict[Word, int] = {}
    for word in words:
        parts = word.stem.split(" ")
        for start in range(len(found) - len(parts) + 1):
            if all(found[start + i].startswith(part) for i, part in enumerate(parts)):
                first[word] = start
                break
    return sorted(first, key=first.get)
