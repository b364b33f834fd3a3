"""Waiting for a condition that something else (a server, a worker) will make true."""

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(
    condition: Callable[[], Awaitable[bool]], within: float = 10.0, step: float = 0.02
) -> None:
    """Return as soon as `condition()` holds; fail after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition still false after {within} s")
        await asyncio.sleep(step)
