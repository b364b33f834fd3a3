"""The composition root: builds the store, the router and the channels; starts and stops them."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from relay.channels.base import Channel
from relay.channels.console import ConsoleChannel
from relay.commands import Router, Services, build_router
from relay.messages import Platform, UserRef
from relay.settings import Settings
from relay.store import schema
from relay.store.db import Database
from relay.themes import ThemeCatalogue

log = logging.getLogger(__name__)

CONSOLE_USER = UserRef(Platform.CONSOLE, "local")
NO_TOKEN = (
    "Aucun jeton Telegram ni Slack n'est configuré (RELAY_TELEGRAM_TOKEN, RELAY_SLACK_BOT_TOKEN) : "
    "relay sert la console à la place."
)


class Relay:
    """One running relay: its settings, database, themes and command router."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.database_url)
        self.themes = ThemeCatalogue.load(settings.themes_file)
        self.services = Services(settings=settings, db=self.db, themes=self.themes)
        self.router: Router = build_router(self.services)

    async def close(self) -> None:
        await self.db.close()


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Relay]:
    """A relay whose schema is up to date, closed on exit."""
    relay = Relay(settings)
    try:
        await schema.upgrade(relay.db)
        yield relay
    finally:
        await relay.close()


async def chat(settings: Settings, user: UserRef) -> None:
    """`relay chat`: one console conversation until end of input."""
    async with opened(settings) as relay:
        console = ConsoleChannel(user)
        await console.converse(relay.router.handle)


async def run(settings: Settings) -> None:
    """`relay run`: every configured channel until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with opened(settings) as relay:
        channels: list[Channel] = []
        print(NO_TOKEN, flush=True)
        channels.append(ConsoleChannel(CONSOLE_USER))
        for channel in channels:
            await channel.start(relay.router.handle)
        log.info("relay is running with %s", ", ".join(c.platform for c in channels))
        await stop.wait()
        for channel in reversed(channels):
            await channel.stop()
