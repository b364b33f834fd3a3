"""Feeds served by a local HTTP server: new items proposed (or relayed) once, 304s, duplicates
across polls, malformed and hostile XML, oversized bodies, timeouts; one broken feed never
stops the others."""

import asyncio
import os
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlmodel import col

from relay.app import Relay
from relay.contract import RetryLater
from relay.feeds.config import FeedConfigError, load_feed_specs, parse_interval
from relay.feeds.parse import html_to_text
from relay.feeds.poller import ALERT_AFTER, FeedPoller, PollOutcome
from relay.settings import Settings, load_settings
from relay.states import AnnouncementState, PollStatus
from relay.store.models import Announcement
from relay.store.models_schedule import Feed
from relay.themes import ThemeCatalogue
from tests.conftest import CONFIG_DIR, COORDINATOR
from tests.scheduled_support import RecordingChannel, http_server, sending
from tests.scripted_channel import ScriptedChannel
from tests.test_delivery import engine_with, subscribe

MB = 1024 * 1024


def rss(*items: str, title: str = "ARS Pays de la Loire") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://ars.example.org/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(
    title: str,
    guid: str | None = None,
    link: str | None = None,
    text: str = "",
    days_ago: float | None = 1,
) -> str:
    parts = [f"<title>{title}</title>"]
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link:
        parts.append(f"<link>{link}</link>")
    if text:
        parts.append(f"<description><![CDATA[{text}]]></description>")
    if days_ago is not None:
        when = datetime.now(UTC) - timedelta(days=days_ago)
        parts.append(f"<pubDate>{format_datetime(when)}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title></item></channel></rss>"""
HUGE_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "'
    + b"A" * 200_000
    + b'">]><rss version="2.0"><channel><title>x</title><item><title>t</title><description>'
    + b"&a;" * 5000
    + b"</description></item></channel></rss>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>'
)
UTF16_ENTITY = BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="utf-16"')
# Ill-formed shapes, after feedparser's own test corpus (tests/illformed): what a lenient reader
# still reads, relay relays; what it cannot, relay counts as a failure.
ILLFORMED_READABLE = {
    "unescaped-ampersand": rss(item("Appel à projets AT&T santé", guid="amp-1")),
    "unclosed-tags": b'<rss version="2.0"><channel><title>x</title><item><title>Sans fin</title>'
    b"<guid>open-1</guid><description>texte",
    "undeclared-namespace": rss(item("Espace <dc:creator>ARS</dc:creator> inconnu", guid="ns-1")),
    "latin1-declared-utf8": rss(item("Été santé", guid="enc-1")).replace(
        "Été".encode(), "Été".encode("latin-1")
    ),
    "nul-bytes": rss(item("Nul\x00 octet", guid="nul-1")),
}
ILLFORMED_UNREADABLE = {
    "garbage": b"\x00\xff\xfe not xml <<<>>> at all",
    "html-page": b"<!doctype html><html><body><h1>Maintenance</h1></body></html>",
    "empty": b"",
    "truncated-utf16": "<rss version='2.0'><channel>".encode("utf-16")[:-1],
}


REDIRECTS = {
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "file": "file:///etc/passwd",
}


@dataclass
class FeedSite:
    """The feeds a test serves, and what the server saw."""

    feeds: dict[str, bytes] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    last_modified: dict[str, str] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)
    big_bytes_sent: list[int] = field(default_factory=list)  # per request

    async def feed(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.requests[name] += 1
        if name not in self.feeds:
            return web.Response(status=404, text="introuvable")
        etag = self.etags.get(name)
        if etag and request.headers.get("If-None-Match") == etag:
            self.not_modified[name] += 1
            return web.Response(status=304)
        modified = self.last_modified.get(name)
        if modified and request.headers.get("If-Modified-Since") == modified:
            self.not_modified[name] += 1
            return web.Response(status=304)
        headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if etag:
            headers["ETag"] = etag
        if modified:
            headers["Last-Modified"] = modified
        return web.Response(body=self.feeds[name], headers=headers)

    async def big(self, request: web.Request) -> web.StreamResponse:
        """50 MB, streamed without a Content-Length; counts what actually left."""
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<!-- " + b"x" * (64 * 1024 - 9) + b" -->"
        await response.write(b'<rss version="2.0"><channel>')
        self.big_bytes_sent.append(0)
        try:
            for _ in range(50 * 16):
                await response.write(chunk)
                self.big_bytes_sent[-1] += len(chunk)
        except (ConnectionResetError, RuntimeError):
            return response
        return response

    async def announced(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": str(50 * MB)})
        await response.prepare(request)
        await response.write(b"<rss>")
        return response

    async def slow(self, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(30)  # cancelled when the server stops
        return web.Response(body=rss())

    async def loop(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(location="/loop")

    async def hop(self, request: web.Request) -> web.StreamResponse:
        """/hop/<n>: n redirects (relative and absolute in turn), the last to the feed /f/hop."""
        left = int(request.match_info["left"])
        if left == 1:
            raise web.HTTPMovedPermanently(location="/f/hop")
        if left % 2:
            raise web.HTTPFound(location=f"/hop/{left - 1}")
        raise web.HTTPTemporaryRedirect(location=f"{request.url.origin()}/hop/{left - 1}")

    async def to(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(location=REDIRECTS[request.match_info["target"]])


@pytest.fixture
async def site() -> AsyncIterator[tuple[FeedSite, str]]:
    served = FeedSite()
    routes = {
        "/f/{name}": served.feed,
        "/big": served.big,
        "/announced": served.announced,
        "/slow": served.slow,
        "/loop": served.loop,
        "/hop/{left}": served.hop,
        "/to/{target}": served.to,
    }
    async with http_server(routes) as base:
        yield served, base


async def add_feed(relay: Relay, url: str, themes: str = "", auto: bool = False) -> int:
    async with relay.db.write() as session:
        feed = Feed(name=url.rsplit("/", 1)[-1], url=url, themes=themes, auto=auto)
        session.add(feed)
        await session.flush()
        assert feed.id is not None
        return feed.id


@pytest.fixture
def settings(database_url: str) -> Settings:
    """These tests serve their feeds on 127.0.0.1, so private addresses are allowed, as for
    an intranet; the tests of the refusal use settings of their own."""
    return load_settings(
        database_url=database_url, coordinators=COORDINATOR, feeds_allow_private=True
    )


def poller(relay: Relay, settings: Settings | None = None, **options: float) -> FeedPoller:
    return FeedPoller(
        relay.db,
        settings or relay.settings,
        relay.themes,
        relay.announcements,
        **options,  # type: ignore[arg-type]
    )


async def feed_announcements(relay: Relay) -> list[Announcement]:
    async with relay.db.read() as session:
        query = select(Announcement).order_by(col(Announcement.id))
        return list((await session.execute(query)).scalars())


async def test_new_items_are_proposed_to_coordinators_and_304_is_handled(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    served.feeds["ars"] = rss(
        item("Appel à projets prévention 2027", guid="ars-1", link="https://ars.example.org/1"),
        item("Journée <b>santé mentale</b>", guid="ars-2", text="<p>Le 12/12 à Pornic&nbsp;!</p>"),
    )
    served.etags["ars"] = '"v1"'
    served.feeds["dept"] = rss(item("Forum des aidants", guid="d-1"))
    served.last_modified["dept"] = "Mon, 04 Jan 2027 08:00:00 GMT"
    await add_feed(relay, f"{base}/f/ars", themes="prevention")
    await add_feed(relay, f"{base}/f/dept")
    channel = RecordingChannel()
    async with sending(relay, channel):
        first = await poller(relay).poll(due_only=False)
        assert sorted((o.feed, o.status, o.new_items) for o in first) == [
            ("ars", PollStatus.NEW, 2),
            ("dept", PollStatus.NEW, 1),
        ]
        second = await poller(relay).poll(due_only=False)
    assert [o.status for o in second] == [PollStatus.UNCHANGED, PollStatus.UNCHANGED]
    assert served.not_modified == Counter({"ars": 1, "dept": 1})
    announcements = await feed_announcements(relay)
    assert sorted((a.title, a.status, a.source, a.source_name) for a in announcements) == [
        ("Appel à projets prévention 2027", "proposed", "feed", "ars"),
        ("Forum des aidants", "proposed", "feed", "dept"),
        ("Journée santé mentale", "proposed", "feed", "ars"),
    ]
    by_title = {a.title: a for a in announcements}
    assert by_title["Journée santé mentale"].text == "Le 12/12 à Pornic !"
    assert by_title["Appel à projets prévention 2027"].kind == "appel_a_projets"
    asked = channel.replies_to("1000")
    assert len(asked) == 3
    assert any("Journée santé mentale" in r.text and "Santé mentale" in r.text for r in asked)
    assert all(r.buttons for r in asked)


async def test_duplicate_items_across_polls_are_relayed_once(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    served.feeds["gt"] = rss(
        item("Atelier nutrition", guid="a", link="https://x.example.org/a"),
        item("Webinaire ETP", guid="b", link="https://x.example.org/b"),
    )
    await add_feed(relay, f"{base}/f/gt", themes="nutrition")
    assert [o.new_items for o in await poller(relay).poll(due_only=False)] == [2]
    served.feeds["gt"] = rss(
        item("Atelier nutrition (modifié)", guid="a", link="https://x.example.org/a"),
        item("Webinaire ETP", guid="b-renamed", link="https://x.example.org/b"),
        item("Sans identifiant ni lien", days_ago=1),
        item("Sans identifiant ni lien", days_ago=1),
        item("Forum sport santé", guid="c", link="https://x.example.org/c"),
    )
    assert [o.new_items for o in await poller(relay).poll(due_only=False)] == [2]
    assert [o.new_items for o in await poller(relay).poll(due_only=False)] == [0]
    titles = [a.title for a in await feed_announcements(relay)]
    assert sorted(titles) == [
        "Atelier nutrition",
        "Forum sport santé",
        "Sans identifiant ni lien",
        "Webinaire ETP",
    ]


async def test_a_first_poll_relays_only_recent_items(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    served.feeds["old"] = rss(
        item("Ancien", guid="1", days_ago=60),
        item("Sans date", guid="2", days_ago=None),
        item("Récent", guid="3", days_ago=2),
    )
    await add_feed(relay, f"{base}/f/old", themes="jeunes")
    (outcome,) = await poller(relay).poll(due_only=False)
    assert (outcome.new_items, outcome.relayed) == (3, 1)
    following = item("Suivant", "4").encode()
    served.feeds["old"] = served.feeds["old"].replace(b"</channel>", following + b"</channel>")
    (outcome,) = await poller(relay).poll(due_only=False)
    assert (outcome.new_items, outcome.relayed) == (1, 1)
    assert [a.title for a in await feed_announcements(relay)] == ["Récent", "Suivant"]


async def test_auto_feeds_relay_directly_with_themes_from_keywords(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    await subscribe(relay, "11", ["addictions"])
    await subscribe(relay, "12", ["prevention"])
    await subscribe(relay, "13", ["handicap"])
    served.feeds["auto"] = rss(
        item("Mois sans tabac", guid="t", text="Les consultations <i>tabac</i> du CSAPA"),
        item("Sans thème reconnu", guid="n"),
    )
    await add_feed(relay, f"{base}/f/auto", themes="", auto=True)
    channel = RecordingChannel()
    async with sending(relay, channel):
        await poller(relay).poll(due_only=False)
        await relay.engine.drain(10)
    (received,) = channel.announcements_to("11")
    assert received.title == "Mois sans tabac" and received.source_label == "Source : auto"
    assert "12" not in channel.received and "13" not in channel.received
    statuses = {a.title: a.status for a in await feed_announcements(relay)}
    assert statuses == {"Mois sans tabac": "queued", "Sans thème reconnu": "proposed"}


async def test_broken_feeds_are_counted_backed_off_reported_and_never_stop_the_others(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    served.feeds["good"] = rss(item("Toujours là", guid="g"))
    served.feeds["billion"] = BILLION_LAUGHS
    served.feeds["entity"] = HUGE_ENTITY
    served.feeds["external"] = EXTERNAL_ENTITY
    served.feeds["utf16-entity"] = UTF16_ENTITY.encode("utf-16")
    served.feeds.update(ILLFORMED_READABLE)
    served.feeds.update(ILLFORMED_UNREADABLE)
    broken = {
        "missing": f"{base}/f/missing",
        "big": f"{base}/big",
        "announced": f"{base}/announced",
        "slow": f"{base}/slow",
        "loop": f"{base}/loop",
        **{name: f"{base}/f/{name}" for name in ("billion", "entity", "external", "utf16-entity")},
        **{name: f"{base}/f/{name}" for name in ILLFORMED_UNREADABLE},
    }
    for url in broken.values():
        await add_feed(relay, url, themes="prevention")
    for name in ("good", *ILLFORMED_READABLE):  # relayed directly: no proposal to pace out
        await add_feed(relay, f"{base}/f/{name}", themes="prevention", auto=True)
    channel = RecordingChannel()
    started = asyncio.get_running_loop().time()
    async with sending(relay, channel):
        outcomes: list[PollOutcome] = []
        for _ in range(ALERT_AFTER):
            outcomes = await poller(relay, total_timeout=1.0).poll(due_only=False)
        assert await relay.engine.drain(10)  # the coordinators' alert goes through the outbox
    elapsed = asyncio.get_running_loop().time() - started
    by_url = {o.url: o for o in outcomes}
    assert by_url[f"{base}/f/good"].status == PollStatus.UNCHANGED
    for name in ILLFORMED_READABLE:
        assert by_url[f"{base}/f/{name}"].status == PollStatus.UNCHANGED, name
    reasons = {name: by_url[url].error or "" for name, url in broken.items()}
    assert all(by_url[url].status == PollStatus.FAILED for url in broken.values()), reasons
    assert reasons["missing"] == "erreur HTTP 404"
    assert reasons["big"] == reasons["announced"] == "réponse trop volumineuse (plus de 5 Mo)"
    assert reasons["slow"] == "délai dépassé"
    assert reasons["loop"] == "trop de redirections"
    for name in ("billion", "entity", "external", "utf16-entity"):
        assert reasons[name].startswith("XML refusé"), name
    for name in ILLFORMED_UNREADABLE:
        assert reasons[name].startswith(("flux illisible", "ce n'est pas un flux")), name
    # What left the server: the 5 MB read, plus what the sockets' buffers held when it stopped.
    assert max(served.big_bytes_sent) < 25 * MB, "the 50 MB body was not read to the end"
    assert elapsed < 20
    titles = {a.title for a in await feed_announcements(relay)}
    assert {"Toujours là", "Espace ARS inconnu", "Nul octet"} <= titles  # "Sans fin": undated
    assert any(t.startswith("Appel à projets AT&T") for t in titles)
    assert any(t.startswith("Été sant") for t in titles), "a wrong charset costs accents only"
    async with relay.db.read() as session:
        feeds = {f.url: f for f in (await session.execute(select(Feed))).scalars()}
    missing = feeds[broken["missing"]]
    assert (missing.failures, missing.error_count) == (ALERT_AFTER, ALERT_AFTER)
    assert missing.last_polled_at is not None
    delay = missing.next_poll_at.replace(tzinfo=UTC) - missing.last_polled_at.replace(tzinfo=UTC)
    assert delay == timedelta(hours=8), "backoff: 1 h × 2³"
    (alert,) = [r.text for r in channel.replies_to("1000") if "en échec" in r.text]
    assert alert.count("\n• ") == len(broken), (
        "each broken feed reported once, at its third failure"
    )
    assert f"• missing ({broken['missing']}) : erreur HTTP 404" in alert
    served.feeds["missing"] = rss(item("Réparé", guid="r"))
    await poller(relay, total_timeout=1.0).poll(due_only=False)
    async with relay.db.read() as session:
        query = select(Feed).where(col(Feed.url) == broken["missing"])
        repaired = (await session.execute(query)).scalar_one()
    assert (repaired.failures, repaired.last_error) == (0, None)


async def test_a_failing_feeds_alert_is_kept_and_retried_until_the_coordinator_gets_it(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    _, base = site
    await add_feed(relay, f"{base}/f/missing", themes="prevention")
    for _ in range(ALERT_AFTER):  # no platform running: the alert waits in the outbox
        await poller(relay, total_timeout=1.0).poll(due_only=False)
    refusals: list[RetryLater | None] = [
        RetryLater("502 Bad Gateway", nothing_sent=True) for _ in range(6)
    ]
    channel = ScriptedChannel(failures={"1000": list(refusals)})
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(20)
    assert channel.failures["1000"] == [], "all six refusals were met"
    assert channel.delivered["1000"] == 1
    [alert] = channel.texts["1000"]
    assert "en échec" in alert and f"• missing ({base}/f/missing) : erreur HTTP 404" in alert


async def test_only_due_feeds_are_polled_by_the_scheduler(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    served.feeds["a"] = rss(item("A", guid="a"))
    await add_feed(relay, f"{base}/f/a")
    assert len(await poller(relay).poll()) == 1
    assert await poller(relay).poll() == [], "next poll in an hour"
    assert served.requests["a"] == 1


def test_html_becomes_clean_text() -> None:
    markup = (
        "<p>Bonjour&nbsp;<b>à</b> tous&#8239;!</p><script>alert(1)</script>"
        "<ul><li>un</li><li>deux &amp; trois</li></ul><p></p><p>Fin</p>"
    )
    assert html_to_text(markup) == "Bonjour à tous\u202f!\n\n• un\n• deux & trois\n\nFin"
    assert html_to_text("mot " * 1000, limit=50).endswith("…")
    assert len(html_to_text("mot " * 1000, limit=50)) <= 50


def test_feeds_yaml_is_validated_with_readable_messages(tmp_path: Path) -> None:
    catalogue = ThemeCatalogue.load(CONFIG_DIR / "themes.yaml")
    assert load_feed_specs(CONFIG_DIR / "feeds.yaml", catalogue) == []
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds:\n  - name: ARS\n    url: https://ars.example.org/rss\n    themes: [psy, jeunes]\n"
        "    interval: 2h\n    auto: true\n",
        encoding="utf-8",
    )
    (spec,) = load_feed_specs(path, catalogue)
    assert spec.themes == ("sante-mentale", "jeunes") and spec.auto
    assert spec.interval == timedelta(hours=2)
    assert parse_interval("1j") == timedelta(days=1)
    assert parse_interval("30min") == timedelta(minutes=30)
    for body, message in (
        ("feeds:\n  - url: ftp://x\n", "flux n°1 : « ftp://x » n'est pas une adresse"),
        (
            "feeds:\n  - url: https://a.org\n  - url: https://b.org\n    themes: [ornithologie]\n",
            "flux n°2 : thème inconnu",
        ),
        ("feeds:\n  - url: https://a.org\n    interval: 1m\n", "trop court"),
        ("feeds:\n  - url: https://a.org\n    interval: 2x\n", "(par ex. 60, 30min, 2h, 1j)"),
        ("feeds: [", "illisible"),
        ("feeds:\n  - url: http://[::1\n", "n'est pas une adresse"),
        ("feeds:\n  - url: http://10.0.0.8/rss\n", "flux n°1 : adresse refusée : 10.0.0.8"),
    ):
        path.write_text(body, encoding="utf-8")
        with pytest.raises(FeedConfigError, match=re.escape(message)):
            load_feed_specs(path, catalogue)
    path.write_text("feeds:\n  - url: http://127.0.0.1:8080/rss\n", encoding="utf-8")
    with pytest.raises(FeedConfigError, match=r"127\.0\.0\.1 est une adresse locale"):
        load_feed_specs(path, catalogue)
    (intranet,) = load_feed_specs(path, catalogue, allow_private=True)
    assert intranet.url == "http://127.0.0.1:8080/rss"
    path.write_text("feeds:\n  - url: http://169.254.169.254/latest/\n", encoding="utf-8")
    with pytest.raises(FeedConfigError, match="adresse lien-local"):
        load_feed_specs(path, catalogue, allow_private=True)


async def test_feed_commands_in_the_shell(database_url: str, site: tuple[FeedSite, str]) -> None:
    served, base = site
    served.feeds["cli"] = rss(item("Appel à projets jeunesse", guid="c1"))
    env = {**os.environ, "RELAY_DATABASE_URL": database_url, "RELAY_FEEDS_ALLOW_PRIVATE": "true"}

    async def relay_command(*args: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "relay",
            *args,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        return process.returncode or 0, out.decode(), err.decode()

    url = f"{base}/f/cli"
    code, out, err = await relay_command(
        "feeds", "add", url, "--themes", "jeunes", "--name", "Département"
    )
    assert code == 0, err
    assert "Flux « Département » ajouté" in out
    code, out, _ = await relay_command("feeds", "add", f"{base}/f/cli")
    assert code == 1
    code, out, err = await relay_command("feeds", "poll")
    assert code == 0, err
    assert "✓ Département : 1 nouveau, 1 relayé ou proposé" in out
    assert "Tour terminé : 1 flux, 1 nouvel élément, 0 en échec." in out
    code, out, _ = await relay_command("feeds", "list")
    assert "thèmes : jeunes" in out and "éléments relayés : 1" in out
    code, out, err = await relay_command("feeds", "add", "pas-une-url")
    assert code == 2 and "Traceback" not in err
    code, out, err = await relay_command("feeds", "add", "http://169.254.169.254/latest/")
    assert code == 2 and "adresse refusée" in err and "Traceback" not in err


async def test_proposals_from_feeds_are_moderated_like_partner_proposals(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    await subscribe(relay, "11", ["jeunes"])
    served.feeds["m"] = rss(item("Forum jeunesse", guid="m1"))
    await add_feed(relay, f"{base}/f/m", themes="jeunes")
    channel = RecordingChannel()
    async with sending(relay, channel):
        await poller(relay).poll(due_only=False)
        (proposal,) = await feed_announcements(relay)
        assert proposal.id is not None
        reply = await relay.announcements.approve(proposal.id, [], None)
        assert "validée" in reply.text
        await relay.engine.drain(10)
    (received,) = channel.announcements_to("11")
    assert received.title == "Forum jeunesse"
    assert (await feed_announcements(relay))[0].status == AnnouncementState.QUEUED


async def feeds_by_url(relay: Relay) -> dict[str, Feed]:
    async with relay.db.read() as session:
        return {f.url: f for f in (await session.execute(select(Feed))).scalars()}


async def test_feeds_on_internal_addresses_are_refused_before_connecting(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    served.feeds["ok"] = rss(item("Interne", guid="i"))
    port = base.rsplit(":", 1)[1]
    internal = {
        "loopback": f"{base}/f/ok",
        "localhost": f"http://localhost:{port}/f/ok",  # refused once resolved
        "ipv6-loopback": f"http://[::1]:{port}/f/ok",
        "ipv4-mapped": f"http://[::ffff:127.0.0.1]:{port}/f/ok",
        "unspecified": f"http://0.0.0.0:{port}/f/ok",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "private": "http://10.20.30.40/rss",
        "unique-local": "http://[fd12:3456::1]/rss",
        "ipv6-link-local": "http://[fe80::1]/rss",
        "multicast": "http://224.0.0.251/rss",
        "reserved": "http://240.0.0.1/rss",
    }
    for url in internal.values():
        await add_feed(relay, url, themes="prevention")
    strict = load_settings(database_url=relay.settings.database_url, coordinators=COORDINATOR)
    assert not strict.feeds_allow_private
    outcomes = await poller(relay, strict, total_timeout=2.0).poll(due_only=False)
    errors = {o.url: o.error or "" for o in outcomes}
    for name, url in internal.items():
        assert errors[url].startswith("adresse refusée"), (name, errors[url])
    assert "adresse locale" in errors[internal["localhost"]]
    assert "RELAY_FEEDS_ALLOW_PRIVATE" in errors[internal["private"]]
    assert "169.254.169.254" in errors[internal["metadata"]]
    assert "lien-local" in errors[internal["metadata"]]
    assert "RELAY_FEEDS_ALLOW_PRIVATE" not in errors[internal["metadata"]]
    assert served.requests == Counter(), "no request reached the server"
    feeds = await feeds_by_url(relay)
    assert {(f.failures, f.last_error) for f in feeds.values()} == {
        (1, errors[url]) for url in internal.values()
    }


async def test_link_local_stays_refused_even_when_private_addresses_are_allowed(
    relay: Relay,
) -> None:
    assert relay.settings.feeds_allow_private
    await add_feed(relay, "http://169.254.169.254/latest/meta-data/")
    (outcome,) = await poller(relay, total_timeout=2.0).poll(due_only=False)
    assert (outcome.error or "").startswith("adresse refusée")


async def test_redirects_are_followed_by_hand_and_checked_at_every_hop(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    served.feeds["hop"] = rss(item("Au bout du chemin", guid="h"))
    for path in ("/hop/5", "/hop/6", "/to/metadata", "/to/file"):
        await add_feed(relay, base + path, themes="prevention")
    outcomes = await poller(relay, total_timeout=2.0).poll(due_only=False)
    by_path = {o.url.removeprefix(base): o for o in outcomes}
    assert (by_path["/hop/5"].status, by_path["/hop/5"].new_items) == (PollStatus.NEW, 1)
    assert by_path["/hop/6"].error == "trop de redirections"
    metadata = by_path["/to/metadata"].error or ""
    assert metadata.startswith("adresse refusée") and "169.254.169.254" in metadata
    assert by_path["/to/file"].error == "redirection refusée : adresse qui n'est pas http(s)"
    assert served.requests["hop"] == 1


async def test_relayed_links_lose_their_tracking_parameters_and_dedup_uses_them_clean(
    relay: Relay, site: tuple[FeedSite, str]
) -> None:
    served, base = site
    link = "https://ars.example.org/aap?id=7&utm_source=rss&utm_medium=flux#dossier"
    served.feeds["utm"] = rss(item("Appel à projets prévention", link=link))
    await add_feed(relay, f"{base}/f/utm", themes="prevention")
    assert [o.new_items for o in await poller(relay).poll(due_only=False)] == [1]
    (announcement,) = await feed_announcements(relay)
    assert announcement.link == "https://ars.example.org/aap?id=7#dossier"
    served.feeds["utm"] = rss(
        item(
            "Appel à projets prévention (relance)",
            link="https://ars.example.org/aap?utm_source=newsletter&id=7#dossier",
        )
    )
    served.feeds["other"] = rss(
        item("Le même appel", guid="o-1", link="https://ars.example.org/aap?id=7&fbclid=x#dossier")
    )
    await add_feed(relay, f"{base}/f/other", themes="prevention")
    assert [o.new_items for o in await poller(relay).poll(due_only=False)] == [0, 0]
    assert len(await feed_announcements(relay)) == 1
