"""Proactive rate limiting: a message waits for its turn instead of provoking a 429.

Two limits apply to every send on a channel: the platform's rate for the whole bot (a sliding
one-second window, with sends evenly spaced inside it) and a minimum interval between two
messages to the same chat (Telegram: 1 s in a private chat, 3 s in a group — 20 per minute;
Slack: 1 s per channel). A 429 from the platform pauses the whole channel for its retry_after.

Senders queue for the global limit in arrival order and one dispatcher lets them go, measuring
the window with the moment each one really leaves: when the event loop runs late, sends are
delayed, never bunched.

Written here rather than taken from a library: aiolimiter and friends give a leaky bucket for one
key, but a fan-out needs thousands of per-chat intervals next to one global window and a pause
that every waiting sender sees; tested in tests/test_pacing.py.
"""

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Hashable

WINDOW_SECONDS = 1.0
# The window is kept this much longer than the platform's, for network jitter.
SAFETY_MARGIN_SECONDS = 0.02


class Pacer:
    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._spacing = 1.0 / rate
        self._window: deque[float] = deque(maxlen=max(1, int(rate)))
        self._last_release = float("-inf")
        self._paused_until = 0.0
        self._chat_ready: dict[Hashable, float] = {}
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._wake = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None

    def pause(self, seconds: float) -> None:
        """The platform asked the whole bot to wait (a 429): nobody sends before then."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    async def wait_turn(self, chat: Hashable, chat_interval: float) -> None:
        """Return when one message to `chat` may leave without breaking any limit."""
        await self._wait_for_chat(chat, chat_interval)
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        self._wake.set()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="pacer")
        await turn

    async def _wait_for_chat(self, chat: Hashable, interval: float) -> None:
        now = time.monotonic()
        ready = max(now, self._chat_ready.get(chat, 0.0))
        self._chat_ready[chat] = ready + interval
        if ready > now:
            await asyncio.sleep(ready - now)
        if len(self._chat_ready) > 50_000:
            self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}

    def _next_release(self, now: float) -> float:
        ready = max(now, self._last_release + self._spacing, self._paused_until)
        if len(self._window) == self._window.maxlen:
            ready = max(ready, self._window[0] + WINDOW_SECONDS + SAFETY_MARGIN_SECONDS)
        return ready

    async def _dispatch(self) -> None:
        while True:
            while not self._waiting:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=10)
                if not self._waiting:
                    return
            now = time.monotonic()
            ready = self._next_release(now)
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            turn = self._waiting.popleft()
            if turn.done():  # its sender was cancelled
                continue
            self._last_release = now
            self._window.append(now)
            turn.set_result(None)
