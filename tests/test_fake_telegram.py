"""The fake Telegram Bot API, checked against the real python-telegram-bot client."""

import asyncio
import datetime as dtm
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChatAdministrators,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.request import HTTPXRequest

from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram, FakeTelegramServer

TOKEN = DEFAULT_TOKEN
REPO = Path(__file__).resolve().parent.parent
PRIVATE, OTHER_PRIVATE, GROUP = 42, 43, -555


class ManualClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def timedelta_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    """RetryAfter.retry_after as a timedelta, without python-telegram-bot's deprecation warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def telegram() -> FakeTelegram:
    return FakeTelegram(global_rate=None, private_chat_rate=None, group_rate_per_minute=None)


@pytest.fixture
async def server(telegram: FakeTelegram) -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(telegram) as running:
        yield running


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url) as client:
        yield client


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[None]:  # type: ignore[type-arg]
    async with application:
        assert application.updater is not None
        await application.updater.start_polling()
        await application.start()
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


def application_for(server: FakeTelegramServer) -> Application:  # type: ignore[type-arg]
    return ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()


# ---- sending


async def test_send_message_returns_a_real_message(bot: Bot, telegram: FakeTelegram) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Je viens", callback_data="rsvp:1")]])
    greeting = await bot.send_message(PRIVATE, "Bonjour")
    message = await bot.send_message(
        PRIVATE,
        "<b>Réunion</b> &lt;CPTS&gt; &amp; MSP",
        parse_mode="HTML",
        reply_markup=keyboard,
        reply_to_message_id=greeting.message_id,
        disable_web_page_preview=True,
    )

    assert isinstance(message, Message)
    assert message.chat.id == PRIVATE
    assert message.from_user is not None and message.from_user.username == bot.username
    assert message.text == "Réunion <CPTS> & MSP"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 7)]
    assert message.reply_markup == keyboard
    assert message.reply_to_message is not None
    assert message.reply_to_message.message_id == greeting.message_id
    assert message.message_id == greeting.message_id + 1
    recorded = telegram.messages_to(PRIVATE)[-1]
    assert recorded.text == "<b>Réunion</b> &lt;CPTS&gt; &amp; MSP"
    assert recorded.plain_text == "Réunion <CPTS> & MSP"
    assert recorded.parse_mode == "HTML"
    assert recorded.reply_markup == keyboard.to_dict()
    assert recorded.reply_to_message_id == greeting.message_id
    assert recorded.link_preview_options == {"is_disabled": True}
    assert telegram.delivered_count == 2
    assert telegram.requests["sendMessage"] == 2


async def test_text_without_parse_mode_arrives_exactly_as_typed(
    bot: Bot, telegram: FakeTelegram
) -> None:
    message = await bot.send_message(GROUP, "Réunion <CPTS> & MSP", message_thread_id=7)

    assert message.text == "Réunion <CPTS> & MSP"
    assert message.message_thread_id == 7
    assert telegram.messages_to(GROUP)[0].plain_text == "Réunion <CPTS> & MSP"


@pytest.mark.parametrize(
    ("html", "plain", "entities"),
    [
        ("<b>gras</b> et <i>it</i>", "gras et it", [("bold", 0, 4), ("italic", 8, 2)]),
        ("<strong><em>x</em></strong>", "x", [("bold", 0, 1), ("italic", 0, 1)]),
        ("😀 <u>é</u>", "😀 é", [("underline", 3, 1)]),
        ("&#233;t&#xE9; &quot;ok&quot;", 'été "ok"', []),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [
                ("spoiler", 0, 1),
                ("spoiler", 1, 1),
            ],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del><ins>d</ins>",
            "abcd",
            [
                ("strikethrough", 0, 1),
                ("strikethrough", 1, 1),
                ("strikethrough", 2, 1),
                ("underline", 3, 1),
            ],
        ),
        ("<code>x</code>", "x", [("code", 0, 1)]),
        ("<blockquote>cité</blockquote>", "cité", [("blockquote", 0, 4)]),
        ("<blockquote expandable>long</blockquote>", "long", [("expandable_blockquote", 0, 4)]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", [("custom_emoji", 0, 2)]),
        ("a > b", "a > b", []),
    ],
)
async def test_html_is_parsed_into_text_and_entities(
    bot: Bot, html: str, plain: str, entities: list[tuple[str, int, int]]
) -> None:
    message = await bot.send_message(PRIVATE, html, parse_mode="html")

    assert message.text == plain
    assert [(e.type, e.offset, e.length) for e in message.entities] == entities


async def test_html_links_and_code_blocks_keep_their_arguments(bot: Bot) -> None:
    link = await bot.send_message(
        PRIVATE, '<a href="https://cpts.fr/?a=1&amp;b=2">site</a>', parse_mode="HTML"
    )
    code = await bot.send_message(
        PRIVATE, '<pre><code class="language-python">x = 1</code></pre>', parse_mode="HTML"
    )

    assert link.entities[0].type == "text_link"
    assert link.entities[0].url == "https://cpts.fr/?a=1&b=2"
    assert [(e.type, e.language) for e in code.entities] == [("pre", "python")]


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("Réunion <CPTS> & MSP", 'unsupported start tag "cpts" at byte offset 9'),
        ("a < b", 'unsupported start tag "" at byte offset 2'),
        ("x <3", "unclosed start tag at byte offset 2"),
        ("ligne<br>suivante", 'unsupported start tag "br" at byte offset 5'),
        ("<b>gras", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "unexpected end tag at byte offset 1"),
        ("R&D", 'unescaped "&" at byte offset 1'),
        ("&nbsp;", 'unescaped "&" at byte offset 0'),
        ('<a href="/?a=1&b=2">x</a>', 'unescaped "&" at byte offset 14'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
    ],
)
async def test_invalid_html_is_a_bad_request(
    bot: Bot, telegram: FakeTelegram, html: str, error: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(PRIVATE, html, parse_mode="HTML")

    assert caught.value.message.lower() == f"can't parse entities: {error}"
    assert telegram.delivered_count == 0


@pytest.mark.parametrize(
    ("text", "parse_mode"),
    [("a" * 4096, None), ("<b>" + "a" * 4096 + "</b>", "HTML"), ("&amp;" * 4096, "HTML")],
)
async def test_4096_characters_after_parsing_is_accepted(
    bot: Bot, text: str, parse_mode: str | None
) -> None:
    message = await bot.send_message(PRIVATE, text, parse_mode=parse_mode)

    assert message.text is not None and len(message.text) == 4096


@pytest.mark.parametrize("text", ["a" * 4097, "😀" * 2049])
async def test_longer_texts_counted_in_utf16_are_refused(bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(PRIVATE, text)


@pytest.mark.parametrize(("text", "parse_mode"), [("", None), ("  \n", None), ("<b> </b>", "HTML")])
async def test_empty_text_is_refused(bot: Bot, text: str, parse_mode: str | None) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(PRIVATE, text, parse_mode=parse_mode)


async def test_callback_data_over_64_bytes_is_refused(bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])

    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(PRIVATE, "Choisir", reply_markup=keyboard)


async def test_reply_to_a_missing_message_is_refused_unless_allowed(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(PRIVATE, "x", reply_to_message_id=99)

    message = await bot.send_message(
        PRIVATE, "x", reply_to_message_id=99, allow_sending_without_reply=True
    )
    assert message.reply_to_message is None


async def test_duplicates_are_counted(bot: Bot, telegram: FakeTelegram) -> None:
    await bot.send_message(PRIVATE, "<b>Rappel</b>", parse_mode="HTML")
    await bot.send_message(OTHER_PRIVATE, "Rappel")
    await bot.send_message(PRIVATE, "Rappel")

    assert telegram.duplicates == 1


async def test_send_document_records_name_and_bytes(bot: Bot, telegram: FakeTelegram) -> None:
    content = b"%PDF-1.4 compte rendu"
    message = await bot.send_document(
        PRIVATE,
        document=content,
        filename="compte-rendu.pdf",
        caption="<b>CR</b> de la réunion",
        parse_mode="HTML",
    )

    assert message.document is not None
    assert message.document.file_name == "compte-rendu.pdf"
    assert message.document.file_size == len(content)
    assert message.caption == "CR de la réunion"
    assert [(e.type, e.offset, e.length) for e in message.caption_entities] == [("bold", 0, 2)]
    recorded = telegram.documents[0]
    assert (recorded.chat_id, recorded.filename, recorded.content) == (
        PRIVATE,
        "compte-rendu.pdf",
        content,
    )

    again = await bot.send_document(OTHER_PRIVATE, document=message.document.file_id)
    assert again.document is not None and again.document.file_name == "compte-rendu.pdf"
    assert telegram.documents[1].content == content
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(PRIVATE, document="no-such-file-id")


# ---- errors


async def test_unknown_token_is_unauthorized(server: FakeTelegramServer) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:not-the-token", base_url=server.base_url):
            pass


async def test_burst_429_raises_retry_after(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.burst_429(2, retry_after=7)

    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(PRIVATE, "x")
        assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(PRIVATE, "x")

    assert telegram.served_429 == 2
    assert telegram.delivered_count == 1


async def test_migrated_group_raises_chat_migrated(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.migrate(GROUP, -1001234567890)

    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(GROUP, "x")
    assert caught.value.new_chat_id == -1001234567890

    message = await bot.send_message(-1001234567890, "x")
    assert message.chat.type == "supergroup"


@pytest.mark.parametrize(
    ("script", "chat_id", "error", "description"),
    [
        (FakeTelegram.block, PRIVATE, Forbidden, "Forbidden: bot was blocked by the user"),
        (FakeTelegram.kick, GROUP, Forbidden, "Forbidden: bot was kicked from the group chat"),
        (FakeTelegram.deactivate, PRIVATE, Forbidden, "Forbidden: user is deactivated"),
        (FakeTelegram.chat_not_found, PRIVATE, BadRequest, "Chat not found"),
    ],
)
async def test_scripted_chat_failures(
    bot: Bot,
    telegram: FakeTelegram,
    script: object,
    chat_id: int,
    error: type[Exception],
    description: str,
) -> None:
    getattr(telegram, script.__name__)(chat_id)  # type: ignore[attr-defined]

    with pytest.raises(error) as caught:
        await bot.send_message(chat_id, "x")
    assert str(caught.value) == description
    assert telegram.delivered_count == 0

    telegram.restore(chat_id)
    await bot.send_message(chat_id, "x")


async def test_hang_past_the_client_timeout_is_not_delivered(
    server: FakeTelegramServer, telegram: FakeTelegram
) -> None:
    telegram.hang_rate = 1.0
    impatient = Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest(read_timeout=0.2))
    async with impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(PRIVATE, "x")
        await telegram.wait_for(lambda: telegram.abandoned == 1)
        assert telegram.delivered_count == 0

        telegram.hang_rate = 0.0
        await impatient.send_message(PRIVATE, "x")
    assert telegram.delivered_count == 1


async def test_the_next_sends_hang_when_asked(
    server: FakeTelegramServer, telegram: FakeTelegram
) -> None:
    telegram.hang_next(1)
    impatient = Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest(read_timeout=0.2))
    async with impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(PRIVATE, "x")
        await telegram.wait_for(lambda: telegram.abandoned == 1)
        await impatient.send_message(PRIVATE, "x")  # only the next one
    assert telegram.delivered_count == 1


async def test_injected_server_errors_are_not_delivered(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.error_rate = 1.0

    for _ in range(6):
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(PRIVATE, "x")
        assert not isinstance(caught.value, BadRequest | TimedOut)

    assert telegram.served_5xx == 6
    assert telegram.delivered_count == 0


async def test_error_injection_is_reproducible_with_a_seed() -> None:
    async def outcomes() -> list[bool]:
        telegram = FakeTelegram(private_chat_rate=None, error_rate=0.5, seed=7)
        results = []
        async with (
            FakeTelegramServer(telegram) as server,
            Bot(TOKEN, base_url=server.base_url) as client,
        ):
            for _ in range(12):
                try:
                    await client.send_message(PRIVATE, "x")
                    results.append(True)
                except NetworkError:
                    results.append(False)
        return results

    first = await outcomes()
    assert first == await outcomes()
    assert True in first and False in first


async def test_wait_for_gives_up_after_its_timeout(telegram: FakeTelegram) -> None:
    with pytest.raises(TimeoutError, match="condition still false"):
        await telegram.wait_for(lambda: telegram.delivered_count > 0, timeout=0.05)


async def test_latency_delays_sends(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.latency = 0.2
    started = time.monotonic()

    await bot.send_message(PRIVATE, "x")

    assert time.monotonic() - started >= 0.2


# ---- rate limits


async def test_private_chat_limit_is_one_message_per_second(
    bot: Bot, telegram: FakeTelegram
) -> None:
    telegram.clock = clock = ManualClock()
    telegram.private_chat_rate = 1

    await bot.send_message(PRIVATE, "un")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(PRIVATE, "deux")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(OTHER_PRIVATE, "ailleurs")

    for _ in range(3):
        clock.advance(1.0)
        await bot.send_message(PRIVATE, "au rythme")
    assert telegram.served_429 == 1
    assert len(telegram.messages_to(PRIVATE)) == 4


async def test_group_limit_is_twenty_messages_per_minute(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.clock = clock = ManualClock()
    telegram.group_rate_per_minute = 20

    for _ in range(20):
        await bot.send_message(GROUP, "x")
        clock.advance(0.5)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(GROUP, "x")
    assert caught.value.retry_after == dtm.timedelta(seconds=50)

    clock.advance(50.0)
    await bot.send_message(GROUP, "x")
    assert telegram.served_429 == 1


async def test_global_limit_spans_all_chats(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.clock = clock = ManualClock()
    telegram.global_rate = 5
    telegram.private_chat_rate = 1

    for chat_id in range(1, 6):
        await bot.send_message(chat_id, "x")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(6, "x")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)

    clock.advance(1.0)
    await bot.send_message(6, "x")
    assert telegram.served_429 == 1


async def test_disabled_limits_never_answer_429(bot: Bot, telegram: FakeTelegram) -> None:
    for _ in range(25):
        await bot.send_message(PRIVATE, "x")
        await bot.send_message(GROUP, "x")

    assert telegram.served_429 == 0


# ---- other methods


async def test_commands_are_recorded_by_scope(bot: Bot, telegram: FakeTelegram) -> None:
    private = BotCommandScopeAllPrivateChats()
    admins = BotCommandScopeChatAdministrators(chat_id=GROUP)
    await bot.set_my_commands([("start", "Démarrer"), ("aide", "Aide")], scope=private)
    await bot.set_my_commands([("annonce", "Publier")], scope=admins, language_code="fr")

    assert telegram.commands_for("all_private_chats") == [("start", "Démarrer"), ("aide", "Aide")]
    assert telegram.commands_for("chat_administrators", chat_id=GROUP, language_code="fr") == [
        ("annonce", "Publier")
    ]
    assert telegram.commands_for("chat_administrators", chat_id=GROUP) == []
    assert telegram.commands_for() == []
    assert [c.command for c in await bot.get_my_commands(scope=private)] == ["start", "aide"]

    await bot.delete_my_commands(scope=private)
    assert telegram.commands_for("all_private_chats") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Start", "Majuscule")])


async def test_edits(bot: Bot, telegram: FakeTelegram) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Oui", callback_data="oui")]])
    sent = await bot.send_message(PRIVATE, "Question ?", reply_markup=keyboard)

    edited = await bot.edit_message_text(
        "<i>Répondu</i>", chat_id=PRIVATE, message_id=sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, Message)
    assert edited.text == "Répondu" and edited.edit_date is not None
    assert edited.reply_markup is None
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<i>Répondu</i>", chat_id=PRIVATE, message_id=sent.message_id, parse_mode="HTML"
        )
    restored = await bot.edit_message_reply_markup(
        chat_id=PRIVATE, message_id=sent.message_id, reply_markup=keyboard
    )
    assert isinstance(restored, Message) and restored.reply_markup == keyboard
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=PRIVATE, message_id=999)

    assert [(e.text, e.plain_text) for e in telegram.edits] == [
        ("<i>Répondu</i>", "Répondu"),
        (None, "Répondu"),
    ]


async def test_delete_message_removes_it_once(bot: Bot, telegram: FakeTelegram) -> None:
    first = await bot.send_message(PRIVATE, "Forum le 12/12")
    second = await bot.send_message(PRIVATE, "Programme")

    assert await bot.delete_message(PRIVATE, first.message_id) is True
    assert telegram.shown_in(PRIVATE) == ["Programme"]
    assert [(d.chat_id, d.message_id) for d in telegram.deletions] == [(PRIVATE, first.message_id)]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(PRIVATE, first.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=PRIVATE, message_id=first.message_id)
    await bot.edit_message_text("Programme corrigé", chat_id=PRIVATE, message_id=second.message_id)
    assert telegram.shown_in(PRIVATE) == ["Programme corrigé"]
    assert telegram.messages_to(PRIVATE)[0].plain_text == "Forum le 12/12", "the log stays"


async def test_a_message_older_than_48_hours_cannot_be_deleted(
    bot: Bot, telegram: FakeTelegram
) -> None:
    old = await bot.send_message(PRIVATE, "Forum le 12/12")
    telegram.wall_clock = lambda: time.time() + 48 * 3600 + 60
    recent = await bot.send_message(PRIVATE, "Forum le 14/12")

    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(PRIVATE, old.message_id)
    assert await bot.delete_message(PRIVATE, recent.message_id)
    assert telegram.shown_in(PRIVATE) == ["Forum le 12/12"]


async def test_a_bot_deletes_others_messages_in_a_group_only_as_an_administrator(
    bot: Bot, telegram: FakeTelegram
) -> None:
    said = telegram.group_message(GROUP, 44, "Bonjour", chat_type="group")["message"]

    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(GROUP, said["message_id"])
    telegram.my_chat_member(GROUP, old_status="member", new_status="administrator", from_user_id=44)
    assert await bot.delete_message(GROUP, said["message_id"])


async def test_chats_and_members(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.group_message(GROUP, 44, "Bonjour", chat_type="group", chat_title="CPTS Sud")
    telegram.set_admins(GROUP, [43], owner_id=42)

    chat = await bot.get_chat(GROUP)
    assert isinstance(chat, ChatFullInfo)
    assert (chat.type, chat.title) == ("group", "CPTS Sud")
    administrators = await bot.get_chat_administrators(GROUP)
    assert [type(member) for member in administrators] == [
        ChatMemberOwner,
        ChatMemberAdministrator,
    ]
    assert [member.user.id for member in administrators] == [42, 43]
    member = await bot.get_chat_member(GROUP, 44)
    assert isinstance(member, ChatMemberMember) and member.user.first_name == "Camille"
    with pytest.raises(BadRequest, match="There are no administrators in the private chat"):
        await bot.get_chat_administrators(PRIVATE)

    assert await bot.leave_chat(GROUP)
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(GROUP, "x")


# ---- updates


async def test_long_polling_returns_as_soon_as_an_update_is_queued(
    bot: Bot, telegram: FakeTelegram
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await telegram.wait_for(lambda: telegram.requests["getUpdates"] == 1)
    started = time.monotonic()
    telegram.user_message(PRIVATE, "/aide@relay_test_bot merci @cpts_sud")

    updates = await poll

    assert time.monotonic() - started < 1.0
    assert len(updates) == 1 and isinstance(updates[0], Update)
    message = updates[0].message
    assert message is not None and message.text == "/aide@relay_test_bot merci @cpts_sud"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bot_command", 0, 20),
        ("mention", 27, 9),
    ]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()


async def test_allowed_updates_and_offsets(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.chat_member(
        GROUP, 43, old_status="member", new_status="administrator", from_user_id=42
    )
    telegram.user_message(PRIVATE, "salut")

    updates = await bot.get_updates(timeout=0)
    assert [update.message.text for update in updates if update.message] == ["salut"]
    assert all(update.chat_member is None for update in updates)

    updates = await bot.get_updates(timeout=0, allowed_updates=["chat_member"])
    assert len(updates) == 1
    assert isinstance(updates[0].chat_member, ChatMemberUpdated)
    assert updates[0].chat_member.new_chat_member.status == "administrator"
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert [m.user.id for m in await bot.get_chat_administrators(GROUP)] == [43]


async def test_a_second_poller_terminates_the_first(
    server: FakeTelegramServer, bot: Bot, telegram: FakeTelegram
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await telegram.wait_for(lambda: telegram.requests["getUpdates"] == 1)

    async with Bot(TOKEN, base_url=server.base_url) as second:
        assert await second.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_webhook_excludes_polling(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="https url must be provided"):
        await bot.set_webhook("http://relay.example/hook")
    assert await bot.set_webhook("https://relay.example/hook")
    assert (await bot.get_webhook_info()).url == "https://relay.example/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)

    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_command_reaches_a_polling_application(
    server: FakeTelegramServer, telegram: FakeTelegram
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        name = escape(update.effective_user.first_name)
        await update.effective_message.reply_html(f"Bonjour <b>{name}</b> !", do_quote=True)

    application = application_for(server)
    application.add_handler(CommandHandler("start", start))
    async with polling(application):
        telegram.user_message(PRIVATE, "/start", first_name="Zoé <3")
        telegram.group_message(GROUP, 44, "/start@other_bot")
        update = telegram.group_message(GROUP, 44, "/start@relay_test_bot")
        await telegram.wait_for(
            lambda: bool(telegram.messages_to(PRIVATE) and telegram.messages_to(GROUP))
        )

    [private_reply] = telegram.messages_to(PRIVATE)
    assert private_reply.plain_text == "Bonjour Zoé <3 !"
    assert private_reply.text == "Bonjour <b>Zoé &lt;3</b> !"
    [group_reply] = telegram.messages_to(GROUP)
    assert group_reply.reply_to_message_id == update["message"]["message_id"]


async def test_callback_query_reaches_a_callback_handler(
    server: FakeTelegramServer, telegram: FakeTelegram
) -> None:
    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("C'est noté")
        await query.edit_message_text(f"Choix : {query.data}")

    application = application_for(server)
    application.add_handler(CallbackQueryHandler(on_press))
    async with polling(application):
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Santé mentale", callback_data="theme:sm")]]
        )
        sent = await application.bot.send_message(PRIVATE, "Thème ?", reply_markup=keyboard)
        query_id = telegram.callback_query(PRIVATE, PRIVATE, sent.message_id, "theme:sm")
        await telegram.wait_for(lambda: bool(telegram.edits))

        with pytest.raises(BadRequest, match="Query is too old"):
            await application.bot.answer_callback_query(query_id)

    [answer] = telegram.callback_answers
    assert (answer.callback_query_id, answer.text) == (query_id, "C'est noté")
    assert telegram.edits[0].plain_text == "Choix : theme:sm"


async def test_my_chat_member_reaches_a_chat_member_handler(
    server: FakeTelegramServer, telegram: FakeTelegram
) -> None:
    blocked = asyncio.Event()

    async def on_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        assert change is not None
        if change.new_chat_member.status == "kicked":
            blocked.set()
        elif change.chat.type != "private":
            await context.bot.send_message(change.chat.id, "Merci pour l'ajout !")

    application = application_for(server)
    application.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    async with polling(application):
        telegram.my_chat_member(GROUP, old_status="left", new_status="member", from_user_id=42)
        await telegram.wait_for(lambda: bool(telegram.messages_to(GROUP)))
        telegram.my_chat_member(PRIVATE, old_status="member", new_status="kicked", from_user_id=42)
        await asyncio.wait_for(blocked.wait(), 5)

        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await application.bot.send_message(PRIVATE, "x")


# ---- other ways to run it


def test_in_thread_serves_synchronous_clients() -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    with (
        FakeTelegramServer(telegram).in_thread() as server,
        httpx.Client(base_url=f"{server.base_url}{TOKEN}") as client,
    ):
        as_json = client.post(
            "/SENDMESSAGE",
            json={"chat_id": PRIVATE, "text": "Réunion &lt;CPTS&gt;", "parse_mode": "HTML"},
        )
        as_form = client.post("/sendMessage", data={"chat_id": str(GROUP), "text": "Bonjour"})
        as_query = client.get("/sendMessage", params={"chat_id": PRIVATE, "text": "Salut"})
        unauthorized = httpx.get(f"{server.base_url}1:wrong/getMe")
        telegram.user_message(PRIVATE, "réponse")
        updates = client.get("/getUpdates", params={"timeout": 5}).json()
        telegram.wait_for_blocking(lambda: telegram.delivered_count == 3)

    assert as_json.json()["result"]["text"] == "Réunion <CPTS>"
    assert as_form.json()["result"]["chat"] == {"id": GROUP, "type": "group", "title": "Group -555"}
    assert as_query.json()["ok"] is True
    assert unauthorized.status_code == 401
    assert unauthorized.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert [u["message"]["text"] for u in updates["result"]] == ["réponse"]


async def test_in_thread_long_polls_wake_up_across_loops() -> None:
    telegram = FakeTelegram()
    with FakeTelegramServer(telegram).in_thread() as server:
        async with Bot(TOKEN, base_url=server.base_url) as client:
            poll = asyncio.create_task(client.get_updates(timeout=5))
            await telegram.wait_for(lambda: telegram.requests["getUpdates"] == 1)
            started = time.monotonic()
            telegram.user_message(PRIVATE, "depuis un autre fil")

            [update] = await poll

    assert time.monotonic() - started < 1.0
    assert update.message is not None and update.message.text == "depuis un autre fil"


def test_runs_as_a_process() -> None:
    command = [sys.executable, "-m", "tests.fakes.telegram_api", "--private-chat-rate", "none"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            for text in ("un", "deux"):
                sent = httpx.post(
                    f"{url}/bot{TOKEN}/sendMessage", json={"chat_id": 1, "text": text}
                )
                assert sent.json()["ok"] is True
            stats = httpx.get(f"{url}/fake/stats").json()
        finally:
            process.terminate()

    assert process.returncode == 0
    assert stats["delivered"] == 2
    assert stats["requests"] == {"sendMessage": 2}
