"""A stand-in platform for engine tests: it accepts, delays or refuses sends as scripted.

It implements the channel contract the way a platform adapter does (errors from
relay.contract), so the delivery engine is exercised exactly as in production; the adapters'
own mapping of real platform errors is tested against the fake HTTP servers.
"""

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

from relay.contract import Core, RetryLater, SendError
from relay.messages import ChatRef, Outgoing, Platform


@dataclass
class ScriptedChannel:
    platform: Platform = Platform.TELEGRAM
    latency: float = 0.0
    error_rate: float = 0.0  # transient failures
    # address -> what its next sends meet: an error, or None for a send that goes through
    failures: dict[str, list[SendError | None]] = field(default_factory=dict)
    part_size: int | None = None  # texts longer than this are sent in several parts
    seed: int = 7
    delivered: Counter[str] = field(default_factory=Counter)  # address -> messages accepted
    texts: dict[str, list[str]] = field(default_factory=dict)
    attempts: int = 0

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
        self.attempts += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        scripted = self.failures.get(chat.address)
        if scripted and (error := scripted.pop(0)) is not None:
            raise error
        if self._random.random() < self.error_rate:
            raise RetryLater("502 Bad Gateway")
        self.delivered[chat.address] += 1
        self.texts.setdefault(chat.address, []).append(str(part))
        return f"{chat.address}-{self.delivered[chat.address]}"
