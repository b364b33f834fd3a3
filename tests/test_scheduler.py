"""Reminders survive restarts and go once; missed ones go within the grace only; one leader
runs the scheduler; the monthly report goes once on the 1st."""

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from relay.app import Relay, opened
from relay.jobs.leader import LeaderLock
from relay.jobs.scheduler import Scheduler
from relay.reports import monthly as reports
from relay.settings import Settings, SettingsError, load_settings
from relay.store.db import Database
from relay.store.models import Announcement, Delivery, DirectNotice
from relay.store.models_schedule import MeetingNotice, ReportRun
from tests.conftest import COORDINATOR
from tests.scheduled_support import Clock, RecordingChannel, sending
from tests.test_delivery import subscribe
from tests.waiting import eventually

START = datetime(2027, 1, 14, 13, 0, tzinfo=UTC)  # 14:00 in Paris


@asynccontextmanager
async def running_scheduler(relay: Relay, **options: float) -> AsyncIterator[Scheduler]:
    scheduler = Scheduler(relay.work, **options)
    await scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.stop()


async def reminder_titles(db: Database) -> list[str]:
    async with db.read() as session:
        query = select(col(Announcement.title)).order_by(col(Announcement.id))
        return list((await session.execute(query)).scalars())


async def notice_states(db: Database) -> dict[str, str]:
    async with db.read() as session:
        rows = await session.execute(select(col(MeetingNotice.label), col(MeetingNotice.state)))
        return dict(rows.all())


async def test_a_restart_between_j1_and_h2_sends_h2_once_and_repeats_nothing(
    settings: Settings,
) -> None:
    clock = Clock(START - timedelta(days=10))
    channel = RecordingChannel()
    async with opened(settings) as first:
        first.meetings.clock = clock
        await subscribe(first, "11", ["vie-du-cls"])
        await first.meetings.schedule("copil", START, "Pornic", invite=False)
        async with sending(first, channel), running_scheduler(first) as scheduler:
            assert {job.id for job in scheduler.aps.get_jobs()} >= {
                "meetings-sync",
                "feeds",
                "monthly-report",
                "notice:1",
                "notice:2",
                "notice:3",
            }
            notice_job = scheduler.aps.get_job("notice:3")
            assert notice_job.misfire_grace_time == 3600 and notice_job.coalesce
            clock.set(START - timedelta(days=7, seconds=-30))
            await scheduler.send_notices()
            clock.set(START - timedelta(days=1, seconds=-30))
            await scheduler.send_notices()
            await first.engine.drain(10)
    assert await reminder_titles(first.db) == [
        "Rappel : COPIL du Contrat Local de Santé, dans 7 jours",
        "Rappel : COPIL du Contrat Local de Santé, demain",
    ]

    clock.set(START - timedelta(hours=20))  # the process restarts between J-1 and H-2
    async with opened(settings) as second:
        second.meetings.clock = clock
        async with sending(second, channel), running_scheduler(second) as scheduler:
            assert len(await reminder_titles(second.db)) == 2, "nothing repeated at start"
            clock.set(START - timedelta(hours=2, seconds=-5))
            await scheduler.send_notices()
            await scheduler.send_notices()  # a second firing (another job, a sync) changes nothing
            await scheduler.sync_meetings()
            await second.engine.drain(10)
        titles = await reminder_titles(second.db)
        async with second.db.read() as session:
            deliveries = (await session.execute(select(func.count()).select_from(Delivery))).one()
    assert titles[2:] == ["Rappel : COPIL du Contrat Local de Santé, dans 2 heures"]
    assert deliveries == (3,)
    assert [view.title.split(", ")[-1] for view in channel.announcements_to("11")] == [
        "dans 7 jours",
        "demain",
        "dans 2 heures",
    ]
    assert all(view.buttons and view.attachment for view in channel.announcements_to("11"))


async def test_a_reminder_missed_during_downtime_goes_within_the_grace_only(
    settings: Settings,
) -> None:
    clock = Clock(START - timedelta(days=10))
    back = START - timedelta(days=1) + timedelta(minutes=30)  # relay restarts at this time
    async with opened(settings) as relay:
        relay.meetings.clock = clock
        first = await relay.meetings.schedule("copil", START, "Pornic", invite=False)
        # The second meeting starts 30 min after the restart: its H-2 is 90 min old by then.
        second = await relay.meetings.schedule(
            "gt", back + timedelta(minutes=30), themes=["jeunes"], invite=False
        )
        clock.set(back)  # relay was down from before every reminder until now
        async with running_scheduler(relay):
            pass
        async with relay.db.read() as session:
            rows = await session.execute(
                select(
                    col(MeetingNotice.meeting_id),
                    col(MeetingNotice.label),
                    col(MeetingNotice.state),
                )
            )
            states = {(m, label): state for m, label, state in rows.all()}
    assert states[(first.id, "7d")] == "skipped", "older than the grace: not sent"
    assert states[(first.id, "1d")] == "sent", "30 min late, within the one-hour grace"
    assert states[(first.id, "2h")] == "pending"
    assert states[(second.id, "2h")] == "skipped", "90 min late: beyond the grace"
    assert states[(second.id, "1d")] == states[(second.id, "7d")] == "skipped"
    assert await reminder_titles(relay.db) == ["Rappel : COPIL du Contrat Local de Santé, demain"]


async def test_the_grace_is_a_setting(database_url: str) -> None:
    settings = load_settings(database_url=database_url, reminder_grace="2h")
    clock = Clock(START - timedelta(days=3))
    async with opened(settings) as relay:
        relay.meetings.clock = clock
        await relay.meetings.schedule("copil", START, invite=False)
        clock.set(START - timedelta(minutes=30))  # H-2 is 90 min old: within a 2-hour grace
        async with running_scheduler(relay):
            pass
        assert (await notice_states(relay.db))["2h"] == "sent"


async def test_an_h2_reminder_missed_by_more_than_the_grace_is_dropped(settings: Settings) -> None:
    clock = Clock(START - timedelta(days=3))
    async with opened(settings) as relay:
        relay.meetings.clock = clock
        await relay.meetings.schedule("copil", START, invite=False)
        clock.set(START - timedelta(days=1, seconds=-1))
        await relay.meetings.send_due()
        clock.set(START - timedelta(minutes=40))  # down from before H-2 until 80 min after it
        async with running_scheduler(relay):
            pass
        assert await notice_states(relay.db) == {"7d": "skipped", "1d": "sent", "2h": "skipped"}


async def test_apscheduler_fires_near_future_reminders_once_across_a_restart(
    database_url: str,
) -> None:
    settings = load_settings(database_url=database_url, reminders="3s,1s", reminder_grace="30s")
    channel = RecordingChannel()
    async with opened(settings) as relay:
        await subscribe(relay, "11", ["vie-du-cls"])
        starts = datetime.now(UTC) + timedelta(seconds=4.5)
        await relay.meetings.schedule("copil", starts, invite=False)

        async def sent(count: int) -> bool:
            return len(await reminder_titles(relay.db)) >= count

        async with sending(relay, channel):
            async with running_scheduler(relay):
                await eventually(lambda: sent(1), within=10)
            assert datetime.now(UTC) < starts - timedelta(seconds=1), "test machine too slow"
            async with running_scheduler(relay):  # a restart before the second reminder
                await eventually(lambda: sent(2), within=10)
            await relay.engine.drain(10)
        async with relay.db.read() as session:
            notices = (await session.execute(select(MeetingNotice))).scalars().all()
    assert [(n.label, n.state) for n in notices] == [("3s", "sent"), ("1s", "sent")]
    for notice in notices:
        assert notice.sent_at is not None
        assert notice.sent_at.replace(tzinfo=UTC) >= notice.due_at.replace(tzinfo=UTC)
    assert len(channel.announcements_to("11")) == 2


async def test_one_leader_at_a_time_and_a_new_one_when_it_dies(settings: Settings) -> None:
    async with opened(settings) as first, opened(settings) as second:
        leader, follower = (
            Scheduler(first.work, retry_seconds=0.05),
            Scheduler(second.work, retry_seconds=0.05),
        )
        try:
            await leader.start()
            await follower.start()
            if first.db.is_sqlite:
                assert leader.leading and follower.leading  # SQLite: each process runs it
                return
            assert leader.leading and not follower.leading
            assert follower.aps.get_jobs() == []
            await leader.stop()  # the leader goes away, its connection and its lock with it

            async def took_over() -> bool:
                return follower.leading

            await eventually(took_over, within=5)
            assert follower.aps.get_job("meetings-sync") is not None
        finally:
            await leader.stop()
            await follower.stop()


async def test_a_leader_whose_connection_dies_loses_the_lock(settings: Settings) -> None:
    async with opened(settings) as relay:
        lock = LeaderLock(relay.db)
        assert await lock.check()
        if relay.db.is_sqlite:
            return
        other = LeaderLock(Database(settings.database_url))
        assert not await other.check()
        connection = lock._connection
        assert connection is not None
        raw = await connection.get_raw_connection()
        await raw.driver_connection.close()  # type: ignore[union-attr]
        assert not await lock.check(), "a dead connection is noticed"
        assert await other.check(), "and the lock is free for another process"
        await other.release()
        await lock.release()


async def queued_reports(relay: Relay) -> list[DirectNotice]:
    async with relay.db.read() as session:
        return list((await session.execute(select(DirectNotice))).scalars())


async def test_the_monthly_report_goes_once_on_the_first_at_eight(relay: Relay) -> None:
    def send(clock: Clock) -> Awaitable[object]:
        return reports.send_monthly(relay.db, relay.settings, relay.themes, relay.engine, clock)

    clock = Clock(datetime(2027, 2, 1, 6, 59, tzinfo=UTC))  # 07:59 in Paris
    assert await send(clock) is None
    clock.set(datetime(2027, 2, 1, 7, 0, 5, tzinfo=UTC))
    assert str(await send(clock)) == "2027-01"
    assert await send(clock) is None
    (notice,) = await queued_reports(relay)  # in the outbox: retried until delivered
    assert notice.address == COORDINATOR.split(":")[1]
    assert notice.text.startswith("Rapport du relais d'information du CLS — janvier 2027")
    assert notice.attachment is not None and notice.attachment.startswith(b"\x89PNG")
    clock.set(datetime(2027, 3, 5, 9, 0, tzinfo=UTC))  # down from the 1st to the 5th: too late
    assert await send(clock) is None
    clock.set(datetime(2027, 4, 2, 12, 0, tzinfo=UTC))  # down on the 1st, back the next day
    assert str(await send(clock)) == "2027-03"
    assert len(await queued_reports(relay)) == 2
    async with relay.db.read() as session:
        months = (await session.execute(select(col(ReportRun.month)))).scalars().all()
    assert sorted(months) == ["2027-01", "2027-03"]


async def test_two_processes_sending_notices_at_once_send_each_once(settings: Settings) -> None:
    clock = Clock(START - timedelta(days=3))
    async with opened(settings) as first, opened(settings) as second:
        for relay in (first, second):
            relay.meetings.clock = clock
        await subscribe(first, "11", ["vie-du-cls"])
        await first.meetings.schedule("copil", START, invite=False)
        clock.set(START - timedelta(days=1, seconds=-1))
        results = await asyncio.gather(*(r.meetings.send_due() for r in (first, second) * 3))
        assert sum(len(r) for r in results) == 1


def test_reminder_offsets_are_configurable_and_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().reminders == ("7d", "1d", "2h")
    assert load_settings(reminders=["2h", "7D", "30m", "2h"]).reminders == ("7d", "2h", "30m")
    monkeypatch.setenv("RELAY_REMINDERS", "3d, 1h")
    assert load_settings().reminders == ("3d", "1h")
    monkeypatch.delenv("RELAY_REMINDERS")
    (tmp_path / "relay.toml").write_text('reminders = ["14d", "1d"]\n', encoding="utf-8")
    monkeypatch.setenv("RELAY_CONFIG_DIR", str(tmp_path))
    assert load_settings().reminders == ("14d", "1d")
    with pytest.raises(SettingsError, match=r"RELAY_REMINDERS : .*demain"):
        load_settings(reminders="demain")
    with pytest.raises(SettingsError, match="RELAY_REMINDERS"):
        load_settings(reminders="400d")
    assert load_settings().reminder_grace == "1h"
    monkeypatch.setenv("RELAY_REMINDER_GRACE", "45M")
    assert load_settings().reminder_grace == "45m"
    with pytest.raises(SettingsError, match="RELAY_REMINDER_GRACE"):
        load_settings(reminder_grace="une heure")
