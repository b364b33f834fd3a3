"""Helpers for the scheduled-work tests: a settable clock, a channel that keeps what it is sent,
a local HTTP server serving feeds, and hand-made rows."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiohttp import web

from relay.app import Relay, delivering
from relay.contract import Core
from relay.messages import AnnouncementView, ChatRef, Outgoing, Platform, Reply


@dataclass
class Clock:
    """A clock the test moves by hand; every service under test reads it."""

    now: datetime = field(default_factory=lambda: datetime(2027, 1, 4, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.now = moment


@dataclass
class RecordingChannel:
    """A platform that accepts everything and keeps each message as the core made it."""

    platform: Platform = Platform.TELEGRAM
    received: dict[str, list[Outgoing]] = field(default_factory=dict)

    async def start(self, core: Core) -> None:
        return None

    async def stop(self) -> None:
        return None

    def render(self, message: Outgoing) -> list[object]:
        return [message]

    async def send(self, chat: ChatRef, part: object) -> str:
        assert isinstance(part, Reply | AnnouncementView)
        messages = self.received.setdefault(chat.address, [])
        messages.append(part)
        return f"{chat.address}-{len(messages)}"

    def announcements_to(self, address: str) -> list[AnnouncementView]:
        return [m for m in self.received.get(address, []) if isinstance(m, AnnouncementView)]

    def replies_to(self, address: str) -> list[Reply]:
        return [m for m in self.received.get(address, []) if isinstance(m, Reply)]


@asynccontextmanager
async def sending(relay: Relay, channel: RecordingChannel) -> AsyncIterator[None]:
    """relay's own delivery engine (with the meeting views) sending through `channel`."""
    async with delivering(relay, [channel], receive=False):
        yield


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def http_server(routes: Mapping[str, Handler]) -> AsyncIterator[str]:
    """A local aiohttp server on 127.0.0.1; yields its base URL."""
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def wait_until(condition: Callable[[], bool], within: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition still false after {within} s")
        await asyncio.sleep(0.02)
