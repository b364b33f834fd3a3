"""A delivery worker: drains one platform's outbox through its channel within its limits.

Each worker claims due deliveries in small batches (a lease marks them as its own), sends them
through its channel at the pace the platform allows, and records the outcomes in small batches.
A crash loses nothing: claimed rows whose lease expires are claimed again. A chat receives a
message twice only if the process died after the platform accepted it and before the outcome
was written: at most `concurrency` sends in flight plus one recorder flush
(RECORD_INTERVAL_SECONDS of sends) per worker.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from relay.contract import (
    Channel,
    ChannelDown,
    ChatMoved,
    MessageRejected,
    RecipientGone,
    RetryLater,
)
from relay.delivery.notices import Summariser, ViewSource
from relay.delivery.pacing import Pacer
from relay.messages import ChatKind, ChatRef, Platform
from relay.settings import Settings
from relay.states import FINAL_DELIVERY_STATES, DeliveryState
from relay.store import notices as notice_store
from relay.store import outbox, subscribers
from relay.store.db import Database
from relay.store.models import utcnow

log = logging.getLogger(__name__)

RECORD_INTERVAL_SECONDS = 0.1
MAX_SENDS_IN_FLIGHT = 16
IDLE_POLL_SECONDS = 0.5
FORGOTTEN_RECIPIENT = "abonné supprimé ou désactivé avant l'envoi"


@dataclass(frozen=True)
class ChannelLimits:
    """A platform's limits: messages per second for the whole bot, and per-chat intervals."""

    rate: float
    private_interval: float = 1.0
    group_interval: float = 1.0

    def interval(self, kind: str) -> float:
        return self.private_interval if kind == ChatKind.PRIVATE else self.group_interval


def limits_for(platform: Platform, settings: Settings) -> ChannelLimits:
    if platform is Platform.TELEGRAM:
        # Telegram: 1 message per second in a chat, 20 per minute in a group.
        return ChannelLimits(settings.telegram_rate, private_interval=1.0, group_interval=3.0)
    if platform is Platform.SLACK:
        return ChannelLimits(settings.slack_rate, private_interval=1.0, group_interval=1.0)
    return ChannelLimits(rate=100, private_interval=0.0, group_interval=0.0)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter for transient failures, then give up.

    An isolated server error is retried within a quarter of a second; an outage is waited out
    for about two minutes (the bounds of the nine delays add up to 128 s) before it fails."""

    base_seconds: float = 0.25
    cap_seconds: float = 600.0
    max_attempts: int = 10

    def delay(self, attempts: int) -> float:
        return random.uniform(0, min(self.cap_seconds, self.base_seconds * 2**attempts))


@dataclass
class WorkerOptions:
    batch_size: int = 50
    lease: timedelta = timedelta(seconds=60)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    concurrency: int | None = None  # sends in flight; by default from the rate

    def sends_in_flight(self, rate: float) -> int:
        # Enough to cover the platform's latency at full rate, but few: HTTP clients spend more
        # CPU per request the more connections they juggle (httpcore's pool is linear in them).
        return self.concurrency or max(8, min(MAX_SENDS_IN_FLIGHT, int(rate / 8)))


class DeliveryWorker:
    """Drains one platform's outbox through one channel."""

    def __init__(
        self,
        channel: Channel,
        db: Database,
        limits: ChannelLimits,
        views: ViewSource,
        summarise: Summariser,
        wake_all: Callable[[], None],
        options: WorkerOptions | None = None,
    ) -> None:
        self.channel = channel
        self.platform = channel.platform
        self.pacer = Pacer(limits.rate)
        self._db = db
        self._limits = limits
        self._views = views
        self._summariser = summarise
        self._wake_all = wake_all  # a summary was queued: the author's platform has work
        self._options = options or WorkerOptions()
        self._in_flight = asyncio.Semaphore(self._options.sends_in_flight(limits.rate))
        self._outstanding: dict[int, asyncio.Task[None]] = {}
        self._outcomes: list[outbox.Outcome] = []
        self._rendered: dict[int, Sequence[object]] = {}  # by announcement, while it goes out
        self._notice_parts: dict[int, Sequence[object]] = {}  # by notice, until its attempt ends
        self._wake = asyncio.Event()
        self._record_now = asyncio.Event()
        self._stopping = False
        self._flushing = False
        self._loop_task: asyncio.Task[None] | None = None
        self._recorder_task: asyncio.Task[None] | None = None

    @property
    def _max_outstanding(self) -> int:
        # Claim no more than can be sent well within the lease (and at most two seconds' worth).
        ahead = min(2.0, self._options.lease.total_seconds() / 4)
        return max(1, min(self._options.batch_size * 4, int(self._limits.rate * ahead)))

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._claim_loop(), name=f"deliver-{self.platform}")
        self._recorder_task = asyncio.create_task(
            self._record_loop(), name=f"record-{self.platform}"
        )

    def wake(self) -> None:
        self._wake.set()

    @property
    def busy(self) -> bool:
        """Sends in flight, outcomes not yet written, or a summary being sent."""
        return bool(self._outstanding or self._outcomes or self._flushing)

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Stop claiming, let sends in flight finish for a moment, give the rest back."""
        self._stopping = True
        self._wake.set()
        if self._loop_task:
            await asyncio.gather(self._loop_task, return_exceptions=True)
        if self._outstanding:
            await asyncio.wait(list(self._outstanding.values()), timeout=grace_seconds)
        unfinished = list(self._outstanding)
        for task in self._outstanding.values():
            task.cancel()
        await asyncio.gather(*self._outstanding.values(), return_exceptions=True)
        if self._recorder_task:
            # Not cancelled: wait_for() swallows a cancellation that coincides with the event
            # it waits for, and the last sends set that event as they end.
            self._record_now.set()
            await asyncio.gather(self._recorder_task, return_exceptions=True)
        await self._flush()
        async with self._db.write() as session:
            await outbox.release(session, unfinished)

    async def _claim_loop(self) -> None:
        while not self._stopping:
            room = self._max_outstanding - len(self._outstanding)
            claimed: list[outbox.Claimed] = []
            if room > 0 and self.pacer.paused_for == 0:
                try:
                    claimed = await self._claim(min(room, self._options.batch_size))
                except Exception:
                    log.exception("claiming %s deliveries failed; retrying shortly", self.platform)
            for delivery in claimed:
                task = asyncio.create_task(self._deliver(delivery))
                self._outstanding[delivery.delivery_id] = task
                task.add_done_callback(self._forget_task(delivery.delivery_id))
            if claimed and len(claimed) == min(room, self._options.batch_size):
                await asyncio.sleep(0)
                continue
            idle = IDLE_POLL_SECONDS if not self._outstanding else RECORD_INTERVAL_SECONDS
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(idle, self.pacer.paused_for))
            self._wake.clear()

    def _forget_task(self, delivery_id: int) -> Callable[[asyncio.Task[None]], None]:
        def forget(_: asyncio.Task[None]) -> None:
            self._outstanding.pop(delivery_id, None)
            if not self._outstanding:
                self._record_now.set()  # the last send of a run: no reason to wait

        return forget

    async def _claim(self, limit: int) -> list[outbox.Claimed]:
        async with self._db.write() as session:
            claimed = await outbox.claim(session, self.platform.value, limit, self._options.lease)
            notice_ids = [c.notice_id for c in claimed if c.notice_id is not None]
            notices = await notice_store.replies(session, notice_ids) if notice_ids else {}
        for notice_id, reply in notices.items():
            self._notice_parts[notice_id] = self.channel.render(reply)
        missing = {
            c.announcement_id for c in claimed if c.announcement_id is not None
        } - self._rendered.keys()
        if missing:
            views = await self._views(sorted(missing))
            for announcement_id, view in views.items():
                self._rendered[announcement_id] = self.channel.render(view)
        return claimed

    async def _deliver(self, delivery: outbox.Claimed) -> None:
        if delivery.notice_id is not None:
            parts = self._notice_parts.pop(delivery.notice_id, None)
        else:
            parts = self._rendered.get(delivery.announcement_id or 0)
        if delivery.address is None or not parts:
            self._outcomes.append(
                outbox.Outcome(delivery.delivery_id, DeliveryState.GONE, error=FORGOTTEN_RECIPIENT)
            )
            return
        chat = ChatRef(self.platform, delivery.address, ChatKind(delivery.chat_kind))
        outcome = await self._send_parts(delivery, chat, parts)
        if outcome is not None:  # appended after the await: the recorder swaps the list meanwhile
            self._outcomes.append(outcome)

    async def _send_parts(
        self, delivery: outbox.Claimed, chat: ChatRef, parts: Sequence[object]
    ) -> outbox.Outcome | None:
        message_ids = list(delivery.message_ids)
        moved = False
        index = min(delivery.parts_sent, len(parts))  # parts sent before: never again
        while index < len(parts):
            await self.pacer.wait_for_chat(chat.address, self._limits.interval(chat.kind))
            if index == delivery.parts_sent and utcnow() >= delivery.lease_until:
                # Waited so long that the claim lapsed: someone may hold it now. Leave it to them.
                return None
            try:
                message_ids.append(await self._send_within_rate(chat, parts[index]))
                index += 1
            except ChatMoved as moved_error:
                if moved or delivery.subscriber_id is None:
                    return self._failed(delivery, moved_error.reason)
                moved = True
                async with self._db.write() as session:
                    await subscribers.move(session, delivery.subscriber_id, moved_error.new_address)
                chat = ChatRef(chat.platform, moved_error.new_address, chat.kind)
            except RetryLater as busy:
                return self._retry(delivery, busy, index, message_ids)
            except RecipientGone as gone:
                return outbox.Outcome(
                    delivery.delivery_id,
                    DeliveryState.GONE,
                    error=gone.reason,
                    subscriber_id=delivery.subscriber_id,
                )
            except MessageRejected as rejected:
                log.warning(
                    "%s rejected delivery %s: %s",
                    self.platform,
                    delivery.delivery_id,
                    rejected.reason,
                )
                return self._failed(delivery, rejected.reason)
            except ChannelDown as down:
                log.critical("%s channel is down: %s", self.platform, down.reason)
                self.pacer.pause(60)
                later = RetryLater(down.reason, retry_after=60)
                return self._retry(delivery, later, index, message_ids)
            except Exception as unexpected:
                log.exception("unexpected error sending delivery %s", delivery.delivery_id)
                later = RetryLater(type(unexpected).__name__)
                return self._retry(delivery, later, index, message_ids)
        return outbox.Outcome(
            delivery.delivery_id, DeliveryState.SENT, message_id=",".join(message_ids)
        )

    async def _send_within_rate(self, chat: ChatRef, part: object) -> str:
        # The window's turn is taken holding a connection, so the send leaves at once: a turn
        # followed by a wait for a connection would let sends bunch up past the platform's limit.
        async with self._in_flight:
            ticket = await self.pacer.wait_for_window()
            try:
                return await self.channel.send(chat, part)
            except RetryLater as busy:
                if busy.nothing_sent:
                    self.pacer.give_back(ticket)
                raise

    def _retry(
        self,
        delivery: outbox.Claimed,
        busy: RetryLater,
        parts_sent: int | None = None,
        message_ids: Sequence[str] = (),
    ) -> outbox.Outcome:
        """Try again later, from the first part not yet delivered."""
        done = delivery.parts_sent if parts_sent is None else parts_sent
        sent_ids = ",".join(message_ids or delivery.message_ids) or None
        if busy.retry_after is not None:
            # The platform said how long to wait: the whole channel waits, and this is no failure.
            self.pacer.pause(busy.retry_after)
            retry_at = utcnow() + timedelta(seconds=busy.retry_after)
            return outbox.Outcome(
                delivery.delivery_id,
                DeliveryState.PENDING,
                error=busy.reason,
                retry_at=retry_at,
                counts_as_attempt=False,
                parts_sent=done,
                message_id=sent_ids,
            )
        if delivery.attempts + 1 >= self._options.retry.max_attempts:
            return self._failed(delivery, busy.reason)
        delay = self._options.retry.delay(delivery.attempts)
        return outbox.Outcome(
            delivery.delivery_id,
            DeliveryState.PENDING,
            error=busy.reason,
            retry_at=utcnow() + timedelta(seconds=delay),
            parts_sent=done,
            message_id=sent_ids,
        )

    @staticmethod
    def _failed(delivery: outbox.Claimed, reason: str) -> outbox.Outcome:
        return outbox.Outcome(delivery.delivery_id, DeliveryState.FAILED, error=reason)

    async def _record_loop(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._record_now.wait(), RECORD_INTERVAL_SECONDS)
            self._record_now.clear()
            try:
                await self._flush()
            except Exception:
                log.exception("recording %s outcomes failed; will retry", self.platform)

    async def _flush(self) -> None:
        if not self._outcomes:
            return
        self._flushing = True
        try:
            await self._write_outcomes()
        finally:
            self._flushing = False

    async def _write_outcomes(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        try:
            async with self._db.write() as session:
                await outbox.record(session, outcomes)
                gone = {o.subscriber_id: o.error or "" for o in outcomes if o.subscriber_id}
                await subscribers.deactivate(session, gone)
        except Exception:
            self._outcomes[:0] = outcomes
            raise
        if any(o.status in FINAL_DELIVERY_STATES for o in outcomes):
            await self._summarise()
        loop = asyncio.get_running_loop()
        for outcome in outcomes:
            if outcome.status == DeliveryState.PENDING and outcome.retry_at is not None:
                # Claim the retry when it is due, not at the next idle poll.
                due_in = (outcome.retry_at - utcnow()).total_seconds()
                loop.call_later(max(0.0, due_in), self._wake.set)

    async def _summarise(self) -> None:
        """Announcements whose deliveries are all final: their authors' summaries are queued in
        the transaction that marks them summarised, so each goes once, whatever happens."""
        queued = False
        async with self._db.write() as session:
            for announcement in await outbox.claim_finished_summaries(session):
                assert announcement.id is not None
                self._rendered.pop(announcement.id, None)
                progress = await outbox.progress(session, announcement.id)
                summary = self._summariser(announcement, progress)
                if summary is not None:
                    chat, reply = summary
                    key = f"summary:{announcement.id}"
                    queued = await notice_store.queue(session, chat, reply, key) or queued
        if queued:
            self._wake_all()
