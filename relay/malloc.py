"""Fewer malloc arenas: glibc gives each thread that allocates its own arena (up to eight per
core), and relay's threads (the database driver's, `asyncio.to_thread`, the console's reader)
each keep tens of megabytes that the process never gives back. Two arenas cut `relay run`'s
resident memory by about a third (BENCHMARKS.md), for no measurable cost in speed."""

import ctypes
import functools
import os
import sys

M_ARENA_MAX = -8  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
ARENAS = 2
# Blocks from this size are mapped apart and given back when freed: the directory's search
# works on arrays of a few hundred kilobytes a question, which glibc's moving threshold would
# otherwise keep in the heap.
MAPPED_FROM = 128 * 1024
GLIBC = "libc.so.6"


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """glibc, by its soname (looking it up by name would start a subprocess)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(GLIBC)
    except OSError:
        return None


def give_back() -> None:
    """Return the memory freed by a large temporary structure (building the directory's
    vocabulary) to the system; glibc keeps it otherwise."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


def limit_arenas() -> None:
    """Call before any thread starts; does nothing outside glibc or when MALLOC_ARENA_MAX (or
    MALLOC_MMAP_THRESHOLD_) is already set in the environment (the setting wins)."""
    libc = _libc()
    set_option = getattr(libc, "mallopt", None)  # glibc only
    if set_option is not None and "MALLOC_ARENA_MAX" not in os.environ:
        set_option(M_ARENA_MAX, ARENAS)
    if set_option is not None and "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        set_option(M_MMAP_THRESHOLD, MAPPED_FROM)
