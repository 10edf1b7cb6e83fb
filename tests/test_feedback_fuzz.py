"""Bad input as feedback: every damaged, hostile or odd file of the base loader's fuzz cases (tests/test_ingest_fuzz.py)
through `feedback.load` ends in one clear line or in a load whose rejects each have a reason, within a hang guard,
and the feedback loaded before stays exactly as it was."""
from __future__ import annotations

import time

import pytest

from cxcore import feedback, workshop
from cxcore.errors import IngestError
from tests.test_ingest_fuzz import CASES, HANG_GUARD_S, assert_one_line

FIRST = "Отзыв;Клиент;Оценка\nДоставка опоздала;A;1\nВсё отлично;B;5\n"


def kept(store, workshop_id) -> list[tuple]:
    return store.query("SELECT load_id, row_no, text, rating, sentiment FROM feedback WHERE workshop_id = ? "
                       "ORDER BY row_no", [workshop_id])


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_as_feedback_ends_clearly_and_keeps_what_was_loaded(store, tmp_path, name):
    shop = workshop.create(store, "W")
    first = tmp_path / "first.csv"
    first.write_text(FIRST, encoding="utf-8")
    feedback.load(store, first, workshop_id=shop.id)
    before = kept(store, shop.id)
    path = CASES[name].make(tmp_path)
    started = time.monotonic()
    try:
        report = feedback.load(store, path, workshop_id=shop.id)
    except IngestError as error:
        assert_one_line(error)
        assert kept(store, shop.id) == before
    else:
        assert report.rows_read == report.rows_loaded + report.rows_rejected
        for reject in report.rejects:
            for lang in ("en", "ru"):
                assert "\n" not in reject.text(lang) and not reject.text(lang).startswith("reject."), reject
        assert [row for row in kept(store, shop.id) if row[0] == before[0][0]] == before  # another file: added
    assert time.monotonic() - started < HANG_GUARD_S, name
