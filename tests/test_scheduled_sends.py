"""Broadcasts sent later: chosen in the preview or typed, listed and cancelled with
/programmees, sent within a minute of their time, once, whatever restarts or processes."""

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import col

from relay.app import Relay, opened
from relay.jobs.scheduler import Scheduler
from relay.messages import AnnouncementView
from relay.settings import Settings
from relay.store.models import Announcement, Delivery
from tests.chat import ChatUser
from tests.scheduled_support import Clock
from tests.scripted_channel import ScriptedChannel
from tests.test_delivery import engine_with, subscribe
from tests.waiting import eventually

THURSDAY = datetime(2027, 1, 7, 15, 0, tzinfo=UTC)  # 16:00 in Paris


async def deliveries(relay: Relay) -> int:
    async with relay.db.read() as session:
        query = select(func.count()).where(col(Delivery.announcement_id).is_not(None))
        return int((await session.execute(query)).scalar_one())


async def test_a_broadcast_chosen_for_tomorrow_morning_leaves_then(relay: Relay) -> None:
    clock = Clock(THURSDAY)
    relay.meetings.clock = clock
    await subscribe(relay, "11", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/diffuser #jeunes Forum des jeunes samedi")
    assert isinstance(coordinator.last[0], AnnouncementView)
    assert "Quand faut-il envoyer" in await coordinator.press("Envoyer plus tard")
    assert [b.label for b in coordinator.buttons()] == [
        "Dans une heure (17 h)",
        "Demain à 9 h",
        "Lundi 11/01 à 9 h",
    ]
    scheduled = await coordinator.press("Demain à 9 h")
    assert "partira le vendredi 8 janvier 2027 à 9 h vers 1 chat" in scheduled
    listing = await coordinator.say("/programmees")
    assert "n°1 — vendredi 8 janvier 2027 à 9 h — Forum des jeunes samedi" in listing
    assert await deliveries(relay) == 0
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        clock.set(datetime(2027, 1, 8, 7, 59, tzinfo=UTC))  # 08:59 in Paris
        assert await relay.announcements.send_scheduled(clock()) == []
        clock.set(datetime(2027, 1, 8, 8, 0, 30, tzinfo=UTC))
        assert await relay.announcements.send_scheduled(clock()) == [1]
        assert await engine.drain(10)
    assert channel.delivered["11"] == 1
    assert await coordinator.say("/programmees") == "Aucune diffusion n'attend son heure."


async def test_a_typed_moment_a_past_one_and_a_cancellation(relay: Relay) -> None:
    relay.meetings.clock = Clock(THURSDAY)
    await subscribe(relay, "11", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/diffuser #jeunes Atelier parents")
    assert "déjà passé" in await coordinator.say("/programmer 1 2027-01-06 09:00")
    assert "Usage : /programmer" in await coordinator.say("/programmer 1 bientôt")
    assert "partira le lundi 11 janvier 2027 à 9 h 30" in await coordinator.say(
        "/programmer 1 11/01/2027 9h30"
    )
    await coordinator.say("/programmees")
    assert "est annulé : rien n'a été envoyé" in await coordinator.press("Annuler l'envoi")
    assert await relay.announcements.send_scheduled(THURSDAY + timedelta(days=10)) == []
    assert await deliveries(relay) == 0
    partner = ChatUser.private(relay, "77")
    assert "réservée aux coordinateurs" in await partner.say("/programmees")


async def test_two_processes_send_a_scheduled_broadcast_once(settings: Settings) -> None:
    async with opened(settings) as first:
        for n in range(30):
            await subscribe(first, str(n), ["prevention"])
        coordinator = ChatUser.private(first, "1000")
        first.meetings.clock = Clock(THURSDAY)
        await coordinator.say("/diffuser #prevention Journée prévention")
        await coordinator.say("/programmer 1 2027-01-08 09:00")
    due = datetime(2027, 1, 8, 8, 0, 10, tzinfo=UTC)
    async with opened(settings) as restarted, opened(settings) as other:
        sent = await asyncio.gather(
            *(r.announcements.send_scheduled(due) for r in (restarted, other, restarted, other))
        )
        assert sorted(n for numbers in sent for n in numbers) == [1]
        assert await deliveries(restarted) == 30


async def test_the_scheduler_sends_it_within_a_minute_after_a_restart(settings: Settings) -> None:
    clock = Clock(THURSDAY)
    async with opened(settings) as relay:
        relay.meetings.clock = clock
        await subscribe(relay, "11", ["jeunes"])
        coordinator = ChatUser.private(relay, "1000")
        await coordinator.say("/diffuser #jeunes Forum des jeunes")
        await coordinator.say("/programmer 1 2027-01-08 09:00")
    clock.set(datetime(2027, 1, 8, 8, 0, 5, tzinfo=UTC))  # relay was down when it was due
    async with opened(settings) as relay:
        relay.meetings.clock = clock
        scheduler = Scheduler(relay.work)
        await scheduler.start()
        try:

            async def queued() -> bool:
                return await deliveries(relay) == 1

            await eventually(queued, within=10)
        finally:
            await scheduler.stop()
        async with relay.db.read() as session:
            (announcement,) = (await session.execute(select(Announcement))).scalars().all()
        assert announcement.status == "queued"


def test_relay_post_at_holds_the_announcement_until_then(database_url: str) -> None:
    env = {**os.environ, "RELAY_DATABASE_URL": database_url}

    def post(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "relay", "post", "--themes", "jeunes", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    later = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d") + " 09:00"
    held = post("--at", later, "Forum des jeunes")
    assert held.returncode == 0, held.stderr
    assert "Elle partira le " in held.stdout and "à 9 h, par le processus" in held.stdout
    past = post("--at", "2020-01-01 09:00", "Trop tard")
    assert past.returncode == 2 and "déjà passé" in past.stderr and "Traceback" not in past.stderr
    both = post("--at", later, "--deliver", "x")
    assert both.returncode == 2 and "s'excluent" in both.stderr
