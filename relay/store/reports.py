"""The monthly report's numbers: one aggregate query each, served by indexes.

Every function takes a period [start, end) in UTC. Nothing here loops over rows in Python: the
rows returned are already grouped (a few dozen at most).
"""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlalchemy.sql import Executable
from sqlmodel import col

from relay.states import AnnouncementState, DeliveryState, MeetingState
from relay.store.models import (
    Announcement,
    AnnouncementTheme,
    Delivery,
    DirectoryQuery,
)
from relay.store.models_history import ChatPeriod, PeriodEnd, PeriodStart, SubscriptionPeriod
from relay.store.models_schedule import (
    Feed,
    Meeting,
    MeetingRsvp,
)

Period = tuple[datetime, datetime]


def _relayed(sources: Sequence[str], period: Period) -> Select[Any]:
    """The ids of announcements from these sources queued (relayed) during the period."""
    start, end = period
    return select(col(Announcement.id)).where(
        col(Announcement.status) == AnnouncementState.QUEUED,
        col(Announcement.source).in_(list(sources)),
        col(Announcement.queued_at) >= start,
        col(Announcement.queued_at) < end,
    )


async def _by_key(session: AsyncSession, **counts: Executable) -> dict[str, Counter[str]]:
    """key -> {count name: n}, from queries each giving (key, n) rows."""
    result: dict[str, Counter[str]] = {}
    for name, query in counts.items():
        for key, n in (await session.execute(query)).all():
            result.setdefault(key, Counter())[name] = n
    return result


async def _pairs(session: AsyncSession, query: Executable) -> Counter[str]:
    return Counter({str(key): int(n) for key, n in (await session.execute(query)).all()})


async def relayed_by(
    session: AsyncSession, sources: Sequence[str], period: Period, by: str
) -> Counter[str]:
    """Information relayed, counted by 'source' or 'kind'."""
    column = col(Announcement.source) if by == "source" else col(Announcement.kind)
    relayed = _relayed(sources, period).subquery()
    query = (
        select(column, func.count())
        .where(col(Announcement.id).in_(select(relayed.c.id)))
        .group_by(column)
    )
    return await _pairs(session, query)


async def relayed_by_theme(
    session: AsyncSession, sources: Sequence[str], period: Period
) -> Counter[str]:
    relayed = _relayed(sources, period).subquery()
    query = (
        select(col(AnnouncementTheme.theme), func.count())
        .where(col(AnnouncementTheme.announcement_id).in_(select(relayed.c.id)))
        .group_by(col(AnnouncementTheme.theme))
    )
    return await _pairs(session, query)


async def deliveries(
    session: AsyncSession, sources: Sequence[str], period: Period
) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """Deliveries of what was relayed: platform -> status -> count, and chats reached per
    platform (distinct chats with at least one message delivered)."""
    relayed = _relayed(sources, period).subquery()
    # Sends only: a later withdrawal or correction is not one more message relayed.
    in_period = col(Delivery.announcement_id).in_(select(relayed.c.id)) & (
        col(Delivery.revision) == 0
    )
    by_status = (
        select(col(Delivery.platform), col(Delivery.status), func.count())
        .where(in_period)
        .group_by(col(Delivery.platform), col(Delivery.status))
    )
    counts: dict[str, Counter[str]] = {}
    for platform, status, n in (await session.execute(by_status)).all():
        counts.setdefault(platform, Counter())[status] = n
    reached = (
        select(col(Delivery.platform), func.count(distinct(col(Delivery.subscriber_id))))
        .where(in_period, col(Delivery.status) == DeliveryState.SENT)
        .group_by(col(Delivery.platform))
    )
    return counts, await _pairs(session, reached)


async def delivered_count(session: AsyncSession, sources: Sequence[str], period: Period) -> int:
    relayed = _relayed(sources, period).subquery()
    query = select(func.count()).where(
        col(Delivery.announcement_id).in_(select(relayed.c.id)),
        col(Delivery.revision) == 0,
        col(Delivery.status) == DeliveryState.SENT,
    )
    return int((await session.execute(query)).scalar_one())


async def requests_by_status(session: AsyncSession, source: str, period: Period) -> Counter[str]:
    """Partners' proposals received during the period, by what became of them."""
    start, end = period
    query = (
        select(col(Announcement.status), func.count())
        .where(
            col(Announcement.source) == source,
            col(Announcement.created_at) >= start,
            col(Announcement.created_at) < end,
        )
        .group_by(col(Announcement.status))
    )
    return await _pairs(session, query)


def _open_at(
    started: Mapped[datetime | None], ended: Mapped[datetime | None], moment: datetime
) -> ColumnElement[bool]:
    """A period that had started before `moment` and had not ended by then."""
    return and_(started.is_not(None), started < moment, or_(ended.is_(None), ended >= moment))


def _during(column: Mapped[datetime | None], period: Period) -> ColumnElement[bool]:
    start, end = period
    return and_(column >= start, column < end)


async def subscriptions_by_theme(session: AsyncSession, period: Period) -> dict[str, Counter[str]]:
    """theme -> {total, new, left}: subscriptions of reachable chats at the end of the period,
    subscriptions made during it, and subscriptions ended during it (unsubscribed or forgotten).
    From the periods kept, so a past month never changes."""
    theme = col(SubscriptionPeriod.theme)
    started, ended = col(SubscriptionPeriod.started_at), col(SubscriptionPeriod.ended_at)
    counted = select(theme, func.count()).group_by(theme)
    total = counted.where(_open_at(started, ended, period[1]))
    new = counted.where(
        _during(started, period),
        col(SubscriptionPeriod.start_reason) == PeriodStart.SUBSCRIBED,
    )
    left = counted.where(
        _during(ended, period),
        col(SubscriptionPeriod.end_reason).in_([PeriodEnd.UNSUBSCRIBED, PeriodEnd.FORGOTTEN]),
    )
    return await _by_key(session, total=total, new=new, left=left)


async def chats_by_platform(session: AsyncSession, period: Period) -> dict[str, Counter[str]]:
    """platform -> {total, new, left} in chats (a chat counts once whatever its themes): chats
    reachable and subscribed at the end of the period, chats that started during it (a first
    subscription, or back), and chats that left during it (forgotten or became unreachable)."""
    platform = col(ChatPeriod.platform)
    started, ended = col(ChatPeriod.started_at), col(ChatPeriod.ended_at)
    counted = select(platform, func.count()).group_by(platform)
    total = counted.where(_open_at(started, ended, period[1]))
    new = counted.where(_during(started, period))
    left = counted.where(
        _during(ended, period),
        col(ChatPeriod.end_reason).in_([PeriodEnd.FORGOTTEN, PeriodEnd.UNREACHABLE]),
    )
    return await _by_key(session, total=total, new=new, left=left)


def _asked(period: Period) -> list[ColumnElement[bool]]:
    start, end = period
    return [col(DirectoryQuery.asked_at) >= start, col(DirectoryQuery.asked_at) < end]


async def questions(session: AsyncSession, period: Period) -> tuple[int, int]:
    """(questions asked, questions without any answer)."""
    unanswered = func.sum(case((col(DirectoryQuery.result_count) == 0, 1), else_=0))
    query = select(func.count(), func.coalesce(unanswered, 0)).where(*_asked(period))
    asked, without = (await session.execute(query)).one()
    return int(asked), int(without)


async def top_questions(
    session: AsyncSession, period: Period, limit: int, unanswered_only: bool
) -> list[tuple[str, int]]:
    conditions = _asked(period)
    conditions.append(col(DirectoryQuery.question) != "")  # nothing the log could keep
    if unanswered_only:
        conditions.append(col(DirectoryQuery.result_count) == 0)
    count = func.count().label("n")
    query = (
        select(col(DirectoryQuery.question), count)
        .where(*conditions)
        .group_by(col(DirectoryQuery.question))
        .order_by(count.desc(), col(DirectoryQuery.question))
        .limit(limit)
    )
    return [(q, int(n)) for q, n in (await session.execute(query)).all()]


def _held(period: Period, now: datetime) -> list[ColumnElement[bool]]:
    start, end = period
    return [
        col(Meeting.status) == MeetingState.SCHEDULED,
        col(Meeting.starts_at) >= start,
        col(Meeting.starts_at) < min(end, now),
    ]


async def meetings_held(session: AsyncSession, period: Period, now: datetime) -> Counter[str]:
    query = (
        select(col(Meeting.kind), func.count())
        .where(*_held(period, now))
        .group_by(col(Meeting.kind))
    )
    return await _pairs(session, query)


async def meetings_cancelled(session: AsyncSession, period: Period) -> int:
    start, end = period
    query = select(func.count()).where(
        col(Meeting.status) == MeetingState.CANCELLED,
        col(Meeting.starts_at) >= start,
        col(Meeting.starts_at) < end,
    )
    return int((await session.execute(query)).scalar_one())


async def participants(session: AsyncSession, period: Period, now: datetime) -> tuple[int, int]:
    """(participants recorded, meetings with a count recorded) over meetings held."""
    query = select(
        func.coalesce(func.sum(col(Meeting.participants)), 0), func.count(col(Meeting.participants))
    ).where(*_held(period, now))
    total, meetings = (await session.execute(query)).one()
    return int(total or 0), int(meetings)


async def rsvps(session: AsyncSession, period: Period, now: datetime) -> Counter[str]:
    held = select(col(Meeting.id)).where(*_held(period, now))
    query = (
        select(col(MeetingRsvp.answer), func.count())
        .where(col(MeetingRsvp.meeting_id).in_(held))
        .group_by(col(MeetingRsvp.answer))
    )
    return await _pairs(session, query)


async def relayed_by_month_and_theme(
    session: AsyncSession, sources: Sequence[str], bounds: Sequence[datetime]
) -> tuple[dict[tuple[int, str], float], dict[int, int]]:
    """Over consecutive months given by their bounds (n + 1 instants for n months): items
    relayed per (month index, theme), an item on k themes counting 1/k in each (so that a
    month's themes add up to its items), and items per month index."""
    month = case(
        *[(col(Announcement.queued_at) < bound, literal(i)) for i, bound in enumerate(bounds[1:])],
        else_=literal(-1),
    ).label("month")
    relayed = and_(
        col(Announcement.status) == AnnouncementState.QUEUED,
        col(Announcement.source).in_(list(sources)),
        col(Announcement.queued_at) >= bounds[0],
        col(Announcement.queued_at) < bounds[-1],
    )
    shares = (
        select(
            col(AnnouncementTheme.announcement_id).label("announcement_id"),
            (literal(1.0, Float) / func.count()).label("share"),
        )
        .group_by(col(AnnouncementTheme.announcement_id))
        .subquery()
    )
    by_theme = (
        select(month, col(AnnouncementTheme.theme), func.sum(shares.c.share))
        .join(AnnouncementTheme, col(AnnouncementTheme.announcement_id) == col(Announcement.id))
        .join(shares, shares.c.announcement_id == col(Announcement.id))
        .where(relayed)
        .group_by(month, col(AnnouncementTheme.theme))
    )
    per_theme = {
        (int(i), theme): round(float(n), 6)
        for i, theme, n in (await session.execute(by_theme)).all()
    }
    totals_query = select(month, func.count()).where(relayed).group_by(month)
    totals = {int(i): int(n) for i, n in (await session.execute(totals_query)).all()}
    return per_theme, totals


async def feeds_in_error(session: AsyncSession) -> list[tuple[str, str, int, str]]:
    query = (
        select(col(Feed.name), col(Feed.url), col(Feed.failures), col(Feed.last_error))
        .where(col(Feed.enabled), col(Feed.failures) > 0)
        .order_by(col(Feed.failures).desc(), col(Feed.name))
    )
    return [(n, u, int(f), e or "") for n, u, f, e in (await session.execute(query)).all()]
