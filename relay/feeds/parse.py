"""Reading a fetched feed with feedparser: entries with clean text, hostile XML refused."""

import calendar
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from relay.links import clean_link, clean_links

MAX_TEXT = 1500
MAX_ENTRIES = 500
HOSTILE = "XML refusé : déclarations d'entités (DTD) interdites"
UNREADABLE_TEXT = "flux illisible ({detail})"
NOT_A_FEED = "ce n'est pas un flux RSS ou Atom"

# Entity declarations are never needed by RSS or Atom, and are how billion-laughs and
# external-entity attacks start; checked in the common encodings before parsing.
_ENTITY_MARKERS = tuple(
    "<!ENTITY".encode(encoding) for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
_SKIPPED = {"script", "style", "head", "title"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # NUL and friends: never text


class FeedParseError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FeedEntry:
    guid: str | None
    link: str | None
    title: str
    text: str
    published: datetime | None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS and tag != "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str, limit: int = MAX_TEXT) -> str:
    """Readable plain text: tags dropped, entities decoded, paragraphs kept, cut at `limit`."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = html.unescape("".join(extractor.parts))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if line or (paragraphs and paragraphs[-1]):
            paragraphs.append(line)
    text = "\n".join(paragraphs).strip()
    text = _CONTROL.sub("", re.sub(r"\n{3,}", "\n\n", text))
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _body(entry: Any) -> str:
    contents = [str(c.get("value", "")) for c in entry.get("content") or [] if isinstance(c, dict)]
    summary = str(entry.get("summary") or "")
    return max([summary, *contents], key=len)


def parse_feed(body: bytes, headers: dict[str, str]) -> list[FeedEntry]:
    """Entries in document order; raises FeedParseError for what is not a usable feed."""
    if any(marker in body for marker in _ENTITY_MARKERS):
        raise FeedParseError(HOSTILE)
    wanted = {"content-type", "content-location", "content-language", "content-encoding"}
    parsed = feedparser.parse(
        body,
        response_headers={k.lower(): v for k, v in headers.items() if k.lower() in wanted},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            detail = str(parsed.get("bozo_exception") or "XML mal formé")[:120]
            raise FeedParseError(UNREADABLE_TEXT.format(detail=detail))
        if not parsed.get("version"):
            raise FeedParseError(NOT_A_FEED)
    result = []
    for entry in entries[:MAX_ENTRIES]:
        title = html_to_text(entry.get("title") or "", 300)
        text = clean_links(html_to_text(_body(entry)))
        link = (entry.get("link") or "").strip() or None
        if link is not None:
            link = clean_link(link) if link.startswith(("http://", "https://")) else None
        guid = (entry.get("id") or "").strip()[:1000] or None
        if not (title or text or link):
            continue
        result.append(
            FeedEntry(guid, link[:2000] if link else None, title, text, _published(entry))
        )
    return result
