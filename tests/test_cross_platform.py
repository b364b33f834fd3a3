"""Post once, delivered everywhere: Telegram and Slack in one relay, each reaching the other."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from relay.app import Relay, delivering, opened
from relay.channels.slack import SlackChannel
from relay.channels.telegram import TelegramChannel
from relay.contract import Channel
from relay.settings import load_settings
from tests.fakes.slack_api import FakeSlackServer, FakeUser, SlackState
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram, FakeTelegramServer

TELEGRAM_COORDINATOR = 1000
TELEGRAM_PARTNER = 42
SLACK_COORDINATOR = FakeUser("U0COORD", "claire", real_name="Claire Coordinatrice")
SLACK_ADMIN = FakeUser("U0ALICE", "alice", real_name="Alice Martin", is_admin=True)


@dataclass
class World:
    relay: Relay
    telegram: FakeTelegram
    slack: FakeSlackServer

    async def telegram_says(self, user: int, text: str, answers: int = 1) -> str:
        seen = len(self.telegram.messages_to(user))
        self.telegram.user_message(user, text)
        await self.telegram.wait_for(lambda: len(self.telegram.messages_to(user)) >= seen + answers)
        return self.telegram.messages_to(user)[-1].plain_text

    async def slack_command(self, user: str, channel: str, text: str, answers: int = 1) -> str:
        seen = len(self.slack.state.responses)
        await self.slack.push(self.slack.slash_command(user, channel, text))
        await self.slack.state.wait_for(lambda: len(self.slack.state.responses) >= seen + answers)
        return str(self.slack.state.responses[-1].body.get("text", ""))


@asynccontextmanager
async def both_platforms(
    database_url: str, telegram: FakeTelegram | None = None, state: SlackState | None = None
) -> AsyncIterator[World]:
    """relay on both fakes; pass the fakes of an earlier run to restart relay against them."""
    telegram = telegram or FakeTelegram(private_chat_rate=None)
    state = state or SlackState(users=[SLACK_COORDINATOR, SLACK_ADMIN], channel_burst=3)
    async with FakeTelegramServer(telegram) as telegram_server, FakeSlackServer(state) as slack:
        settings = load_settings(
            database_url=database_url,
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=telegram_server.base_url,
            slack_bot_token=state.bot_token,
            slack_app_token=state.app_token,
            slack_api_url=slack.api_url,
            coordinators=f"telegram:{TELEGRAM_COORDINATOR},slack:{SLACK_COORDINATOR.id}",
        )
        async with opened(settings) as relay:
            channels: list[Channel] = [
                TelegramChannel(settings),
                SlackChannel(settings, http_port=0),
            ]
            async with delivering(relay, channels):
                yield World(relay, telegram, slack)


async def test_a_telegram_broadcast_reaches_slack_and_a_slack_one_reaches_telegram(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        assert "Santé mentale" in await world.telegram_says(TELEGRAM_PARTNER, "/abonner psy")
        subscribed = await world.slack_command(SLACK_ADMIN.id, "C0SANTE", "abonner santé mentale")
        assert "Santé mentale" in subscribed
        [told] = await world.slack.state.wait_for(lambda: world.slack.state.messages_in("C0SANTE"))
        assert told.text.startswith(f"<@{SLACK_ADMIN.id}> a abonné ce canal")

        await world.telegram_says(
            TELEGRAM_COORDINATOR, "/diffuser #sante-mentale Forum SISM à Pornic", answers=2
        )
        question = world.telegram.messages_to(TELEGRAM_COORDINATOR)[-1]
        assert "2 chats (Slack : 1, Telegram : 1)" in question.plain_text
        assert question.reply_markup is not None
        send = question.reply_markup["inline_keyboard"][0][0]["callback_data"]
        world.telegram.callback_query(
            TELEGRAM_COORDINATOR, TELEGRAM_COORDINATOR, question.message_id, send
        )
        await world.slack.state.wait_for(lambda: len(world.slack.state.messages_in("C0SANTE")) == 2)
        [_, on_slack] = world.slack.state.messages_in("C0SANTE")
        assert "Forum SISM à Pornic" in on_slack.text
        await world.telegram.wait_for(
            lambda: any(
                "Forum SISM" in m.plain_text for m in world.telegram.messages_to(TELEGRAM_PARTNER)
            )
        )
        await world.telegram.wait_for(
            lambda: any(
                "Bilan" in m.plain_text for m in world.telegram.messages_to(TELEGRAM_COORDINATOR)
            )
        )
        summary = world.telegram.messages_to(TELEGRAM_COORDINATOR)[-1].plain_text
        assert "2 remis" in summary and "Slack : 1 remis" in summary

        await world.slack_command(
            SLACK_COORDINATOR.id, "C0COORD", "diffuser #psy Atelier gestion du stress", answers=2
        )
        preview = world.slack.state.responses[-1].body
        buttons = [
            element
            for block in preview.get("blocks", [])
            for element in block.get("elements", [])
            if element.get("type") == "button" and element["text"]["text"] == "Envoyer"
        ]
        assert buttons, preview
        press = world.slack.block_actions(
            SLACK_COORDINATOR.id,
            buttons[0]["action_id"],
            value=buttons[0]["value"],
            channel="C0COORD",
            message_ts="1.000300",
        )
        press["container"]["is_ephemeral"] = True  # /cls answers are private messages
        await world.slack.push(press)
        await world.telegram.wait_for(
            lambda: any(
                "Atelier gestion du stress" in m.plain_text
                for m in world.telegram.messages_to(TELEGRAM_PARTNER)
            )
        )
        await world.slack.state.wait_for(lambda: len(world.slack.state.messages_in("C0SANTE")) == 3)
        # The summary goes to the coordinator alone, not to the channel where they typed.
        coordinator_dm = world.slack.state.conversation_with(SLACK_COORDINATOR.id)[0]
        [slack_summary] = await world.slack.state.wait_for(
            lambda: [m for m in world.slack.state.messages_in(coordinator_dm) if "Bilan" in m.text]
        )
        assert "Telegram : 1 remis" in slack_summary.text
        assert world.slack.state.messages_in("C0COORD") == []
        assert world.telegram.duplicates == 0 and world.slack.state.duplicates == 0
