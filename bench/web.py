"""Web site benchmark: the search page under 50 concurrent clients, against /sante in the same run.

    python -m bench.web [--entries 20000] [--clients 50] [--seconds 20] [--postgres URL]

On SQLite, or with --postgres on a fresh PostgreSQL database created there (and dropped).

A 20,000-entry directory is generated (bench.search's: the sample's entries copied into 400
invented communes) and imported; `relay run` is started as a separate process (no token: the
site and the console), and this process is the load generator: `--clients` connections, each
sending its next request as soon as the previous answer arrived, for `--seconds` after a warm
up, first on `/sante` (one query to the database), then on the search page
`/annuaire?q=…` with the 208 labelled questions in turn (the searches people make again and
again, answered from the cache the directory keeps until it changes), then on searches never
asked before (each question with another of the 400 communes: the full search every time).
Prints requests per second and p50/p95 latency for each, and the ratios the targets name
(p95 ≤ 50 ms on the search page; its throughput ≥ a third of /sante's).
"""

import argparse
import asyncio
import itertools
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import aiohttp

from bench.search import CONFIG, database, generate
from tests.directory_eval import OTHER, SAMPLE_QUESTIONS, questions

WARM_UP_SECONDS = 3.0


@dataclass
class Load:
    name: str
    requests: int
    seconds: float
    p50: float
    p95: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        return (
            f"  {self.name:28} {self.rate:8,.0f} req/s   p50 {self.p50:6.1f} ms   "
            f"p95 {self.p95:6.1f} ms   ({self.requests} requests, {self.errors} errors)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server (else SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args, Path(folder)))


async def run(args: argparse.Namespace, folder: Path) -> None:
    backend = "postgresql" if args.postgres else "sqlite"
    async with database(backend, args.postgres) as url:
        await _run(args, folder, url, backend)


async def _run(args: argparse.Namespace, folder: Path, url: str, backend: str) -> None:
    config = folder / "config"
    shutil.copytree(CONFIG, config)
    big = folder / "annuaire-20k.csv"
    generate(args.entries, big, config / "communes.csv")
    port = _free_port()
    env = {
        **os.environ,
        "RELAY_CONFIG_DIR": str(config),
        "RELAY_DATABASE_URL": url,
        "RELAY_WEB_PORT": str(port),
        "RELAY_WEB_SEARCH_LIMIT": "0",  # one client address for all: no per-client limit here
    }
    for name in ("RELAY_TELEGRAM_TOKEN", "RELAY_SLACK_BOT_TOKEN"):
        env.pop(name, None)
    started = time.perf_counter()
    loading = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "relay", "directory", "import", "--replace", str(big),
        env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    if await loading.wait() != 0:
        raise RuntimeError("the generated directory could not be imported")
    print(
        f"Web site, {time.strftime('%Y-%m-%d')}, {backend}, {os.cpu_count()} cores, "
        f"{args.clients} clients"
    )
    print(f"({args.entries} entries imported in {time.perf_counter() - started:.1f} s; ", end="")
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())})\n")
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "relay", "run",
        env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await _measure(f"http://127.0.0.1:{port}", args, config)
    finally:
        server.send_signal(signal.SIGINT)
        await asyncio.wait_for(server.wait(), 30)
    print(f"\n(load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")


async def _measure(url: str, args: argparse.Namespace, config: Path) -> None:
    asked = [q["q"] for q in questions(SAMPLE_QUESTIONS)]
    asked += [q["q"] for q in questions(OTHER / "questions.yaml")]
    communes = [line.split(",")[1] for line in (config / "communes.csv").read_text().splitlines()]
    invented = [c for c in communes[1:] if c and c[0].isupper()][-400:]
    connector = aiohttp.TCPConnector(limit=args.clients)
    async with aiohttp.ClientSession(connector=connector) as http:
        await _wait_until_up(http, url)
        for question in asked:  # the vocabulary built and the first searches done
            async with http.get(_search(url, question)) as response:
                await response.read()
        health = await _load(http, "/sante", itertools.repeat(url + "/sante"), args)
        repeated = itertools.cycle([_search(url, q) for q in asked])
        search = await _load(http, "/annuaire (repeated searches)", repeated, args)
        fresh = (_search(url, f"{q} {c}") for c, q in zip(invented * 100, itertools.cycle(asked)))
        cold = await _load(http, "/annuaire (new searches)", fresh, args)
    for load in (health, search, cold):
        print(load.line())
    print(
        f"\n  search page / sante throughput: {search.rate / health.rate:.2f} "
        f"(target ≥ 0.33); search p95 {search.p95:.1f} ms (target ≤ 50 ms)"
    )
    print(f"  new searches / sante throughput: {cold.rate / health.rate:.2f}")


def _search(url: str, question: str) -> str:
    return f"{url}/annuaire?q={quote(question)}"


async def _load(
    http: aiohttp.ClientSession, name: str, urls: Iterator[str], args: argparse.Namespace
) -> Load:
    """`args.clients` clients sending `urls` one after the other for `args.seconds` (after a
    warm up that is not measured)."""
    samples: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + WARM_UP_SECONDS
    stop_at = measure_from + args.seconds

    async def client() -> None:
        nonlocal errors
        while (now := loop.time()) < stop_at:
            started = time.perf_counter()
            async with http.get(next(urls)) as response:
                await response.read()
                failed = response.status != 200
            if now >= measure_from:
                samples.append((time.perf_counter() - started) * 1000)
                errors += failed

    await asyncio.gather(*(client() for _ in range(args.clients)))
    samples.sort()
    return Load(
        name,
        len(samples),
        args.seconds,
        statistics.median(samples),
        samples[int(0.95 * (len(samples) - 1))],
        errors,
    )


async def _wait_until_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(600):
        try:
            async with http.get(url + "/sante") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("relay run did not answer on /sante within a minute")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
