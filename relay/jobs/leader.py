"""One scheduler among several `relay run` processes: a PostgreSQL advisory lock.

The lock is taken with pg_try_advisory_lock on a connection kept for the process's lifetime; it
is released when that connection closes, so a leader that dies (or loses its database
connection) frees it and another process takes it at its next try. On SQLite, every process
leads (relay is then run once; the database still guarantees that nothing is sent twice).
"""

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.store.db import Database

log = logging.getLogger(__name__)

LOCK_KEY = 0x72656C6179_5C4D  # "relay" + a tag: the scheduler's advisory lock


class LeaderLock:
    def __init__(self, db: Database, key: int = LOCK_KEY) -> None:
        self._db = db
        self._key = key
        self._connection: AsyncConnection | None = None
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    async def check(self) -> bool:
        """Whether this process leads now: keeps the lock if held (checking the connection is
        alive), tries to take it otherwise."""
        if self._db.is_sqlite:
            self._held = True
            return True
        try:
            if self._connection is None:
                self._connection = await self._db.engine.connect()
            if self._held:
                await self._connection.execute(text("SELECT 1"))
            else:
                result = await self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
                )
                self._held = bool(result.scalar())
            await self._connection.commit()  # the lock belongs to the session, not the transaction
        except Exception as error:
            log.warning("scheduler lock connection lost: %s", error)
            await self._drop()
        return self._held

    async def release(self) -> None:
        if self._connection is not None and self._held:
            try:
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                )
                await self._connection.commit()
            except Exception as error:
                log.warning("releasing the scheduler lock failed: %s", error)
        await self._drop()

    async def _drop(self) -> None:
        self._held = False
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.invalidate()
                await connection.close()
            except Exception as error:
                log.debug("closing the lock connection: %s", error)
