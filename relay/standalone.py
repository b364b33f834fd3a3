"""The directory opened on its own, for the commands that need nothing else (`relay ask`,
`relay directory import|export|stale`).

relay.app builds every service, and importing it loads the web site, the scheduler, the
delivery engine and their libraries: a second of a one-shot command's time. This builds the
directory as relay.app does, from the same settings, and nothing more."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from relay.directory.service import DirectoryService
from relay.settings import Settings
from relay.store import schema
from relay.store.db import Database
from relay.themes import ThemeCatalogue


@asynccontextmanager
async def opened_directory(settings: Settings) -> AsyncIterator[DirectoryService]:
    """The directory service on a database whose schema is up to date, closed on exit."""
    db = Database(settings.database_url)
    try:
        directory = DirectoryService(db, settings, ThemeCatalogue.load(settings.themes_file))
        await schema.upgrade(db)
        yield directory
    finally:
        await db.close()
