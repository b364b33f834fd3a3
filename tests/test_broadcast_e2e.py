"""A coordinator's broadcast as partners receive it on Telegram and Slack (the fake Bot API and
the fake Slack Web API): its paragraphs and lists, a text longer than either platform's message,
and a send scheduled before a restart and left once although two processes watch the clock."""

import asyncio
from datetime import UTC, datetime

from relay.app import opened
from relay.channels.slack_blocks import unescape
from relay.jobs.scheduler import Scheduler
from relay.messages import Platform
from relay.settings import load_settings
from tests.chat import ChatUser
from tests.fakes.slack_api import Message, SlackState
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.scheduled_support import Clock
from tests.test_cross_platform import (
    SLACK_ADMIN,
    SLACK_COORDINATOR,
    TELEGRAM_COORDINATOR,
    TELEGRAM_PARTNER,
    World,
    both_platforms,
)
from tests.test_telegram_channel import CALL_FOR_PROJECTS
from tests.test_telegram_split import paragraphs_and_lists

SLACK_CHANNEL = "C0SANTE"
PROGRAMME = (
    "Forum santé mentale des jeunes\n\n"
    "Le 12/01/2027 à Pornic, salle des fêtes.\n"
    "Entrée libre.\n\n"
    "Programme :\n"
    "- 14h ateliers <ados & parents>\n"
    "- 16h table ronde avec la Maison des adolescents"
)
BODY = PROGRAMME.split("\n\n", 1)[1]


def slack_text(message: Message) -> str:
    """What a Slack reader sees of a message's text sections, paragraphs kept."""
    blocks = message.blocks or []
    return "\n\n".join(
        unescape(b["text"]["text"]) for b in blocks if b["type"] == "section" and "text" in b
    )


def slack_header(message: Message) -> str:
    return str(next(b["text"]["text"] for b in message.blocks or [] if b["type"] == "header"))


async def subscribe_both(world: World) -> None:
    """A Telegram partner and a Slack channel, subscribed to mental health."""
    await world.telegram_says(TELEGRAM_PARTNER, "/abonner psy", 2)  # then a profile question
    assert "Santé mentale" in world.telegram.messages_to(TELEGRAM_PARTNER)[-2].plain_text
    await world.slack_command(SLACK_ADMIN.id, SLACK_CHANNEL, "abonner santé mentale")
    await world.slack.state.wait_for(lambda: world.slack.state.messages_in(SLACK_CHANNEL))


def telegram_received(world: World, text: str) -> list[str]:
    messages = world.telegram.messages_to(TELEGRAM_PARTNER)
    return [m.plain_text for m in messages if text in m.plain_text]


def slack_received(world: World, text: str) -> list[Message]:
    return [m for m in world.slack.state.messages_in(SLACK_CHANNEL) if text in slack_text(m)]


async def send_from_telegram(world: World, command: str) -> None:
    await world.telegram_says(TELEGRAM_COORDINATOR, command, answers=2)
    question = world.telegram.messages_to(TELEGRAM_COORDINATOR)[-1]
    assert question.reply_markup is not None, question.plain_text
    send = question.reply_markup["inline_keyboard"][0][0]["callback_data"]
    world.telegram.callback_query(
        TELEGRAM_COORDINATOR, TELEGRAM_COORDINATOR, question.message_id, send
    )


async def test_a_multi_paragraph_broadcast_arrives_with_its_line_breaks_on_both(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        await subscribe_both(world)
        await send_from_telegram(world, "/diffuser #sante-mentale\n" + PROGRAMME)
        await world.telegram.wait_for(lambda: bool(telegram_received(world, "Programme")))
        [on_telegram] = telegram_received(world, "Programme")
        assert on_telegram.startswith("📣 Événement — Forum santé mentale des jeunes\n\n" + BODY)
        [sent] = [
            m for m in world.telegram.messages_to(TELEGRAM_PARTNER) if "Programme" in m.plain_text
        ]
        assert "&lt;ados &amp; parents&gt;" in sent.text and sent.parse_mode == "HTML"
        [on_slack] = await world.slack.state.wait_for(lambda: slack_received(world, "Programme"))
        assert slack_header(on_slack) == "📣 Événement — Forum santé mentale des jeunes"
        assert slack_text(on_slack).startswith(BODY)
        assert world.telegram.duplicates == 0 and world.slack.state.duplicates == 0


async def test_a_twelve_thousand_character_call_arrives_whole_in_order_on_both(
    database_url: str,
) -> None:
    assert 11_000 < len(CALL_FOR_PROJECTS) < 13_000
    async with both_platforms(database_url) as world:
        await subscribe_both(world)
        coordinator = ChatUser.private(world.relay, "local", Platform.CONSOLE)
        await coordinator.say(
            "/diffuser #sante-mentale Appel à projets 2027\n\n" + CALL_FOR_PROJECTS
        )
        preview = coordinator.last[-1].text
        assert "Sur Telegram, le texte est long : il partira en 4 messages" in preview
        assert "Sur Slack" not in preview  # one message of up to 50 sections is enough there
        assert "C'est parti" in await coordinator.press("Envoyer")
        await world.telegram.wait_for(lambda: len(telegram_received(world, "Critère")) == 4, 20)
        criteria = CALL_FOR_PROJECTS.split("\n\n")
        on_telegram = "\n\n".join(telegram_received(world, "Critère")).split("\n\n")
        assert [p for p in on_telegram if p.startswith("Critère")] == criteria
        slack_parts = await world.slack.state.wait_for(lambda: slack_received(world, "Critère"), 20)
        assert len(slack_parts) == 1
        on_slack = "\n\n".join(slack_text(m) for m in slack_parts).split("\n\n")
        assert [p for p in on_slack if p.startswith("Critère")] == criteria
        assert world.telegram.duplicates == 0 and world.slack.state.duplicates == 0


async def test_a_scheduled_send_leaves_on_time_after_a_restart_once_with_two_processes(
    database_url: str,
) -> None:
    thursday = datetime(2027, 1, 7, 15, 0, tzinfo=UTC)  # 16:00 in Paris
    telegram = FakeTelegram(private_chat_rate=None)
    state = SlackState(users=[SLACK_COORDINATOR, SLACK_ADMIN], channel_burst=3)
    async with both_platforms(database_url, telegram, state) as world:
        world.relay.meetings.clock = Clock(thursday)
        await subscribe_both(world)
        await world.telegram_says(TELEGRAM_COORDINATOR, "/diffuser #psy Groupe de parole", 2)
        answer = await world.telegram_says(TELEGRAM_COORDINATOR, "/programmer 1 vendredi 9h")
        assert "partira le vendredi 8 janvier 2027 à 9 h vers 2 chats" in answer
        await asyncio.sleep(0.5)
        assert not telegram_received(world, "Groupe de parole")
    # relay was stopped over its time, then two processes start together
    clock = Clock(datetime(2027, 1, 8, 8, 0, 20, tzinfo=UTC))
    async with (
        both_platforms(database_url, telegram, state) as world,
        opened(load_settings(database_url=database_url)) as other,
    ):
        world.relay.meetings.clock = other.meetings.clock = clock
        schedulers = [Scheduler(world.relay.work), Scheduler(other.work)]
        await asyncio.gather(*(s.start() for s in schedulers))
        try:
            await telegram.wait_for(lambda: bool(telegram_received(world, "Groupe de parole")), 20)
            await state.wait_for(lambda: slack_received(world, "Groupe de parole"), 20)
            await asyncio.gather(*(s.send_scheduled() for s in schedulers))
            assert await world.relay.engine.drain(10)
        finally:
            await asyncio.gather(*(s.stop() for s in schedulers))
        assert len(telegram_received(world, "Groupe de parole")) == 1
        assert len(slack_received(world, "Groupe de parole")) == 1
        assert telegram.duplicates == 0 and state.duplicates == 0


async def test_a_slack_coordinator_lists_proposals_and_sends_a_long_text_by_direct_message(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        await subscribe_both(world)
        await world.telegram_says(TELEGRAM_PARTNER, "/proposer #psy Groupe de parole à Pornic")
        listing = await world.slack_command(SLACK_COORDINATOR.id, "C0COORD", "propositions", 2)
        header = str(world.slack.state.responses[-2].body.get("text", ""))
        assert header.startswith("1 proposition en attente de décision")
        assert "Groupe de parole à Pornic" in listing
        # Longer than the Slack form takes: written in the direct message, as its hint says.
        long_text = "\n\n".join(CALL_FOR_PROJECTS.split("\n\n")[:6])
        assert 4_000 < len(long_text) < 6_000
        dm = world.slack.state.conversation_with(SLACK_COORDINATOR.id)[0]
        seen = len(world.slack.state.messages_in(dm))
        event = world.slack.message_im(
            SLACK_COORDINATOR.id, dm, "diffuser #psy Appel à projets\n\n" + long_text
        )
        await world.slack.push(event)
        await world.slack.state.wait_for(lambda: len(world.slack.state.messages_in(dm)) >= seen + 2)
        preview, question = world.slack.state.messages_in(dm)[seen : seen + 2]
        assert slack_header(preview) == "📣 Appel à projets — Appel à projets"
        assert slack_text(preview).startswith(long_text)
        assert "Sur Telegram, le texte est long : il partira en 2 messages" in question.text


async def test_a_long_text_typed_in_telegram_is_previewed_and_sent_whole_on_both(
    database_url: str,
) -> None:
    body = paragraphs_and_lists(9_000)
    async with both_platforms(database_url) as world:

        def to_coordinator() -> list[SentMessage]:
            return world.telegram.messages_to(TELEGRAM_COORDINATOR)

        await subscribe_both(world)
        command = "/diffuser #sante-mentale Appel à projets 2027\n\n" + body
        parts = world.telegram.user_long_message(TELEGRAM_COORDINATOR, command)
        assert len(parts) == 3 and "".join(parts) != command, "cut and trimmed as the app does"
        await world.telegram.wait_for(lambda: any(m.reply_markup for m in to_coordinator()))
        coordinator = to_coordinator()
        question = coordinator[-1]
        assert "Sur Telegram, le texte est long : il partira en 3 messages" in question.plain_text
        shown = "\n\n".join(m.plain_text for m in coordinator if "Critère" in m.plain_text)
        assert [p for p in shown.split("\n\n") if p.startswith("Critère")] == body.split("\n\n")
        assert question.reply_markup is not None
        send = question.reply_markup["inline_keyboard"][0][0]["callback_data"]
        world.telegram.callback_query(
            TELEGRAM_COORDINATOR, TELEGRAM_COORDINATOR, question.message_id, send
        )
        await world.telegram.wait_for(lambda: len(telegram_received(world, "Critère")) == 3, 20)
        on_telegram = "\n\n".join(telegram_received(world, "Critère")).split("\n\n")
        assert [p for p in on_telegram if p.startswith("Critère")] == body.split("\n\n")
        [on_slack] = await world.slack.state.wait_for(lambda: slack_received(world, "Critère"), 20)
        assert slack_header(on_slack) == "📣 Appel à projets — Appel à projets 2027"
        assert slack_text(on_slack).startswith(body)
        assert world.telegram.duplicates == 0 and world.slack.state.duplicates == 0
