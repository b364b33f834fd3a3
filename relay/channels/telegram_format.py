"""Telegram HTML for relay's messages: everything user-supplied escaped, long texts split.

Telegram counts a message's length in UTF-16 code units after entity parsing (4,096 at most), so
the visible text of each part is measured that way, and parts are cut at paragraph boundaries
(then line, then word boundaries for a paragraph that is too long by itself).
"""

import html
from dataclasses import dataclass

from relay.messages import AnnouncementView, Attachment, Button, Outgoing

MAX_UNITS = 4096
CALLBACK_DATA_BYTES = 64


@dataclass(frozen=True)
class TelegramPart:
    """One Telegram message: HTML text, inline keyboard rows, or a document."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Attachment | None = None


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def render(message: Outgoing) -> list[TelegramPart]:
    if isinstance(message, AnnouncementView):
        blocks = announcement_blocks(message)
    else:
        blocks = [(escape(p), utf16_units(p)) for p in message.text.split("\n\n")]
        if message.link and message.link not in message.text:
            blocks.append((_link(message.link), utf16_units(message.link)))
    for row in message.buttons:
        for button in row:
            if len(button.action.encode()) > CALLBACK_DATA_BYTES:
                raise ValueError(f"button action longer than 64 bytes: {button.action!r}")
    parts = [TelegramPart(text) for text in _pack(blocks)] or [TelegramPart("…")]
    parts[-1] = TelegramPart(parts[-1].html, buttons=message.buttons)
    if message.attachment is not None:
        parts.append(TelegramPart("", document=message.attachment))
    return parts


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
    """Join paragraphs into as few messages as fit, never cutting inside a tag."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for block_html, units in _fitting(blocks):
        extra = units + (2 if current else 0)
        if current and size + extra > MAX_UNITS:
            parts.append("\n\n".join(current))
            current, size = [], 0
            extra = units
        current.append(block_html)
        size += extra
    if current:
        parts.append("\n\n".join(current))
    return parts


def _fitting(blocks: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Blocks no longer than a message; an oversized plain paragraph is cut at line, then word
    boundaries (relay's own formatted blocks are always short)."""
    result: list[tuple[str, int]] = []
    for block_html, units in blocks:
        if units <= MAX_UNITS:
            result.append((block_html, units))
            continue
        plain = html.unescape(block_html)
        result.extend((escape(piece), utf16_units(piece)) for piece in _cut(plain))
    return result


def _cut(text: str) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in text.replace("\n", "\n ").split(" "):
        candidate = f"{current} {word}" if current else word
        if utf16_units(candidate) <= MAX_UNITS:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while utf16_units(word) > MAX_UNITS:  # a single huge "word": hard cut
            cut = MAX_UNITS
            while utf16_units(word[:cut]) > MAX_UNITS:
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        pieces.append(current)
    return pieces
