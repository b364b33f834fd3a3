"""`relay run` serving the console (no platform token), driven as a person types: what it
prints is read as it comes, and so is what it logs."""

import asyncio
import os
import signal
import sys

from tests.waiting import eventually


class RunningRelay:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.output = ""
        self.errors = ""
        self._reader = asyncio.create_task(self._read())
        self._error_reader = asyncio.create_task(self._read_errors())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := await self.process.stdout.read(4096):
            self.output += chunk.decode()

    async def _read_errors(self) -> None:
        assert self.process.stderr is not None
        while chunk := await self.process.stderr.read(4096):
            self.errors += chunk.decode()

    async def say(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((line + "\n").encode())
        await self.process.stdin.drain()

    async def shows(self, text: str, after: int = 0) -> int:
        """Wait until `text` appears after position `after`; returns where it ends."""

        async def seen() -> bool:
            return text in self.output[after:]

        try:
            await eventually(seen, within=30)
        except AssertionError:
            raise AssertionError(
                f"{text!r} not shown; output:\n{self.output[after:]}\nerrors:\n{self.errors}"
            ) from None
        return self.output.index(text, after) + len(text)

    async def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 30)
        await asyncio.gather(self._reader, self._error_reader)
        return code


async def console_relay(database_url: str) -> RunningRelay:
    """`relay run` on this database, its console on a pipe."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "relay",
        "run",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "RELAY_DATABASE_URL": database_url},
    )
    return RunningRelay(process)
