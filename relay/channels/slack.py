"""The Slack channel, on slack-bolt.

One AsyncApp receives everything: the /cls slash command, direct messages, mentions, buttons,
the App Home and the coordinators' broadcast modal. Every listener acknowledges first (Slack
gives up after 3 seconds; bolt acknowledges events itself before their listener runs) and hands
the work to a task of its own; the core answers and the answers go back where the user spoke:

- `/cls …`: privately (ephemeral, through the command's response_url), wherever it was typed;
- a direct message: in the direct message; a mention: in the mention's thread;
- a button: its message is edited when the answer says so (`Reply.edit_origin`); other answers
  go to the direct message, or privately to whoever pressed it in a channel;
- what the whole channel must know (`Reply.to_everyone`: who changed its subscriptions) is a
  normal message in the channel, outside any thread.

Any member of a channel may change its subscriptions, as with Slack's own apps. Before a
channel gets themes, relay makes sure it is in it (`admit`): it joins a public channel by
itself, and asks for an invitation to a private one.

Transport: Socket Mode when RELAY_SLACK_APP_TOKEN is set, else HTTP (`POST /slack/events`, signed
requests only, the signature checked before the body is read), on the route relay's one web server
mounts (`http_routes`), or on a server of the channel's own on RELAY_SLACK_PORT. Slack redelivers
an event it thinks was missed; each event id is handled once. Deliveries (`send`) go through a Web
API client without retry handlers: pacing and retries are the delivery engine's, and slack_sdk's
errors are mapped once, here, to the channel errors of relay.contract.
"""

import asyncio
import contextlib
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from relay.channels.slack_blocks import (
    BROADCAST_FORM,
    BUTTON_ACTION,
    COMMAND,
    OPEN_BROADCAST,
    THEMES_ACTION,
    SlackPart,
    broadcast_modal,
    from_slack,
    home_view,
    offered_themes,
    read_broadcast_form,
    render,
)
from relay.contract import (
    ADMITTED,
    Admission,
    BroadcastForm,
    ChannelDown,
    CommandInfo,
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
from relay.settings import Settings, SettingsError

log = logging.getLogger(__name__)

JSON = dict[str, Any]

EVENTS_PATH = "/slack/events"
API_TIMEOUT_SECONDS = 15
STOP_GRACE_SECONDS = 5.0
REPLY_RETRIES_ON_429 = 2  # answers to users are not paced by the engine: honour Retry-After
PERSON_CACHE_SECONDS = 3600.0
MAX_CACHED = 10_000
MAX_REMEMBERED_EVENTS = 10_000
THEME_ACTION = "theme:"  # the core's subscribe/unsubscribe toggle, as its theme buttons send it
BROADCAST_COMMAND = "diffuser"  # the command the broadcast modal stands for
FILE_SHARE = "file_share"  # the subtype of a message that comes with files
SLACK_FILE_HOSTS = frozenset({"files.slack.com"})
DOWNLOAD_SECONDS = 60

# Slack's error codes, by what they mean for a delivery.
TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "missing_scope"}
)
GONE_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "not_in_channel",
        "restricted_action",
        "cannot_dm_bot",
    }
)
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
TRANSPORT_ERRORS = (aiohttp.ClientError, TimeoutError)
# A workspace may forbid changing messages after a while (its "message editing" setting).
TOO_LATE_ERRORS = frozenset({"edit_window_closed"})
FILE_UNCHANGED = "un fichier déjà partagé ne peut être ni retiré ni corrigé par relay"


@dataclass(frozen=True)
class Person:
    name: str
    is_admin: bool


@dataclass(frozen=True)
class Conversation:
    """Where a user spoke to the bot, and so where the answers go."""

    chat: ChatRef
    user_id: str
    channel: str  # where answers are posted: a channel, or a direct message
    thread_ts: str | None = None
    response_url: str | None = None  # answer privately through it
    message_ts: str | None = None  # the message whose button was pressed
    ephemeral_origin: bool = False  # that message was itself private: edit it through the URL


class RecentIds:
    """The last `size` ids seen, to recognise a redelivery in bounded memory."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def add(self, item: str) -> bool:
        """Remember `item`; False if it was already there."""
        if item in self._seen:
            return False
        self._seen[item] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


class SlackChannel:
    platform = Platform.SLACK

    def __init__(
        self,
        settings: Settings,
        *,
        http_port: int | None = None,
        http_host: str = "0.0.0.0",
        timeout: int = API_TIMEOUT_SECONDS,
        own_server: bool = True,
    ) -> None:
        """`own_server`: in HTTP mode, listen on `http_port` (RELAY_SLACK_PORT by default; 0:
        any free port, then read `http_port` after start); without it the caller mounts
        `http_routes()` on its own server. `timeout` bounds every Web API call."""
        if settings.slack_bot_token is None:
            raise SettingsError("RELAY_SLACK_BOT_TOKEN : nécessaire pour le canal Slack")
        if settings.slack_app_token is None and settings.slack_signing_secret is None:
            raise SettingsError(
                "RELAY_SLACK_SIGNING_SECRET : nécessaire en mode HTTP "
                "(ou donnez RELAY_SLACK_APP_TOKEN pour le Socket Mode)"
            )
        token = settings.slack_bot_token.get_secret_value()
        self._settings = settings
        self._http_host = http_host
        self._own_server = own_server
        self.http_port: int | None = settings.slack_port if http_port is None else http_port
        # Deliveries: the engine paces and retries, so slack_sdk must not retry anything itself.
        self.client = AsyncWebClient(
            token=token, base_url=settings.slack_api_url, timeout=timeout, retry_handlers=[]
        )
        # Answers to users, from bolt's listeners.
        self.replies = AsyncWebClient(
            token=token,
            base_url=settings.slack_api_url,
            timeout=timeout,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=REPLY_RETRIES_ON_429),
            ],
        )
        secret = settings.slack_signing_secret
        self.app = AsyncApp(
            name="relay",
            client=self.replies,
            signing_secret=secret.get_secret_value() if secret else "",
        )
        self.duplicates = 0  # events Slack delivered again, ignored
        self._core: Core | None = None
        self._bot_user_id = ""
        self._bot_name = "relay"
        self._commands: re.Pattern[str] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._events = RecentIds(MAX_REMEMBERED_EVENTS)
        self._people: dict[str, tuple[Person, float]] = {}
        self._direct_chats: dict[str, str] = {}
        self._home_lock = asyncio.Lock()
        self._down_reported = False
        self._listen()

    @property
    def core(self) -> Core:
        if self._core is None:
            raise RuntimeError("the Slack channel is not started")
        return self._core

    # Lifecycle

    async def start(self, core: Core) -> None:
        self._core = core
        self._commands = _command_pattern(core.commands(coordinator=True))
        await self._identify()
        self._session = aiohttp.ClientSession()
        self.client.session = self.replies.session = self._session
        try:
            await self._receive()
        except BaseException:
            await self.stop()
            raise

    async def _receive(self) -> None:
        app_token = self._settings.slack_app_token
        if app_token is not None:
            self._socket = AsyncSocketModeHandler(self.app, app_token.get_secret_value())
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack channel started in Socket Mode")
        elif self._own_server:
            await self._serve_http()
            log.info("slack channel serving %s on port %s", EVENTS_PATH, self.http_port)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            # Sends still in flight in the engine fall back to a session per request.
            self.client.session = self.replies.session = None
            await self._session.close()
            self._session = None

    async def _identify(self) -> None:
        """The bot's user id and name; a refused token stops relay here, with the reason."""
        try:
            identity = await self.client.auth_test()
        except SlackApiError as error:
            raise ChannelDown(
                f"Slack a refusé le jeton du bot (RELAY_SLACK_BOT_TOKEN) : {_code(error)}"
            ) from error
        self._bot_user_id = str(identity.get("user_id", ""))
        self._bot_name = str(identity.get("user") or self._bot_name)

    def http_routes(self) -> list[web.RouteDef]:
        """In HTTP mode, the route Slack posts events, commands and actions to."""
        if self._settings.slack_app_token is not None:
            return []
        return [web.post(EVENTS_PATH, self._on_http_request)]

    async def _serve_http(self) -> None:
        server = web.Application()
        server.router.add_routes(self.http_routes())
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, self._http_host, self.http_port).start()
        self._runner = runner
        self.http_port = int(runner.addresses[0][1])

    async def _on_http_request(self, request: web.Request) -> web.Response:
        """Slack's signature is checked before anything in the body is read: a request without
        it gets 401, and a signed body that is not Slack's format 400, each one line of log."""
        if self._core is None:  # the web server is up before the channel: Slack retries
            return web.Response(status=503)
        body = await request.read()
        if not self._signed_by_slack(body, request.headers):
            log.warning("unsigned or badly signed request on %s refused (401)", EVENTS_PATH)
            return web.Response(status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            log.warning(
                "signed request on %s unreadable (400): %s", EVENTS_PATH, type(error).__name__
            )
            return web.Response(status=400)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    def _signed_by_slack(self, body: bytes, headers: Mapping[str, str]) -> bool:
        secret = self._settings.slack_signing_secret
        if secret is None:
            return False
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        if not timestamp.isdigit():
            return False
        verifier = SignatureVerifier(secret.get_secret_value())
        return verifier.is_valid(body, timestamp, headers.get("X-Slack-Signature"))

    # Listeners: acknowledge, then work in a task

    def _listen(self) -> None:
        app = self.app
        app.use(self._skip_redelivered_events)

        @app.command(COMMAND)
        async def slash_command(ack: AsyncAck, command: JSON) -> None:
            await ack()
            self._spawn(self._on_command(command))

        @app.event("message")
        async def direct_message(event: JSON) -> None:
            if event.get("channel_type") == "im" and not _is_automatic(event):
                self._spawn(self._on_direct_message(event))

        @app.event("app_mention")
        async def mention(event: JSON) -> None:
            if not _is_automatic(event):
                self._spawn(self._on_mention(event))

        @app.event("app_home_opened")
        async def home_opened(event: JSON) -> None:
            if event.get("tab") == "home":
                self._spawn(self._on_home_opened(event))

        @app.action(re.compile(f"^{re.escape(BUTTON_ACTION)}"))
        async def button(ack: AsyncAck, body: JSON) -> None:
            await ack()
            self._spawn(self._on_button(body))

        @app.action(re.compile(f"^{re.escape(THEMES_ACTION)}"))
        async def themes_checked(ack: AsyncAck, body: JSON) -> None:
            await ack()
            self._spawn(self._on_themes_checked(body))

        @app.action(OPEN_BROADCAST)
        async def open_broadcast(ack: AsyncAck, body: JSON) -> None:
            await ack()
            self._spawn(self._on_open_broadcast(body))

        @app.action(re.compile(".*"))
        async def other_action(ack: AsyncAck) -> None:  # link buttons, outdated messages
            await ack()

        @app.view(BROADCAST_FORM)
        async def broadcast_submitted(ack: AsyncAck, body: JSON, view: JSON) -> None:
            user_id = body["user"]["id"]
            form = read_broadcast_form(view["state"]["values"], self._today())
            if isinstance(form, BroadcastForm):
                await ack()
                self._spawn(self._on_broadcast_form(user_id, form))  # the core checks the role
            elif self.core.is_coordinator(_user(user_id)):
                await ack(response_action="errors", errors=form)
            else:  # nobody else has this form: no corrections, the core's refusal
                await ack()
                self._spawn(self._refuse_broadcast(user_id))

    async def _skip_redelivered_events(
        self, body: JSON, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not self._events.add(event_id):
            self.duplicates += 1
            log.info("slack event %s delivered again: ignored", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(_logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # Inputs to the core

    async def _on_command(self, command: JSON) -> None:
        channel = command["channel_id"]
        conversation = Conversation(
            chat=_chat(channel),
            user_id=command["user_id"],
            channel=channel,
            response_url=command.get("response_url"),
        )
        text = from_slack(command.get("text", ""))
        await self._converse(conversation, await self._incoming(conversation, text=text))

    async def _on_direct_message(self, event: JSON) -> None:
        channel = event["channel"]
        conversation = Conversation(
            chat=ChatRef(Platform.SLACK, channel, ChatKind.PRIVATE),
            user_id=event["user"],
            channel=channel,
            thread_ts=event.get("thread_ts"),
        )
        self._remember_direct_chat(event["user"], channel)
        text = self._without_mention(event.get("text", ""))
        files = self._shared_files(event)
        incoming = await self._incoming(conversation, text=text, files=files)
        await self._converse(conversation, incoming)

    async def _on_mention(self, event: JSON) -> None:
        channel = event["channel"]
        conversation = Conversation(
            chat=_chat(channel),
            user_id=event["user"],
            channel=channel,
            thread_ts=event.get("thread_ts") or event["ts"],
        )
        text = self._without_mention(event.get("text", ""))
        files = self._shared_files(event)
        incoming = await self._incoming(conversation, text=text, files=files)
        await self._converse(conversation, incoming)

    async def _on_button(self, body: JSON) -> None:
        action = body["actions"][0]
        user_id = body["user"]["id"]
        container = body.get("container") or {}
        if container.get("type") == "view":  # the App Home
            conversation = await self._direct_conversation(user_id)
        else:
            conversation = _pressed_in_message(body, user_id)
        incoming = await self._incoming(conversation, action=action.get("value", ""))
        await self._converse(conversation, incoming)
        if container.get("type") == "view":
            await self._publish_home(user_id, conversation.chat)

    async def _on_themes_checked(self, body: JSON) -> None:
        """Checkboxes say which themes the user wants: toggle those that differ, one by one,
        as the theme buttons of /themes would."""
        user_id = body["user"]["id"]
        action = body["actions"][0]
        wanted = {option["value"] for option in action.get("selected_options") or []}
        # An unknown group (an outdated view) can only add themes, never remove any.
        offered = offered_themes(body.get("view") or {}, action.get("block_id", "")) or wanted
        conversation = await self._direct_conversation(user_id)
        async with self._home_lock:
            home = await self.core.home(_user(user_id), conversation.chat)
            for theme in home.themes:
                if theme.slug in offered and (theme.slug in wanted) != theme.subscribed:
                    toggle = f"{THEME_ACTION}{theme.slug}"
                    await self.core.handle(await self._incoming(conversation, action=toggle))
            await self._publish_home(user_id, conversation.chat)

    async def _on_home_opened(self, event: JSON) -> None:
        user_id = event["user"]
        if event.get("channel"):
            self._remember_direct_chat(user_id, event["channel"])
        conversation = await self._direct_conversation(user_id)
        await self._publish_home(user_id, conversation.chat)

    async def _on_open_broadcast(self, body: JSON) -> None:
        user_id = body["user"]["id"]
        if not self.core.is_coordinator(_user(user_id)):
            await self._refuse_broadcast(user_id)
            return
        conversation = await self._direct_conversation(user_id)
        home = await self.core.home(_user(user_id), conversation.chat)
        modal = broadcast_modal(home.themes)
        await self.replies.views_open(trigger_id=body["trigger_id"], view=modal)

    async def _on_broadcast_form(self, user_id: str, form: BroadcastForm) -> None:
        conversation = await self._direct_conversation(user_id)
        preview = await self.core.submit_broadcast(_user(user_id), conversation.chat, form)
        await self._answer(conversation, preview)

    async def _refuse_broadcast(self, user_id: str) -> None:
        """The modal stands for the broadcast command: asking the core for it gets its refusal."""
        conversation = await self._direct_conversation(user_id)
        incoming = await self._incoming(conversation, text=f"/{BROADCAST_COMMAND}")
        await self._converse(conversation, incoming)

    async def _incoming(
        self,
        conversation: Conversation,
        *,
        text: str = "",
        action: str | None = None,
        files: tuple[SharedFile, ...] = (),
    ) -> Incoming:
        user = _user(conversation.user_id)
        person = await self._person(conversation.user_id)
        return Incoming(
            chat=conversation.chat,
            user=user,
            text=text,
            display_name=person.name,
            action=action,
            is_coordinator=self.core.is_coordinator(user),
            is_chat_admin=person.is_admin,
            # As with Slack's own apps, any member of a channel may subscribe it.
            members_manage_chat=conversation.chat.kind is not ChatKind.PRIVATE,
            addressed_to_bot=True,
            # A user id as address is that user's direct message with the bot.
            private_chat=ChatRef(Platform.SLACK, conversation.user_id, ChatKind.PRIVATE),
            files=files,
        )

    def _shared_files(self, event: JSON) -> tuple[SharedFile, ...]:
        """The files shared with a message, to be downloaded if a command takes them."""
        shared = []
        for file in event.get("files") or []:
            url = file.get("url_private_download") or file.get("url_private") or ""
            size = file.get("size")
            shared.append(
                SharedFile(
                    name=str(file.get("name") or file.get("title") or "fichier"),
                    size=size if isinstance(size, int) else None,
                    mime_type=str(file.get("mimetype") or ""),
                    download=self._downloader(str(url)),
                )
            )
        return tuple(shared)

    def _downloader(self, url: str) -> Download:
        async def download(limit: int) -> bytes:
            if not self._is_slack_file(url):  # the bot token goes to Slack only
                raise FileUnavailable("slack: not a Slack file address")
            try:
                return await self._fetch(url, limit)
            except TRANSPORT_ERRORS as error:
                raise FileUnavailable(f"slack: {type(error).__name__}") from None

        return download

    def _is_slack_file(self, url: str) -> bool:
        parts = urlsplit(url)
        api = urlsplit(self._settings.slack_api_url)
        own = (parts.scheme, parts.netloc) == (api.scheme, api.netloc)
        return own or (parts.scheme == "https" and parts.hostname in SLACK_FILE_HOSTS)

    async def _fetch(self, url: str, limit: int) -> bytes:
        """A private file's bytes, fetched with the bot token, at most `limit` of them."""
        assert self._settings.slack_bot_token is not None
        token = self._settings.slack_bot_token.get_secret_value()
        session = self._session or aiohttp.ClientSession()
        try:
            async with session.get(
                url,
                headers={"Authorization": f"Bearer {token}"},
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=DOWNLOAD_SECONDS),
            ) as response:
                # Slack answers its sign-in page, not the file, to a token without files:read.
                if response.status != 200 or response.content_type == "text/html":
                    raise FileUnavailable(f"slack: HTTP {response.status} {response.content_type}")
                content = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    content += chunk
                    if len(content) > limit:
                        raise FileTooLarge(f"slack: more than {limit} bytes")
                return bytes(content)
        finally:
            if session is not self._session:
                await session.close()

    async def _person(self, user_id: str) -> Person:
        """A user's name and whether they administer the workspace (users.info, cached)."""
        cached = self._people.get(user_id)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            info = (await self.replies.users_info(user=user_id))["user"]
        except (SlackApiError, *TRANSPORT_ERRORS) as error:
            log.info("users.info failed for %s: %s", user_id, _describe(error))
            return Person(user_id, is_admin=False)
        profile = info.get("profile") or {}
        name = profile.get("real_name") or profile.get("display_name") or info.get("name")
        person = Person(str(name or user_id), bool(info.get("is_admin") or info.get("is_owner")))
        if len(self._people) >= MAX_CACHED:
            self._people.clear()
        self._people[user_id] = (person, now + PERSON_CACHE_SECONDS)
        return person

    async def _direct_conversation(self, user_id: str) -> Conversation:
        """The user's direct message with the bot, opened if needed."""
        channel = self._direct_chats.get(user_id)
        if channel is None:
            opened = await self.replies.conversations_open(users=user_id)
            channel = str(opened["channel"]["id"])
            self._remember_direct_chat(user_id, channel)
        chat = ChatRef(Platform.SLACK, channel, ChatKind.PRIVATE)
        return Conversation(chat=chat, user_id=user_id, channel=channel)

    def _remember_direct_chat(self, user_id: str, channel: str) -> None:
        if len(self._direct_chats) >= MAX_CACHED:
            self._direct_chats.clear()
        self._direct_chats[user_id] = channel

    def _without_mention(self, text: str) -> str:
        if self._bot_user_id:
            text = re.sub(rf"<@{re.escape(self._bot_user_id)}(\|[^>]*)?>", "", text)
        return from_slack(text)

    def _today(self) -> date:
        return datetime.now(self._settings.zone).date()

    # Answers

    async def _converse(self, conversation: Conversation, incoming: Incoming) -> None:
        await self._answer(conversation, await self.core.handle(incoming))

    async def _answer(self, conversation: Conversation, messages: Sequence[Outgoing]) -> None:
        for message in messages:
            try:
                if isinstance(message, Reply) and message.edit_origin and conversation.message_ts:
                    await self._edit(conversation, message)
                else:
                    where = (
                        _for_everyone(conversation) if _is_for_everyone(message) else conversation
                    )
                    for part in self.render(message):
                        await self._post(where, _slack_part(part))
            except (SlackApiError, *TRANSPORT_ERRORS) as error:
                log.warning("answer in %s not sent: %s", conversation.channel, _describe(error))
                return

    async def _post(self, conversation: Conversation, part: SlackPart) -> None:
        if part.file is not None:
            if conversation.response_url is not None:  # a private answer: the file goes privately
                await self._upload(self.replies, conversation.user_id, part, None)
            else:
                await self._upload(self.replies, conversation.channel, part, conversation.thread_ts)
        elif conversation.response_url is not None:
            await self._respond(conversation.response_url, part, replace_original=False)
        else:
            await self.core.wait_turn(_chat(conversation.channel))  # deliveries share the limits
            await self.replies.chat_postMessage(
                channel=conversation.channel,
                thread_ts=conversation.thread_ts,
                text=part.text,
                blocks=list(part.blocks),
                unfurl_links=False,
                unfurl_media=False,
            )

    async def _edit(self, conversation: Conversation, reply: Reply) -> None:
        first, *rest = [_slack_part(part) for part in self.render(reply)]
        if conversation.ephemeral_origin and conversation.response_url is not None:
            await self._respond(conversation.response_url, first, replace_original=True)
        else:
            assert conversation.message_ts is not None
            await self.replies.chat_update(
                channel=conversation.channel,
                ts=conversation.message_ts,
                text=first.text,
                blocks=list(first.blocks),
            )
        for part in rest:
            await self._post(conversation, part)

    async def _respond(self, url: str, part: SlackPart, replace_original: bool) -> None:
        webhook = AsyncWebhookClient(url, session=self._session, timeout=self.replies.timeout)
        response = await webhook.send(
            text=part.text,
            blocks=list(part.blocks),
            response_type="ephemeral",
            replace_original=replace_original,
        )
        if response.status_code != 200:
            log.warning("response_url answer refused: HTTP %s", response.status_code)

    async def _publish_home(self, user_id: str, chat: ChatRef) -> None:
        home = await self.core.home(_user(user_id), chat)
        await self.replies.views_publish(user_id=user_id, view=home_view(home))

    # Channels relay must be in

    async def admit(self, chat: ChatRef) -> Admission:
        """Relay in the channel, or joining it now; a channel it cannot join (a private one)
        names the invitation a member must type. Slack unreachable: admitted, sends will try."""
        if chat.kind is ChatKind.PRIVATE or _is_user_id(chat.address):
            return ADMITTED
        try:
            if await self._is_member(chat.address):
                return ADMITTED
            await self.replies.conversations_join(channel=chat.address)
        except SlackApiError as error:
            if error.response.status_code != 200:
                log.warning(
                    "cannot tell whether relay is in %s: %s", chat.address, _describe(error)
                )
                return ADMITTED
            log.info("relay cannot join %s: %s", chat.address, _code(error))
            return Admission(admitted=False, invitation=f"/invite @{self._bot_name}")
        except TRANSPORT_ERRORS as error:
            log.warning("cannot tell whether relay is in %s: %s", chat.address, _describe(error))
        return ADMITTED

    async def _is_member(self, channel: str) -> bool:
        """Whether relay is in the channel; a private channel it is not in is invisible to it,
        and an answer other than yes means joining is the way to find out."""
        try:
            info = await self.replies.conversations_info(channel=channel)
        except SlackApiError as error:
            if error.response.status_code != 200:
                raise
            return False
        return bool((info.get("channel") or {}).get("is_member"))

    # Deliveries, for the engine

    def render(self, message: Outgoing) -> list[object]:
        if isinstance(message, Reply) and self._commands is not None:
            # The core names commands as /abonner; on Slack they are typed /cls abonner.
            message = replace(message, text=self._commands.sub(rf"{COMMAND} \1", message.text))
        return list(render(message))

    async def send(self, chat: ChatRef, part: object) -> str:
        try:
            try:
                message_id = await self._deliver(chat.address, _slack_part(part))
            except SlackApiError as error:
                if _code(error) != "not_in_channel":
                    raise
                await self._join(chat.address)
                message_id = await self._deliver(chat.address, _slack_part(part))
        except SlackApiError as error:
            raise await self._send_error(error) from error
        except TRANSPORT_ERRORS as error:
            raise RetryLater(_describe(error)) from error
        self._down_reported = False
        return message_id

    async def _deliver(self, address: str, part: SlackPart) -> str:
        """Post one part; a user id (U…, W…) as address means that user's direct message."""
        if part.file is not None:
            return await self._upload(self.client, address, part, None)
        response = await self.client.chat_postMessage(
            channel=address,
            text=part.text,
            blocks=list(part.blocks),
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    async def delete(self, chat: ChatRef, message_id: str) -> None:
        """Withdraw a delivered message; one already deleted counts."""
        try:
            channel = await self._conversation_id(chat.address)
            await self.client.chat_delete(channel=channel, ts=_message_ts(message_id))
        except SlackApiError as error:
            if _code(error) != "message_not_found":
                raise await self._send_error(error) from error
        except TRANSPORT_ERRORS as error:
            raise RetryLater(_describe(error)) from error

    async def edit(self, chat: ChatRef, message_id: str, part: object) -> None:
        """Replace a delivered message with a rendered part."""
        rendered = _slack_part(part)
        if rendered.file is not None:
            raise MessageRejected(FILE_UNCHANGED)
        try:
            channel = await self._conversation_id(chat.address)
            await self.client.chat_update(
                channel=channel,
                ts=_message_ts(message_id),
                text=rendered.text,
                blocks=list(rendered.blocks),
            )
        except SlackApiError as error:
            raise await self._send_error(error) from error
        except TRANSPORT_ERRORS as error:
            raise RetryLater(_describe(error)) from error

    async def _conversation_id(self, address: str) -> str:
        """The channel holding relay's messages to `address`: a user id means the user's
        direct message, whose own id (D…) chat.update and chat.delete need."""
        if not _is_user_id(address):
            return address
        if address not in self._direct_chats:
            opened = await self.client.conversations_open(users=address)
            self._remember_direct_chat(address, str(opened["channel"]["id"]))
        return self._direct_chats[address]

    async def _upload(
        self, client: AsyncWebClient, address: str, part: SlackPart, thread_ts: str | None
    ) -> str:
        assert part.file is not None
        channel = address
        if _is_user_id(address):
            channel = str((await client.conversations_open(users=address))["channel"]["id"])
        response = await client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            content=part.file.content,
            filename=part.file.filename,
            title=part.file.filename,
        )
        return str(response["files"][0]["id"])

    async def _join(self, channel: str) -> None:
        """Join a public channel the bot is not in; a refusal means the channel is gone."""
        try:
            await self.client.conversations_join(channel=channel)
        except SlackApiError as error:
            if error.response.status_code != 200:
                raise  # busy or failing: not an answer about the channel
            raise RecipientGone(f"not_in_channel ({_code(error)})") from error

    async def _send_error(self, error: SlackApiError) -> SendError:
        status = error.response.status_code
        code = _code(error)
        if status == 429 or code == "ratelimited":
            return RetryLater(
                "ratelimited", _retry_after(error), whole_channel=True, nothing_sent=True
            )
        if status != 200 or code in TRANSIENT_ERRORS:
            # Slack warns that part of a fatal_error's operation may have succeeded.
            return RetryLater(f"HTTP {status} {code}".strip(), nothing_sent=code != "fatal_error")
        if code in TOKEN_ERRORS or (code == "account_inactive" and not await self._token_works()):
            return self._down(code)
        if code in GONE_ERRORS:
            return RecipientGone(code)
        if code in TOO_LATE_ERRORS:
            return TooLateToChange(code)
        return MessageRejected(code or "refused")

    async def _token_works(self) -> bool:
        try:
            await self.client.auth_test()
        except SlackApiError as error:
            return _code(error) not in TOKEN_ERRORS | {"account_inactive"}
        except TRANSPORT_ERRORS:
            return True
        return True

    def _down(self, code: str) -> ChannelDown:
        if not self._down_reported:
            self._down_reported = True
            log.critical(
                "Slack refuses relay's bot token (%s): nothing goes out on Slack until "
                "RELAY_SLACK_BOT_TOKEN or the app's scopes are fixed",
                code,
            )
        return ChannelDown(code)


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except Exception:
        log.exception("slack interaction failed")


def _user(user_id: str) -> UserRef:
    return UserRef(Platform.SLACK, user_id)


def _chat(channel: str) -> ChatRef:
    kind = ChatKind.PRIVATE if channel.startswith("D") else ChatKind.CHANNEL
    return ChatRef(Platform.SLACK, channel, kind)


def _pressed_in_message(body: JSON, user_id: str) -> Conversation:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    chat = _chat(channel)
    ephemeral = bool(container.get("is_ephemeral"))
    private = chat.kind is ChatKind.PRIVATE and not ephemeral
    return Conversation(
        chat=chat,
        user_id=user_id,
        channel=channel,
        thread_ts=(body.get("message") or {}).get("thread_ts"),
        response_url=None if private else body.get("response_url"),
        message_ts=container.get("message_ts"),
        ephemeral_origin=ephemeral,
    )


def _is_for_everyone(message: Outgoing) -> bool:
    return isinstance(message, Reply) and message.to_everyone


def _for_everyone(conversation: Conversation) -> Conversation:
    """The same chat, in the open: a normal message, outside any thread."""
    return replace(
        conversation,
        thread_ts=None,
        response_url=None,
        message_ts=None,
        ephemeral_origin=False,
    )


def _is_automatic(event: JSON) -> bool:
    """Edits, joins, bots' own messages: nothing a person said to the bot (a message with files
    is one, of subtype file_share)."""
    subtype = event.get("subtype")
    automatic = bool(subtype and subtype != FILE_SHARE) or bool(event.get("bot_id"))
    return automatic or not event.get("user")


def _is_user_id(address: str) -> bool:
    return address.startswith(("U", "W"))


def _message_ts(message_id: str) -> str:
    """A delivered message's ts; a file relay shared has an id (F…) instead, and stays."""
    if "." not in message_id:
        raise MessageRejected(FILE_UNCHANGED)
    return message_id


def _slack_part(part: object) -> SlackPart:
    if not isinstance(part, SlackPart):
        raise TypeError(f"not a rendered Slack message: {type(part).__name__}")
    return part


def _command_pattern(commands: Sequence[CommandInfo]) -> re.Pattern[str] | None:
    names = sorted({n for c in commands for n in (c.name, *c.aliases)}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<![\w/.:]){re.escape('/')}({alternatives})(?![\w-])")


def _code(error: SlackApiError) -> str:
    data = error.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""


def _retry_after(error: SlackApiError) -> float | None:
    value = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
    with contextlib.suppress(TypeError, ValueError):
        return float(value)
    return None


def _describe(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        return _code(error) or f"HTTP {error.response.status_code}"
    return f"{type(error).__name__}: {error}".rstrip(": ")
