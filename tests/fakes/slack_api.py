"""A fake Slack: Web API, response URLs, file uploads and Socket Mode over real HTTP/WebSocket.

It speaks Slack's wire format, so slack_sdk's `AsyncWebClient` and slack-bolt's
`AsyncSocketModeHandler` run against it unchanged:

    async with FakeSlackServer(SlackState(users=[FakeUser("U1", "alice")])) as slack:
        client = AsyncWebClient(token=slack.state.bot_token, base_url=slack.api_url)
        handler = AsyncSocketModeHandler(AsyncApp(client=client), slack.state.app_token)
        await handler.connect_async()
        ack = await slack.push(slack.slash_command("U1", "C1", "aide"))
        await slack.state.wait_for(lambda: slack.state.messages_in("C1"))

`SlackState` holds the knobs and records everything; `FakeSlackServer` serves it and builds
the payloads Slack sends to apps; `sign_request` signs them for apps in HTTP mode.
Standalone, for benchmarks: `python -m tests.fakes.slack_api --port 8765 [--help]`.
"""

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import math
import mimetypes
import random
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import WSCloseCode, WSMsgType, web

JSON = dict[str, Any]
T = TypeVar("T")

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
TRIGGER_LIFETIME = 3.0
# Absorbs network jitter, so a client pacing itself exactly at the limit is not refused.
RATE_TOLERANCE = 0.02
POLL_INTERVAL = 0.005
DEFAULT_SCOPES = (
    "app_mentions:read",
    "channels:join",
    "channels:read",
    "chat:write",
    "chat:write.public",
    "commands",
    "files:read",
    "files:write",
    "im:history",
    "im:read",
    "im:write",
    "users:read",
)
BLOCK_TYPES = frozenset(
    {
        "actions", "context", "context_actions", "divider", "file", "header", "image",
        "input", "markdown", "rich_text", "section", "table", "video",
    }
)  # fmt: skip
TEXT_TYPES = ("mrkdwn", "plain_text")
INTERACTIVE_TYPES = frozenset(
    {
        "block_actions", "block_suggestion", "interactive_message", "message_action",
        "shortcut", "view_closed", "view_submission",
    }
)  # fmt: skip
EVENT_TYPES = frozenset({"app_rate_limited", "event_callback", "url_verification"})


@dataclass
class FakeUser:
    """A workspace member, as `users.info` describes it."""

    id: str
    name: str
    real_name: str = ""
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    tz: str = "Europe/Paris"
    email: str | None = None

    def to_api(self, team_id: str, *, include_locale: bool = False) -> JSON:
        now = datetime.now(ZoneInfo(self.tz))
        offset = now.utcoffset()
        real_name = self.real_name or self.name
        profile: JSON = {"real_name": real_name, "display_name": self.name, "team": team_id}
        if self.email:
            profile["email"] = self.email
        user: JSON = {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": profile,
        }
        if include_locale:
            user["locale"] = "fr-FR"
        return user


@dataclass
class Message:
    """A message as the fake stored it; `args` holds every argument the client sent
    (mrkdwn, unfurl_links, ...), `posted_at` is `time.monotonic()` at recording."""

    channel: str
    ts: str
    text: str
    blocks: list[JSON] | None
    thread_ts: str | None
    args: JSON
    posted_at: float = field(default_factory=time.monotonic)
    user: str | None = None  # the recipient, for ephemeral messages only
    author: str | None = None  # a person who wrote it (`user_posted`); None: the bot


@dataclass
class FakeChannel:
    """A channel declared with `SlackState.add_channel`."""

    private: bool
    bot_member: bool


@dataclass(frozen=True)
class Ack:
    """A Socket Mode acknowledgement; `payload` is what the app answered (None for a bare ack),
    the times are `time.monotonic()`."""

    envelope_id: str
    envelope_type: str
    payload: JSON | None
    pushed_at: float
    acked_at: float

    @property
    def delay(self) -> float:
        """Seconds between the push and the ack; Slack gives up after 3."""
        return self.acked_at - self.pushed_at


@dataclass(frozen=True)
class ResponsePost:
    """A message an app posted to a `response_url` (bolt's `respond`)."""

    url: str
    body: JSON
    received_at: float


@dataclass
class UploadedFile:
    """A file sent by files.getUploadURLExternal, the upload URL, files.completeUploadExternal."""

    id: str
    filename: str
    length: int
    content: bytes = b""
    title: str | None = None
    channel: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class SharedFile:
    """A file a user shared (in a direct message with the bot, say): its `url_private` serves
    `content` to a request bearing the bot token, from an app with the files:read scope."""

    id: str
    user: str
    name: str
    mimetype: str
    content: bytes


@dataclass(frozen=True)
class SignedRequest:
    """An HTTP request as Slack would POST it to an app: the raw body and its headers."""

    body: bytes
    headers: dict[str, str]


class SlackApiFailure(Exception):
    """Ends a Web API call with `{"ok": false, "error": ...}`, HTTP 200 as Slack does unless
    `status` says otherwise."""

    def __init__(
        self, error: str, *, status: int = 200, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.headers = headers or {}
        self.extra = extra


class SlackState:
    """Everything the fake Slack knows, decides and records. Every attribute may be changed
    while the server runs, also from another thread.

    Identity: `bot_token` (xoxb, every method), `app_token` (xapp, apps.connections.open only),
    `team_id`, `team_domain`, `api_app_id`, `bot_user_id`, `bot_id`, `bot_name`,
    `verification_token` (the legacy `token` field of payloads), `scopes`; a wrong token gets
    `invalid_auth`, the other kind of token `not_allowed_token_type`.
    `users`: id → FakeUser, for users.info, conversations.open and payload builders (the bot
    is added). Channels need no declaring: any id exists and has the bot as member, unless
    `add_channel` says otherwise (a private channel, or one the bot is not in).

    Faults, on the methods in `faulty_methods` (chat.postMessage), drawn from a
    `random.Random(seed)`:
    - `latency` + uniform(0, `jitter`) seconds before the method runs;
    - `error_rate`: fraction answered HTTP 500 or 503, nothing recorded;
    - `hang_rate`: fraction stalled `hang_seconds` first, recorded only if the client still waits.

    Rate limits on chat.postMessage, answered HTTP 429 with `Retry-After: N` and
    `{"ok": false, "error": "ratelimited"}`: `channel_rate` messages per second per channel
    (Slack: 1) plus `channel_burst` extra at once; `workspace_rate` messages per second over all
    channels (None: unlimited), bursts up to one second's worth. See also `burst_429` and
    `set_channel_error`. Texts over `max_text_length` get `msg_too_long`.

    Records: `messages`, `updates` (a copy of the message after each chat.update), `deleted`
    (messages chat.delete removed: they leave `messages_in` too), `ephemerals`,
    `responses` (to response URLs), `home_views` (user → published view), `opened_views`,
    `files` (uploaded by the app), `downloads` (ids of users' shared files the app fetched),
    `acks`; counters `requests` (by method), `rate_limited` (429s served),
    `server_errors` (5xx served), `duplicates` (same channel, thread, text and blocks posted
    again), `abandoned` (requests the client gave up on before the answer).
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-fake-app-token",
        team_id: str = "T0CLS0001",
        team_domain: str = "cls-fake",
        api_app_id: str = "A0RELAY01",
        bot_user_id: str = "U0RELAYBOT",
        bot_id: str = "B0RELAY01",
        bot_name: str = "relay",
        verification_token: str = "fake-verification-token",
        scopes: Iterable[str] = DEFAULT_SCOPES,
        users: Iterable[FakeUser] = (),
        latency: float = 0.0,
        jitter: float = 0.0,
        error_rate: float = 0.0,
        hang_rate: float = 0.0,
        hang_seconds: float = 30.0,
        faulty_methods: Iterable[str] = ("chat.postMessage",),
        channel_rate: float = 1.0,
        channel_burst: int = 0,
        workspace_rate: float | None = None,
        max_text_length: int = 40_000,
        seed: int = 0,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.verification_token = verification_token
        self.scopes = tuple(scopes)
        self.users = {user.id: user for user in users}
        self.users.setdefault(bot_user_id, FakeUser(bot_user_id, bot_name, is_bot=True))
        self.latency = latency
        self.jitter = jitter
        self.error_rate = error_rate
        self.hang_rate = hang_rate
        self.hang_seconds = hang_seconds
        self.faulty_methods = frozenset(faulty_methods)
        self.channel_rate = channel_rate
        self.channel_burst = channel_burst
        self.workspace_rate = workspace_rate
        self.max_text_length = max_text_length

        self.messages: list[Message] = []
        self.updates: list[Message] = []
        self.deleted: list[Message] = []
        self.ephemerals: list[Message] = []
        self.responses: list[ResponsePost] = []
        self.home_views: dict[str, JSON] = {}
        self.opened_views: list[JSON] = []
        self.files: list[UploadedFile] = []
        self.shared_files: dict[str, SharedFile] = {}
        self.downloads: list[str] = []
        self.acks: list[Ack] = []
        self.requests: Counter[str] = Counter()
        self.rate_limited = 0
        self.server_errors = 0
        self.duplicates = 0
        self.abandoned = 0

        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self._by_channel: dict[str, list[Message]] = {}
        self._by_ts: dict[tuple[str, str], Message] = {}
        self._seen: set[tuple[str, str | None, str, str]] = set()
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, refilled at)
        self._forced_429s = 0
        self._forced_retry_after = 1
        self._channel_errors: dict[str, str] = {}
        self._joinable: set[str] = set()
        self._channels: dict[str, FakeChannel] = {}
        self._conversations: dict[tuple[str, ...], str] = {}  # sorted user ids → D/G id
        self._members: dict[str, tuple[str, ...]] = {}  # D/G id → user ids
        self._views: dict[str, JSON] = {}
        self._triggers: dict[str, float | None] = {}  # id → issued at, None once used
        self._uploads: dict[str, UploadedFile] = {}

    # Test helpers

    @property
    def delivered_count(self) -> int:
        """How many messages chat.postMessage accepted."""
        return len(self.messages)

    def messages_in(self, channel: str) -> list[Message]:
        """The messages in `channel` now (thread replies included, deleted ones gone), oldest
        first."""
        return list(self._by_channel.get(channel, ()))

    def user_posted(self, channel: str, user: str, text: str) -> Message:
        """A person's message in `channel`: the bot may neither update nor delete it."""
        message = Message(channel, self.new_ts(), text, None, None, {}, author=user)
        self._by_channel.setdefault(channel, []).append(message)
        self._by_ts[(channel, message.ts)] = message
        return message

    def find_message(self, channel: str, ts: str) -> Message | None:
        return self._by_ts.get((channel, ts))

    def share_file(
        self, user: str, name: str, content: bytes, mimetype: str | None = None
    ) -> SharedFile:
        """A file `user` uploads to Slack, to share in a message (`message_im(files=…)`)."""
        guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
        shared = SharedFile(self.new_id("F"), user, name, mimetype or guessed, content)
        self.shared_files[shared.id] = shared
        return shared

    def download(self, file_id: str, authorization: str) -> bytes | None:
        """A shared file's content for a request with this Authorization header; None when
        Slack would answer its sign-in page (no bot token, or no files:read scope)."""
        shared = self.shared_files.get(file_id)
        if shared is None:
            return None
        if authorization != f"Bearer {self.bot_token}" or "files:read" not in self.scopes:
            return None
        self.downloads.append(file_id)
        return shared.content

    def set_channel_error(self, channel: str, error: str, *, joinable: bool = False) -> None:
        """Make calls on `channel` answer `{"ok": false, "error": error}` until cleared, e.g.
        channel_not_found, is_archived, account_inactive, msg_too_long, invalid_blocks, or
        not_in_channel, which conversations.join clears if `joinable` (else missing_scope)."""
        self._channel_errors[channel] = error
        if joinable:
            self._joinable.add(channel)

    def clear_channel_error(self, channel: str) -> None:
        self._channel_errors.pop(channel, None)

    def add_channel(self, channel: str, *, private: bool = False, bot_member: bool = True) -> None:
        """Declare a channel, as Slack treats a bot outside it. In a public channel the bot is
        not in, posting answers not_in_channel (unless the bot has chat:write.public) until
        conversations.join (scope channels:join). A private channel the bot is not in is
        invisible to it: channel_not_found everywhere, and conversations.join answers
        method_not_supported_for_channel_type; only a member's `/invite` lets it in
        (`invite_bot`)."""
        self._channels[channel] = FakeChannel(private, bot_member)

    def invite_bot(self, channel: str) -> None:
        """A member typed `/invite @relay` in `channel`."""
        self._channels.setdefault(channel, FakeChannel(private=False, bot_member=True))
        self._channels[channel].bot_member = True

    def channel_name(self, channel: str) -> str:
        """The name payloads give a channel: Slack hides a private channel's behind
        "privategroup"."""
        declared = self._channels.get(channel)
        return "privategroup" if declared and declared.private else _channel_name(channel)

    def bot_is_member(self, channel: str) -> bool:
        declared = self._channels.get(channel)
        return declared is None or declared.bot_member

    def burst_429(self, n: int, retry_after: int = 1) -> None:
        """Answer the next `n` chat.postMessage calls HTTP 429 with `Retry-After: retry_after`."""
        self._forced_429s = n
        self._forced_retry_after = retry_after

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """Return `predicate()`'s first truthy value, polling every few milliseconds (so it works
        from any loop or thread); raise TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"still false after {timeout} s: {predicate}")
            await asyncio.sleep(POLL_INTERVAL)

    def stats(self) -> JSON:
        return {
            "delivered": self.delivered_count,
            "channels_reached": len({message.channel for message in self.messages}),
            "requests": dict(self.requests),
            "rate_limited": self.rate_limited,
            "server_errors": self.server_errors,
            "duplicates": self.duplicates,
            "abandoned": self.abandoned,
            "acks": len(self.acks),
        }

    # Identifiers

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def new_ts(self) -> str:
        """A fresh message timestamp, "seconds.micros", strictly increasing like Slack's."""
        with self._lock:
            self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
            seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def issue_trigger(self) -> str:
        """A trigger_id for views.open, valid once within 3 seconds, as in Slack."""
        trigger = f"{next(self._ids)}.{int(time.time())}.{uuid.uuid4().hex}"
        self._triggers[trigger] = time.monotonic()
        return trigger

    def user_name(self, user_id: str) -> str:
        user = self.users.get(user_id)
        return user.name if user else user_id.lower()

    def conversation_with(self, *user_ids: str) -> tuple[str, bool]:
        """The DM (one user) or group DM id with these users, and whether it existed."""
        key = tuple(sorted(user_ids))
        existing = self._conversations.get(key)
        if existing:
            return existing, True
        channel = self.new_id("D" if len(key) == 1 else "G")
        self._conversations[key] = channel
        self._members[channel] = key
        return channel, False

    # Decisions, for the server

    def check_token(self, method: str, token: str | None) -> None:
        if not token:
            raise SlackApiFailure("not_authed")
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token == expected:
            return
        raise SlackApiFailure(
            "not_allowed_token_type"
            if token in (self.app_token, self.bot_token)
            else "invalid_auth"
        )

    def draw_delay(self) -> float:
        return self.latency + (self._rng.uniform(0, self.jitter) if self.jitter else 0.0)

    def draw_server_error(self) -> int | None:
        if self.error_rate and self._rng.random() < self.error_rate:
            self.server_errors += 1
            return self._rng.choice((500, 503))
        return None

    def draw_hang(self) -> bool:
        return bool(self.hang_rate) and self._rng.random() < self.hang_rate

    def check_channel(self, args: JSON) -> str:
        """The target channel (a user id means the bot's DM with them), or its scripted error."""
        channel = _arg(args, "channel") or _arg(args, "channel_id")
        if not channel:
            raise SlackApiFailure("channel_not_found")
        if channel in self.users:
            channel, _ = self.conversation_with(channel)
        error = self._channel_errors.get(channel)
        if error:
            raise SlackApiFailure(error)
        declared = self._channels.get(channel)
        if declared is not None and not declared.bot_member:
            if declared.private:
                raise SlackApiFailure("channel_not_found")
            if "chat:write.public" not in self.scopes:
                raise SlackApiFailure("not_in_channel")
        return channel

    def check_conversation(self, args: JSON) -> str:
        """As `check_channel`, for the methods that change a message (chat.update, chat.delete):
        they need the direct message's own id (D…), a user id is no channel to them."""
        if _arg(args, "channel") in self.users:
            raise SlackApiFailure("channel_not_found")
        return self.check_channel(args)

    def check_content(self, args: JSON) -> tuple[str, list[JSON] | None]:
        """The message's text and blocks, or the error Slack gives for them."""
        text = _arg(args, "text")
        try:
            blocks = _json_arg(args, "blocks")
        except ValueError:
            raise SlackApiFailure("invalid_blocks_format") from None
        if blocks is not None:
            errors = block_errors(blocks, MAX_MESSAGE_BLOCKS)
            if errors:
                raise SlackApiFailure(
                    "invalid_blocks",
                    errors=errors,
                    response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
                )
        if not text and not blocks and not args.get("attachments"):
            raise SlackApiFailure("no_text")
        if len(text) > self.max_text_length:
            raise SlackApiFailure("msg_too_long")
        return text, blocks or None

    def admit_post(self, channel: str) -> None:
        """Take this post's place in the rate limits, or raise the 429 Slack would answer."""
        if self._forced_429s > 0:
            self._forced_429s -= 1
            raise self._ratelimited(self._forced_retry_after)
        now = time.monotonic()
        limits = [(f"channel:{channel}", self.channel_rate, 1.0 + self.channel_burst)]
        if self.workspace_rate:
            limits.append(("workspace", self.workspace_rate, max(1.0, self.workspace_rate)))
        tokens = [self._refill(key, rate, capacity, now) for key, rate, capacity in limits]
        wait = max(
            (1 - available) / rate - RATE_TOLERANCE
            for available, (_, rate, _) in zip(tokens, limits, strict=True)
        )
        if wait > 0:
            raise self._ratelimited(max(1, math.ceil(wait)))
        for available, (key, _, _) in zip(tokens, limits, strict=True):
            self._buckets[key] = (available - 1, now)

    def _refill(self, key: str, rate: float, capacity: float, now: float) -> float:
        tokens, refilled_at = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - refilled_at) * rate)
        self._buckets[key] = (tokens, now)
        return tokens

    def _ratelimited(self, retry_after: int) -> SlackApiFailure:
        self.rate_limited += 1
        return SlackApiFailure("ratelimited", status=429, headers={"Retry-After": str(retry_after)})

    def join(self, channel: str) -> JSON:
        """conversations.join: clears not_in_channel on a joinable channel, makes the bot a
        member of a declared public channel; private channels cannot be joined."""
        error = self._channel_errors.get(channel) if channel else "channel_not_found"
        if error in ("channel_not_found", "is_archived", "account_inactive"):
            raise SlackApiFailure(error)
        declared = self._channels.get(channel)
        if declared is not None and error is None:
            return self._join_declared(channel, declared)
        if error != "not_in_channel":
            return {
                "channel": self.channel_json(channel),
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        if channel not in self._joinable:
            raise SlackApiFailure(
                "missing_scope", needed="channels:join", provided=",".join(self.scopes)
            )
        self.clear_channel_error(channel)
        return {"channel": self.channel_json(channel)}

    def _join_declared(self, channel: str, declared: FakeChannel) -> JSON:
        if declared.private or channel.startswith(("D", "G")):
            raise SlackApiFailure("method_not_supported_for_channel_type")
        if "channels:join" not in self.scopes:
            raise SlackApiFailure(
                "missing_scope", needed="channels:join", provided=",".join(self.scopes)
            )
        if declared.bot_member:
            return {
                "channel": self.channel_json(channel),
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        declared.bot_member = True
        return {"channel": self.channel_json(channel)}

    def channel_info(self, channel: str) -> JSON:
        error = self._channel_errors.get(channel) if channel else "channel_not_found"
        if error in ("channel_not_found", "account_inactive"):
            raise SlackApiFailure(error)
        declared = self._channels.get(channel)
        if declared is not None and declared.private and not declared.bot_member:
            raise SlackApiFailure("channel_not_found")
        return self.channel_json(channel)

    def use_trigger(self, trigger_id: str) -> None:
        if trigger_id not in self._triggers:
            raise SlackApiFailure("invalid_trigger_id")
        issued_at = self._triggers[trigger_id]
        if issued_at is None:
            raise SlackApiFailure("exchanged_trigger_id")
        self._triggers[trigger_id] = None
        if time.monotonic() - issued_at > TRIGGER_LIFETIME:
            raise SlackApiFailure("expired_trigger_id")

    # Records, for the server

    def record_message(
        self, channel: str, text: str, blocks: list[JSON] | None, args: JSON
    ) -> Message:
        message = Message(
            channel, self.new_ts(), text, blocks, _arg(args, "thread_ts") or None, args
        )
        key = (channel, message.thread_ts, text, json.dumps(blocks, sort_keys=True))
        if key in self._seen:
            self.duplicates += 1
        self._seen.add(key)
        self.messages.append(message)
        self._by_channel.setdefault(channel, []).append(message)
        self._by_ts[(channel, message.ts)] = message
        return message

    def record_update(
        self, channel: str, ts: str, text: str, blocks: list[JSON] | None, args: JSON
    ) -> Message:
        message = self._by_ts.get((channel, ts))
        if message is None:
            raise SlackApiFailure("message_not_found")
        if message.author is not None:
            raise SlackApiFailure("cant_update_message")
        message.text, message.blocks = text, blocks
        self.updates.append(replace(message, args=args, posted_at=time.monotonic()))
        return message

    def record_deletion(self, channel: str, ts: str) -> Message:
        message = self._by_ts.get((channel, ts))
        if message is None:
            raise SlackApiFailure("message_not_found")
        if message.author is not None:
            raise SlackApiFailure("cant_delete_message")
        del self._by_ts[(channel, ts)]
        self._by_channel[channel].remove(message)
        self.deleted.append(message)
        return message

    def record_ephemeral(
        self, channel: str, user: str, text: str, blocks: list[JSON] | None, args: JSON
    ) -> Message:
        message = Message(
            channel, self.new_ts(), text, blocks, _arg(args, "thread_ts") or None, args, user=user
        )
        self.ephemerals.append(message)
        return message

    def store_view(self, raw: object, kind: str, view_id: str | None = None) -> JSON:
        """Validate a view as views.* do and store it with the fields Slack adds."""
        if not isinstance(raw, dict) or raw.get("type") != kind:
            raise _invalid_arguments([f"must be a {kind} view [json-pointer:/view/type]"])
        errors = block_errors(raw.get("blocks", []), MAX_VIEW_BLOCKS, "/view/blocks")
        if errors:
            raise _invalid_arguments(errors)
        view_id = view_id or self.new_id("V")
        view: JSON = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            **raw,
            "id": view_id,
            "team_id": self.team_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.api_app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self._views[view_id] = view
        return view

    def find_view(self, view_id: str, external_id: str) -> JSON:
        for view in [self._views.get(view_id)] if view_id else self._views.values():
            if view and (view_id or view.get("external_id") == external_id):
                return view
        raise SlackApiFailure("not_found")

    def start_upload(self, filename: str, length: int) -> UploadedFile:
        upload = UploadedFile(self.new_id("F"), filename, length)
        self._uploads[upload.id] = upload
        return upload

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        upload = self._uploads.get(file_id)
        if upload is not None:
            upload.content = content
        return upload is not None

    def complete_uploads(self, files: object, args: JSON) -> list[UploadedFile]:
        if not isinstance(files, list) or not files:
            raise _invalid_arguments(["must provide files [json-pointer:/files]"])
        channel = self.check_channel(args) if _arg(args, "channel_id") else None
        uploads = []
        for item in files:
            upload = self._uploads.get(str(item.get("id"))) if isinstance(item, dict) else None
            if upload is None or not upload.content:
                raise SlackApiFailure("file_not_found")
            upload.title = item.get("title") or upload.filename
            upload.channel = channel
            upload.initial_comment = _arg(args, "initial_comment") or None
            upload.thread_ts = _arg(args, "thread_ts") or None
            uploads.append(upload)
        for upload in uploads:
            del self._uploads[upload.id]
            self.files.append(upload)
        return uploads

    # Shapes of API objects

    def message_json(self, message: Message) -> JSON:
        body: JSON = {
            "user": self.bot_user_id,
            "type": "message",
            "ts": message.ts,
            "bot_id": self.bot_id,
            "app_id": self.api_app_id,
            "text": message.text,
            "team": self.team_id,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.api_app_id,
                "name": self.bot_name,
                "deleted": False,
                "team_id": self.team_id,
            },
        }
        if message.blocks:
            body["blocks"] = message.blocks
        if message.thread_ts:
            body["thread_ts"] = message.thread_ts
        return body

    def channel_json(self, channel: str) -> JSON:
        error = self._channel_errors.get(channel)
        members = self._members.get(channel, ())
        is_im = channel.startswith("D")
        declared = self._channels.get(channel)
        private = declared.private if declared else not channel.startswith("C")
        info: JSON = {
            "id": channel,
            "created": 1_700_000_000,
            "is_channel": channel.startswith("C"),
            "is_group": False,
            "is_im": is_im,
            "is_mpim": channel.startswith("G") and bool(members),
            "is_private": private,
            "is_archived": error == "is_archived",
            "is_general": False,
            "is_member": error != "not_in_channel" and self.bot_is_member(channel),
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "context_team_id": self.team_id,
        }
        if is_im:
            info["user"] = members[0] if members else ""
        else:
            info["name"] = info["name_normalized"] = channel.lower()
        return info

    def file_json(self, upload: UploadedFile) -> JSON:
        now = int(time.time())
        return {
            "id": upload.id,
            "created": now,
            "timestamp": now,
            "name": upload.filename,
            "title": upload.title,
            "mimetype": mimetypes.guess_type(upload.filename)[0] or "application/octet-stream",
            "user": self.bot_user_id,
            "size": len(upload.content),
            "is_external": False,
            "url_private": f"https://files.slack.com/files-pri/{self.team_id}-{upload.id}/{upload.filename}",
            "permalink": f"https://{self.team_domain}.slack.com/files/{self.bot_user_id}/{upload.id}",
        }


class FakeSlackServer:
    """Serves a `SlackState` on 127.0.0.1 (ephemeral port unless `port`), over HTTP and WebSocket.

    `url` is the server's base URL, `api_url` the `base_url` for AsyncWebClient. In the test's
    own loop: `async with FakeSlackServer(...) as slack`; in a thread with its own loop:
    `with FakeSlackServer(...) as slack` (or `start_in_thread()` / `stop_in_thread()`).

    Besides the Web API it serves the Socket Mode WebSocket (`push` sends envelopes and returns
    the acks), response URLs (recorded in `state.responses`), file upload URLs, users' shared
    files (`url_private`, with the bot token), and
    `GET /fake/stats` (the counters as JSON, for a server in another process).
    The payload builders return what Slack sends to apps, for `push` or `sign_request`.
    """

    def __init__(self, state: SlackState | None = None, *, port: int = 0) -> None:
        self.state = state or SlackState()
        self.url = ""
        self.sessions = 0
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._connected = asyncio.Event()
        self._tickets: set[str] = set()
        self._pushed: dict[str, tuple[str, float, asyncio.Future[Ack]]] = {}
        self._methods: dict[str, Callable[[JSON], Coroutine[Any, Any, JSON]]] = {
            "apps.connections.open": self._apps_connections_open,
            "auth.test": self._auth_test,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.open": self._conversations_open,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
        }

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def connections(self) -> int:
        """How many Socket Mode connections are open now (`sessions`: accepted so far)."""
        return len(self._sockets)

    # Lifecycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._connected = asyncio.Event()
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/api/{method}", self._api),
                web.get("/link/", self._socket_mode),
                web.post("/commands/{path:.+}", self._response_url),
                web.post("/actions/{path:.+}", self._response_url),
                web.post("/upload/v1/{file_id}", self._upload),
                web.get("/files-pri/{key}/{path:.+}", self._download),
                web.get("/fake/stats", self._stats),
            ]
        )
        app.on_shutdown.append(self._close_sockets)
        # handler_cancellation: a request the client gives up on stops, unrecorded, as in Slack.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self._port).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def start_in_thread(self) -> Self:
        """Start serving from a daemon thread running its own event loop."""
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="fake-slack", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.start(), loop).result(timeout=10)
        return self

    def stop_in_thread(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._thread = None

    def __enter__(self) -> Self:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_in_thread()

    # Socket Mode, as seen by tests

    async def push(
        self,
        payload: JSON,
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 3.0,  # noqa: ASYNC109
    ) -> Ack:
        """Send `payload` to the newest Socket Mode connection in the envelope Slack would use
        and return the app's ack. Events carry `retry_attempt`/`retry_reason`. Raises
        TimeoutError if no client connects or acks within `timeout` (a late ack is still
        recorded in `state.acks`). Callable from any loop."""
        async with asyncio.timeout(timeout):
            return await self._on_server_loop(self._push(payload, retry_attempt, retry_reason))

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every Socket Mode client to reconnect, as Slack does every few hours."""
        await self._on_server_loop(self._send_disconnect(reason))

    async def _push(self, payload: JSON, retry_attempt: int, retry_reason: str) -> Ack:
        kind = envelope_type(payload)
        envelope: JSON = {
            "envelope_id": str(uuid.uuid4()),
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind == "slash_commands"
            or payload.get("type") in ("view_submission", "block_suggestion"),
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        waiter: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        await self._connected.wait()
        self._pushed[envelope["envelope_id"]] = (kind, time.monotonic(), waiter)
        await self._sockets[-1].send_json(envelope)
        return await waiter

    async def _send_disconnect(self, reason: str) -> None:
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        for socket in list(self._sockets):
            await socket.send_json(message)

    async def _on_server_loop(self, work: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            work.close()
            raise RuntimeError("the fake Slack server is not running")
        if self._loop is asyncio.get_running_loop():
            return await work
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))

    # Payload builders: what Slack sends to apps

    def slash_command(
        self,
        user_id: str,
        channel_id: str,
        text: str = "",
        command: str = "/cls",
        *,
        channel_name: str | None = None,
    ) -> JSON:
        state = self.state
        return {
            "token": state.verification_token,
            "team_id": state.team_id,
            "team_domain": state.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name or state.channel_name(channel_id),
            "user_id": user_id,
            "user_name": state.user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": state.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._new_response_url("commands"),
            "trigger_id": state.issue_trigger(),
        }

    def app_mention(
        self,
        user: str,
        channel: str,
        text: str,
        ts: str | None = None,
        *,
        thread_ts: str | None = None,
    ) -> JSON:
        """An app_mention event; `text` gets the bot's mention in front unless it has one."""
        mention = f"<@{self.state.bot_user_id}>"
        ts = ts or self.state.new_ts()
        event: JSON = {
            "client_msg_id": str(uuid.uuid4()),
            "type": "app_mention",
            "text": text if mention in text else f"{mention} {text}",
            "user": user,
            "ts": ts,
            "team": self.state.team_id,
            "channel": channel,
            "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self._event_callback(event)

    def message_im(
        self,
        user: str,
        channel: str,
        text: str,
        ts: str | None = None,
        *,
        files: Iterable[SharedFile] = (),
    ) -> JSON:
        """A message event from `user` in the bot's DM `channel`; with `files` (from
        `state.share_file`), the `file_share` message Slack sends when files come with it."""
        ts = ts or self.state.new_ts()
        event: JSON = {
            "client_msg_id": str(uuid.uuid4()),
            "type": "message",
            "text": text,
            "user": user,
            "ts": ts,
            "team": self.state.team_id,
            "channel": channel,
            "event_ts": ts,
            "channel_type": "im",
        }
        shared = [self.shared_file_json(file) for file in files]
        if shared:
            event |= {"subtype": "file_share", "files": shared, "upload": False}
            event["display_as_bot"] = False
        return self._event_callback(event)

    def shared_file_json(self, shared: SharedFile) -> JSON:
        """A user's file as events describe it; its URLs are served by this fake."""
        now = int(time.time())
        private = f"{self.url}/files-pri/{self.state.team_id}-{shared.id}"
        extension = shared.name.rpartition(".")[2].lower() if "." in shared.name else "binary"
        return {
            "id": shared.id,
            "created": now,
            "timestamp": now,
            "name": shared.name,
            "title": shared.name,
            "mimetype": shared.mimetype,
            "filetype": extension,
            "pretty_type": extension.upper(),
            "user": shared.user,
            "user_team": self.state.team_id,
            "editable": False,
            "size": len(shared.content),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{private}/{shared.name}",
            "url_private_download": f"{private}/download/{shared.name}",
            "permalink": f"https://{self.state.team_domain}.slack.com/files/{shared.user}/"
            f"{shared.id}/{shared.name}",
            "has_rich_preview": False,
            "file_access": "visible",
        }

    def app_home_opened(self, user: str, tab: str = "home") -> JSON:
        """An app_home_opened event, with the user's published Home view if there is one."""
        event: JSON = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.state.conversation_with(user)[0],
            "tab": tab,
            "event_ts": self.state.new_ts(),
        }
        if user in self.state.home_views:
            event["view"] = self.state.home_views[user]
        return self._event_callback(event)

    def block_actions(
        self,
        user: str,
        action_id: str,
        *,
        value: str | None = None,
        selected_options: list[str] | None = None,
        block_id: str | None = None,
        view: JSON | None = None,
        channel: str | None = None,
        message_ts: str | None = None,
    ) -> JSON:
        """A click on a button (`value`) or a choice in a multi-select (`selected_options`),
        in a `view` (as views.* returned it) or in the message `message_ts` of `channel`.
        Block id and button text come from the element with `action_id` when it is found."""
        state = self.state
        if view is None and not (channel and message_ts):
            raise ValueError("block_actions needs a view, or a channel and a message_ts")
        message = state.find_message(channel, message_ts) if channel and message_ts else None
        if view is not None:
            blocks = view.get("blocks", [])
        else:
            blocks = message.blocks or [] if message else []
        found_block_id, element = _find_element(blocks, action_id)
        action: JSON = {
            "action_id": action_id,
            "block_id": block_id or found_block_id or uuid.uuid4().hex[:5],
            "action_ts": state.new_ts(),
        }
        if selected_options is not None:
            options = [{"text": _plain(option), "value": option} for option in selected_options]
            action |= {"type": "multi_static_select", "selected_options": options}
        else:
            text = element.get("text") if element else None
            action |= {"type": "button", "text": text or _plain(action_id), "value": value or ""}
        payload: JSON = {
            "type": "block_actions",
            "user": self._user_ref(user),
            "api_app_id": state.api_app_id,
            "token": state.verification_token,
            "trigger_id": state.issue_trigger(),
            "team": {"id": state.team_id, "domain": state.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if view is not None:
            payload |= {"container": {"type": "view", "view_id": view.get("id")}, "view": view}
        else:
            payload |= {
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "channel": {"id": channel, "name": _channel_name(channel or "")},
                "message": state.message_json(message)
                if message
                else {"type": "message", "ts": message_ts, "text": ""},
                "response_url": self._new_response_url("actions"),
            }
        return payload

    def view_submission(
        self,
        user: str,
        callback_id: str,
        values: JSON,
        private_metadata: str | None = None,
        *,
        view: JSON | None = None,
    ) -> JSON:
        """A modal submitted with `values` (Slack's `view.state.values` shape:
        block_id → action_id → {"type": ..., "value": ...}); the modal is `view`, else the
        last one opened with `callback_id`, else a minimal one."""
        state = self.state
        opened = [v for v in state.opened_views if v.get("callback_id") == callback_id]
        base = view or (opened[-1] if opened else {})
        view_id = base.get("id") or state.new_id("V")
        submitted: JSON = {
            "id": view_id,
            "team_id": state.team_id,
            "type": "modal",
            "blocks": base.get("blocks", []),
            "private_metadata": base.get("private_metadata", "")
            if private_metadata is None
            else private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": base.get("hash", f"{int(time.time())}.{uuid.uuid4().hex[:8]}"),
            "title": base.get("title", _plain("Relay")),
            "clear_on_close": False,
            "notify_on_close": False,
            "close": base.get("close"),
            "submit": base.get("submit", _plain("OK")),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": state.api_app_id,
            "external_id": base.get("external_id", ""),
            "app_installed_team_id": state.team_id,
            "bot_id": state.bot_id,
        }
        return {
            "type": "view_submission",
            "team": {"id": state.team_id, "domain": state.team_domain},
            "user": self._user_ref(user),
            "api_app_id": state.api_app_id,
            "token": state.verification_token,
            "trigger_id": state.issue_trigger(),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def url_verification(self, challenge: str) -> JSON:
        """The handshake Slack POSTs to an Events API request URL (HTTP mode only)."""
        return {
            "token": self.state.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }

    def _event_callback(self, event: JSON) -> JSON:
        state = self.state
        return {
            "token": state.verification_token,
            "team_id": state.team_id,
            "context_team_id": state.team_id,
            "context_enterprise_id": None,
            "api_app_id": state.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": state.new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": state.team_id,
                    "user_id": state.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{uuid.uuid4().hex}",
        }

    def _user_ref(self, user: str) -> JSON:
        name = self.state.user_name(user)
        return {"id": user, "username": name, "name": name, "team_id": self.state.team_id}

    def _new_response_url(self, kind: str) -> str:
        serial = self.state.new_id("")
        return f"{self.url}/{kind}/{self.state.team_id}/{serial}/{uuid.uuid4().hex}"

    # HTTP and WebSocket handlers

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        state = self.state
        state.requests[method] += 1
        args = await _read_args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        token = token or str(args.pop("token", ""))
        scopes = {"X-OAuth-Scopes": ",".join(state.scopes)}
        try:
            handler = self._methods.get(method)
            if handler is None:
                raise SlackApiFailure("unknown_method", req_method=method)
            state.check_token(method, token)
            if method in state.faulty_methods:
                failure = await self._misbehave()
                if failure is not None:
                    return failure
            result = await handler(args)
        except SlackApiFailure as failure:
            body = {"ok": False, "error": failure.error, **failure.extra}
            return web.json_response(body, status=failure.status, headers=scopes | failure.headers)
        return web.json_response({"ok": True, **result}, headers=scopes)

    async def _misbehave(self) -> web.Response | None:
        state = self.state
        delay = state.draw_delay()
        if delay:
            await asyncio.sleep(delay)
        status = state.draw_server_error()
        if status is not None:
            page = f"<html><body><h1>{status}</h1>Slack is having trouble.</body></html>"
            return web.Response(status=status, text=page, content_type="text/html")
        if state.draw_hang():
            try:
                await asyncio.sleep(state.hang_seconds)
            except asyncio.CancelledError:
                state.abandoned += 1
                raise
        return None

    async def _socket_mode(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets) + 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.state.api_app_id},
            }
        )
        self.sessions += 1
        self._sockets.append(socket)
        self._connected.set()
        try:
            async for frame in socket:
                if frame.type == WSMsgType.TEXT:
                    self._receive_ack(frame.data)
        finally:
            self._sockets.remove(socket)
            if not self._sockets:
                self._connected.clear()
        return socket

    def _receive_ack(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            return
        pushed = self._pushed.pop(message.get("envelope_id", ""), None)
        if pushed is None:
            return
        kind, pushed_at, waiter = pushed
        ack = Ack(message["envelope_id"], kind, message.get("payload"), pushed_at, time.monotonic())
        self.state.acks.append(ack)
        if not waiter.done():
            waiter.set_result(ack)

    async def _close_sockets(self, _: web.Application) -> None:
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY)

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.state.responses.append(ResponsePost(str(request.url), body, time.monotonic()))
        return web.json_response({"ok": True})

    async def _upload(self, request: web.Request) -> web.Response:
        content = await request.read()
        if not self.state.receive_upload(request.match_info["file_id"], content):
            return web.Response(status=404, text="not found")
        return web.Response(text=f"OK - {len(content)}")

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["key"].rpartition("-")[2]
        authorization = request.headers.get("Authorization", "")
        content = self.state.download(file_id, authorization)
        if content is None:  # what Slack answers a browser that is not signed in
            page = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body>"
            return web.Response(text=page, content_type="text/html")
        return web.Response(body=content, content_type="application/octet-stream")

    async def _stats(self, _: web.Request) -> web.Response:
        return web.json_response(self.state.stats())

    # Web API methods

    async def _apps_connections_open(self, _: JSON) -> JSON:
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        ws_url = self.url.replace("http://", "ws://", 1)
        return {"url": f"{ws_url}/link/?ticket={ticket}&app_id={self.state.api_app_id}"}

    async def _auth_test(self, _: JSON) -> JSON:
        state = self.state
        return {
            "url": f"https://{state.team_domain}.slack.com/",
            "team": state.team_domain,
            "user": state.bot_name,
            "team_id": state.team_id,
            "user_id": state.bot_user_id,
            "bot_id": state.bot_id,
            "is_enterprise_install": False,
        }

    async def _chat_post_message(self, args: JSON) -> JSON:
        state = self.state
        channel = state.check_channel(args)
        text, blocks = state.check_content(args)
        state.admit_post(channel)
        message = state.record_message(channel, text, blocks, args)
        return {"channel": channel, "ts": message.ts, "message": state.message_json(message)}

    async def _chat_update(self, args: JSON) -> JSON:
        state = self.state
        channel = state.check_conversation(args)
        text, blocks = state.check_content(args)
        message = state.record_update(channel, _arg(args, "ts"), text, blocks, args)
        return {
            "channel": channel,
            "ts": message.ts,
            "text": message.text,
            "message": state.message_json(message),
        }

    async def _chat_delete(self, args: JSON) -> JSON:
        state = self.state
        channel = state.check_conversation(args)
        message = state.record_deletion(channel, _arg(args, "ts"))
        return {"channel": channel, "ts": message.ts}

    async def _chat_post_ephemeral(self, args: JSON) -> JSON:
        state = self.state
        channel = state.check_channel(args)
        text, blocks = state.check_content(args)
        user = _arg(args, "user")
        if user not in state.users:
            raise SlackApiFailure("user_not_found")
        return {"message_ts": state.record_ephemeral(channel, user, text, blocks, args).ts}

    async def _conversations_open(self, args: JSON) -> JSON:
        users = [user for user in _arg(args, "users").split(",") if user]
        if not users:
            raise SlackApiFailure("users_list_not_supplied")
        if any(user not in self.state.users for user in users):
            raise SlackApiFailure("user_not_found")
        channel, existed = self.state.conversation_with(*users)
        if _flag(args.get("return_im")):
            return {
                "no_op": existed,
                "already_open": existed,
                "channel": self.state.channel_json(channel),
            }
        return {"no_op": existed, "already_open": existed, "channel": {"id": channel}}

    async def _conversations_join(self, args: JSON) -> JSON:
        return self.state.join(_arg(args, "channel"))

    async def _conversations_info(self, args: JSON) -> JSON:
        return {"channel": self.state.channel_info(_arg(args, "channel"))}

    async def _users_info(self, args: JSON) -> JSON:
        user = self.state.users.get(_arg(args, "user"))
        if user is None:
            raise SlackApiFailure("user_not_found")
        include_locale = _flag(args.get("include_locale"))
        return {"user": user.to_api(self.state.team_id, include_locale=include_locale)}

    async def _views_publish(self, args: JSON) -> JSON:
        user = _arg(args, "user_id")
        if user not in self.state.users:
            raise SlackApiFailure("user_not_found")
        previous = self.state.home_views.get(user, {}).get("id")
        view = self.state.store_view(_view_arg(args), "home", previous)
        self.state.home_views[user] = view
        return {"view": view}

    async def _views_open(self, args: JSON) -> JSON:
        self.state.use_trigger(_arg(args, "trigger_id"))
        view = self.state.store_view(_view_arg(args), "modal")
        self.state.opened_views.append(view)
        return {"view": view}

    async def _views_update(self, args: JSON) -> JSON:
        current = self.state.find_view(_arg(args, "view_id"), _arg(args, "external_id"))
        return {"view": self.state.store_view(_view_arg(args), current["type"], current["id"])}

    async def _files_get_upload_url_external(self, args: JSON) -> JSON:
        filename, length = _arg(args, "filename"), _arg(args, "length")
        if not filename or not length.isdigit():
            raise _invalid_arguments(["must provide filename and length"])
        upload = self.state.start_upload(filename, int(length))
        return {"upload_url": f"{self.url}/upload/v1/{upload.id}", "file_id": upload.id}

    async def _files_complete_upload_external(self, args: JSON) -> JSON:
        try:
            files = _json_arg(args, "files")
        except ValueError:
            raise _invalid_arguments(["files must be JSON [json-pointer:/files]"]) from None
        uploads = self.state.complete_uploads(files, args)
        return {"files": [self.state.file_json(upload) for upload in uploads]}


def block_errors(blocks: object, max_blocks: int, at: str = "/blocks") -> list[str]:
    """Slack's complaints about `blocks` (a subset of its checks), empty if it would accept them."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{at}]"]
    if len(blocks) > max_blocks:
        return [f"must provide an array with no more than {max_blocks} items [json-pointer:{at}]"]
    return [error for i, block in enumerate(blocks) for error in _block_errors(block, f"{at}/{i}")]


def _block_errors(block: object, at: str) -> list[str]:
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
        return [f"must be a valid block type [json-pointer:{at}/type]"]
    errors = _too_long(block.get("block_id"), 255, f"{at}/block_id")
    match block["type"]:
        case "section":
            fields = block.get("fields", [])
            if "text" not in block and not fields:
                errors.append(f"must provide text or fields [json-pointer:{at}]")
            if "text" in block:
                errors += _text_errors(block["text"], TEXT_TYPES, 3000, f"{at}/text")
            if not isinstance(fields, list) or len(fields) > 10:
                errors.append(f"must be an array of at most 10 items [json-pointer:{at}/fields]")
            else:
                for i, item in enumerate(fields):
                    errors += _text_errors(item, TEXT_TYPES, 2000, f"{at}/fields/{i}")
            if "accessory" in block:
                errors += _element_errors(block["accessory"], f"{at}/accessory")
        case "header":
            errors += _text_errors(block.get("text"), ("plain_text",), 150, f"{at}/text")
        case "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                return [*errors, f"must be an array of 1 to 10 items [json-pointer:{at}/elements]"]
            for i, element in enumerate(elements):
                where = f"{at}/elements/{i}"
                if isinstance(element, dict) and element.get("type") == "image":
                    if not element.get("image_url") or not element.get("alt_text"):
                        errors.append(f"must provide image_url and alt_text [json-pointer:{where}]")
                else:
                    errors += _text_errors(element, TEXT_TYPES, 3000, where)
        case "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                return [*errors, f"must be an array of 1 to 25 items [json-pointer:{at}/elements]"]
            for i, element in enumerate(elements):
                errors += _element_errors(element, f"{at}/elements/{i}")
    return errors


def _text_errors(obj: object, types: tuple[str, ...], limit: int, at: str) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in types:
        return [f"must be a text object of type {' or '.join(types)} [json-pointer:{at}]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"must be more than 0 characters [json-pointer:{at}/text]"]
    return _too_long(text, limit, f"{at}/text")


def _element_errors(element: object, at: str) -> list[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [f"must be an element object [json-pointer:{at}]"]
    if element["type"] != "button":
        return []
    return [
        *_text_errors(element.get("text"), ("plain_text",), 75, f"{at}/text"),
        *_too_long(element.get("url"), 3000, f"{at}/url"),
        *_too_long(element.get("value"), 2000, f"{at}/value"),
        *_too_long(element.get("action_id"), 255, f"{at}/action_id"),
    ]


def _too_long(value: object, limit: int, at: str) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{at}]"]
    return []


def _find_element(blocks: list[JSON], action_id: str) -> tuple[str | None, JSON | None]:
    """The block id and the element with `action_id` in `blocks`, if there is one."""
    for block in blocks:
        elements = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        for element in elements:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return block.get("block_id"), element
    return None, None


def envelope_type(payload: JSON) -> str:
    """The Socket Mode envelope type for a payload: slash_commands, interactive or events_api."""
    if "command" in payload:
        return "slash_commands"
    if payload.get("type") in INTERACTIVE_TYPES:
        return "interactive"
    if payload.get("type") in EVENT_TYPES:
        return "events_api"
    raise ValueError(f"not a payload Slack sends to apps: type={payload.get('type')!r}")


def sign_request(
    payload: JSON,
    signing_secret: str,
    *,
    timestamp: int | None = None,
    bad_signature: bool = False,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> SignedRequest:
    """`payload` as Slack POSTs it in HTTP mode, signed (v0, HMAC-SHA256) with `signing_secret`.

    Slash commands are form-encoded, interactive payloads a form field `payload` holding JSON,
    events (url_verification included) JSON. Pass an old `timestamp` for a stale request,
    `bad_signature` to sign with another secret, `retry_num` for Slack's X-Slack-Retry-* headers.
    """
    kind = envelope_type(payload)
    if kind == "events_api":
        body, content_type = json.dumps(payload), "application/json"
    else:
        fields = payload if kind == "slash_commands" else {"payload": json.dumps(payload)}
        body, content_type = urlencode(fields), "application/x-www-form-urlencoded"
    secret = f"not-{signing_secret}" if bad_signature else signing_secret
    signed = sign_body(body.encode(), secret, content_type, timestamp=timestamp)
    if retry_num is not None:
        signed.headers.update(
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        )
    return signed


def sign_body(
    body: bytes, signing_secret: str, content_type: str, *, timestamp: int | None = None
) -> SignedRequest:
    """Any `body`, even one Slack would never send, signed as Slack signs its requests."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{stamp}:".encode() + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    return SignedRequest(body, headers)


async def _read_args(request: web.Request) -> JSON:
    """A Web API call's arguments: query string, then a JSON or form body, as Slack reads them."""
    args: JSON = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            args.update(body)
    elif request.can_read_body:
        args.update(await request.post())
    return args


def _arg(args: JSON, name: str) -> str:
    value = args.get(name)
    return "" if value is None else str(value)


def _json_arg(args: JSON, name: str) -> Any:
    """An argument that JSON bodies carry as is and forms as a JSON string."""
    value = args.get(name)
    return json.loads(value) if isinstance(value, str) else value


def _view_arg(args: JSON) -> Any:
    try:
        return _json_arg(args, "view")
    except ValueError:
        raise _invalid_arguments(["view must be JSON [json-pointer:/view]"]) from None


def _flag(value: object) -> bool:
    return value in (True, 1, "1", "true")


def _invalid_arguments(errors: list[str]) -> SlackApiFailure:
    messages = [f"[ERROR] {error}" for error in errors]
    return SlackApiFailure("invalid_arguments", response_metadata={"messages": messages})


def _plain(text: str) -> JSON:
    return {"type": "plain_text", "text": text, "emoji": True}


def _channel_name(channel: str) -> str:
    return "directmessage" if channel.startswith("D") else channel.lower()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.slack_api",
        description="Serve a fake Slack (Web API + Socket Mode); print its URL; run until killed.",
    )
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--bot-token", default="xoxb-fake-bot-token")
    parser.add_argument("--app-token", default="xapp-fake-app-token")
    parser.add_argument("--user", action="append", default=[], help="a user id; repeatable")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--jitter", type=float, default=0.0)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--hang-rate", type=float, default=0.0)
    parser.add_argument("--hang-seconds", type=float, default=30.0)
    parser.add_argument("--channel-rate", type=float, default=1.0)
    parser.add_argument("--channel-burst", type=int, default=0)
    parser.add_argument("--workspace-rate", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)
    state = SlackState(
        bot_token=options.bot_token,
        app_token=options.app_token,
        users=[FakeUser(user, user.lower()) for user in options.user],
        latency=options.latency,
        jitter=options.jitter,
        error_rate=options.error_rate,
        hang_rate=options.hang_rate,
        hang_seconds=options.hang_seconds,
        channel_rate=options.channel_rate,
        channel_burst=options.channel_burst,
        workspace_rate=options.workspace_rate,
        seed=options.seed,
    )
    asyncio.run(_serve(FakeSlackServer(state, port=options.port)))


async def _serve(server: FakeSlackServer) -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    async with server:
        print(server.url, flush=True)
        await stopped.wait()


if __name__ == "__main__":
    main()
