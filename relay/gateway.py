"""The core as channels see it (channels.base.Core): the router plus the few screens and forms
that are not chat commands."""

from relay.broadcast_form import form_draft
from relay.commands import Router, Services
from relay.commands.base import Role
from relay.commands.meetings import home_agenda
from relay.commands.profiles import home_profile
from relay.commands.router import REFUSED
from relay.contract import (
    BroadcastForm,
    CommandInfo,
    HomeSummary,
    ProposalSummary,
    ThemeChoice,
)
from relay.delivery.engine import DeliveryEngine
from relay.messages import ChatRef, Incoming, Outgoing, Platform, Reply, UserRef
from relay.states import AnnouncementSource, AnnouncementState
from relay.store import announcements as announcement_store
from relay.store import subscribers
from relay.themes import ALL_THEMES


class Gateway:
    def __init__(self, router: Router, services: Services, engine: DeliveryEngine) -> None:
        self.router = router
        self.services = services
        self.engine = engine

    async def wait_turn(self, chat: ChatRef) -> None:
        await self.engine.wait_turn(chat)

    def slow_down(self, platform: Platform, seconds: float) -> None:
        self.engine.slow_down(platform, seconds)

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        return await self.router.handle(incoming)

    def commands(self, coordinator: bool) -> list[CommandInfo]:
        return [
            CommandInfo(
                name=c.name,
                help=c.help,
                usage=c.usage,
                aliases=c.aliases,
                coordinators_only=c.role is Role.COORDINATOR,
            )
            for c in self.router.commands_for(coordinator)
            if c.in_menu
        ]

    def is_coordinator(self, user: UserRef) -> bool:
        return self.router.is_coordinator_user(user)

    async def home(self, user: UserRef, chat: ChatRef) -> HomeSummary:
        coordinator = self.is_coordinator(user)
        async with self.services.db.read() as session:
            current = await subscribers.themes_of(session, chat)
            proposals = await announcement_store.pending_proposals(session) if coordinator else []
            summaries = [
                ProposalSummary(
                    number=p.id or 0,
                    text=p.text,
                    themes=tuple(
                        self.services.themes.label(t)
                        for t in await announcement_store.themes_of(session, p.id or 0)
                    ),
                )
                for p in proposals
            ]
        everything = ALL_THEMES in current
        themes = tuple(
            ThemeChoice(t.slug, t.label, everything or t.slug in current)
            for t in self.services.themes
        )
        profile, choices = await home_profile(self.services.db, self.services.typology, user)
        return HomeSummary(
            themes=themes,
            is_coordinator=coordinator,
            agenda=await home_agenda(self.services),
            pending_proposals=tuple(summaries),
            profile=profile,
            profile_choices=choices,
        )

    async def submit_broadcast(
        self, user: UserRef, chat: ChatRef, form: BroadcastForm
    ) -> list[Outgoing]:
        if not self.is_coordinator(user):
            return [Reply(REFUSED)]
        today = self.services.meetings.clock().astimezone(self.services.settings.zone).date()
        draft = form_draft(form, today)
        service = self.services.announcements
        number, _ = await service.create(
            draft, AnnouncementSource.COORDINATOR, AnnouncementState.DRAFT, user, chat
        )
        return list(await service.preview(number))

    async def chat_reachable(self, chat: ChatRef, reachable: bool, reason: str) -> None:
        async with self.services.db.write() as session:
            await subscribers.set_active(session, chat, reachable, None if reachable else reason)
