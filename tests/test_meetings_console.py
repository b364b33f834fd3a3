"""`relay run` serving the console (no token): a meeting scheduled by typing, its invitation
with numbered RSVP choices, an answer by number, then a clean stop on SIGTERM."""

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta

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


async def test_relay_run_on_the_console_schedules_invites_and_records_an_answer(
    database_url: str,
) -> None:
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
    relay = RunningRelay(process)
    try:
        await relay.shows("sert la console")
        await relay.say("/abonner vie du cls")
        at = await relay.shows("Vie du CLS")
        day = (datetime.now(UTC) + timedelta(days=15)).strftime("%Y-%m-%d")
        await relay.say(f"/reunion copil {day} 14:00 Salle du conseil, Pornic")
        at = await relay.shows("1. Programmer et inviter", at)
        await relay.say("1")
        at = await relay.shows("programmée", at)
        at = await relay.shows("Invitation : COPIL du Contrat Local de Santé", at)
        at = await relay.shows("📎 reunion-1.ics", at)
        at = await relay.shows("1. Je viens", at)
        await relay.say("1")
        at = await relay.shows("C'est noté : vous venez", at)
        await relay.say("/reunion 1")
        await relay.shows("Réponses : 1 oui, 0 peut-être, 0 non", at)
    finally:
        code = await relay.stop()
    assert code == 0, relay.errors
    assert "Traceback" not in relay.errors + relay.output
