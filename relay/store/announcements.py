"""Announcements: drafts, proposals awaiting moderation, queued broadcasts."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from relay.states import AnnouncementSource, AnnouncementState
from relay.store import attachments, outbox
from relay.store.dialect import is_postgresql
from relay.store.models import Announcement, AnnouncementTheme, DirectNotice, utcnow


async def add(session: AsyncSession, announcement: Announcement, themes: Iterable[str]) -> int:
    session.add(announcement)
    await session.flush()
    assert announcement.id is not None
    await set_themes(session, announcement.id, themes)
    return announcement.id


async def set_themes(session: AsyncSession, announcement_id: int, themes: Iterable[str]) -> None:
    await session.execute(
        delete(AnnouncementTheme).where(col(AnnouncementTheme.announcement_id) == announcement_id)
    )
    session.add_all(
        AnnouncementTheme(announcement_id=announcement_id, theme=t) for t in dict.fromkeys(themes)
    )
    await session.flush()


async def themes_of(session: AsyncSession, announcement_id: int) -> list[str]:
    result = await session.execute(
        select(AnnouncementTheme.theme).where(
            col(AnnouncementTheme.announcement_id) == announcement_id
        )
    )
    return list(result.scalars())


async def get(session: AsyncSession, announcement_id: int) -> Announcement | None:
    return await session.get(Announcement, announcement_id)


async def get_many(session: AsyncSession, ids: Iterable[int]) -> dict[int, Announcement]:
    result = await session.execute(select(Announcement).where(col(Announcement.id).in_(list(ids))))
    return {a.id: a for a in result.scalars() if a.id is not None}


async def queue(session: AsyncSession, announcement: Announcement) -> int:
    """Approve: the announcement's deliveries are written in this same transaction."""
    assert announcement.id is not None
    themes = await themes_of(session, announcement.id)
    announcement.status = AnnouncementState.QUEUED
    announcement.queued_at = utcnow()
    await session.flush()
    return await outbox.queue(session, announcement.id, themes)


async def schedule(session: AsyncSession, announcement: Announcement, send_at: datetime) -> None:
    """Hold an approved announcement until `send_at` (UTC)."""
    announcement.status = AnnouncementState.SCHEDULED
    announcement.send_at = send_at
    await session.flush()


async def due_scheduled(session: AsyncSession, now: datetime) -> Sequence[Announcement]:
    """Scheduled announcements whose time has come, locked for this transaction (another
    process skips them on PostgreSQL; SQLite's write transaction is exclusive anyway)."""
    query = (
        select(Announcement)
        .where(
            col(Announcement.status) == AnnouncementState.SCHEDULED,
            col(Announcement.send_at) <= now,
        )
        .order_by(col(Announcement.send_at), col(Announcement.id))
    )
    if is_postgresql(session):
        query = query.with_for_update(skip_locked=True)
    return (await session.execute(query)).scalars().all()


async def scheduled(session: AsyncSession) -> Sequence[Announcement]:
    query = (
        select(Announcement)
        .where(col(Announcement.status) == AnnouncementState.SCHEDULED)
        .order_by(col(Announcement.send_at), col(Announcement.id))
    )
    return (await session.execute(query)).scalars().all()


async def pending_proposals(session: AsyncSession) -> Sequence[Announcement]:
    result = await session.execute(
        select(Announcement)
        .where(col(Announcement.status) == AnnouncementState.PROPOSED)
        .order_by(col(Announcement.id))
    )
    return result.scalars().all()


async def decided_proposals(session: AsyncSession, limit: int) -> Sequence[Announcement]:
    """The latest decisions on proposals, newest first: partners' proposals relayed, and
    whatever the coordinators refused (a partner's proposal or a feed's item)."""
    relayed = (col(Announcement.source) == AnnouncementSource.PROPOSAL) & col(
        Announcement.status
    ).in_([AnnouncementState.QUEUED, AnnouncementState.SCHEDULED])
    refused = col(Announcement.status) == AnnouncementState.REJECTED
    result = await session.execute(
        select(Announcement)
        .where(relayed | refused)
        .order_by(col(Announcement.id).desc())
        .limit(limit)
    )
    return result.scalars().all()


def moderation_key(announcement_id: int, coordinator: str) -> str:
    """The key of the notice asking a coordinator to decide on a proposal."""
    return f"moderation:{announcement_id}:{coordinator}"


async def forget_author(session: AsyncSession, author: str) -> None:
    """A forgotten user's proposals awaiting a decision go (nobody may relay them any more);
    what was relayed stays, without who proposed it."""
    pending = select(col(Announcement.id)).where(
        col(Announcement.author) == author,
        col(Announcement.status) == AnnouncementState.PROPOSED,
    )
    pending_ids = [i for i in (await session.execute(pending)).scalars() if i is not None]
    for announcement_id in pending_ids:
        # The coordinators' requests carried the proposal's text: they go too.
        await session.execute(
            delete(DirectNotice).where(
                col(DirectNotice.key).startswith(moderation_key(announcement_id, ""))
            )
        )
        await session.execute(delete(Announcement).where(col(Announcement.id) == announcement_id))
    await session.execute(
        update(Announcement)
        .where(col(Announcement.author) == author)
        .values(author=None, origin_platform=None, origin_address=None)
    )
    if pending_ids:
        await attachments.delete_unused(session)  # the files they carried
