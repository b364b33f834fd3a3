"""APScheduler inside `relay run`: meeting notices, feed polling, the monthly report, the
survey's reminder, closing and purge.

Jobs live in memory and are rebuilt from the database whenever this process becomes the leader
and every SYNC_SECONDS after (meetings scheduled from another process or from the command line
get their jobs that way). Every job has a fixed id and is added with `replace_existing`, and an
explicit `misfire_grace_time` and `coalesce`: APScheduler's default grace of one second would
silently drop a job missed during a restart. Whatever APScheduler decides, the database decides
last: a notice is marked sent in the transaction that queues it, and the monthly report is
recorded before it is sent, so neither goes twice.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from relay.announcements import Announcements
from relay.delivery.notices import Notices
from relay.directory.querylog import purge_old_queries
from relay.feeds.poller import FeedPoller
from relay.french_dates import as_utc
from relay.jobs.leader import LeaderLock
from relay.meetings.service import MeetingChanges, Meetings
from relay.reports import monthly as reports
from relay.settings import Settings
from relay.store import meetings as meeting_store
from relay.store.db import Database
from relay.surveys.service import Surveys
from relay.themes import ThemeCatalogue

log = logging.getLogger(__name__)

LEADER_RETRY_SECONDS = 15.0
SYNC_SECONDS = 60.0
FEEDS_SECONDS = 60.0
NOTICE_JOB = "notice:"
SCHEDULED_SENDS_SECONDS = 30.0  # a scheduled broadcast leaves within a minute of its time
SYNC_JOB, FEEDS_JOB, REPORT_JOB = "meetings-sync", "feeds", "monthly-report"
SCHEDULED_SENDS_JOB = "scheduled-sends"
SURVEYS_SECONDS = 600.0  # a survey's reminder leaves within ten minutes of its time
SURVEYS_JOB = "surveys"


@dataclass(frozen=True)
class ScheduledWork:
    """What the scheduler runs, built by the composition root."""

    db: Database
    settings: Settings
    themes: ThemeCatalogue
    notices: Notices  # the monthly report to coordinators
    meetings: Meetings  # notices due, stale drafts
    changes: MeetingChanges  # meetings changed: rebuild their jobs
    feeds: FeedPoller
    announcements: Announcements  # broadcasts scheduled for later
    surveys: Surveys  # the survey's reminder, closing and purge


class Scheduler:
    def __init__(
        self,
        work: ScheduledWork,
        retry_seconds: float = LEADER_RETRY_SECONDS,
        sync_seconds: float = SYNC_SECONDS,
        feeds_seconds: float = FEEDS_SECONDS,
    ) -> None:
        self._work = work
        self._retry_seconds = retry_seconds
        self._sync_seconds = sync_seconds
        self._feeds_seconds = feeds_seconds
        self.lock = LeaderLock(work.db)
        self.aps = AsyncIOScheduler(
            timezone=work.settings.zone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )
        self._leading = False
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self._leading

    async def start(self) -> None:
        self.aps.start(paused=True)
        self._work.changes.subscribe(self.sync_meetings)
        await self._check_leadership()
        self._task = asyncio.create_task(self._keep_checking(), name="scheduler-leader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._work.changes.unsubscribe(self.sync_meetings)
        if self.aps.running:
            self.aps.shutdown(wait=False)
        await self.lock.release()
        self._leading = False

    async def _keep_checking(self) -> None:
        while True:
            await asyncio.sleep(self._retry_seconds)
            await self._check_leadership()

    async def _check_leadership(self) -> None:
        leader = await self.lock.check()
        if leader and not self._leading:
            log.info("this process runs the scheduler")
            await self._lead()
        elif not leader and self._leading:
            log.warning("scheduler leadership lost; another process will take over")
            self._leading = False
            self.aps.pause()
            self.aps.remove_all_jobs()

    async def _lead(self) -> None:
        self._leading = True
        grace = reports.SEND_GRACE.total_seconds()
        self._every(self._sync_seconds, self.sync_meetings, SYNC_JOB)
        self._every(self._feeds_seconds, self.poll_feeds, FEEDS_JOB)
        self._every(SCHEDULED_SENDS_SECONDS, self.send_scheduled, SCHEDULED_SENDS_JOB)
        self._every(SURVEYS_SECONDS, self.survey_upkeep, SURVEYS_JOB)
        self.aps.add_job(
            self.send_report,
            "cron",
            day=1,
            hour=reports.SEND_HOUR,
            minute=0,
            id=REPORT_JOB,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=int(grace),
        )
        self.aps.resume()
        await self.sync_meetings()  # catch up: notices due while no process led
        await self.send_scheduled()  # catch up: broadcasts due while no process led
        await self.send_report()  # catch up: the 1st of the month passed while down
        await self.survey_upkeep()  # catch up: a reminder or a purge due while down

    def _every(self, seconds: float, work: Callable[[], Awaitable[None]], job_id: str) -> None:
        """A repeating job; a run missed by less than its period still happens, once."""
        self.aps.add_job(
            work,
            "interval",
            seconds=seconds,
            id=job_id,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=int(seconds),
        )

    async def sync_meetings(self) -> None:
        """Send what is due, then (re)build one date job per pending notice."""
        if not self._leading:
            return
        meetings = self._work.meetings
        try:
            await meetings.send_due()
            await meetings.forget_stale_drafts()
            async with self._work.db.read() as session:
                upcoming = await meeting_store.upcoming_notices(session)
        except Exception:
            log.exception("meeting notices: synchronisation failed; retrying later")
            return
        wanted = set()
        grace = int(meetings.policy.grace.total_seconds())
        for notice_id, _label, _meeting_id, due in upcoming:
            job_id = f"{NOTICE_JOB}{notice_id}"
            wanted.add(job_id)
            if self.aps.get_job(job_id) is None:
                self.aps.add_job(
                    self.send_notices,
                    "date",
                    run_date=as_utc(due),
                    id=job_id,
                    replace_existing=True,
                    coalesce=True,
                    misfire_grace_time=grace,
                )
        for job in self.aps.get_jobs():
            if job.id.startswith(NOTICE_JOB) and job.id not in wanted:
                job.remove()

    async def send_notices(self) -> None:
        try:
            await self._work.meetings.send_due()
        except Exception:
            log.exception("sending meeting notices failed; the next synchronisation retries")

    async def send_scheduled(self) -> None:
        if not self._leading:
            return
        try:
            await self._work.announcements.send_scheduled(self._work.meetings.clock())
        except Exception:
            log.exception("scheduled broadcasts: sending failed; retrying at the next round")

    async def survey_upkeep(self) -> None:
        """The survey's closing, its one reminder and the purge of who answered what: each
        recorded in the transaction that does it, so a second run does nothing."""
        if not self._leading:
            return
        try:
            await self._work.surveys.upkeep()
        except Exception:
            log.exception("survey upkeep failed; retrying at the next round")

    async def poll_feeds(self) -> None:
        try:
            await self._work.feeds.poll(due_only=True)
        except Exception:
            log.exception("feed polling round failed")

    async def send_report(self) -> None:
        """The monthly report, then the directory questions older than the log keeps."""
        work = self._work
        try:
            await reports.send_monthly(
                work.db, work.settings, work.themes, work.notices, work.meetings.clock
            )
        except Exception:
            log.exception("monthly report failed")
        try:
            await purge_old_queries(work.db, work.meetings.clock(), work.settings.zone)
        except Exception:
            log.exception("directory query log purge failed; retried with the next report")


@contextlib.asynccontextmanager
async def scheduled(work: ScheduledWork) -> AsyncIterator[Scheduler]:
    """The scheduler running (or waiting for leadership) until the block ends."""
    scheduler = Scheduler(work)
    await scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.stop()
