"""A fake Telegram Bot API server speaking the real wire format, for tests and benchmarks.

Point python-telegram-bot at it with ``Bot(token, base_url=server.base_url)`` or
``ApplicationBuilder().token(token).base_url(server.base_url)``.

    telegram = FakeTelegram(private_chat_rate=None)
    async with FakeTelegramServer(telegram) as server:
        ...                                   # in the test's event loop

    with FakeTelegramServer(telegram).in_thread() as server:
        ...                                   # in a thread with its own event loop

    python -m tests.fakes.telegram_api --port 8081 --global-rate 30   # as a process
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import random
import re
import signal
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NoReturn, Self

from aiohttp import web

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAF-fake-telegram-token-for-tests"
MESSAGE_MAX_LENGTH = 4096
CAPTION_MAX_LENGTH = 1024
CALLBACK_DATA_MAX_BYTES = 64
_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# getFile refuses larger files: bots download at most 20 MB.
DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024
# sendPhoto: at most 10000 for width + height together, and a ratio of at most 20.
PHOTO_MAX_SIDES = 10_000
PHOTO_MAX_RATIO = 20
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DEFAULT_PHOTO_SIZE = (1280, 905)
DELETE_WINDOW_SECONDS = 48 * 3600  # a bot may delete a message for everyone within 48 hours
_SHUTDOWN_GRACE_SECONDS = 0.1

_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_ADMINISTRATOR_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)
_RESTRICTED_PERMISSIONS = (
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
)
_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
_NGINX_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_LEADING_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}(?!\w)")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class BotApiError(Exception):
    """An unsuccessful Bot API answer: HTTP status, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# A Telegram app sending a text longer than one message

_APP_SENTENCE_ENDS = frozenset(".?!")
_APP_SENTENCE_PART_ENDS = frozenset(",:;")
_APP_WORD_SEPARATORS = frozenset(" \n.,?!@#$:;-<>[](){}=/+%&^*'\"`~|")


def desktop_app_parts(text: str, limit: int = MESSAGE_MAX_LENGTH) -> list[str]:
    """The messages Telegram Desktop sends for a text (TextUtilities::CutPart, then Trim on
    each part): past half the limit, the last of the best breaks before it (a blank line, a
    line break, a space after a sentence, after a comma, any space, after punctuation, any
    character), then each part trimmed, so the break's whitespace is sent in no part."""
    left = text.strip()
    parts: list[str] = []
    while left:
        if len(left) <= limit:
            cut = len(left)
        else:
            cut, best = 0, 0
            for index in range(limit // 2 + 1, limit + 1):
                rank = _app_break_rank(left, index)
                if rank >= best:
                    cut, best = index, rank
        part, left = left[:cut].strip(), left[cut:]
        if part:
            parts.append(part)
    return parts


def mobile_app_parts(text: str, limit: int = MESSAGE_MAX_LENGTH) -> list[str]:
    """The messages Telegram for Android sends: every `limit` characters, then trimmed by the
    server."""
    text = text.strip()
    pieces = (text[start : start + limit].strip() for start in range(0, len(text), limit))
    return [piece for piece in pieces if piece]


def _app_break_rank(text: str, index: int) -> int:
    char, previous = text[index], text[index - 1]
    if char == "\n":
        return 15 if index + 1 < len(text) and text[index + 1] == "\n" else 13
    if char.isspace():
        if previous in _APP_SENTENCE_ENDS:
            return 10
        return 8 if previous in _APP_SENTENCE_PART_ENDS else 6
    return 4 if previous in _APP_WORD_SEPARATORS else 2


# --------------------------------------------------------------------------------------------
# HTML parse mode


_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MARKUP_START = re.compile(r"[<&]")
_CHARACTER_REFERENCE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_TAG_NAME_END = re.compile(r"[\s>]")
_END_TAG = re.compile(r"</([^\s>]*)\s*(>?)")
_SPACES = re.compile(r"\s*")
_ATTRIBUTE_NAME = re.compile(r"[^\s=>]*")
_NAME_TOKEN = re.compile(r"[0-9A-Za-z.-]*")


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    offset: int


class _HtmlParser:
    """Telegram's HTML parse mode (tdlib's parse_html), except that a bare '&' is rejected.

    Produces the plain text and its entities, with offsets in UTF-16 code units.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._chunks: list[str] = []
        self._utf16 = 0
        self._open: list[_OpenTag] = []
        # With their nesting depth: of two entities on the same text, the outer one comes first.
        self._entities: list[tuple[int, JSONDict]] = []

    def parse(self) -> tuple[str, list[JSONDict]]:
        text = self._text
        while (markup := _MARKUP_START.search(text, self._pos)) is not None:
            self._append(text[self._pos : markup.start()])
            self._pos = markup.start()
            if markup.group() == "&":
                character, self._pos = self._reference_at(self._pos)
                self._append(character)
            elif text.startswith("</", self._pos):
                self._end_tag()
            else:
                self._start_tag()
        self._append(text[self._pos :])
        if self._open:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self._open[-1].name}"')
        self._entities.sort(key=lambda item: (item[1]["offset"], -item[1]["length"], item[0]))
        return "".join(self._chunks), [entity for _, entity in self._entities]

    def _fail(self, detail: str) -> NoReturn:
        raise BotApiError(400, f"Bad Request: can't parse entities: {detail}")

    def _byte_offset(self, pos: int) -> int:
        return len(self._text[:pos].encode())

    def _append(self, chunk: str) -> None:
        if chunk:
            self._chunks.append(chunk)
            self._utf16 += _utf16_length(chunk)

    def _reference_at(self, pos: int) -> tuple[str, int]:
        match = _CHARACTER_REFERENCE.match(self._text, pos)
        if match is not None:
            name, decimal, hexadecimal = match.groups()
            if name:
                return _NAMED_REFERENCES[name], match.end()
            code = int(decimal, 10) if decimal else int(hexadecimal, 16)
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), match.end()
        self._fail(f'Unescaped "&" at byte offset {self._byte_offset(pos)}')

    def _decoded(self, start: int, end: int) -> str:
        chunks: list[str] = []
        pos = start
        while (ampersand := self._text.find("&", pos, end)) >= 0:
            chunks.append(self._text[pos:ampersand])
            character, pos = self._reference_at(ampersand)
            chunks.append(character)
        chunks.append(self._text[pos:end])
        return "".join(chunks)

    def _start_tag(self) -> None:
        begin = self._pos
        name_end = _TAG_NAME_END.search(self._text, begin + 1)
        if name_end is None:
            self._fail(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = self._text[begin + 1 : name_end.start()].lower()
        if name not in _ENTITY_TYPES:
            self._fail(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}')
        self._pos = name_end.start()
        attributes = self._attributes(name, begin)
        self._open.append(_OpenTag(name, self._tag_argument(name, attributes, begin), self._utf16))

    def _attributes(self, tag: str, begin: int) -> dict[str, str]:
        text = self._text
        attributes: dict[str, str] = {}
        while True:
            pos = self._skip_spaces(self._pos)
            if pos == len(text):
                self._fail(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            if text[pos] == ">":
                self._pos = pos + 1
                return attributes
            name_match = _ATTRIBUTE_NAME.match(text, pos)
            name_end = name_match.end() if name_match else pos
            name = text[pos:name_end].lower()
            if not name:
                self._fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self._byte_offset(begin)}"
                )
            pos = self._skip_spaces(name_end)
            if pos < len(text) and text[pos] == "=":
                value, pos = self._attribute_value(self._skip_spaces(pos + 1), begin)
            elif tag == "blockquote" and name == "expandable":
                value = ""
            else:
                self._fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self._byte_offset(begin)}"
                )
            attributes[name] = value
            self._pos = pos

    def _skip_spaces(self, pos: int) -> int:
        spaces = _SPACES.match(self._text, pos)
        return spaces.end() if spaces else pos

    def _attribute_value(self, pos: int, begin: int) -> tuple[str, int]:
        text = self._text
        if pos == len(text):
            self._fail(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        if text[pos] in "\"'":
            close = text.find(text[pos], pos + 1)
            if close < 0:
                self._fail(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            return self._decoded(pos + 1, close), close + 1
        token = _NAME_TOKEN.match(text, pos)
        end = token.end() if token else pos
        if end < len(text) and not (text[end].isspace() or text[end] == ">"):
            self._fail(f"Unexpected end of name token at byte offset {self._byte_offset(end)}")
        return text[pos:end].lower(), end

    def _tag_argument(self, name: str, attributes: dict[str, str], begin: int) -> str:
        if name == "a":
            return attributes.get("href", "")
        if name == "code":
            css_class = attributes.get("class", "")
            return css_class[len("language-") :] if css_class.startswith("language-") else ""
        if name == "span" and attributes.get("class") != "tg-spoiler":
            self._fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(begin)}'
            )
        if name == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            if not emoji_id.isdigit():
                self._fail("Invalid custom emoji identifier specified")
            return emoji_id
        if name == "blockquote" and "expandable" in attributes:
            return "expandable"
        return ""

    def _end_tag(self) -> None:
        begin = self._pos
        if not self._open:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        match = _END_TAG.match(self._text, begin)
        if match is None or not match.group(2):
            self._fail(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        name = match.group(1).lower()
        tag = self._open.pop()
        if name and name != tag.name:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        self._pos = match.end()
        self._close(tag)

    def _close(self, tag: _OpenTag) -> None:
        if tag.name == "code" and self._open and self._open[-1].name == "pre":
            # <pre><code class="language-x"> is a pre block in language x, not a nested entity.
            self._open[-1].argument = self._open[-1].argument or tag.argument
            return
        length = self._utf16 - tag.offset
        if length == 0 or (tag.name == "a" and not tag.argument):
            return
        entity: JSONDict = {"type": _ENTITY_TYPES[tag.name], "offset": tag.offset, "length": length}
        if tag.name == "a":
            entity["url"] = tag.argument
        elif tag.name == "pre" and tag.argument:
            entity["language"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        self._entities.append((len(self._open), entity))


def _detected_entities(text: str) -> list[JSONDict]:
    """The entities Telegram's clients attach to a typed message: a leading /command, @mentions."""
    entities: list[JSONDict] = []
    start = 0
    if command := _LEADING_COMMAND.match(text):
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16_length(command[0])})
        start = command.end()
    for mention in _MENTION.finditer(text, start):
        entities.append(
            {
                "type": "mention",
                "offset": _utf16_length(text[: mention.start()]),
                "length": _utf16_length(mention[0]),
            }
        )
    return entities


# --------------------------------------------------------------------------------------------
# Requests and records


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str
    content: bytes


class Params:
    """Request parameters, however they were encoded (query string, JSON, form or multipart).

    Form values arrive as strings (python-telegram-bot JSON-encodes everything that is not a
    string), JSON bodies as native values; the getters accept both, as Telegram does.
    """

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = values

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return json.dumps(value)
        raise BotApiError(400, f"Bad Request: can't parse {name}")

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(value)
        raise BotApiError(400, f"Bad Request: invalid {name} specified")

    def required_integer(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise BotApiError(400, f"Bad Request: {name} is empty")
        return value

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        return value is True or (isinstance(value, str) and value.lower() in {"true", "1"})

    def structured(self, name: str) -> Any:
        """A JSON-serialized parameter (reply_markup, entities, scope, commands...)."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise BotApiError(400, f"Bad Request: can't parse {name} JSON object") from None

    def upload(self, name: str) -> UploadedFile | str | None:
        value = self._values.get(name)
        return value if isinstance(value, UploadedFile) else self.text(name)


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot delivered. `time` is the FakeTelegram clock at delivery."""

    chat_id: int
    message_id: int
    text: str
    plain_text: str
    parse_mode: str | None
    reply_markup: JSONDict | None
    reply_to_message_id: int | None
    message_thread_id: int | None
    link_preview_options: JSONDict | None
    time: float


@dataclass(frozen=True, slots=True)
class EditedMessage:
    """An accepted edit; `text` is None when only the reply markup changed."""

    chat_id: int
    message_id: int
    text: str | None
    plain_text: str
    parse_mode: str | None
    reply_markup: JSONDict | None
    time: float


@dataclass(frozen=True, slots=True)
class DeletedMessage:
    """A message deleteMessage removed."""

    chat_id: int
    message_id: int
    time: float


@dataclass(frozen=True, slots=True)
class SentDocument:
    """A document the bot delivered."""

    chat_id: int
    message_id: int
    file_id: str
    filename: str | None
    mime_type: str
    content: bytes
    caption: str | None
    time: float


@dataclass(frozen=True, slots=True)
class SentPhoto:
    """A photo the bot delivered; `caption` as sent (HTML when parse_mode is), `plain_caption`
    as users read it."""

    chat_id: int
    message_id: int
    file_id: str
    content: bytes
    caption: str | None
    plain_caption: str
    reply_markup: JSONDict | None
    time: float


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file on Telegram's servers: what getFile describes and `/file/bot<token>/<path>` serves."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An answerCallbackQuery call for a query this fake had issued."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    time: float


@dataclass(frozen=True, slots=True)
class _QueuedUpdate:
    update_id: int
    kind: str
    payload: JSONDict


_ChatFailure = tuple[int, str, JSONDict | None]
_ScopeKey = tuple[str, int | str | None, int | None, str]
_Handler = Callable[[Params], Awaitable[Any]]


def _window_wait(window: deque[float], limit: int, period: float, now: float) -> float:
    """Seconds until `window` (timestamps in a sliding `period`) has room for one more."""
    while window and window[0] <= now - period:
        window.popleft()
    return window[0] + period - now if len(window) >= limit else 0.0


def _member_json(user: JSONDict, status: str) -> JSONDict:
    if status not in _MEMBER_STATUSES:
        raise ValueError(f"unknown chat member status {status!r}")
    member: JSONDict = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMINISTRATOR_RIGHTS, True))
        member.update(can_be_edited=False, is_anonymous=False)
    elif status == "restricted":
        member.update(dict.fromkeys(_RESTRICTED_PERMISSIONS, False))
        member.update(is_member=True, until_date=0)
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _default_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id < -1_000_000_000_000 else "group"


def _image_size(content: bytes) -> tuple[int, int]:
    """A PNG's width and height, read from its header; other images get a usual photo size."""
    if content.startswith(_PNG_SIGNATURE) and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    return _DEFAULT_PHOTO_SIZE


def _photo_size(stored: "StoredFile", width: int, height: int) -> JSONDict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": width,
        "height": height,
        "file_size": len(stored.content),
    }


# --------------------------------------------------------------------------------------------
# State and Bot API semantics


class FakeTelegram:
    """What Telegram knows and does: Bot API semantics, scripted failures, records.

    Knobs (constructor arguments, also public attributes that may be changed at any time):
        token: the only accepted bot token; any other gets 401 Unauthorized.
        bot_username, bot_first_name: the bot's identity (getMe, `from` of its messages).
        latency, jitter: seconds slept before answering each send (latency + uniform(0, jitter)).
        error_rate: fraction of sends answered 500 or 502 without delivering the message.
        hang_rate, hang_seconds: fraction of sends that sleep `hang_seconds` before answering;
            if the client gives up meanwhile, nothing is delivered (counted in `abandoned`).
        global_rate: messages per second for the whole bot (sliding 1 s window); None disables.
        private_chat_rate: messages per second per private chat (positive id); None disables.
        group_rate_per_minute: messages per sliding minute per group (negative id); None
            disables. Exceeding any limit gets 429 "Too Many Requests: retry after N".
        seed: seed of the random source behind error_rate, hang_rate and jitter.
        clock: monotonic time source of the rate limits and record times (tests may fake it).
        wall_clock: Unix time of messages' `date`; deleteMessage refuses a message whose date
            is more than 48 hours behind it ("message can't be deleted"), so a test makes the
            messages sent so far old by moving it forward.

    Sends are sendMessage, sendDocument and sendPhoto: they share the rate limits, latency and
    injected failures. Every method that takes a chat_id honours the scripted per-chat failures.

    Records: `messages` (every delivered SentMessage, in order), `edits`, `deletions`,
    `documents`, `photos`, `callback_answers`, `downloads` (file paths fetched from
    `/file/bot<token>/…`); `shown_in(chat_id)` is what a chat shows now (edits and deletions
    applied); counters `requests` (by method), `served_429`, `served_5xx`, `duplicates` (same
    plain text delivered twice to one chat) and `abandoned`.

    Injection (`user_message`, `group_message`, `user_photo`, `user_document`,
    `callback_query`, `my_chat_member`, `chat_member`), scripted failures and knobs may be used
    from another thread than the server's event loop, as may `wait_for` (any event loop) and
    `wait_for_blocking`. Files users send, and those the bot sent, are on the fake's servers:
    getFile describes them and the server serves their content.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "relay_test_bot",
        bot_first_name: str = "Relay",
        latency: float = 0.0,
        jitter: float = 0.0,
        error_rate: float = 0.0,
        hang_rate: float = 0.0,
        hang_seconds: float = 30.0,
        global_rate: int | None = 30,
        private_chat_rate: int | None = 1,
        group_rate_per_minute: int | None = 20,
        seed: int | None = 0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        bot_id, separator, _ = token.partition(":")
        if not (bot_id.isdigit() and separator):
            raise ValueError("a bot token looks like '<bot id>:<secret>'")
        self.token = token
        self.bot_user: JSONDict = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.latency = latency
        self.jitter = jitter
        self.error_rate = error_rate
        self.hang_rate = hang_rate
        self.hang_seconds = hang_seconds
        self.global_rate = global_rate
        self.private_chat_rate = private_chat_rate
        self.group_rate_per_minute = group_rate_per_minute
        self.clock = clock
        self.wall_clock = wall_clock
        self._random = random.Random(seed)

        self.messages: list[SentMessage] = []
        self.edits: list[EditedMessage] = []
        self.deletions: list[DeletedMessage] = []
        self.documents: list[SentDocument] = []
        self.photos: list[SentPhoto] = []
        self.downloads: list[str] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.requests: Counter[str] = Counter()
        self.served_429 = 0
        self.served_5xx = 0
        self.duplicates = 0
        self.abandoned = 0
        self.webhook_url = ""

        self._by_chat: defaultdict[int, list[SentMessage]] = defaultdict(list)
        self._delivered_texts: set[tuple[int, str]] = set()
        self._chats: dict[int, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._message_ids: dict[int, Iterator[int]] = {}
        self._files: dict[str, SentDocument] = {}
        self._stored: dict[str, StoredFile] = {}  # by file_id
        self._stored_paths: dict[str, StoredFile] = {}  # by file_path
        self._file_numbers = itertools.count(1)
        self._chat_failures: dict[int, _ChatFailure] = {}
        self._bot_status: dict[int, str] = {}
        self._owners: dict[int, int] = {}
        self._admins: defaultdict[int, set[int]] = defaultdict(set)
        self._commands: dict[_ScopeKey, list[tuple[str, str]]] = {}
        self._open_callback_queries: set[str] = set()
        self._callback_query_ids = itertools.count(4_000_000_000_000_000_001)
        self._burst_remaining = 0
        self._hangs_remaining = 0
        self._burst_retry_after = 1
        self._global_window: deque[float] = deque()
        self._chat_windows: defaultdict[int, deque[float]] = defaultdict(deque)

        # Guards what both the server's loop and an injecting thread touch.
        self._lock = threading.Lock()
        self._updates: deque[_QueuedUpdate] = deque()
        self._update_ids = itertools.count(1)
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._waiters: set[Callable[[], None]] = set()

        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler)
            for name, handler in (
                ("getMe", self._get_me),
                ("getUpdates", self._get_updates),
                ("setWebhook", self._set_webhook),
                ("deleteWebhook", self._delete_webhook),
                ("getWebhookInfo", self._get_webhook_info),
                ("setMyCommands", self._set_my_commands),
                ("getMyCommands", self._get_my_commands),
                ("deleteMyCommands", self._delete_my_commands),
                ("sendMessage", self._send_message),
                ("sendDocument", self._send_document),
                ("sendPhoto", self._send_photo),
                ("getFile", self._get_file),
                ("editMessageText", self._edit_message_text),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("deleteMessage", self._delete_message),
                ("answerCallbackQuery", self._answer_callback_query),
                ("getChat", self._get_chat),
                ("getChatMember", self._get_chat_member),
                ("getChatAdministrators", self._get_chat_administrators),
                ("leaveChat", self._leave_chat),
            )
        }

    # ---- records and waiting

    @property
    def delivered_count(self) -> int:
        return len(self.messages)

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """The messages delivered to one chat, oldest first."""
        return list(self._by_chat.get(chat_id, ()))

    def shown_in(self, chat_id: int) -> list[str]:
        """What the bot's messages in one chat say now, oldest first: edits applied, deleted
        messages gone (a document shows its caption)."""
        return [
            str(message.get("text", message.get("caption", "")))
            for (chat, _), message in sorted(self._messages.items())
            if chat == chat_id and message["from"]["id"] == self.bot_user["id"]
        ]

    def commands_for(
        self,
        scope_type: str = "default",
        *,
        chat_id: int | str | None = None,
        user_id: int | None = None,
        language_code: str = "",
    ) -> list[tuple[str, str]]:
        """The (command, description) pairs set for one scope and language, as setMyCommands
        stored them (scope_type is a BotCommandScope type: "all_private_chats", "chat"...)."""
        return list(self._commands.get((scope_type, chat_id, user_id, language_code), ()))

    def stats(self) -> JSONDict:
        """Counters, as served on GET /fake/stats."""
        return {
            "delivered": self.delivered_count,
            "chats_reached": len({message.chat_id for message in self.messages}),
            "duplicates": self.duplicates,
            "served_429": self.served_429,
            "served_5xx": self.served_5xx,
            "abandoned": self.abandoned,
            "edits": len(self.edits),
            "deletions": len(self.deletions),
            "documents": len(self.documents),
            "photos": len(self.photos),
            "requests": dict(self.requests),
        }

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return as soon as `predicate()` holds, re-checked on every change of this fake;
        raise TimeoutError after `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout):
                await self._until(predicate)
        except TimeoutError:
            raise TimeoutError(
                f"condition still false after {timeout} s "
                f"({self.delivered_count} messages delivered, {dict(self.requests)})"
            ) from None

    def wait_for_blocking(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """`wait_for` for synchronous code, in a thread that runs no event loop."""
        asyncio.run(self.wait_for(predicate, timeout))

    async def _until(self, predicate: Callable[[], bool]) -> None:
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def wake() -> None:
            loop.call_soon_threadsafe(changed.set)

        with self._lock:
            self._waiters.add(wake)
        try:
            while not predicate():
                await changed.wait()
                changed.clear()
        finally:
            with self._lock:
                self._waiters.discard(wake)

    def _changed(self) -> None:
        with self._lock:
            waiters = tuple(self._waiters)
        for wake in waiters:
            wake()

    # ---- scripted behaviour

    def burst_429(self, count: int, retry_after: int = 1) -> None:
        """Answer the next `count` sends with 429 and this retry_after, whatever the limits."""
        self._burst_remaining = count
        self._burst_retry_after = retry_after

    def hang_next(self, count: int) -> None:
        """Make the next `count` admitted sends hang `hang_seconds`, whatever `hang_rate`
        draws (a test that needs hangs must not depend on the order of its requests)."""
        self._hangs_remaining = count

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: 403 "Forbidden: bot was blocked by the user"."""
        self._chat_failures[chat_id] = (403, "Forbidden: bot was blocked by the user", None)

    def kick(self, chat_id: int) -> None:
        """The bot was removed from the group: 403 "Forbidden: bot was kicked from the ... chat"."""
        kind = self._chat(chat_id)["type"]
        self._chat_failures[chat_id] = (
            403,
            f"Forbidden: bot was kicked from the {kind} chat",
            None,
        )

    def deactivate(self, chat_id: int) -> None:
        """The user deleted their account: 403 "Forbidden: user is deactivated"."""
        self._chat_failures[chat_id] = (403, "Forbidden: user is deactivated", None)

    def chat_not_found(self, chat_id: int) -> None:
        """400 "Bad Request: chat not found"."""
        self._chat_failures[chat_id] = (400, "Bad Request: chat not found", None)

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: 400 with parameters.migrate_to_chat_id."""
        self._chat_failures[old_chat_id] = (
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_chat_id},
        )
        title = self._chat(old_chat_id).get("title", f"Group {new_chat_id}")
        self._chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": title}
        self.restore(new_chat_id)

    def restore(self, chat_id: int) -> None:
        """Forget the scripted failure of one chat."""
        self._chat_failures.pop(chat_id, None)

    def set_admins(
        self, chat_id: int, admin_ids: Iterable[int], *, owner_id: int | None = None
    ) -> None:
        """The group's administrators (getChatMember, getChatAdministrators)."""
        self._admins[chat_id] = set(admin_ids)
        if owner_id is None:
            self._owners.pop(chat_id, None)
        else:
            self._owners[chat_id] = owner_id

    # ---- update injection

    def user_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str | None = None,
        chat_title: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> JSONDict:
        """Queue a message from a user, with the entities clients attach (leading /command,
        @mentions); it may reply to an existing message of that chat. Returns the Update."""
        chat_id = user_id if chat_id is None else chat_id
        chat_type = chat_type or _default_chat_type(chat_id)
        if (chat_type == "private") != (chat_id == user_id):
            raise ValueError("a private chat has the id of its user, and only private chats do")
        user = self._remember_user(user_id, first_name, last_name, username)
        chat = self._remember_chat(chat_id, chat_type, chat_title, user)
        reply_to = None
        if reply_to_message_id is not None:
            reply_to = self._messages.get((chat_id, reply_to_message_id))
            if reply_to is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat_id}")
        message = self._new_message(
            chat,
            user,
            text=text,
            entities=_detected_entities(text) or None,
            reply_to_message=self._quoted(reply_to),
            message_thread_id=message_thread_id,
        )
        return self._enqueue("message", message)

    def user_long_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        app: Callable[[str], list[str]] = desktop_app_parts,
    ) -> list[str]:
        """A text longer than one message, as a Telegram app sends it: several consecutive
        messages (desktop_app_parts, mobile_app_parts). Returns the parts sent."""
        parts = app(text)
        for part in parts:
            self.user_message(user_id, part, chat_id=chat_id)
        return parts

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str | None = None,
        chat_title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> JSONDict:
        """Queue a message from a user in a group (negative chat id). Returns the Update."""
        return self.user_message(
            user_id,
            text,
            chat_id=chat_id,
            chat_type=chat_type,
            chat_title=chat_title,
            first_name=first_name,
            username=username,
            reply_to_message_id=reply_to_message_id,
            message_thread_id=message_thread_id,
        )

    def user_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        media_group_id: str | None = None,
    ) -> JSONDict:
        """Queue a photo from a user, as clients send it: several sizes (a thumbnail first, the
        photo itself last), each its own file; the caption carries the entities clients attach.
        Returns the Update."""
        width, height = _image_size(content)
        thumbnail = self._store_file("photos", b"\xff\xd8\xff\xe0thumbnail", ".jpg")
        original = self._store_file("photos", content, ".jpg")
        sizes = [
            _photo_size(thumbnail, 90, max(1, 90 * height // max(1, width))),
            _photo_size(original, width, height),
        ]
        return self._file_message(user_id, chat_id, caption, media_group_id, photo=sizes)

    def user_document(
        self,
        user_id: int,
        content: bytes,
        filename: str,
        mime_type: str,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
    ) -> JSONDict:
        """Queue a file sent by a user as a document, with an optional caption. Returns the
        Update."""
        stored = self._store_file("documents", content, "." + filename.rpartition(".")[2])
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        return self._file_message(user_id, chat_id, caption, None, document=document)

    def _file_message(
        self,
        user_id: int,
        chat_id: int | None,
        caption: str | None,
        media_group_id: str | None,
        **media: Any,
    ) -> JSONDict:
        chat_id = user_id if chat_id is None else chat_id
        user = self._remember_user(user_id, None, None, None)
        chat = self._remember_chat(chat_id, _default_chat_type(chat_id), None, user)
        message = self._new_message(
            chat,
            user,
            media_group_id=media_group_id,
            caption=caption,
            caption_entities=_detected_entities(caption) or None if caption else None,
            **media,
        )
        return self._enqueue("message", message)

    def _store_file(self, folder: str, content: bytes, suffix: str) -> StoredFile:
        number = next(self._file_numbers)
        stored = StoredFile(
            file_id=f"AgACAgQAAxkBAAI{uuid.uuid4().hex}",
            file_unique_id=f"AQAD{uuid.uuid4().hex[:12]}",
            file_path=f"{folder}/file_{number}{suffix}",
            content=content,
        )
        with self._lock:
            self._stored[stored.file_id] = stored
            self._stored_paths[stored.file_path] = stored
        return stored

    def stored_file(self, file_path: str) -> StoredFile | None:
        """The file served at `/file/bot<token>/<file_path>`, recorded as downloaded."""
        with self._lock:
            stored = self._stored_paths.get(file_path)
        if stored is not None:
            self.downloads.append(file_path)
            self._changed()
        return stored

    def callback_query(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> str:
        """Queue a press on an inline button of an existing message; returns the query id."""
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        user = self._remember_user(user_id, first_name, None, username)
        query_id = str(next(self._callback_query_ids))
        self._open_callback_queries.add(query_id)
        self._enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": f"{chat_id}{self.bot_user['id']}",
                "data": data,
            },
        )
        return query_id

    def my_chat_member(
        self,
        chat_id: int,
        *,
        old_status: str,
        new_status: str,
        from_user_id: int,
        chat_type: str | None = None,
        chat_title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        """Queue a change of the bot's own membership (added to a group, removed, or, in a
        private chat, "kicked" = blocked by the user) and make later sends behave accordingly."""
        user = self._remember_user(from_user_id, first_name, None, username)
        chat = self._remember_chat(
            chat_id, chat_type or _default_chat_type(chat_id), chat_title, user
        )
        self._bot_status[chat_id] = new_status
        if new_status == "kicked" and chat["type"] == "private":
            self.block(chat_id)
        elif new_status == "kicked":
            self.kick(chat_id)
        elif new_status == "left":
            self._chat_failures[chat_id] = self._not_a_member(chat)
        else:
            self.restore(chat_id)
        return self._enqueue(
            "my_chat_member",
            self._member_update(chat, user, self.bot_user, old_status, new_status),
        )

    def chat_member(
        self,
        chat_id: int,
        user_id: int,
        *,
        old_status: str,
        new_status: str,
        from_user_id: int | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        """Queue a change of another member's status (only delivered if "chat_member" is in
        allowed_updates, as with Telegram); keeps the administrators list in step."""
        member = self._remember_user(user_id, first_name, None, username)
        actor = self._user(user_id if from_user_id is None else from_user_id)
        chat = self._chat(chat_id)
        if new_status == "administrator":
            self._admins[chat_id].add(user_id)
        else:
            self._admins[chat_id].discard(user_id)
        return self._enqueue(
            "chat_member", self._member_update(chat, actor, member, old_status, new_status)
        )

    def _enqueue(self, kind: str, payload: JSONDict) -> JSONDict:
        with self._lock:
            update_id = next(self._update_ids)
            update = {"update_id": update_id, kind: payload}
            self._updates.append(_QueuedUpdate(update_id, kind, update))
        self._changed()
        return update

    @staticmethod
    def _member_update(
        chat: JSONDict, actor: JSONDict, member: JSONDict, old_status: str, new_status: str
    ) -> JSONDict:
        return {
            "chat": chat,
            "from": actor,
            "date": int(time.time()),
            "old_chat_member": _member_json(member, old_status),
            "new_chat_member": _member_json(member, new_status),
        }

    # ---- chats, users, messages

    def _remember_user(
        self, user_id: int, first_name: str | None, last_name: str | None, username: str | None
    ) -> JSONDict:
        """The user as last seen, updated with whichever names are given."""
        user = dict(
            self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "Camille"})
        )
        for key, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("username", username),
        ):
            if value:
                user[key] = value
        self._users[user_id] = user
        return user

    def _user(self, user_id: int) -> JSONDict:
        if user_id == self.bot_user["id"]:
            return self.bot_user
        return self._users.get(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        )

    def _remember_chat(
        self, chat_id: int, chat_type: str, title: str | None, user: JSONDict
    ) -> JSONDict:
        chat: JSONDict = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat.update(
                {key: user[key] for key in ("first_name", "last_name", "username") if key in user}
            )
        else:
            chat["title"] = title or self._chats.get(chat_id, {}).get("title", f"Group {chat_id}")
        self._chats[chat_id] = chat
        return chat

    def _chat(self, chat_id: int) -> JSONDict:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat_type = _default_chat_type(chat_id)
            chat = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = f"User {chat_id}"
            else:
                chat["title"] = f"Group {chat_id}"
            self._chats[chat_id] = chat
        return chat

    @staticmethod
    def _not_a_member(chat: JSONDict) -> _ChatFailure:
        return 403, f"Forbidden: bot is not a member of the {chat['type']} chat", None

    def _target_chat(self, params: Params) -> JSONDict:
        raw = params.text("chat_id")
        if not raw:
            raise BotApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(raw)
        except ValueError:
            raise BotApiError(400, "Bad Request: chat not found") from None
        failure = self._chat_failures.get(chat_id)
        if failure is not None:
            raise BotApiError(*failure)
        return self._chat(chat_id)

    def _new_message(self, chat: JSONDict, sender: JSONDict, **content: Any) -> JSONDict:
        chat_id = chat["id"]
        ids = self._message_ids.setdefault(chat_id, itertools.count(1))
        message: JSONDict = {
            "message_id": next(ids),
            "from": sender,
            "chat": chat,
            "date": int(self.wall_clock()),
        }
        message.update((key, value) for key, value in content.items() if value is not None)
        self._messages[(chat_id, message["message_id"])] = message
        return message

    @staticmethod
    def _quoted(message: JSONDict | None) -> JSONDict | None:
        """A message as embedded in reply_to_message: one level deep only."""
        if message is None:
            return None
        return {key: value for key, value in message.items() if key != "reply_to_message"}

    def _reply_target(self, chat_id: int, params: Params) -> JSONDict | None:
        reply = params.structured("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            lenient = bool(reply.get("allow_sending_without_reply"))
        else:
            message_id = params.integer("reply_to_message_id")
            lenient = params.flag("allow_sending_without_reply")
        if message_id is None:
            return None
        target = self._messages.get((chat_id, message_id))
        if target is None and not lenient:
            raise BotApiError(400, "Bad Request: message to be replied not found")
        return self._quoted(target)

    def _editable_message(self, chat_id: int, params: Params) -> JSONDict:
        message = self._messages.get((chat_id, params.required_integer("message_id")))
        if message is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise BotApiError(400, "Bad Request: message can't be edited")
        return message

    # ---- content validation

    @staticmethod
    def _formatted(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSONDict]]:
        mode = (parse_mode or "").lower()
        if mode == "html":
            return _HtmlParser(text).parse()
        if mode in {"", "markdown", "markdownv2"}:
            return text, entities if isinstance(entities, list) else []
        raise BotApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")

    @staticmethod
    def _reply_markup(params: Params) -> JSONDict | None:
        markup = params.structured("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise BotApiError(400, "Bad Request: can't parse inline keyboard markup JSON object")
        for button in itertools.chain.from_iterable(keyboard):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise BotApiError(400, "Bad Request: can't parse inline keyboard button")
            if not _BUTTON_ACTIONS & button.keys():
                raise BotApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_MAX_BYTES:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    @staticmethod
    def _inline_only(markup: JSONDict | None) -> JSONDict | None:
        """Telegram echoes a reply markup in the returned Message only if it is inline."""
        return markup if markup is not None and "inline_keyboard" in markup else None

    def _message_text(self, params: Params) -> tuple[str, str, list[JSONDict]]:
        text = params.text("text") or ""
        plain, entities = self._formatted(
            text, params.text("parse_mode"), params.structured("entities")
        )
        if not plain.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if _utf16_length(plain) > MESSAGE_MAX_LENGTH:
            raise BotApiError(400, "Bad Request: message is too long")
        return text, plain, entities

    @staticmethod
    def _link_preview_options(params: Params) -> JSONDict | None:
        options = params.structured("link_preview_options")
        if isinstance(options, dict):
            return options
        return {"is_disabled": True} if params.flag("disable_web_page_preview") else None

    # ---- sends: limits and injected trouble

    async def _admit_send(self, chat_id: int) -> None:
        if self._burst_remaining > 0:
            self._burst_remaining -= 1
            self._too_many_requests(self._burst_retry_after)
        if self.error_rate and self._random.random() < self.error_rate:
            code = self._random.choice((500, 502))
            raise BotApiError(code, "Internal Server Error" if code == 500 else "Bad Gateway")
        self._take_rate_slot(chat_id)
        delay = self.latency
        if self.jitter:
            delay += self._random.uniform(0, self.jitter)
        if self._hangs_remaining > 0:
            self._hangs_remaining -= 1
            delay += self.hang_seconds
        elif self.hang_rate and self._random.random() < self.hang_rate:
            delay += self.hang_seconds
        if delay > 0:
            try:
                await asyncio.sleep(delay)
            except asyncio.CancelledError:
                self.abandoned += 1
                raise

    def _take_rate_slot(self, chat_id: int) -> None:
        now = self.clock()
        windows: list[tuple[deque[float], int, float]] = []
        if self.global_rate is not None:
            windows.append((self._global_window, self.global_rate, 1.0))
        if chat_id > 0 and self.private_chat_rate is not None:
            windows.append((self._chat_windows[chat_id], self.private_chat_rate, 1.0))
        elif chat_id < 0 and self.group_rate_per_minute is not None:
            windows.append((self._chat_windows[chat_id], self.group_rate_per_minute, 60.0))
        wait = max(
            (_window_wait(window, limit, period, now) for window, limit, period in windows),
            default=0.0,
        )
        if wait > 0:
            self._too_many_requests(math.ceil(wait))
        for window, _, _ in windows:
            window.append(now)

    @staticmethod
    def _too_many_requests(retry_after: int) -> NoReturn:
        retry_after = max(1, retry_after)
        raise BotApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    # ---- dispatch

    async def call(self, token: str, method: str, params: Params) -> Any:
        """Answer one Bot API call: its result, or BotApiError."""
        if token != self.token:
            raise BotApiError(401, "Unauthorized")
        entry = self._methods.get(method.lower())
        if entry is None:
            raise BotApiError(404, "Not Found")
        name, handler = entry
        self.requests[name] += 1
        try:
            return await handler(params)
        except BotApiError as error:
            if error.code == 429:
                self.served_429 += 1
            elif error.code >= 500:
                self.served_5xx += 1
            raise
        finally:
            self._changed()

    # ---- methods

    async def _get_me(self, params: Params) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[JSONDict]:
        if self.webhook_url:
            raise BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset") or 0
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.integer("timeout") or 0, 0)
        allowed = params.structured("allowed_updates")
        with self._lock:
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(map(str, allowed)) or None
            if offset > 0:
                while self._updates and self._updates[0].update_id < offset:
                    self._updates.popleft()
            elif offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            self._poll_generation += 1
            generation = self._poll_generation
        # Wakes a long poll still waiting, so that it ends in a Conflict, as Telegram's does.
        self._changed()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._until(
                    lambda: generation != self._poll_generation or bool(self._pending(1))
                )
        if generation != self._poll_generation:
            raise BotApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return self._pending(limit)

    def _pending(self, limit: int) -> list[JSONDict]:
        with self._lock:
            wanted = (queued.payload for queued in self._updates if self._wanted(queued.kind))
            return list(itertools.islice(wanted, limit))

    def _wanted(self, kind: str) -> bool:
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _DEFAULT_EXCLUDED_UPDATES

    async def _set_webhook(self, params: Params) -> bool:
        url = params.text("url") or ""
        if url and not url.startswith("https://"):
            raise BotApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook_url = url
        self._drop_pending_if_asked(params)
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        self.webhook_url = ""
        self._drop_pending_if_asked(params)
        return True

    def _drop_pending_if_asked(self, params: Params) -> None:
        if params.flag("drop_pending_updates"):
            with self._lock:
                self._updates.clear()

    async def _get_webhook_info(self, params: Params) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._allowed_updates:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    @staticmethod
    def _scope_key(params: Params) -> _ScopeKey:
        scope = params.structured("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
            raise BotApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        return (
            scope["type"],
            scope.get("chat_id"),
            scope.get("user_id"),
            params.text("language_code") or "",
        )

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.structured("commands")
        if not isinstance(commands, list):
            raise BotApiError(400, "Bad Request: can't parse commands JSON object")
        pairs: list[tuple[str, str]] = []
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_NAME.fullmatch(
                str(command.get("command", ""))
            ):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            pairs.append((command["command"], str(command.get("description", ""))))
        key = self._scope_key(params)
        if pairs:
            self._commands[key] = pairs
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: Params) -> list[JSONDict]:
        pairs = self._commands.get(self._scope_key(params), [])
        return [{"command": command, "description": description} for command, description in pairs]

    async def _delete_my_commands(self, params: Params) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    async def _send_message(self, params: Params) -> JSONDict:
        chat = self._target_chat(params)
        chat_id = chat["id"]
        text, plain, entities = self._message_text(params)
        markup = self._reply_markup(params)
        reply_to = self._reply_target(chat_id, params)
        thread_id = params.integer("message_thread_id")
        link_preview = self._link_preview_options(params)
        await self._admit_send(chat_id)
        message = self._new_message(
            chat,
            self.bot_user,
            message_thread_id=thread_id,
            reply_to_message=reply_to,
            text=plain,
            entities=entities or None,
            link_preview_options=link_preview,
            reply_markup=self._inline_only(markup),
        )
        sent = SentMessage(
            chat_id=chat_id,
            message_id=message["message_id"],
            text=text,
            plain_text=plain,
            parse_mode=params.text("parse_mode"),
            reply_markup=markup,
            reply_to_message_id=reply_to["message_id"] if reply_to else None,
            message_thread_id=thread_id,
            link_preview_options=link_preview,
            time=self.clock(),
        )
        self.messages.append(sent)
        self._by_chat[chat_id].append(sent)
        if (chat_id, plain) in self._delivered_texts:
            self.duplicates += 1
        else:
            self._delivered_texts.add((chat_id, plain))
        return message

    async def _send_document(self, params: Params) -> JSONDict:
        chat = self._target_chat(params)
        chat_id = chat["id"]
        upload = params.upload("document")
        if isinstance(upload, UploadedFile):
            filename, mime_type, content = upload.filename, upload.content_type, upload.content
        elif isinstance(upload, str) and upload in self._files:
            known = self._files[upload]
            filename, mime_type, content = known.filename, known.mime_type, known.content
        else:
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if not content:
            raise BotApiError(400, "Bad Request: file must be non-empty")
        caption = params.text("caption")
        plain_caption, caption_entities = self._formatted(
            caption or "", params.text("parse_mode"), params.structured("caption_entities")
        )
        if _utf16_length(plain_caption) > CAPTION_MAX_LENGTH:
            raise BotApiError(400, "Bad Request: message caption is too long")
        markup = self._reply_markup(params)
        reply_to = self._reply_target(chat_id, params)
        await self._admit_send(chat_id)
        file_id = f"BQACAgQAAxkDAAI{uuid.uuid4().hex}"
        document: JSONDict = {
            "file_id": file_id,
            "file_unique_id": f"AgAD{uuid.uuid4().hex[:12]}",
            "mime_type": mime_type,
            "file_size": len(content),
        }
        if filename:
            document["file_name"] = filename
        message = self._new_message(
            chat,
            self.bot_user,
            message_thread_id=params.integer("message_thread_id"),
            reply_to_message=reply_to,
            document=document,
            caption=plain_caption or None,
            caption_entities=caption_entities or None,
            reply_markup=self._inline_only(markup),
        )
        sent = SentDocument(
            chat_id=chat_id,
            message_id=message["message_id"],
            file_id=file_id,
            filename=filename,
            mime_type=mime_type,
            content=content,
            caption=caption,
            time=self.clock(),
        )
        self.documents.append(sent)
        self._files[file_id] = sent
        return message

    async def _send_photo(self, params: Params) -> JSONDict:
        chat = self._target_chat(params)
        chat_id = chat["id"]
        upload = params.upload("photo")
        if isinstance(upload, UploadedFile):
            content = upload.content
        elif isinstance(upload, str) and upload in self._stored:
            content = self._stored[upload].content
        else:
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if not content:
            raise BotApiError(400, "Bad Request: file must be non-empty")
        width, height = _image_size(content)
        if width + height > PHOTO_MAX_SIDES or max(width, height) > PHOTO_MAX_RATIO * max(
            1, min(width, height)
        ):
            raise BotApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        caption = params.text("caption")
        plain_caption, caption_entities = self._formatted(
            caption or "", params.text("parse_mode"), params.structured("caption_entities")
        )
        if _utf16_length(plain_caption) > CAPTION_MAX_LENGTH:
            raise BotApiError(400, "Bad Request: message caption is too long")
        markup = self._reply_markup(params)
        reply_to = self._reply_target(chat_id, params)
        await self._admit_send(chat_id)
        stored = self._store_file("photos", content, ".jpg")
        message = self._new_message(
            chat,
            self.bot_user,
            message_thread_id=params.integer("message_thread_id"),
            reply_to_message=reply_to,
            photo=[_photo_size(stored, width, height)],
            caption=plain_caption or None,
            caption_entities=caption_entities or None,
            reply_markup=self._inline_only(markup),
        )
        self.photos.append(
            SentPhoto(
                chat_id=chat_id,
                message_id=message["message_id"],
                file_id=stored.file_id,
                content=content,
                caption=caption,
                plain_caption=plain_caption,
                reply_markup=markup,
                time=self.clock(),
            )
        )
        return message

    async def _get_file(self, params: Params) -> JSONDict:
        stored = self._stored.get(params.text("file_id") or "")
        if stored is None:
            raise BotApiError(400, "Bad Request: invalid file_id")
        if len(stored.content) > DOWNLOAD_MAX_BYTES:
            raise BotApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _edit_message_text(self, params: Params) -> JSONDict:
        chat_id = self._target_chat(params)["id"]
        message = self._editable_message(chat_id, params)
        text, plain, entities = self._message_text(params)
        markup = self._reply_markup(params)
        edited = self._edited(message, markup, text=plain, entities=entities or None)
        self.edits.append(
            EditedMessage(
                chat_id=chat_id,
                message_id=edited["message_id"],
                text=text,
                plain_text=plain,
                parse_mode=params.text("parse_mode"),
                reply_markup=markup,
                time=self.clock(),
            )
        )
        return edited

    async def _edit_message_reply_markup(self, params: Params) -> JSONDict:
        chat_id = self._target_chat(params)["id"]
        message = self._editable_message(chat_id, params)
        markup = self._reply_markup(params)
        edited = self._edited(message, markup)
        self.edits.append(
            EditedMessage(
                chat_id=chat_id,
                message_id=edited["message_id"],
                text=None,
                plain_text=edited.get("text", ""),
                parse_mode=None,
                reply_markup=markup,
                time=self.clock(),
            )
        )
        return edited

    def _edited(self, message: JSONDict, reply_markup: JSONDict | None, **content: Any) -> JSONDict:
        changes = {**content, "reply_markup": self._inline_only(reply_markup)}
        if all(message.get(key) == value for key, value in changes.items()):
            raise BotApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        edited = {key: value for key, value in message.items() if key not in changes}
        edited.update((key, value) for key, value in changes.items() if value is not None)
        edited["edit_date"] = int(self.wall_clock())
        self._messages[(message["chat"]["id"], message["message_id"])] = edited
        return edited

    async def _delete_message(self, params: Params) -> bool:
        chat = self._target_chat(params)
        key = (chat["id"], params.required_integer("message_id"))
        message = self._messages.get(key)
        if message is None:
            raise BotApiError(400, "Bad Request: message to delete not found")
        from_bot = message["from"]["id"] == self.bot_user["id"]
        may_delete_others = chat["type"] == "private" or (
            self._status_in(chat["id"], self.bot_user["id"]) == "administrator"
        )
        too_old = self.wall_clock() - message["date"] > DELETE_WINDOW_SECONDS
        if too_old or not (from_bot or may_delete_others):
            raise BotApiError(400, "Bad Request: message can't be deleted")
        del self._messages[key]
        self.deletions.append(DeletedMessage(key[0], key[1], self.clock()))
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        if query_id not in self._open_callback_queries:
            raise BotApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_callback_queries.discard(query_id)
        self.callback_answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                text=params.text("text"),
                show_alert=params.flag("show_alert"),
                url=params.text("url"),
                time=self.clock(),
            )
        )
        return True

    async def _get_chat(self, params: Params) -> JSONDict:
        return {
            **self._target_chat(params),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def _status_in(self, chat_id: int, user_id: int) -> str:
        if user_id == self.bot_user["id"]:
            return self._bot_status.get(chat_id, "member")
        if self._owners.get(chat_id) == user_id:
            return "creator"
        return "administrator" if user_id in self._admins.get(chat_id, ()) else "member"

    async def _get_chat_member(self, params: Params) -> JSONDict:
        chat_id = self._target_chat(params)["id"]
        user_id = params.required_integer("user_id")
        return _member_json(self._user(user_id), self._status_in(chat_id, user_id))

    async def _get_chat_administrators(self, params: Params) -> list[JSONDict]:
        chat = self._target_chat(params)
        chat_id = chat["id"]
        if chat["type"] == "private":
            raise BotApiError(400, "Bad Request: there are no administrators in the private chat")
        user_ids = [self._owners[chat_id]] if chat_id in self._owners else []
        user_ids += sorted(self._admins.get(chat_id, ()))
        if self._bot_status.get(chat_id) == "administrator":
            user_ids.append(self.bot_user["id"])
        return [
            _member_json(self._user(user_id), self._status_in(chat_id, user_id))
            for user_id in user_ids
        ]

    async def _leave_chat(self, params: Params) -> bool:
        chat = self._target_chat(params)
        if chat["type"] == "private":
            raise BotApiError(
                400, "Bad Request: chat member status can't be changed in private chats"
            )
        self._bot_status[chat["id"]] = "left"
        self._chat_failures[chat["id"]] = self._not_a_member(chat)
        return True


# --------------------------------------------------------------------------------------------
# HTTP


class FakeTelegramServer:
    """The HTTP face of a FakeTelegram, on 127.0.0.1 and an ephemeral (or given) port.

    Routes: ``GET|POST /bot<token>/<method>`` (query string, JSON, form or multipart
    parameters), ``GET /file/bot<token>/<file_path>`` (a file's content, as getFile named it)
    and ``GET /fake/stats`` (FakeTelegram.stats() as JSON).
    """

    def __init__(self, telegram: FakeTelegram | None = None, *, port: int = 0) -> None:
        self.telegram = telegram if telegram is not None else FakeTelegram()
        self._port = port
        self._runner: web.AppRunner | None = None
        self._url = ""

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, once started."""
        if not self._url:
            raise RuntimeError("the fake Telegram server is not running")
        return self._url

    @property
    def base_url(self) -> str:
        """The `base_url` to give python-telegram-bot (it appends the token)."""
        return f"{self.url}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=_MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_get("/fake/stats", self._stats)
        # Cancelling the handler when its client goes away is what keeps a message the client
        # gave up on from being recorded as delivered.
        runner = web.AppRunner(
            app,
            handler_cancellation=True,
            shutdown_timeout=_SHUTDOWN_GRACE_SECONDS,
            access_log=None,
        )
        await runner.setup()
        self._runner = runner
        await web.TCPSite(runner, "127.0.0.1", self._port).start()
        host, port = runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._url = ""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @contextlib.contextmanager
    def in_thread(self) -> Iterator[Self]:
        """Serve from a background thread running its own event loop, for the duration."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="fake-telegram", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.start(), loop).result()
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(self.stop(), loop).result()
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()

    async def _api(self, request: web.Request) -> web.Response:
        try:
            params = Params(await self._parameters(request))
            result = await self.telegram.call(
                request.match_info["token"], request.match_info["method"], params
            )
        except BotApiError as error:
            return self._error(error)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        stored = None
        if request.match_info["token"] == self.telegram.token:
            stored = self.telegram.stored_file(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.content, content_type="application/octet-stream")

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.telegram.stats())

    @staticmethod
    async def _parameters(request: web.Request) -> dict[str, object]:
        values: dict[str, object] = dict(request.query)
        if request.method != "POST":
            return values
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise BotApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(body, dict):
                raise BotApiError(400, "Bad Request: can't parse JSON object")
            values.update(body)
            return values
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                values[name] = UploadedFile(value.filename, value.content_type, value.file.read())
            elif isinstance(value, str):
                values[name] = value
            else:
                values[name] = bytes(value).decode()
        return values

    @staticmethod
    def _error(error: BotApiError) -> web.Response:
        if error.code == 502:
            # What Telegram's nginx front answers, not JSON.
            return web.Response(status=502, text=_NGINX_BAD_GATEWAY, content_type="text/html")
        body: JSONDict = {"ok": False, "error_code": error.code, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.code)


# --------------------------------------------------------------------------------------------
# Command line


def _optional_int(value: str) -> int | None:
    return None if value.lower() in {"none", "off"} else int(value)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.telegram_api",
        description="Serve a fake Telegram Bot API on 127.0.0.1; prints its URL, then serves "
        "until interrupted. Rate limits take 'none' to disable them.",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--jitter", type=float, default=0.0)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--hang-rate", type=float, default=0.0)
    parser.add_argument("--hang-seconds", type=float, default=30.0)
    parser.add_argument("--global-rate", type=_optional_int, default=30)
    parser.add_argument("--private-chat-rate", type=_optional_int, default=1)
    parser.add_argument("--group-rate-per-minute", type=_optional_int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


async def _serve(server: FakeTelegramServer) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    async with server:
        print(server.url, flush=True)
        await stopping.wait()


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _arguments(argv)
    telegram = FakeTelegram(
        arguments.token,
        latency=arguments.latency,
        jitter=arguments.jitter,
        error_rate=arguments.error_rate,
        hang_rate=arguments.hang_rate,
        hang_seconds=arguments.hang_seconds,
        global_rate=arguments.global_rate,
        private_chat_rate=arguments.private_chat_rate,
        group_rate_per_minute=arguments.group_rate_per_minute,
        seed=arguments.seed,
    )
    asyncio.run(_serve(FakeTelegramServer(telegram, port=arguments.port)))


if __name__ == "__main__":
    main()
