"""relay's one HTTP server: the site, and whatever the channels mount on it (Slack's
`POST /slack/events`, the Telegram webhook), on RELAY_WEB_HOST:RELAY_WEB_PORT, and on the old
per-platform ports when they are still set (Settings.legacy_web_ports)."""

import logging
from collections.abc import Sequence

from aiohttp import web

log = logging.getLogger(__name__)

PORT_TAKEN_TEXT = (
    "le serveur web ne peut pas écouter sur {host}:{port} ({reason}) : "
    "choisissez un autre port avec RELAY_WEB_PORT"
)
LEGACY_HOST = "0.0.0.0"  # where the platforms' own servers listened


class WebServerError(Exception):
    """The server cannot listen where it was asked to; the message says so in French."""


class WebServer:
    def __init__(
        self, app: web.Application, host: str, port: int, extra_ports: Sequence[int] = ()
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.extra_ports = tuple(extra_ports)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        # No access log: it would keep visitors' addresses.
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        self._runner = runner
        places = [(self.host, self.port)] + [(LEGACY_HOST, p) for p in self.extra_ports]
        for host, port in places:
            try:
                await web.TCPSite(runner, host, port).start()
            except OSError as error:
                await self.stop()
                reason = error.strerror or type(error).__name__
                raise WebServerError(
                    PORT_TAKEN_TEXT.format(host=host, port=port, reason=reason)
                ) from None
        self.port = int(runner.addresses[0][1])
        log.info("web server listening on %s:%s", self.host, self.port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
