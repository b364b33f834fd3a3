"""Fetching a feed: conditional GET, bounded in time and size, redirects limited, internal
addresses refused.

The body is streamed and abandoned as soon as it exceeds the cap (announced by Content-Length
or not), so a 50 MB answer costs at most the cap in memory. Decompression happens before
counting, so a small compressed bomb is refused too.

A feed's URL is chosen by whoever configures feeds, and a redirect by the feed's server: neither
may make relay reach the machine's own services, the local network or a cloud metadata service.
Names are resolved here, every address they resolve to is checked, and the connection goes to
the address checked (a second, different DNS answer cannot slip in between); each redirect is
followed by hand and its target goes through the same check when it is connected to.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import httpx

from relay.feeds.addresses import Address, refusal

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
TOO_BIG_TEXT = "réponse trop volumineuse (plus de {mb} Mo)"
TOO_MANY_REDIRECTS = "trop de redirections"
BAD_REDIRECT = "redirection refusée : adresse qui n'est pas http(s)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTTP_ERROR_TEXT = "erreur HTTP {status}"
UNREACHABLE_TEXT = "serveur injoignable ({error})"


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


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the policy accepts."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port, timeout)
        for address in addresses:  # one internal address among public ones is refused too
            reason = refusal(host, address, self._allow_private)
            if reason:
                raise FetchError(reason)
        error = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                return await self._backend.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as failed:
                error = failed
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("feeds are fetched over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


async def _resolve(host: str, port: int, within: float | None) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        async with asyncio.timeout(within):
            found = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
    except TimeoutError:
        raise httpcore.ConnectTimeout(f"resolving {host}") from None
    except OSError as error:
        raise httpcore.ConnectError(f"resolving {host}: {error}") from None
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))


class _CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool that connects through _CheckedBackend."""

    def __init__(self, allow_private: bool, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx has no public way to hand httpcore a network backend: its pool is replaced.
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("httpx's transport changed: feeds cannot check addresses")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_CheckedBackend(allow_private),
        )


def make_client(
    allow_private: bool = False,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
) -> httpx.AsyncClient:
    """A client for feeds. Proxies from the environment are not used: a proxy would reach
    addresses relay could not check."""
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=10)
    return httpx.AsyncClient(
        transport=_CheckedTransport(allow_private, limits),
        follow_redirects=False,
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        trust_env=False,
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
    except httpx.HTTPError as error:
        raise FetchError(UNREACHABLE_TEXT.format(error=type(error).__name__)) from None


async def _get(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    max_bytes: int,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    """GET, following at most MAX_REDIRECTS redirects; each hop connects through the checks."""
    for _ in range(MAX_REDIRECTS + 1):
        async with client.stream("GET", url, headers=headers) as response:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                url = _redirect_target(response.url, location)
                continue
            return await _read(response, max_bytes, etag, last_modified)
    raise FetchError(TOO_MANY_REDIRECTS)


def _redirect_target(current: httpx.URL, location: str) -> str:
    try:
        target = current.join(location)
    except httpx.InvalidURL:
        raise FetchError(BAD_REDIRECT) from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError(BAD_REDIRECT)
    return str(target.copy_with(fragment=None))


async def _read(
    response: httpx.Response, max_bytes: int, etag: str | None, last_modified: str | None
) -> Fetched:
    if response.status_code == 304:
        return Fetched(None, dict(response.headers), etag, last_modified)
    if response.status_code >= 400:
        raise FetchError(HTTP_ERROR_TEXT.format(status=response.status_code))
    too_big = FetchError(TOO_BIG_TEXT.format(mb=max_bytes // (1024 * 1024)))
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
