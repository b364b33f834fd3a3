"""Signing in to the coordinator pages in tests, as a coordinator does: /tableau in a private
chat, then the link in a browser (here an HTTP client keeping cookies)."""

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from html import unescape

import aiohttp

from relay.app import Relay, serving
from relay.contract import Channel
from relay.messages import Platform
from tests.chat import ChatUser

LINK = re.compile(r"https?://\S+/connexion/(\S+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def sign_in_link(relay: Relay, user_id: str = "1000") -> str:
    """The path of the link /tableau gives this Telegram user in a private chat."""
    answer = await ChatUser.private(relay, user_id, Platform.TELEGRAM).say("/tableau")
    found = LINK.search(answer)
    assert found, answer
    return "/connexion/" + found.group(1)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return unescape(found.group(1))


@asynccontextmanager
async def browser(
    relay: Relay, channels: Sequence[Channel] = ()
) -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client of the relay's site that keeps cookies (127.0.0.1 included)."""
    async with (
        serving(relay.site(list(channels))) as server,
        aiohttp.ClientSession(
            base_url=server.url, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as http,
    ):
        yield http


async def signed_in(http: aiohttp.ClientSession, link: str) -> str:
    """Open the link and send its form, as the page's script does; returns the Journal page."""
    async with http.get(link) as response:
        assert response.status == 200, await response.text()
    async with http.post(link, allow_redirects=False) as response:
        assert response.status == 303, await response.text()
    async with http.get("/tableau/journal") as response:
        assert response.status == 200
        return await response.text()
