"""A per-client limit on searches: a token bucket per client, remembered for a minute at most.

A client is known by its address (behind a reverse proxy on the same machine or network, the
last address of X-Forwarded-For), hashed with a key drawn when the process starts: the limiter
never holds an address itself, and nothing of it outlives the process or a minute of quiet."""

import hashlib
import ipaddress
import secrets
import time
from collections.abc import Callable

from aiohttp import web

FORGET_SECONDS = 60.0


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        """`per_minute` requests a minute per client, in bursts of as many; 0: no limit."""
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[bytes, tuple[float, float]] = {}  # client -> (tokens, when)
        self._key = secrets.token_bytes(32)
        self._swept_at = clock()

    def allow(self, request: web.Request) -> bool:
        """Whether this request may go on; it takes one token of its client."""
        if not self.per_minute:
            return True
        now = self.clock()
        self._sweep(now)
        client = self._client(request)
        tokens, when = self._buckets.get(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - when) * self.per_minute / 60)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return False
        self._buckets[client] = (tokens - 1, now)
        return True

    def retry_after(self) -> int:
        """Seconds until a client out of tokens gets one back."""
        return max(1, round(60 / self.per_minute)) if self.per_minute else 0

    def __len__(self) -> int:
        return len(self._buckets)

    def _client(self, request: web.Request) -> bytes:
        address = client_address(request)
        return hashlib.blake2b(address.encode(), key=self._key, digest_size=16).digest()

    def _sweep(self, now: float) -> None:
        """Forget the clients quiet for a minute (their bucket is full again anyway)."""
        if now - self._swept_at < FORGET_SECONDS / 4:
            return
        self._swept_at = now
        stale = [c for c, (_, when) in self._buckets.items() if now - when > FORGET_SECONDS]
        for client in stale:
            del self._buckets[client]


def client_address(request: web.Request) -> str:
    """The client's address: the peer's, or, when the peer is a proxy on this machine or a
    private network, the last address that proxy put in X-Forwarded-For."""
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and _is_local(peer):
        return forwarded.split(",")[-1].strip() or peer
    return peer


def _is_local(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private
