"""The channel contract: what the core asks of every platform adapter, and how sends fail.

A send fails in one of four ways, each carrying the data its caller needs, so that no caller
parses error strings:

- `RetryLater`: the platform is busy or unreachable (429, 5xx, timeout); try again later.
- `RecipientGone`: the chat cannot be reached any more (bot blocked, kicked, archived channel).
- `ChatMoved`: the chat has a new address (a Telegram group upgraded to a supergroup).
- `MessageRejected`: the platform refused this message (bad markup, too long); do not retry.
  `TooLateToChange`, one of them: the platform no longer lets relay withdraw or correct a
  message it delivered (Telegram deletes a message for everyone within 48 hours only).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

from relay.messages import (
    AnnouncementKind,
    Button,
    ChatRef,
    Incoming,
    Outgoing,
    Platform,
    UserRef,
)


class SendError(Exception):
    """A send that did not deliver; `reason` is the platform's own words, safe to store."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(SendError):
    """Try again later. `retry_after` (seconds) is the platform's instruction when it gave one;
    `whole_channel` means the platform asked the whole bot to slow down, not just this chat;
    `nothing_sent` means the platform answered with an error (a 5xx, a 429), so no message left
    and the attempt does not count against the rate. A timeout or a broken connection may have
    delivered the message: it counts."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        whole_channel: bool = False,
        nothing_sent: bool = False,
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.whole_channel = whole_channel
        self.nothing_sent = nothing_sent


class RecipientGone(SendError):
    """The chat is unreachable for good; its subscriber is deactivated with this reason."""


class ChatMoved(SendError):
    """The chat now lives at `new_address`; the subscriber is updated and the send repeated."""

    def __init__(self, reason: str, new_address: str) -> None:
        super().__init__(reason)
        self.new_address = new_address


class MessageRejected(SendError):
    """The platform refused the message itself; retrying the same message cannot help."""


class TooLateToChange(MessageRejected):
    """The message was delivered too long ago for the platform to let relay change it."""


class ChannelDown(SendError):
    """The channel as a whole cannot work (revoked token): stop it loudly, not per message."""


class FileUnavailable(Exception):
    """A file a user shared could not be downloaded; `reason` is safe to log (no token, no URL)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FileTooLarge(FileUnavailable):
    """The shared file holds more bytes than the caller accepts: it was not downloaded whole."""


@dataclass(frozen=True)
class ThemeChoice:
    slug: str
    label: str
    subscribed: bool


@dataclass(frozen=True)
class ProposalSummary:
    number: int
    text: str
    themes: tuple[str, ...]  # labels


@dataclass(frozen=True)
class HomeSummary:
    """What a user's home screen shows (Slack's App Home): their themes, their profile, what is
    coming, and for coordinators the partners' proposals awaiting a decision."""

    themes: tuple[ThemeChoice, ...]
    is_coordinator: bool
    agenda: tuple[str, ...] = ()
    pending_proposals: tuple[ProposalSummary, ...] = ()
    profile: str = ""  # what their profile says ("Votre profil actuel : …")
    profile_choices: tuple[tuple[Button, ...], ...] = ()  # the kinds of structure, to press


@dataclass(frozen=True)
class BroadcastForm:
    """A coordinator's broadcast filled in a form (Slack's modal) rather than typed."""

    kind: AnnouncementKind
    text: str
    themes: tuple[str, ...]  # slugs, or ("tout",)
    title: str = ""
    link: str | None = None
    event_date: date | None = None


@dataclass(frozen=True)
class CommandInfo:
    """A chat command as menus and manifests list it."""

    name: str
    help: str
    usage: str
    aliases: tuple[str, ...]
    coordinators_only: bool


@dataclass(frozen=True)
class Admission:
    """Whether deliveries can reach a shared chat: the bot is in it (`admitted`), or a member
    must first let it in by typing `invitation` (Slack: `/invite @relay`)."""

    admitted: bool
    invitation: str = ""


ADMITTED = Admission(admitted=True)


@runtime_checkable
class Admitting(Protocol):
    """A channel whose bot must be let into a shared chat before it can deliver there (Slack);
    the core asks before it accepts a subscription. Channels without it need nothing."""

    async def admit(self, chat: ChatRef) -> Admission:
        """Join the chat when the bot may, else say how a member lets it in. When the platform
        cannot tell (unreachable), the chat counts as admitted: deliveries will try."""


@runtime_checkable
class Revising(Protocol):
    """A channel that can withdraw and correct the messages it delivered, by the ids `send`
    returned. Both raise the send errors; a message already gone counts as deleted."""

    async def delete(self, chat: ChatRef, message_id: str) -> None:
        """Delete one delivered message for everyone in the chat."""

    async def edit(self, chat: ChatRef, message_id: str, part: object) -> None:
        """Replace one delivered message with a rendered part; the same content is no error."""


class Core(Protocol):
    """What a channel may ask of relay's core. Channels know nothing else of it."""

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Answer a message or a button press; never raises."""

    def commands(self, coordinator: bool) -> list[CommandInfo]:
        """The commands a user may use, for command menus."""

    def is_coordinator(self, user: UserRef) -> bool: ...

    async def home(self, user: UserRef, chat: ChatRef) -> HomeSummary:
        """The home screen of a user whose private chat is `chat`."""

    async def submit_broadcast(
        self, user: UserRef, chat: ChatRef, form: BroadcastForm
    ) -> list[Outgoing]:
        """A broadcast from a form: stored as a draft, answered with its preview and buttons."""

    async def chat_reachable(self, chat: ChatRef, reachable: bool, reason: str) -> None:
        """The bot was removed from / blocked in a chat (or came back)."""

    async def wait_turn(self, chat: ChatRef) -> None:
        """Wait until one more message may go to this chat: replies share the platform's limits
        with deliveries, so adapters call this before each reply they send."""

    def slow_down(self, platform: Platform, seconds: float) -> None:
        """The platform answered 429: nothing more goes out on it for `seconds`."""


class Channel(Protocol):
    """A platform adapter. It never touches the database and never paces itself: the delivery
    engine decides when each part is sent, within the platform's limits."""

    platform: Platform

    async def start(self, core: Core) -> None:
        """Begin receiving; every message and button press goes to the core."""

    async def stop(self) -> None:
        """Stop receiving and release connections."""

    def render(self, message: Outgoing) -> Sequence[object]:
        """The platform messages (parts) that carry `message`, in order; usually one."""

    async def send(self, chat: ChatRef, part: object) -> str:
        """Send one rendered part to a chat; returns the platform's message id or raises."""
