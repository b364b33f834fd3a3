"""What the public web site shows: relayed information, coming events with a date, and the
meetings marked public."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from relay.messages import AnnouncementKind
from relay.states import AnnouncementState, MeetingState
from relay.store.models import Announcement, AnnouncementTheme
from relay.store.models_schedule import Meeting


def _on_themes(themes: Sequence[str]) -> ColumnElement[bool]:
    """Announcements carrying one of these themes."""
    tagged = select(AnnouncementTheme.announcement_id).where(
        col(AnnouncementTheme.theme).in_(list(themes))
    )
    return col(Announcement.id).in_(tagged)


async def relayed(
    session: AsyncSession, sources: Sequence[str], themes: Sequence[str], limit: int
) -> list[Announcement]:
    """The latest information relayed (queued), newest first; with `themes`, only those
    carrying one of them."""
    query = select(Announcement).where(
        col(Announcement.status) == AnnouncementState.QUEUED,
        col(Announcement.source).in_(list(sources)),
    )
    if themes:
        query = query.where(_on_themes(themes))
    query = query.order_by(col(Announcement.queued_at).desc(), col(Announcement.id).desc())
    return list((await session.execute(query.limit(limit))).scalars())


async def coming_events(
    session: AsyncSession,
    today: date,
    sources: Sequence[str],
    themes: Sequence[str],
    limit: int,
) -> list[Announcement]:
    """Relayed announcements of events dated today or later, soonest first."""
    query = select(Announcement).where(
        col(Announcement.kind) == AnnouncementKind.EVENT.value,
        col(Announcement.status) == AnnouncementState.QUEUED,
        col(Announcement.source).in_(list(sources)),
        col(Announcement.event_date) >= today,
    )
    if themes:
        query = query.where(_on_themes(themes))
    query = query.order_by(col(Announcement.event_date), col(Announcement.id))
    return list((await session.execute(query.limit(limit))).scalars())


async def public_meetings(session: AsyncSession, after: datetime, limit: int) -> list[Meeting]:
    """Scheduled meetings marked public, starting at `after` or later, soonest first."""
    query = (
        select(Meeting)
        .where(
            col(Meeting.status) == MeetingState.SCHEDULED,
            col(Meeting.public).is_(True),
            col(Meeting.starts_at) >= after,
        )
        .order_by(col(Meeting.starts_at))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def themes_of(session: AsyncSession, ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The themes of these announcements."""
    wanted = list(ids)
    themes: dict[int, list[str]] = {i: [] for i in wanted}
    rows = await session.execute(
        select(col(AnnouncementTheme.announcement_id), col(AnnouncementTheme.theme))
        .where(col(AnnouncementTheme.announcement_id).in_(wanted))
        .order_by(col(AnnouncementTheme.announcement_id), col(AnnouncementTheme.theme))
    )
    for announcement_id, theme in rows.all():
        themes[announcement_id].append(theme)
    return {i: tuple(t) for i, t in themes.items()}
