"""relay's one HTTP server: the site, Slack's HTTP mode and the Telegram webhook on one port, as
a platform's `web` process on `$PORT` serves them; `relay run` without a token serves the site
and the console; a port already taken is one French line."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request

import aiohttp

from relay.app import delivering, opened, serving
from relay.channels.slack_manifest import BOT_SCOPES
from relay.channels.telegram import TelegramChannel
from relay.settings import load_settings
from tests.fakes.slack_api import FakeSlackServer, FakeUser, SlackState, sign_request
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram, FakeTelegramServer

SECRET = "relay-test-signing-secret"
ALICE = FakeUser("U0ALICE", "alice", real_name="Alice Martin")
PARTNER = 42
WEBHOOK = "https://relay.example.org/telegram/updates"


async def test_one_port_serves_the_site_slack_events_and_the_telegram_webhook(
    database_url: str,
) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    state = SlackState(users=[ALICE], scopes=BOT_SCOPES)
    async with (
        FakeTelegramServer(telegram) as telegram_server,
        FakeSlackServer(state) as slack,
        aiohttp.ClientSession() as http,
    ):
        settings = load_settings(
            database_url=database_url,
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=telegram_server.base_url,
            telegram_webhook_url=WEBHOOK,
            slack_bot_token=state.bot_token,
            slack_api_url=slack.api_url,
            slack_signing_secret=SECRET,
        )
        async with opened(settings) as relay:
            channels = relay.platform_channels(own_server=False)
            async with serving(relay.site(channels)) as server, delivering(relay, channels):
                async with http.get(f"{server.url}/sante") as response:
                    assert response.status == 200
                async with http.get(f"{server.url}/annuaire?q=CSAPA") as response:
                    assert "fiche" in await response.text()

                [telegram_channel] = [c for c in channels if isinstance(c, TelegramChannel)]
                assert telegram.webhook_url == WEBHOOK
                update = telegram.user_message(PARTNER, "/abonner jeunes")
                secret = {"X-Telegram-Bot-Api-Secret-Token": telegram_channel.webhook_secret}
                forged = {"X-Telegram-Bot-Api-Secret-Token": "forged"}
                hook = f"{server.url}/telegram/updates"
                async with http.post(hook, json=update, headers=forged) as response:
                    assert response.status == 403
                async with http.post(hook, json=update, headers=secret) as response:
                    assert response.status == 200
                await telegram.wait_for(lambda: bool(telegram.messages_to(PARTNER)))
                assert "Santé des jeunes" in telegram.messages_to(PARTNER)[0].plain_text
                assert telegram.requests.get("getUpdates", 0) == 0, "no polling in webhook mode"

                command = slack.slash_command(ALICE.id, "D0ALICE", "abonner jeunes")
                signed = sign_request(command, SECRET)
                events = f"{server.url}/slack/events"
                async with http.post(events, data=signed.body, headers=signed.headers) as response:
                    assert response.status == 200
                await state.wait_for(lambda: bool(state.responses))
                assert "Santé des jeunes" in state.responses[0].body["text"]
                unsigned = {"Content-Type": "application/json"}
                async with http.post(events, data=b"{}", headers=unsigned) as response:
                    assert response.status == 401


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_relay_run_without_a_token_serves_the_site_and_the_console(database_url: str) -> None:
    port = free_port()
    env = {**os.environ, "RELAY_DATABASE_URL": database_url, "RELAY_WEB_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "relay", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdin and process.stdout and process.stderr
    try:
        assert "Aucun jeton Telegram ni Slack" in process.stdout.readline()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as response:
            assert response.status == 200
            assert "Annuaire des actions et des acteurs" in response.read().decode()
        process.stdin.write("/abonner jeunes\n")
        process.stdin.flush()
        assert "Santé des jeunes" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    errors = process.stderr.read()
    assert f"le site web répond sur http://127.0.0.1:{port}" in errors
    assert "Traceback" not in errors


def test_a_port_already_taken_is_one_french_line(database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "relay", "run"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "RELAY_DATABASE_URL": database_url, "RELAY_WEB_PORT": str(port)},
        )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"ne peut pas écouter sur 127.0.0.1:{port}" in result.stderr
    assert "RELAY_WEB_PORT" in result.stderr and "Traceback" not in result.stderr
