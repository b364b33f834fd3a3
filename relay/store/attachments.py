"""Stored files: an announcement's poster or form, kept once, whatever refers to it."""

import hashlib
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from relay.messages import Attachment
from relay.store.dialect import insert_ignoring_duplicates
from relay.store.models import Announcement, DirectNotice, StoredAttachment, utcnow


def digest(attachment: Attachment) -> str:
    return hashlib.sha256(attachment.content).hexdigest()


async def save(session: AsyncSession, attachment: Attachment) -> int:
    """The stored file's id: stored now, or already there (the same file under the same name)."""
    row = {
        "sha256": digest(attachment),
        "filename": attachment.filename,
        "mime_type": attachment.mime_type,
        "size": len(attachment.content),
        "content": attachment.content,
        "created_at": utcnow(),
    }
    statement = insert_ignoring_duplicates(session, StoredAttachment, [row], ["sha256", "filename"])
    await session.execute(statement)
    found = await find(session, attachment)
    assert found is not None
    return found


async def find(session: AsyncSession, attachment: Attachment) -> int | None:
    """The id of this very file (content and name) if relay stores it already."""
    result = await session.execute(
        select(col(StoredAttachment.id)).where(
            col(StoredAttachment.sha256) == digest(attachment),
            col(StoredAttachment.filename) == attachment.filename,
        )
    )
    return result.scalar_one_or_none()


async def get_many(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, Attachment]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    result = await session.execute(
        select(StoredAttachment).where(col(StoredAttachment.id).in_(wanted))
    )
    return {
        row.id: Attachment(row.filename, row.content, row.mime_type)
        for row in result.scalars()
        if row.id is not None
    }


async def get(session: AsyncSession, attachment_id: int | None) -> Attachment | None:
    return (await get_many(session, [attachment_id])).get(attachment_id or 0)


async def delete_unused(session: AsyncSession) -> None:
    """Files nothing refers to any more (a forgotten partner's proposal) go."""
    used_by_announcements = select(col(Announcement.attachment_id)).where(
        col(Announcement.attachment_id).is_not(None)
    )
    used_by_notices = select(col(DirectNotice.attachment_id)).where(
        col(DirectNotice.attachment_id).is_not(None)
    )
    await session.execute(
        delete(StoredAttachment).where(
            col(StoredAttachment.id).not_in(used_by_announcements),
            col(StoredAttachment.id).not_in(used_by_notices),
        )
    )
