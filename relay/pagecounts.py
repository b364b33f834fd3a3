"""How many searches and entry pages the web site served each month, for the monthly report
(`directory.web_searches`, `directory.web_entry_views`). Only numbers: no address, cookie or
identifier of any visitor is read or kept. Counted in memory and added to the database every
few seconds and when the server stops, so a page costs no write."""

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from relay.settings import Settings
from relay.store import sitecounts as store
from relay.store.db import Database
from relay.store.models import utcnow

log = logging.getLogger(__name__)

SEARCHES, ENTRY_VIEWS = store.SEARCHES, store.ENTRY_VIEWS
FLUSH_SECONDS = 10.0


class PageCounts:
    def __init__(
        self, db: Database, settings: Settings, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.zone = settings.zone
        self.clock = clock
        self._pending: dict[str, Counter[str]] = {}  # month -> kind of page -> count
        self._task: asyncio.Task[None] | None = None

    def count(self, what: str) -> None:
        month = self.clock().astimezone(self.zone).strftime("%Y-%m")
        self._pending.setdefault(month, Counter())[what] += 1

    async def flush(self) -> None:
        """Add what was counted since the last flush to the database."""
        pending, self._pending = self._pending, {}
        if not pending:
            return
        try:
            async with self.db.write() as session:
                for month, counts in pending.items():
                    await store.add(session, month, counts)
        except Exception:
            for month, counts in pending.items():  # kept for the next flush
                self._pending.setdefault(month, Counter()).update(counts)
            raise

    def start(self, every: float = FLUSH_SECONDS) -> None:
        self._task = asyncio.create_task(self._flush_every(every))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

    async def _flush_every(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.flush()
            except Exception as error:  # the database is away: counted again next time
                log.warning("page counts not saved yet: %s", type(error).__name__)
