"""The monthly relay report: the CLS indicators for one month, and its sending on the 1st.

`build_report` gathers every number with aggregate queries (relay.store.reports); the result is a
plain dictionary with stable keys (documented in the README), rendered as French text, JSON or
CSV by relay.reports.formats, with a chart from relay.reports.chart.
"""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from relay.delivery.notices import Notices
from relay.meetings.service import KINDS
from relay.messages import AnnouncementKind, Attachment, ChatKind, ChatRef, Reply
from relay.reports import chart as report_chart
from relay.reports import formats as report_formats
from relay.settings import Settings
from relay.states import AnnouncementSource
from relay.store import directory as directory_store
from relay.store import reports as store
from relay.store import sitecounts
from relay.store.db import Database
from relay.store.dialect import insert_ignoring_duplicates
from relay.store.models import utcnow
from relay.store.models_schedule import ReportRun
from relay.themes import ALL_THEMES, ThemeCatalogue

log = logging.getLogger(__name__)

INFORMATION_SOURCES = (
    AnnouncementSource.COORDINATOR,
    AnnouncementSource.PROPOSAL,
    AnnouncementSource.FEED,
)
PLATFORMS = ("telegram", "slack", "console")
DELIVERY_STATES = {"sent": "delivered", "failed": "failed", "gone": "unreachable"}
TOP = 10
CHART_MONTHS = 12
SEND_HOUR = 8
SEND_GRACE = timedelta(days=3)  # relay down on the 1st: the report still goes within this time

BAD_MONTH = "« {text} » n'est pas un mois AAAA-MM (par exemple 2026-11)."
FUTURE_MONTH = "Le mois {month} n'a pas encore commencé."


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
            raise ReportError(BAD_MONTH.format(text=text.strip()[:20])) from None
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


def previous_month(now: datetime, zone: tzinfo) -> Month:
    return Month.of(now.astimezone(zone).date()).shift(-1)


def _zeroed(keys: tuple[str, ...] | list[str], counts: Counter[str]) -> dict[str, int]:
    result = {key: counts[key] for key in keys}
    result.update({k: v for k, v in sorted(counts.items()) if k not in result})
    return result


def _theme_keys(catalogue: ThemeCatalogue) -> list[str]:
    return [t.slug for t in catalogue] + [ALL_THEMES]


async def build_report(
    db: Database, settings: Settings, catalogue: ThemeCatalogue, month: Month, now: datetime
) -> dict[str, Any]:
    """Every indicator of one month (in RELAY_TIMEZONE), as a JSON-ready dictionary."""
    zone = settings.zone
    if month.start(zone) > now:
        raise ReportError(FUTURE_MONTH.format(month=month))
    period = month.period(zone)
    themes = _theme_keys(catalogue)
    async with db.read() as session:
        by_source = await store.relayed_by(session, INFORMATION_SOURCES, period, "source")
        by_kind = await store.relayed_by(session, INFORMATION_SOURCES, period, "kind")
        by_theme = await store.relayed_by_theme(session, INFORMATION_SOURCES, period)
        delivery_counts, reached = await store.deliveries(session, INFORMATION_SOURCES, period)
        notices = await store.delivered_count(session, (AnnouncementSource.MEETING,), period)
        requests = await store.requests_by_status(session, AnnouncementSource.PROPOSAL, period)
        subscriptions = await store.subscriptions_by_theme(session, period)
        chats = await store.chats_by_platform(session, period)
        asked, unanswered = await store.questions(session, period)
        archived = await directory_store.archived_query_counts(session, str(month))
        site = await sitecounts.of_month(session, str(month))
        asked, unanswered = asked + archived[0], unanswered + archived[1]
        top = await store.top_questions(session, period, TOP, unanswered_only=False)
        top_unanswered = await store.top_questions(session, period, TOP, unanswered_only=True)
        held = await store.meetings_held(session, period, now)
        cancelled = await store.meetings_cancelled(session, period)
        participants, counted = await store.participants(session, period, now)
        answers = await store.rsvps(session, period, now)
        broken = await store.feeds_in_error(session)
    by_platform = {
        platform: {
            name: delivery_counts.get(platform, Counter())[state]
            for state, name in DELIVERY_STATES.items()
        }
        for platform in sorted(set(PLATFORMS) | delivery_counts.keys())
    }
    totals = Counter[str]()
    for counts in by_platform.values():
        totals.update(counts)
    start, end = period
    return {
        "month": str(month),
        "period": {
            "start": start.astimezone(zone).isoformat(),
            "end": end.astimezone(zone).isoformat(),
            "timezone": settings.timezone,
        },
        "information": {
            "total": sum(by_source.values()),
            "by_source": _zeroed(INFORMATION_SOURCES, by_source),
            "by_kind": _zeroed([k.value for k in AnnouncementKind], by_kind),
            "by_theme": _zeroed(themes, by_theme),
        },
        "deliveries": {
            "total": {name: totals[name] for name in DELIVERY_STATES.values()},
            "by_platform": by_platform,
            "chats_reached": sum(reached.values()),
            "chats_reached_by_platform": _zeroed(sorted(by_platform), reached),
            "meeting_notices_delivered": notices,
        },
        "relay_requests": {
            "received": sum(requests.values()),
            "accepted": requests["queued"],
            "refused": requests["rejected"],
            "pending": requests["proposed"],
        },
        "subscribers": {
            "by_theme": {
                theme: _zeroed(("total", "new", "left"), subscriptions.get(theme, Counter()))
                for theme in themes
            },
            "by_platform": {
                platform: _zeroed(("total", "new", "left"), chats.get(platform, Counter()))
                for platform in sorted(set(PLATFORMS) | chats.keys())
            },
        },
        "directory": {
            "questions": asked,
            "unanswered": unanswered,
            "top_questions": [{"question": q, "count": n} for q, n in top],
            "top_unanswered": [{"question": q, "count": n} for q, n in top_unanswered],
            "web_searches": site[sitecounts.SEARCHES],
            "web_entry_views": site[sitecounts.ENTRY_VIEWS],
        },
        "meetings": {
            "held": sum(held.values()),
            "held_by_kind": _zeroed(KINDS, held),
            "cancelled": cancelled,
            "rsvps": _zeroed(("yes", "maybe", "no"), answers),
            "participants": participants,
            "meetings_with_participants": counted,
        },
        "feeds_in_error": [
            {"name": name, "url": url, "failures": failures, "last_error": error}
            for name, url, failures, error in broken
        ],
    }


async def build_chart(
    db: Database, settings: Settings, catalogue: ThemeCatalogue, month: Month
) -> bytes:
    """The PNG: items relayed by theme over the twelve months ending with `month`."""
    months = [month.shift(i - CHART_MONTHS + 1) for i in range(CHART_MONTHS)]
    bounds = [m.start(settings.zone) for m in months] + [month.shift(1).start(settings.zone)]
    async with db.read() as session:
        per_theme, totals = await store.relayed_by_month_and_theme(
            session, INFORMATION_SOURCES, bounds
        )
    return report_chart.render(months, per_theme, totals, catalogue)


async def chat_report(
    db: Database, settings: Settings, catalogue: ThemeCatalogue, month: Month, now: datetime
) -> Reply:
    """The report as coordinators receive it in chat: French text, the chart attached."""
    report = await build_report(db, settings, catalogue, month, now)
    chart = await build_chart(db, settings, catalogue, month)
    text = report_formats.text(report, catalogue)
    return Reply(text, attachment=Attachment(f"rapport-{month}.png", chart, "image/png"))


def last_send_time(now: datetime, zone: tzinfo) -> datetime:
    """The most recent 1st-of-the-month, 08:00 (in the zone) at or before `now`."""
    local = now.astimezone(zone)
    moment = datetime(local.year, local.month, 1, SEND_HOUR, tzinfo=zone)
    if moment > local:
        previous = Month.of(local.date()).shift(-1)
        moment = datetime(previous.year, previous.month, 1, SEND_HOUR, tzinfo=zone)
    return moment.astimezone(UTC)


async def send_monthly(
    db: Database,
    settings: Settings,
    catalogue: ThemeCatalogue,
    notices: Notices,
    clock: Callable[[], datetime] = utcnow,
) -> Month | None:
    """Send the previous month's report to every coordinator, once (whichever process runs it,
    however often): the month is recorded before sending. Returns the month sent, if any."""
    now = clock()
    due = last_send_time(now, settings.zone)
    if now - due > SEND_GRACE:
        return None
    month = previous_month(due + timedelta(hours=1), settings.zone)
    async with db.write() as session:
        row = [{"month": str(month), "sent_at": now}]
        inserted = await session.execute(
            insert_ignoring_duplicates(session, ReportRun, row, ["month"])
        )
        if not getattr(inserted, "rowcount", 0):
            return None
    reply = await chat_report(db, settings, catalogue, month, now)
    for coordinator in sorted(settings.coordinators):
        chat = ChatRef(coordinator.platform, coordinator.user_id, ChatKind.PRIVATE)
        if not await notices.notify(chat, reply):
            log.warning("monthly report %s not delivered to %s", month, coordinator)
    return month
