"""What a command is: its declaration, the context a handler gets, the services it may use."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from relay.contract import Admitting
from relay.messages import ChatKind, Incoming, Outgoing
from relay.profiles import Typology
from relay.settings import Settings
from relay.store.db import Database
from relay.themes import ThemeCatalogue

if TYPE_CHECKING:
    from relay.announcements import Announcements
    from relay.directory import DirectoryService
    from relay.meetings.service import Meetings
    from relay.revisions import Revisions
    from relay.signin import CoordinatorAccess
    from relay.surveys.service import Surveys


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
    admissions: Admitting  # whether deliveries can reach a shared chat (the bot let in)
    revisions: "Revisions"  # broadcasts withdrawn or corrected after their send
    typology: Typology  # the kinds of structure of partners' profiles
    surveys: "Surveys"  # the CLS survey (/sondage) and its answers
    access: "CoordinatorAccess"  # sign-in links to the coordinator pages (/tableau)


@dataclass(frozen=True)
class ChatName:
    """How answers name the chat they are given in, in each platform's own terms."""

    this: str  # "ce canal"
    feminine: bool = False

    def words(self) -> dict[str, str]:
        """Template fields: {chat} "ce canal", {Chat} "Ce canal", {e} for agreement."""
        return {
            "chat": self.this,
            "Chat": self.this[0].upper() + self.this[1:],
            "e": "e" * self.feminine,
        }


CHAT_NAMES = {
    ChatKind.PRIVATE: ChatName("cette conversation", feminine=True),
    ChatKind.GROUP: ChatName("ce groupe"),  # a Telegram group
    ChatKind.CHANNEL: ChatName("ce canal"),  # a Slack channel
}


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
    def chat_name(self) -> ChatName:
        return CHAT_NAMES[self.incoming.chat.kind]

    @property
    def administers_chat(self) -> bool:
        """A private chat's own user, a group's admins, and the coordinators."""
        return self.in_private_chat or self.incoming.is_chat_admin or self.is_coordinator

    @property
    def may_manage_chat(self) -> bool:
        """Who may change this chat's subscriptions: its administrators, and any member where
        the platform's custom is so (a Slack channel)."""
        return self.administers_chat or self.incoming.members_manage_chat

    @property
    def tells_chat_of_changes(self) -> bool:
        """Changes any member may make are told to the whole chat, so anyone can undo them."""
        return self.incoming.members_manage_chat and not self.in_private_chat


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
    takes_files: bool = False  # a file sent with it (a poster) is the handler's to fetch


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
