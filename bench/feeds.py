"""Feed polling benchmark: one round over 200 feeds served locally, 10 % slow or broken.

    python -m bench.feeds [--feeds 200] [--concurrency 10]

A local aiohttp server (a thread of this process) serves the feeds: most are ordinary RSS
documents (30 items, ETag); of every ten feeds one is slow or broken, in turn: slow (answers
after 2 s), hanging (never answers: the read timeout ends it), 404, not a feed (an HTML error
page), or a 50 MB body. relay's poller (bounded concurrency) and the same poller one feed at a
time each run in a fresh process of their own, on a fresh SQLite database, so that their peak
memory is their own; an idle process (same imports, no polling) gives the baseline. A second
round, where every feed answers 304, is timed too.
"""

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
KINDS = ("slow", "hanging", "missing", "not-a-feed", "huge")
ITEMS = 30
SLOW_SECONDS = 2.0


def feed_kind(number: int, feeds: int) -> str:
    """One feed in ten is slow or broken (spread over the list), the others are fine."""
    if number % 10 == 5:
        return KINDS[(number // 10) % len(KINDS)]
    return "ok"


def rss(number: int) -> bytes:
    items = "".join(
        f"<item><title>Flux {number}, information {i} : prévention et santé des jeunes</title>"
        f"<link>https://feeds.example.org/{number}/{i}</link><guid>f{number}-{i}</guid>"
        f"<pubDate>Mon, 2{i % 3} Nov 2026 0{i % 9}:00:00 GMT</pubDate>"
        f"<description><![CDATA[<p>Appel à projets n°{i} du flux {number}&nbsp;: "
        + "dépôt des dossiers avant le 15/01, ateliers et journées d'information. " * 6
        + "</p>]]></description></item>"
        for i in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Flux {number}</title>{items}</channel></rss>"
    ).encode()


class Site:
    def __init__(self, feeds: int) -> None:
        self.feeds = feeds
        self.bodies = {n: rss(n) for n in range(feeds)}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["number"])
        kind = feed_kind(number, self.feeds)
        if kind == "slow":
            await asyncio.sleep(SLOW_SECONDS)
        elif kind == "hanging":
            await asyncio.sleep(3600)
        elif kind == "missing":
            return web.Response(status=404)
        elif kind == "not-a-feed":
            return web.Response(body=b"<!doctype html><html><body><h1>Erreur 500</h1></body>")
        elif kind == "huge":
            return await self.huge(request)
        etag = f'"{number}-v1"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(
            body=self.bodies[number],
            headers={"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"},
        )

    async def huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b" " * 65536
        try:
            for _ in range(800):  # 50 MB
                await response.write(chunk)
        except (ConnectionResetError, RuntimeError):
            pass
        return response


@contextmanager
def serving(feeds: int) -> Iterator[str]:
    """The feed site in a thread with its own event loop; yields its base URL."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_get("/feed/{number}", Site(feeds).handle)
        runner = web.AppRunner(app, shutdown_timeout=0.1, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        state["runner"] = runner
        state["port"] = runner.addresses[0][1]
        ready.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        asyncio.run_coroutine_threadsafe(state["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


async def worker(base: str, feeds: int, concurrency: int, idle: bool) -> dict[str, Any]:
    from relay.app import Relay
    from relay.settings import load_settings
    from relay.states import PollStatus
    from relay.store import schema
    from relay.store.models_schedule import Feed

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(  # the feeds are served on 127.0.0.1
            database_url=f"sqlite+aiosqlite:///{folder}/bench.db", feeds_allow_private=True
        )
        relay = Relay(settings)
        db = relay.db
        await schema.upgrade(db)
        async with db.write() as session:
            session.add_all(
                Feed(name=f"flux {n}", url=f"{base}/feed/{n}", themes="prevention")
                for n in range(feeds)
            )
        poller = relay.work.feeds
        poller.concurrency = concurrency
        result: dict[str, Any] = {"wall": 0.0, "second_round": 0.0, "new": 0, "failed": 0}
        if not idle:
            started = time.perf_counter()
            outcomes = await poller.poll(due_only=False)
            result["wall"] = time.perf_counter() - started
            result["new"] = sum(o.new_items for o in outcomes)
            result["failed"] = sum(o.status == PollStatus.FAILED for o in outcomes)
            result["reasons"] = Counter(o.error for o in outcomes if o.error)
            started = time.perf_counter()
            await poller.poll(due_only=False)
            result["second_round"] = time.perf_counter() - started
        await db.close()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure(base: str, feeds: int, name: str, concurrency: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.feeds", "--worker", name, "--base", base]
    command += ["--feeds", str(feeds), "--concurrency", str(concurrency)]
    env = {**os.environ, "RELAY_CONFIG_DIR": str(REPO / "config")}
    output = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    if output.returncode:
        raise SystemExit(output.stderr)
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--worker", choices=["bounded", "sequential", "idle"])
    parser.add_argument("--base")
    args = parser.parse_args()
    if args.worker:
        concurrency = 1 if args.worker == "sequential" else args.concurrency
        result = asyncio.run(worker(args.base, args.feeds, concurrency, args.worker == "idle"))
        print(json.dumps(result))
        return
    kinds = Counter(feed_kind(n, args.feeds) for n in range(args.feeds))
    print(
        f"Feed polling, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores: {args.feeds} feeds "
        f"({ITEMS} items each), of which " + ", ".join(f"{kinds[k]} {k}" for k in KINDS)
    )
    with serving(args.feeds) as base:
        results = {
            "idle": measure(base, args.feeds, "idle", args.concurrency),
            f"bounded ({args.concurrency})": measure(base, args.feeds, "bounded", args.concurrency),
            "sequential": measure(base, args.feeds, "sequential", 1),
        }
    print(
        f"{'':22} {'round (s)':>10} {'304 round (s)':>14} {'peak RSS (MB)':>14} "
        f"{'new items':>10} {'failed':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:22} {r['wall']:>10.1f} {r['second_round']:>14.1f} {r['peak_rss_mb']:>14.0f} "
            f"{r['new']:>10} {r['failed']:>7}"
        )
    bounded = results[f"bounded ({args.concurrency})"]
    sequential = results["sequential"]
    print(f"sequential / bounded round time: {sequential['wall'] / bounded['wall']:.1f}×")
    print(f"failures: {dict(bounded.get('reasons', {}))}")


if __name__ == "__main__":
    main()
