"""Withdrawing and correcting a broadcast end to end: relay's Telegram and Slack adapters against
the fake Bot API and Web API, each chat checked as its readers see it."""

import time

from tests.fakes.telegram_api import FakeTelegram
from tests.test_cross_platform import (
    SLACK_ADMIN,
    SLACK_COORDINATOR,
    TELEGRAM_COORDINATOR,
    TELEGRAM_PARTNER,
    World,
    both_platforms,
)

OTHER_PARTNER = 43
CHANNEL = "C0JEUNES"


async def subscribed(world: World) -> None:
    for partner in (TELEGRAM_PARTNER, OTHER_PARTNER):
        assert "Santé des jeunes" in await world.telegram_says(partner, "/abonner jeunes")
    subscribing = await world.slack_command(SLACK_ADMIN.id, CHANNEL, "abonner jeunes")
    assert "Santé des jeunes" in subscribing


async def telegram_coordinator_gets(world: World, start: str) -> str:
    telegram = world.telegram

    def found() -> list[str]:
        texts = [m.plain_text for m in telegram.messages_to(TELEGRAM_COORDINATOR)]
        return [t for t in texts if t.startswith(start)]

    await telegram.wait_for(lambda: bool(found()), timeout=15)
    return found()[-1]


async def press(telegram: FakeTelegram, label: str) -> None:
    """Press a button of the coordinator's latest message that has buttons."""
    message = next(
        m for m in reversed(telegram.messages_to(TELEGRAM_COORDINATOR)) if m.reply_markup
    )
    assert message.reply_markup is not None
    buttons = [b for row in message.reply_markup["inline_keyboard"] for b in row]
    [button] = [b for b in buttons if b["text"] == label]
    telegram.callback_query(
        TELEGRAM_COORDINATOR, TELEGRAM_COORDINATOR, message.message_id, button["callback_data"]
    )


async def broadcast_from_telegram(world: World, text: str, number: int) -> None:
    await world.telegram_says(TELEGRAM_COORDINATOR, f"/diffuser #jeunes {text}", answers=2)
    await press(world.telegram, "Envoyer")
    await telegram_coordinator_gets(world, f"Bilan de la diffusion n°{number}")


def telegram_shows(world: World, chat_id: int, words: str) -> bool:
    return any(words in text for text in world.telegram.shown_in(chat_id))


def slack_shows(world: World, words: str) -> bool:
    return any(words in m.text for m in world.slack.state.messages_in(CHANNEL))


async def test_a_withdrawal_reaches_every_chat_and_names_those_telegram_no_longer_allows(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        await subscribed(world)
        await broadcast_from_telegram(world, "Forum santé des jeunes le 12/12 à Pornic", 1)
        # Two days later, a second broadcast; the first one is now too old for Telegram.
        world.telegram.wall_clock = lambda: time.time() + 49 * 3600
        await broadcast_from_telegram(world, "Atelier gestion du stress le 20/12", 2)
        for chat in (TELEGRAM_PARTNER, OTHER_PARTNER):
            assert telegram_shows(world, chat, "Forum") and telegram_shows(world, chat, "Atelier")
        assert slack_shows(world, "Forum") and slack_shows(world, "Atelier")

        question = await world.telegram_says(TELEGRAM_COORDINATOR, "/retirer")
        assert question == (
            "Retirer la diffusion n°2 « Atelier gestion du stress le 20/12 » des 3 chats qui "
            "l'ont reçue ?"
        )
        await press(world.telegram, "Oui, la retirer")
        summary = await telegram_coordinator_gets(world, "Diffusion n°2")
        assert summary == (
            "Diffusion n°2 « Atelier gestion du stress le 20/12 » retirée des 3 chats qui "
            "l'avaient reçue."
        )
        for chat in (TELEGRAM_PARTNER, OTHER_PARTNER):
            assert not telegram_shows(world, chat, "Atelier")
        assert not slack_shows(world, "Atelier")

        await world.telegram_says(TELEGRAM_COORDINATOR, "/retirer 1")
        await press(world.telegram, "Oui, la retirer")
        summary = await telegram_coordinator_gets(world, "Diffusion n°1")
        assert summary == (
            "Diffusion n°1 « Forum santé des jeunes le 12/12 à Pornic » retirée d'un chat ; "
            "2 l'ont gardée (Telegram ne permet plus de retirer un message de plus de 48 h)."
        )
        assert not slack_shows(world, "Forum")
        for chat in (TELEGRAM_PARTNER, OTHER_PARTNER):
            assert telegram_shows(world, chat, "Forum")
        assert world.telegram.requests["deleteMessage"] == 4
        assert world.slack.state.requests["chat.delete"] == 2


async def test_a_correction_from_slack_is_edited_in_place_on_both_platforms(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        await subscribed(world)
        slack = world.slack
        await world.slack_command(
            SLACK_COORDINATOR.id, "C0COORD", "diffuser #jeunes Forum le 12/12 à Pornic", answers=2
        )
        preview = slack.state.responses[-1].body
        [send] = [
            element
            for block in preview.get("blocks", [])
            for element in block.get("elements", [])
            if element.get("type") == "button" and element["text"]["text"] == "Envoyer"
        ]
        press = slack.block_actions(
            SLACK_COORDINATOR.id,
            send["action_id"],
            value=send["value"],
            channel="C0COORD",
            message_ts="1.000300",
        )
        press["container"]["is_ephemeral"] = True
        await slack.push(press)
        await world.telegram.wait_for(lambda: telegram_shows(world, OTHER_PARTNER, "12/12"))
        await slack.state.wait_for(lambda: slack_shows(world, "12/12"))
        before = [m.message_id for m in world.telegram.messages_to(TELEGRAM_PARTNER)]

        answer = await world.slack_command(
            SLACK_COORDINATOR.id, "C0COORD", "corriger 1 Forum le 14/12 à Pornic", answers=2
        )
        assert answer.startswith("Diffusion n°1 corrigée : le nouveau texte (ci-dessus)")
        coordinator_dm = slack.state.conversation_with(SLACK_COORDINATOR.id)[0]
        [summary] = await slack.state.wait_for(
            lambda: [
                m for m in slack.state.messages_in(coordinator_dm) if "corrigée dans" in m.text
            ],
            timeout=15,
        )
        assert "corrigée dans les 3 chats qui l'avaient reçue." in summary.text
        for chat in (TELEGRAM_PARTNER, OTHER_PARTNER):
            assert telegram_shows(world, chat, "14/12") and not telegram_shows(world, chat, "12/12")
        assert slack_shows(world, "14/12") and not slack_shows(world, "12/12")
        after = [m.message_id for m in world.telegram.messages_to(TELEGRAM_PARTNER)]
        assert after == before, "corrected in place: no new message"
        assert world.telegram.requests["editMessageText"] >= 2
        assert slack.state.requests["chat.update"] >= 1
