"""Meetings in chat and from the shell: scheduling (typed or guided), invitations with RSVP
buttons and an .ics file, answers, changes, cancellations, attendance, /agenda, /oublier."""

import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select
from sqlmodel import col

from relay.announcements import Draft
from relay.app import Relay, delivering, opened
from relay.channels.console import ConsoleChannel
from relay.commands.meetings import home_agenda
from relay.jobs.scheduler import Scheduler
from relay.meetings.reminders import RSVP_ACTION
from relay.messages import (
    AnnouncementKind,
    AnnouncementView,
    Button,
    ChatKind,
    ChatRef,
    Outgoing,
    Platform,
    Reply,
    UserRef,
)
from relay.settings import load_settings
from relay.states import AnnouncementSource, AnnouncementState
from relay.store import subscribers
from relay.store.models import Announcement
from relay.store.models_schedule import Meeting, MeetingRsvp
from tests.chat import ChatUser
from tests.conftest import COORDINATOR
from tests.scheduled_support import Clock, RecordingChannel, sending, wait_until
from tests.test_delivery import subscribe

MONDAY = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # 10:00 in Paris


def rsvp_keyboard(view: AnnouncementView) -> list[str]:
    return [b.label for row in view.buttons for b in row]


async def test_a_copil_typed_in_chat_invites_vie_du_cls_with_buttons_and_ics(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await subscribe(relay, "11", ["vie-du-cls"])
    await subscribe(relay, "12", ["tout"])
    await subscribe(relay, "13", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    channel = RecordingChannel()
    async with sending(relay, channel):
        text = await coordinator.say("/reunion copil 2027-01-14 14:00 Salle du conseil, Pornic")
        assert "jeudi 14 janvier 2027 à 14 h" in text
        assert "Salle du conseil, Pornic" in text
        assert "2 chats" in text
        assert not channel.received, "nobody is invited before the coordinator confirms"
        assert "programmée" in await coordinator.press("Programmer")
        await relay.engine.drain(10)
    assert set(channel.received) == {"11", "12"}
    (invitation,) = channel.announcements_to("11")
    assert invitation.title == "Invitation : COPIL du Contrat Local de Santé"
    assert "📅 jeudi 14 janvier 2027 à 14 h" in invitation.text
    assert rsvp_keyboard(invitation) == ["Je viens", "Peut-être", "Je ne viens pas"]
    assert invitation.attachment is not None
    assert invitation.attachment.filename == "reunion-1.ics"
    event = Calendar.from_ical(invitation.attachment.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2027, 1, 14, 13, 0, tzinfo=UTC)
    assert str(event.get("location")) == "Salle du conseil, Pornic"
    assert event.get("uid") == "reunion-1@relay.cls"
    assert event.get("organizer") == "mailto:noreply@example.org"
    assert event.get("organizer").params["CN"] == "Contrat Local de Santé"


async def test_guided_scheduling_with_buttons_for_a_working_group(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await subscribe(relay, "21", ["sante-mentale"])
    coordinator = ChatUser.private(relay, "1000")
    assert "Quel type" in await coordinator.say("/reunion")
    assert "Sur quel thème" in await coordinator.press("Groupe de travail")
    assert "Quel jour" in await coordinator.press("Santé mentale")
    assert all(len(b.action.encode()) <= 64 for b in coordinator.buttons())
    assert "À quelle heure, le mar. 05/01" in await coordinator.press("mar. 05/01")
    assert "Où ?" in await coordinator.press("14 h")
    preview = await coordinator.press("Visioconférence")
    assert "Groupe de travail Santé mentale" in preview
    assert "mardi 5 janvier 2027 à 14 h" in preview and "Visioconférence" in preview
    channel = RecordingChannel()
    async with sending(relay, channel):
        await coordinator.press("Programmer")
        await relay.engine.drain(10)
    (invitation,) = channel.announcements_to("21")
    assert "Visioconférence" in invitation.text


async def test_a_draft_never_confirmed_is_forgotten_after_a_day(relay: Relay) -> None:
    clock = Clock(MONDAY)
    relay.meetings.clock = clock
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/reunion copil 2027-01-14 14:00 Mairie de Pornic")
    first_preview = coordinator.last
    clock.advance(hours=20)
    await coordinator.say("/reunion copil 2027-01-21 14:00 Mairie de Pornic")
    clock.advance(hours=5)  # the first draft is 25 hours old, the second 5
    scheduler = Scheduler(relay.work)
    await scheduler.start()
    try:
        await scheduler.sync_meetings()
    finally:
        await scheduler.stop()
    async with relay.db.read() as session:
        left = (await session.execute(select(col(Meeting.id), col(Meeting.status)))).all()
    assert left == [(2, "draft")]
    coordinator.last = first_preview  # the coordinator comes back to the first preview
    assert "n'a pas été confirmée à temps" in await coordinator.press("Programmer")


async def test_missing_pieces_and_mistakes_are_explained(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    coordinator = ChatUser.private(relay, "1000")
    assert "Quel jour" in await coordinator.say("/reunion copil")
    assert "À quelle heure" in await coordinator.say("/reunion copil 2027-01-14")
    assert "Où ?" in await coordinator.say("/reunion copil 14/01/2027 14h30")
    assert "Il manque la date" in await coordinator.say("/reunion copil Salle du conseil")
    assert "déjà passée" in await coordinator.say("/reunion copil 2026-12-01 10:00 Mairie")
    assert "Thème inconnu : ornithologie" in await coordinator.say("/reunion gt #ornithologie")
    assert "type de réunion" in await coordinator.say("/reunion pique-nique 2027-01-14 12:00 x")
    assert "Usage" in await coordinator.say("/reunion annuler")
    assert "Usage" in await coordinator.say("/reunion participants 1")
    assert "n'est pas un numéro" in await coordinator.say("/reunion 99")


async def test_partners_answer_change_their_mind_and_the_coordinator_sees_counts(
    relay: Relay,
) -> None:
    clock = Clock(MONDAY)
    relay.meetings.clock = clock
    for partner_id in ("31", "32", "33"):
        await subscribe(relay, partner_id, ["vie-du-cls"])
    info = await relay.meetings.schedule("copil", MONDAY + timedelta(days=10), "Mairie de Pornic")
    press: list[Outgoing] = [
        Reply("", buttons=((Button("Je viens", f"{RSVP_ACTION}{info.id}:yes"),),))
    ]
    partners = [ChatUser.private(relay, str(n)) for n in (31, 32, 33)]
    for partner, answer in zip(partners, ("yes", "maybe", "no"), strict=True):
        partner.last = [Reply("", buttons=((Button("x", f"{RSVP_ACTION}{info.id}:{answer}"),),))]
        assert "C'est noté" in await partner.press("x")
    partners[2].last = press
    assert "Réponse modifiée" in await partners[2].press("Je viens")

    coordinator = ChatUser.private(relay, "1000")
    detail = await coordinator.say(f"/reunion {info.id}")
    assert "Réponses : 2 oui, 1 peut-être, 0 non" in detail
    assert "J-7 le 07/01/2027 10:00" in detail
    agenda = await coordinator.say("/agenda")
    assert "Mairie de Pornic" in agenda and "réponses : 2 oui, 1 peut-être, 0 non" in agenda
    partner_agenda = await partners[0].say("/agenda")
    assert "Mairie de Pornic" in partner_agenda and "réponses" not in partner_agenda
    async with relay.db.read() as session:
        rows = (await session.execute(select(MeetingRsvp))).scalars().all()
    assert sorted((r.user_id, r.answer) for r in rows) == [
        ("31", "yes"),
        ("32", "maybe"),
        ("33", "yes"),
    ]


async def test_answers_in_a_group_are_per_person(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await subscribe(relay, "-500", ["vie-du-cls"], ChatKind.GROUP)
    info = await relay.meetings.schedule("copil", MONDAY + timedelta(days=3))
    for user in ("41", "42"):
        member = ChatUser.in_group(relay, user, "-500")
        member.last = [Reply("", buttons=((Button("x", f"{RSVP_ACTION}{info.id}:yes"),),))]
        assert (await member.press("x")).startswith("Camille : C'est noté")
    assert (await relay.meetings.info(info.id) or info).rsvps["yes"] == 2


async def test_an_answer_from_a_chat_that_was_never_invited_is_refused(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await subscribe(relay, "31", ["vie-du-cls"])
    info = await relay.meetings.schedule("copil", MONDAY + timedelta(days=3))
    outsider = ChatUser.private(relay, "66")  # subscribed to nothing: no invitation reached it
    outsider.last = [Reply("", buttons=((Button("x", f"{RSVP_ACTION}{info.id}:maybe"),),))]
    assert "aucune invitation reçue ici" in await outsider.press("x")
    assert not (await relay.meetings.info(info.id) or info).rsvps


async def test_agenda_lists_coming_meetings_and_events(relay: Relay) -> None:
    clock = Clock(MONDAY)
    relay.meetings.clock = clock
    partner = ChatUser.private(relay, "51")
    assert "Rien de prévu" in await partner.say("/agenda")
    await relay.meetings.schedule("copil", MONDAY + timedelta(days=2), "Pornic", invite=False)
    past = Draft("Forum passé", ("jeunes",), (), AnnouncementKind.EVENT, "", None, date(2027, 1, 2))
    coming = Draft(
        "Forum santé mentale", ("jeunes",), (), AnnouncementKind.EVENT, "", None, date(2027, 2, 3)
    )
    for draft in (past, coming):
        await relay.announcements.create(
            draft, AnnouncementSource.COORDINATOR, AnnouncementState.QUEUED, None, None
        )
    agenda = await partner.say("/agenda")
    assert "Prochaines réunions" in agenda and "mercredi 6 janvier 2027 à 10 h" in agenda
    assert "03/02/2027 — Forum santé mentale" in agenda
    assert "Forum passé" not in agenda


async def test_change_and_cancel_notify_invitees(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await subscribe(relay, "61", ["addictions"])
    coordinator = ChatUser.private(relay, "1000")
    channel = RecordingChannel()
    async with sending(relay, channel):
        await coordinator.say("/reunion gt #addictions 2027-01-20 09:30 CSAPA Pornic")
        await coordinator.press("Programmer")
        changed = await coordinator.say("/reunion modifier 1 2027-01-21 Mairie de Machecoul")
        assert "jeudi 21 janvier 2027 à 9 h 30" in changed and "Mairie de Machecoul" in changed
        assert "Annuler la réunion n°1" in await coordinator.say("/reunion annuler 1")
        assert "annulée" in await coordinator.press("Oui, annuler")
        await relay.engine.drain(10)
    invitation, change, cancel = channel.announcements_to("61")
    assert invitation.title.startswith("Invitation")
    assert change.title.startswith("Réunion modifiée") and "Mairie de Machecoul" in change.text
    assert cancel.title.startswith("Réunion annulée") and not cancel.buttons
    assert cancel.attachment is not None
    calendar = Calendar.from_ical(cancel.attachment.content)
    assert calendar.get("method") == "CANCEL"
    assert calendar.walk("VEVENT")[0].get("sequence") == 2
    partner = ChatUser.private(relay, "61")
    partner.last = [Reply("", buttons=((Button("x", f"{RSVP_ACTION}1:yes"),),))]
    assert "annulée" in await partner.press("x")
    assert "Rien de prévu" in await partner.say("/agenda")


async def test_published_and_cancelled_events_name_the_cls_as_organizer(
    database_url: str,
) -> None:
    settings = load_settings(
        database_url=database_url,
        coordinators=COORDINATOR,
        cls_name="CLS du Pays de Retz",
        organizer_email="coordination@cls-retz.fr",
    )
    async with opened(settings) as relay:
        relay.meetings.clock = Clock(MONDAY)
        await subscribe(relay, "71", ["vie-du-cls"])
        channel = RecordingChannel()
        async with sending(relay, channel):
            info = await relay.meetings.schedule("copil", MONDAY + timedelta(days=10), "Pornic")
            await relay.engine.drain(10)
            await relay.meetings.cancel(info.id, None)
            await relay.engine.drain(10)
    invitation, cancel = channel.announcements_to("71")
    calendars = []
    for view in (invitation, cancel):
        assert view.attachment is not None
        calendars.append(Calendar.from_ical(view.attachment.content))
    assert [c.get("method") for c in calendars] == ["PUBLISH", "CANCEL"]
    published, cancelled = (c.walk("VEVENT")[0] for c in calendars)
    for event in (published, cancelled):
        organizer = event.get("organizer")
        assert organizer == "mailto:coordination@cls-retz.fr"
        assert organizer.params["CN"] == "CLS du Pays de Retz"
        assert event.get("uid") == "reunion-1@relay.cls"
    assert (published.get("sequence"), cancelled.get("sequence")) == (0, 1)
    assert str(cancelled.get("status")) == "CANCELLED"


async def test_participants_are_recorded_after_the_meeting(relay: Relay) -> None:
    clock = Clock(MONDAY)
    relay.meetings.clock = clock
    info = await relay.meetings.schedule("equipe-projet", MONDAY + timedelta(hours=3), invite=False)
    coordinator = ChatUser.private(relay, "1000")
    assert "pas encore eu lieu" in await coordinator.say(f"/reunion participants {info.id} 12")
    clock.advance(hours=4)
    assert "C'est noté : 12 participants à la réunion" in await coordinator.say(
        f"/reunion participants {info.id} 12"
    )
    assert "Participants : 12" in await coordinator.say(f"/reunion {info.id}")


async def test_only_coordinators_schedule_but_everyone_answers(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    partner = ChatUser.private(relay, "77")
    for attempt in ("/reunion copil 2027-01-14 14:00 x", "/meeting", "/rapport"):
        assert "réservée aux coordinateurs" in await partner.say(attempt)
    for action in ("mtg:c||||", "mtgok:1", "mtgstop:1"):
        partner.last = [Reply("", buttons=((Button("x", action),),))]
        assert "réservée aux coordinateurs" in await partner.press("x")
    assert "/agenda" in await partner.say("/aide")
    assert "/reunion" not in await partner.say("/aide")


async def test_forgetting_a_user_deletes_their_answers(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    info = await relay.meetings.schedule("copil", MONDAY + timedelta(days=3), invite=False)
    partner = ChatUser.private(relay, "81")
    await partner.say("/abonner vie du cls")
    partner.last = [Reply("", buttons=((Button("x", f"{RSVP_ACTION}{info.id}:yes"),),))]
    await partner.press("x")
    await partner.say("/oublier")
    await partner.press("Oui")
    async with relay.db.read() as session:
        count = await session.execute(select(func.count()).select_from(MeetingRsvp))
        assert count.scalar_one() == 0


async def test_the_console_shows_the_invitation_buttons_and_answers_with_a_number(
    relay: Relay,
) -> None:
    relay.meetings.clock = Clock(MONDAY)
    out = io.StringIO()
    console = ConsoleChannel(UserRef(Platform.CONSOLE, "local"), stdin=io.StringIO(), stdout=out)
    async with relay.db.write() as session:
        chat = ChatRef(Platform.CONSOLE, "local", ChatKind.PRIVATE)
        subscriber = await subscribers.ensure(session, chat, "local", "")
        await subscribers.add_themes(session, subscriber, ["vie-du-cls"])
    async with delivering(relay, [console], receive=False):
        await relay.meetings.schedule("copil", MONDAY + timedelta(days=9), "Pornic")
        await wait_until(lambda: "Je viens" in out.getvalue())
    shown = out.getvalue()
    assert "Invitation : COPIL du Contrat Local de Santé" in shown
    assert "1. Je viens" in shown and "3. Je ne viens pas" in shown
    assert "📎 reunion-1.ics" in shown
    replies = await relay.core.handle(console._incoming("1"))
    assert "C'est noté : vous venez" in replies[0].text


def relay_command(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "RELAY_DATABASE_URL": database_url},
    )


async def test_meeting_commands_in_the_shell(database_url: str) -> None:
    at = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%d") + " 14:00"
    added = relay_command(
        "meeting",
        "add",
        "--kind",
        "gt",
        "--title",
        "GT santé mentale",
        "--at",
        at,
        "--themes",
        "santé mentale",
        "--where",
        "Pornic",
        database_url=database_url,
    )
    assert added.returncode == 0, added.stderr
    assert "Réunion n°1 programmée" in added.stdout and "J-7 prévu" in added.stdout
    listing = relay_command("meeting", "list", database_url=database_url)
    assert "GT santé mentale — Pornic" in listing.stdout and "0 oui" in listing.stdout
    as_json = relay_command("meeting", "list", "--json", database_url=database_url)
    assert '"themes": [\n      "sante-mentale"\n    ]' in as_json.stdout
    bad_date = relay_command(
        "meeting",
        "add",
        "--kind",
        "copil",
        "--title",
        "x",
        "--at",
        "demain",
        database_url=database_url,
    )
    assert bad_date.returncode == 2 and "Traceback" not in bad_date.stderr
    assert "indiquez le jour et l'heure" in bad_date.stderr
    in_french = (datetime.now(UTC) + timedelta(days=21)).strftime("%d/%m") + " à 9h30"
    typed = relay_command(
        *("meeting", "add", "--kind", "equipe-projet", "--title", "EP", "--at", in_french),
        database_url=database_url,
    )
    assert typed.returncode == 0, typed.stderr
    assert "Réunion n°2 programmée : EP," in typed.stdout and "à 9 h 30." in typed.stdout
    past = relay_command(
        "meeting",
        "add",
        "--kind",
        "copil",
        "--title",
        "x",
        "--at",
        "2020-01-01 10:00",
        database_url=database_url,
    )
    assert past.returncode == 1
    assert (
        past.stderr.strip() == "relay : Cette date est déjà passée : choisissez une date à venir."
    )
    cancelled = relay_command("meeting", "cancel", "1", database_url=database_url)
    assert cancelled.returncode == 0 and "annulée" in cancelled.stdout
    again = relay_command("meeting", "cancel", "1", database_url=database_url)
    assert again.returncode == 1 and again.stderr.count("\n") == 1


async def test_invitations_are_not_counted_as_information(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await relay.meetings.schedule("copil", MONDAY + timedelta(days=3))
    async with relay.db.read() as session:
        sources = (await session.execute(select(col(Announcement.source)))).scalars().all()
    assert sources == ["meeting"]


async def test_the_home_screen_agenda(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await relay.meetings.schedule("copil", MONDAY + timedelta(days=2), "Pornic", invite=False)
    assert await home_agenda(relay.services) == (
        "mercredi 6 janvier 2027 à 10 h — COPIL du Contrat Local de Santé — Pornic",
    )


async def test_the_same_meeting_twice_needs_the_coordinators_word(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await subscribe(relay, "31", ["vie-du-cls"])
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/reunion copil 2027-01-14 14:00 Salle du conseil, Pornic")
    first_preview = coordinator.last
    await coordinator.say("/reunion copil 14/01/2027 14h Mairie de Pornic")
    second_preview = coordinator.last
    coordinator.last = first_preview
    assert "programmée" in await coordinator.press("Programmer")
    coordinator.last = second_preview
    refused = await coordinator.press("Programmer")
    assert "déjà programmée à ce moment : n°1" in refused and "Salle du conseil" in refused
    second = await relay.meetings.info(2)
    assert second is not None and second.status == "draft", "not scheduled twice by mistake"
    assert "n°2 est programmée" in await coordinator.press("Programmer quand même")
    coming = await relay.meetings.coming()
    assert [m.id for m in coming] == [1, 2]


async def test_a_cancelled_meeting_leaves_its_time_free(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/reunion copil 2027-01-14 14:00 Salle du conseil, Pornic")
    assert "n°1 est programmée" in await coordinator.press("Programmer")
    await coordinator.say("/reunion annuler 1")
    assert "annulée" in await coordinator.press("Oui, annuler")
    await coordinator.say("/reunion copil 14/01/2027 14h Mairie de Pornic")
    assert "n°2 est programmée" in await coordinator.press("Programmer"), "no need to insist"
    await coordinator.say("/reunion gt #jeunes 14/01/2027 14h Mairie de Pornic")
    assert "n°3 est programmée" in await coordinator.press("Programmer"), "another kind"
    assert [m.id for m in await relay.meetings.coming()] == [2, 3]


async def test_moving_a_meeting_onto_the_same_meeting_needs_the_coordinators_word(
    relay: Relay,
) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await subscribe(relay, "31", ["vie-du-cls"])
    coordinator = ChatUser.private(relay, "1000")
    channel = RecordingChannel()
    async with sending(relay, channel):
        await coordinator.say("/reunion copil 2027-01-14 14:00 Salle du conseil, Pornic")
        assert "n°1 est programmée" in await coordinator.press("Programmer")
        await coordinator.say("/reunion copil 2027-01-21 14:00 Mairie de Pornic")
        assert "n°2 est programmée" in await coordinator.press("Programmer")
        refused = await coordinator.say("/reunion modifier 2 14/01 14h")
        assert refused == (
            "Une réunion COPIL est déjà programmée à ce moment : n°1 « COPIL du Contrat Local "
            "de Santé », jeudi 14 janvier 2027 à 14 h, Salle du conseil, Pornic.\n"
            "Déplacer quand même la réunion n°2 à ce moment, et prévenir ses invités ?"
        )
        assert [b.label for b in coordinator.buttons()] == [
            "Déplacer quand même",
            "Ne pas la déplacer",
        ]
        assert "n°2 n'est pas déplacée" in await coordinator.press("Ne pas la déplacer")
        second = await relay.meetings.info(2)
        assert second is not None and second.when(relay.settings.zone).startswith("jeudi 21")
        await coordinator.say("/reunion modifier 2 14/01 14h Visioconférence")
        refusal = coordinator.last
        moved = await coordinator.press("Déplacer quand même")
        assert moved.startswith("La réunion n°2 est modifiée ; les invités sont prévenus.")
        assert "jeudi 14 janvier 2027 à 14 h" in moved and "Visioconférence" in moved
        coordinator.last = refusal  # pressed a second time: nobody is told twice
        assert "n°2 a été modifiée entre-temps" in await coordinator.press("Déplacer quand même")
        # Its own time is no duplicate, even with the other one there now.
        kept = await coordinator.say("/reunion modifier 1 14/01 14h Mairie de Pornic")
        assert kept.startswith("La réunion n°1 est modifiée") and "Mairie de Pornic" in kept
        await relay.engine.drain(10)
    assert [a.title.split(" :")[0] for a in channel.announcements_to("31")] == [
        "Invitation",
        "Invitation",
        "Réunion modifiée",
        "Réunion modifiée",
    ]
    assert [m.place for m in await relay.meetings.coming()] == [
        "Mairie de Pornic",
        "Visioconférence",
    ]
    journal = [line.detail for line in await relay.audit.latest()]
    assert sum(d.startswith("n°2 ") and d.endswith(": modifiée") for d in journal) == 1


async def test_a_move_too_long_for_a_button_is_insisted_on_by_typing(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    coordinator = ChatUser.private(relay, "1000")
    for day in ("14", "21"):
        await coordinator.say(f"/reunion equipe-projet 2027-01-{day} 10:00 CCAS de Pornic")
        await coordinator.press("Programmer")
    place = "Maison de santé pluriprofessionnelle de Machecoul-Saint-Même, salle 2"
    refused = await coordinator.say(f"/reunion modifier 2 14/01 10h {place}")
    assert "Une réunion Équipe projet est déjà programmée à ce moment : n°1" in refused
    assert refused.endswith(
        f"Pour la déplacer quand même, tapez : /reunion modifier 2 quand-meme 14/01 10h {place}"
    )
    assert not coordinator.buttons()
    moved = await coordinator.say(f"/reunion modifier 2 quand-même 14/01 10h {place}")
    assert moved.startswith("La réunion n°2 est modifiée") and place in moved
    await coordinator.say("/reunion equipe-projet 2027-01-28 10:00 CCAS de Pornic")
    await coordinator.press("Programmer")
    for number in (1, 2):
        await coordinator.say(f"/reunion annuler {number}")
        await coordinator.press("Oui, annuler")
    freed = await coordinator.say("/reunion modifier 3 14/01 10h")
    assert freed.startswith("La réunion n°3 est modifiée"), "cancelled ones leave the time free"
    assert "Usage" in await coordinator.say("/reunion modifier 3 quand-meme")


async def test_the_shell_refuses_the_same_meeting_twice_unless_told(database_url: str) -> None:
    at = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%d") + " 14:00"
    add = ("meeting", "add", "--kind", "copil", "--title", "COPIL", "--at", at)
    assert relay_command(*add, database_url=database_url).returncode == 0
    twice = relay_command(*add, database_url=database_url)
    assert twice.returncode == 1 and "Traceback" not in twice.stderr
    assert "déjà programmée à ce moment : n°1" in twice.stderr and "--quand-meme" in twice.stderr
    anyway = relay_command(*add, "--quand-meme", database_url=database_url)
    assert anyway.returncode == 0 and "Réunion n°2 programmée" in anyway.stdout


async def test_the_shell_refuses_to_move_onto_the_same_meeting_unless_told(
    database_url: str,
) -> None:
    day = datetime.now(UTC) + timedelta(days=20)
    first, second = (
        (day + timedelta(days=days)).strftime("%Y-%m-%d") + " 14:00" for days in (0, 7)
    )
    for at in (first, second):
        add = ("meeting", "add", "--kind", "gt", "--title", "GT", "--themes", "jeunes", "--at", at)
        assert relay_command(*add, database_url=database_url).returncode == 0
    move = ("meeting", "change", "2", "--at", first)
    refused = relay_command(*move, database_url=database_url)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "Une réunion Groupe de travail est déjà programmée à ce moment : n°1 « GT »" in (
        refused.stderr
    )
    assert refused.stderr.strip().endswith("Ajoutez --quand-meme pour la déplacer malgré tout.")
    anyway = relay_command(*move, "--quand-meme", database_url=database_url)
    assert anyway.returncode == 0 and "Réunion n°2 modifiée" in anyway.stdout
    own_time = relay_command(
        *("meeting", "change", "1", "--at", first, "--where", "Pornic"), database_url=database_url
    )
    assert own_time.returncode == 0, own_time.stderr


async def test_a_meeting_is_typed_the_way_coordinators_write_dates(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)  # Monday 4 January 2027, 10:00 in Paris
    coordinator = ChatUser.private(relay, "1000")
    for typed, shown in [
        ("/reunion copil 14/01 14h Mairie de Pornic", "jeudi 14 janvier 2027 à 14 h"),
        ("/reunion copil 14 janvier 14h Mairie de Pornic", "jeudi 14 janvier 2027 à 14 h"),
        ("/reunion copil jeudi prochain 14h Mairie de Pornic", "jeudi 7 janvier 2027 à 14 h"),
        ("/reunion gt #jeunes demain 9h30 Mairie de Pornic", "mardi 5 janvier 2027 à 9 h 30"),
        ("/reunion copil le 3 février 2027 à 9h Mairie de Pornic", "mercredi 3 février 2027 à 9 h"),
    ]:
        preview = await coordinator.say(typed)
        assert shown in preview and "📍 Mairie de Pornic" in preview, typed
    assert "Où ?" in await coordinator.say("/reunion copil lundi 9h")
    assert "Le 14 janvier 2027 est un jeudi, pas un lundi" in await coordinator.say(
        "/reunion copil lundi 14/01/2027 9h Mairie"
    )
    assert "« 31/02 » n'est pas une date" in await coordinator.say("/reunion copil 31/02 9h x")
    assert "déjà passée" in await coordinator.say("/reunion copil aujourd'hui 9h Mairie")
    assert "n'existe pas le dimanche 28 mars 2027" in await coordinator.say(
        "/reunion copil 28/03 2h30 Mairie"
    )
    assert "/reunion copil 18/01 14h Salle du conseil" in await coordinator.say(
        "/reunion copil Salle du conseil"
    )
    info = await relay.meetings.schedule("copil", MONDAY + timedelta(days=10), invite=False)
    changed = await coordinator.say(f"/reunion modifier {info.id} 15/01 Salle du conseil")
    assert "vendredi 15 janvier 2027 à 10 h" in changed and "Salle du conseil" in changed
    changed = await coordinator.say(f"/reunion modifier {info.id} mardi 9h")
    assert "mardi 5 janvier 2027 à 9 h" in changed


async def test_a_day_without_a_year_is_the_next_one_in_the_zone_of_relay(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    relay.meetings.clock = Clock(datetime(2026, 12, 20, 10, 0, tzinfo=UTC))
    assert "jeudi 14 janvier 2027 à 14 h" in await coordinator.say("/reunion copil 14/01 14h x")
    # 23:30 UTC on Wednesday 13 January is already Thursday 14 January in Paris.
    relay.meetings.clock = Clock(datetime(2027, 1, 13, 23, 30, tzinfo=UTC))
    assert "vendredi 15 janvier 2027 à 9 h" in await coordinator.say("/reunion copil demain 9h x")
    assert "jeudi 14 janvier 2027 à 14 h" in await coordinator.say("/reunion copil 14/01 14h x")
    assert "mardi 19 janvier 2027 à 9 h" in await coordinator.say("/reunion copil mardi 9h x")
