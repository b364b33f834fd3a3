"""The relay log of announcements as coordinators read it: every announcement, newest first, with
its send's deliveries counted per platform and state, and the chats it failed to reach."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from relay.states import DeliveryState
from relay.store.models import Announcement, Delivery, StoredAttachment, Subscriber
from relay.store.models_revisions import AnnouncementChange

FAILED_STATES = (DeliveryState.FAILED, DeliveryState.GONE, DeliveryState.EXPIRED)


@dataclass(frozen=True)
class ReachCount:
    """How many of an announcement's send rows are in one state on one platform, and when the
    first and last of them were delivered (sent rows only)."""

    announcement_id: int
    platform: str
    status: str
    count: int
    first_sent: datetime | None
    last_sent: datetime | None


@dataclass(frozen=True)
class FailedDelivery:
    platform: str
    chat: str  # the chat's display name when stored, else its address ("" once forgotten)
    status: str
    error: str | None


async def announcements_page(
    session: AsyncSession, offset: int, limit: int
) -> tuple[list[Announcement], int]:
    """One page of announcements, newest first, and how many there are in all."""
    total = (await session.execute(select(func.count()).select_from(Announcement))).scalar_one()
    query = select(Announcement).order_by(col(Announcement.id).desc()).offset(offset).limit(limit)
    return list((await session.execute(query)).scalars()), int(total)


async def reach(session: AsyncSession, announcement_ids: Sequence[int]) -> list[ReachCount]:
    """The send (revision 0) of these announcements, in one query: rows per announcement,
    platform and state, with the first and last delivery times."""
    if not announcement_ids:
        return []
    query = (
        select(
            col(Delivery.announcement_id),
            col(Delivery.platform),
            col(Delivery.status),
            func.count(),
            func.min(col(Delivery.sent_at)),
            func.max(col(Delivery.sent_at)),
        )
        .where(
            col(Delivery.announcement_id).in_(list(announcement_ids)),
            col(Delivery.revision) == 0,
        )
        .group_by(col(Delivery.announcement_id), col(Delivery.platform), col(Delivery.status))
    )
    return [
        ReachCount(announcement_id or 0, platform, status, count, first, last)
        for announcement_id, platform, status, count, first, last in (
            await session.execute(query)
        ).all()
    ]


async def failures(session: AsyncSession, announcement_id: int, limit: int) -> list[FailedDelivery]:
    """The chats the send did not reach, with what their platform answered."""
    query = (
        select(
            col(Delivery.platform),
            col(Subscriber.display_name),
            col(Subscriber.address),
            col(Delivery.status),
            col(Delivery.last_error),
        )
        .select_from(Delivery)
        .outerjoin(Subscriber, col(Subscriber.id) == col(Delivery.subscriber_id))
        .where(
            col(Delivery.announcement_id) == announcement_id,
            col(Delivery.revision) == 0,
            col(Delivery.status).in_(FAILED_STATES),
        )
        .order_by(col(Delivery.platform), col(Delivery.id))
        .limit(limit)
    )
    return [
        FailedDelivery(platform, (name or "").strip() or address or "", status, error)
        for platform, name, address, status, error in (await session.execute(query)).all()
    ]


async def changes(session: AsyncSession, announcement_id: int) -> list[AnnouncementChange]:
    """The announcement's corrections and withdrawal, oldest first."""
    query = (
        select(AnnouncementChange)
        .where(col(AnnouncementChange.announcement_id) == announcement_id)
        .order_by(col(AnnouncementChange.revision))
    )
    return list((await session.execute(query)).scalars())


async def attachment_name(session: AsyncSession, attachment_id: int | None) -> str | None:
    """The file's name only (not its content)."""
    if attachment_id is None:
        return None
    query = select(col(StoredAttachment.filename)).where(col(StoredAttachment.id) == attachment_id)
    return (await session.execute(query)).scalar_one_or_none()
