"""The subscription store, run on every backend (SQLite, and PostgreSQL in CI)."""

import asyncio

from sqlmodel import select

from relay.app import Relay
from relay.messages import ChatKind, ChatRef, Platform, UserRef
from relay.store import privacy, subscribers
from relay.store.models import Subscriber, Subscription
from relay.store.models_history import ChatPeriod, SubscriptionPeriod

BIG_GROUP = ChatRef(Platform.TELEGRAM, "-1001234567890123", ChatKind.GROUP)
SLACK_CHANNEL = ChatRef(Platform.SLACK, "C0123ABCD", ChatKind.CHANNEL)


async def test_subscriptions_round_trip(relay: Relay) -> None:
    async with relay.db.write() as session:
        group = await subscribers.ensure(session, BIG_GROUP, None, "CPTS Pays de Retz")
        await subscribers.add_themes(session, group, ["addictions", "jeunes"])
        channel = await subscribers.ensure(session, SLACK_CHANNEL, None, "#sante-mentale")
        await subscribers.add_themes(session, channel, ["sante-mentale"])
    async with relay.db.read() as session:
        assert await subscribers.themes_of(session, BIG_GROUP) == {"addictions", "jeunes"}
        views = await subscribers.listing(session)
    assert [(v.platform, v.address, v.themes) for v in views] == [
        ("slack", "C0123ABCD", ("sante-mentale",)),
        ("telegram", "-1001234567890123", ("addictions", "jeunes")),
    ]


async def test_adding_a_theme_twice_keeps_one_row(relay: Relay) -> None:
    for _ in range(2):
        async with relay.db.write() as session:
            group = await subscribers.ensure(session, BIG_GROUP, None, "")
            await subscribers.add_themes(session, group, ["jeunes", "jeunes"])
    async with relay.db.read() as session:
        assert [v.themes for v in await subscribers.listing(session)] == [("jeunes",)]


async def test_concurrent_writers_all_succeed(relay: Relay) -> None:
    """Read-then-write transactions from many tasks at once: none fails with 'locked'."""

    async def subscribe(n: int) -> None:
        chat = ChatRef(Platform.TELEGRAM, str(n), ChatKind.PRIVATE)
        async with relay.db.write() as session:
            await subscribers.themes_of(session, chat)
            subscriber = await subscribers.ensure(session, chat, str(n), f"user {n}")
            await subscribers.add_themes(session, subscriber, ["prevention"])

    await asyncio.gather(*(subscribe(n) for n in range(40)))
    async with relay.db.read() as session:
        assert len(await subscribers.listing(session)) == 40


async def test_deactivation_and_return(relay: Relay) -> None:
    async with relay.db.write() as session:
        await subscribers.ensure(session, BIG_GROUP, None, "")
        assert await subscribers.set_active(session, BIG_GROUP, False, "bot retiré du groupe")
    async with relay.db.read() as session:
        (view,) = await subscribers.listing(session)
    assert (view.active, view.inactive_reason) == (False, "bot retiré du groupe")
    async with relay.db.write() as session:
        await subscribers.ensure(session, BIG_GROUP, None, "")
    async with relay.db.read() as session:
        (view,) = await subscribers.listing(session)
    assert (view.active, view.inactive_reason) == (True, None)


async def test_forget_deletes_the_users_chats_and_their_subscriptions(relay: Relay) -> None:
    private = ChatRef(Platform.TELEGRAM, "42", ChatKind.PRIVATE)
    async with relay.db.write() as session:
        mine = await subscribers.ensure(session, private, "42", "Camille")
        await subscribers.add_themes(session, mine, ["jeunes"])
        await subscribers.ensure(session, BIG_GROUP, "42", "group")
    async with relay.db.write() as session:
        deleted = await subscribers.forget(session, "telegram", "42", private.address)
    assert deleted == 1
    async with relay.db.read() as session:
        assert await subscribers.themes_of(session, private) == set()
        assert [v.address for v in await subscribers.listing(session)] == [BIG_GROUP.address]
        remaining = await session.execute(select(Subscription))
        assert remaining.all() == []


async def test_forget_keeps_only_anonymous_periods(relay: Relay) -> None:
    """/oublier deletes the chat and its subscriptions; their periods stay for past reports,
    closed and unlinked from any chat."""
    private = ChatRef(Platform.TELEGRAM, "42", ChatKind.PRIVATE)
    async with relay.db.write() as session:
        mine = await subscribers.ensure(session, private, "42", "Camille")
        await subscribers.add_themes(session, mine, ["jeunes", "jeunes"])
        await subscribers.add_themes(session, mine, ["jeunes", "addictions"])
    async with relay.db.read() as session:
        themes = (await session.execute(select(SubscriptionPeriod.theme))).scalars().all()
        assert sorted(themes) == ["addictions", "jeunes"]
    async with relay.db.write() as session:
        await privacy.forget_user(session, UserRef(Platform.TELEGRAM, "42"), private.address)
    async with relay.db.read() as session:
        assert (await session.execute(select(Subscriber))).all() == []
        assert (await session.execute(select(Subscription))).all() == []
        periods = (await session.execute(select(SubscriptionPeriod))).scalars().all()
        chats = (await session.execute(select(ChatPeriod))).scalars().all()
    assert sorted((p.subscriber_id, p.platform, p.theme, p.end_reason) for p in periods) == [
        (None, "telegram", "addictions", "forgotten"),
        (None, "telegram", "jeunes", "forgotten"),
    ]
    assert [(c.subscriber_id, c.platform, c.end_reason) for c in chats] == [
        (None, "telegram", "forgotten")
    ]
    assert all(p.ended_at is not None for p in periods)
    assert all(c.ended_at is not None for c in chats)
