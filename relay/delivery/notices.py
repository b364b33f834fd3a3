"""What the services ask of the delivery engine, and what it asks of them back."""

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from relay.messages import AnnouncementView, ChatRef, Outgoing, Reply
from relay.store.models import Announcement
from relay.store.models_revisions import AnnouncementChange


class Notices(Protocol):
    """The delivery engine as services see it."""

    async def notify(self, chat: ChatRef, reply: Reply, key: str | None = None) -> bool:
        """Queue a direct message (a moderation request, an alert) in the outbox; with a `key`,
        only once ever. Returns whether it was queued."""

    def wake(self) -> None:
        """Rows were just queued in the outbox: claim them now rather than at the next poll."""

    def parts(self, message: Outgoing) -> dict[str, int]:
        """How many messages `message` takes on each platform delivered from here."""


# The announcements to deliver, as partners will read them, by announcement id.
ViewSource = Callable[[Sequence[int]], Awaitable[dict[int, AnnouncementView]]]
# The notice an announcement's author gets once every delivery of it is final, and where.
Summariser = Callable[[Announcement, dict[str, Counter[str]]], tuple[ChatRef, Reply] | None]
# What the coordinator who withdrew or corrected an announcement hears once every row of that
# revision is final, and where.
ChangeSummariser = Callable[
    [Announcement, AnnouncementChange, dict[str, Counter[str]]], tuple[ChatRef, Reply] | None
]
