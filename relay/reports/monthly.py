"""The monthly relay report: the CLS indicators for one month, and its sending on the 1st.

`build_report` gathers every number with aggregate queries (relay.store.reports), section by
section, into a `MonthlyReport` (relay.reports.model: frozen dataclasses whose `to_dict()` is the
JSON structure documented in the README), rendered as French text, JSON or CSV by
relay.reports.formats, with a chart from relay.reports.chart.
"""

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from relay.delivery.notices import Notices
from relay.meetings.service import KINDS
from relay.messages import AnnouncementKind, Attachment, ChatKind, ChatRef, Reply
from relay.profiles import KINDS as PROFILE_KINDS
from relay.reports import chart as report_chart
from relay.reports import formats as report_formats
from relay.reports.model import (
    Deliveries,
    DeliveryCounts,
    Directory,
    FeedInError,
    Information,
    Meetings,
    Month,
    MonthlyReport,
    Partners,
    Period,
    QuestionCount,
    RelayRequests,
    ReportError,
    RsvpCounts,
    Span,
    SubscriberCounts,
    Subscribers,
)
from relay.settings import Settings
from relay.states import AnnouncementSource, AnnouncementState, Asker, DeliveryState, Rsvp
from relay.store import directory as directory_store
from relay.store import notices as notice_store
from relay.store import profiles as profile_store
from relay.store import reports as store
from relay.store import sitecounts
from relay.store import surveys as survey_store
from relay.store.db import Database
from relay.store.dialect import insert_ignoring_duplicates
from relay.store.models import utcnow
from relay.store.models_schedule import ReportRun
from relay.surveys import results as survey_results
from relay.surveys.results import SurveyResult
from relay.themes import ALL_THEMES, ThemeCatalogue

log = logging.getLogger(__name__)

INFORMATION_SOURCES = (
    AnnouncementSource.COORDINATOR,
    AnnouncementSource.PROPOSAL,
    AnnouncementSource.FEED,
)
PLATFORMS = ("telegram", "slack", "console")
ASKERS = (Asker.PROFESSIONAL, Asker.INHABITANT, Asker.UNKNOWN)
TOP = 10
CHART_MONTHS = 12
SEND_HOUR = 8
SEND_GRACE = timedelta(days=3)  # relay down on the 1st: the report still goes within this time

FUTURE_MONTH_TEXT = "Le mois {month} n'a pas encore commencé."


def previous_month(now: datetime, zone: tzinfo) -> Month:
    return Month.of(now.astimezone(zone).date()).shift(-1)


def _zeroed(keys: tuple[str, ...] | list[str], counts: Counter[str]) -> dict[str, int]:
    result = {key: counts[key] for key in keys}
    result.update({k: v for k, v in sorted(counts.items()) if k not in result})
    return result


def _theme_keys(catalogue: ThemeCatalogue) -> list[str]:
    return [t.slug for t in catalogue] + [ALL_THEMES]


async def build_report(
    db: Database, settings: Settings, catalogue: ThemeCatalogue, month: Span, now: datetime
) -> MonthlyReport:
    """Every indicator of one month, or of one calendar year (in RELAY_TIMEZONE)."""
    zone = settings.zone
    if month.start(zone) > now:
        raise ReportError(FUTURE_MONTH_TEXT.format(month=month))
    period = month.period(zone)
    themes = _theme_keys(catalogue)
    start, end = period
    async with db.read() as session:
        return MonthlyReport(
            month=month,
            period=Period(start.astimezone(zone), end.astimezone(zone), settings.timezone),
            information=await _information(session, period, themes),
            deliveries=await _deliveries(session, period),
            relay_requests=await _relay_requests(session, period),
            subscribers=await _subscribers(session, period, themes),
            directory=await _directory(session, period, month),
            meetings=await _meetings(session, period, now),
            feeds_in_error=tuple(
                FeedInError(name, url, failures, error)
                for name, url, failures, error in await store.feeds_in_error(session)
            ),
            partners=await _partners(session, min(end, now)),
            surveys=await _surveys(session, period),
        )


async def _information(
    session: AsyncSession, period: store.Period, themes: list[str]
) -> Information:
    by_source = await store.relayed_by(session, INFORMATION_SOURCES, period, "source")
    by_kind = await store.relayed_by(session, INFORMATION_SOURCES, period, "kind")
    by_theme = await store.relayed_by_theme(session, INFORMATION_SOURCES, period)
    return Information(
        total=sum(by_source.values()),
        by_source=_zeroed(INFORMATION_SOURCES, by_source),
        by_kind=_zeroed([k.value for k in AnnouncementKind], by_kind),
        by_theme=_zeroed(themes, by_theme),
    )


def _delivery_counts(by_status: Counter[str]) -> DeliveryCounts:
    return DeliveryCounts(
        delivered=by_status[DeliveryState.SENT],
        failed=by_status[DeliveryState.FAILED],
        unreachable=by_status[DeliveryState.GONE],
    )


async def _deliveries(session: AsyncSession, period: store.Period) -> Deliveries:
    counts, reached = await store.deliveries(session, INFORMATION_SOURCES, period)
    notices = await store.delivered_count(session, (AnnouncementSource.MEETING,), period)
    platforms = sorted(set(PLATFORMS) | counts.keys())
    by_platform = {p: _delivery_counts(counts.get(p, Counter())) for p in platforms}
    return Deliveries(
        total=DeliveryCounts(
            delivered=sum(c.delivered for c in by_platform.values()),
            failed=sum(c.failed for c in by_platform.values()),
            unreachable=sum(c.unreachable for c in by_platform.values()),
        ),
        by_platform=by_platform,
        chats_reached=sum(reached.values()),
        chats_reached_by_platform=_zeroed(platforms, reached),
        meeting_notices_delivered=notices,
    )


async def _relay_requests(session: AsyncSession, period: store.Period) -> RelayRequests:
    requests = await store.requests_by_status(session, AnnouncementSource.PROPOSAL, period)
    return RelayRequests(
        received=sum(requests.values()),
        accepted=requests[AnnouncementState.QUEUED],
        refused=requests[AnnouncementState.REJECTED],
        pending=requests[AnnouncementState.PROPOSED],
    )


def _subscriber_counts(counts: Counter[str]) -> SubscriberCounts:
    return SubscriberCounts(total=counts["total"], new=counts["new"], left=counts["left"])


async def _subscribers(
    session: AsyncSession, period: store.Period, themes: list[str]
) -> Subscribers:
    by_theme = await store.subscriptions_by_theme(session, period)
    by_platform = await store.chats_by_platform(session, period)
    return Subscribers(
        by_theme={t: _subscriber_counts(by_theme.get(t, Counter())) for t in themes},
        by_platform={
            p: _subscriber_counts(by_platform.get(p, Counter()))
            for p in sorted(set(PLATFORMS) | by_platform.keys())
        },
    )


async def _directory(session: AsyncSession, period: store.Period, span: Span) -> Directory:
    asked, unanswered = await store.questions(session, period)
    by_asker = await directory_store.questions_by_asker(session, *period)
    site: Counter[str] = Counter()
    for month in span.months:
        # Questions older than the raw log's 13 months survive as monthly counts only.
        archived_asked, archived_unanswered = await directory_store.archived_query_counts(
            session, str(month)
        )
        asked, unanswered = asked + archived_asked, unanswered + archived_unanswered
        by_asker.update(await directory_store.archived_by_asker(session, str(month)))
        site.update(await sitecounts.of_month(session, str(month)))
    top = await store.top_questions(session, period, TOP, unanswered_only=False)
    top_unanswered = await store.top_questions(session, period, TOP, unanswered_only=True)
    return Directory(
        questions=asked,
        unanswered=unanswered,
        top_questions=tuple(QuestionCount(q, n) for q, n in top),
        top_unanswered=tuple(QuestionCount(q, n) for q, n in top_unanswered),
        web_searches=site[sitecounts.SEARCHES],
        web_entry_views=site[sitecounts.ENTRY_VIEWS],
        questions_by_asker={asker.value: by_asker[asker] for asker in ASKERS},
    )


async def _partners(session: AsyncSession, moment: datetime) -> Partners:
    by_type = await profile_store.by_kind(session, moment)
    return Partners(
        total=await profile_store.partners(session, moment),
        by_type=_zeroed(PROFILE_KINDS, by_type),
    )


async def _surveys(session: AsyncSession, period: store.Period) -> tuple[SurveyResult, ...]:
    """The surveys open at some moment of the period (sent or answerable then), with their
    counts so far."""
    rows = await survey_store.in_period(session, *period)
    return tuple([await survey_results.result(session, row) for row in rows])


async def _meetings(session: AsyncSession, period: store.Period, now: datetime) -> Meetings:
    held = await store.meetings_held(session, period, now)
    cancelled = await store.meetings_cancelled(session, period)
    participants, counted = await store.participants(session, period, now)
    answers = await store.rsvps(session, period, now)
    return Meetings(
        held=sum(held.values()),
        held_by_kind=_zeroed(KINDS, held),
        cancelled=cancelled,
        rsvps=RsvpCounts(yes=answers[Rsvp.YES], maybe=answers[Rsvp.MAYBE], no=answers[Rsvp.NO]),
        participants=participants,
        meetings_with_participants=counted,
    )


async def build_chart(
    db: Database, settings: Settings, catalogue: ThemeCatalogue, span: Span
) -> bytes:
    """The PNG: items relayed by theme over the twelve months ending with the span's last."""
    month = span.last
    months = [month.shift(i - CHART_MONTHS + 1) for i in range(CHART_MONTHS)]
    bounds = [m.start(settings.zone) for m in months] + [month.shift(1).start(settings.zone)]
    async with db.read() as session:
        per_theme, totals = await store.relayed_by_month_and_theme(
            session, INFORMATION_SOURCES, bounds
        )
    return await report_chart.draw(months, per_theme, totals, catalogue)


async def chat_report(
    db: Database, settings: Settings, catalogue: ThemeCatalogue, month: Span, now: datetime
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
    """Queue the previous month's report for every coordinator, once (whichever process runs
    it, however often): the month is recorded in the transaction that queues the reports, in the
    delivery outbox, so none is lost either. Returns the month queued, if any."""
    now = clock()
    due = last_send_time(now, settings.zone)
    if now - due > SEND_GRACE:
        return None
    month = previous_month(due + timedelta(hours=1), settings.zone)
    async with db.read() as session:
        if await session.get(ReportRun, str(month)) is not None:
            return None
    reply = await chat_report(db, settings, catalogue, month, now)
    async with db.write() as session:
        row = [{"month": str(month), "sent_at": now}]
        inserted = await session.execute(
            insert_ignoring_duplicates(session, ReportRun, row, ["month"])
        )
        if not getattr(inserted, "rowcount", 0):
            return None  # another process got there first
        for coordinator in sorted(settings.coordinators):
            chat = ChatRef(coordinator.platform, coordinator.user_id, ChatKind.PRIVATE)
            await notice_store.queue(session, chat, reply, key=f"report:{month}:{coordinator}")
    notices.wake()
    return month
