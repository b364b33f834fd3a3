"""Real processes: `relay run` killed mid-broadcast loses nothing; two of them never send twice."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from relay.app import NO_TOKEN  # printed by `relay run` as its workers start
from relay.delivery.worker import RECORD_INTERVAL_SECONDS, limits_for
from relay.messages import ChatKind, ChatRef, Platform
from relay.settings import load_settings
from relay.store import subscribers
from relay.store.db import Database
from relay.store.models import Delivery
from relay.store.schema import upgrade

RECIPIENTS = 400
LEASE_SECONDS = 2
RECEIVED = re.compile(r"^→ (c\d+)$", re.MULTILINE)


async def seed(database_url: str) -> None:
    database = Database(database_url)
    try:
        await upgrade(database)
        async with database.write() as session:
            for n in range(RECIPIENTS):
                chat = ChatRef(Platform.CONSOLE, f"c{n:04d}", ChatKind.PRIVATE)
                subscriber = await subscribers.ensure(session, chat, f"c{n:04d}", "")
                await subscribers.add_themes(session, subscriber, ["jeunes"])
    finally:
        await database.close()


async def unfinished(database_url: str) -> int:
    database = Database(database_url)
    try:
        async with database.read() as session:
            query = select(func.count()).where(col(Delivery.status).in_(["pending", "sending"]))
            return int((await session.execute(query)).scalar_one())
    finally:
        await database.close()


def start_relay(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "relay", "run"],
        stdin=subprocess.DEVNULL,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )


def received(log: Path) -> Counter[str]:
    return Counter(RECEIVED.findall(log.read_text(encoding="utf-8", errors="replace")))


def wait_until(predicate: object, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "RELAY_DATABASE_URL": database_url,
        "RELAY_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
    }


def post(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "relay", "post", "--themes", "jeunes", "Forum des jeunes"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_sigkill_mid_broadcast_then_restart_loses_nothing(
    database_url: str, env: dict[str, str], tmp_path: Path
) -> None:
    asyncio.run(seed(database_url))
    post(env)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_relay(env, first_log)
    try:
        wait_until(lambda: sum(received(first_log).values()) >= RECIPIENTS // 4, within=30)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    before_restart = received(first_log)
    assert 0 < sum(before_restart.values()) < RECIPIENTS, "the kill must fall mid-broadcast"

    second = start_relay(env, second_log)
    try:
        wait_until(lambda: asyncio.run(unfinished(database_url)) == 0, within=60)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    total = before_restart + received(second_log)
    assert set(total) == {f"c{n:04d}" for n in range(RECIPIENTS)}, "every recipient got it"
    duplicates = sum(n - 1 for n in total.values())
    # Only sends the platform accepted before their outcome was written can repeat: at most
    # the sends in flight (a quarter of the lease's worth) plus one recorder flush's
    # (relay/delivery/worker.py).
    rate = limits_for(Platform.CONSOLE, load_settings()).rate
    in_flight = rate * LEASE_SECONDS / 4
    assert duplicates <= in_flight + rate * RECORD_INTERVAL_SECONDS, duplicates


def test_two_processes_share_the_work_without_duplicates(
    database_url: str, env: dict[str, str], tmp_path: Path
) -> None:
    asyncio.run(seed(database_url))
    # The default lease, not the crash test's two seconds: a process that sent a message but had
    # not yet written it down when a two-second lease ran out (a machine busy with other work)
    # would see it sent again by the other, as after a crash; this test is about sharing.
    env = {**env, "RELAY_DELIVERY_LEASE_SECONDS": "60"}
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [start_relay(env, log) for log in logs]
    try:
        # Both processes up and idle before the announcement is queued: on a busy machine one
        # can take seconds longer to start, and the other would have sent everything by then.
        wait_until(lambda: all(NO_TOKEN in log.read_text(encoding="utf-8") for log in logs), 60)
        post(env)
        wait_until(lambda: asyncio.run(unfinished(database_url)) == 0, within=60)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            assert process.wait(timeout=20) == 0
    counts = [received(log) for log in logs]
    total = counts[0] + counts[1]
    assert set(total) == {f"c{n:04d}" for n in range(RECIPIENTS)}
    assert max(total.values()) == 1, "no recipient received it twice"
    assert counts[0] and counts[1], "both processes delivered a share"
