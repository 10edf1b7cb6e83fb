"""How well the keyword dictionary places comments: a labelled set of 160 comments (tests/data/voc_labelled.csv,
121 Russian and 39 English, labelled by hand from their meaning, by someone who had not seen the dictionary).

The set is split in two: the rows at even positions are the half the dictionary may be tuned on, the rows at odd
positions are held out. The held-out figures are the ones to quote; the floors below guard against a dictionary
edit that makes placement worse (they sit a little under the figures measured when the dictionary was tuned).
Run with `-s` to see the figures.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from cxcore import voc_dictionary

LABELLED = Path(__file__).parent / "data" / "voc_labelled.csv"
# Measured on the held-out half when the dictionary was last tuned; a change that falls below fails.
FLOOR = {"stage_accuracy": 0.62, "expectation_f1": 0.51}  # measured: 0.650 and 0.543


@dataclass(frozen=True)
class Score:
    comments: int
    stage_accuracy: float  # the placed stage (or "unplaced") equals the label
    expectation_precision: float  # of the expectations placed, the share labelled
    expectation_recall: float  # of the expectations labelled, the share placed
    exact_expectations: float  # the placed set equals the labelled set

    @property
    def expectation_f1(self) -> float:
        p, r = self.expectation_precision, self.expectation_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (f"{name}: {self.comments} comments, stage {self.stage_accuracy:.1%}, expectations P "
                f"{self.expectation_precision:.1%} R {self.expectation_recall:.1%} F1 {self.expectation_f1:.1%}, "
                f"exact set {self.exact_expectations:.1%}")


def labelled() -> list[dict[str, str]]:
    with open(LABELLED, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score(rows: list[dict[str, str]]) -> Score:
    placed = voc_dictionary.place_texts([r["text"] for r in rows])
    right = hits = placed_count = wanted_count = exact = 0
    for row, (stage, expectations) in zip(rows, placed):
        right += (stage or "unplaced") == row["stage"]
        wanted = {e for e in row["expectations"].split(";") if e}
        got = set(expectations)
        hits += len(wanted & got)
        placed_count += len(got)
        wanted_count += len(wanted)
        exact += wanted == got
    n = len(rows)
    return Score(n, right / n, hits / placed_count if placed_count else 0.0,
                 hits / wanted_count if wanted_count else 0.0, exact / n)


def test_the_labelled_set_is_whole_and_uses_the_methods_keys():
    from cxcore.method import EXPECTATIONS, STAGES

    rows = labelled()
    assert len(rows) == 160
    assert {r["stage"] for r in rows} == {*STAGES, "unplaced"}
    assert {e for r in rows for e in r["expectations"].split(";") if e} == set(EXPECTATIONS)


def test_placement_accuracy_on_the_held_out_half(capsys):
    rows = labelled()
    held_out, tuned_on = score(rows[1::2]), score(rows[0::2])
    with capsys.disabled():
        print()
        print(held_out.line("held-out half"))
        print(tuned_on.line("tuning half"))
        print(score(rows).line("whole set"))
    assert held_out.comments == 80
    assert held_out.stage_accuracy >= FLOOR["stage_accuracy"]
    assert held_out.expectation_f1 >= FLOOR["expectation_f1"]


@pytest.mark.parametrize("lang_rows", ["ru", "en"])
def test_both_languages_are_placed(lang_rows):
    rows = [r for r in labelled() if any("а" <= ch <= "я" for ch in r["text"].lower()) == (lang_rows == "ru")]
    assert score(rows).stage_accuracy > 0.3
