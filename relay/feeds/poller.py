"""Feed polling: due feeds fetched concurrently (bounded), new items become announcements.

A new item is proposed to the coordinators (the moderation flow of /proposer), or relayed at once
for a feed marked `auto: true`. An item is recorded as seen in the transaction that creates its
announcement, so it is relayed once. A failing feed (timeout, HTTP error, malformed or hostile
XML, oversized body) is counted and polled again later and later (exponential backoff, at most a
day); after ALERT_AFTER failures in a row the coordinators are told once (one message per
round). It never stops the others.
"""

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from relay.announcements import (
    APPROVE,
    APPROVE_ACTION,
    MODERATION_HELP_TEXT,
    REJECT,
    REJECT_ACTION,
    Announcements,
    guess_kind,
    themes_in_text,
)
from relay.feeds.config import FeedConfigError, FeedSpec, load_feed_specs
from relay.french_dates import as_utc, find_date
from relay.messages import AnnouncementKind, Button, ChatKind, ChatRef, Reply
from relay.settings import Settings
from relay.states import AnnouncementSource, AnnouncementState, PollStatus
from relay.store import announcements as announcement_store
from relay.store import feeds as store
from relay.store.db import Database
from relay.store.models import Announcement, utcnow
from relay.store.models_schedule import Feed
from relay.themes import ThemeCatalogue

if TYPE_CHECKING:
    import httpx

    from relay.feeds.fetch import Fetched
    from relay.feeds.parse import FeedEntry

# Fetching and parsing (httpx, httpcore, feedparser: some 15 MB) are loaded at the first poll:
# a relay without feeds never loads them.

log = logging.getLogger(__name__)

CONCURRENCY = 10
MAX_BACKOFF = timedelta(days=1)
FIRST_POLL_WINDOW = timedelta(days=14)  # on a feed's first poll, only recent items are relayed
MAX_NEW_PER_POLL = 10  # more new items than this in one poll: the rest are only recorded
ALERT_AFTER = 3

TO_COORDINATORS_TEXT = (
    "Nouvel élément du flux « {feed} » (proposition n°{id}) :\n\n{body}\n\nThèmes : {themes}"
)
NO_THEME_TEXT = "aucun détecté (précisez-les avec /valider {id} #thème)"
FEEDS_BROKEN_TEXT = (
    "Flux en échec depuis {count} essais (je réessaie de moins en moins souvent ; "
    "vérifiez leur adresse avec « relay feeds list ») :\n"
)
FEED_BROKEN_TEXT = "• {feed} ({url}) : {error}"


@dataclass(frozen=True)
class PollOutcome:
    """What one feed gave in one round."""

    feed: str
    url: str
    status: str  # new | unchanged | failed
    new_items: int = 0
    relayed: int = 0
    error: str | None = None
    failures: int = 0


@dataclass(frozen=True)
class _Item:
    entry: "FeedEntry"
    key: str
    link_hash: str | None
    content_hash: str


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _item(entry: "FeedEntry") -> _Item:
    content_hash = _digest("\n".join((entry.title, entry.text, entry.link or "")))
    if entry.guid:
        key = _digest("id:" + entry.guid)
    elif entry.link:
        key = _digest("link:" + entry.link)
    else:
        key = content_hash
    return _Item(entry, key, _digest(entry.link) if entry.link else None, content_hash)


def backoff(interval: timedelta, failures: int) -> timedelta:
    return min(MAX_BACKOFF, interval * (1 << min(failures, 16)))


class FeedPoller:
    """Polls feeds; used by the scheduler (due feeds) and by `relay feeds poll` (all feeds)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        catalogue: ThemeCatalogue,
        announcements: Announcements,
        clock: Callable[[], datetime] = utcnow,
        concurrency: int = CONCURRENCY,
        max_bytes: int | None = None,
        total_timeout: float | None = None,
        client_factory: "Callable[[], httpx.AsyncClient] | None" = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.catalogue = catalogue
        self.announcements = announcements
        self.clock = clock
        self.concurrency = concurrency
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.client_factory = client_factory or self._client
        self._config_error = ""

    def _client(self) -> "httpx.AsyncClient":
        from relay.feeds.fetch import make_client

        return make_client(allow_private=self.settings.feeds_allow_private)

    async def sync_config(self) -> list[FeedSpec]:
        """Bring the feeds of feeds.yaml into the database (raises FeedConfigError)."""
        specs = load_feed_specs(
            self.settings.feeds_file, self.catalogue, self.settings.feeds_allow_private
        )
        async with self.db.write() as session:
            for spec in specs:
                minutes = int(spec.interval.total_seconds() // 60)
                themes = ",".join(spec.themes)
                await store.save_config_feed(
                    session, spec.name, spec.url, themes, spec.auto, minutes
                )
            await store.disable_config_feeds_except(session, [s.url for s in specs])
        return specs

    async def poll(
        self, due_only: bool = True, progress: Callable[[PollOutcome], None] | None = None
    ) -> list[PollOutcome]:
        """One polling round over the due feeds (or all enabled feeds)."""
        try:
            await self.sync_config()
            self._config_error = ""
        except FeedConfigError as error:
            if str(error) != self._config_error:  # said once, not at every round
                log.error("feeds.yaml ignored until corrected: %s", error)
            self._config_error = str(error)
        async with self.db.read() as session:
            feeds = await store.due_feeds(session, self.clock() if due_only else None)
        if not feeds:
            return []
        limit = asyncio.Semaphore(self.concurrency)
        async with self.client_factory() as client:

            async def one(feed: Feed) -> PollOutcome:
                async with limit:
                    outcome = await self._poll_one(client, feed)
                if progress is not None:
                    progress(outcome)
                return outcome

            outcomes = list(await asyncio.gather(*(one(feed) for feed in feeds)))
        alerts = [
            o for o in outcomes if o.status == PollStatus.FAILED and o.failures == ALERT_AFTER
        ]
        if alerts:
            lines = [FEED_BROKEN_TEXT.format(feed=o.feed, url=o.url, error=o.error) for o in alerts]
            await self._tell_coordinators(
                Reply(FEEDS_BROKEN_TEXT.format(count=ALERT_AFTER) + "\n".join(lines))
            )
        return outcomes

    async def _poll_one(self, client: "httpx.AsyncClient", feed: Feed) -> PollOutcome:
        from relay.feeds.fetch import MAX_BYTES, TOTAL_TIMEOUT, FetchError, fetch
        from relay.feeds.parse import FeedParseError, parse_feed

        assert feed.id is not None
        max_bytes = MAX_BYTES if self.max_bytes is None else self.max_bytes
        timeout = TOTAL_TIMEOUT if self.total_timeout is None else self.total_timeout
        try:
            fetched = await fetch(
                client, feed.url, feed.etag, feed.last_modified, max_bytes, timeout
            )
            entries = (
                []
                if fetched.body is None
                else await asyncio.to_thread(parse_feed, fetched.body, fetched.headers)
            )
        except (FetchError, FeedParseError) as error:
            return await self._failed(feed.id, error.reason)
        except Exception as error:  # one feed's surprise must not stop the round
            log.exception("polling feed %s failed", feed.url)
            return await self._failed(feed.id, type(error).__name__)
        return await self._store(feed.id, fetched, entries)

    async def _failed(self, feed_id: int, reason: str) -> PollOutcome:
        now = self.clock()
        async with self.db.write() as session:
            feed = await store.get(session, feed_id)
            assert feed is not None
            feed.failures += 1
            feed.error_count += 1
            feed.last_error = reason[:500]
            feed.last_polled_at = now
            interval = timedelta(minutes=feed.interval_minutes)
            feed.next_poll_at = now + backoff(interval, feed.failures)
            name, url, failures = feed.name, feed.url, feed.failures
        log.warning("feed %s failed (%s in a row): %s", url, failures, reason)
        return PollOutcome(name, url, PollStatus.FAILED, error=reason, failures=failures)

    async def _store(
        self, feed_id: int, fetched: "Fetched", entries: Sequence["FeedEntry"]
    ) -> PollOutcome:
        now = self.clock()
        items = [_item(entry) for entry in reversed(entries)]  # oldest first
        proposals: list[tuple[int, Announcement, tuple[str, ...]]] = []
        relayed = new = 0
        async with self.db.write() as session:
            feed = await store.get(session, feed_id)
            assert feed is not None
            first_poll = feed.last_success_at is None
            keys, links, contents = await store.seen(
                session,
                feed_id,
                [i.key for i in items],
                [i.link_hash for i in items if i.link_hash],
                [i.content_hash for i in items],
            )
            for item in items:
                if (
                    item.key in keys
                    or (item.link_hash and item.link_hash in links)
                    or item.content_hash in contents
                ):
                    continue
                keys.add(item.key)
                contents.add(item.content_hash)
                if item.link_hash:
                    links.add(item.link_hash)
                item_id = await store.record_item(
                    session, feed_id, item.key, item.link_hash, item.content_hash, now
                )
                if item_id is None:
                    continue
                new += 1
                if (
                    not self._worth_relaying(item.entry, first_poll, now)
                    or relayed >= MAX_NEW_PER_POLL
                ):
                    continue
                announcement, themes = self._announcement(feed, item.entry, now)
                announcement_id = await announcement_store.add(session, announcement, themes)
                if announcement.status == AnnouncementState.QUEUED:
                    await announcement_store.queue(session, announcement)
                else:
                    proposals.append((announcement_id, announcement, themes))
                await store.link_announcement(session, item_id, announcement_id)
                relayed += 1
            feed.failures = 0
            feed.last_error = None
            feed.last_polled_at = feed.last_success_at = now
            feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
            feed.next_poll_at = now + timedelta(minutes=feed.interval_minutes)
            feed.items_relayed += relayed
            name, url = feed.name, feed.url
        if relayed > len(proposals):
            self.announcements.notices.wake()
        for announcement_id, announcement, themes in proposals:
            await self._propose(name, announcement_id, announcement, themes)
        status = PollStatus.UNCHANGED if fetched.body is None or not new else PollStatus.NEW
        return PollOutcome(name, url, status, new_items=new, relayed=relayed)

    @staticmethod
    def _worth_relaying(entry: "FeedEntry", first_poll: bool, now: datetime) -> bool:
        if not first_poll:
            return True
        return entry.published is not None and as_utc(entry.published) >= now - FIRST_POLL_WINDOW

    def _announcement(
        self, feed: Feed, entry: "FeedEntry", now: datetime
    ) -> tuple[Announcement, tuple[str, ...]]:
        whole = f"{entry.title}\n{entry.text}"
        themes = tuple(dict.fromkeys((*feed.theme_slugs, *themes_in_text(whole, self.catalogue))))
        kind: AnnouncementKind = guess_kind(whole)
        today = now.astimezone(self.settings.zone).date()
        status = AnnouncementState.QUEUED if feed.auto and themes else AnnouncementState.PROPOSED
        announcement = Announcement(
            kind=kind.value,
            title=entry.title[:300],
            text=entry.text or entry.title,
            link=entry.link,
            event_date=find_date(whole, today),
            source=AnnouncementSource.FEED,
            source_name=feed.name[:200],
            status=status,
        )
        return announcement, themes

    async def _propose(
        self,
        feed_name: str,
        announcement_id: int,
        announcement: Announcement,
        themes: Sequence[str],
    ) -> None:
        body = "\n".join(
            p for p in (announcement.title, announcement.text[:600], announcement.link) if p
        )
        labels = ", ".join(self.catalogue.label(t) for t in themes)
        text = TO_COORDINATORS_TEXT.format(
            feed=feed_name,
            id=announcement_id,
            body=body,
            themes=labels or NO_THEME_TEXT.format(id=announcement_id),
        )
        text += "\n\n" + MODERATION_HELP_TEXT.format(id=announcement_id)
        row = [Button(REJECT, f"{REJECT_ACTION}{announcement_id}")]
        if themes:
            row.insert(0, Button(APPROVE, f"{APPROVE_ACTION}{announcement_id}"))
        await self._tell_coordinators(Reply(text, buttons=(tuple(row),)))

    async def _tell_coordinators(self, reply: Reply) -> None:
        notices = self.announcements.notices
        for coordinator in sorted(self.settings.coordinators):
            chat = ChatRef(coordinator.platform, coordinator.user_id, ChatKind.PRIVATE)
            try:
                await notices.notify(chat, reply)
            except Exception:
                log.exception("could not tell %s about a feed", coordinator)
