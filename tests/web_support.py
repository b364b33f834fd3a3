"""The web site in tests: served on a free port by the same code as `relay run`, with the
sample directory, a hostile entry and relayed events."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta

import aiohttp

from relay.announcements import Draft
from relay.app import Relay, serving
from relay.contract import Channel
from relay.directory.entries import Entry
from relay.messages import AnnouncementKind
from relay.states import AnnouncementSource, AnnouncementState

HOSTILE = Entry(
    name='Centre <script>alert("nom")</script> des Dunes <img src=x onerror=alert(1)>',
    ref="hostile-1",
    category="Psychologue <b>gras</b>",
    description='Écoute <a href="javascript:alert(2)" onmouseover="alert(3)">ici</a>',
    publics=("adultes",),
    themes=("sante-mentale",),
    address='1 rue "><script>alert(4)</script>',
    postal_code="44210",
    commune="Pornic",
    phone="javascript:alert(5)",
    email='x@y.org"><script>alert(6)</script>',
    website="javascript:alert(7)",
    hours="lun-ven <i>9h</i>",
    latitude=47.1158,
    longitude=-2.1037,
    verified_on=date(2026, 10, 2),
)


@asynccontextmanager
async def site(
    relay: Relay, channels: Sequence[Channel] = ()
) -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client of the relay's site (RELAY_WEB_PORT=0 in tests: any free port)."""
    async with (
        serving(relay.site(list(channels))) as server,
        aiohttp.ClientSession(base_url=server.url) as http,
    ):
        yield http


async def load_directory(relay: Relay, *extra: Entry) -> None:
    await relay.directory.import_file(relay.settings.config_dir / "annuaire.csv")
    if extra:
        await relay.directory.import_entries(list(extra))


async def relay_event(
    relay: Relay, title: str, day: date, themes: tuple[str, ...] = ("jeunes",), text: str = ""
) -> int:
    """An event a coordinator relayed (queued), dated `day`."""
    draft = Draft(
        text or f"{title}, ouvert à tous.",
        themes,
        (),
        AnnouncementKind.EVENT,
        title,
        "https://cls.example.org/forum",
        day,
    )
    number, _ = await relay.announcements.create(
        draft, AnnouncementSource.COORDINATOR, AnnouncementState.QUEUED, None, None
    )
    return number


def in_days(days: int) -> date:
    return (datetime.now(UTC) + timedelta(days=days)).date()
