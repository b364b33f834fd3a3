"""The survey on each platform: sent from the coordinator's chat, delivered by the outbox to each
subscribed person's private chat, answered with its buttons (Telegram's Bot API fake, Slack's
Web API fake, the console of `relay run`)."""

import json

from sqlalchemy import select
from sqlmodel import col

from relay.app import Relay
from relay.store.models_surveys import SurveyAnswer, SurveyInvitation
from tests.console_process import console_relay
from tests.fakes.slack_api import Message
from tests.fakes.telegram_api import FakeTelegram
from tests.test_meetings_telegram import buttons_of
from tests.test_slack_channel import BOB, COORDINATOR, button, slack_world
from tests.test_telegram_channel import COORDINATOR as TELEGRAM_COORDINATOR
from tests.test_telegram_channel import PARTNER, running


async def answers(relay: Relay) -> list[tuple[str, int, int]]:
    """Who answered what, as stored: (user id, question, answer)."""
    async with relay.db.read() as session:
        rows = await session.execute(
            select(
                col(SurveyInvitation.user_id), col(SurveyAnswer.question), col(SurveyAnswer.answer)
            ).join(SurveyInvitation, col(SurveyInvitation.id) == col(SurveyAnswer.invitation_id))
        )
        return sorted((str(u), int(q), int(a)) for u, q, a in rows.all())


async def test_telegram_sends_the_survey_and_records_answers(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (relay, _):
        telegram.user_message(PARTNER, "/abonner addictions")
        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) >= 2)
        seen = len(telegram.messages_to(PARTNER))

        telegram.user_message(TELEGRAM_COORDINATOR, "/sondage")
        await telegram.wait_for(lambda: bool(telegram.messages_to(TELEGRAM_COORDINATOR)))
        [preview] = telegram.messages_to(TELEGRAM_COORDINATOR)
        assert "envoyé à 1 personne" in preview.plain_text
        send = next(b for b in buttons_of(preview) if b["text"] == "Envoyer")
        telegram.callback_query(
            TELEGRAM_COORDINATOR, TELEGRAM_COORDINATOR, preview.message_id, send["callback_data"]
        )

        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) > seen)
        invitation = telegram.messages_to(PARTNER)[seen]
        assert "Question 1/5" in invitation.plain_text
        assert [b["text"] for b in buttons_of(invitation)] == [
            "Oui",
            "Plutôt oui",
            "Plutôt non",
            "Non",
            "Je ne sais pas",
        ]
        rather = next(b for b in buttons_of(invitation) if b["text"] == "Plutôt oui")
        telegram.callback_query(PARTNER, PARTNER, invitation.message_id, rather["callback_data"])
        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) > seen + 1)
        reply = telegram.messages_to(PARTNER)[seen + 1]
        assert "C'est noté : « Plutôt oui »" in reply.plain_text
        assert "Question 2/5" in reply.plain_text and len(buttons_of(reply)) == 5
        assert await answers(relay) == [(str(PARTNER), 0, 1)]

        # The same press again is noted already, and changes nothing.
        telegram.callback_query(PARTNER, PARTNER, invitation.message_id, rather["callback_data"])
        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) > seen + 2)
        assert "déjà notée" in telegram.messages_to(PARTNER)[seen + 2].plain_text
        assert await answers(relay) == [(str(PARTNER), 0, 1)]


async def test_slack_sends_the_survey_to_a_direct_message_and_records_an_answer(
    database_url: str,
) -> None:
    async with slack_world(database_url, "socket") as world:
        dm = world.dm(BOB.id)
        await world.command(BOB.id, dm, "abonner addictions", answers=2)  # and the profile
        [preview] = await world.command(COORDINATOR.id, "C0COORD", "sondage")
        assert "envoyé à 1 personne" in json.dumps(preview, ensure_ascii=False)
        action_id, value = button(preview["blocks"], "Envoyer")
        press = world.slack.block_actions(
            COORDINATOR.id, action_id, value=value, channel="C0COORD", message_ts="1.000300"
        )
        press["container"]["is_ephemeral"] = True
        await world.push(press)

        def questions() -> list[Message]:
            return [m for m in world.state.messages_in(dm) if "Question" in m.text]

        await world.state.wait_for(questions)
        [invitation] = questions()
        assert "Question 1/5" in invitation.text
        seen = len(world.state.responses)
        await world.press(BOB.id, invitation, "Non")
        await world.state.wait_for(
            lambda: len(questions()) > 1 or len(world.state.responses) > seen
        )
        said = [m.text for m in questions()[1:]] + [
            str(r.body.get("text")) for r in world.state.responses[seen:]
        ]
        assert any("C'est noté : « Non »" in s and "Question 2/5" in s for s in said), said
        assert await answers(world.relay) == [(BOB.id, 0, 3)]


async def test_relay_run_on_the_console_sends_and_answers_the_survey(database_url: str) -> None:
    relay = await console_relay(database_url)
    try:
        await relay.shows("sert la console")
        await relay.say("/abonner addictions")
        at = await relay.shows("Plus tard")
        await relay.say("/sondage")
        at = await relay.shows("1. Envoyer", at)
        await relay.say("1")
        at = await relay.shows("envoyé à 1 personne", at)
        at = await relay.shows("Question 1/5", at)
        at = await relay.shows("5. Je ne sais pas", at)
        await relay.say("2")
        at = await relay.shows("C'est noté : « Plutôt oui »", at)
        at = await relay.shows("Question 2/5", at)
        await relay.say("/sondage resultats")
        await relay.shows("1 répondant sur 1 personne interrogée (100 %)", at)
    finally:
        assert await relay.stop() == 0
