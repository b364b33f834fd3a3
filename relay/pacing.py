"""Proactive rate limiting: a message waits for its turn instead of provoking a 429.

Two limits apply to every send on a channel: the platform's rate for the whole bot (a sliding
one-second window, with sends evenly spaced inside it) and a minimum interval between two
messages to the same chat (Telegram: 1 s in a private chat, 3 s in a group — 20 per minute;
Slack: 1 s per channel). A 429 from the platform pauses the whole channel for its retry_after.

Written here rather than taken from a library: aiolimiter and friends give a leaky bucket for one
key, but a fan-out needs thousands of per-chat intervals next to one global window and a pause
that every waiting sender sees; that is about sixty lines, tested in tests/test_pacing.py.
"""

import asyncio
import time
from collections import deque
from collections.abc import Hashable

WINDOW_SECONDS = 1.0
# Sends leave this much earlier than the platform's window would allow, for network jitter.
SAFETY_MARGIN_SECONDS = 0.02


class Pacer:
    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._clock = time.monotonic
        self._spacing = 1.0 / rate
        self._window: deque[float] = deque(maxlen=max(1, int(rate)))
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_ready: dict[Hashable, float] = {}
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """The platform asked the whole bot to wait (a 429): nobody sends before then."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    async def wait_turn(self, chat: Hashable, chat_interval: float) -> None:
        """Return when one message to `chat` may leave without breaking any limit."""
        await self._wait_for_chat(chat, chat_interval)
        while True:
            async with self._lock:
                slot = self._reserve()
            delay = slot - self._clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._paused_until <= self._clock():
                return

    async def _wait_for_chat(self, chat: Hashable, interval: float) -> None:
        now = self._clock()
        ready = max(now, self._chat_ready.get(chat, 0.0))
        self._chat_ready[chat] = ready + interval
        if ready > now:
            await asyncio.sleep(ready - now)
        if len(self._chat_ready) > 50_000:
            self._forget_idle_chats()

    def _reserve(self) -> float:
        now = self._clock()
        slot = max(now, self._next_slot, self._paused_until)
        if len(self._window) == self._window.maxlen:
            slot = max(slot, self._window[0] + WINDOW_SECONDS + SAFETY_MARGIN_SECONDS)
        self._window.append(slot)
        self._next_slot = slot + self._spacing
        return slot

    def _forget_idle_chats(self) -> None:
        now = self._clock()
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
