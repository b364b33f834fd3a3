"""Short-lived relay processes (`python -m relay.<module>`) for work whose libraries or memory
relay's own long-lived process should not keep: drawing the report's chart, building the
directory's vocabulary."""

import asyncio
import os
import sys
from pathlib import Path

RELAY_ROOT = str(Path(__file__).resolve().parents[1])


def environment() -> dict[str, str]:
    """The child finds this copy of relay first, however this one was started."""
    path = os.pathsep.join(p for p in (RELAY_ROOT, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


async def start(module: str, stdout: int) -> asyncio.subprocess.Process:
    """`python -m module`, its input a pipe, its errors a pipe, its output `stdout`."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        stdin=asyncio.subprocess.PIPE,
        stdout=stdout,
        stderr=asyncio.subprocess.PIPE,
        env=environment(),
    )
