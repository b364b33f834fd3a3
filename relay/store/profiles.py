"""Partners' profiles: read, offered once, changed, forgotten, counted."""

from collections import Counter
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from relay.messages import ChatKind, UserRef
from relay.store.dialect import insert_ignoring_duplicates
from relay.store.models import Subscriber, utcnow
from relay.store.models_history import ChatPeriod
from relay.store.models_profiles import Profile


def _is(user: UserRef) -> ColumnElement[bool]:
    return and_(col(Profile.platform) == user.platform.value, col(Profile.user_id) == user.user_id)


async def get(session: AsyncSession, user: UserRef) -> Profile | None:
    found = await session.execute(select(Profile).where(_is(user)))
    return found.scalar_one_or_none()


async def kind_of(session: AsyncSession, user: UserRef) -> str | None:
    profile = await get(session, user)
    return profile.kind if profile is not None else None


async def mark_offered(session: AsyncSession, user: UserRef) -> bool:
    """Record that the profile was offered to this person; False if it had been before (or
    they have one): it is offered only once."""
    now = utcnow()
    row = {
        "platform": user.platform.value,
        "user_id": user.user_id,
        "created_at": now,
        "updated_at": now,
    }
    inserted = await session.execute(
        insert_ignoring_duplicates(session, Profile, [row], ["platform", "user_id"])
    )
    return bool(getattr(inserted, "rowcount", 0))


async def _ensure(session: AsyncSession, user: UserRef) -> Profile:
    await mark_offered(session, user)
    profile = await get(session, user)
    assert profile is not None
    return profile


async def set_kind(session: AsyncSession, user: UserRef, kind: str) -> None:
    profile = await _ensure(session, user)
    now = utcnow()
    profile.kind = kind
    profile.described_at = profile.described_at or now
    profile.updated_at = now
    await session.flush()


async def set_commune(session: AsyncSession, user: UserRef, commune: str | None) -> None:
    profile = await _ensure(session, user)
    profile.commune = commune[:100] if commune else None
    profile.updated_at = utcnow()
    await session.flush()


async def forget(session: AsyncSession, user: UserRef) -> None:
    await session.execute(delete(Profile).where(_is(user)))


def _described_by(moment: datetime) -> ColumnElement[bool]:
    return and_(col(Profile.kind).is_not(None), col(Profile.described_at) < moment)


async def by_kind(session: AsyncSession, moment: datetime) -> Counter[str]:
    """Profiles given before `moment`, by kind (as they read now)."""
    query = (
        select(col(Profile.kind), func.count())
        .where(_described_by(moment))
        .group_by(col(Profile.kind))
    )
    return Counter({str(kind): int(n) for kind, n in (await session.execute(query)).all()})


async def partners(session: AsyncSession, moment: datetime) -> int:
    """People and chats with a profile or a subscription at `moment`: the profiles given by
    then, and the chats subscribed then, a person's private chat counted once with their
    profile."""
    profiles = int(
        (
            await session.execute(
                select(func.count()).select_from(Profile).where(_described_by(moment))
            )
        ).scalar_one()
    )
    started, ended = col(ChatPeriod.started_at), col(ChatPeriod.ended_at)
    has_profile = exists().where(
        col(Profile.platform) == col(Subscriber.platform),
        col(Profile.user_id) == col(Subscriber.user_id),
        _described_by(moment),
    )
    chats = (
        select(func.count(func.distinct(col(ChatPeriod.id))))
        .select_from(ChatPeriod)
        .outerjoin(Subscriber, col(Subscriber.id) == col(ChatPeriod.subscriber_id))
        .where(
            started.is_not(None),
            started < moment,
            or_(ended.is_(None), ended >= moment),
            or_(
                col(Subscriber.chat_kind).is_(None),  # a forgotten chat: no profile either
                col(Subscriber.chat_kind) != ChatKind.PRIVATE.value,
                ~has_profile,
            ),
        )
    )
    return profiles + int((await session.execute(chats)).scalar_one())
