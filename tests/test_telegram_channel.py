"""The Telegram channel end to end: relay's real adapter against the fake Bot API server."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import aiohttp
import pytest

from relay.announcements import Draft
from relay.app import Relay, delivering, opened
from relay.channels.telegram import TelegramChannel
from relay.channels.telegram_format import MAX_UNITS, TelegramPart, render, utf16_units
from relay.contract import (
    ChatMoved,
    MessageRejected,
    RecipientGone,
    RetryLater,
    TooLateToChange,
)
from relay.messages import AnnouncementKind, AnnouncementView, ChatKind, ChatRef, Platform
from relay.settings import load_settings
from relay.states import AnnouncementSource, AnnouncementState
from relay.store import subscribers
from tests.board_support import LINK, browser, signed_in
from tests.chat import ChatUser
from tests.fakes.telegram_api import (
    DEFAULT_TOKEN,
    FakeTelegram,
    FakeTelegramServer,
    desktop_app_parts,
)
from tests.test_telegram_split import paragraphs_and_lists
from tests.waiting import eventually

COORDINATOR = 1000
PARTNER = 42
GROUP = -100555


@asynccontextmanager
async def running(
    database_url: str, telegram: FakeTelegram
) -> AsyncIterator[tuple[Relay, TelegramChannel]]:
    async with FakeTelegramServer(telegram) as server:
        settings = load_settings(
            database_url=database_url,
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=server.base_url,
            telegram_rate=200,
            coordinators=f"telegram:{COORDINATOR}",
        )
        async with opened(settings) as relay:
            channel = TelegramChannel(settings)
            async with delivering(relay, [channel]):
                yield relay, channel


def texts_to(telegram: FakeTelegram, chat_id: int) -> list[str]:
    return [m.plain_text for m in telegram.messages_to(chat_id)]


async def last_text(telegram: FakeTelegram, chat_id: int, count: int = 1) -> str:
    await telegram.wait_for(lambda: len(telegram.messages_to(chat_id)) >= count)
    return telegram.messages_to(chat_id)[-1].plain_text


async def themes_of(relay: Relay, chat_id: int, kind: ChatKind = ChatKind.PRIVATE) -> set[str]:
    async with relay.db.read() as session:
        return await subscribers.themes_of(session, ChatRef(Platform.TELEGRAM, str(chat_id), kind))


async def test_subscribe_by_command_and_by_button(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (relay, _):
        assert telegram.commands_for("default"), "the command menu is published at start"
        assert "diffuser" in dict(telegram.commands_for("chat", chat_id=COORDINATOR))
        assert "diffuser" not in dict(telegram.commands_for("default"))

        telegram.user_message(PARTNER, "/start")
        assert "Contrat Local de Santé" in await last_text(telegram, PARTNER)
        telegram.user_message(PARTNER, "/abonner santé mentale")
        assert "/profil" in await last_text(telegram, PARTNER, 3), "then the profile is offered"
        assert "Santé mentale" in texts_to(telegram, PARTNER)[1]
        assert await themes_of(relay, PARTNER) == {"sante-mentale"}

        telegram.user_message(PARTNER, "/themes")
        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) >= 4)
        board = telegram.messages_to(PARTNER)[-1]
        assert board.reply_markup is not None
        buttons = [b for row in board.reply_markup["inline_keyboard"] for b in row]
        addictions = next(b for b in buttons if b["text"] == "Addictions")
        assert any(b["text"] == "✅ Santé mentale" for b in buttons)
        telegram.callback_query(PARTNER, PARTNER, board.message_id, addictions["callback_data"])
        await telegram.wait_for(lambda: len(telegram.edits) >= 1)
        edited = telegram.edits[-1]
        assert edited.message_id == board.message_id, "the board is updated in place"
        assert await themes_of(relay, PARTNER) == {"sante-mentale", "addictions"}
        assert telegram.callback_answers, "every button press is answered"


async def test_group_subscription_by_admin_only(database_url: str) -> None:
    telegram = FakeTelegram(group_rate_per_minute=None)
    telegram.set_admins(GROUP, [7])
    async with running(database_url, telegram) as (relay, channel):
        telegram.my_chat_member(GROUP, old_status="left", new_status="member", from_user_id=7)
        greeting = await last_text(telegram, GROUP)
        assert f"/abonner@{channel.username}" in greeting

        telegram.group_message(GROUP, 8, f"/abonner@{channel.username} addictions")
        assert "administrateurs" in await last_text(telegram, GROUP, 2)
        assert await themes_of(relay, GROUP, ChatKind.GROUP) == set()

        telegram.group_message(GROUP, 7, f"/abonner@{channel.username} addictions")
        assert "Addictions" in await last_text(telegram, GROUP, 3)
        assert await themes_of(relay, GROUP, ChatKind.GROUP) == {"addictions"}

        telegram.group_message(GROUP, 8, "bonjour à tous, où trouver un psychologue ?")
        telegram.group_message(GROUP, 8, f"/abonnements@{channel.username}")
        assert "Addictions" in await last_text(telegram, GROUP, 4)
        assert len(telegram.messages_to(GROUP)) == 4, "group chatter gets no answer"


async def test_membership_changes_deactivate_and_reactivate(database_url: str) -> None:
    telegram = FakeTelegram()
    async with running(database_url, telegram) as (relay, _):
        telegram.user_message(PARTNER, "/abonner jeunes")
        await last_text(telegram, PARTNER)

        async def active() -> bool:
            async with relay.db.read() as session:
                (view,) = await subscribers.listing(session)
            return view.active

        telegram.my_chat_member(
            PARTNER, old_status="member", new_status="kicked", from_user_id=PARTNER
        )
        await eventually(lambda: _not(active()))
        telegram.my_chat_member(
            PARTNER, old_status="kicked", new_status="member", from_user_id=PARTNER
        )
        await eventually(active)
        telegram.my_chat_member(GROUP, old_status="member", new_status="left", from_user_id=7)
        telegram.group_message(GROUP, 7, "/abonnements")  # unknown group: nothing to deactivate
        assert await active()


async def _not(value: Awaitable[bool]) -> bool:
    return not await value


async def test_broadcast_reaches_exactly_the_subscribed_chats(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (_, _channel):
        for user, theme in ((11, "santé mentale"), (12, "jeunes"), (13, "handicap"), (14, "tout")):
            telegram.user_message(user, f"/abonner {theme}")
            await last_text(telegram, user)
        telegram.user_message(
            COORDINATOR,
            "/diffuser #sante-mentale #jeunes Réunion <CPTS> & MSP le 12/12 https://exemple.fr/a?b=1&c=2",
        )
        await telegram.wait_for(lambda: len(telegram.messages_to(COORDINATOR)) >= 2)
        preview, question = telegram.messages_to(COORDINATOR)[-2:]
        assert "Réunion <CPTS> & MSP" in preview.plain_text
        assert "3 chats" in question.plain_text
        assert question.reply_markup is not None
        send = question.reply_markup["inline_keyboard"][0][0]
        assert send["text"] == "Envoyer"
        telegram.callback_query(
            COORDINATOR, COORDINATOR, question.message_id, send["callback_data"]
        )
        await telegram.wait_for(lambda: any("Bilan" in t for t in texts_to(telegram, COORDINATOR)))
        for user in (11, 12, 14):
            received = [t for t in texts_to(telegram, user) if "Réunion" in t]
            assert len(received) == 1 and "Réunion <CPTS> & MSP" in received[0]
        assert not [t for t in texts_to(telegram, 13) if "Réunion" in t]
        assert telegram.duplicates == 0


async def test_errors_are_classified_once(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    telegram.block(21)
    telegram.chat_not_found(22)
    telegram.migrate(-23, -10023)
    async with running(database_url, telegram) as (_, channel):
        part = channel.render(AnnouncementView(AnnouncementKind.INFORMATION, "Bonjour"))[0]
        with pytest.raises(RecipientGone, match=r"(?i)blocked"):
            await channel.send(ChatRef(Platform.TELEGRAM, "21"), part)
        with pytest.raises(RecipientGone, match=r"(?i)chat not found"):
            await channel.send(ChatRef(Platform.TELEGRAM, "22"), part)
        with pytest.raises(ChatMoved) as moved:
            await channel.send(ChatRef(Platform.TELEGRAM, "-23", ChatKind.GROUP), part)
        assert moved.value.new_address == "-10023"
        telegram.burst_429(1, retry_after=3)
        with pytest.raises(RetryLater) as busy:
            await channel.send(ChatRef(Platform.TELEGRAM, "24"), part)
        assert busy.value.retry_after == 3 and busy.value.whole_channel
        assert busy.value.nothing_sent
        with pytest.raises(MessageRejected, match=r"(?i)parse entities"):
            await channel.send(ChatRef(Platform.TELEGRAM, "24"), TelegramPart("<b>oops"))


@asynccontextmanager
async def sending_only(
    telegram: FakeTelegram, send_timeout: float = 10.0
) -> AsyncIterator[tuple[TelegramChannel, TelegramPart]]:
    """A Telegram channel connected to the fake for sending, and a message part to send."""
    async with FakeTelegramServer(telegram) as server:
        settings = load_settings(telegram_token=DEFAULT_TOKEN, telegram_api_url=server.base_url)
        channel = TelegramChannel(settings, send_timeout=send_timeout)
        await channel.connect()
        try:
            yield channel, render(AnnouncementView(AnnouncementKind.INFORMATION, "Bonjour"))[0]
        finally:
            await channel.stop()


async def test_withdrawing_and_correcting_map_telegrams_answers() -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with sending_only(telegram) as (channel, part):
        chat = ChatRef(Platform.TELEGRAM, "42")
        message_id = await channel.send(chat, part)
        await channel.edit(chat, message_id, part)  # the same text again is no error
        [corrected] = render(AnnouncementView(AnnouncementKind.INFORMATION, "Bonsoir"))
        await channel.edit(chat, message_id, corrected)
        assert [text.splitlines()[-1] for text in telegram.shown_in(42)] == ["Bonsoir"]
        await channel.delete(chat, message_id)
        await channel.delete(chat, message_id)  # deleted already: nothing left to do
        assert telegram.shown_in(42) == []

        old = await channel.send(chat, part)
        telegram.wall_clock = lambda: time.time() + 49 * 3600
        with pytest.raises(TooLateToChange, match=r"(?i)can't be deleted"):
            await channel.delete(chat, old)
        with pytest.raises(MessageRejected, match=r"(?i)message to edit not found"):
            await channel.edit(chat, "999", corrected)
        telegram.block(42)
        with pytest.raises(RecipientGone):
            await channel.delete(chat, old)


async def test_an_html_bad_gateway_is_one_line_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    telegram = FakeTelegram(private_chat_rate=None, error_rate=1.0)
    async with sending_only(telegram) as (channel, part):
        for _ in range(20):  # the fake answers 500 (JSON) or 502 (an HTML page) at random
            with pytest.raises(RetryLater):
                await channel.send(ChatRef(Platform.TELEGRAM, "31"), part)
    pages = [r for r in caplog.records if "not JSON" in r.getMessage()]
    assert pages and telegram.served_5xx == 20
    assert all(r.levelname == "WARNING" and r.exc_info is None for r in pages)
    assert not any("<html>" in r.getMessage() or r.exc_info for r in caplog.records)


async def test_a_server_error_sent_nothing_but_a_timeout_may_have_sent() -> None:
    """The difference decides whether the attempt still counts against the bot's rate."""
    telegram = FakeTelegram(private_chat_rate=None, hang_seconds=3)
    async with sending_only(telegram, send_timeout=0.5) as (channel, part):
        telegram.error_rate = 1.0
        with pytest.raises(RetryLater) as server_error:
            await channel.send(ChatRef(Platform.TELEGRAM, "31"), part)
        assert server_error.value.nothing_sent and server_error.value.retry_after is None
        telegram.error_rate, telegram.hang_rate = 0.0, 1.0
        with pytest.raises(RetryLater) as timeout:
            await channel.send(ChatRef(Platform.TELEGRAM, "31"), part)
        assert not timeout.value.nothing_sent


def test_long_text_is_split_at_paragraphs_in_utf16_units() -> None:
    paragraph = "Santé 🧠 " * 300  # emoji count twice in UTF-16
    view = AnnouncementView(
        AnnouncementKind.INFORMATION, "\n\n".join([paragraph] * 6), title="Long"
    )
    parts = render(view)
    assert len(parts) > 1
    for part in parts:
        visible = (
            part.html.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace("</i>", "")
        )
        assert utf16_units(visible) <= MAX_UNITS
    assert "".join(p.html for p in parts).count("Santé") == 1800


async def test_fault_injection_delivers_everything_once(database_url: str) -> None:
    """5 % server errors, 2 % hangs past the client's timeout, a burst of 429s, a blocked user and
    a migrated group: every reachable chat gets the broadcast exactly once."""
    telegram = FakeTelegram(
        private_chat_rate=None, error_rate=0.05, hang_rate=0.02, hang_seconds=3, seed=3
    )
    telegram.block(3001)
    telegram.migrate(-3002, -1003002)
    async with FakeTelegramServer(telegram) as server:
        settings = load_settings(
            database_url=database_url,
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=server.base_url,
            telegram_rate=100,
        )
        async with opened(settings) as relay:
            chats = [ChatRef(Platform.TELEGRAM, str(4000 + n)) for n in range(150)]
            chats += [
                ChatRef(Platform.TELEGRAM, "3001"),
                ChatRef(Platform.TELEGRAM, "-3002", ChatKind.GROUP),
            ]
            async with relay.db.write() as session:
                for chat in chats:
                    subscriber = await subscribers.ensure(session, chat, chat.address, "")
                    await subscribers.add_themes(session, subscriber, ["prevention"])
            channel = TelegramChannel(settings, send_timeout=0.5)
            async with delivering(relay, [channel], receive=False):
                telegram.burst_429(5, retry_after=1)
                telegram.hang_next(2)  # … and hangs, whatever the draws and the order of sends
                draft = Draft(
                    "Campagne de vaccination",
                    ("prevention",),
                    (),
                    AnnouncementKind.INFORMATION,
                    "",
                    None,
                    None,
                )
                number, _ = await relay.announcements.create(
                    draft, AnnouncementSource.COORDINATOR, AnnouncementState.QUEUED, None, None
                )
                assert await relay.engine.drain(60, number)
            async with relay.db.read() as session:
                views = {v.address: v for v in await subscribers.listing(session)}
    for n in range(150):
        assert len(telegram.messages_to(4000 + n)) == 1, f"chat {4000 + n}"
    assert len(telegram.messages_to(-1003002)) == 1
    assert telegram.messages_to(3001) == []
    assert telegram.duplicates == 0
    assert telegram.served_5xx > 0 and telegram.abandoned > 0 and telegram.served_429 >= 5
    assert not views["3001"].active and "blocked" in (views["3001"].inactive_reason or "").lower()
    assert "-1003002" in views and "-3002" not in views


def test_relay_run_with_a_refused_token_says_so_in_one_line(database_url: str) -> None:
    with FakeTelegramServer(FakeTelegram()).in_thread() as server:
        result = subprocess.run(
            [sys.executable, "-m", "relay", "run"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
            env={
                **os.environ,
                "RELAY_DATABASE_URL": database_url,
                "RELAY_TELEGRAM_TOKEN": "999:wrong-token",
                "RELAY_TELEGRAM_API_URL": server.base_url,
            },
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "refusé le jeton" in result.stderr
    assert "wrong-token" not in result.stderr, "secrets never appear in errors"


async def test_webhook_mode_receives_updates_posted_by_telegram(database_url: str) -> None:
    telegram = FakeTelegram()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeTelegramServer(telegram) as server:
        settings = load_settings(
            database_url=database_url,
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=server.base_url,
            telegram_webhook_url="https://relay.example.org/telegram/updates",
            telegram_webhook_port=port,
        )
        async with opened(settings) as relay:
            channel = TelegramChannel(settings)
            async with delivering(relay, [channel]):
                assert telegram.webhook_url == "https://relay.example.org/telegram/updates"
                update = telegram.user_message(PARTNER, "/abonner jeunes")
                async with aiohttp.ClientSession() as http:
                    url = f"http://127.0.0.1:{port}/telegram/updates"
                    forged = {"X-Telegram-Bot-Api-Secret-Token": "forged"}
                    async with http.post(url, json=update, headers=forged) as response:
                        assert response.status == 403
                    genuine = {"X-Telegram-Bot-Api-Secret-Token": channel.webhook_secret}
                    async with http.post(url, json=update, headers=genuine) as response:
                        assert response.status == 200
                assert "Santé des jeunes" in await last_text(telegram, PARTNER)
                assert await themes_of(relay, PARTNER) == {"jeunes"}
                assert telegram.requests.get("getUpdates", 0) == 0, "no polling in webhook mode"


async def test_an_answer_waits_out_several_requests_to_slow_down(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as _:
        telegram.burst_429(5, retry_after=1)
        telegram.user_message(PARTNER, "/abonnements")
        await telegram.wait_for(lambda: bool(telegram.messages_to(PARTNER)), timeout=20)
        assert "abonn" in telegram.messages_to(PARTNER)[0].plain_text
        assert telegram.served_429 == 5


async def test_a_hundred_users_at_once_are_all_answered(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None, latency=0.05)
    async with running(database_url, telegram) as (relay, _):
        for user in range(5000, 5100):
            telegram.user_message(user, "/abonner prévention")
        await telegram.wait_for(
            lambda: all(telegram.messages_to(u) for u in range(5000, 5100)), timeout=60
        )
        async with relay.db.read() as session:
            assert len(await subscribers.listing(session)) == 100


COMMAND_ANSWERS = [
    ("/help", "Les commandes"),
    ("/profile", "type de structure"),  # seen: not offered again after /subscribe
    ("/subscribe jeunes", "Santé des jeunes"),
    ("/subscriptions", "Santé des jeunes"),
    ("/desabonner jeunes", "Désabonnement effectué"),
    ("/unsubscribe tout", "désabonnée de tous"),
    ("/trouver psychologue à Pornic", "Pornic"),
    ("/ou CSAPA près de Machecoul", "CSAPA"),
    ("/find dentiste", "dentaire"),
    ("où trouver un CMP ?", "CMP"),
    ("/agenda", "Rien de prévu"),
    ("/proposer Atelier nutrition le 12/12 https://exemple.fr", "proposition n°"),
    ("/propose Forum des jeunes", "proposition n°"),
    ("/diffuser #jeunes Test", "réservée aux coordinateurs"),
    ("/valider 1 #jeunes", "réservée aux coordinateurs"),
    ("/refuser 1", "réservée aux coordinateurs"),
    ("/reunion copil 2027-01-14 14:00 Pornic", "réservée aux coordinateurs"),
    ("/rapport", "réservée aux coordinateurs"),
    ("/oublier", "définitif"),
    ("/forget", "définitif"),
]


async def test_every_partner_command_answers_in_french_on_telegram(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as _:
        for command, expected in COMMAND_ANSWERS:
            answer = await await_answer(telegram, PARTNER, command)
            assert expected in answer, f"{command!r}: {answer}"


async def await_answer(telegram: FakeTelegram, user: int, text: str) -> str:
    seen = len(telegram.messages_to(user))
    telegram.user_message(user, text)
    await telegram.wait_for(lambda: len(telegram.messages_to(user)) > seen)
    return "\n".join(m.plain_text for m in telegram.messages_to(user)[seen:])


SENTENCE = "les porteurs du projet {n} décrivent l'action {w} et son public."
CALL_FOR_PROJECTS = "\n\n".join(
    f"Critère {n} : " + " ".join(SENTENCE.format(n=n, w=w) for w in range(13)) for n in range(1, 16)
)


async def test_a_long_call_for_projects_arrives_whole_in_order(database_url: str) -> None:
    assert 11_000 < len(CALL_FOR_PROJECTS) < 13_000
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (relay, _):
        telegram.user_message(PARTNER, "/abonner prévention")
        await last_text(telegram, PARTNER, 2)  # subscribed, then offered a profile
        coordinator = ChatUser.private(relay, "local", Platform.CONSOLE)
        await coordinator.say(
            "/diffuser #prevention Appel à projets prévention 2027\n\n" + CALL_FOR_PROJECTS
        )
        assert (
            "Sur Telegram, le texte est long : il partira en 4 messages"
            in coordinator.last[-1].text
        )
        assert "C'est parti" in await coordinator.press("Envoyer")
        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) >= 6)
        await relay.engine.drain(10)
        received = texts_to(telegram, PARTNER)[2:]
        assert len(received) == 4 and all(utf16_units(t) <= MAX_UNITS for t in received)
        assert received[0].startswith("📣 Appel à projets — Appel à projets prévention 2027")
        paragraphs = [p for text in received for p in text.split("\n\n")]
        assert [p for p in paragraphs if p.startswith("Critère")] == CALL_FOR_PROJECTS.split("\n\n")
        assert telegram.duplicates == 0


def test_a_paragraph_longer_than_a_message_is_cut_between_sentences() -> None:
    paragraph = " ".join(
        f"Le critère {n} compte pour une part de la note finale." for n in range(250)
    )
    view = AnnouncementView(AnnouncementKind.CALL_FOR_PROJECTS, paragraph)
    texts = [part.html for part in render(view)]
    assert len(texts) == 4 and all(utf16_units(t) <= MAX_UNITS for t in texts)
    body = [texts[0].split("\n\n", 1)[1], *texts[1:]]
    assert all(piece.endswith("finale.") for piece in body[:-1]), "cut between sentences"
    assert " ".join(body).startswith(paragraph)


async def test_a_scheduled_broadcast_reaches_telegram_once_when_due(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (relay, _):
        telegram.user_message(PARTNER, "/abonner jeunes")
        await last_text(telegram, PARTNER, 2)  # subscribed, then offered a profile
        coordinator = ChatUser.private(relay, "local", Platform.CONSOLE)
        await coordinator.say("/diffuser #jeunes Forum des jeunes samedi")
        when = datetime.now(relay.settings.zone) + timedelta(days=1)
        answer = await coordinator.say(f"/programmer 1 {when:%d/%m/%Y} 9h")
        assert "C'est programmé" in answer
        await asyncio.sleep(0.5)
        assert len(telegram.messages_to(PARTNER)) == 2, "nothing before its time"
        due = when.replace(hour=9, minute=0) + timedelta(seconds=30)
        sent = await asyncio.gather(*(relay.announcements.send_scheduled(due) for _ in range(3)))
        assert sorted(n for numbers in sent for n in numbers) == [1]
        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) >= 3)
        assert await relay.engine.drain(10)
        assert "Forum des jeunes samedi" in texts_to(telegram, PARTNER)[2]
        assert len(texts_to(telegram, PARTNER)) == 3 and telegram.duplicates == 0


async def test_tableau_on_telegram_gives_a_link_that_opens_the_coordinator_pages(
    database_url: str,
) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (relay, _):
        assert "tableau" in dict(telegram.commands_for("chat", chat_id=COORDINATOR))
        assert "tableau" not in dict(telegram.commands_for("default"))
        telegram.user_message(PARTNER, "/tableau")
        assert "réservée aux coordinateurs" in await last_text(telegram, PARTNER)
        telegram.user_message(COORDINATOR, "/tableau")
        answer = await last_text(telegram, COORDINATOR)
        found = LINK.search(answer)
        assert found, answer
        async with browser(relay) as http:
            page = await signed_in(http, "/connexion/" + found.group(1))
    assert "connexion aux pages de coordination" in page and "Telegram 1000" in page


async def test_a_short_broadcast_then_a_question_are_two_messages(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as _:
        telegram.user_message(COORDINATOR, "/diffuser #psy Groupe de parole jeudi à Pornic")
        telegram.user_message(COORDINATOR, "où trouver un CMP ?")
        await telegram.wait_for(lambda: len(telegram.messages_to(COORDINATOR)) >= 3)
        answers = texts_to(telegram, COORDINATOR)
        [draft] = [t for t in answers if "Groupe de parole" in t]
        assert "CMP" not in draft
        [found] = [t for t in answers if "CMP" in t]
        assert found.startswith("Voici ce que j'ai trouvé"), found


def previewed(telegram: FakeTelegram) -> bool:
    return any(m.reply_markup for m in telegram.messages_to(GROUP))


async def test_a_message_from_someone_else_between_the_parts_is_not_joined(
    database_url: str,
) -> None:
    telegram = FakeTelegram(group_rate_per_minute=None)
    async with running(database_url, telegram) as (_, channel):
        telegram.my_chat_member(GROUP, old_status="left", new_status="member", from_user_id=7)
        await last_text(telegram, GROUP)  # the greeting
        body = paragraphs_and_lists(6_000)
        command = f"/diffuser@{channel.username} #jeunes Appel à projets jeunesse\n\n" + body
        first, second = desktop_app_parts(command)
        telegram.group_message(GROUP, COORDINATOR, first)
        telegram.group_message(GROUP, 8, "Merci pour l'info, à jeudi !")
        telegram.group_message(GROUP, COORDINATOR, second)
        await telegram.wait_for(
            lambda: any(m.reply_markup for m in telegram.messages_to(GROUP)), 20
        )
        shown = "\n\n".join(texts_to(telegram, GROUP)[1:])
        assert [p for p in shown.split("\n\n") if p.startswith("Critère")] == body.split("\n\n")
        assert "Merci pour l'info" not in shown
