"""/oublier: everything stored about one person, deleted in one place."""

from sqlalchemy.ext.asyncio import AsyncSession

from relay.messages import UserRef
from relay.store import (
    announcements,
    coordination,
    meetings,
    notices,
    profiles,
    revisions,
    subscribers,
    surveys,
)


async def forget_user(session: AsyncSession, user: UserRef, chat_address: str | None) -> None:
    """Delete the user's chats, subscriptions, profile, survey invitations and answers, and
    their name on what they proposed, their sessions of the coordinator pages and their name in
    the audit log.

    Delivery rows stay, without the chat they went to, and so do the chats' subscription periods
    (closed and unlinked from the chat by a trigger), so past monthly reports keep their counts.
    """
    await subscribers.forget(session, user.platform.value, user.user_id, chat_address)
    await announcements.forget_author(session, str(user))
    await revisions.forget_author(session, str(user))
    await meetings.forget_rsvps(session, user.platform.value, user.user_id)
    await profiles.forget(session, user)
    await surveys.forget(session, user)
    await coordination.forget(session, str(user))
    addresses = [user.user_id] + ([chat_address] if chat_address else [])
    await notices.forget_chat(session, user.platform.value, addresses)
