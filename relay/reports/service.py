"""The report for whoever has no database at hand (the coordinator pages): a month's or a
year's numbers, its chart, and the directory's questions left without an answer."""

from dataclasses import dataclass
from datetime import datetime

from relay.reports import monthly
from relay.reports.model import Month, MonthlyReport, QuestionCount, Span
from relay.settings import Settings
from relay.store import reports as store
from relay.store.db import Database
from relay.themes import ThemeCatalogue


@dataclass(frozen=True)
class Unanswered:
    """The directory's questions over a period: how many, how many found nothing, and those
    that found nothing, the most asked first (the unmet needs)."""

    asked: int
    unanswered: int
    questions: tuple[QuestionCount, ...]


class Reports:
    def __init__(self, db: Database, settings: Settings, catalogue: ThemeCatalogue) -> None:
        self.db = db
        self.settings = settings
        self.catalogue = catalogue

    def previous_month(self, now: datetime) -> Month:
        """The month before `now`'s, in the CLS's time zone: the report shown by default."""
        return monthly.previous_month(now, self.settings.zone)

    def current_month(self, now: datetime) -> Month:
        return Month.of(now.astimezone(self.settings.zone).date())

    async def report(self, span: Span, now: datetime) -> MonthlyReport:
        """The same numbers as `relay report` (raises ReportError for a month to come)."""
        return await monthly.build_report(self.db, self.settings, self.catalogue, span, now)

    async def chart(self, span: Span) -> bytes:
        """The report's chart, PNG."""
        return await monthly.build_chart(self.db, self.settings, self.catalogue, span)

    async def unanswered(self, since: Month, now: datetime, limit: int) -> Unanswered:
        """The directory's questions from the start of `since` until `now`."""
        period = (since.start(self.settings.zone), now)
        async with self.db.read() as session:
            asked, without = await store.questions(session, period)
            top = await store.top_questions(session, period, limit, unanswered_only=True)
        return Unanswered(asked, without, tuple(QuestionCount(q, n) for q, n in top))
