"""Subscribers (chats) and their theme subscriptions."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from relay.messages import ChatKind, ChatRef, Platform
from relay.store.dialect import insert_ignoring_duplicates, is_postgresql
from relay.store.models import Subscriber, Subscription, utcnow


@dataclass(frozen=True)
class SubscriberView:
    """A subscriber with its themes, as listings show it."""

    platform: str
    address: str
    chat_kind: str
    display_name: str
    active: bool
    inactive_reason: str | None
    themes: tuple[str, ...]


def _is(chat: ChatRef) -> ColumnElement[bool]:
    return and_(
        col(Subscriber.platform) == chat.platform.value, col(Subscriber.address) == chat.address
    )


async def find(session: AsyncSession, chat: ChatRef) -> Subscriber | None:
    result = await session.execute(select(Subscriber).where(_is(chat)))
    return result.scalar_one_or_none()


async def ensure(
    session: AsyncSession, chat: ChatRef, user_id: str | None, display_name: str
) -> Subscriber:
    """The subscriber row for a chat, created if new and reactivated: the chat asked for it."""
    subscriber = await find(session, chat)
    if subscriber is None:
        subscriber = Subscriber(
            platform=chat.platform.value,
            address=chat.address,
            chat_kind=chat.kind.value,
            user_id=user_id if chat.kind is ChatKind.PRIVATE else None,
            display_name=display_name[:200],
        )
        session.add(subscriber)
        await session.flush()
    elif not subscriber.active:
        subscriber.active = True
        subscriber.inactive_reason = None
        subscriber.updated_at = utcnow()
    return subscriber


async def themes_of(session: AsyncSession, chat: ChatRef) -> set[str]:
    query = (
        select(Subscription.theme)
        .join(Subscriber, col(Subscriber.id) == col(Subscription.subscriber_id))
        .where(_is(chat))
    )
    return set((await session.execute(query)).scalars())


async def add_themes(session: AsyncSession, subscriber: Subscriber, themes: Iterable[str]) -> None:
    rows = [{"subscriber_id": subscriber.id, "theme": t, "created_at": utcnow()} for t in themes]
    if rows:
        await session.execute(
            insert_ignoring_duplicates(session, Subscription, rows, ["subscriber_id", "theme"])
        )


async def remove_themes(
    session: AsyncSession, subscriber: Subscriber, themes: Iterable[str]
) -> None:
    await session.execute(
        delete(Subscription).where(
            col(Subscription.subscriber_id) == subscriber.id,
            col(Subscription.theme).in_(list(themes)),
        )
    )


async def set_active(
    session: AsyncSession, chat: ChatRef, active: bool, reason: str | None = None
) -> bool:
    """Mark a chat reachable or not (blocked, removed from a group); False if it is unknown."""
    subscriber = await find(session, chat)
    if subscriber is None:
        return False
    subscriber.active = active
    subscriber.inactive_reason = None if active else reason
    subscriber.updated_at = utcnow()
    return True


async def forget(
    session: AsyncSession, platform: str, user_id: str, chat_address: str | None
) -> int:
    """Delete a user's chats (and `chat_address`, if given); returns the rows deleted."""
    belongs = col(Subscriber.user_id) == user_id
    if chat_address is not None:
        belongs = belongs | (col(Subscriber.address) == chat_address)
    result = await session.execute(
        delete(Subscriber).where(col(Subscriber.platform) == platform, belongs)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def listing(session: AsyncSession) -> Sequence[SubscriberView]:
    if is_postgresql(session):
        joined = func.string_agg(Subscription.theme, ",")
    else:
        joined = func.group_concat(Subscription.theme)
    query = (
        select(Subscriber, func.coalesce(joined, ""))
        .outerjoin(Subscription, col(Subscription.subscriber_id) == col(Subscriber.id))
        .group_by(col(Subscriber.id))
        .order_by(Subscriber.platform, Subscriber.display_name, Subscriber.address)
    )
    return [
        SubscriberView(
            platform=s.platform,
            address=s.address,
            chat_kind=s.chat_kind,
            display_name=s.display_name,
            active=s.active,
            inactive_reason=s.inactive_reason,
            themes=tuple(sorted(t for t in themes.split(",") if t)),
        )
        for s, themes in (await session.execute(query)).all()
    ]


async def deactivate(session: AsyncSession, reasons: dict[int, str]) -> None:
    """Mark chats unreachable (bot blocked, removed, archived), each with the platform's reason."""
    for subscriber_id, reason in reasons.items():
        subscriber = await session.get(Subscriber, subscriber_id)
        if subscriber is not None:
            subscriber.active = False
            subscriber.inactive_reason = reason[:200]
            subscriber.updated_at = utcnow()


async def move(session: AsyncSession, subscriber_id: int, new_address: str) -> None:
    """The chat now lives elsewhere (a Telegram group became a supergroup)."""
    subscriber = await session.get(Subscriber, subscriber_id)
    if subscriber is None:
        return
    existing = await find(
        session, ChatRef(Platform(subscriber.platform), new_address, ChatKind(subscriber.chat_kind))
    )
    if existing is not None and existing.id != subscriber_id:
        # The new address already subscribed on its own: keep its row, merge our themes into it.
        themes = await session.execute(
            select(Subscription.theme).where(col(Subscription.subscriber_id) == subscriber_id)
        )
        await add_themes(session, existing, themes.scalars())
        subscriber.active = False
        subscriber.inactive_reason = f"migré vers {new_address}"
    else:
        subscriber.address = new_address
    subscriber.updated_at = utcnow()
