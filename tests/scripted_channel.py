"""A stand-in platform for engine tests: it accepts, delays or refuses sends (and deletions and
edits of what it delivered) as scripted.

It implements the channel contract the way a platform adapter does (errors from
relay.contract), so the delivery engine is exercised exactly as in production; the adapters'
own mapping of real platform errors is tested against the fake HTTP servers.
"""

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

from relay.contract import Core, MessageRejected, RetryLater, SendError
from relay.messages import ChatRef, Outgoing, Platform


@dataclass
class ScriptedChannel:
    platform: Platform = Platform.TELEGRAM
    latency: float = 0.0
    error_rate: float = 0.0  # transient failures
    # address -> what its next sends meet: an error, or None for a send that goes through
    failures: dict[str, list[SendError | None]] = field(default_factory=dict)
    part_size: int | None = None  # texts longer than this are sent in several parts
    # address -> an event its sends wait for: a send on its way while the test acts
    holds: dict[str, asyncio.Event] = field(default_factory=dict)
    seed: int = 7
    delivered: Counter[str] = field(default_factory=Counter)  # address -> messages accepted
    texts: dict[str, list[str]] = field(default_factory=dict)
    attempts: int = 0
    # address -> message id -> text: what each chat shows now (edits applied, deletions gone)
    shown: dict[str, dict[str, str]] = field(default_factory=dict)
    deleted: Counter[str] = field(default_factory=Counter)  # address -> messages deleted
    edited: Counter[str] = field(default_factory=Counter)  # address -> messages edited

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    async def start(self, core: Core) -> None:
        return None

    async def stop(self) -> None:
        return None

    def render(self, message: Outgoing) -> list[object]:
        text, size = message.text, self.part_size
        if size is None or len(text) <= size:
            return [text]
        return [text[start : start + size] for start in range(0, len(text), size)]

    async def send(self, chat: ChatRef, part: object) -> str:
        if chat.address in self.holds:
            self.attempts += 1
            await self.holds[chat.address].wait()
        await self._attempt(chat)
        self.delivered[chat.address] += 1
        self.texts.setdefault(chat.address, []).append(str(part))
        message_id = f"{chat.address}-{self.delivered[chat.address]}"
        self.shown.setdefault(chat.address, {})[message_id] = str(part)
        return message_id

    async def delete(self, chat: ChatRef, message_id: str) -> None:
        await self._attempt(chat)
        if self.shown.get(chat.address, {}).pop(message_id, None) is not None:
            self.deleted[chat.address] += 1

    async def edit(self, chat: ChatRef, message_id: str, part: object) -> None:
        await self._attempt(chat)
        if message_id not in self.shown.get(chat.address, {}):
            raise MessageRejected("message to edit not found")
        self.shown[chat.address][message_id] = str(part)
        self.edited[chat.address] += 1

    def showing(self, address: str) -> list[str]:
        """What a chat shows now, oldest first."""
        return list(self.shown.get(address, {}).values())

    async def _attempt(self, chat: ChatRef) -> None:
        self.attempts += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        scripted = self.failures.get(chat.address)
        if scripted and (error := scripted.pop(0)) is not None:
            raise error
        if self._random.random() < self.error_rate:
            raise RetryLater("502 Bad Gateway")
