"""Meetings, their notices and RSVPs: the queries the meetings service and the scheduler need."""

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from relay.messages import AnnouncementKind
from relay.states import AnnouncementState, MeetingState, NoticeState, Rsvp
from relay.store.dialect import is_postgresql
from relay.store.models import Announcement, Delivery, Subscriber
from relay.store.models_schedule import Meeting, MeetingNotice, MeetingRsvp

ANSWERS = tuple(Rsvp)


async def add(session: AsyncSession, meeting: Meeting) -> int:
    session.add(meeting)
    await session.flush()
    assert meeting.id is not None
    return meeting.id


async def get(session: AsyncSession, meeting_id: int, for_update: bool = False) -> Meeting | None:
    query = select(Meeting).where(col(Meeting.id) == meeting_id)
    if for_update and is_postgresql(session):
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def scheduled_at(
    session: AsyncSession, kind: str, starts_at: datetime, other_than: int | None = None
) -> Meeting | None:
    """A scheduled (not cancelled) meeting of this kind starting at this very time."""
    query = select(Meeting).where(
        col(Meeting.kind) == kind,
        col(Meeting.starts_at) == starts_at,
        col(Meeting.status) == MeetingState.SCHEDULED,
    )
    if other_than is not None:
        query = query.where(col(Meeting.id) != other_than)
    return (await session.execute(query.order_by(col(Meeting.id)).limit(1))).scalar_one_or_none()


async def add_notices(
    session: AsyncSession, meeting: Meeting, notices: Iterable[tuple[str, datetime, str]]
) -> None:
    """Notices (label, due time, state) for the meeting's current sequence."""
    assert meeting.id is not None
    session.add_all(
        MeetingNotice(
            meeting_id=meeting.id, sequence=meeting.sequence, label=label, due_at=due, state=state
        )
        for label, due, state in notices
    )
    await session.flush()


async def delete_drafts(session: AsyncSession, created_before: datetime) -> int:
    """Delete unconfirmed and discarded drafts created before that time; returns how many."""
    result = await session.execute(
        delete(Meeting).where(
            col(Meeting.status).in_([MeetingState.DRAFT, MeetingState.DISCARDED]),
            col(Meeting.created_at) < created_before,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def withdraw_pending(session: AsyncSession, meeting_id: int) -> None:
    """Notices not sent yet no longer apply (the meeting changed or was cancelled)."""
    await session.execute(
        update(MeetingNotice)
        .where(
            col(MeetingNotice.meeting_id) == meeting_id,
            col(MeetingNotice.state) == NoticeState.PENDING,
        )
        .values(state=NoticeState.WITHDRAWN)
    )


async def due_notices(session: AsyncSession, now: datetime) -> list[tuple[MeetingNotice, Meeting]]:
    """Pending notices whose time has come, with their meeting, oldest first.

    On PostgreSQL the rows are locked, and rows another process is sending are skipped.
    """
    query = (
        select(MeetingNotice, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingNotice.meeting_id))
        .where(col(MeetingNotice.state) == NoticeState.PENDING, col(MeetingNotice.due_at) <= now)
        .order_by(col(MeetingNotice.meeting_id), col(MeetingNotice.due_at))
    )
    if is_postgresql(session):
        query = query.with_for_update(of=MeetingNotice, skip_locked=True)
    return [(notice, meeting) for notice, meeting in (await session.execute(query)).all()]


async def upcoming_notices(session: AsyncSession) -> list[tuple[int, str, int, datetime]]:
    """(notice id, label, meeting id, due time) of every pending notice: the scheduler's jobs."""
    query = select(
        col(MeetingNotice.id),
        col(MeetingNotice.label),
        col(MeetingNotice.meeting_id),
        col(MeetingNotice.due_at),
    ).where(col(MeetingNotice.state) == NoticeState.PENDING)
    rows = (await session.execute(query)).all()
    return [(i, label, m, due) for i, label, m, due in rows if i is not None]


async def notices_for_announcements(
    session: AsyncSession, announcement_ids: Sequence[int]
) -> dict[int, tuple[MeetingNotice, Meeting]]:
    query = (
        select(MeetingNotice, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingNotice.meeting_id))
        .where(col(MeetingNotice.announcement_id).in_(list(announcement_ids)))
    )
    return {
        notice.announcement_id: (notice, meeting)
        for notice, meeting in (await session.execute(query)).all()
        if notice.announcement_id is not None
    }


async def notice_states(session: AsyncSession, meeting_id: int) -> list[MeetingNotice]:
    query = (
        select(MeetingNotice)
        .where(col(MeetingNotice.meeting_id) == meeting_id)
        .order_by(col(MeetingNotice.due_at), col(MeetingNotice.id))
    )
    return list((await session.execute(query)).scalars())


async def was_invited(session: AsyncSession, meeting_id: int, platform: str, address: str) -> bool:
    """Whether this chat was sent one of the meeting's notices (the answer buttons come only
    with them)."""
    notices = select(col(MeetingNotice.announcement_id)).where(
        col(MeetingNotice.meeting_id) == meeting_id,
        col(MeetingNotice.announcement_id).is_not(None),
    )
    query = (
        select(col(Delivery.id))
        .join(Subscriber, col(Subscriber.id) == col(Delivery.subscriber_id))
        .where(
            col(Delivery.announcement_id).in_(notices),
            col(Delivery.revision) == 0,
            col(Subscriber.platform) == platform,
            col(Subscriber.address) == address,
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def set_rsvp(
    session: AsyncSession, meeting_id: int, platform: str, user_id: str, answer: str, now: datetime
) -> str | None:
    """Record an answer; returns the previous answer, if any."""
    previous = (
        await session.execute(
            select(MeetingRsvp.answer).where(
                col(MeetingRsvp.meeting_id) == meeting_id,
                col(MeetingRsvp.platform) == platform,
                col(MeetingRsvp.user_id) == user_id,
            )
        )
    ).scalar_one_or_none()
    dialect: Any = postgresql if is_postgresql(session) else sqlite
    statement = (
        dialect.insert(MeetingRsvp)
        .values(
            meeting_id=meeting_id, platform=platform, user_id=user_id, answer=answer, updated_at=now
        )
        .on_conflict_do_update(
            index_elements=["meeting_id", "platform", "user_id"],
            set_={"answer": answer, "updated_at": now},
        )
    )
    await session.execute(statement)
    return previous


async def rsvp_counts(session: AsyncSession, meeting_ids: Sequence[int]) -> dict[int, Counter[str]]:
    query = (
        select(col(MeetingRsvp.meeting_id), col(MeetingRsvp.answer), func.count())
        .where(col(MeetingRsvp.meeting_id).in_(list(meeting_ids)))
        .group_by(col(MeetingRsvp.meeting_id), col(MeetingRsvp.answer))
    )
    counts: dict[int, Counter[str]] = {i: Counter() for i in meeting_ids}
    for meeting_id, answer, n in (await session.execute(query)).all():
        counts[meeting_id][answer] = n
    return counts


async def forget_rsvps(session: AsyncSession, platform: str, user_id: str) -> None:
    await session.execute(
        delete(MeetingRsvp).where(
            col(MeetingRsvp.platform) == platform, col(MeetingRsvp.user_id) == user_id
        )
    )


async def coming(session: AsyncSession, after: datetime, limit: int) -> list[Meeting]:
    query = (
        select(Meeting)
        .where(col(Meeting.status) == MeetingState.SCHEDULED, col(Meeting.starts_at) >= after)
        .order_by(col(Meeting.starts_at), col(Meeting.id))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def listing(session: AsyncSession, since: datetime | None) -> list[Meeting]:
    query = (
        select(Meeting)
        .where(col(Meeting.status).in_([MeetingState.SCHEDULED, MeetingState.CANCELLED]))
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    if since is not None:
        query = query.where(col(Meeting.starts_at) >= since)
    return list((await session.execute(query)).scalars())


async def recent_places(session: AsyncSession, limit: int) -> list[tuple[int, str]]:
    """The places of the latest meetings, each once, with the newest meeting held there."""
    query = (
        select(func.max(col(Meeting.id)), col(Meeting.place))
        .where(
            col(Meeting.place) != "",
            col(Meeting.status).in_([MeetingState.SCHEDULED, MeetingState.CANCELLED]),
        )
        .group_by(col(Meeting.place))
        .order_by(func.max(col(Meeting.id)).desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return [(meeting_id, place) for meeting_id, place in rows if meeting_id is not None]


async def coming_events(
    session: AsyncSession, today: date, sources: Sequence[str], limit: int
) -> list[Announcement]:
    """Relayed announcements of events still to come (not withdrawn)."""
    query = (
        select(Announcement)
        .where(
            col(Announcement.kind) == AnnouncementKind.EVENT.value,
            col(Announcement.status) == AnnouncementState.QUEUED,
            col(Announcement.source).in_(list(sources)),
            col(Announcement.event_date) >= today,
            col(Announcement.withdrawn_at).is_(None),
        )
        .order_by(col(Announcement.event_date), col(Announcement.id))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())
