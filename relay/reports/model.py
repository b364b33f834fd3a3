"""The monthly report's data: the month, and one frozen dataclass per section.

`MonthlyReport.to_dict()` is the one serialisation, to the JSON structure documented in the
README ("Monthly report"): JSON and CSV are both written from it. Its keys are the dataclasses'
field names, in the order they are declared here, so renaming or reordering a field changes a
public contract.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from relay.surveys.results import TEXT_ONLY, SurveyResult

BAD_MONTH_TEXT = "« {text} » n'est pas un mois AAAA-MM (par exemple 2026-11)."
BAD_YEAR_TEXT = "« {text} » n'est pas une année AAAA (par exemple 2026)."


class ReportError(ValueError):
    """A bad month; the message is French."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        try:
            year, month = (int(part) for part in text.strip().split("-"))
            if not (2000 <= year <= 2100 and 1 <= month <= 12):
                raise ValueError
        except ValueError:
            raise ReportError(BAD_MONTH_TEXT.format(text=text.strip()[:20])) from None
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def start(self, zone: tzinfo) -> datetime:
        """Midnight on the 1st, in the zone, as UTC."""
        return datetime(self.year, self.month, 1, tzinfo=zone).astimezone(UTC)

    def period(self, zone: tzinfo) -> tuple[datetime, datetime]:
        return self.start(zone), self.shift(1).start(zone)

    @property
    def months(self) -> tuple["Month", ...]:
        return (self,)

    @property
    def last(self) -> "Month":
        return self


@dataclass(frozen=True, order=True)
class Year:
    """A calendar year: the annual evaluation's report (`relay report --year 2026`)."""

    year: int

    @classmethod
    def parse(cls, text: str) -> "Year":
        try:
            year = int(text.strip())
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise ReportError(BAD_YEAR_TEXT.format(text=text.strip()[:20])) from None
        return cls(year)

    def __str__(self) -> str:
        return f"{self.year:04d}"

    def start(self, zone: tzinfo) -> datetime:
        return Month(self.year, 1).start(zone)

    def period(self, zone: tzinfo) -> tuple[datetime, datetime]:
        return self.start(zone), Month(self.year + 1, 1).start(zone)

    @property
    def months(self) -> tuple[Month, ...]:
        return tuple(Month(self.year, m) for m in range(1, 13))

    @property
    def last(self) -> Month:
        return Month(self.year, 12)


# What a report covers: a month, or a calendar year.
Span = Month | Year


@dataclass(frozen=True)
class Period:
    """The month's bounds, in the report's zone."""

    start: datetime
    end: datetime
    timezone: str


@dataclass(frozen=True)
class Information:
    """Announcements relayed during the month (meeting messages excluded)."""

    total: int
    by_source: Mapping[str, int]
    by_kind: Mapping[str, int]
    by_theme: Mapping[str, int]


@dataclass(frozen=True)
class DeliveryCounts:
    delivered: int
    failed: int
    unreachable: int


@dataclass(frozen=True)
class Deliveries:
    """The messages of the information relayed, and the meeting notices delivered."""

    total: DeliveryCounts
    by_platform: Mapping[str, DeliveryCounts]
    chats_reached: int
    chats_reached_by_platform: Mapping[str, int]
    meeting_notices_delivered: int


@dataclass(frozen=True)
class RelayRequests:
    """Partners' proposals received during the month, by what became of them."""

    received: int
    accepted: int
    refused: int
    pending: int


@dataclass(frozen=True)
class SubscriberCounts:
    total: int
    new: int
    left: int

    @classmethod
    def sum(cls, counts: Iterable["SubscriberCounts"]) -> "SubscriberCounts":
        rows = list(counts)
        return cls(
            total=sum(c.total for c in rows),
            new=sum(c.new for c in rows),
            left=sum(c.left for c in rows),
        )


@dataclass(frozen=True)
class Subscribers:
    by_theme: Mapping[str, SubscriberCounts]
    by_platform: Mapping[str, SubscriberCounts]


@dataclass(frozen=True)
class QuestionCount:
    question: str
    count: int


@dataclass(frozen=True)
class Directory:
    """The "où trouver…" questions asked during the month."""

    questions: int
    unanswered: int
    top_questions: tuple[QuestionCount, ...]
    top_unanswered: tuple[QuestionCount, ...]
    web_searches: int  # searches on the web site (no visitor data kept)
    web_entry_views: int  # entry pages shown on the web site
    # Questions by who asked, as their profile said: professionnel, habitant, inconnu.
    questions_by_asker: Mapping[str, int]


@dataclass(frozen=True)
class RsvpCounts:
    yes: int
    maybe: int
    no: int


@dataclass(frozen=True)
class Meetings:
    held: int
    held_by_kind: Mapping[str, int]
    cancelled: int
    rsvps: RsvpCounts
    participants: int
    meetings_with_participants: int


@dataclass(frozen=True)
class FeedInError:
    name: str
    url: str
    failures: int
    last_error: str


@dataclass(frozen=True)
class Partners:
    """Who takes part in the CLS through relay, at the end of the period."""

    total: int  # people and chats with a profile or a subscription
    by_type: Mapping[str, int]  # profiles by kind of structure, every slug present


@dataclass(frozen=True)
class MonthlyReport:
    month: Span  # a month ("2026-10"), or a year ("2026") for the annual report
    period: Period
    information: Information
    deliveries: Deliveries
    relay_requests: RelayRequests
    subscribers: Subscribers
    directory: Directory
    meetings: Meetings
    feeds_in_error: tuple[FeedInError, ...]
    partners: Partners
    surveys: tuple[SurveyResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON structure: plain dictionaries, lists, strings and numbers."""
        plain = _plain(self)
        assert isinstance(plain, dict)
        return plain


def _plain(value: object) -> Any:
    if isinstance(value, Month | Year):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {
            item.name: _plain(getattr(value, item.name))
            for item in fields(value)
            if not item.metadata.get(TEXT_ONLY)
        }
    if isinstance(value, Mapping):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(inner) for inner in value]
    return value
