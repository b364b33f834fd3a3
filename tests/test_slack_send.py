"""The Slack channel's `send`, as the delivery engine uses it: every way Slack answers becomes one
of relay's channel errors, and slack_sdk never retries behind the engine's back."""

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from relay.channels.slack import SlackChannel
from relay.contract import (
    ChannelDown,
    CommandInfo,
    MessageRejected,
    RecipientGone,
    RetryLater,
    TooLateToChange,
)
from relay.messages import Attachment, ChatKind, ChatRef, Platform, Reply
from relay.settings import SettingsError, load_settings
from tests.fakes.slack_api import FakeSlackServer, FakeUser, SlackState

BOB = FakeUser("U0BOB", "bob")
CHANNEL = ChatRef(Platform.SLACK, "C0SANTE", ChatKind.CHANNEL)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer(SlackState(users=[BOB])) as server:
        yield server


def channel_for(slack: FakeSlackServer, api_url: str | None = None, **options: Any) -> SlackChannel:
    settings = load_settings(
        slack_bot_token=slack.state.bot_token,
        slack_app_token=slack.state.app_token,
        slack_api_url=api_url or slack.api_url,
    )
    return SlackChannel(settings, **options)


async def send(channel: SlackChannel, chat: ChatRef = CHANNEL, text: str = "Bonjour") -> str:
    [part] = channel.render(Reply(text))
    return await channel.send(chat, part)


async def test_a_send_returns_the_message_ts(slack: FakeSlackServer) -> None:
    ts = await send(channel_for(slack))

    [message] = slack.state.messages_in("C0SANTE")
    assert message.ts == ts and message.text == "Bonjour"
    assert message.args["unfurl_links"] is False


async def test_a_user_id_reaches_that_users_direct_message(slack: FakeSlackServer) -> None:
    await send(channel_for(slack), ChatRef(Platform.SLACK, BOB.id))

    assert [m.text for m in slack.state.messages_in(slack.state.conversation_with(BOB.id)[0])] == [
        "Bonjour"
    ]


async def test_a_file_is_uploaded_to_the_direct_message(slack: FakeSlackServer) -> None:
    channel = channel_for(slack)
    invitation = Attachment("copil.ics", b"BEGIN:VCALENDAR", "text/calendar")
    text, document = channel.render(Reply("Invitation", attachment=invitation))

    await channel.send(ChatRef(Platform.SLACK, BOB.id), text)
    file_id = await channel.send(ChatRef(Platform.SLACK, BOB.id), document)

    [uploaded] = slack.state.files
    assert (uploaded.id, uploaded.filename, uploaded.content) == (
        file_id,
        "copil.ics",
        b"BEGIN:VCALENDAR",
    )
    assert uploaded.channel == slack.state.conversation_with(BOB.id)[0]


async def test_ratelimited_carries_retry_after_and_is_not_retried(slack: FakeSlackServer) -> None:
    slack.state.burst_429(1, retry_after=7)

    with pytest.raises(RetryLater) as raised:
        await send(channel_for(slack))

    assert (raised.value.reason, raised.value.retry_after) == ("ratelimited", 7.0)
    assert raised.value.whole_channel and raised.value.nothing_sent
    assert slack.state.requests["chat.postMessage"] == 1


async def test_server_errors_are_retried_later_by_the_engine(slack: FakeSlackServer) -> None:
    slack.state.error_rate = 1.0

    with pytest.raises(RetryLater) as raised:
        await send(channel_for(slack))

    assert raised.value.reason in ("HTTP 500", "HTTP 503")
    assert raised.value.retry_after is None and not raised.value.whole_channel
    assert raised.value.nothing_sent  # Slack answered: no message left, the rate is not spent
    assert slack.state.requests["chat.postMessage"] == 1


async def test_a_timeout_is_retried_later(slack: FakeSlackServer) -> None:
    slack.state.hang_rate, slack.state.hang_seconds = 1.0, 10

    with pytest.raises(RetryLater) as raised:
        await send(channel_for(slack, timeout=1))
    await slack.state.wait_for(lambda: slack.state.abandoned)

    assert "Timeout" in raised.value.reason
    assert not raised.value.nothing_sent  # the message may have been posted
    assert slack.state.delivered_count == 0


async def test_an_unreachable_slack_is_retried_later(slack: FakeSlackServer) -> None:
    with pytest.raises(RetryLater) as raised:
        await send(channel_for(slack, api_url="http://127.0.0.1:9/api/"))

    assert "Connect" in raised.value.reason


@pytest.mark.parametrize(
    "error", ["channel_not_found", "is_archived", "account_inactive", "user_not_found"]
)
async def test_a_vanished_recipient_is_gone(slack: FakeSlackServer, error: str) -> None:
    slack.state.set_channel_error("C0SANTE", error)

    with pytest.raises(RecipientGone) as raised:
        await send(channel_for(slack))

    assert raised.value.reason == error


@pytest.mark.parametrize("error", ["msg_too_long", "invalid_blocks", "invalid_arguments"])
async def test_a_refused_message_is_rejected(slack: FakeSlackServer, error: str) -> None:
    slack.state.set_channel_error("C0SANTE", error)

    with pytest.raises(MessageRejected) as raised:
        await send(channel_for(slack))

    assert raised.value.reason == error


async def test_a_withdrawal_or_correction_for_a_user_id_finds_their_direct_message(
    slack: FakeSlackServer,
) -> None:
    channel = channel_for(slack)
    bob = ChatRef(Platform.SLACK, BOB.id)
    ts = await send(channel, bob, "Forum le 12/12")
    [corrected] = channel.render(Reply("Forum le 14/12"))

    await channel.edit(bob, ts, corrected)
    direct_message = slack.state.conversation_with(BOB.id)[0]
    assert [m.text for m in slack.state.messages_in(direct_message)] == ["Forum le 14/12"]
    await channel.delete(bob, ts)
    await channel.delete(bob, ts)  # deleted already: nothing left to do
    assert slack.state.messages_in(direct_message) == []


async def test_what_slack_will_not_change_is_refused_with_its_reason(
    slack: FakeSlackServer,
) -> None:
    channel = channel_for(slack)
    [part] = channel.render(Reply("Forum le 14/12"))
    someone = slack.state.user_posted("C0SANTE", BOB.id, "Merci !")

    with pytest.raises(MessageRejected, match="cant_delete_message"):
        await channel.delete(CHANNEL, someone.ts)
    with pytest.raises(MessageRejected, match="cant_update_message"):
        await channel.edit(CHANNEL, someone.ts, part)
    with pytest.raises(MessageRejected, match="fichier"):
        await channel.delete(CHANNEL, "F0FLYER01")
    slack.state.set_channel_error("C0SANTE", "edit_window_closed")
    with pytest.raises(TooLateToChange):
        await channel.edit(CHANNEL, someone.ts, part)
    slack.state.set_channel_error("C0SANTE", "is_archived")
    with pytest.raises(RecipientGone):
        await channel.delete(CHANNEL, someone.ts)


async def test_a_public_channel_is_joined_then_delivered(slack: FakeSlackServer) -> None:
    slack.state.set_channel_error("C0SANTE", "not_in_channel", joinable=True)

    await send(channel_for(slack))

    assert [m.text for m in slack.state.messages_in("C0SANTE")] == ["Bonjour"]
    assert slack.state.requests["conversations.join"] == 1


async def test_a_channel_that_cannot_be_joined_is_gone(slack: FakeSlackServer) -> None:
    slack.state.set_channel_error("C0SANTE", "not_in_channel")

    with pytest.raises(RecipientGone) as raised:
        await send(channel_for(slack))

    assert raised.value.reason == "not_in_channel (missing_scope)"
    assert slack.state.requests["chat.postMessage"] == 1


async def test_a_revoked_token_stops_the_channel_loudly_once(
    slack: FakeSlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    channel = channel_for(slack)
    slack.state.bot_token = "xoxb-rotated"

    for _ in range(3):
        with pytest.raises(ChannelDown) as raised:
            await send(channel)

    assert raised.value.reason == "invalid_auth"
    alarms = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(alarms) == 1 and "xoxb-" not in alarms[0].getMessage()


class MenuOnly:
    """A core that only knows its commands: enough for a channel that fails to start."""

    def commands(self, coordinator: bool) -> list[CommandInfo]:
        return []


async def test_a_refused_token_fails_the_start_with_the_reason(slack: FakeSlackServer) -> None:
    channel = channel_for(slack)
    slack.state.bot_token = "xoxb-rotated"

    with pytest.raises(ChannelDown, match="invalid_auth"):
        await channel.start(MenuOnly())  # type: ignore[arg-type]


def test_http_mode_needs_a_signing_secret() -> None:
    settings = load_settings(slack_bot_token="xoxb-1")

    with pytest.raises(SettingsError, match="RELAY_SLACK_SIGNING_SECRET"):
        SlackChannel(settings)
