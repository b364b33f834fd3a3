"""The anonymous query log keeps what the search understood, never names or numbers people type,
and only for 13 months; then a month's counts alone. On every backend."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from relay.app import Relay
from relay.directory.querylog import RETENTION_MONTHS, purge_old_queries
from relay.jobs.scheduler import Scheduler
from relay.reports import monthly as reports
from relay.reports.model import Month
from relay.store.models import DirectoryQuery
from relay.store.models_directory import DirectoryQueryMonth
from tests.chat import ChatUser
from tests.waiting import eventually


@pytest.fixture
async def user(relay: Relay) -> ChatUser:
    await relay.directory.import_file(relay.settings.config_dir / "annuaire.csv")
    return ChatUser.private(relay, user_id="918273645")


async def logged(relay: Relay) -> list[tuple[str, int]]:
    async with relay.db.read() as session:
        query = select(col(DirectoryQuery.question), col(DirectoryQuery.result_count))
        return [(q, n) for q, n in (await session.execute(query.order_by(col(DirectoryQuery.id))))]


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        # answered: the words the search understood, and the place
        ("psychologue zoe martin à Pornic", "psychologue à Pornic"),
        ("où trouver un psychologue pour Zoé Martin à Pornic ?", "psychologue à Pornic"),
        ("psycologue à Pornic", "psychologue à Pornic"),  # the word the search read
        ("orthophoniste bernard pornic", "orthophoniste à Pornic"),
        ("dentiste du docteur lefebvre 06 12 34 56 78", "dentiste docteur"),
        ("mon fils de 15 ans fume du cannabis", "15 ans fume cannabi"),  # synonyms.yaml words
        # unanswered: common words stay (the need), names, numbers and unknown places go
        ("vétérinaire pour le chien de Mme Lefebvre à Pornic", "veterinaire chien à Pornic"),
        ("notaire Dupont-Aignan 06 12 34 56 78 à Machecoul", "notaire à Machecoul"),
        ("ludothèque à Nantes", "ludotheque à Nantes"),  # a commune of France is no name
        ("ludothèque chez Zorglubovitch", "ludotheque"),
        ("zoé martin", ""),
    ],
)
async def test_the_log_keeps_no_name_nor_number(user: ChatUser, question: str, kept: str) -> None:
    await user.say(question)
    [(stored, _)] = await logged(user.relay)
    assert stored == kept


async def test_names_do_not_reach_the_monthly_report(user: ChatUser) -> None:
    for question in (
        "psychologue zoe martin à Pornic",
        "psychologue à Pornic",
        "vétérinaire pour Zoé Martin",
        "zoé martin 06 12 34 56 78",
    ):
        await user.say(question)
    now = datetime.now(UTC)
    month = Month.of(now.astimezone(user.relay.settings.zone).date())
    report = await reports.build_report(
        user.relay.db, user.relay.settings, user.relay.themes, month, now
    )
    directory = report.to_dict()["directory"]
    assert (directory["questions"], directory["unanswered"]) == (4, 2)
    assert directory["top_questions"] == [
        {"question": "psychologue à Pornic", "count": 2},
        {"question": "veterinaire", "count": 1},
    ]
    text = str(report).lower()
    assert "zo" not in text.replace("zone", "") and "martin" not in text and "06" not in text


async def test_more_results_pages_through_the_question_as_logged(user: ChatUser) -> None:
    first = await user.say("psycologue à Pornic")
    assert first.startswith("Voici ce que j'ai trouvé pour « psycologue » à Pornic")
    second = await user.press("Plus de résultats")
    assert second.startswith("Suite des résultats pour « psychologue » à Pornic :")
    listed = [line for line in first.split("\n") if line[:2] in ("1.", "2.", "3.")]
    assert "4." in second and not [line for line in listed if line[3:] in second]


def ago(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


async def add_questions(relay: Relay, rows: list[tuple[str, int, datetime]]) -> None:
    async with relay.db.write() as session:
        for question, results, when in rows:
            row = DirectoryQuery(question=question, result_count=results, platform="telegram")
            row.asked_at = when
            session.add(row)


async def test_raw_questions_are_kept_13_months_then_only_counts(relay: Relay) -> None:
    assert RETENTION_MONTHS == 13
    now = datetime(2027, 3, 15, 10, 0, tzinfo=UTC)
    await add_questions(
        relay,
        [
            ("psychologue à Pornic", 3, datetime(2025, 11, 3, tzinfo=UTC)),
            ("ludotheque", 0, datetime(2025, 11, 20, tzinfo=UTC)),
            ("csapa", 2, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),  # February in Paris
            ("csapa", 2, datetime(2026, 2, 27, tzinfo=UTC)),
            ("ehpad", 1, datetime(2026, 3, 1, 8, 0, tzinfo=UTC)),  # 12 months ago: kept
            ("dentiste", 1, ago(now, 2)),
        ],
    )
    zone = relay.settings.zone
    assert await purge_old_queries(relay.db, now, zone) == 4
    assert await purge_old_queries(relay.db, now, zone) == 0  # once is enough
    async with relay.db.read() as session:
        kept = (await session.execute(select(col(DirectoryQuery.question)))).scalars().all()
        months = (await session.execute(select(DirectoryQueryMonth))).scalars().all()
    assert sorted(kept) == ["dentiste", "ehpad"]
    assert {(m.month, m.questions, m.unanswered) for m in months} == {
        ("2025-11", 2, 1),
        ("2026-02", 2, 0),
    }
    old = await reports.build_report(relay.db, relay.settings, relay.themes, Month(2025, 11), now)
    assert old.to_dict()["directory"] == {
        "questions": 2,
        "unanswered": 1,
        "top_questions": [],
        "top_unanswered": [],
        "web_searches": 0,
        "web_entry_views": 0,
        "questions_by_asker": {"professionnel": 0, "habitant": 0, "inconnu": 2},
    }
    kept_month = await reports.build_report(
        relay.db, relay.settings, relay.themes, Month(2026, 3), now
    )
    assert kept_month.to_dict()["directory"]["top_questions"] == [{"question": "ehpad", "count": 1}]


async def test_the_scheduler_purges_with_the_monthly_report(relay: Relay) -> None:
    now = datetime.now(UTC)
    await add_questions(relay, [("psychologue", 1, ago(now, 800)), ("csapa", 1, ago(now, 3))])
    scheduler = Scheduler(relay.work)
    await scheduler.start()
    try:

        async def purged() -> bool:
            async with relay.db.read() as session:
                rows = await session.execute(select(col(DirectoryQuery.question)))
                return list(rows.scalars()) == ["csapa"]

        await eventually(purged)
    finally:
        await scheduler.stop()
