"""The monthly report against a hand-built month: every count checked, in every format."""

import csv
import io
import json
import os
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, DateTime, String, column, insert, table

from relay.app import Relay
from relay.directory.querylog import purge_old_queries
from relay.messages import ChatKind, ChatRef, Platform
from relay.reports import formats as report_formats
from relay.reports import monthly as reports
from relay.reports.model import Month, MonthlyReport, SubscriberCounts, Year
from relay.settings import load_settings
from relay.store import reports as store
from relay.store import schema, sitecounts
from relay.store.db import Database
from relay.store.models import (
    Announcement,
    AnnouncementTheme,
    Delivery,
    DirectoryQuery,
    Subscriber,
    Subscription,
)
from relay.store.models_history import ChatPeriod, SubscriptionPeriod
from relay.store.models_profiles import Profile
from relay.store.models_schedule import Feed, Meeting, MeetingRsvp
from relay.themes import ThemeCatalogue
from tests.chat import ChatUser

OCTOBER = Month(2026, 10)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# 00:30 on 1 November in Paris (UTC+1) is November's; 00:30 on 1 October (UTC+2) is October's.
NOV_1 = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
OCT_1 = datetime(2026, 9, 30, 22, 30, tzinfo=UTC)
TG, SL, MH = "telegram", "slack", "sante-mentale"
CO, PR = "coordinator", "proposal"
EV, CALL, INFO = "evenement", "appel_a_projets", "information"


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


# (platform, kind, created, active, [(theme, subscribed at)])
CHATS = [
    (TG, "private", at(9, 10), True, [(MH, at(9, 10)), ("jeunes", at(10, 5))]),
    (TG, "group", at(10, 3), True, [("tout", at(10, 3))]),
    (SL, "channel", at(10, 20), True, [(MH, at(10, 20)), ("addictions", at(10, 20))]),
    (SL, "channel", at(8, 1), False, [("jeunes", at(8, 1))]),
    (TG, "private", at(11, 5), True, [(MH, at(11, 5))]),
]
# Periods that ended, of subscriptions (theme) and chats (None) gone since:
# (theme, platform, started, reason, ended)
ENDED = [
    (MH, TG, at(9, 1), "unsubscribed", at(10, 15)),
    ("jeunes", SL, at(8, 20), "forgotten", at(10, 16)),
    (None, SL, at(8, 20), "forgotten", at(10, 16)),
    (None, TG, at(9, 28), "unreachable", at(10, 25)),
    ("addictions", SL, at(11, 1), "unsubscribed", at(11, 2)),
]
# name: (source, kind, status, created, queued, themes)
ANNOUNCEMENTS = {
    "a1": (CO, EV, "queued", at(10, 2), at(10, 2), [MH, "jeunes"]),
    "a2": (PR, CALL, "queued", at(10, 3), at(10, 4), ["jeunes"]),
    "a3": ("feed", INFO, "queued", at(10, 10), at(10, 10), ["addictions"]),
    "a4": (CO, INFO, "queued", NOV_1, NOV_1, ["tout"]),
    "a5": (CO, INFO, "queued", OCT_1, OCT_1, ["jeunes"]),
    "a6": ("meeting", EV, "queued", at(10, 6), at(10, 6), ["vie-du-cls"]),
    "a7": (PR, INFO, "rejected", at(10, 12), None, ["jeunes"]),
    "a8": (PR, INFO, "proposed", at(10, 28), None, []),
    "a9": (PR, INFO, "queued", at(9, 20), at(10, 1), ["prevention"]),
    "a10": (CO, INFO, "draft", at(10, 11), None, ["jeunes"]),
}
# (announcement, platform, chat number (None: forgotten since), status)
DELIVERIES = [
    ("a1", TG, 1, "sent"),
    ("a1", TG, 2, "sent"),
    ("a1", SL, 3, "failed"),
    ("a2", TG, 1, "sent"),
    ("a2", SL, 4, "gone"),
    ("a3", SL, 3, "sent"),
    ("a3", TG, None, "sent"),
    ("a5", TG, 1, "pending"),
    ("a9", TG, 2, "sent"),
    ("a6", TG, 1, "sent"),
    ("a6", TG, 2, "sent"),
    ("a4", TG, 1, "sent"),
]
# (question, results, times asked, when, who asked as their profile said)
QUESTIONS = [
    ("psychologue pornic", 4, 3, at(10, 3), "professionnel"),
    ("csapa machecoul", 2, 2, at(10, 9), "inconnu"),
    ("ludotheque", 0, 2, at(10, 14), "habitant"),
    ("orthophoniste paimboeuf", 0, 1, at(10, 30), "inconnu"),
    ("psychologue pornic", 4, 1, at(11, 2), "habitant"),
]
# (platform, user id, kind of structure, given at): chat 1's person, a person without any
# subscription, one offered a profile who gave none, chat 5's person after October.
PROFILES = [
    (TG, "1", "medical", at(10, 5)),
    (SL, "U9", "habitant", at(10, 7)),
    (TG, "77", None, None),
    (TG, "5", "social", at(11, 6)),
]
# (kind, starts, status, participants, answers)
MEETINGS = [
    ("copil", at(10, 8, 12), "scheduled", 18, ["yes", "yes", "maybe"]),
    ("gt", at(10, 20, 7), "scheduled", None, ["no"]),
    ("gt", at(10, 22, 7), "cancelled", None, ["yes"]),
    ("copil", at(11, 10, 13), "scheduled", None, ["yes"]),
    ("equipe-projet", at(10, 30, 8), "scheduled", 5, []),
]


async def build_october(db: Database) -> None:
    """October 2026 in Europe/Paris: 2026-09-30 22:00 UTC to 2026-10-31 23:00 UTC."""
    async with db.write() as session:
        chat_ids: dict[int | None, int | None] = {None: None}
        for n, (platform, kind, created, active, subscribed) in enumerate(CHATS, start=1):
            chat = Subscriber(platform=platform, address=str(n), chat_kind=kind, active=active)
            chat.user_id = str(n) if kind == "private" else None
            chat.created_at = chat.updated_at = created
            session.add(chat)
            await session.flush()
            assert chat.id is not None
            chat_ids[n] = chat.id
            for slug, when in subscribed:
                session.add(Subscription(subscriber_id=chat.id, theme=slug, created_at=when))
        for theme, platform, started, reason, ended in ENDED:
            period = (
                ChatPeriod(platform=platform)
                if theme is None
                else SubscriptionPeriod(theme=theme, platform=platform)
            )
            period.started_at, period.ended_at, period.end_reason = started, ended, reason
            session.add(period)
        numbers: dict[str, int] = {}
        for name, (source, kind, status, created, queued, themes) in ANNOUNCEMENTS.items():
            row = Announcement(kind=kind, text=name, source=source, status=status)
            row.created_at, row.queued_at = created, queued
            session.add(row)
            await session.flush()
            assert row.id is not None
            numbers[name] = row.id
            session.add_all(AnnouncementTheme(announcement_id=row.id, theme=t) for t in themes)
        for name, platform, chat_number, status in DELIVERIES:
            subscriber = chat_ids[chat_number]
            session.add(
                Delivery(
                    announcement_id=numbers[name],
                    subscriber_id=subscriber,
                    platform=platform,
                    status=status,
                )
            )
        for question, results, count, when, asker in QUESTIONS:
            for _ in range(count):
                query = DirectoryQuery(question=question, result_count=results, platform=TG)
                query.asked_at, query.asker = when, asker
                session.add(query)
        for where, user_id, structure, described in PROFILES:
            profile = Profile(platform=where, user_id=user_id, kind=structure)
            profile.described_at = described
            session.add(profile)
        for kind, starts, status, participants, answers in MEETINGS:
            meeting = Meeting(kind=kind, title=kind, starts_at=starts, status=status)
            meeting.participants = participants
            session.add(meeting)
            await session.flush()
            assert meeting.id is not None
            for user, answer in enumerate(answers):
                rsvp = MeetingRsvp(
                    meeting_id=meeting.id, platform=TG, user_id=str(user), answer=answer
                )
                session.add(rsvp)
        ars = Feed(name="ARS", url="https://ars.example.org/rss", failures=2)
        ars.last_error = "erreur HTTP 404"
        session.add(ars)
        session.add(Feed(name="Ancien", url="https://old.example.org/", failures=9, enabled=False))
    # The web site's pages, counted without any visitor data: October's, and November's.
    async with db.write() as session:
        await sitecounts.add(session, "2026-10", {"searches": 40, "entry_views": 25})
        await sitecounts.add(session, "2026-10", {"searches": 2})  # another process's flush
        await sitecounts.add(session, "2026-11", {"searches": 7, "entry_views": 3})


def zero_themes(relay: Relay, **values: int) -> dict[str, int]:
    themes = {t.slug: 0 for t in relay.themes}
    themes["tout"] = 0
    themes.update(values)
    return themes


def subscriber_themes(relay: Relay, **values: tuple[int, int, int]) -> dict[str, dict[str, int]]:
    result = {slug: {"total": 0, "new": 0, "left": 0} for slug in zero_themes(relay)}
    for slug, (total, new, left) in values.items():
        result[slug.replace("_", "-")] = {"total": total, "new": new, "left": left}
    return result


async def test_the_report_counts_a_hand_built_month(relay: Relay) -> None:
    await build_october(relay.db)
    report = await reports.build_report(relay.db, relay.settings, relay.themes, OCTOBER, NOW)
    assert report.to_dict() == {
        "month": "2026-10",
        "period": {
            "start": "2026-10-01T00:00:00+02:00",
            "end": "2026-11-01T00:00:00+01:00",
            "timezone": "Europe/Paris",
        },
        "information": {
            "total": 5,
            "by_source": {"coordinator": 2, "proposal": 2, "feed": 1},
            "by_kind": {"evenement": 1, "appel_a_projets": 1, "information": 3},
            "by_theme": zero_themes(
                relay, **{"sante-mentale": 1, "jeunes": 3, "addictions": 1, "prevention": 1}
            ),
        },
        "deliveries": {
            "total": {"delivered": 6, "failed": 1, "unreachable": 1},
            "by_platform": {
                "console": {"delivered": 0, "failed": 0, "unreachable": 0},
                "slack": {"delivered": 1, "failed": 1, "unreachable": 1},
                "telegram": {"delivered": 5, "failed": 0, "unreachable": 0},
            },
            "chats_reached": 3,
            "chats_reached_by_platform": {"console": 0, "slack": 1, "telegram": 2},
            "meeting_notices_delivered": 2,
        },
        "relay_requests": {"received": 3, "accepted": 1, "refused": 1, "pending": 1},
        "subscribers": {
            "by_theme": subscriber_themes(
                relay,
                sante_mentale=(2, 1, 1),
                jeunes=(1, 1, 1),
                tout=(1, 1, 0),
                addictions=(1, 1, 0),
            ),
            "by_platform": {
                "console": {"total": 0, "new": 0, "left": 0},
                "slack": {"total": 1, "new": 1, "left": 1},
                "telegram": {"total": 2, "new": 1, "left": 1},
            },
        },
        "directory": {
            "questions": 8,
            "unanswered": 3,
            "top_questions": [
                {"question": "psychologue pornic", "count": 3},
                {"question": "csapa machecoul", "count": 2},
                {"question": "ludotheque", "count": 2},
                {"question": "orthophoniste paimboeuf", "count": 1},
            ],
            "top_unanswered": [
                {"question": "ludotheque", "count": 2},
                {"question": "orthophoniste paimboeuf", "count": 1},
            ],
            "web_searches": 42,
            "web_entry_views": 25,
            "questions_by_asker": {"professionnel": 3, "habitant": 2, "inconnu": 3},
        },
        "meetings": {
            "held": 3,
            "held_by_kind": {"copil": 1, "gt": 1, "equipe-projet": 1},
            "cancelled": 1,
            "rsvps": {"yes": 2, "maybe": 1, "no": 1},
            "participants": 23,
            "meetings_with_participants": 2,
        },
        "feeds_in_error": [
            {
                "name": "ARS",
                "url": "https://ars.example.org/rss",
                "failures": 2,
                "last_error": "erreur HTTP 404",
            }
        ],
        # Chat 1 and its person once, the person without a subscription, the group and the
        # Slack channel subscribed at the end of October.
        "partners": {
            "total": 4,
            "by_type": {
                "medical": 1,
                "paramedical": 0,
                "medico-social": 0,
                "social": 0,
                "prevention": 0,
                "education": 0,
                "culture-loisirs": 0,
                "collectivite": 0,
                "habitant": 1,
                "autre": 0,
            },
        },
        "surveys": [],
    }


async def test_text_csv_and_chart(relay: Relay) -> None:
    await build_october(relay.db)
    report = await reports.build_report(relay.db, relay.settings, relay.themes, OCTOBER, NOW)
    text = report_formats.text(report, relay.themes)
    for line in (
        "Rapport du relais d'information du CLS — octobre 2026",
        "Informations relayées : 5",
        "• par origine : coordination 2, propositions de partenaires 2, flux RSS 1",
        "• par nature : événements 1, appels à projets 1, informations 3",
        "• par thème : Santé des jeunes 3, ",
        "Messages remis : 6 (1 en échec, 1 injoignable) ; 3 chats atteints",
        "• Slack : 1 remis, 1 en échec, 1 injoignable, 1 chat\n",
        "Invitations et rappels de réunion remis : 2",
        "Demandes de relais des partenaires : 3 reçues, 1 acceptée, 1 refusée, 1 en attente",
        "Abonnés (chats) : 3 (nouveaux : 2, départs : 2)",
        "Questions à l'annuaire : 8, dont 3 sans réponse",
        "• sur le site : 42 recherches, 25 fiches consultées",
        "• sans réponse : « ludotheque » (2), « orthophoniste paimboeuf » (1)",
        "Réunions tenues : 3 (COPIL 1, groupes de travail 1, équipes projet 1) ; participants",
        "• réponses aux invitations : 2 oui, 1 peut-être, 1 non",
        "Flux en échec : ARS (2 essais : erreur HTTP 404)",
        "Indicateurs du CLS",
        "• Nombre de partenaires participant au CLS (profils et abonnements) : 4",
        "• Typologie des acteurs (2 profils renseignés) : médical 1, habitants 1",
        "• Nombre d'informations relayées : 5",
        "• Nombre de partenaires sollicitant un relais d'information : 3 demandes",
        "• Nombre de réunions (COPIL, groupes de travail, équipe projet) : 3 ; participants : 23",
        "• Consultations de l'annuaire par les professionnels : 3 ; par les habitants : 2 ; "
        "sans profil : 3 ; sur le site : 42 recherches, 25 fiches consultées",
        "• Satisfaction des usagers et avis des partenaires : aucun questionnaire sur la période",
    ):
        assert line in text, line
    rows = list(csv.reader(io.StringIO(report_formats.to_csv(report))))
    assert rows[0] == ["section", "indicator", "key", "value"]
    assert ["information", "by_theme", "jeunes", "3"] in rows
    assert ["deliveries", "by_platform.delivered", "telegram", "5"] in rows
    assert ["subscribers", "by_theme.left", "sante-mentale", "1"] in rows
    assert ["directory", "top_unanswered", "ludotheque", "2"] in rows
    assert ["directory", "web_searches", "", "42"] in rows
    assert ["feeds_in_error", "failures", "ARS", "2"] in rows
    assert ["directory", "questions_by_asker", "habitant", "2"] in rows
    assert ["partners", "total", "", "4"] in rows
    assert ["partners", "by_type", "medical", "1"] in rows

    chart = await reports.build_chart(relay.db, relay.settings, relay.themes, OCTOBER)
    assert chart[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", chart[16:24])
    assert (width, height) == (1080, 1350)
    # Drawn by a process of its own: relay does not keep matplotlib's 50 MB after a report.
    assert "matplotlib" not in sys.modules


async def test_the_chart_counts_by_theme_and_month_in_the_local_zone(relay: Relay) -> None:
    await build_october(relay.db)
    months = [OCTOBER.shift(i - 11) for i in range(12)]
    zone = relay.settings.zone
    bounds = [m.start(zone) for m in months] + [OCTOBER.shift(1).start(zone)]
    async with relay.db.read() as session:
        per_theme, totals = await store.relayed_by_month_and_theme(
            session, reports.INFORMATION_SOURCES, bounds
        )
    assert totals == {11: 5}  # a5 (00:30 on 1 October in Paris) is October's; a4 is not
    # a1 is on two themes: half in each, so that the month's themes add up to its 5 items.
    assert per_theme == {
        (11, "sante-mentale"): 0.5,
        (11, "jeunes"): 2.5,
        (11, "addictions"): 1,
        (11, "prevention"): 1,
    }


async def test_departures_are_logged_however_a_subscription_ends(relay: Relay) -> None:
    partner = ChatUser.private(relay, "91")
    await partner.say("/abonner santé mentale, jeunes, addictions")
    await partner.say("/desabonner addictions")
    other = ChatUser.private(relay, "92")
    await other.say("/abonner jeunes")
    await other.say("/oublier")
    await other.press("Oui")
    month = Month.of(datetime.now(relay.settings.zone).date())
    now = datetime.now(UTC)
    report = await reports.build_report(relay.db, relay.settings, relay.themes, month, now)
    themes = report.subscribers.by_theme
    left = {theme: counts.left for theme, counts in themes.items() if counts.left}
    assert left == {"addictions": 1, "jeunes": 1}
    assert themes[MH] == SubscriberCounts(total=1, new=1, left=0)
    # Both chats are new this month, the forgotten one too: it subscribed, then left.
    assert report.subscribers.by_platform["telegram"] == SubscriberCounts(total=1, new=2, left=1)


async def test_report_in_chat_for_coordinators(relay: Relay) -> None:
    await build_october(relay.db)
    coordinator = ChatUser.private(relay, "1000")
    text = await coordinator.say("/rapport 2026-10")
    assert text.startswith("Rapport du relais d'information du CLS — octobre 2026")
    (reply,) = coordinator.last
    assert reply.attachment is not None and reply.attachment.filename == "rapport-2026-10.png"
    assert "n'est pas un mois" in await coordinator.say("/rapport octobre")
    year = await coordinator.say("/rapport 2026")
    assert year.startswith("Rapport du relais d'information du CLS — année 2026")
    assert "Consultations de l'annuaire par les professionnels : 3 ; par les habitants : 3" in year
    assert coordinator.last[0].attachment is not None
    assert "pas encore commencé" in await coordinator.say("/rapport 2099-01")


def test_report_command_line(database_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "RELAY_DATABASE_URL": database_url}

    def relay_command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "relay", "report", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=env,
        )

    as_json = relay_command("--month", "2026-10", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["month"] == "2026-10"
    out, chart = tmp_path / "rapport.csv", tmp_path / "rapport.png"
    written = relay_command(
        "--month", "2026-10", "--format", "csv", "--output", str(out), "--chart", str(chart)
    )
    assert written.returncode == 0, written.stderr
    assert out.read_text(encoding="utf-8").startswith("section,indicator,key,value\n")
    assert chart.read_bytes()[:4] == b"\x89PNG"
    bad = relay_command("--month", "octobre")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    year = relay_command("--year", "2026", "--format", "json", "--chart", str(chart))
    assert year.returncode == 0, year.stderr
    assert json.loads(year.stdout)["period"]["start"] == "2026-01-01T00:00:00+01:00"
    assert chart.read_bytes()[:4] == b"\x89PNG"
    for args in (("--year", "vingt"), ("--year", "2026", "--month", "2026-10")):
        refused = relay_command(*args)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
    unwritable = relay_command("--month", "2026-10", "--output", str(tmp_path / "absent" / "r.txt"))
    assert unwritable.returncode == 1 and unwritable.stderr.startswith(
        "relay : écriture impossible"
    )


# Chats as the app would have stored them in three past months: (platform, kind, address,
# (months ago, day) created, [(theme, (months ago, day) subscribed)]).
HISTORY = [
    (TG, "private", "201", (3, 5), [(MH, (3, 5)), ("jeunes", (2, 10))]),
    (TG, "private", "202", (3, 20), [("addictions", (3, 20))]),
    (SL, "channel", "C300", (2, 3), [(MH, (2, 3)), ("tout", (1, 7))]),
    (TG, "group", "-400", (1, 12), [("jeunes", (1, 12))]),
    (TG, "private", "205", (2, 15), [(MH, (2, 15)), ("prevention", (2, 15))]),
]


async def build_history(relay: Relay, current: Month) -> None:
    zone = relay.settings.zone

    def moment(months_ago: int, day: int) -> datetime:
        return current.shift(-months_ago).start(zone) + timedelta(days=day - 1, hours=10)

    async with relay.db.write() as session:
        for platform, kind, address, created, subscribed in HISTORY:
            chat = Subscriber(platform=platform, address=address, chat_kind=kind, user_id=address)
            chat.created_at = chat.updated_at = moment(*created)
            session.add(chat)
            await session.flush()
            assert chat.id is not None
            for slug, when in subscribed:
                session.add(
                    Subscription(subscriber_id=chat.id, theme=slug, created_at=moment(*when))
                )


Counts = dict[str, dict[str, tuple[int, int, int]]]


def subscriber_counts(report: MonthlyReport) -> Counts:
    """The report's subscriber numbers, without the zeros."""
    return {
        part: {
            key: (counts.total, counts.new, counts.left)
            for key, counts in by_key.items()
            if counts.total or counts.new or counts.left
        }
        for part, by_key in (
            ("by_theme", report.subscribers.by_theme),
            ("by_platform", report.subscribers.by_platform),
        )
    }


def current_month(relay: Relay) -> Month:
    return Month.of(datetime.now(relay.settings.zone).date())


async def counts(relay: Relay, month: Month) -> Counts:
    now = datetime.now(UTC)
    return subscriber_counts(
        await reports.build_report(relay.db, relay.settings, relay.themes, month, now)
    )


async def test_past_months_stay_the_same_when_todays_subscriptions_change(relay: Relay) -> None:
    current = current_month(relay)
    past = [current.shift(-3), current.shift(-2), current.shift(-1)]
    await build_history(relay, current)
    before = [await counts(relay, month) for month in past]
    assert before == [
        {
            "by_theme": {MH: (1, 1, 0), "addictions": (1, 1, 0)},
            "by_platform": {TG: (2, 2, 0)},
        },
        {
            "by_theme": {
                MH: (3, 2, 0),
                "jeunes": (1, 1, 0),
                "addictions": (1, 0, 0),
                "prevention": (1, 1, 0),
            },
            "by_platform": {SL: (1, 1, 0), TG: (3, 1, 0)},
        },
        {
            "by_theme": {
                MH: (3, 0, 0),
                "jeunes": (2, 1, 0),
                "addictions": (1, 0, 0),
                "prevention": (1, 0, 0),
                "tout": (1, 1, 0),
            },
            "by_platform": {SL: (1, 0, 0), TG: (4, 1, 0)},
        },
    ]

    first = ChatUser.private(relay, "201")
    await first.say("/desabonner santé mentale")
    await first.say("/abonner santé mentale")
    second = ChatUser.private(relay, "202")
    await second.say("/oublier")
    await second.press("Oui")
    await relay.core.chat_reachable(ChatRef(Platform.SLACK, "C300", ChatKind.CHANNEL), False, "")
    await ChatUser.in_group(relay, "7", "-400", admin=True).say("/desabonner tout")
    await ChatUser.private(relay, "205").say("/abonner addictions, prévention")
    await ChatUser.private(relay, "206").say("/abonner jeunes")

    assert [await counts(relay, month) for month in past] == before
    # This month: 201 left santé mentale and came back; 202 was forgotten; C300 became
    # unreachable; -400 unsubscribed from everything (a theme left, not a chat); 206 is new.
    assert await counts(relay, current) == {
        "by_theme": {
            MH: (2, 1, 1),
            "jeunes": (2, 1, 1),
            "addictions": (1, 1, 1),
            "prevention": (1, 0, 0),
        },
        "by_platform": {SL: (0, 0, 1), TG: (3, 1, 1)},
    }


# What revision 0004 logged: (theme, or None for a chat; platform, reason, when).
OLD_DEPARTURES = [
    (MH, TG, "unsubscribed", at(4, 15)),
    ("jeunes", TG, "forgotten", at(4, 20)),
    (None, TG, "forgotten", at(4, 20)),
    (None, SL, "unreachable", at(5, 20)),
]


async def test_the_migration_to_periods_keeps_what_the_old_rows_told(database_url: str) -> None:
    """A database from before periods (revision 0004: today's rows and a departures log) is
    backfilled: past months count what those rows told, without counting a departure twice."""
    database = Database(database_url)
    config = schema.alembic_config()

    def to_0004(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")

    departures = table(
        "subscription_departures",
        column("theme", String),
        column("platform", String),
        column("reason", String),
        column("left_at", DateTime(timezone=True)),
    )
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(to_0004)
        async with database.write() as session:
            reachable = Subscriber(platform=TG, address="1", chat_kind="private")
            reachable.created_at = reachable.updated_at = at(3, 5)
            gone = Subscriber(platform=SL, address="C2", chat_kind="channel", active=False)
            gone.created_at, gone.updated_at = at(3, 10), at(5, 20)
            session.add_all([reachable, gone])
            await session.flush()
            assert reachable.id is not None and gone.id is not None
            session.add(Subscription(subscriber_id=reachable.id, theme=MH, created_at=at(3, 5)))
            session.add(
                Subscription(subscriber_id=reachable.id, theme="jeunes", created_at=at(4, 2))
            )
            session.add(
                Subscription(subscriber_id=gone.id, theme="addictions", created_at=at(3, 10))
            )
            await session.execute(
                insert(departures),
                [
                    dict(zip(("theme", "platform", "reason", "left_at"), row, strict=True))
                    for row in OLD_DEPARTURES
                ],
            )
        await schema.upgrade(database)
        settings = load_settings(database_url=database_url)
        catalogue = ThemeCatalogue.load(settings.themes_file)
        months = [
            subscriber_counts(
                await reports.build_report(database, settings, catalogue, Month(2026, m), NOW)
            )
            for m in (3, 4, 5)
        ]
    finally:
        await database.close()
    assert months == [
        {
            "by_theme": {MH: (1, 1, 0), "addictions": (1, 1, 0)},
            "by_platform": {SL: (1, 1, 0), TG: (1, 1, 0)},
        },
        {
            "by_theme": {MH: (1, 0, 1), "jeunes": (1, 1, 1), "addictions": (1, 0, 0)},
            "by_platform": {SL: (1, 0, 0), TG: (1, 0, 1)},
        },
        # C2 became unreachable: the departures log counted it once, and still does.
        {
            "by_theme": {MH: (1, 0, 0), "jeunes": (1, 0, 0)},
            "by_platform": {SL: (0, 0, 1), TG: (1, 0, 0)},
        },
    ]


async def test_leaving_one_theme_of_tout_keeps_the_chat_subscribed(relay: Relay) -> None:
    partner = ChatUser.private(relay, "310")
    await partner.say("/abonner tout")
    await partner.say("/desabonner jeunes")
    now = await counts(relay, current_month(relay))
    assert now["by_platform"] == {TG: (1, 1, 0)}
    assert now["by_theme"]["tout"] == (0, 1, 1)
    assert now["by_theme"][MH] == (1, 1, 0)
    assert "jeunes" not in now["by_theme"]


async def test_a_chat_back_from_unreachable_counts_again(relay: Relay) -> None:
    partner = ChatUser.private(relay, "320")
    await partner.say("/abonner santé mentale")
    await relay.core.chat_reachable(partner.chat, False, "bot bloqué")
    assert await counts(relay, current_month(relay)) == {
        "by_theme": {MH: (0, 1, 0)},
        "by_platform": {TG: (0, 1, 1)},
    }
    await partner.say("/abonner jeunes")  # talking to the bot again makes the chat reachable
    # Santé mentale runs again without being a new subscription; the chat is back (new again).
    assert await counts(relay, current_month(relay)) == {
        "by_theme": {MH: (1, 1, 0), "jeunes": (1, 1, 0)},
        "by_platform": {TG: (1, 2, 1)},
    }


async def test_a_quiet_month_reads_as_french(relay: Relay) -> None:
    report = await reports.build_report(relay.db, relay.settings, relay.themes, OCTOBER, NOW)
    text = report_formats.text(report, relay.themes)
    assert "Abonnés (chats) : 0 (nouveaux : 0, départs : 0)" in text
    assert "• par thème : aucun abonné" in text


async def test_the_year_adds_up_its_months(relay: Relay) -> None:
    await build_october(relay.db)
    now = datetime(2027, 1, 5, tzinfo=UTC)
    year = await reports.build_report(relay.db, relay.settings, relay.themes, Year(2026), now)
    assert str(year.month) == "2026" and year.period.end.isoformat() == "2027-01-01T00:00:00+01:00"
    assert year.directory.questions == 9
    assert year.directory.questions_by_asker == {
        "professionnel": 3,
        "habitant": 3,
        "inconnu": 3,
    }
    assert (year.directory.web_searches, year.directory.web_entry_views) == (49, 28)
    assert year.partners.by_type["social"] == 1, "chat 5's person gave a profile in November"
    text = report_formats.text(year, relay.themes)
    assert text.startswith("Rapport du relais d'information du CLS — année 2026")
    chart = await reports.build_chart(relay.db, relay.settings, relay.themes, Year(2026))
    assert chart[:8] == b"\x89PNG\r\n\x1a\n"


async def test_archived_months_keep_who_asked(relay: Relay) -> None:
    await build_october(relay.db)
    # Fourteen months later, October's questions are deleted; their counts stay.
    await purge_old_queries(relay.db, datetime(2027, 12, 15, tzinfo=UTC), relay.settings.zone)
    report = await reports.build_report(relay.db, relay.settings, relay.themes, OCTOBER, NOW)
    assert report.directory.questions == 8
    assert report.directory.top_questions == ()
    assert report.directory.questions_by_asker == {
        "professionnel": 3,
        "habitant": 2,
        "inconnu": 3,
    }
