"""Fewer malloc arenas: glibc gives each thread that allocates its own arena (up to eight per
core), and relay's threads (the database driver's, `asyncio.to_thread`, the console's reader)
each keep tens of megabytes that the process never gives back. Two arenas cut `relay run`'s
resident memory by about a third (BENCHMARKS.md), for no measurable cost in speed."""

import ctypes
import ctypes.util
import os
import sys

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_arenas() -> None:
    """Call before any thread starts; does nothing outside glibc or when MALLOC_ARENA_MAX is
    already set in the environment (the setting wins)."""
    if not sys.platform.startswith("linux"):
        return
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(M_ARENA_MAX, ARENAS)
    except (OSError, AttributeError):  # not glibc (musl has no mallopt arenas)
        return
