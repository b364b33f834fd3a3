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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from relay.contract import (
    Channel,
    ChannelDown,
    ChatMoved,
    MessageRejected,
    RecipientGone,
    RetryLater,
    Revising,
    TooLateToChange,
)
from relay.delivery.notices import ChangeSummariser, Summariser, ViewSource
from relay.delivery.pacing import Pacer
from relay.messages import ChatKind, ChatRef, Platform
from relay.settings import Settings
from relay.states import FINAL_DELIVERY_STATES, DeliveryOperation, DeliveryState
from relay.store import notices as notice_store
from relay.store import outbox, subscribers
from relay.store import revisions as revision_store
from relay.store.db import Database
from relay.store.models import utcnow

log = logging.getLogger(__name__)

RECORD_INTERVAL_SECONDS = 0.1
MAX_SENDS_IN_FLIGHT = 16
IDLE_POLL_SECONDS = 0.5
FORGOTTEN_RECIPIENT = "abonné supprimé ou désactivé avant l'envoi"
CANNOT_REVISE = "cette plateforme ne permet pas de retirer ou de corriger un message"
LONGER_THAN_SENT = "le texte corrigé demande plus de messages que l'envoi n'en a laissé"
# A step of a delivery: one part sent, or one message deleted or edited, in this chat.
Step = Callable[[ChatRef, int], Awaitable[None]]


@dataclass(frozen=True)
class ChannelLimits:
    """A platform's limits: messages per second for the whole bot, and per-chat intervals;
    withdrawals and corrections count in them too, and `revision_rate` (per second) bounds
    them besides where the platform limits its delete and update methods apart."""

    rate: float
    private_interval: float = 1.0
    group_interval: float = 1.0
    revision_rate: float | None = None

    def interval(self, kind: str) -> float:
        return self.private_interval if kind == ChatKind.PRIVATE else self.group_interval


def limits_for(platform: Platform, settings: Settings) -> ChannelLimits:
    if platform is Platform.TELEGRAM:
        # Telegram: 1 message per second in a chat, 20 per minute in a group.
        return ChannelLimits(settings.telegram_rate, private_interval=1.0, group_interval=3.0)
    if platform is Platform.SLACK:
        # chat.update and chat.delete are Slack's "Tier 3" methods: about 50 a minute.
        return ChannelLimits(
            settings.slack_rate, private_interval=1.0, group_interval=1.0, revision_rate=50 / 60
        )
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
        summarise_change: ChangeSummariser,
        wake_all: Callable[[], None],
        options: WorkerOptions | None = None,
    ) -> None:
        self.channel = channel
        self.platform = channel.platform
        self.pacer = Pacer(limits.rate)
        self._revision_pacer = Pacer(limits.revision_rate) if limits.revision_rate else None
        self._summarise_change = summarise_change
        self._db = db
        self._limits = limits
        self._views = views
        self._summariser = summarise
        self._wake_all = wake_all  # a summary was queued: the author's platform has work
        self._options = options or WorkerOptions()
        self._in_flight = asyncio.Semaphore(self._options.sends_in_flight(limits.rate))
        self._outstanding: dict[int, asyncio.Task[None]] = {}
        self._outcomes: list[outbox.Outcome] = []
        # By announcement and revision of its text, while it goes out.
        self._rendered: dict[tuple[int, int], Sequence[object]] = {}
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
            (c.announcement_id, c.version) for c in claimed if c.announcement_id is not None
        } - self._rendered.keys()
        if missing:
            views = await self._views(sorted({announcement_id for announcement_id, _ in missing}))
            for announcement_id, version in missing:
                if announcement_id in views:
                    self._rendered[announcement_id, version] = self.channel.render(
                        views[announcement_id]
                    )
        return claimed

    async def _deliver(self, delivery: outbox.Claimed) -> None:
        if delivery.notice_id is not None:
            parts = self._notice_parts.pop(delivery.notice_id, None)
        else:
            parts = self._rendered.get((delivery.announcement_id or 0, delivery.version))
        if delivery.address is None or not parts:
            self._outcomes.append(
                outbox.Outcome(delivery.delivery_id, DeliveryState.GONE, error=FORGOTTEN_RECIPIENT)
            )
            return
        chat = ChatRef(self.platform, delivery.address, ChatKind(delivery.chat_kind))
        if delivery.operation == DeliveryOperation.SEND:
            outcome = await self._send_parts(delivery, chat, parts)
        else:
            outcome = await self._revise(delivery, chat, parts)
        if outcome is not None:  # appended after the await: the recorder swaps the list meanwhile
            self._outcomes.append(outcome)

    async def _send_parts(
        self, delivery: outbox.Claimed, chat: ChatRef, parts: Sequence[object]
    ) -> outbox.Outcome | None:
        message_ids = list(delivery.message_ids)

        async def send(target: ChatRef, index: int) -> None:
            message_ids.append(await self.channel.send(target, parts[index]))

        def shown() -> str:
            return ",".join(message_ids)

        return await self._perform(delivery, chat, len(parts), send, shown, shown)

    async def _revise(
        self, delivery: outbox.Claimed, chat: ChatRef, parts: Sequence[object]
    ) -> outbox.Outcome | None:
        """Withdraw (delete) or correct (edit, and delete the parts the new text no longer
        needs) the messages the chat shows of an announcement."""
        channel, targets = self.channel, delivery.message_ids
        if not targets:  # its send never reached the chat after all
            return outbox.Outcome(delivery.delivery_id, outbox.VOID)
        if not isinstance(channel, Revising):
            return self._failed(delivery, CANNOT_REVISE)
        if delivery.operation == DeliveryOperation.DELETE:
            parts = ()
        elif len(parts) > len(targets):
            return self._failed(delivery, LONGER_THAN_SENT)

        async def change(target: ChatRef, index: int) -> None:
            if index < len(parts):
                await channel.edit(target, targets[index], parts[index])
            else:
                await channel.delete(target, targets[index])

        kept = ",".join(targets[: len(parts)])
        return await self._perform(delivery, chat, len(targets), change, lambda: None, lambda: kept)

    async def _perform(
        self,
        delivery: outbox.Claimed,
        chat: ChatRef,
        steps: int,
        step: Step,
        progress: Callable[[], str | None],
        shown: Callable[[], str],
    ) -> outbox.Outcome | None:
        """Take a delivery's steps in order within the limits, resuming after those done by
        earlier attempts; `progress` is what a retry keeps of them, `shown` what the chat shows
        once every step is done."""
        moved = False
        index = min(delivery.parts_sent, steps)  # steps done before: never again
        while index < steps:
            await self.pacer.wait_for_chat(chat.address, self._limits.interval(chat.kind))
            if index == delivery.parts_sent and utcnow() >= delivery.lease_until:
                # Waited so long that the claim lapsed: someone may hold it now. Leave it to them.
                return None
            try:
                await self._within_rate(step, chat, index, delivery.revision > 0)
                index += 1
            except ChatMoved as moved_error:
                if moved or delivery.subscriber_id is None:
                    return self._failed(delivery, moved_error.reason)
                moved = True
                async with self._db.write() as session:
                    await subscribers.move(session, delivery.subscriber_id, moved_error.new_address)
                chat = ChatRef(chat.platform, moved_error.new_address, chat.kind)
            except RetryLater as busy:
                return self._retry(delivery, busy, index, progress())
            except Exception as error:
                return self._refused(delivery, error, index, progress())
        return outbox.Outcome(delivery.delivery_id, DeliveryState.SENT, message_id=shown())

    def _refused(
        self, delivery: outbox.Claimed, error: Exception, index: int, progress: str | None
    ) -> outbox.Outcome:
        """What a step's error other than a wait makes of the delivery."""
        if isinstance(error, RecipientGone):
            return outbox.Outcome(
                delivery.delivery_id,
                DeliveryState.GONE,
                error=error.reason,
                subscriber_id=delivery.subscriber_id,
            )
        if isinstance(error, TooLateToChange):
            return outbox.Outcome(delivery.delivery_id, DeliveryState.EXPIRED, error=error.reason)
        if isinstance(error, MessageRejected):
            log.warning(
                "%s rejected delivery %s: %s", self.platform, delivery.delivery_id, error.reason
            )
            return self._failed(delivery, error.reason)
        if isinstance(error, ChannelDown):
            log.critical("%s channel is down: %s", self.platform, error.reason)
            self.pacer.pause(60)
            return self._retry(delivery, RetryLater(error.reason, retry_after=60), index, progress)
        log.exception("unexpected error sending delivery %s", delivery.delivery_id, exc_info=error)
        return self._retry(delivery, RetryLater(type(error).__name__), index, progress)

    async def _within_rate(self, step: Step, chat: ChatRef, index: int, revising: bool) -> None:
        if revising and self._revision_pacer is not None:
            await self._revision_pacer.wait_for_window()
        # The window's turn is taken holding a connection, so the send leaves at once: a turn
        # followed by a wait for a connection would let sends bunch up past the platform's limit.
        async with self._in_flight:
            ticket = await self.pacer.wait_for_window()
            try:
                await step(chat, index)
            except RetryLater as busy:
                if busy.nothing_sent:
                    self.pacer.give_back(ticket)
                raise

    def _retry(
        self,
        delivery: outbox.Claimed,
        busy: RetryLater,
        parts_sent: int | None = None,
        sent_ids: str | None = None,
    ) -> outbox.Outcome:
        """Try again later, from the first part (or step) not yet done."""
        done = delivery.parts_sent if parts_sent is None else parts_sent
        sent_ids = sent_ids or None
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
        if any(o.status in (*FINAL_DELIVERY_STATES, outbox.VOID) for o in outcomes):
            await self._summarise()
        loop = asyncio.get_running_loop()
        for outcome in outcomes:
            if outcome.status == DeliveryState.PENDING and outcome.retry_at is not None:
                # Claim the retry when it is due, not at the next idle poll.
                due_in = (outcome.retry_at - utcnow()).total_seconds()
                loop.call_later(max(0.0, due_in), self._wake.set)

    async def _summarise(self) -> None:
        """Announcements whose deliveries are all final, and revisions (withdrawals,
        corrections) whose rows are: their authors' summaries are queued in the transaction
        that marks them summarised, so each goes once, whatever happens."""
        queued = False
        async with self._db.write() as session:
            for announcement in await outbox.claim_finished_summaries(session):
                assert announcement.id is not None
                self._forget_rendered(announcement.id)
                progress = await outbox.progress(session, announcement.id)
                summary = self._summariser(announcement, progress)
                if summary is not None:
                    chat, reply = summary
                    key = f"summary:{announcement.id}"
                    queued = await notice_store.queue(session, chat, reply, key) or queued
            for change, announcement in await revision_store.claim_finished_changes(session):
                self._forget_rendered(change.announcement_id)
                progress = await outbox.progress(session, change.announcement_id, change.revision)
                summary = self._summarise_change(announcement, change, progress)
                if summary is not None:
                    chat, reply = summary
                    key = f"revision:{change.announcement_id}:{change.revision}"
                    queued = await notice_store.queue(session, chat, reply, key) or queued
        if queued:
            self._wake_all()

    def _forget_rendered(self, announcement_id: int) -> None:
        for key in [k for k in self._rendered if k[0] == announcement_id]:
            del self._rendered[key]
