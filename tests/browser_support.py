"""Pages in a real browser: Debian's chromium driven by Playwright, relay's web server in a
thread of its own, axe-core (from npm) run in a page."""

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, sync_playwright

from relay.app import Relay, opened, serving
from relay.settings import load_settings
from tests.conftest import CONFIG_DIR, REPO

T = TypeVar("T")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 375, "height": 812}

needs_browser = pytest.mark.skipif(
    not CHROMIUM.exists() or not AXE.exists(),
    reason="needs /usr/bin/chromium (apt-get install chromium) and axe-core (npm ci)",
)


class RunningSite:
    """relay's web server in a thread of its own, on its own event loop, as `relay run`
    serves it; the browser drives it from the test's thread. `prepare` fills the relay first."""

    def __init__(self, database: Path, prepare: Callable[[Relay], Awaitable[None]]) -> None:
        self.settings = load_settings(
            database_url=f"sqlite+aiosqlite:///{database}",
            config_dir=CONFIG_DIR,
            web_port=0,
            web_tiles_url="",
            coordinators="telegram:1000",
        )
        self.prepare = prepare
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stack = AsyncExitStack()
        self.url = ""

    def __enter__(self) -> "RunningSite":
        self.thread.start()
        self.call(self._start)
        return self

    def __exit__(self, *_: object) -> None:
        self.call(self.stack.aclose)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def call(self, work: Callable[[], Awaitable[T]]) -> T:
        async def run() -> T:
            return await work()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(60)

    async def _start(self) -> None:
        self.relay: Relay = await self.stack.enter_async_context(opened(self.settings))
        await self.prepare(self.relay)
        server = await self.stack.enter_async_context(serving(self.relay.site([])))
        self.url = server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR")
    opened_page = context.new_page()
    yield opened_page
    context.close()


def blocked_by_policy(page: Page) -> list[str]:
    """Console messages of the Content-Security-Policy refusing something, as they come."""
    refused: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", listen)
    return refused


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations in the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the CSP still holds
    results: dict[str, Any] = page.evaluate("axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width
