"""CX maturity scoring as METHOD.md says, from any set of ratings (no database here; the ratings of a workshop
live in `maturity_ratings`, the CSV form in `maturity_io`).

- A practice's score is the mean of its ratings; "don't know" (score None) is not a rating.
- A competency's score is the mean of the scores of its practices that have one. A practice nobody rated is
  left out of that mean (the page lists it as unrated).
- A competency with no rated practice at all has no score (None). METHOD.md's total is the sum of the six
  competency scores on the 6–30 scale; counting a missing one as 0 would fall below the scale and as 1 would
  invent an answer, so then the total and the stage are None too and `missing` names the competencies
  still to rate.
- Everything is computed exactly (fractions) and the stage is chosen from the exact total: 14.99 is
  Investigate, 15 is Initiate. The numbers returned are those exact values as floats, never rounded;
  `fmt_score` rounds to 2 decimals for display.
- Spread: the population standard deviation (÷ n) of a practice's ratings: the room is the whole group whose
  disagreement is shown, not a sample of a larger one, and one rating has a spread of 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Iterable, Sequence

from cxcore.i18n import fmt_number, t
from cxcore.maturity_model import (BY_NUMBER, COMPETENCIES, PRACTICES, STAGES, STAGE_BOUNDS, TOTAL_MAX,
                                   competency_name, practices_of, stage_name, stage_of)

if TYPE_CHECKING:
    import pandas as pd

ROADMAP_BELOW = Fraction(5, 2)  # a practice scored below 2.5 is offered to the roadmap
WEAKEST = 2  # ... and so are the two weakest competencies


def respondent_key(name: str) -> str:
    """Who a name means: spaces trimmed and collapsed, case ignored ("ольга  иванова" is "Ольга Иванова")."""
    return " ".join(str(name).split()).casefold()


def clean_name(name: str) -> str:
    return " ".join(str(name).split())


@dataclass(frozen=True)
class Rating:
    """One respondent's answer on one practice: a score 1–5, or None for "don't know"."""
    respondent: str
    practice: int
    score: int | None


@dataclass(frozen=True)
class PracticeScore:
    practice: int
    competency: str
    score: float | None  # mean of the ratings; None if nobody rated it
    rated: int  # how many respondents gave a score
    unknown: int  # how many answered "don't know"
    min: int | None
    max: int | None
    std: float | None  # population standard deviation of the ratings
    exact: Fraction | None = None

    @property
    def range(self) -> int | None:
        return None if self.min is None else self.max - self.min


@dataclass(frozen=True)
class CompetencyScore:
    key: str
    score: float | None  # mean of its rated practices' scores; None if none is rated
    rated_practices: int
    exact: Fraction | None = None


@dataclass(frozen=True)
class MaturityResult:
    practices: tuple[PracticeScore, ...]  # all 20, by number
    competencies: tuple[CompetencyScore, ...]  # all 6, in METHOD order
    total: float | None  # sum of the six competency scores (6–30); None while one has no score
    stage: str | None
    respondents: tuple[str, ...]  # everyone with at least one answer (a score or "don't know")
    exact_total: Fraction | None = None

    def practice(self, number: int) -> PracticeScore:
        return self.practices[number - 1]

    def competency(self, key: str) -> CompetencyScore:
        return self.competencies[COMPETENCIES.index(key)]

    @property
    def missing(self) -> tuple[str, ...]:
        """Competencies with no rated practice (while any is, there is no total)."""
        return tuple(c.key for c in self.competencies if c.score is None)

    @property
    def unrated(self) -> tuple[int, ...]:
        """Practices nobody has rated yet."""
        return tuple(p.practice for p in self.practices if p.score is None)

    @property
    def complete(self) -> bool:
        return self.total is not None

    def to_json(self) -> dict:
        """The shape `python -m cxcore maturity score` prints (numbers unrounded)."""
        return {"practices": {str(p.practice): p.score for p in self.practices},
                "competencies": {c.key: c.score for c in self.competencies},
                "total": self.total, "stage": self.stage, "respondents": len(self.respondents)}


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _mean(values: Sequence[Fraction | int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def score(ratings: Iterable[Rating]) -> MaturityResult:
    """Score a set of ratings (a later rating of the same respondent and practice replaces an earlier one)."""
    answers: dict[tuple[str, int], Rating] = {}
    names: dict[str, str] = {}
    for rating in ratings:
        if rating.practice not in BY_NUMBER:
            raise ValueError(f"practice must be 1–20, got {rating.practice!r}")
        if rating.score is not None and rating.score not in (1, 2, 3, 4, 5):
            raise ValueError(f"score must be 1–5 or None, got {rating.score!r}")
        key = respondent_key(rating.respondent)
        names.setdefault(key, clean_name(rating.respondent))
        answers[(key, rating.practice)] = rating
    by_practice: dict[int, list[int | None]] = {p.number: [] for p in PRACTICES}
    for (_, practice), rating in answers.items():
        by_practice[practice].append(rating.score)
    practices = tuple(_practice(p.number, by_practice[p.number]) for p in PRACTICES)
    competencies = []
    for key in COMPETENCIES:
        scored = [practices[p.number - 1].exact for p in practices_of(key) if practices[p.number - 1].exact is not None]
        mean = _mean(scored)
        competencies.append(CompetencyScore(key, _float(mean), len(scored), mean))
    total = None if any(c.exact is None for c in competencies) else sum(c.exact for c in competencies)
    return MaturityResult(practices, tuple(competencies), _float(total), stage_of(total), tuple(names.values()),
                          total)


def _practice(number: int, answers: list[int | None]) -> PracticeScore:
    scores = [s for s in answers if s is not None]
    mean = _mean(scores)
    std = None
    if mean is not None:
        variance = sum((s - mean) ** 2 for s in scores) / len(scores)
        std = math.sqrt(variance)
    return PracticeScore(number, BY_NUMBER[number].competency, _float(mean), len(scores), len(answers) - len(scores),
                         min(scores, default=None), max(scores, default=None), std, mean)


def widest_spread(result: MaturityResult, limit: int | None = 5) -> list[PracticeScore]:
    """Where the room disagrees: practices with at least two ratings and some spread, widest first (by standard
    deviation, then range, then number)."""
    found = [p for p in result.practices if p.rated >= 2 and p.std]
    found.sort(key=lambda p: (-p.std, -p.range, p.practice))
    return found if limit is None else found[:limit]


# -- roadmap candidates ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoadmapCandidate:
    """An item offered to the roadmap: a weak competency or a practice scored below 2.5; the owner is set later."""
    kind: str  # competency | practice
    key: str  # the competency's key, or the practice's number as text
    score: float
    text: str  # prefilled in the workshop's language
    owner: str = ""


def roadmap_candidates(result: MaturityResult, lang: str) -> list[RoadmapCandidate]:
    """The two weakest competencies (weakest first; ties in METHOD order), then every practice scored below 2.5
    (lowest first; ties by number)."""
    scored = [c for c in result.competencies if c.exact is not None]
    weakest = sorted(scored, key=lambda c: (c.exact, COMPETENCIES.index(c.key)))[:WEAKEST]
    found = [RoadmapCandidate("competency", c.key, c.score,
                              t("maturity.candidate.competency", lang, name=competency_name(c.key, lang),
                                score=fmt_score(c.score, lang)))
             for c in weakest]
    low = sorted((p for p in result.practices if p.exact is not None and p.exact < ROADMAP_BELOW),
                 key=lambda p: (p.exact, p.practice))
    found += [RoadmapCandidate("practice", str(p.practice), p.score,
                               t("maturity.candidate.practice", lang, number=p.practice,
                                 name=BY_NUMBER[p.practice].name(lang), score=fmt_score(p.score, lang)))
              for p in low]
    return found


# -- against an earlier result ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CompetencyDelta:
    key: str
    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        return None if self.current is None or self.previous is None else self.current - self.previous


def side_by_side(current: MaturityResult, previous: MaturityResult) -> tuple[CompetencyDelta, ...]:
    """Both results competency by competency (METHOD order)."""
    return tuple(CompetencyDelta(c.key, c.score, p.score) for c, p in zip(current.competencies, previous.competencies))


# -- display --------------------------------------------------------------------------------------------------
def fmt_score(value: float | Fraction | None, lang: str) -> str:
    """A score shown to 2 decimals, half up, in the language's style: 2.125 → "2,13" / "2.13"; None → "—".

    A float is first read back as the mean it stands for (a fraction with a small denominator), so a mean of
    exactly x.xx5 rounds up even where its float is a hair below."""
    if value is None:
        return "—"
    exact = value if isinstance(value, Fraction) else Fraction(value).limit_denominator(1_000_000)
    return fmt_number(math.floor(exact * 100 + Fraction(1, 2)) / 100, lang, 2)


@dataclass(frozen=True)
class StageBand:
    stage: str
    name: str
    low: float  # reached from here ...
    high: float  # ... up to (not including) here; the last band ends at the scale's top


def stage_bands(lang: str, per_competency: bool = False) -> list[StageBand]:
    """The five stages as bands on the total scale (6–30), or per competency (bounds ÷ 6, 1–5): the average a
    competency bar would need if all six were equal, for drawing bands behind the competency bars."""
    div = len(COMPETENCIES) if per_competency else 1
    bounds = [STAGE_BOUNDS[s] for s in STAGES] + [TOTAL_MAX]
    return [StageBand(s, stage_name(s, lang), bounds[i] / div, bounds[i + 1] / div) for i, s in enumerate(STAGES)]


def competency_frame(result: MaturityResult, lang: str) -> "pd.DataFrame":
    """One row per competency (METHOD order): key, name, score (None if unrated), rated practices."""
    import pandas as pd

    return pd.DataFrame({"key": list(COMPETENCIES),
                         "name": [competency_name(k, lang) for k in COMPETENCIES],
                         "score": [c.score for c in result.competencies],
                         "rated_practices": [c.rated_practices for c in result.competencies]})


def practice_frame(result: MaturityResult, lang: str) -> "pd.DataFrame":
    """One row per practice: number, competency, name, score, rated, unknown, min, max, std (population)."""
    import pandas as pd

    return pd.DataFrame([{"practice": p.practice, "competency": p.competency,
                          "name": BY_NUMBER[p.practice].name(lang), "score": p.score, "rated": p.rated,
                          "unknown": p.unknown, "min": p.min, "max": p.max, "std": p.std}
                         for p in result.practices])


def matrix(ratings: Iterable[Rating], respondents: Sequence[str] | None = None,
           unknown: str | None = None) -> "pd.DataFrame":
    """The practice × respondent matrix: index `practice` 1–20, one column per respondent (given order, else first
    appearance), cells the score (nullable integer; empty where not rated). With `unknown` (e.g. "?"), cells of
    "don't know" hold that mark instead (and the frame is of objects)."""
    import pandas as pd

    cells: dict[str, dict[int, int | str | None]] = {}
    for name in respondents or ():
        cells.setdefault(clean_name(name), {})
    keys = {respondent_key(name): name for name in cells}
    for rating in ratings:
        name = keys.setdefault(respondent_key(rating.respondent), clean_name(rating.respondent))
        value = unknown if rating.score is None and unknown is not None else rating.score
        cells.setdefault(name, {})[rating.practice] = value
    index = pd.Index([p.number for p in PRACTICES], name="practice")
    frame = pd.DataFrame({name: [col.get(n) for n in index] for name, col in cells.items()}, index=index)
    return frame if unknown is not None else frame.astype("Int64")
