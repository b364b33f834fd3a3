"""Engines and transactions on SQLite (embedded default) or PostgreSQL.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
BEGIN IMMEDIATE: a deferred transaction that reads then writes fails with "database is locked"
when another writer got there first, instead of waiting its turn.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
UNAVAILABLE_TEXT = "impossible d'ouvrir la base de données (RELAY_DATABASE_URL) : {reason}"


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened. The message says why in one French line,
    without the URL (it may hold a password)."""


class Database:
    """One database: `read()` for queries, `write()` for transactions that change something."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            _ensure_sqlite_folder(url)
            self._reader = _sqlite_engine(url, begin="BEGIN")
            self._writer = _sqlite_engine(url, begin="BEGIN IMMEDIATE")
        else:
            self._reader = self._writer = create_async_engine(url, pool_pre_ping=True)
        self._read_sessions = async_sessionmaker(self._reader, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(self._writer, expire_on_commit=False)

    async def check_connection(self) -> None:
        """Connect once, turning any failure into `DatabaseUnavailable`."""
        try:
            async with self._writer.connect():
                pass
        except (OSError, DBAPIError) as error:
            raise DatabaseUnavailable(UNAVAILABLE_TEXT.format(reason=_reason(error))) from None

    async def ping(self) -> None:
        """One trivial query: raises if the database does not answer."""
        async with self._reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @property
    def engine(self) -> AsyncEngine:
        return self._writer

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction committed on success and rolled back on error."""
        async with self._write_sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self._writer.dispose()
        if self._reader is not self._writer:
            await self._reader.dispose()


def _reason(error: BaseException) -> str:
    """The driver's own words, first line only (SQLAlchemy appends the statement and a link)."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def _ensure_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = f"dossier {folder} : {error.strerror}"
            raise DatabaseUnavailable(UNAVAILABLE_TEXT.format(reason=reason)) from None


def _sqlite_engine(url: str, begin: str) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, below, issue BEGIN instead of the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine
