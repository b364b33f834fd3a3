"""Monthly report benchmark: 1,000,000 deliveries and 100,000 directory questions.

    python -m bench.report [--deliveries 1000000] [--queries 100000] [--backend both]

Fills a fresh database (SQLite file, and PostgreSQL when RELAY_TEST_POSTGRES_URL or
--postgres-url is given) with a year of activity: 20,000 chats, 2,401 announcements spread over
twelve months, the deliveries and questions spread over those months too (or, with --one-month,
every announcement and question in the reported month: the worst case). Then times relay's report
(aggregate SQL queries) and, in the same run, a naive report that loads the rows and counts in
Python, checks that both agree, and prints the ratio. The chart is timed apart (drawing).
"""

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from relay.reports import monthly as reports
from relay.reports.model import Month, MonthlyReport
from relay.reports.monthly import INFORMATION_SOURCES
from relay.settings import Settings, load_settings
from relay.store import schema
from relay.store.db import Database
from relay.themes import ThemeCatalogue

REPO = Path(__file__).resolve().parent.parent
MONTH = Month(2026, 10)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
CHATS = 20_000
ANNOUNCEMENTS = 2_401  # coprime with CHATS: (announcement, chat) pairs never repeat
DISTINCT_QUESTIONS = 2_000
RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("RELAY_TEST_POSTGRES_URL"))
    parser.add_argument("--one-month", action="store_true", help="everything in the month")
    args = parser.parse_args()
    os.environ.setdefault("RELAY_CONFIG_DIR", str(REPO / "config"))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.postgres_url:
        print("PostgreSQL skipped: set RELAY_TEST_POSTGRES_URL or --postgres-url")
        backends.remove("postgresql")
    spread = "all in the reported month" if args.one_month else "spread over twelve months"
    print(
        f"Monthly report, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores: "
        f"{args.deliveries:,} deliveries, {args.queries:,} directory questions ({spread})"
    )
    for backend in backends:
        asyncio.run(run(backend, args))


async def run(backend: str, args: argparse.Namespace) -> None:
    async with FreshDatabase(backend, args.postgres_url) as url:
        settings = load_settings(database_url=url)
        catalogue = ThemeCatalogue.load(settings.themes_file)
        db = Database(url)
        try:
            await schema.upgrade(db)
            started = time.perf_counter()
            await fill(db, catalogue, args.deliveries, args.queries, args.one_month)
            filled = time.perf_counter() - started

            async def relay_report() -> MonthlyReport:
                return await reports.build_report(db, settings, catalogue, MONTH, NOW)

            async def naive() -> dict[str, Any]:
                return await naive_report(db, settings)

            async def chart() -> bytes:
                return await reports.build_chart(db, settings, catalogue, MONTH)

            cold, relay_times, report = await timed(relay_report)
            _, naive_times, baseline = await timed(naive, runs=2)
            _, chart_times, _ = await timed(chart, runs=3)
            check(report, baseline)
        finally:
            await db.close()
    relay_s, naive_s = statistics.median(relay_times), statistics.median(naive_times)
    print(f"\n{backend} (filled in {filled:.0f} s)")
    print(
        f"  report, relay (SQL aggregates):  {relay_s:.3f} s median of {RUNS}, first {cold:.3f} s"
    )
    print(f"  report, naive (rows to Python): {naive_s:.3f} s median of 2")
    print(f"  naive / relay: {naive_s / relay_s:.0f}×")
    print(f"  chart (12 months, matplotlib):   {statistics.median(chart_times):.3f} s")
    delivered = report.deliveries.total
    deliveries = delivered.delivered + delivered.failed + delivered.unreachable
    print(
        f"  the month: {report.information.total} items relayed, "
        f"{deliveries:,} deliveries, {report.directory.questions:,} questions"
    )


async def timed(
    action: Callable[[], Awaitable[Any]], runs: int = RUNS
) -> tuple[float, list[float], Any]:
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = await action()
        times.append(time.perf_counter() - started)
    return times[0], times, result


class FreshDatabase:
    """A fresh database for one backend, removed afterwards."""

    def __init__(self, backend: str, postgres_url: str | None) -> None:
        self.backend = backend
        self.postgres_url = postgres_url
        self.name = f"relay_bench_{uuid.uuid4().hex[:10]}"
        self.folder = tempfile.TemporaryDirectory()

    async def __aenter__(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.folder.name}/bench.db"
        admin = await asyncpg.connect(self._dsn())
        await admin.execute(f'CREATE DATABASE "{self.name}"')
        await admin.close()
        assert self.postgres_url
        return make_url(self.postgres_url).set(database=self.name).render_as_string(False)

    async def __aexit__(self, *_: object) -> None:
        if self.backend == "postgresql":
            admin = await asyncpg.connect(self._dsn())
            await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            await admin.close()
        self.folder.cleanup()

    def _dsn(self) -> str:
        assert self.postgres_url
        url = make_url(self.postgres_url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)


def _moment(month_index: int, seconds: int) -> datetime:
    """A moment in the month_index-th month before the reported one (0: the reported month)."""
    month = MONTH.shift(-month_index)
    start = datetime(month.year, month.month, 2, tzinfo=UTC)
    return start + timedelta(seconds=seconds % (26 * 86_400))


async def fill(
    db: Database, catalogue: ThemeCatalogue, deliveries: int, queries: int, one_month: bool
) -> None:
    rnd = random.Random(8)
    slugs = [t.slug for t in catalogue]
    sources = ["coordinator"] * 5 + ["proposal"] * 2 + ["feed"] * 2 + ["meeting"]
    kinds = ["evenement", "appel_a_projets", "information"]
    async with db.write() as session:
        await session.execute(
            text(
                "INSERT INTO subscribers (platform, address, chat_kind, display_name, active, "
                "created_at, updated_at) VALUES (:p, :a, 'private', '', :active, :t, :t)"
            ),
            [
                {
                    "p": "slack" if n % 10 == 0 else "telegram",
                    "a": str(n),
                    "active": n % 50 != 0,
                    "t": _moment(rnd.randrange(14), rnd.randrange(10**7)),
                }
                for n in range(1, CHATS + 1)
            ],
        )
        await session.execute(
            text(
                "INSERT INTO subscriptions (subscriber_id, theme, created_at) VALUES (:s, :t, :at)"
            ),
            [
                {"s": n, "t": theme, "at": _moment(rnd.randrange(14), rnd.randrange(10**7))}
                for n in range(1, CHATS + 1)
                for theme in set(rnd.choices(slugs, k=2))
            ],
        )
        rows = []
        for n in range(1, ANNOUNCEMENTS + 1):
            month_index = 0 if one_month else n % 12
            queued = _moment(month_index, rnd.randrange(10**7))
            rows.append(
                {
                    "kind": rnd.choice(kinds),
                    "source": rnd.choice(sources),
                    "text": f"annonce {n}",
                    "created": queued - timedelta(hours=2),
                    "queued": queued,
                }
            )
        await session.execute(
            text(
                "INSERT INTO announcements (kind, title, text, source, status, created_at, "
                "queued_at) VALUES (:kind, '', :text, :source, 'queued', :created, :queued)"
            ),
            rows,
        )
        await session.execute(
            text("INSERT INTO announcement_themes (announcement_id, theme) VALUES (:a, :t)"),
            [
                {"a": n, "t": theme}
                for n in range(1, ANNOUNCEMENTS + 1)
                for theme in set(rnd.choices(slugs, k=rnd.choice([1, 1, 2])))
            ],
        )
        postgresql = session.get_bind().dialect.name == "postgresql"
        numbers = (
            "generate_series(0, :count - 1) AS n(i)"
            if postgresql
            else "(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < :count - 1) SELECT i FROM n) AS n"
        )
        await session.execute(
            text(
                "INSERT INTO deliveries (announcement_id, subscriber_id, platform, status, "
                "attempts, next_attempt_at) "
                f"SELECT 1 + i % {ANNOUNCEMENTS}, 1 + i % {CHATS}, "
                f"CASE WHEN (1 + i % {CHATS}) % 10 = 0 THEN 'slack' ELSE 'telegram' END, "
                "CASE WHEN i % 50 = 7 THEN 'failed' WHEN i % 50 = 9 THEN 'gone' "
                "WHEN i % 1000 = 3 THEN 'pending' ELSE 'sent' END, 1, :now "
                f"FROM {numbers}"
            ),
            {"count": deliveries, "now": NOW},
        )
        start, _ = MONTH.period(load_settings().zone)
        asked = (
            "(CAST(:start AS timestamptz) + (i % 2500000) * interval '1 second' "
            "- CAST(:back AS integer) * (i % 12) * interval '30 days')"
            if postgresql
            else "strftime('%Y-%m-%d %H:%M:%S.000000', :start, '+' || (i % 2500000) || ' seconds',"
            " '-' || (:back * (i % 12) * 30) || ' days')"
        )
        await session.execute(
            text(
                "INSERT INTO directory_queries (asked_at, question, result_count, platform) "
                f"SELECT {asked}, 'question ' || ((i * 7919) % {DISTINCT_QUESTIONS}), "
                "CASE WHEN (i * 7919) % 10 = 0 THEN 0 ELSE 3 END, 'telegram' "
                f"FROM {numbers}"
            ),
            {
                "count": queries,
                "start": start + timedelta(hours=1) if postgresql else _sqlite(start),
                "back": 0 if one_month else 1,
            },
        )
    async with db.write() as session:
        if postgresql:
            await session.execute(text("ANALYZE"))
        else:
            await session.execute(text("ANALYZE"))


def _sqlite(moment: datetime) -> str:
    return (moment + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")


async def naive_report(db: Database, settings: Settings) -> dict[str, Any]:
    """What one writes without aggregates: every row to Python, counted in loops."""
    start, end = MONTH.period(settings.zone)
    async with db.read() as session:
        announcements = {
            row.id: row
            for row in (
                await session.execute(
                    text("SELECT id, source, status, queued_at FROM announcements")
                )
            ).all()
        }
        relayed = {
            i
            for i, row in announcements.items()
            if row.status == "queued"
            and row.source in INFORMATION_SOURCES
            and start <= _aware(row.queued_at) < end
        }
        deliveries: dict[str, Counter[str]] = {}
        chats: dict[str, set[int]] = {}
        result = await session.stream(
            text("SELECT announcement_id, subscriber_id, platform, status FROM deliveries")
        )
        async for row in result:
            if row.announcement_id in relayed:
                deliveries.setdefault(row.platform, Counter())[row.status] += 1
                if row.status == "sent" and row.subscriber_id is not None:
                    chats.setdefault(row.platform, set()).add(row.subscriber_id)
        questions: Counter[str] = Counter()
        unanswered = 0
        result = await session.stream(
            text("SELECT question, result_count, asked_at FROM directory_queries")
        )
        async for row in result:
            if start <= _aware(row.asked_at) < end:
                questions[row.question] += 1
                unanswered += row.result_count == 0
    return {
        "relayed": len(relayed),
        "deliveries": deliveries,
        "chats": {platform: len(ids) for platform, ids in chats.items()},
        "questions": sum(questions.values()),
        "unanswered": unanswered,
        "top": questions.most_common(1)[0][1] if questions else 0,
    }


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check(report: MonthlyReport, naive: dict[str, Any]) -> None:
    """relay's report and the naive one must agree on what both compute."""
    assert report.information.total == naive["relayed"], "items relayed differ"
    for platform, counts in report.deliveries.by_platform.items():
        theirs = naive["deliveries"].get(platform, Counter())
        assert counts.delivered == theirs["sent"], platform
        assert counts.failed == theirs["failed"], platform
        assert counts.unreachable == theirs["gone"], platform
    assert report.deliveries.chats_reached == sum(naive["chats"].values())
    assert report.directory.questions == naive["questions"]
    assert report.directory.unanswered == naive["unanswered"]
    top = report.directory.top_questions
    assert (top[0].count if top else 0) == naive["top"]


if __name__ == "__main__":
    main()
