"""The composition root: builds the store, the services, the channels and the delivery engine;
starts them and stops them."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from relay.announcements import Announcements
from relay.channels.base import Channel
from relay.channels.console import ConsoleChannel
from relay.commands import Router, Services, build_router
from relay.delivery import DeliveryEngine
from relay.gateway import Gateway
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
SHUTDOWN_GRACE_SECONDS = 5.0
CHAT_DRAIN_SECONDS = 10.0  # at the end of `relay chat` input, broadcasts still going out


class Relay:
    """One relay: settings, database, services, router and delivery engine."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.database_url)
        self.themes = ThemeCatalogue.load(settings.themes_file)
        self.announcements = Announcements(self.db, self.themes, settings)
        self.engine = DeliveryEngine(
            self.db, settings, self.announcements.views, self.announcements.on_finished
        )
        self.announcements.notices = self.engine
        self.services = Services(
            settings=settings, db=self.db, themes=self.themes, announcements=self.announcements
        )
        self.router: Router = build_router(self.services)
        self.core = Gateway(self.router, self.services)

    def platform_channels(self) -> list[Channel]:
        """The Telegram and Slack channels whose tokens are set."""
        return []

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


@asynccontextmanager
async def delivering(relay: Relay, channels: list[Channel]) -> AsyncIterator[None]:
    """Channels receiving and the delivery engine sending, until the block ends."""
    for channel in channels:
        relay.engine.add_channel(channel)
    relay.engine.start()
    started: list[Channel] = []
    try:
        for channel in channels:
            await channel.start(relay.core)
            started.append(channel)
        yield
    finally:
        for channel in reversed(started):
            await channel.stop()
        await relay.engine.stop(SHUTDOWN_GRACE_SECONDS)


async def chat(settings: Settings, user: UserRef) -> None:
    """`relay chat`: one console conversation until end of input; broadcasts are delivered."""
    async with opened(settings) as relay:
        console = ConsoleChannel(user)
        relay.engine.add_channel(console)
        for channel in relay.platform_channels():
            relay.engine.add_channel(channel)
        relay.engine.start()
        try:
            await console.converse(relay.core)
            await relay.engine.drain(CHAT_DRAIN_SECONDS)
        finally:
            await relay.engine.stop(SHUTDOWN_GRACE_SECONDS)


async def run(settings: Settings) -> None:
    """`relay run`: every configured channel until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with opened(settings) as relay:
        channels = relay.platform_channels()
        if not channels:
            print(NO_TOKEN, flush=True)
            channels = [ConsoleChannel(CONSOLE_USER)]
        async with delivering(relay, channels):
            log.info("relay is running: %s", ", ".join(c.platform for c in channels))
            await stop.wait()
