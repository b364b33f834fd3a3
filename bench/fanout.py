"""Fan-out benchmark: one announcement to 5,000 Telegram chats (and 500 Slack channels).

    python -m bench.fanout [--chats 5000] [--slack-channels 500] [--rate 200]

The fake Telegram and Slack servers from tests/fakes run as separate processes, enforcing the
platforms' limits server-side (Telegram: `--rate` messages/s for the bot and 1/s per chat; Slack:
1/s per channel and `--slack-rate` per workspace), with latency, jitter and 5xx errors. relay
delivers through its outbox and delivery engine; in the same run, the baseline a developer would
write (python-telegram-bot's AIORateLimiter and asyncio.gather over the same chats) sends the same
message. Each side runs in a fresh process of its own so that peak memory is its own.
"""

import argparse
import asyncio
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TEXT = "Forum santé mentale des jeunes le 12/12 à Pornic : inscriptions ouvertes."
TELEGRAM_TOKEN = "123456789:AAF-fake-telegram-token-for-tests"
SLACK_TOKEN = "xoxb-fake-bot-token"
SLACK_APP_TOKEN = "xapp-fake-app-token"
FIRST_CHAT = 10_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--slack-channels", type=int, default=500)
    parser.add_argument("--rate", type=int, default=200, help="Telegram messages per second")
    parser.add_argument("--slack-rate", type=int, default=50, help="Slack posts per second")
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--jitter", type=float, default=0.02)
    parser.add_argument("--error-rate", type=float, default=0.02)
    parser.add_argument("--worker", choices=["relay", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--telegram-url", help=argparse.SUPPRESS)
    parser.add_argument("--slack-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "relay":
        print(json.dumps(asyncio.run(relay_worker(args))))
    elif args.worker == "baseline":
        print(json.dumps(asyncio.run(baseline_worker(args))))
    else:
        report(args)


def report(args: argparse.Namespace) -> None:
    slack = args.slack_channels > 0 and importlib.util.find_spec("relay.channels.slack") is not None
    results = {
        name: measure(name, args, slack and name == "relay") for name in ("relay", "baseline")
    }
    relay, baseline = results["relay"], results["baseline"]
    print(f"\nFan-out of one announcement, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    print(
        f"Telegram: {args.chats} chats, limit {args.rate} msg/s, "
        f"latency {args.latency * 1000:.0f} ms + jitter {args.jitter * 1000:.0f} ms, "
        f"{args.error_rate:.0%} 5xx"
    )
    rows = [
        ("wall time (s)", "wall", "{:.1f}"),
        ("achieved rate (msg/s)", "rate", "{:.1f}"),
        ("fraction of the limit", "fraction", "{:.3f}"),
        ("messages lost", "lost", "{}"),
        ("duplicates", "duplicates", "{}"),
        ("429s served", "served_429", "{}"),
        ("429s / sends", "share_429", "{:.2%}"),
        ("peak RSS (MB)", "peak_rss_mb", "{:.0f}"),
    ]
    print(f"{'':24} {'relay':>10} {'baseline':>10}")
    for label, key, shape in rows:
        print(f"{label:24} {shape.format(relay[key]):>10} {shape.format(baseline[key]):>10}")
    print(f"relay / baseline achieved rate: {relay['rate'] / baseline['rate']:.2f}")
    if slack:
        print(
            f"Slack: {args.slack_channels} channels, workspace limit {args.slack_rate}/s: "
            f"{relay['slack_reached']} reached, {relay['slack_duplicates']} duplicates, "
            f"{relay['slack_429']} 429s, {relay['slack_wall']:.1f} s"
        )


def measure(name: str, args: argparse.Namespace, with_slack: bool) -> dict[str, Any]:
    with fake_telegram(args) as telegram_url, fake_slack(args, with_slack) as slack_url:
        command = [
            sys.executable,
            "-m",
            "bench.fanout",
            "--worker",
            name,
            "--chats",
            str(args.chats),
            "--rate",
            str(args.rate),
            "--slack-channels",
            str(args.slack_channels if with_slack else 0),
            "--slack-rate",
            str(args.slack_rate),
            "--telegram-url",
            telegram_url,
        ]
        if slack_url:
            command += ["--slack-url", slack_url]
        output = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
        worker = json.loads(output.stdout.strip().splitlines()[-1])
        stats = fetch_stats(telegram_url)
        result = {
            **worker,
            "rate": stats["delivered"] / worker["wall"],
            "fraction": stats["delivered"] / worker["wall"] / args.rate,
            "lost": args.chats - stats["chats_reached"],
            "duplicates": stats["duplicates"],
            "served_429": stats["served_429"],
            "share_429": stats["served_429"] / max(1, sum(stats["requests"].values())),
        }
        if slack_url:
            slack_stats = fetch_stats(slack_url)
            result |= {
                "slack_reached": slack_stats["channels_reached"],
                "slack_duplicates": slack_stats["duplicates"],
                "slack_429": slack_stats["rate_limited"],
            }
        return result


@contextmanager
def server(module: str, arguments: list[str]) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", *arguments],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def trouble(args: argparse.Namespace) -> list[str]:
    """The latency, jitter and errors both fake servers inject."""
    return [
        "--latency",
        str(args.latency),
        "--jitter",
        str(args.jitter),
        "--error-rate",
        str(args.error_rate),
        "--seed",
        "1",
    ]


@contextmanager
def fake_telegram(args: argparse.Namespace) -> Iterator[str]:
    limits = ["--global-rate", str(args.rate), "--private-chat-rate", "1"]
    with server("tests.fakes.telegram_api", limits + trouble(args)) as url:
        yield url


@contextmanager
def fake_slack(args: argparse.Namespace, wanted: bool) -> Iterator[str | None]:
    if not wanted:
        yield None
        return
    limits = ["--channel-rate", "1", "--workspace-rate", str(args.slack_rate)]
    with server("tests.fakes.slack_api", limits + trouble(args)) as url:
        yield url


def fetch_stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/fake/stats", timeout=10) as response:
        stats: dict[str, Any] = json.load(response)
        return stats


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def relay_worker(args: argparse.Namespace) -> dict[str, Any]:
    from relay.announcements import Draft
    from relay.app import delivering, opened
    from relay.channels.telegram import TelegramChannel
    from relay.contract import Channel
    from relay.messages import AnnouncementKind
    from relay.settings import load_settings
    from relay.states import AnnouncementSource, AnnouncementState

    folder = tempfile.mkdtemp(prefix="relay-bench-")
    overrides: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{folder}/relay.db",
        "config_dir": REPO / "config",
        "telegram_token": TELEGRAM_TOKEN,
        "telegram_api_url": f"{args.telegram_url}/bot",
        "telegram_rate": args.rate,
    }
    if args.slack_url:
        overrides |= {
            "slack_bot_token": SLACK_TOKEN,
            "slack_app_token": SLACK_APP_TOKEN,
            "slack_api_url": f"{args.slack_url}/api/",
            "slack_rate": args.slack_rate,
        }
    settings = load_settings(**overrides)
    async with opened(settings) as relay:
        await seed(relay.db, args.chats, args.slack_channels if args.slack_url else 0)
        channels: list[Channel] = [TelegramChannel(settings)]
        if args.slack_url:
            slack = importlib.import_module("relay.channels.slack")
            channels.append(slack.SlackChannel(settings))
        draft = Draft(TEXT, ("sante-mentale",), (), AnnouncementKind.EVENT, "Forum", None, None)
        started = time.monotonic()
        number, _ = await relay.announcements.create(
            draft, AnnouncementSource.COORDINATOR, AnnouncementState.QUEUED, None, None
        )
        async with delivering(relay, channels, receive=False):
            while not await relay.engine.drain(60, number):
                pass
        wall = time.monotonic() - started
    return {"wall": wall, "slack_wall": wall, "peak_rss_mb": peak_rss_mb()}


async def seed(db: Any, chats: int, slack_channels: int) -> None:
    from sqlalchemy import insert

    from relay.store.models import Subscriber, Subscription, utcnow

    now = utcnow()
    rows = [("telegram", str(FIRST_CHAT + n), "private") for n in range(chats)]
    rows += [("slack", f"C{n:08d}", "channel") for n in range(slack_channels)]
    async with db.write() as session:
        await session.execute(
            insert(Subscriber),
            [
                {
                    "platform": p,
                    "address": a,
                    "chat_kind": k,
                    "display_name": "",
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for p, a, k in rows
            ],
        )
        await session.execute(
            insert(Subscription),
            [
                {"subscriber_id": n + 1, "theme": "sante-mentale", "created_at": now}
                for n in range(len(rows))
            ],
        )


async def baseline_worker(args: argparse.Namespace) -> dict[str, Any]:
    from telegram.ext import AIORateLimiter, ApplicationBuilder
    from telegram.request import HTTPXRequest

    application = (
        ApplicationBuilder()
        .token(TELEGRAM_TOKEN)
        .base_url(f"{args.telegram_url}/bot")
        .request(HTTPXRequest(connection_pool_size=256, read_timeout=10))
        .rate_limiter(AIORateLimiter(overall_max_rate=args.rate, max_retries=3))
        .build()
    )
    await application.initialize()
    started = time.monotonic()
    results = await asyncio.gather(
        *(application.bot.send_message(FIRST_CHAT + n, TEXT) for n in range(args.chats)),
        return_exceptions=True,
    )
    wall = time.monotonic() - started
    await application.shutdown()
    failures = sum(isinstance(r, BaseException) for r in results)
    return {"wall": wall, "failures": failures, "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    main()
