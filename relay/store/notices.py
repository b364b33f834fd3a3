"""Direct notices: a message for one chat, written to the outbox like an announcement's."""

import json
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from relay.messages import Attachment, Button, ChatRef, Reply
from relay.states import DeliveryState
from relay.store import attachments
from relay.store.dialect import insert_ignoring_duplicates
from relay.store.models import Delivery, DirectNotice, utcnow


def _buttons(reply: Reply) -> str:
    if not reply.buttons:
        return ""
    return json.dumps([[[b.label, b.action] for b in row] for row in reply.buttons])


async def queue(session: AsyncSession, chat: ChatRef, reply: Reply, key: str | None = None) -> bool:
    """Queue `reply` for `chat`; with a `key`, only once ever. Returns whether it was queued.
    A file relay already stores (a proposal's poster) is referred to, not copied."""
    attachment = reply.attachment
    stored_id = await attachments.find(session, attachment) if attachment else None
    if stored_id is not None:
        attachment = None
    row = {
        "key": key,
        "platform": chat.platform.value,
        "address": chat.address,
        "chat_kind": chat.kind.value,
        "text": reply.text,
        "link": reply.link,
        "buttons": _buttons(reply),
        "attachment_name": attachment.filename if attachment else None,
        "attachment_type": attachment.mime_type if attachment else None,
        "attachment": attachment.content if attachment else None,
        "attachment_id": stored_id,
        "created_at": utcnow(),
    }
    statement = insert_ignoring_duplicates(session, DirectNotice, [row], ["key"])
    inserted = await session.execute(statement.returning(col(DirectNotice.id)))
    notice_id = inserted.scalar_one_or_none()
    if notice_id is None:
        return False
    session.add(
        Delivery(
            notice_id=notice_id,
            platform=chat.platform.value,
            status=DeliveryState.PENDING,
            next_attempt_at=utcnow(),
        )
    )
    await session.flush()
    return True


def as_reply(notice: DirectNotice, stored: Attachment | None = None) -> Reply:
    """The notice as sent; `stored` is the file it refers to (`attachment_id`), if any."""
    rows = json.loads(notice.buttons) if notice.buttons else []
    attachment = stored
    if notice.attachment is not None:
        attachment = Attachment(
            notice.attachment_name or "fichier",
            notice.attachment,
            notice.attachment_type or "application/octet-stream",
        )
    return Reply(
        notice.text,
        link=notice.link,
        buttons=tuple(tuple(Button(label, action) for label, action in row) for row in rows),
        attachment=attachment,
    )


async def get_many(session: AsyncSession, ids: Sequence[int]) -> dict[int, DirectNotice]:
    found = await session.execute(select(DirectNotice).where(col(DirectNotice.id).in_(ids)))
    return {n.id: n for n in found.scalars() if n.id is not None}


async def replies(session: AsyncSession, ids: Sequence[int]) -> dict[int, Reply]:
    """The notices as sent, with the files they refer to."""
    notices = await get_many(session, ids)
    files = await attachments.get_many(session, (n.attachment_id for n in notices.values()))
    return {
        notice_id: as_reply(notice, files.get(notice.attachment_id or 0))
        for notice_id, notice in notices.items()
    }


async def forget_chat(session: AsyncSession, platform: str, addresses: Sequence[str]) -> None:
    """/oublier: notices to these chats go with them (their deliveries too, by cascade)."""
    if addresses:
        await session.execute(
            delete(DirectNotice).where(
                col(DirectNotice.platform) == platform, col(DirectNotice.address).in_(addresses)
            )
        )
