"""The delivery engine on every backend: once per chat, despite faults, crashes and shutdowns."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlmodel import col

from relay.announcements import Draft, summary_notice
from relay.app import Relay
from relay.contract import ChatMoved, MessageRejected, RecipientGone, RetryLater
from relay.delivery import DeliveryEngine, RetryPolicy, WorkerOptions
from relay.messages import AnnouncementKind, ChatKind, ChatRef, Platform, UserRef
from relay.revisions import change_summary_notice
from relay.states import AnnouncementSource, AnnouncementState
from relay.store import outbox, subscribers
from relay.store.db import Database
from relay.store.models import Delivery, Subscriber
from tests.scripted_channel import ScriptedChannel

FAST_RETRIES = WorkerOptions(retry=RetryPolicy(base_seconds=0.01, cap_seconds=0.05))
COORDINATOR = UserRef(Platform.TELEGRAM, "1000")


async def subscribe(
    relay: Relay, address: str, themes: list[str], kind: ChatKind = ChatKind.PRIVATE
) -> None:
    async with relay.db.write() as session:
        chat = ChatRef(Platform.TELEGRAM, address, kind)
        subscriber = await subscribers.ensure(session, chat, address, "")
        await subscribers.add_themes(session, subscriber, themes)


async def announce(relay: Relay, themes: tuple[str, ...], text: str = "Forum santé mentale") -> int:
    draft = Draft(text, themes, (), AnnouncementKind.EVENT, "", None, None)
    origin = ChatRef(Platform.TELEGRAM, "1000")
    announcement_id, _ = await relay.announcements.create(
        draft, AnnouncementSource.COORDINATOR, AnnouncementState.QUEUED, COORDINATOR, origin
    )
    return announcement_id


@asynccontextmanager
async def engine_with(
    relay: Relay, channel: ScriptedChannel, options: WorkerOptions = FAST_RETRIES
) -> AsyncIterator[DeliveryEngine]:
    engine = relay.engine  # the engine the relay's services notify and wake
    engine.add_channel(channel, options)
    engine.start()
    try:
        yield engine
    finally:
        await engine.stop(grace_seconds=1)


async def statuses(db: Database) -> dict[str, int]:
    """The announcements' deliveries by state (direct notices, such as summaries, apart)."""
    async with db.read() as session:
        rows = await session.execute(
            select(col(Delivery.status), func.count())
            .where(col(Delivery.announcement_id).is_not(None))
            .group_by(col(Delivery.status))
        )
        return dict(rows.all())


async def test_every_subscribed_chat_receives_once_and_the_author_gets_a_summary(
    relay: Relay,
) -> None:
    for n in range(60):
        themes = [
            ["jeunes"],
            ["sante-mentale"],
            ["jeunes", "sante-mentale"],
            ["tout"],
            ["handicap"],
        ][n % 5]
        await subscribe(relay, str(n), themes)
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await announce(relay, ("jeunes", "sante-mentale"))
        assert await engine.drain(20)
    expected = {str(n) for n in range(60) if n % 5 != 4}
    assert set(channel.delivered) - {"1000"} == expected
    assert all(channel.delivered[a] == 1 for a in expected)
    summary = channel.texts["1000"][-1]
    assert "48 remis, 0 en échec, 0 injoignable" in summary
    assert await statuses(relay.db) == {"sent": 48}


async def test_transient_faults_and_a_burst_of_429s_lose_nothing(relay: Relay) -> None:
    for n in range(120):
        await subscribe(relay, str(n), ["prevention"])
    burst = [RetryLater("Too Many Requests: retry after 1", retry_after=0.2, whole_channel=True)]
    channel = ScriptedChannel(error_rate=0.1, failures={"5": list(burst), "6": list(burst)})
    async with engine_with(relay, channel) as engine:
        await announce(relay, ("prevention",))
        assert await engine.drain(30)
    assert sum(channel.delivered[str(n)] for n in range(120)) == 120
    assert max(channel.delivered[str(n)] for n in range(120)) == 1
    assert (await statuses(relay.db))["sent"] == 120


async def test_a_429_is_not_counted_as_a_failed_attempt(relay: Relay) -> None:
    await subscribe(relay, "1", ["prevention"])
    retry = RetryLater("Too Many Requests", retry_after=0.05, whole_channel=True)
    channel = ScriptedChannel(failures={"1": [retry] * 3})
    options = WorkerOptions(retry=RetryPolicy(base_seconds=0.01, max_attempts=2))
    async with engine_with(relay, channel, options) as engine:
        await announce(relay, ("prevention",))
        assert await engine.drain(10)
    assert channel.delivered["1"] == 1


async def test_unreachable_chats_are_deactivated_and_never_retried(relay: Relay) -> None:
    for address in ("blocked", "kicked", "fine"):
        await subscribe(relay, address, ["addictions"])
    channel = ScriptedChannel(
        failures={
            "blocked": [RecipientGone("Forbidden: bot was blocked by the user")],
            "kicked": [RecipientGone("Forbidden: bot was kicked from the group chat")],
        }
    )
    async with engine_with(relay, channel) as engine:
        await announce(relay, ("addictions",))
        assert await engine.drain(10)
        await announce(relay, ("addictions",), "Deuxième message")
        assert await engine.drain(10)
    assert channel.delivered["fine"] == 2
    assert "blocked" not in channel.delivered
    async with relay.db.read() as session:
        views = {v.address: v for v in await subscribers.listing(session)}
    assert not views["blocked"].active
    assert views["blocked"].inactive_reason == "Forbidden: bot was blocked by the user"
    assert channel.texts["1000"][0].count("1 injoignable") == 0  # two were unreachable
    assert "2 injoignables" in channel.texts["1000"][0]


async def test_a_migrated_group_gets_the_message_at_its_new_address(relay: Relay) -> None:
    await subscribe(relay, "-200", ["jeunes"], ChatKind.GROUP)
    channel = ScriptedChannel(
        failures={"-200": [ChatMoved("group chat was upgraded to a supergroup chat", "-100200")]}
    )
    async with engine_with(relay, channel) as engine:
        await announce(relay, ("jeunes",))
        assert await engine.drain(10)
    assert channel.delivered["-100200"] == 1
    async with relay.db.read() as session:
        assert [v.address for v in await subscribers.listing(session)] == ["-100200"]


async def test_rejected_and_exhausted_messages_fail_with_the_reason(relay: Relay) -> None:
    await subscribe(relay, "bad", ["jeunes"])
    await subscribe(relay, "down", ["jeunes"])
    channel = ScriptedChannel(
        failures={
            "bad": [MessageRejected("Bad Request: message is too long")],
            "down": [RetryLater("502 Bad Gateway")] * 10,
        }
    )
    options = WorkerOptions(retry=RetryPolicy(base_seconds=0.01, max_attempts=3))
    async with engine_with(relay, channel, options) as engine:
        await announce(relay, ("jeunes",))
        assert await engine.drain(10)
    async with relay.db.read() as session:
        broadcast = select(Delivery).where(col(Delivery.announcement_id).is_not(None))
        rows = (await session.execute(broadcast)).scalars().all()
    errors = {row.last_error for row in rows}
    assert {row.status for row in rows} == {"failed"}
    assert errors == {"Bad Request: message is too long", "502 Bad Gateway"}
    assert max(row.attempts for row in rows) == 3


async def test_stop_leaves_unsent_deliveries_pending(relay: Relay) -> None:
    for n in range(40):
        await subscribe(relay, str(n), ["jeunes"])
    channel = ScriptedChannel(latency=0.05)
    slow = relay.settings.model_copy(update={"telegram_rate": 10})
    engine = DeliveryEngine(relay.db, slow, relay.views, summary_notice, change_summary_notice)
    engine.add_channel(channel)
    engine.start()
    await announce(relay, ("jeunes",))
    engine.wake()
    await asyncio.sleep(0.6)
    await engine.stop(grace_seconds=1)
    counts = await statuses(relay.db)
    assert "sending" not in counts
    assert 0 < counts["sent"] < 40 and counts["sent"] + counts["pending"] == 40
    assert counts["sent"] == sum(channel.delivered.values())


async def test_a_crashed_claim_is_taken_again_after_its_lease(relay: Relay) -> None:
    await subscribe(relay, "1", ["jeunes"])
    announcement_id = await announce(relay, ("jeunes",))
    async with relay.db.write() as session:
        claimed = await outbox.claim(session, "telegram", 10, timedelta(seconds=30))
    assert len(claimed) == 1
    async with relay.db.write() as session:
        assert await outbox.claim(session, "telegram", 10, timedelta(seconds=30)) == []
        await session.execute(
            update(Delivery).values(lease_until=Delivery.next_attempt_at - timedelta(seconds=1))
        )
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(10, announcement_id)
    assert channel.delivered["1"] == 1


async def test_two_engines_on_one_database_never_send_twice(relay: Relay) -> None:
    for n in range(200):
        await subscribe(relay, str(n), ["prevention"])
    other_db = Database(relay.settings.database_url)
    first, second = ScriptedChannel(latency=0.002), ScriptedChannel(latency=0.002)
    options = WorkerOptions(batch_size=10, retry=FAST_RETRIES.retry)
    engines = []
    for db, channel in ((relay.db, first), (other_db, second)):
        engine = DeliveryEngine(
            db, relay.settings, relay.views, summary_notice, change_summary_notice, options
        )
        engine.add_channel(channel)
        engine.start()
        engines.append(engine)
    try:
        await announce(relay, ("prevention",))
        for engine in engines:
            engine.wake()
        assert await engines[0].drain(30)
        assert await engines[1].drain(30)
    finally:
        for engine in engines:
            await engine.stop(1)
        await other_db.close()
    total = first.delivered + second.delivered
    recipients = {str(n) for n in range(200)}
    assert all(total[a] == 1 for a in recipients)
    assert first.delivered and second.delivered, "both engines should have taken a share"


async def test_forgotten_chat_is_skipped_but_counted(relay: Relay) -> None:
    await subscribe(relay, "1", ["jeunes"])
    await subscribe(relay, "2", ["jeunes"])
    announcement_id = await announce(relay, ("jeunes",))
    async with relay.db.write() as session:
        await subscribers.forget(session, "telegram", "1", "1")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(10, announcement_id)
    assert "1" not in channel.delivered and channel.delivered["2"] == 1
    async with relay.db.read() as session:
        remaining = await session.execute(select(func.count()).select_from(Subscriber))
        assert remaining.scalar_one() == 1
    assert await statuses(relay.db) == {"sent": 1, "gone": 1}


async def test_a_message_in_parts_resumes_after_the_parts_already_sent(relay: Relay) -> None:
    await subscribe(relay, "11", ["jeunes"])
    text = "".join(f"[partie {n}]".ljust(100, ".") for n in range(1, 4))
    busy = RetryLater("502 Bad Gateway", nothing_sent=True)
    # The first part goes, the second meets two outages, then everything goes.
    channel = ScriptedChannel(part_size=100, failures={"11": [None, busy, busy]})
    async with engine_with(relay, channel) as engine:
        await announce(relay, ("jeunes",), text)
        assert await engine.drain(10)
    assert channel.texts["11"] == [text[:100], text[100:200], text[200:]], (
        "each part once, in order"
    )
    async with relay.db.read() as session:
        (delivery,) = (
            (
                await session.execute(
                    select(Delivery).where(col(Delivery.subscriber_id).is_not(None))
                )
            )
            .scalars()
            .all()
        )
    assert delivery.status == "sent"
    assert delivery.platform_message_id == "11-1,11-2,11-3", "every part's id, in order"
