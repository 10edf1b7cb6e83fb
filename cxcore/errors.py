"""The errors cxcore raises: small named classes with a message a user can act on, in both languages."""
from __future__ import annotations

from typing import Any


class CxError(Exception):
    """Base of every cxcore error; the message comes from the translation table."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from cxcore.i18n import t

        return t(self.key, lang, **self.params)


class StoreError(CxError):
    """The database could not be opened or a statement failed."""


class NotFound(CxError):
    """A workshop or record that does not exist (or was deleted)."""


class ConflictError(CxError):
    """An update was based on a stale version; `current` holds the record as it is now."""

    def __init__(self, key: str, current: dict[str, Any] | None = None, **params: Any) -> None:
        self.current = current or {}
        super().__init__(key, **params)


class IngestError(CxError):
    """A file that cannot be loaded as a customer base (not a table, no usable columns…)."""


class RfmError(CxError):
    """RFM settings that cannot be used (a rule table with gaps, thresholds out of order…) or no data to score."""


class JourneyError(CxError):
    """A journey card or document that breaks a rule (a score outside 1–5, no expectation, unknown key…);
    `field` in the params names where."""


class MaturityError(CxError):
    """CX maturity ratings that cannot be used: a score outside 1–5, a practice outside 1–20, an unusable CSV file
    (the message names the row, counting the header as row 1)."""


class RoadmapError(CxError):
    """A roadmap item, KPI value, business-case assumption or contact policy that breaks a rule (a score outside
    1–5, a share outside 0–1, an unknown horizon…); `field` in the params names where."""


class VoteError(CxError):
    """A dot that cannot be cast or taken back: the vote is closed or not opened, the voter has no dots left…"""


class RoomError(CxError):
    """A room action that breaks a rule (a timer outside 0.5–180 minutes, an unknown page or stage, a name that is
    not a name…); `field` in the params names where."""


class AgendaError(CxError):
    """An agenda block that breaks a rule (day not 1 or 2, a time that is not HH:MM…); `field` names where."""


class ParkingError(CxError):
    """A parking-lot item that breaks a rule (empty text, an unknown kind or status…); `field` names where."""


class CompareError(CxError):
    """Two workshops that cannot be compared: one workshop twice, two different clients, or the later given first."""


class BackupError(CxError):
    """A backup file that cannot be restored (not a ZIP, not ours, damaged, from a newer app) or a restore that
    would clash with the database (a workshop of that name exists); nothing is written."""


class PersonaError(CxError):
    """A persona or a personalisation action that breaks a rule (a name too long, more than 8 quotes, an unknown
    expectation or kind…); `field` in the params names where."""


class VocError(CxError):
    """Feedback or its dictionary used wrongly: an unknown stage or expectation, a stem too short, a placement of a
    comment the workshop does not hold."""
