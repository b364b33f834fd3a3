"""Proactive rate limiting: a message waits for its turn instead of provoking a 429.

Two limits apply to every send on a channel: the platform's rate for the whole bot (a sliding
one-second window, with sends evenly spaced inside it) and a minimum interval between two
messages to the same chat (Telegram: 1 s in a private chat, 3 s in a group — 20 per minute;
Slack: 1 s per channel). A 429 from the platform pauses the whole channel for its retry_after.

Senders queue for the global limit in arrival order and one dispatcher lets them go, measuring
the window with the moment each one really leaves. Sends are spaced evenly on a timeline; when the
event loop runs late, the senders who missed their slot may leave together to catch up, but never
more than CATCH_UP_SECONDS' worth of them, and never beyond the window.

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
# A send counts this much longer than the platform's window: it reaches the platform a little
# after it leaves, and not always equally late.
SAFETY_MARGIN_SECONDS = 0.02
# Sends in the first second after a quiet spell count longer still: they open new connections
# and reach the platform tens of milliseconds late, so the sends one window later, on warm
# connections, would otherwise catch up with them.
COLD_START_MARGIN_SECONDS = 0.1
# How far behind its timeline the dispatcher may fall before missed slots are forgotten.
CATCH_UP_SECONDS = 0.015
# The timeline runs this much faster than the rate, so that the window is the limit and a send
# given back is replaced at once.
TIMELINE_HEADROOM = 1.05


class Pacer:
    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._spacing = 1.0 / (rate * TIMELINE_HEADROOM)
        # When each of the last `rate` sends stops counting, in the order they left.
        self._window: deque[float] = deque(maxlen=max(1, int(rate)))
        self._next_slot = float("-inf")
        self._warm_from = float("-inf")
        self._paused_until = 0.0
        self._chat_ready: dict[Hashable, float] = {}
        self._waiting: deque[asyncio.Future[float]] = deque()
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
        await self.wait_for_chat(chat, chat_interval)
        await self.wait_for_window()

    async def wait_for_window(self) -> float:
        """Return when the bot's rate allows one more message (call it just before sending).

        The returned ticket gives the send back to the window if the platform refused it."""
        turn: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        self._wake.set()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="pacer")
        return await turn

    def give_back(self, ticket: float) -> None:
        """The platform answered this send with an error: no message left, so it does not count."""
        with contextlib.suppress(ValueError):  # already out of the window
            self._window.remove(ticket)

    async def wait_for_chat(self, chat: Hashable, interval: float) -> None:
        """Return when `interval` has passed since the previous message to `chat`."""
        now = time.monotonic()
        ready = max(now, self._chat_ready.get(chat, 0.0))
        self._chat_ready[chat] = ready + interval
        if ready > now:
            await asyncio.sleep(ready - now)
        if len(self._chat_ready) > 50_000:
            self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}

    def _next_release(self, now: float) -> float:
        ready = max(now, self._next_slot, self._paused_until)
        if len(self._window) == self._window.maxlen:
            ready = max(ready, self._window[0])
        return ready

    def _count(self, now: float) -> float:
        if not self._window or self._window[-1] <= now:
            self._warm_from = now + WINDOW_SECONDS
        margin = SAFETY_MARGIN_SECONDS if now >= self._warm_from else COLD_START_MARGIN_SECONDS
        counted_until = now + WINDOW_SECONDS + margin
        self._window.append(counted_until)
        self._next_slot = max(self._next_slot, now - CATCH_UP_SECONDS) + self._spacing
        return counted_until

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
            turn.set_result(self._count(now))
