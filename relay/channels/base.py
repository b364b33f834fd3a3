"""The channel contract: what the core asks of every platform adapter, and how sends fail.

A send fails in one of four ways, each carrying the data its caller needs, so that no caller
parses error strings:

- `RetryLater`: the platform is busy or unreachable (429, 5xx, timeout); try again later.
- `RecipientGone`: the chat cannot be reached any more (bot blocked, kicked, archived channel).
- `ChatMoved`: the chat has a new address (a Telegram group upgraded to a supergroup).
- `MessageRejected`: the platform refused this message (bad markup, too long); do not retry.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from relay.messages import ChatRef, Incoming, Outgoing, Platform


class SendError(Exception):
    """A send that did not deliver; `reason` is the platform's own words, safe to store."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(SendError):
    """Try again later. `retry_after` (seconds) is the platform's instruction when it gave one;
    `whole_channel` means the platform asked the whole bot to slow down, not just this chat."""

    def __init__(
        self, reason: str, retry_after: float | None = None, whole_channel: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.whole_channel = whole_channel


class RecipientGone(SendError):
    """The chat is unreachable for good; its subscriber is deactivated with this reason."""


class ChatMoved(SendError):
    """The chat now lives at `new_address`; the subscriber is updated and the send repeated."""

    def __init__(self, reason: str, new_address: str) -> None:
        super().__init__(reason)
        self.new_address = new_address


class MessageRejected(SendError):
    """The platform refused the message itself; retrying the same message cannot help."""


class ChannelDown(SendError):
    """The channel as a whole cannot work (revoked token): stop it loudly, not per message."""


IncomingHandler = Callable[[Incoming], Awaitable[list[Outgoing]]]


class Channel(Protocol):
    """A platform adapter. It never touches the database and never paces itself: the delivery
    engine decides when each part is sent, within the platform's limits."""

    platform: Platform

    async def start(self, on_incoming: IncomingHandler) -> None:
        """Begin receiving; every Incoming goes to `on_incoming`, whose replies are rendered."""

    async def stop(self) -> None:
        """Stop receiving and release connections."""

    def render(self, message: Outgoing) -> Sequence[object]:
        """The platform messages (parts) that carry `message`, in order; usually one."""

    async def send(self, chat: ChatRef, part: object) -> str:
        """Send one rendered part to a chat; returns the platform's message id or raises."""
