"""Telegram HTML for relay's messages: everything user-supplied escaped, long texts split.

Telegram counts a message's length in UTF-16 code units after entity parsing (4,096 at most), so
the visible text of each part is measured that way, and parts are cut at paragraph boundaries
(then line, sentence and word boundaries for a paragraph that is too long by itself).
"""

import html
import re
from dataclasses import dataclass

from relay.messages import AnnouncementView, Attachment, Button, Outgoing

MAX_UNITS = 4096
CAPTION_UNITS = 1024  # a photo's or a document's caption
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
POSTER_TYPES = PHOTO_TYPES | {"application/pdf"}
MIN_ROOM = 200  # less room than this left in a message: an oversized paragraph starts a new one
# Where a paragraph too long for one message is cut, in order of preference, and what joins
# the pieces that stay together.
_BOUNDARIES = (
    (re.compile(r"\n"), "\n"),
    (re.compile(r"(?<=[.!?…])\s+"), " "),
    (re.compile(r" +"), " "),
)
CALLBACK_DATA_BYTES = 64


@dataclass(frozen=True)
class TelegramPart:
    """One Telegram message: HTML text with inline keyboard rows, or a document or a photo
    (`html` is then its caption)."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Attachment | None = None
    photo: Attachment | None = None


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def render(message: Outgoing) -> list[TelegramPart]:
    for row in message.buttons:
        for button in row:
            if len(button.action.encode()) > CALLBACK_DATA_BYTES:
                raise ValueError(f"button action longer than 64 bytes: {button.action!r}")
    if isinstance(message, AnnouncementView):
        blocks = announcement_blocks(message)
        poster = message.attachment
        if poster is not None and poster.mime_type in POSTER_TYPES:
            return _with_poster(blocks, message.buttons, poster)
    else:
        blocks = [(escape(p), utf16_units(p)) for p in message.text.split("\n\n")]
        if message.link and message.link not in message.text:
            blocks.append((_link(message.link), utf16_units(message.link)))
    parts = [TelegramPart(text) for text in _pack(blocks)] or [TelegramPart("…")]
    parts[-1] = TelegramPart(parts[-1].html, buttons=message.buttons)
    if message.attachment is not None:
        parts.append(TelegramPart("", document=message.attachment))
    return parts


def _with_poster(
    blocks: list[tuple[str, int]], buttons: tuple[tuple[Button, ...], ...], poster: Attachment
) -> list[TelegramPart]:
    """An announcement with its poster or form: one message, the file with the text as its
    caption, when the text fits in a caption; else the text, then the file."""
    if sum(units for _, units in blocks) + 2 * (len(blocks) - 1) <= CAPTION_UNITS:
        return [_file_part("\n\n".join(html for html, _ in blocks), buttons, poster)]
    return [*(TelegramPart(text) for text in _pack(blocks)), _file_part("", buttons, poster)]


def _file_part(
    caption: str, buttons: tuple[tuple[Button, ...], ...], poster: Attachment
) -> TelegramPart:
    if poster.mime_type in PHOTO_TYPES:
        return TelegramPart(caption, buttons, photo=poster)
    return TelegramPart(caption, buttons, document=poster)


def announcement_blocks(view: AnnouncementView) -> list[tuple[str, int]]:
    """Paragraphs of an announcement as (HTML, visible length) pairs."""
    heading = f"📣 {view.kind.label}" + (f" — {view.title}" if view.title else "")
    blocks = [(f"<b>{escape(heading)}</b>", utf16_units(heading))]
    blocks += [(escape(p), utf16_units(p)) for p in view.text.split("\n\n") if p.strip()]
    details = []
    if view.date_label:
        details.append((f"📅 {escape(view.date_label)}", 3 + utf16_units(view.date_label)))
    if view.link and view.link not in view.text:
        details.append((f"🔗 {_link(view.link)}", 3 + utf16_units(view.link)))
    if view.theme_labels:
        themes = "Thèmes : " + ", ".join(view.theme_labels)
        details.append((f"<i>{escape(themes)}</i>", utf16_units(themes)))
    if view.source_label:
        details.append((f"<i>{escape(view.source_label)}</i>", utf16_units(view.source_label)))
    if details:
        blocks.append(("\n".join(h for h, _ in details), sum(n + 1 for _, n in details)))
    return blocks


def _link(url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{escape(url)}</a>'


def _pack(blocks: list[tuple[str, int]]) -> list[str]:
    """Join paragraphs into as few messages as fit, never cutting inside a tag; a paragraph
    too long for what is left of a message starts there and goes on in the next ones."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for block_html, units in blocks:
        extra = units + (2 if current else 0)
        if size + extra <= MAX_UNITS:
            current.append(block_html)
            size += extra
            continue
        if units <= MAX_UNITS:  # a message of its own
            parts.append("\n\n".join(current))
            current, size = [block_html], units
            continue
        room = MAX_UNITS - size - (2 if current else 0)
        pieces = _paragraph_pieces(html.unescape(block_html), room)
        if current and utf16_units(pieces[0]) <= room:
            current.append(escape(pieces.pop(0)))
        if current:
            parts.append("\n\n".join(current))
        parts.extend(escape(piece) for piece in pieces[:-1])
        current, size = [escape(pieces[-1])], utf16_units(pieces[-1])
    if current:
        parts.append("\n\n".join(current))
    return parts


def _paragraph_pieces(text: str, room: int) -> list[str]:
    """An oversized plain paragraph in message-sized pieces, the first one fitting in `room`
    when a boundary allows it."""
    first = _cut(text, limit=room)[0] if room >= MIN_ROOM else ""
    if first and text.startswith(first):
        return [first, *_cut(text[len(first) :].lstrip(" \n"))]
    return _cut(text)


def _cut(text: str, level: int = 0, limit: int = MAX_UNITS) -> list[str]:
    """A paragraph too long for one message, cut at line, then sentence, then word boundaries
    (a single word longer than a message is cut anywhere)."""
    if utf16_units(text) <= limit:
        return [text]
    if level == len(_BOUNDARIES):
        return _hard_cut(text, limit)
    boundary, joiner = _BOUNDARIES[level]
    pieces: list[str] = []
    current = ""
    for chunk in boundary.split(text):
        for piece in _cut(chunk, level + 1, limit):
            candidate = f"{current}{joiner}{piece}" if current else piece
            if utf16_units(candidate) <= limit:
                current = candidate
            else:
                if current:
                    pieces.append(current)
                current = piece
    if current:
        pieces.append(current)
    return pieces


def _hard_cut(word: str, limit: int) -> list[str]:
    pieces = []
    while utf16_units(word) > limit:
        cut = limit
        while utf16_units(word[:cut]) > limit:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word else pieces
