"""Fetching a feed: conditional GET, bounded in time and size, redirects limited.

The body is streamed and abandoned as soon as it exceeds the cap (announced by Content-Length
or not), so a 50 MB answer costs at most the cap in memory. Decompression happens before
counting, so a small compressed bomb is refused too.
"""

import asyncio
from dataclasses import dataclass

import httpx

MAX_BYTES = 5 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0  # a server trickling bytes cannot hold a poll longer than this
MAX_REDIRECTS = 5
USER_AGENT = "relay-cls/0.1 (relais d information du Contrat Local de Sante)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)

TIMEOUT = "délai dépassé"
TOO_BIG = "réponse trop volumineuse (plus de {mb} Mo)"
TOO_MANY_REDIRECTS = "trop de redirections"
HTTP_ERROR = "erreur HTTP {status}"
UNREACHABLE = "serveur injoignable ({error})"


class FetchError(Exception):
    """The feed could not be fetched; `reason` is short French, shown to coordinators."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    """A fetched body (None when the server answered 304 Not Modified) and its validators."""

    body: bytes | None
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None


def make_client(
    connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BYTES,
    total_timeout: float = TOTAL_TIMEOUT,
) -> Fetched:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            return await _get(client, url, headers, max_bytes, etag, last_modified)
    except TimeoutError:
        raise FetchError(TIMEOUT) from None
    except httpx.TimeoutException:
        raise FetchError(TIMEOUT) from None
    except httpx.TooManyRedirects:
        raise FetchError(TOO_MANY_REDIRECTS) from None
    except httpx.HTTPError as error:
        raise FetchError(UNREACHABLE.format(error=type(error).__name__)) from None


async def _get(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    max_bytes: int,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    async with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 304:
            return Fetched(None, dict(response.headers), etag, last_modified)
        if response.status_code >= 400:
            raise FetchError(HTTP_ERROR.format(status=response.status_code))
        too_big = FetchError(TOO_BIG.format(mb=max_bytes // (1024 * 1024)))
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > max_bytes:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise too_big
            chunks.append(chunk)
        return Fetched(
            b"".join(chunks),
            dict(response.headers),
            response.headers.get("etag"),
            response.headers.get("last-modified"),
        )
