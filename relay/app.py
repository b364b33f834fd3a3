"""The composition root: builds the store, the services, the channels, the delivery engine and
the web server; starts them and stops them."""

import asyncio
import gc
import logging
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from aiohttp import web

from relay.agenda import PublicAgenda
from relay.announcements import Announcements, AnnouncementViews, Draft, summary_notice
from relay.audit import AuditLog
from relay.broadcasts import BroadcastLog
from relay.channels.console import ConsoleChannel
from relay.commands import Router, Services, build_router
from relay.contract import Channel
from relay.delivery import DeliveryEngine
from relay.directory import DirectoryService
from relay.directory.building import BUILD_APART_FROM
from relay.feeds.poller import FeedPoller
from relay.gateway import Gateway
from relay.jobs.scheduler import ScheduledWork, scheduled
from relay.meetings.ical import Organizer
from relay.meetings.reminders import NoticeViews
from relay.meetings.service import MeetingChanges, Meetings
from relay.messages import Platform, UserRef
from relay.pagecounts import PageCounts
from relay.profiles import Typology
from relay.reports.service import Reports
from relay.revisions import Revisions, change_summary_notice
from relay.settings import Settings
from relay.signin import CoordinatorAccess
from relay.states import FINAL_DELIVERY_STATES, AnnouncementSource, AnnouncementState
from relay.store import outbox, schema
from relay.store.db import Database
from relay.surveys.definition import SurveyFile
from relay.surveys.service import Surveys
from relay.themes import ThemeCatalogue
from relay.web import SiteServices, WebServer, WebServerError, build_app

log = logging.getLogger(__name__)

CONSOLE_USER = UserRef(Platform.CONSOLE, "local")
NO_TOKEN = (
    "Aucun jeton Telegram ni Slack n'est configuré (RELAY_TELEGRAM_TOKEN, RELAY_SLACK_BOT_TOKEN) : "
    "relay sert la console à la place."
)
STALLED_TEXT = (
    "aucun envoi n'a abouti depuis {seconds} s (plateforme injoignable ?) : la diffusion "
    "n°{number} reste en file, « relay run » la terminera."
)
SHUTDOWN_GRACE_SECONDS = 5.0
CHAT_DRAIN_SECONDS = 10.0  # at the end of `relay chat` input, broadcasts still going out
SITE_TEXT = "relay : le site web répond sur {url} (adresse publique : {public})"


class DeliveryStalled(Exception):
    """`relay post --deliver` gave up: nothing was delivered for a while."""


class Relay:
    """One relay: settings, database, services, router and delivery engine, each given what it
    needs when it is built."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.database_url)
        self.themes = ThemeCatalogue.load(settings.themes_file)
        announcement_views = AnnouncementViews(self.db, self.themes)
        # Meeting notices are announcements with RSVP buttons and the .ics on top.
        organizer = Organizer(settings.cls_name, settings.organizer_email)
        self.views = NoticeViews(self.db, announcement_views, organizer)
        self.engine = DeliveryEngine(
            self.db, settings, self.views, summary_notice, change_summary_notice
        )
        self.announcements = Announcements(
            self.db, self.themes, settings, self.engine, announcement_views
        )
        self.revisions = Revisions(self.db, self.themes, self.engine, announcement_views)
        self.meeting_changes = MeetingChanges()
        self.meetings = Meetings(self.db, self.themes, settings, self.engine, self.meeting_changes)
        self.directory = DirectoryService(
            self.db, settings, self.themes, build_apart_from=BUILD_APART_FROM, hold_words=True
        )
        self.agenda = PublicAgenda(self.db, settings)
        self.page_counts = PageCounts(self.db, settings)
        if settings.survey_file.exists():  # a broken one stops relay at start; none: no survey
            SurveyFile.load(settings.survey_file)
        self.surveys = Surveys(self.db, settings, self.engine)
        self.access = CoordinatorAccess(self.db, settings)
        self.audit = AuditLog(self.db)
        self.reports = Reports(self.db, settings, self.themes)
        self.services = Services(
            settings=settings,
            db=self.db,
            themes=self.themes,
            announcements=self.announcements,
            meetings=self.meetings,
            directory=self.directory,
            admissions=self.engine,
            revisions=self.revisions,
            typology=Typology.load(settings.typology_file),
            surveys=self.surveys,
            access=self.access,
        )
        self.router: Router = build_router(self.services)
        self.core = Gateway(self.router, self.services, self.engine)
        self.work = ScheduledWork(
            db=self.db,
            settings=settings,
            themes=self.themes,
            notices=self.engine,
            meetings=self.meetings,
            changes=self.meeting_changes,
            feeds=FeedPoller(self.db, settings, self.themes, self.announcements),
            announcements=self.announcements,
            surveys=self.surveys,
        )

    def platform_channels(self, own_server: bool = True) -> list[Channel]:
        """The Telegram and Slack channels whose tokens are set; without `own_server`, those
        receiving over HTTP leave it to relay's web server (`http_routes`)."""
        # Imported here: a command that needs no platform does not load their libraries.
        channels: list[Channel] = []
        if self.settings.telegram_token is not None:
            from relay.channels.telegram import TelegramChannel

            channels.append(TelegramChannel(self.settings, own_server=own_server))
        if self.settings.slack_bot_token is not None:
            from relay.channels.slack import SlackChannel

            channels.append(SlackChannel(self.settings, own_server=own_server))
        return channels

    def site(self, channels: list[Channel]) -> WebServer:
        """The one HTTP server: the site, and the routes of the channels receiving over HTTP."""
        services = SiteServices(
            settings=self.settings,
            themes=self.themes,
            directory=self.directory,
            agenda=self.agenda,
            announcements=self.announcements,
            counts=self.page_counts,
            ping=self.db.ping,
            access=self.access,
            audit=self.audit,
            meetings=self.meetings,
            reports=self.reports,
            broadcasts=BroadcastLog(self.db, self.themes),
        )
        settings = self.settings
        app = build_app(services, http_routes(channels))
        return WebServer(app, settings.web_host, settings.web_port, settings.legacy_web_ports)

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


@runtime_checkable
class ReceivesOverHttp(Protocol):
    """A channel whose platform posts to relay's web server (webhook, Slack HTTP mode)."""

    def http_routes(self) -> list[web.RouteDef]: ...


def http_routes(channels: list[Channel]) -> list[web.RouteDef]:
    return [
        route
        for channel in channels
        if isinstance(channel, ReceivesOverHttp)
        for route in channel.http_routes()
    ]


@asynccontextmanager
async def serving(server: WebServer) -> AsyncIterator[WebServer]:
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def delivering(
    relay: Relay, channels: list[Channel], receive: bool = True
) -> AsyncIterator[None]:
    """The delivery engine sending through these channels until the block ends, and the channels
    receiving messages too unless `receive` is False (only one process should receive)."""
    for channel in channels:
        relay.engine.add_channel(channel)
    _freeze_long_lived()
    relay.engine.start()
    try:
        if receive:
            for channel in channels:
                await channel.start(relay.core)
        yield
    finally:
        await relay.engine.stop(SHUTDOWN_GRACE_SECONDS)
        for channel in reversed(channels):
            await channel.stop()


def _freeze_long_lived() -> None:
    """Once per process, before the first delivery: what is loaded by now lives as long as the
    process, so the collector's full passes, which stall the event loop (and the sends in
    flight) for tens of milliseconds, may skip it. Garbage is collected first, not frozen."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


async def chat(settings: Settings, user: UserRef) -> None:
    """`relay chat`: one console conversation until end of input; broadcasts are delivered."""
    async with opened(settings) as relay, AsyncExitStack() as stack:
        console = ConsoleChannel(user)
        await _serve_site_if_free(relay, stack)
        # Telegram and Slack only send from here: `relay run` is the one receiving their updates.
        async with delivering(relay, [console, *relay.platform_channels()], receive=False):
            await console.converse(relay.core)
            await relay.engine.drain(CHAT_DRAIN_SECONDS)


async def _serve_site_if_free(relay: Relay, stack: AsyncExitStack) -> None:
    """`relay chat` serves the site too (the link /tableau gives opens there), unless its port
    is taken, most likely by a `relay run` serving the same database."""
    try:
        await stack.enter_async_context(serving(relay.site([])))
    except WebServerError as error:
        log.info("relay chat does not serve the site: %s", error)


async def run(settings: Settings) -> None:
    """`relay run`: every configured channel until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with opened(settings) as relay:
        channels = relay.platform_channels(own_server=False)
        async with serving(relay.site(channels)) as server:
            print(SITE_TEXT.format(url=server.url, public=settings.public_url), file=sys.stderr)
            if not channels:
                print(NO_TOKEN, flush=True)
                channels = [ConsoleChannel(CONSOLE_USER)]
            async with delivering(relay, channels), scheduled(relay.work):
                log.info("relay is running: %s", ", ".join(c.platform for c in channels))
                await stop.wait()


@dataclass(frozen=True)
class PostResult:
    number: int
    recipients: Counter[str]
    delivered: dict[str, Counter[str]] | None  # per platform and status, with --deliver


async def post(
    settings: Settings,
    draft: Draft,
    deliver: bool,
    progress: Callable[[int, int], None] | None,
    patience: float,
    send_at: datetime | None = None,
) -> PostResult:
    """`relay post`: queue a coordinator's announcement (held until `send_at` if given); with
    `deliver`, send it from here, giving up (the rest stays queued for `relay run`) when nothing
    is delivered for `patience` seconds."""
    async with opened(settings) as relay:
        number, recipients = await relay.announcements.create(
            draft,
            AnnouncementSource.COORDINATOR,
            AnnouncementState.QUEUED,
            author=None,
            origin=None,
            send_at=send_at,
        )
        if not deliver or send_at is not None:
            return PostResult(number, recipients, None)
        channels = [*relay.platform_channels(), ConsoleChannel(CONSOLE_USER)]
        async with delivering(relay, channels, receive=False):
            await _deliver_now(relay, number, sum(recipients.values()), progress, patience)
        async with relay.db.read() as session:
            return PostResult(number, recipients, await outbox.progress(session, number))


async def _deliver_now(
    relay: Relay,
    number: int,
    total: int,
    progress: Callable[[int, int], None] | None,
    patience: float,
) -> None:
    loop = asyncio.get_running_loop()
    done, progressed_at = 0, loop.time()
    while not await relay.engine.drain(1.0, number):
        async with relay.db.read() as session:
            counts = await outbox.progress(session, number)
        now_done = sum(
            n for c in counts.values() for s, n in c.items() if s in FINAL_DELIVERY_STATES
        )
        if now_done > done:
            done, progressed_at = now_done, loop.time()
        elif loop.time() - progressed_at > patience:
            raise DeliveryStalled(STALLED_TEXT.format(seconds=round(patience), number=number))
        if progress is not None:
            progress(done, total)
