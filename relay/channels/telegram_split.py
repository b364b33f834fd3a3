"""Texts Telegram's apps split into several messages, put back together.

A Telegram app sends a text longer than one message (4,096 characters) as several consecutive
messages. The desktop app cuts each one at the best break in the second half of the limit (a
blank line, else a line break, else a space after a sentence, …, else anywhere) and trims
every part, so the break's spaces or line breaks reach no message; the mobile apps cut every
4,096 characters and the servers trim what they receive. The channel holds a message that
may be such a first part for a few seconds, appends the parts that follow it from the same
person in the same chat, and hands the core one text.

The break that was trimmed away is found back by cutting again: the separator kept is the one
with which the desktop app's own cut of the rejoined text gives back the part received.
"""

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

# The longest message a Telegram app sends; a longer text becomes several messages.
TEXT_LIMIT = 4096
# How long a message that may be cut waits for its next part (each part restarts the wait):
# the apps send the parts one after the other, within a second.
SPLIT_WINDOW_SECONDS = 3.0

_SENTENCE_END = ".?!"
_SENTENCE_PART_END = ",:;"
_WORD_SEPARATORS = frozenset(" \n.,?!@#$:;-<>[](){}=/+%&^*'\"`~|")
# Tried in this order: a long paragraph going on, then the text's own kind of break.
_BREAKS = (" ", "\n", "\n\n", "")
_BREAKS_BETWEEN_PARAGRAPHS = (" ", "\n\n", "\n", "")

# Who said it where: (chat id, user id).
Key = tuple[int, int]


def may_be_cut(text: str, limit: int = TEXT_LIMIT) -> bool:
    """Whether a message is long enough to be the first part of a split text (the desktop app
    never cuts in the first half of the limit)."""
    return len(text) >= limit // 2


def first_part(text: str, limit: int = TEXT_LIMIT) -> str:
    """The first message Telegram's desktop app makes of `text`."""
    if len(text) <= limit:
        return text.strip()
    cut, best = 0, 0
    for index in range(limit // 2 + 1, limit + 1):
        level = _break_level(text, index)
        if level >= best:  # the last of the best breaks
            cut, best = index, level
    return text[:cut].strip()


def _break_level(text: str, index: int) -> int:
    """How good a place to cut the text before `text[index]` is, as the desktop app ranks it."""
    char, before = text[index], text[index - 1]
    if char == "\n":
        return 15 if text[index + 1 : index + 2] == "\n" else 13
    if char.isspace():
        if before in _SENTENCE_END:
            return 10
        return 8 if before in _SENTENCE_PART_END else 6
    return 4 if before in _WORD_SEPARATORS else 2


def rejoin(parts: Sequence[str], limit: int = TEXT_LIMIT) -> str:
    """The text the parts were cut from, with the break each cut trimmed away."""
    text, lead = parts[0], ""
    for before, after in itertools.pairwise(parts):
        lead = _trimmed_break(lead, before, after, limit)
        text += lead + after
    return text


def _trimmed_break(lead: str, before: str, after: str, limit: int) -> str:
    """The break between two parts; `lead` is the one before the first of them, which the app
    counted in that part's cut (it trims a part once cut)."""
    if len(before) >= limit:
        # Cut at the limit itself: a mobile app's cut (every `limit` characters), inside a word
        # most often; a sentence ending there lost the space after it.
        return " " if before[-1] in _SENTENCE_END and after[:1].isupper() else ""
    breaks = _BREAKS_BETWEEN_PARAGRAPHS if "\n\n" in before else _BREAKS
    for candidate in breaks:
        if first_part((lead + before + candidate + after)[: limit + 1], limit) == before:
            return candidate
    return " "  # another app's cut, at a space it trimmed


@dataclass
class _Held:
    parts: dict[int, str]  # by message id: the order the app sent them in
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def last(self) -> str:
        return self.parts[max(self.parts)]


class SplitTexts:
    """The messages held while the rest of their text may still come."""

    def __init__(self, window: float = SPLIT_WINDOW_SECONDS, limit: int = TEXT_LIMIT) -> None:
        self._window = window
        self._limit = limit
        self._held: dict[Key, _Held] = {}

    def may_be_cut(self, text: str) -> bool:
        return may_be_cut(text, self._limit)

    def add(self, key: Key, message_id: int, text: str) -> bool:
        """A plain message: the next part of a text held for this person in this chat (True),
        or a message of its own (False)."""
        held = self._held.get(key)
        if held is None:
            return False
        held.parts[message_id] = text
        held.arrived.set()
        return True

    async def whole(self, key: Key, message_id: int, text: str) -> str:
        """The whole text a message may begin: its parts, as long as each one may be followed
        by another that comes within the window. Registers the message before waiting, so the
        parts that follow it find it."""
        held = _Held({message_id: text})
        self._held[key] = held
        try:
            while self.may_be_cut(held.last):
                held.arrived.clear()
                try:
                    async with asyncio.timeout(self._window):
                        await held.arrived.wait()
                except TimeoutError:
                    break
        finally:
            if self._held.get(key) is held:
                del self._held[key]
        return rejoin([held.parts[number] for number in sorted(held.parts)], self._limit)
