"""The neutral message model: what every channel turns platform traffic into, and back."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Platform(StrEnum):
    TELEGRAM = "telegram"
    SLACK = "slack"
    CONSOLE = "console"


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


@dataclass(frozen=True, order=True)
class UserRef:
    """A person on a platform, written `platform:id` (as in RELAY_COORDINATORS)."""

    platform: Platform
    user_id: str

    @classmethod
    def parse(cls, text: str) -> "UserRef":
        platform, sep, user_id = text.strip().partition(":")
        if not sep or not user_id.strip():
            raise ValueError(
                f"attendu : plateforme:identifiant (par ex. telegram:12345), pas « {text.strip()} »"
            )
        try:
            return cls(Platform(platform.strip().lower()), user_id.strip())
        except ValueError:
            names = ", ".join(p.value for p in Platform)
            raise ValueError(
                f"plateforme inconnue « {platform.strip()} » (attendu : {names})"
            ) from None

    def __str__(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True)
class ChatRef:
    """A conversation a message can be sent to: a private chat, a group, a Slack channel."""

    platform: Platform
    address: str
    kind: ChatKind = ChatKind.PRIVATE


# Fetches a shared file's content, given the most bytes the caller accepts; raises
# relay.contract.FileUnavailable (FileTooLarge when it holds more).
Download = Callable[[int], Awaitable[bytes]]


@dataclass(frozen=True)
class SharedFile:
    """A file a user sent with their message (a Telegram photo or document, a file shared in a
    Slack direct message), not yet downloaded: the core fetches it only for a command that
    takes one. `size` and `mime_type` are what the platform says, to check, never to trust."""

    name: str
    size: int | None
    mime_type: str
    download: Download = field(compare=False, repr=False)


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: a line of text (with the files sent with it), or a press on a
    button (`action`)."""

    chat: ChatRef
    user: UserRef
    text: str = ""
    display_name: str = ""
    action: str | None = None
    is_coordinator: bool = False
    is_chat_admin: bool = False
    # Any member of this shared chat may change its subscriptions (a Slack channel, as with
    # Slack's own apps), and relay then tells the chat who changed what; else its admins only.
    members_manage_chat: bool = False
    addressed_to_bot: bool = True
    # Where the bot may write to this user alone, when the platform lets a bot write first
    # (Slack: their direct message); None means only `chat`.
    private_chat: ChatRef | None = None
    files: tuple[SharedFile, ...] = ()


@dataclass(frozen=True)
class Button:
    """A choice offered under a reply; pressing it comes back as an Incoming with `action`."""

    label: str
    action: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: a meeting's .ics, a report's chart, an announcement's poster
    or form."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Mention:
    """The person a reply's text begins with, written `name`: a channel that can mention people
    (Slack) puts its mention of `user` there instead, which nobody can impersonate."""

    user: UserRef
    name: str


@dataclass(frozen=True)
class Reply:
    """What the bot says back: plain text (channels escape and format it), a link, buttons."""

    text: str
    link: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    attachment: Attachment | None = None
    edit_origin: bool = (
        False  # replace the message whose button was pressed, where the platform can
    )
    mention: Mention | None = None
    # Said for everyone in the chat, even where answers go privately to whoever asked (Slack's
    # /cls); elsewhere every answer in a shared chat is already seen by all.
    to_everyone: bool = False


class AnnouncementKind(StrEnum):
    EVENT = "evenement"
    CALL_FOR_PROJECTS = "appel_a_projets"
    INFORMATION = "information"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AnnouncementKind.EVENT: "Événement",
    AnnouncementKind.CALL_FOR_PROJECTS: "Appel à projets",
    AnnouncementKind.INFORMATION: "Information",
}


@dataclass(frozen=True)
class AnnouncementView:
    """An announcement as partners receive it, before any platform formatting.

    Every field is plain text exactly as its author typed it; each channel escapes it for its
    own markup, so `Réunion <CPTS> & MSP` arrives as typed.
    """

    kind: AnnouncementKind
    text: str
    title: str = ""
    link: str | None = None
    date_label: str | None = None  # "le 12/12/2026" or "avant le 15/01/2027", already French
    theme_labels: tuple[str, ...] = ()
    source_label: str | None = None  # "proposé par un partenaire", "flux ARS Pays de la Loire"
    buttons: tuple[tuple[Button, ...], ...] = ()  # e.g. a meeting reminder's RSVP choices
    attachment: Attachment | None = None


Outgoing = Reply | AnnouncementView
