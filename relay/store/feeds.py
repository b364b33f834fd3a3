"""Feeds and the items already seen: the queries the feed poller and `relay feeds` need."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from relay.store.dialect import is_postgresql
from relay.store.models_schedule import Feed, FeedItem

CONFIG, CLI = "config", "cli"


async def by_url(session: AsyncSession, url: str) -> Feed | None:
    return (await session.execute(select(Feed).where(col(Feed.url) == url))).scalar_one_or_none()


async def save_config_feed(
    session: AsyncSession, name: str, url: str, themes: str, auto: bool, interval_minutes: int
) -> None:
    """feeds.yaml is the truth for the feeds it lists: settings follow it, state is kept."""
    feed = await by_url(session, url)
    if feed is None:
        session.add(
            Feed(
                name=name,
                url=url,
                themes=themes,
                auto=auto,
                interval_minutes=interval_minutes,
                origin=CONFIG,
            )
        )
    else:
        feed.name, feed.themes, feed.auto = name, themes, auto
        feed.interval_minutes, feed.origin, feed.enabled = interval_minutes, CONFIG, True
    await session.flush()


async def disable_config_feeds_except(session: AsyncSession, urls: Sequence[str]) -> None:
    """Feeds removed from feeds.yaml stop being polled (their items stay known)."""
    await session.execute(
        update(Feed)
        .where(col(Feed.origin) == CONFIG, col(Feed.url).not_in(list(urls)))
        .values(enabled=False)
    )


async def all_feeds(session: AsyncSession) -> list[Feed]:
    return list((await session.execute(select(Feed).order_by(col(Feed.id)))).scalars())


async def due_feeds(session: AsyncSession, now: datetime | None) -> list[Feed]:
    """Enabled feeds whose next poll time has come (every enabled feed when `now` is None)."""
    query = select(Feed).where(col(Feed.enabled)).order_by(col(Feed.next_poll_at))
    if now is not None:
        query = query.where(col(Feed.next_poll_at) <= now)
    return list((await session.execute(query)).scalars())


async def get(session: AsyncSession, feed_id: int) -> Feed | None:
    query = select(Feed).where(col(Feed.id) == feed_id)
    if is_postgresql(session):
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def seen(
    session: AsyncSession,
    feed_id: int,
    keys: Sequence[str],
    link_hashes: Sequence[str],
    content_hashes: Sequence[str],
) -> tuple[set[str], set[str], set[str]]:
    """Which of these keys this feed has seen, and which links and contents any feed has seen."""
    query = select(
        col(FeedItem.feed_id), col(FeedItem.key), col(FeedItem.link_hash), FeedItem.content_hash
    ).where(
        or_(
            (col(FeedItem.feed_id) == feed_id) & col(FeedItem.key).in_(list(keys)),
            col(FeedItem.link_hash).in_(list(link_hashes)),
            col(FeedItem.content_hash).in_(list(content_hashes)),
        )
    )
    known_keys, known_links, known_contents = set(), set(), set()
    for owner, key, link_hash, content_hash in (await session.execute(query)).all():
        if owner == feed_id:
            known_keys.add(key)
        if link_hash:
            known_links.add(link_hash)
        known_contents.add(content_hash)
    return known_keys, known_links, known_contents


async def record_item(
    session: AsyncSession,
    feed_id: int,
    key: str,
    link_hash: str | None,
    content_hash: str,
    now: datetime,
) -> int | None:
    """Remember an item; returns its row id, or None if another process recorded it first."""
    dialect: Any = postgresql if is_postgresql(session) else sqlite
    statement = (
        dialect.insert(FeedItem)
        .values(
            feed_id=feed_id, key=key, link_hash=link_hash, content_hash=content_hash, seen_at=now
        )
        .on_conflict_do_nothing(index_elements=["feed_id", "key"])
        .returning(FeedItem.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def link_announcement(session: AsyncSession, item_id: int, announcement_id: int) -> None:
    await session.execute(
        update(FeedItem).where(col(FeedItem.id) == item_id).values(announcement_id=announcement_id)
    )
