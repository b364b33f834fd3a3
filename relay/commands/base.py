"""What a command is: its declaration, the context a handler gets, the services it may use."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from relay.messages import ChatKind, Incoming, Outgoing
from relay.settings import Settings
from relay.store.db import Database
from relay.themes import ThemeCatalogue

if TYPE_CHECKING:
    from relay.announcements import Announcements
    from relay.directory import DirectoryService
    from relay.meetings.service import Meetings


class Role(StrEnum):
    EVERYONE = "everyone"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Services:
    """Everything handlers reach through; built once by the composition root (app.py)."""

    settings: Settings
    db: Database
    themes: ThemeCatalogue
    announcements: "Announcements"
    meetings: "Meetings"
    directory: "DirectoryService"


@dataclass(frozen=True)
class Context:
    incoming: Incoming
    args: str
    services: Services
    is_coordinator: bool

    @property
    def in_private_chat(self) -> bool:
        return self.incoming.chat.kind is ChatKind.PRIVATE

    @property
    def may_manage_chat(self) -> bool:
        """Subscriptions of a group or channel are changed by its admins and by coordinators."""
        return self.in_private_chat or self.incoming.is_chat_admin or self.is_coordinator


Handler = Callable[[Context], Awaitable[Sequence[Outgoing]]]


@dataclass(frozen=True)
class Command:
    """A chat command, declared once: help, menus and manifests are generated from it."""

    name: str
    help: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    role: Role = Role.EVERYONE
    usage: str = ""
    in_menu: bool = True


@dataclass(frozen=True)
class Action:
    """A button press handler, chosen by the prefix of the button's action ('theme:sante')."""

    prefix: str
    handler: Handler
    role: Role = Role.EVERYONE


@dataclass
class Feature:
    """A group of commands and button actions that belong together."""

    commands: list[Command] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
