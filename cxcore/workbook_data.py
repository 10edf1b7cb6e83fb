"""Everything the workbook shows, read once from the store into one plain snapshot (the sheets only lay it out)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cxcore import base, journey, maturity_ratings, workshop
from cxcore.journey_model import Journey
from cxcore.maturity import MaturityResult, clean_name, respondent_key
from cxcore.store import Store
from cxcore.workshop import Workshop

MIGRATION_YEARS = 1  # the Segments sheet's migration: a year before the as-of date -> the as-of date


@dataclass(frozen=True)
class Segments:
    """The RFM of the workshop's base at the default as-of date, and the year's migration (None when the base is
    shorter than a year)."""
    as_of: date
    cut_mode: str
    summary: Any  # pandas frame: RfmResult.summary
    migration: Any | None  # rfm.Migration
    customers: int
    revenue: float
    target_segment: str | None
    rfm: Any = None  # the rfm.RfmResult the summary comes from


@dataclass(frozen=True)
class PersonaCard:
    """A segment's persona: what the room wrote, the figures from the base (None without one) and the plan."""
    persona: Any  # persona.Persona
    figures: Any | None  # persona.PersonaFigures
    actions: tuple = ()  # personalisation.Action, preventive first


@dataclass(frozen=True)
class Snapshot:
    workshop: Workshop
    lang: str
    exported_at: datetime
    journeys: tuple[Journey, ...]
    maturity: MaturityResult
    segments: Segments | None
    items: list = field(default_factory=list)  # roadmap.RoadmapItem, quick wins first
    item_votes: dict[str, int] = field(default_factory=dict)
    actuals: list = field(default_factory=list)  # roadmap.KpiActual
    tally: dict[str, int] = field(default_factory=dict)  # dots per barrier or idea id
    business_case: Any | None = None
    policies: list = field(default_factory=list)
    participants: tuple[str, ...] = ()
    personas: dict[str, PersonaCard] = field(default_factory=dict)  # segment → its persona, in SEGMENTS order

    @property
    def barriers(self) -> int:
        return sum(len(j.barriers) for j in self.journeys)

    @property
    def ideas(self) -> int:
        return sum(len(j.ideas) for j in self.journeys)


def snapshot(store: Store, workshop_id: str, lang: str | None = None) -> Snapshot:
    """Read what the workbook of the workshop shows (in `lang`, default the workshop's language)."""
    from cxcore import business_case, contact_policy, roadmap, votes

    found = workshop.get(store, workshop_id)
    lang = lang or found.language
    journeys = journey.journeys(store, workshop_id)
    tally = votes.tally(store, workshop_id)
    items = roadmap.items(store, workshop_id, tally)
    respondents = maturity_ratings.respondents(store, workshop_id)
    voters = list(votes.turnout(store, workshop_id))
    rfm_segments = segments(store, workshop_id)
    return Snapshot(
        workshop=found, lang=lang, exported_at=datetime.now().replace(microsecond=0), journeys=journeys,
        maturity=maturity_ratings.result(store, workshop_id), segments=rfm_segments,
        items=items, item_votes=roadmap.item_votes(items, tally), actuals=roadmap.actuals(store, workshop_id),
        tally=tally, business_case=business_case.business_case(store, workshop_id, lang),
        policies=contact_policy.policies(store, workshop_id), participants=participants(journeys, respondents, voters),
        personas=persona_cards(store, workshop_id, rfm_segments))


def persona_cards(store: Store, workshop_id: str, rfm_segments: Segments | None) -> dict[str, PersonaCard]:
    """Every segment's persona with its figures (from the RFM already computed) and its personalisation plan."""
    from cxcore import persona, personalisation

    found = persona.figures(store, workshop_id, rfm_segments.rfm) if rfm_segments is not None else {}
    plans = personalisation.by_segment(store, workshop_id)
    return {segment: PersonaCard(who, found.get(segment), tuple(plans[segment]))
            for segment, who in persona.personas(store, workshop_id).items()}


def participants(journeys: tuple[Journey, ...], respondents: list[str], voters: list[str]) -> tuple[str, ...]:
    """Everyone who took part: authors of journey cards, maturity respondents and voters, each once (names
    compared with spaces collapsed and case ignored), in alphabetical order."""
    names: dict[str, str] = {}
    authors = [card.author for j in journeys for card in (*j.touchpoints, *j.barriers, *j.ideas)]
    for name in (*authors, *respondents, *voters):
        text = clean_name(name or "")
        if text:
            names.setdefault(respondent_key(text), text)
    return tuple(sorted(names.values(), key=str.casefold))


def segments(store: Store, workshop_id: str) -> Segments | None:
    """The RFM at the default as-of date with the workshop's settings, and the migration from a year before it
    when the base reaches back that far; None without a base."""
    base_id = base.current_base_id(store, workshop_id)
    if base_id is None:
        return None
    from cxcore import rfm, rfm_settings

    first = store.query_one("SELECT date_min FROM bases WHERE id = ?", [base_id])[0]
    if first is None:  # a base without a row
        return None
    settings = rfm_settings.get(store, workshop_id)
    result = rfm.compute(store, workshop_id, base_id, spec=settings.spec, rules=settings.rules)
    start = year_before(result.as_of)
    moves = None
    if first < start:
        moves = rfm.migration(store, workshop_id, base_id, start, result.as_of, settings.spec, settings.rules)
    frame = result.summary  # every customer of the base is in one segment: its totals are the base's
    return Segments(result.as_of, result.cut_points.mode, frame, moves, int(frame["customers"].sum()),
                    round(float(frame["revenue"].sum()), 2), settings.target_segment, result)


def year_before(day: date) -> date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - MIGRATION_YEARS)
    except ValueError:
        return day.replace(year=day.year - MIGRATION_YEARS, day=28)
