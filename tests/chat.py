"""A scripted chat with the router, as a user in one conversation would have it."""

from dataclasses import dataclass, field

from relay.app import Relay
from relay.messages import Button, ChatKind, ChatRef, Incoming, Outgoing, Platform, Reply, UserRef
from relay.store import subscribers


@dataclass
class ChatUser:
    """One user in one chat; `say` and `press` return the bot's replies."""

    relay: Relay
    user: UserRef
    chat: ChatRef
    name: str = "Camille"
    is_chat_admin: bool = False
    addressed: bool = True
    last: list[Outgoing] = field(default_factory=list)

    @classmethod
    def private(
        cls, relay: Relay, user_id: str = "42", platform: Platform = Platform.TELEGRAM
    ) -> "ChatUser":
        return cls(relay, UserRef(platform, user_id), ChatRef(platform, user_id, ChatKind.PRIVATE))

    @classmethod
    def in_group(
        cls,
        relay: Relay,
        user_id: str,
        group: str,
        admin: bool = False,
        platform: Platform = Platform.TELEGRAM,
    ) -> "ChatUser":
        chat = ChatRef(platform, group, ChatKind.GROUP)
        return cls(relay, UserRef(platform, user_id), chat, is_chat_admin=admin)

    async def say(self, text: str) -> str:
        incoming = Incoming(
            self.chat,
            self.user,
            text=text,
            display_name=self.name,
            is_chat_admin=self.is_chat_admin,
            addressed_to_bot=self.addressed,
        )
        self.last = await self.relay.router.handle(incoming)
        return "\n".join(reply.text for reply in self.last)

    def buttons(self) -> list[Button]:
        replies = [reply for reply in self.last if isinstance(reply, Reply)]
        return [button for reply in replies for row in reply.buttons for button in row]

    async def press(self, label_part: str) -> str:
        """Press the button with this label, or else the one whose label contains it."""
        exact = [b for b in self.buttons() if b.label == label_part]
        matching = exact or [b for b in self.buttons() if label_part in b.label]
        assert len(matching) == 1, f"{label_part!r} names {len(matching)} buttons: {self.buttons()}"
        incoming = Incoming(
            self.chat,
            self.user,
            display_name=self.name,
            action=matching[0].action,
            is_chat_admin=self.is_chat_admin,
        )
        self.last = await self.relay.router.handle(incoming)
        return "\n".join(reply.text for reply in self.last)

    async def stored_themes(self) -> set[str]:
        async with self.relay.db.read() as session:
            return await subscribers.themes_of(session, self.chat)
