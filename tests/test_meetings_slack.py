"""A meeting scheduled in Slack: the coordinator's private preview and confirmation, the
invitation in a subscribed channel with RSVP buttons and the .ics file, answers per person, the
counts for the coordinator, then a reminder on which a partner changes their mind."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from relay.french_dates import as_utc
from relay.store.models_schedule import Meeting, MeetingRsvp
from tests.fakes.slack_api import Message
from tests.scheduled_support import Clock
from tests.test_slack_channel import ALICE, BOB, COORDINATOR, SlackWorld, button, slack_world

COPIL_CHANNEL = "C0COPIL"


def rsvp_labels(message: Message) -> list[str]:
    return [
        element["text"]["text"]
        for block in message.blocks or []
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]


async def answer(world: SlackWorld, user: str, message: Message, label: str, said: str) -> None:
    """`user` presses `label` under `message` and is answered privately (through the press's
    response URL, an ephemeral message) with `said`."""
    seen = len(world.state.responses)
    await world.press(user, message, label)
    [private] = await world.state.wait_for(lambda: world.state.responses[seen:])
    assert private.body["response_type"] == "ephemeral" and said in private.body["text"], private
    assert private.body["replace_original"] is False, "the invitation stays for the others"


async def test_a_meeting_scheduled_in_slack_invites_reminds_and_records_answers(
    database_url: str,
) -> None:
    day = (datetime.now(UTC) + timedelta(days=12)).strftime("%Y-%m-%d")
    async with slack_world(database_url, "socket") as world:
        [subscribed] = await world.command(ALICE.id, COPIL_CHANNEL, "abonner vie du cls")
        assert "Vie du CLS" in subscribed["text"]
        await world.said_in(COPIL_CHANNEL)  # the channel is told who subscribed it

        [preview] = await world.command(
            COORDINATOR.id, "C0COORD", f"reunion copil {day} 14:00 Salle du conseil, Pornic"
        )
        assert preview["response_type"] == "ephemeral"
        assert "1 chat" in str(preview)
        action_id, value = button(preview["blocks"], "Programmer et inviter")
        press = world.slack.block_actions(
            COORDINATOR.id, action_id, value=value, channel="C0COORD", message_ts="1.000300"
        )
        press["container"]["is_ephemeral"] = True  # /cls answers are private messages
        await world.push(press)

        _, invitation = await world.said_in(COPIL_CHANNEL, 2)
        assert "Invitation : COPIL du Contrat Local de Santé" in invitation.text
        assert "Salle du conseil, Pornic" in str(invitation.blocks)
        assert rsvp_labels(invitation) == ["Je viens", "Peut-être", "Je ne viens pas"]
        await world.state.wait_for(lambda: world.state.files, timeout=10)
        [ics] = world.state.files
        assert (ics.filename, ics.channel) == ("reunion-1.ics", COPIL_CHANNEL)
        event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
        assert "Pornic" in str(event.get("location"))

        # In a channel, each member answers for themself.
        await answer(world, BOB.id, invitation, "Je viens", "noté : vous venez")
        await answer(world, ALICE.id, invitation, "Peut-être", "noté")
        [counts] = await world.command(COORDINATOR.id, "C0COORD", "reunion 1")
        assert "Réponses : 1 oui, 1 peut-être, 0 non" in str(counts)

        # The day before, the reminder reaches the same channel, with the same buttons.
        async with world.relay.db.read() as session:
            [meeting] = (await session.execute(select(Meeting))).scalars().all()
        clock = Clock(as_utc(meeting.starts_at) - timedelta(days=1) + timedelta(seconds=30))
        world.relay.meetings.clock = clock
        await world.relay.meetings.send_due()
        world.relay.engine.wake()
        await world.state.wait_for(lambda: len(world.state.messages_in(COPIL_CHANNEL)) >= 3)
        reminder = world.state.messages_in(COPIL_CHANNEL)[2]
        assert "Rappel : COPIL du Contrat Local de Santé, demain" in reminder.text
        assert rsvp_labels(reminder) == ["Je viens", "Peut-être", "Je ne viens pas"]
        await world.state.wait_for(lambda: len(world.state.files) >= 2, timeout=10)

        await answer(world, BOB.id, reminder, "Je ne viens pas", "noté")
        [counts] = await world.command(COORDINATOR.id, "C0COORD", "reunion 1")
        assert "Réponses : 0 oui, 1 peut-être, 1 non" in str(counts)

        async with world.relay.db.read() as session:
            answers = (await session.execute(select(MeetingRsvp))).scalars().all()
        assert sorted((a.platform, a.user_id, a.answer) for a in answers) == [
            ("slack", ALICE.id, "maybe"),
            ("slack", BOB.id, "no"),
        ]
        assert len(world.state.messages_in(COPIL_CHANNEL)) == 3, "nothing sent twice"
        assert world.state.duplicates == 0
