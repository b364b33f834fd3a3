"""A meeting scheduled in Telegram: invitation with RSVP buttons and the .ics document, an
answer by button, the count for the coordinator, the monthly report with its chart."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select
from sqlmodel import col

from relay.french_dates import as_utc
from relay.store.models_schedule import Meeting, MeetingRsvp
from tests.fakes.telegram_api import FakeTelegram
from tests.scheduled_support import Clock
from tests.test_telegram_channel import COORDINATOR, PARTNER, last_text, running, texts_to


def buttons_of(message: object) -> list[dict[str, str]]:
    markup = getattr(message, "reply_markup", None) or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def test_a_meeting_scheduled_in_telegram_invites_and_records_answers(
    database_url: str,
) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    day = (datetime.now(UTC) + timedelta(days=12)).strftime("%Y-%m-%d")
    async with running(database_url, telegram) as (relay, _):
        telegram.user_message(PARTNER, "/abonner vie du cls")
        await last_text(telegram, PARTNER)
        telegram.user_message(COORDINATOR, f"/reunion copil {day} 14:00 Salle du conseil, Pornic")
        preview_text = await last_text(telegram, COORDINATOR)
        assert "1 chat" in preview_text
        preview = telegram.messages_to(COORDINATOR)[-1]
        confirm = next(b for b in buttons_of(preview) if b["text"] == "Programmer et inviter")
        telegram.callback_query(
            COORDINATOR, COORDINATOR, preview.message_id, confirm["callback_data"]
        )
        await telegram.wait_for(
            lambda: any(d.chat_id == PARTNER for d in telegram.documents), timeout=10
        )
        invitation = next(m for m in telegram.messages_to(PARTNER) if "Invitation" in m.plain_text)
        assert "Salle du conseil, Pornic" in invitation.plain_text
        labels = [b["text"] for b in buttons_of(invitation)]
        assert labels == ["Je viens", "Peut-être", "Je ne viens pas"]
        (document,) = [d for d in telegram.documents if d.chat_id == PARTNER]
        assert document.filename == "reunion-1.ics" and document.mime_type == "text/calendar"
        assert Calendar.from_ical(document.content).walk("VEVENT")[0].get("location")

        yes = buttons_of(invitation)[0]
        telegram.callback_query(PARTNER, PARTNER, invitation.message_id, yes["callback_data"])
        await telegram.wait_for(
            lambda: any("noté : vous venez" in t for t in texts_to(telegram, PARTNER)), timeout=10
        )
        telegram.user_message(COORDINATOR, "/reunion 1")
        await telegram.wait_for(
            lambda: any("Réponses : 1 oui" in t for t in texts_to(telegram, COORDINATOR)),
            timeout=10,
        )
        async with relay.db.read() as session:
            (rsvp,) = (await session.execute(select(MeetingRsvp))).scalars().all()
            (meeting,) = (await session.execute(select(Meeting))).scalars().all()
        assert (rsvp.platform, rsvp.user_id, rsvp.answer) == ("telegram", str(PARTNER), "yes")

        # The day before, the reminder comes with the same buttons; the partner changes their mind.
        relay.meetings.clock = Clock(as_utc(meeting.starts_at) - timedelta(days=1, seconds=-30))
        await relay.meetings.send_due()
        await telegram.wait_for(
            lambda: any("Rappel" in t for t in texts_to(telegram, PARTNER)), timeout=10
        )
        reminder = next(m for m in telegram.messages_to(PARTNER) if "Rappel" in m.plain_text)
        assert "COPIL du Contrat Local de Santé, demain" in reminder.plain_text
        no = next(b for b in buttons_of(reminder) if b["text"] == "Je ne viens pas")
        telegram.callback_query(PARTNER, PARTNER, reminder.message_id, no["callback_data"])
        await telegram.wait_for(
            lambda: any("vous ne venez pas" in t for t in texts_to(telegram, PARTNER)), timeout=10
        )
        telegram.user_message(COORDINATOR, "/reunion 1")
        await telegram.wait_for(
            lambda: any(
                "Réponses : 0 oui, 0 peut-être, 1 non" in t for t in texts_to(telegram, COORDINATOR)
            ),
            timeout=10,
        )
        assert len([d for d in telegram.documents if d.chat_id == PARTNER]) == 2

        telegram.user_message(COORDINATOR, "/rapport")
        await telegram.wait_for(
            lambda: any(d.chat_id == COORDINATOR for d in telegram.documents), timeout=15
        )
        (chart,) = [d for d in telegram.documents if d.chat_id == COORDINATOR]
        assert chart.content.startswith(b"\x89PNG") and (chart.filename or "").startswith(
            "rapport-"
        )
        assert telegram.duplicates == 0


async def test_a_move_onto_the_same_meeting_is_confirmed_by_a_button_in_telegram(
    database_url: str,
) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    first = (datetime.now(UTC) + timedelta(days=12)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    async with running(database_url, telegram) as (relay, _):
        await relay.meetings.schedule("copil", first, "Salle du conseil, Pornic")
        await relay.meetings.schedule("copil", first + timedelta(days=7), "Mairie de Pornic")
        local = first.astimezone(relay.settings.zone)
        telegram.user_message(
            COORDINATOR, f"/reunion modifier 2 {local:%Y-%m-%d %H:%M} Visioconférence"
        )
        refused = await last_text(telegram, COORDINATOR)
        assert "Une réunion COPIL est déjà programmée à ce moment : n°1" in refused
        assert "Déplacer quand même la réunion n°2 à ce moment" in refused
        question = telegram.messages_to(COORDINATOR)[-1]
        anyway = next(b for b in buttons_of(question) if b["text"] == "Déplacer quand même")
        telegram.callback_query(
            COORDINATOR, COORDINATOR, question.message_id, anyway["callback_data"]
        )
        await telegram.wait_for(
            lambda: any("n°2 est modifiée" in t for t in telegram.shown_in(COORDINATOR)),
            timeout=10,
        )
        async with relay.db.read() as session:
            query = select(Meeting).where(col(Meeting.id) == 2)
            moved = (await session.execute(query)).scalar_one()
    assert as_utc(moved.starts_at) == first and moved.place == "Visioconférence"
