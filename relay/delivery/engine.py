"""The delivery engine: one worker per channel, and the direct notices (summaries, moderation
requests) sent within the same limits."""

import asyncio
import logging
from collections import Counter
from datetime import timedelta

from relay.contract import ADMITTED, Admission, Admitting, Channel, RetryLater
from relay.delivery.notices import Summariser, ViewSource
from relay.delivery.worker import DeliveryWorker, WorkerOptions, limits_for
from relay.messages import ChatRef, Platform, Reply
from relay.settings import Settings
from relay.store import outbox
from relay.store.db import Database
from relay.store.models import Announcement

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
        options: WorkerOptions | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._views = views
        self._summarise = summarise
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
            channel, self._db, limits, self._views, self._finished, options
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

    def slow_down(self, platform: Platform, seconds: float) -> None:
        worker = self.workers.get(platform)
        if worker is not None:
            worker.pacer.pause(seconds)

    async def _finished(
        self, announcement: Announcement, progress: dict[str, Counter[str]]
    ) -> None:
        summary = self._summarise(announcement, progress)
        if summary is not None:
            await self.notify(*summary)

    async def notify(self, chat: ChatRef, reply: Reply) -> bool:
        """Send a direct message (not an announcement) now, within the channel's limits.

        Best effort: tried a few times, then logged. Returns whether it was delivered.
        """
        worker = self.workers.get(chat.platform)
        if worker is None:
            log.info("no %s channel here: notice to %s not sent", chat.platform, chat.address)
            return False
        for attempt in range(3):
            await self.wait_turn(chat)
            try:
                for part in worker.channel.render(reply):
                    await worker.channel.send(chat, part)
                return True
            except RetryLater as busy:
                if busy.retry_after:
                    self.slow_down(chat.platform, busy.retry_after)
                else:
                    await asyncio.sleep(2**attempt)
            except Exception as error:
                log.warning("notice to %s:%s not sent: %s", chat.platform, chat.address, error)
                return False
        return False
