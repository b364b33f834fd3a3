"""The Telegram channel, on python-telegram-bot.

The Application lives inside relay's own event loop (initialize, start, start_polling, and the
reverse on stop; never run_polling). In webhook mode Telegram posts updates to a route that relay's
one web server mounts (`http_routes`), or, for a channel built with its own server, to that server
on RELAY_TELEGRAM_WEBHOOK_PORT. Updates become Incoming messages for the core; replies and
deliveries become HTML messages with inline keyboards. A text Telegram's app split into several
messages reaches the core whole (telegram_split). Pacing is the delivery engine's job, so no
rate limiter is installed here, and python-telegram-bot's errors are mapped once to the channel
errors of relay.contract.
"""

import asyncio
import hashlib
import hmac
import json
import logging
import time
import warnings
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from relay.channels.telegram_format import TelegramPart, escape, render
from relay.channels.telegram_split import SplitTexts
from relay.contract import (
    ChannelDown,
    ChatMoved,
    Core,
    FileTooLarge,
    FileUnavailable,
    MessageRejected,
    RecipientGone,
    RetryLater,
    SendError,
    TooLateToChange,
)
from relay.messages import (
    Attachment,
    Button,
    ChatKind,
    ChatRef,
    Download,
    Incoming,
    Outgoing,
    Platform,
    Reply,
    SharedFile,
    UserRef,
)
from relay.settings import Settings

log = logging.getLogger(__name__)

GREETING_TEXT = (
    "Bonjour ! Je suis relay, le relais d'information du Contrat Local de Santé. "
    "Un administrateur du groupe peut l'abonner aux thèmes utiles avec "
    "/abonner@{bot} <thème…> (par exemple /abonner@{bot} santé mentale), "
    "ou voir la liste avec /themes@{bot}."
)
TOKEN_REFUSED = "Telegram a refusé le jeton du bot (RELAY_TELEGRAM_TOKEN)."
UNREACHABLE_TEXT = (
    "Telegram est injoignable ({kind}) : vérifiez RELAY_TELEGRAM_API_URL et le réseau."
)
LEFT_REASON = "bot retiré du groupe"
BLOCKED_REASON = "bot bloqué par l'utilisateur"
ADMIN_CACHE_SECONDS = 300
DOWNLOAD_SECONDS = 60.0
PHOTO_NAME = "image.jpg"  # Telegram photos have no name
DOCUMENT_NAME = "document"
REPLY_PATIENCE = 60.0  # seconds an answer to a command waits out Telegram's "retry after"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]

# Telegram's refusals of an image as a photo: it may still go as a document.
_PHOTO_REFUSED = (
    "photo_invalid_dimensions",
    "photo_save_file_invalid",
    "photo_ext_invalid",
    "photo_invalid",
    "image_process_failed",
)
# Telegram's error texts for a chat that is gone for good (matched case-insensitively: the
# library rewrites some of them).
_GONE = (
    "chat not found",
    "user is deactivated",
    "bot was blocked",
    "bot was kicked",
    "not a member",
    "group chat was deactivated",
    "have no rights to send",
    "need administrator rights",
    "peer_id_invalid",
    "chat_write_forbidden",
)
# Its answer to deleting a message sent more than 48 hours ago ("… for everyone" in a private
# chat): the bot can no longer withdraw it.
_TOO_LATE = "message can't be deleted"
_ALREADY_DELETED = "message to delete not found"
_UNCHANGED = "message is not modified"
DOCUMENT_UNCHANGED = "un document déjà envoyé ne peut pas être corrigé"


class _NotJsonAnswer(logging.Filter):
    """python-telegram-bot logs every answer it cannot parse (the HTML page of a 502 from
    Telegram's front servers) as an error with a traceback and the page. The send is retried
    like any 5xx: one line says so."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Can not load invalid JSON data"):
            record.msg, record.args = "Telegram answered a page that is not JSON; retried", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


logging.getLogger("telegram.request.BaseRequest").addFilter(_NotJsonAnswer())

_CHAT_KINDS: dict[str, ChatKind] = {
    ChatType.PRIVATE: ChatKind.PRIVATE,
    ChatType.GROUP: ChatKind.GROUP,
    ChatType.SUPERGROUP: ChatKind.GROUP,
    ChatType.CHANNEL: ChatKind.CHANNEL,
}


class TelegramChannel:
    platform = Platform.TELEGRAM

    def __init__(
        self,
        settings: Settings,
        send_pool_size: int = 20,
        send_timeout: float = 10.0,
        own_server: bool = True,
    ) -> None:
        """`own_server`: in webhook mode, listen on RELAY_TELEGRAM_WEBHOOK_PORT; without it the
        caller mounts `http_routes()` on its own server."""
        assert settings.telegram_token is not None
        self._settings = settings
        self._own_server = own_server
        self._runner: web.AppRunner | None = None
        self._core: Core | None = None
        self._admins: dict[tuple[int, int], tuple[bool, float]] = {}
        self._connected = False
        self._connecting = asyncio.Lock()
        self._splits = SplitTexts()
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(settings.telegram_api_url)
            .base_file_url(settings.telegram_api_url.replace("/bot", "/file/bot"))
            .request(
                HTTPXRequest(
                    connection_pool_size=send_pool_size,
                    read_timeout=send_timeout,
                    # Many answers at once wait for a free connection rather than fail after
                    # the library's default second (the answer would be lost).
                    pool_timeout=send_timeout,
                )
            )
            .get_updates_request(HTTPXRequest(read_timeout=40))
            .concurrent_updates(256)
            .build()
        )
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_handler(
            ChatMemberHandler(self._on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        self.application.add_handler(
            MessageHandler(
                (filters.TEXT | filters.PHOTO | filters.Document.ALL) & ~filters.UpdateType.EDITED,
                self._on_message,
            )
        )
        self.application.add_error_handler(self._on_error)

    @property
    def bot(self) -> Bot:
        bot: Bot = self.application.bot
        return bot

    @property
    def username(self) -> str:
        return self.bot.username

    async def connect(self) -> None:
        """Reach the Bot API (getMe); enough to send. Receiving needs `start`."""
        async with self._connecting:  # sends in flight all arrive here first: one getMe
            if self._connected:
                return
            try:
                await self.application.initialize()
            except InvalidToken:
                # The library's message quotes the token: never pass it on.
                raise ChannelDown(TOKEN_REFUSED) from None
            except NetworkError as error:
                raise ChannelDown(UNREACHABLE_TEXT.format(kind=type(error).__name__)) from None
            self._connected = True

    async def start(self, core: Core) -> None:
        self._core = core
        await self.connect()
        await self._publish_command_menus(core)
        await self.application.start()
        updater = self.application.updater
        assert updater is not None
        webhook = self._settings.telegram_webhook_url
        if webhook:
            if self._own_server:
                await self._serve_webhook()
            await self.bot.set_webhook(
                webhook, secret_token=self.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
        else:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        mode = "webhook" if webhook else "long polling"
        log.info("telegram channel started as @%s (%s)", self.username, mode)

    @property
    def webhook_secret(self) -> str:
        """The secret Telegram sends back with every webhook call, derived from the token so
        that several processes agree on it without another setting."""
        assert self._settings.telegram_token is not None
        token = self._settings.telegram_token.get_secret_value().encode()
        return hashlib.sha256(b"relay-webhook:" + token).hexdigest()[:64]

    def http_routes(self) -> list[web.RouteDef]:
        """In webhook mode, the route Telegram posts updates to (the path of
        RELAY_TELEGRAM_WEBHOOK_URL)."""
        webhook = self._settings.telegram_webhook_url
        if not webhook:
            return []
        return [web.post(urlsplit(webhook).path or "/", self._on_webhook)]

    async def _serve_webhook(self) -> None:
        server = web.Application()
        server.router.add_routes(self.http_routes())
        runner = web.AppRunner(server, access_log=None, handle_signals=False)
        await runner.setup()
        self._runner = runner
        await web.TCPSite(runner, "0.0.0.0", self._settings.telegram_webhook_port).start()

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """An update from Telegram: only with the secret token relay registered with it."""
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(secret.encode(), self.webhook_secret.encode()):
            log.warning("webhook post without the secret token refused (403)")
            return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), self.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("unreadable webhook post refused (400): %s", type(error).__name__)
            return web.Response(status=400)
        await self.application.update_queue.put(update)
        return web.Response()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        if self._connected:
            await self.application.shutdown()
            self._connected = False

    def render(self, message: Outgoing) -> list[object]:
        return list(render(message))

    async def send(self, chat: ChatRef, part: object) -> str:
        assert isinstance(part, TelegramPart)
        try:
            await self.connect()
        except ChannelDown as down:
            if down.reason == TOKEN_REFUSED:
                raise
            raise RetryLater(down.reason) from None  # unreachable for now: retried with backoff
        try:
            sent = await self._deliver(int(chat.address), part)
        except TelegramError as error:
            raise _classify(error) from error
        return str(sent.message_id)

    async def delete(self, chat: ChatRef, message_id: str) -> None:
        """Withdraw a delivered message; one already deleted (by its reader) counts."""
        try:
            await self.connect()
            await self.bot.delete_message(int(chat.address), int(message_id))
        except TelegramError as error:
            if _ALREADY_DELETED not in str(error).lower():
                raise _classify(error) from error

    async def edit(self, chat: ChatRef, message_id: str, part: object) -> None:
        """Replace a delivered message's text; the same text again is no error."""
        assert isinstance(part, TelegramPart)
        if part.document is not None:
            raise MessageRejected(DOCUMENT_UNCHANGED)
        try:
            await self.connect()
            await self.bot.edit_message_text(
                part.html,
                chat_id=int(chat.address),
                message_id=int(message_id),
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(part.buttons),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except TelegramError as error:
            if _UNCHANGED not in str(error).lower():
                raise _classify(error) from error

    async def _deliver(self, chat_id: int, part: TelegramPart) -> Message:
        bot = self.bot
        if part.photo is not None:
            return await self._send_photo(chat_id, part.photo, part)
        if part.document is not None:
            return await self._send_document(chat_id, part.document, part)
        return await bot.send_message(
            chat_id,
            part.html,
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(part.buttons),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _send_photo(self, chat_id: int, photo: Attachment, part: TelegramPart) -> Message:
        """A poster as a photo; one Telegram will not take as a photo (its dimensions, its
        weight) goes as a document, with the same caption."""
        try:
            return await self.bot.send_photo(
                chat_id,
                InputFile(photo.content, filename=photo.filename),
                caption=part.html or None,
                parse_mode=ParseMode.HTML if part.html else None,
                reply_markup=_keyboard(part.buttons),
            )
        except BadRequest as error:
            if not any(marker in str(error).lower() for marker in _PHOTO_REFUSED):
                raise
            log.info("telegram took %s as a document, not a photo: %s", photo.filename, error)
        return await self._send_document(chat_id, photo, part)

    async def _send_document(
        self, chat_id: int, document: Attachment, part: TelegramPart
    ) -> Message:
        return await self.bot.send_document(
            chat_id,
            InputFile(document.content, filename=document.filename),
            caption=part.html or None,
            parse_mode=ParseMode.HTML if part.html else None,
            reply_markup=_keyboard(part.buttons),
        )

    async def _publish_command_menus(self, core: Core) -> None:
        """The command menu: everyone's by default, a larger one in coordinators' chats."""
        bot = self.bot
        everyone = [BotCommand(c.name, c.help[:256]) for c in core.commands(coordinator=False)]
        await bot.set_my_commands(everyone, scope=BotCommandScopeDefault())
        extended = [BotCommand(c.name, c.help[:256]) for c in core.commands(coordinator=True)]
        for user in self._settings.coordinators:
            if user.platform is Platform.TELEGRAM and user.user_id.lstrip("-").isdigit():
                try:
                    await bot.set_my_commands(
                        extended, scope=BotCommandScopeChat(int(user.user_id))
                    )
                except TelegramError as error:  # a coordinator who never opened the bot
                    log.info("no coordinator menu for %s: %s", user, error)

    async def _on_message(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        files = self._shared_files(message)
        if message.text is None and not files:
            return
        if files and message.caption is None and message.media_group_id is not None:
            return  # an album's other pictures: the first one carries the caption
        raw = message.text or message.caption or ""
        if not files:
            whole = await self._whole_text(message, message.from_user.id, raw)
            if whole is None:
                return  # a part of a longer text, handled with its first part
            raw = whole
        chat = _chat_ref(message)
        addressed, text = self._addressed(message, raw)
        is_admin = False
        if chat.kind is not ChatKind.PRIVATE and addressed:
            is_admin = await self._is_admin(message.chat_id, message.from_user.id)
        incoming = Incoming(
            chat=chat,
            user=UserRef(Platform.TELEGRAM, str(message.from_user.id)),
            text=text,
            display_name=message.from_user.full_name,
            is_chat_admin=is_admin,
            addressed_to_bot=addressed,
            files=files,
        )
        await self._answer(incoming, message, None)

    async def _whole_text(self, message: Message, user_id: int, text: str) -> str | None:
        """The text a message begins, once the messages Telegram's app split it into are all
        in; None for such a message that is not the first (its text joins the first's). A new
        command is never a part."""
        key = (message.chat_id, user_id)
        if not text.startswith("/") and self._splits.add(key, message.message_id, text):
            return None
        if not self._splits.may_be_cut(text) or not self._addressed(message, text)[0]:
            return text
        return await self._splits.whole(key, message.message_id, text)

    def _shared_files(self, message: Message) -> tuple[SharedFile, ...]:
        """The photo or document sent with a message, to be downloaded if a command takes it."""
        if message.photo:
            largest = max(message.photo, key=lambda size: size.width * size.height)
            download = self._downloader(largest.file_id)
            return (SharedFile(PHOTO_NAME, largest.file_size, "image/jpeg", download),)
        document = message.document
        if document is not None:
            name = document.file_name or DOCUMENT_NAME
            download = self._downloader(document.file_id)
            return (SharedFile(name, document.file_size, document.mime_type or "", download),)
        return ()

    def _downloader(self, file_id: str) -> Download:
        async def download(limit: int) -> bytes:
            try:
                file = await self.bot.get_file(file_id)
                if file.file_size is not None and file.file_size > limit:
                    raise FileTooLarge(f"{file.file_size} bytes")
                return bytes(await file.download_as_bytearray(read_timeout=DOWNLOAD_SECONDS))
            except TelegramError as error:
                # Never the error's text: the library may quote the file's URL, token included.
                raise FileUnavailable(f"telegram: {type(error).__name__}") from None

        return download

    async def _on_button(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        await query.answer()
        message = query.message
        if not isinstance(message, Message):
            return
        chat = _chat_ref(message)
        is_admin = False
        if chat.kind is not ChatKind.PRIVATE:
            is_admin = await self._is_admin(message.chat_id, query.from_user.id)
        incoming = Incoming(
            chat=chat,
            user=UserRef(Platform.TELEGRAM, str(query.from_user.id)),
            display_name=query.from_user.full_name,
            action=query.data,
            is_chat_admin=is_admin,
        )
        await self._answer(incoming, message, query)

    async def _answer(
        self, incoming: Incoming, message: Message, query: CallbackQuery | None
    ) -> None:
        assert self._core is not None
        for reply in await self._core.handle(incoming):
            if query is not None and isinstance(reply, Reply) and reply.edit_origin:
                await self._edit(message, reply)
                continue
            for part in render(reply):
                if not await self._reply(incoming.chat, part):
                    return

    async def _reply(self, chat: ChatRef, part: TelegramPart) -> bool:
        """Send one part of an answer within the bot's limits, waiting out the 429s of a busy
        moment (many people asking at once) for up to REPLY_PATIENCE seconds."""
        assert self._core is not None
        deadline = time.monotonic() + REPLY_PATIENCE
        while True:
            await self._core.wait_turn(chat)
            try:
                await self._deliver(int(chat.address), part)
                return True
            except RetryAfter as busy:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    wait = _seconds(busy.retry_after)
                self._core.slow_down(self.platform, wait)
                if time.monotonic() + wait > deadline:
                    break
            except TelegramError as error:
                log.warning("reply to chat %s not sent: %s", chat.address, error)
                return False
        log.warning("reply to chat %s not sent: the platform kept asking to wait", chat.address)
        return False

    async def _edit(self, message: Message, reply: Reply) -> None:
        first, *rest = render(reply)
        try:
            await message.edit_text(
                first.html,
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(first.buttons),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        for part in rest:
            await self._reply(_chat_ref(message), part)

    async def _on_membership(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None or self._core is None:
            return
        chat = ChatRef(
            Platform.TELEGRAM,
            str(change.chat.id),
            _CHAT_KINDS.get(change.chat.type, ChatKind.GROUP),
        )
        was_in, is_in = _membership(change)
        if is_in and not was_in:
            await self._core.chat_reachable(chat, True, "")
            if chat.kind is not ChatKind.PRIVATE:
                greeting = escape(GREETING_TEXT.format(bot=self.username))
                await self._reply(chat, TelegramPart(greeting))
        elif was_in and not is_in:
            reason = BLOCKED_REASON if chat.kind is ChatKind.PRIVATE else LEFT_REASON
            await self._core.chat_reachable(chat, False, reason)

    def _addressed(self, message: Message, text: str) -> tuple[bool, str]:
        """Whether a message is for the bot, and its text (a file's caption, or the whole text
        it begins) without the bot's @mention."""
        if message.chat.type == ChatType.PRIVATE:
            return True, text
        mention = f"@{self.username}"
        if text.startswith("/"):
            return True, text
        if mention.lower() in text.lower():
            start = text.lower().index(mention.lower())
            return True, (text[:start] + text[start + len(mention) :]).strip()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None:
            return replied.from_user.id == self.application.bot.id, text
        return False, text

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        cached = self._admins.get((chat_id, user_id))
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            member = await self.application.bot.get_chat_member(chat_id, user_id)
            is_admin = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
        except TelegramError as error:
            log.info("could not check admins of %s: %s", chat_id, error)
            is_admin = False
        self._admins[(chat_id, user_id)] = (is_admin, now + ADMIN_CACHE_SECONDS)
        return is_admin

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed", exc_info=context.error)


def _chat_ref(message: Message) -> ChatRef:
    kind = _CHAT_KINDS.get(message.chat.type, ChatKind.GROUP)
    return ChatRef(Platform.TELEGRAM, str(message.chat_id), kind)


def _membership(change: ChatMemberUpdated) -> tuple[bool, bool]:
    present = (
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.OWNER,
        ChatMemberStatus.RESTRICTED,
    )
    return change.old_chat_member.status in present, change.new_chat_member.status in present


def _keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label[:64], callback_data=b.action) for b in row] for row in rows]
    )


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _classify(error: TelegramError) -> SendError:
    """One place that turns python-telegram-bot's errors into relay's."""
    text = str(error)
    lowered = text.lower()
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            retry_after = _seconds(error.retry_after)
        return RetryLater(text, retry_after=retry_after, whole_channel=True, nothing_sent=True)
    if isinstance(error, ChatMigrated):
        return ChatMoved(text, new_address=str(error.new_chat_id))
    if isinstance(error, InvalidToken):
        return ChannelDown(text)
    if isinstance(error, Forbidden):
        return RecipientGone(text)
    if isinstance(error, BadRequest):
        if any(marker in lowered for marker in _GONE):
            return RecipientGone(text)
        if _TOO_LATE in lowered:
            return TooLateToChange(text)
        return MessageRejected(text)
    return RetryLater(text, nothing_sent=_answered(error))


def _answered(error: TelegramError) -> bool:
    """Whether the Bot API answered with an error status (a 5xx), rather than the connection
    failing or timing out: python-telegram-bot chains the transport's exception to the latter."""
    return error.__cause__ is None or isinstance(error.__cause__, TelegramError)
