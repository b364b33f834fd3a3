"""The delivery engine: one worker per channel, and the direct notices (summaries, moderation
requests, the monthly report) queued in the same outbox."""

import asyncio
import logging
from datetime import timedelta

from relay.contract import ADMITTED, Admission, Admitting, Channel
from relay.delivery.notices import ChangeSummariser, Summariser, ViewSource
from relay.delivery.worker import DeliveryWorker, WorkerOptions, limits_for
from relay.messages import ChatRef, Outgoing, Platform, Reply
from relay.settings import Settings
from relay.store import notices as notice_store
from relay.store import outbox
from relay.store.db import Database

log = logging.getLogger(__name__)

DRAIN_POLL_SECONDS = 0.02


class DeliveryEngine:
    """Every channel's worker, plus direct notices (summaries, moderation requests)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        views: ViewSource,
        summarise: Summariser,
        summarise_change: ChangeSummariser,
        options: WorkerOptions | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._views = views
        self._summarise = summarise
        self._summarise_change = summarise_change
        self._options = options
        self.workers: dict[Platform, DeliveryWorker] = {}

    def add_channel(self, channel: Channel, options: WorkerOptions | None = None) -> None:
        """Deliver through this channel (with these worker options rather than the engine's)."""
        limits = limits_for(channel.platform, self._settings)
        options = (
            options
            or self._options
            or WorkerOptions(lease=timedelta(seconds=self._settings.delivery_lease_seconds))
        )
        self.workers[channel.platform] = DeliveryWorker(
            channel,
            self._db,
            limits,
            self._views,
            self._summarise,
            self._summarise_change,
            self.wake,
            options,
        )

    def start(self) -> None:
        for worker in self.workers.values():
            worker.start()

    async def stop(self, grace_seconds: float = 5.0) -> None:
        await asyncio.gather(*(w.stop(grace_seconds) for w in self.workers.values()))

    def wake(self) -> None:
        for worker in self.workers.values():
            worker.wake()

    async def drain(self, within_seconds: float, announcement_id: int | None = None) -> bool:
        """Wait until every delivery these channels can make is final; False if time ran out."""
        platforms = [p.value for p in self.workers]
        deadline = asyncio.get_running_loop().time() + within_seconds
        while asyncio.get_running_loop().time() < deadline:
            if not any(w.busy for w in self.workers.values()):
                async with self._db.read() as session:
                    left = await outbox.unfinished(session, platforms, announcement_id)
                if left == 0 and not any(w.busy for w in self.workers.values()):
                    return True
                self.wake()
            await asyncio.sleep(DRAIN_POLL_SECONDS)
        return False

    async def wait_turn(self, chat: ChatRef) -> None:
        """Wait for this chat's turn within its platform's limits (no wait if not paced here)."""
        worker = self.workers.get(chat.platform)
        if worker is not None:
            limits = limits_for(chat.platform, self._settings)
            await worker.pacer.wait_turn(chat.address, limits.interval(chat.kind))

    async def admit(self, chat: ChatRef) -> Admission:
        """Whether this chat's channel can deliver there, joining it if it must (Admitting)."""
        worker = self.workers.get(chat.platform)
        if worker is not None and isinstance(worker.channel, Admitting):
            return await worker.channel.admit(chat)
        return ADMITTED

    def parts(self, message: Outgoing) -> dict[str, int]:
        """How many messages `message` takes on each platform delivered from here."""
        return {
            platform.value: len(worker.channel.render(message))
            for platform, worker in self.workers.items()
        }

    def slow_down(self, platform: Platform, seconds: float) -> None:
        worker = self.workers.get(platform)
        if worker is not None:
            worker.pacer.pause(seconds)

    async def notify(self, chat: ChatRef, reply: Reply, key: str | None = None) -> bool:
        """Queue a direct message (not an announcement) in the outbox: retried like any
        delivery, never lost, and with a `key` never queued twice. Returns whether it was
        queued (False: that key was queued before)."""
        async with self._db.write() as session:
            queued = await notice_store.queue(session, chat, reply, key)
        if queued:
            self.wake()
        return queued
