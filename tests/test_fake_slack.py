"""The fake Slack is only worth something if the real clients cannot tell it from Slack: these
tests drive it with slack_sdk's AsyncWebClient and slack-bolt's AsyncApp, unchanged."""

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.say.async_say import AsyncSay
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import (
    DEFAULT_SCOPES,
    FakeSlackServer,
    FakeUser,
    SlackState,
    sign_request,
)

REPO = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ALICE = FakeUser("U0ALICE", "alice", real_name="Alice Martin", is_admin=True)
BOB = FakeUser("U0BOB", "bob", tz="America/Cayenne")
BUTTON = {
    "type": "actions",
    "block_id": "themes",
    "elements": [
        {
            "type": "button",
            "action_id": "subscribe",
            "text": {"type": "plain_text", "text": "S'abonner"},
            "value": "vaccination",
        }
    ],
}
MODAL = {
    "type": "modal",
    "callback_id": "subscribe_form",
    "title": {"type": "plain_text", "text": "Abonnement"},
    "submit": {"type": "plain_text", "text": "Valider"},
    "private_metadata": "C0GENERAL",
    "blocks": [
        {
            "type": "input",
            "block_id": "theme",
            "label": {"type": "plain_text", "text": "Thème"},
            "element": {"type": "plain_text_input", "action_id": "theme_input"},
        }
    ],
}


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer(SlackState(users=[ALICE, BOB])) as server:
        yield server


def web_client(slack: FakeSlackServer, token: str | None = None, **options: Any) -> AsyncWebClient:
    return AsyncWebClient(token=token or slack.state.bot_token, base_url=slack.api_url, **options)


@asynccontextmanager
async def socket_mode(slack: FakeSlackServer, app: AsyncApp) -> AsyncIterator[None]:
    handler = AsyncSocketModeHandler(app, slack.state.app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


# Web API


async def test_post_message_is_answered_and_recorded_like_slack(slack: FakeSlackServer) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Vaccination* : mardi"}}]
    slack.state.channel_rate = 100  # a thread shares its channel's limit

    response = await web_client(slack).chat_postMessage(
        channel="C0GENERAL", text="Vaccination mardi", blocks=blocks, unfurl_links=False
    )
    reply = await web_client(slack).chat_postMessage(
        channel="C0GENERAL", text="Précision", thread_ts=response["ts"]
    )

    assert response["ok"] and response["channel"] == "C0GENERAL"
    assert response["message"]["blocks"] == blocks
    assert response["message"]["bot_id"] == slack.state.bot_id
    first, second = slack.state.messages_in("C0GENERAL")
    assert (first.ts, first.text, first.blocks, first.thread_ts) == (
        response["ts"],
        "Vaccination mardi",
        blocks,
        None,
    )
    assert first.args["unfurl_links"] is False
    assert (second.ts, second.thread_ts) == (reply["ts"], response["ts"])
    assert float(second.ts) > float(first.ts)
    assert slack.state.delivered_count == 2
    assert slack.state.requests["chat.postMessage"] == 2


async def test_a_forced_429_carries_retry_after(slack: FakeSlackServer) -> None:
    slack.state.burst_429(2, retry_after=7)

    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            await web_client(slack).chat_postMessage(channel="C0GENERAL", text="Bonjour")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "7"
        assert raised.value.response["error"] == "ratelimited"
    await web_client(slack).chat_postMessage(channel="C0GENERAL", text="Bonjour")

    assert slack.state.rate_limited == 2
    assert slack.state.delivered_count == 1


async def test_one_message_per_second_per_channel(slack: FakeSlackServer) -> None:
    client = web_client(slack)
    await client.chat_postMessage(channel="C0GENERAL", text="un")

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0GENERAL", text="deux")
    await client.chat_postMessage(channel="C0AUTRE", text="ailleurs")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert [m.text for m in slack.state.messages_in("C0GENERAL")] == ["un"]
    assert slack.state.rate_limited == 1


async def test_a_client_honouring_retry_after_gets_through(slack: FakeSlackServer) -> None:
    client = web_client(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    await client.chat_postMessage(channel="C0GENERAL", text="un")

    await client.chat_postMessage(channel="C0GENERAL", text="deux")

    first, second = slack.state.messages_in("C0GENERAL")
    assert second.posted_at - first.posted_at >= 1.0 - 0.05
    assert slack.state.rate_limited == 1


async def test_workspace_rate_limits_across_channels() -> None:
    async with FakeSlackServer(SlackState(workspace_rate=2)) as slack:
        client = web_client(slack)
        await client.chat_postMessage(channel="C1", text="un")
        await client.chat_postMessage(channel="C2", text="deux")

        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C3", text="trois")

    assert raised.value.response.status_code == 429
    assert slack.state.delivered_count == 2


@pytest.mark.parametrize(
    "error",
    ["channel_not_found", "is_archived", "account_inactive", "msg_too_long", "invalid_blocks"],
)
async def test_scripted_channel_errors(slack: FakeSlackServer, error: str) -> None:
    slack.state.set_channel_error("C0GONE", error)

    with pytest.raises(SlackApiError) as raised:
        await web_client(slack).chat_postMessage(channel="C0GONE", text="Bonjour")
    slack.state.clear_channel_error("C0GONE")
    await web_client(slack).chat_postMessage(channel="C0GONE", text="Bonjour")

    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == error
    assert slack.state.delivered_count == 1


async def test_chat_delete_removes_a_message_of_the_bot_only(slack: FakeSlackServer) -> None:
    client = web_client(slack)
    slack.state.channel_rate = 100
    posted = await client.chat_postMessage(channel="C0GENERAL", text="Vaccination mardi")
    kept = await client.chat_postMessage(channel="C0GENERAL", text="Programme")

    response = await client.chat_delete(channel="C0GENERAL", ts=posted["ts"])

    assert (response["ok"], response["channel"], response["ts"]) == (
        True,
        "C0GENERAL",
        posted["ts"],
    )
    assert [m.text for m in slack.state.messages_in("C0GENERAL")] == ["Programme"]
    assert [m.ts for m in slack.state.deleted] == [posted["ts"]]
    assert slack.state.delivered_count == 2, "the log of posts stays"
    person = slack.state.user_posted("C0GENERAL", ALICE.id, "Merci !")
    refusals = [
        (client.chat_delete(channel="C0GENERAL", ts=posted["ts"]), "message_not_found"),
        (client.chat_delete(channel="C0GENERAL", ts=person.ts), "cant_delete_message"),
        (client.chat_update(channel="C0GENERAL", ts=person.ts, text="x"), "cant_update_message"),
    ]
    for call, error in refusals:
        with pytest.raises(SlackApiError) as raised:
            await call
        assert raised.value.response["error"] == error
    assert [m.ts for m in slack.state.messages_in("C0GENERAL")] == [kept["ts"], person.ts]


async def test_chat_delete_and_update_need_the_direct_message_id(slack: FakeSlackServer) -> None:
    client = web_client(slack)
    posted = await client.chat_postMessage(channel=BOB.id, text="Bonjour")

    for call in (
        client.chat_delete(channel=BOB.id, ts=posted["ts"]),
        client.chat_update(channel=BOB.id, ts=posted["ts"], text="Bonsoir"),
    ):
        with pytest.raises(SlackApiError, match="channel_not_found"):
            await call
    await client.chat_delete(channel=posted["channel"], ts=posted["ts"])
    assert slack.state.messages_in(posted["channel"]) == []


async def test_a_wrong_token_is_invalid_auth(slack: FakeSlackServer) -> None:
    with pytest.raises(SlackApiError) as raised:
        await web_client(slack, "xoxb-wrong").chat_postMessage(channel="C0GENERAL", text="Bonjour")

    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "invalid_auth"
    assert slack.state.delivered_count == 0


async def test_each_token_works_only_where_it_belongs(slack: FakeSlackServer) -> None:
    client = web_client(slack)

    with pytest.raises(SlackApiError) as app_token_posting:
        await web_client(slack, slack.state.app_token).chat_postMessage(channel="C1", text="x")
    with pytest.raises(SlackApiError) as bot_token_connecting:
        await client.apps_connections_open(app_token=slack.state.bot_token)
    opened = await client.apps_connections_open(app_token=slack.state.app_token)

    assert app_token_posting.value.response["error"] == "not_allowed_token_type"
    assert bot_token_connecting.value.response["error"] == "not_allowed_token_type"
    assert opened["url"].startswith("ws://127.0.0.1:")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(text: str, url: str = "https://example.org") -> dict[str, Any]:
    button = {"type": "button", "text": {"type": "plain_text", "text": text}, "url": url}
    return {"type": "actions", "elements": [button]}


@pytest.mark.parametrize(
    "blocks",
    [
        [{"type": "divider"}] * 51,
        [{"type": "carousel"}],
        [{"type": "section", "text": {"type": "markdown", "text": "x"}}],
        [_section("x" * 3001)],
        [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
        [{"type": "header", "text": {"type": "mrkdwn", "text": "*x*"}}],
        [{"type": "context", "elements": [{"type": "plain_text"}]}],
        [_button("x" * 76)],
        [_button("Voir", url="https://example.org/" + "x" * 3000)],
    ],
    ids=["51-blocks", "type", "text-type", "section-3001", "header-151", "header-mrkdwn",
         "context-text", "button-76", "url-3001"],
)  # fmt: skip
async def test_invalid_blocks_are_refused(
    slack: FakeSlackServer, blocks: list[dict[str, Any]]
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await web_client(slack).chat_postMessage(channel="C0GENERAL", text="x", blocks=blocks)

    assert raised.value.response["error"] == "invalid_blocks"
    assert raised.value.response["errors"]
    assert slack.state.delivered_count == 0


async def test_fifty_valid_blocks_are_accepted(slack: FakeSlackServer) -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "x" * 150}},
        _section("x" * 3000),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Source : ARS"}]},
        _button("x" * 75, url="https://example.org/" + "x" * 2980),
        *[{"type": "divider"}] * 46,
    ]

    await web_client(slack).chat_postMessage(channel="C0GENERAL", text="x", blocks=blocks)

    assert slack.state.messages_in("C0GENERAL")[0].blocks == blocks


async def test_joining_clears_not_in_channel_only_where_joinable(slack: FakeSlackServer) -> None:
    client = web_client(slack)
    slack.state.set_channel_error("C0PUBLIC", "not_in_channel", joinable=True)
    slack.state.set_channel_error("C0PRIVATE", "not_in_channel")

    with pytest.raises(SlackApiError) as not_in:
        await client.chat_postMessage(channel="C0PUBLIC", text="Bonjour")
    joined = await client.conversations_join(channel="C0PUBLIC")
    await client.chat_postMessage(channel="C0PUBLIC", text="Bonjour")
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_join(channel="C0PRIVATE")

    assert not_in.value.response["error"] == "not_in_channel"
    assert joined["channel"]["is_member"]
    assert refused.value.response["error"] == "missing_scope"
    assert [m.channel for m in slack.state.messages] == ["C0PUBLIC"]


async def test_a_bot_outside_a_channel_is_treated_as_slack_treats_it() -> None:
    state = SlackState(scopes=[s for s in DEFAULT_SCOPES if s != "chat:write.public"])
    state.add_channel("C0PUBLIC", bot_member=False)
    state.add_channel("C0SECRET", private=True, bot_member=False)
    async with FakeSlackServer(state) as slack:
        client = web_client(slack)
        outside = (await client.conversations_info(channel="C0PUBLIC"))["channel"]
        errors = {}
        for method, channel in [
            (client.chat_postMessage, "C0PUBLIC"),
            (client.chat_postMessage, "C0SECRET"),
            (client.conversations_info, "C0SECRET"),
            (client.conversations_join, "C0SECRET"),
        ]:
            with pytest.raises(SlackApiError) as raised:
                await method(channel=channel, text="Bonjour")
            errors[(method.__name__, channel)] = raised.value.response["error"]
        joined = await client.conversations_join(channel="C0PUBLIC")
        again = await client.conversations_join(channel="C0PUBLIC")
        await client.chat_postMessage(channel="C0PUBLIC", text="Bonjour")
        slack.state.invite_bot("C0SECRET")
        invited = (await client.conversations_info(channel="C0SECRET"))["channel"]
        await client.chat_postMessage(channel="C0SECRET", text="Merci")
        command = slack.slash_command(ALICE.id, "C0SECRET", "aide")

    assert (outside["is_private"], outside["is_member"]) == (False, False)
    assert errors == {
        ("chat_postMessage", "C0PUBLIC"): "not_in_channel",
        ("chat_postMessage", "C0SECRET"): "channel_not_found",
        ("conversations_info", "C0SECRET"): "channel_not_found",
        ("conversations_join", "C0SECRET"): "method_not_supported_for_channel_type",
    }
    assert joined["channel"]["is_member"] and "warning" not in joined
    assert again["warning"] == "already_in_channel"
    assert (invited["is_private"], invited["is_member"]) == (True, True)
    assert [m.channel for m in slack.state.messages] == ["C0PUBLIC", "C0SECRET"]
    assert command["channel_name"] == "privategroup"


async def test_server_errors_are_5xx_and_deliver_nothing() -> None:
    async with FakeSlackServer(SlackState(error_rate=1.0)) as slack:
        with pytest.raises(SlackApiError) as raised:
            await web_client(slack).chat_postMessage(channel="C0GENERAL", text="Bonjour")

    assert raised.value.response.status_code in (500, 503)
    assert slack.state.server_errors == 1
    assert slack.state.delivered_count == 0


async def test_a_hung_post_the_client_gave_up_on_is_not_delivered() -> None:
    async with FakeSlackServer(SlackState(hang_rate=1.0, hang_seconds=30)) as slack:
        client = web_client(slack, timeout=1, retry_handlers=[])
        with pytest.raises(TimeoutError):
            await client.chat_postMessage(channel="C0GENERAL", text="Bonjour")
        await slack.state.wait_for(lambda: slack.state.abandoned)

    assert slack.state.delivered_count == 0


async def test_latency_delays_the_answer() -> None:
    async with FakeSlackServer(SlackState(latency=0.2, jitter=0.05, seed=1)) as slack:
        started = time.monotonic()
        await web_client(slack).chat_postMessage(channel="C0GENERAL", text="Bonjour")

    assert time.monotonic() - started >= 0.2


async def test_duplicates_are_counted(slack: FakeSlackServer) -> None:
    slack.state.channel_rate = 100
    client = web_client(slack)
    for channel, text in [("C1", "Alerte"), ("C2", "Alerte"), ("C1", "Autre"), ("C1", "Alerte")]:
        await client.chat_postMessage(channel=channel, text=text)

    assert slack.state.duplicates == 1


async def test_users_conversations_updates_and_views(slack: FakeSlackServer) -> None:
    client = web_client(slack)

    alice = (await client.users_info(user=ALICE.id, include_locale=True))["user"]
    bob = (await client.users_info(user=BOB.id))["user"]
    opened = await client.conversations_open(users=ALICE.id)
    reopened = await client.conversations_open(users=[ALICE.id])
    dm = opened["channel"]["id"]
    info = (await client.conversations_info(channel=dm))["channel"]
    posted = await client.chat_postMessage(channel=ALICE.id, text="Bienvenue")
    await client.chat_update(channel=dm, ts=posted["ts"], text="Bienvenue !")
    await client.chat_postEphemeral(channel="C0GENERAL", user=BOB.id, text="Pour vous seul")
    home = await client.views_publish(user_id=ALICE.id, view={"type": "home", "blocks": [BUTTON]})
    with pytest.raises(SlackApiError) as unknown_user:
        await client.users_info(user="U0NOBODY")
    with pytest.raises(SlackApiError) as bad_trigger:
        await client.views_open(trigger_id="123.456.abc", view=MODAL)

    assert (alice["is_admin"], alice["real_name"], alice["tz"], alice["locale"]) == (
        True,
        "Alice Martin",
        "Europe/Paris",
        "fr-FR",
    )
    assert (bob["is_admin"], bob["tz_offset"]) == (False, -3 * 3600)
    assert dm.startswith("D") and reopened["channel"]["id"] == dm and reopened["already_open"]
    assert info["is_im"] and info["user"] == ALICE.id
    assert posted["channel"] == dm
    assert [m.text for m in slack.state.messages_in(dm)] == ["Bienvenue !"]
    assert slack.state.updates[0].text == "Bienvenue !"
    assert (slack.state.ephemerals[0].user, slack.state.ephemerals[0].channel) == (
        BOB.id,
        "C0GENERAL",
    )
    assert slack.state.home_views[ALICE.id]["id"] == home["view"]["id"]
    assert unknown_user.value.response["error"] == "user_not_found"
    assert bad_trigger.value.response["error"] == "invalid_trigger_id"


async def test_files_upload_v2(slack: FakeSlackServer) -> None:
    response = await web_client(slack).files_upload_v2(
        channel="C0GENERAL",
        content="commune,cas\nCayenne,3\n",
        filename="cas.csv",
        title="Cas",
        initial_comment="Les chiffres",
    )

    [upload] = slack.state.files
    assert response["file"]["id"] == upload.id and response["file"]["name"] == "cas.csv"
    assert upload.content == b"commune,cas\nCayenne,3\n"
    assert (upload.channel, upload.title, upload.initial_comment) == (
        "C0GENERAL",
        "Cas",
        "Les chiffres",
    )


# Socket Mode, with slack-bolt


async def test_slash_command_is_acked_then_answered(slack: FakeSlackServer) -> None:
    app = AsyncApp(client=web_client(slack))

    @app.command("/cls")
    async def cls(
        ack: AsyncAck, respond: AsyncRespond, say: AsyncSay, command: dict[str, Any]
    ) -> None:
        await ack()
        await respond(f"Reçu : {command['text']}")
        await say(f"<@{command['user_id']}> cherche de l'aide")

    async with socket_mode(slack, app):
        ack = await slack.push(slack.slash_command(ALICE.id, "C0GENERAL", "aide"))
        await slack.state.wait_for(
            lambda: slack.state.responses and slack.state.messages_in("C0GENERAL")
        )

    assert ack.envelope_type == "slash_commands" and ack.payload is None
    assert ack.delay < 3
    assert slack.state.acks == [ack]
    assert slack.state.responses[0].body["text"] == "Reçu : aide"
    assert slack.state.messages_in("C0GENERAL")[0].text == f"<@{ALICE.id}> cherche de l'aide"


async def test_app_mention_is_answered_in_its_thread(slack: FakeSlackServer) -> None:
    app = AsyncApp(client=web_client(slack))
    retries: list[object] = []

    @app.event("app_mention")
    async def mention(event: dict[str, Any], say: AsyncSay, request: AsyncBoltRequest) -> None:
        retries.append(request.headers.get("x-slack-retry-num"))
        await say("Je regarde", thread_ts=event["ts"])

    mention_payload = slack.app_mention(BOB.id, "C0GENERAL", "des nouvelles ?")
    async with socket_mode(slack, app):
        ack = await slack.push(mention_payload, retry_attempt=1, retry_reason="timeout")
        [reply] = await slack.state.wait_for(lambda: slack.state.messages_in("C0GENERAL"))

    assert ack.envelope_type == "events_api"
    assert mention_payload["event"]["text"].startswith(f"<@{slack.state.bot_user_id}>")
    assert reply.thread_ts == mention_payload["event"]["ts"]
    assert retries == [["1"]]


async def test_button_opens_a_modal_whose_submission_is_acked(slack: FakeSlackServer) -> None:
    app = AsyncApp(client=web_client(slack))
    clicked: list[dict[str, Any]] = []

    @app.action("subscribe")
    async def subscribe(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        clicked.append(body)
        await client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("subscribe_form")
    async def submitted(ack: AsyncAck, view: dict[str, Any]) -> None:
        theme = view["state"]["values"]["theme"]["theme_input"]["value"]
        await ack(response_action="errors", errors={"theme": f"Thème inconnu : {theme}"})

    posted = await web_client(slack).chat_postMessage(
        channel="C0GENERAL", text="Thèmes", blocks=[BUTTON]
    )
    async with socket_mode(slack, app):
        click = slack.block_actions(
            ALICE.id, "subscribe", value="vaccination", channel="C0GENERAL", message_ts=posted["ts"]
        )
        await slack.push(click)
        [modal] = await slack.state.wait_for(lambda: slack.state.opened_views)
        values = {"theme": {"theme_input": {"type": "plain_text_input", "value": "grippe"}}}
        ack = await slack.push(slack.view_submission(ALICE.id, "subscribe_form", values))

    [body] = clicked
    assert body["actions"][0]["block_id"] == "themes"
    assert body["actions"][0]["value"] == "vaccination"
    assert body["message"]["ts"] == posted["ts"]
    assert modal["callback_id"] == "subscribe_form"
    assert ack.payload == {
        "response_action": "errors",
        "errors": {"theme": "Thème inconnu : grippe"},
    }


async def test_app_home_and_direct_messages_reach_their_listeners(slack: FakeSlackServer) -> None:
    app = AsyncApp(client=web_client(slack))

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.views_publish(
            user_id=event["user"], view={"type": "home", "blocks": [_section("Accueil")]}
        )

    @app.event("message")
    async def direct(message: dict[str, Any], say: AsyncSay) -> None:
        await say(f"Vous avez dit : {message['text']}")

    dm, _ = slack.state.conversation_with(BOB.id)
    async with socket_mode(slack, app):
        await slack.push(slack.app_home_opened(BOB.id))
        await slack.push(slack.message_im(BOB.id, dm, "bonjour"))
        await slack.state.wait_for(lambda: BOB.id in slack.state.home_views)
        [reply] = await slack.state.wait_for(lambda: slack.state.messages_in(dm))

    assert reply.text == "Vous avez dit : bonjour"
    assert slack.app_home_opened(BOB.id)["event"]["view"] == slack.state.home_views[BOB.id]


async def test_clients_reconnect_when_asked_to(slack: FakeSlackServer) -> None:
    app = AsyncApp(client=web_client(slack))

    @app.command("/cls")
    async def cls(ack: AsyncAck) -> None:
        await ack("ok")

    async with socket_mode(slack, app):
        await slack.disconnect()
        await slack.state.wait_for(lambda: slack.sessions == 2 and slack.connections == 1)
        ack = await slack.push(slack.slash_command(ALICE.id, "C0GENERAL"))

    assert ack.payload == {"text": "ok"}
    assert slack.state.requests["apps.connections.open"] == 2


# HTTP mode


@pytest.mark.parametrize("kind", ["command", "event", "interactive"])
async def test_signed_requests_verify_and_altered_ones_do_not(
    slack: FakeSlackServer, kind: str
) -> None:
    payload = {
        "command": slack.slash_command(ALICE.id, "C0GENERAL", "aide"),
        "event": slack.app_mention(ALICE.id, "C0GENERAL", "bonjour"),
        "interactive": slack.view_submission(ALICE.id, "subscribe_form", {}),
    }[kind]
    verifier = SignatureVerifier(SIGNING_SECRET)

    signed = sign_request(payload, SIGNING_SECRET)
    stale = sign_request(payload, SIGNING_SECRET, timestamp=int(time.time()) - 600)
    forged = sign_request(payload, SIGNING_SECRET, bad_signature=True)

    assert verifier.is_valid_request(signed.body, signed.headers)
    assert not verifier.is_valid_request(signed.body + b" ", signed.headers)
    assert not verifier.is_valid_request(stale.body, stale.headers)
    assert not verifier.is_valid_request(forged.body, forged.headers)
    form = parse_qs(signed.body.decode())
    decoded = {
        "command": {key: values[0] for key, values in form.items()},
        "event": json.loads(signed.body) if kind == "event" else None,
        "interactive": json.loads(form["payload"][0]) if "payload" in form else None,
    }[kind]
    assert decoded == payload


async def test_bolt_in_http_mode_accepts_exactly_the_well_signed(slack: FakeSlackServer) -> None:
    app = AsyncApp(client=web_client(slack), signing_secret=SIGNING_SECRET)

    @app.command("/cls")
    async def cls(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack(f"Reçu : {command['text']}")

    async def dispatch(payload: dict[str, Any], **signing: Any) -> tuple[int, str]:
        signed = sign_request(payload, SIGNING_SECRET, **signing)
        request = AsyncBoltRequest(body=signed.body.decode(), headers=dict(signed.headers))
        response = await app.async_dispatch(request)
        return response.status, response.body

    command = slack.slash_command(ALICE.id, "C0GENERAL", "aide")
    status, body = await dispatch(command)
    challenge = await dispatch(slack.url_verification("3eZbrw1aBm2rZgRNFdxV"))

    assert (status, body) == (200, "Reçu : aide")
    assert json.loads(challenge[1]) == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}
    assert (await dispatch(command, timestamp=int(time.time()) - 600))[0] == 401
    assert (await dispatch(command, bad_signature=True))[0] == 401
    assert (await dispatch(command, retry_num=1))[0] == 200


# Running elsewhere


async def test_runs_in_a_thread_with_its_own_loop() -> None:
    app = None
    with FakeSlackServer(SlackState(users=[ALICE])) as slack:
        app = AsyncApp(client=web_client(slack))

        @app.command("/cls")
        async def cls(ack: AsyncAck, say: AsyncSay) -> None:
            await ack()
            await say("depuis un autre fil")

        async with socket_mode(slack, app):
            ack = await slack.push(slack.slash_command(ALICE.id, "C0GENERAL"))
            await slack.state.wait_for(lambda: slack.state.delivered_count)

    assert ack.delay < 3
    assert slack.state.messages[0].text == "depuis un autre fil"


async def test_runs_as_a_process() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.slack_api",
        "--bot-token",
        "xoxb-bench",
        "--workspace-rate",
        "100",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        url = (await asyncio.wait_for(process.stdout.readline(), timeout=10)).decode().strip()
        client = AsyncWebClient(token="xoxb-bench", base_url=f"{url}/api/")
        await client.chat_postMessage(channel="C0GENERAL", text="Bonjour")
        async with aiohttp.ClientSession() as session, session.get(f"{url}/fake/stats") as stats:
            counters = await stats.json()
    finally:
        process.terminate()
        await process.wait()

    assert url.startswith("http://127.0.0.1:")
    assert counters["delivered"] == 1
    assert process.returncode == 0
