"""Directory search benchmark: quality on the labelled questions, latency on 20,000 entries.

    python -m bench.search [--entries 20000] [--rounds 3] [--postgres URL]

1. Quality: recall@3 and the share of "nothing found" answers to unanswerable questions, on the
   sample directory (tests/data/directory_eval.yaml) and on the invented other territory
   (tests/data/other_territory), per backend.
2. Speed: a 20,000-entry directory is generated (the sample's entries copied into 400 invented
   communes with other names, never written to the repository), imported from a CSV file (rows
   per second), then every labelled question is asked `--rounds` times: p50/p95 latency from
   the question to the rows of its top 3, for the search of a running relay (candidates from
   the postings held in memory, then the scorer), for that of a one-shot command (candidates
   from the store's full-text index), and for the naive baseline (every entry scored in Python
   with the same scorer, entries already in memory; each question once), in the same run.

PostgreSQL runs when --postgres or RELAY_TEST_POSTGRES_URL gives a server; a fresh database is
created there and dropped afterwards.
"""

import argparse
import asyncio
import csv
import functools
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from relay.app import Relay, opened
from relay.directory import DirectoryService
from relay.directory.entries import COLUMNS
from relay.directory.scoring import Doc, Scored
from relay.directory.search import Index, every_doc, scan, search
from relay.settings import load_settings
from tests.directory_eval import OTHER, SAMPLE_QUESTIONS, evaluate, questions

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "config"
SYLLABLES = ["bel", "bor", "cha", "cour", "fon", "gran", "la", "mar", "mon", "pes", "ri", "sau"]
SUFFIXES = ["", "-sur-Loire", "-en-Retz", "-les-Bois", "-le-Vieux", "-de-Bretagne", "-la-Forêt"]


@dataclass
class Timing:
    samples: list[float]  # milliseconds

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return sorted(self.samples)[int(0.95 * (len(self.samples) - 1))]

    def __add__(self, other: "Timing") -> "Timing":
        return Timing(self.samples + other.samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("RELAY_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    asyncio.run(run(args))


async def run(args: argparse.Namespace) -> None:
    os.environ.setdefault("RELAY_CONFIG_DIR", str(CONFIG))
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Directory search, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    print(f"(load average at start: {load})\n")
    print("Quality (labelled questions):")
    for backend in backends:
        async with database(backend, args.postgres) as url:
            await quality(url, backend)
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "annuaire-20k.csv"
        communes = Path(folder) / "communes.csv"
        generate(args.entries, big, communes)
        print(f"\nSpeed ({args.entries} entries, {args.rounds} rounds of every question):")
        for backend in backends:
            async with database(backend, args.postgres) as url:
                await speed(url, backend, big, communes, args.rounds)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n(load average at the end: {load})")


async def quality(url: str, backend: str) -> None:
    settings = load_settings(database_url=url)
    async with opened(settings) as relay:
        await relay.directory.ensure_loaded()
        sample = await evaluate(relay.directory, SAMPLE_QUESTIONS)
        other = DirectoryService(relay.db, settings, relay.themes, OTHER / "communes.csv")
        await other.import_file(OTHER / "annuaire.csv", replace=True)
        invented = await evaluate(other, OTHER / "questions.yaml")
    for name, result in (("sample", sample), ("other territory", invented)):
        print(
            f"  {backend:10} {name:16} recall@3 {result.recall_at_3:.3f} "
            f"({result.found}/{result.asked}), nothing found {result.no_answer_accuracy:.3f} "
            f"({result.honest}/{result.unanswerable})"
        )


async def speed(url: str, backend: str, big: Path, communes: Path, rounds: int) -> None:
    settings = load_settings(database_url=url)
    async with opened(settings) as relay:
        directory = DirectoryService(relay.db, settings, relay.themes, communes, hold_words=True)
        started = time.perf_counter()
        report = await directory.import_file(big)
        elapsed = time.perf_counter() - started
        assert report.added == report.parsed.rows, report.parsed.problems[:3]
        started = time.perf_counter()
        held = await directory.index()
        build = time.perf_counter() - started
        full_text = replace(held, postings=None)  # as `relay ask` searches
        asked = [q["q"] for q in questions(SAMPLE_QUESTIONS)]
        asked += [q["q"] for q in questions(OTHER / "questions.yaml")]
        # Each question asked a first time, nothing of it kept yet (its page's rows among
        # them): by this relay, then by `rounds - 1` relays started afresh (more samples for
        # the tail)
        first = await _timed(asked, lambda q: _search(relay, held, q))
        for _ in range(rounds - 1):
            again = DirectoryService(relay.db, settings, relay.themes, communes, hold_words=True)
            first += await _timed(asked, functools.partial(_search, relay, await again.index()))
        searched = await _timed(asked * rounds, lambda q: _search(relay, held, q))
        indexed = await _timed(asked * rounds, lambda q: _search(relay, full_text, q))
        async with relay.db.read() as session:
            docs = await every_doc(session, held)
        scanned = await _timed(asked, lambda q: _baseline(relay, held, docs, q))
        as_good = await _as_good(relay, held, docs, asked)
        as_good_indexed = await _as_good(relay, full_text, docs, asked)
    rate = report.added / elapsed
    print(
        f"  {backend}: import {report.added} rows in {elapsed:.1f} s ({rate:,.0f} rows/s); "
        f"vocabulary and postings built in {build * 1000:.0f} ms"
    )
    rows = (
        ("search (postings in memory, a running relay)", searched, as_good),
        ("search (full-text index, relay ask)", indexed, as_good_indexed),
    )
    print(
        f"    asked a first time (postings; {rounds} relays): p50 {first.p50:6.2f} ms  "
        f"p95 {first.p95:6.2f} ms; then, {rounds} rounds:"
    )
    for name, timing, good in rows:
        print(f"    {name}:")
        print(
            f"      p50 {timing.p50:6.2f} ms  p95 {timing.p95:6.2f} ms; baseline / search: "
            f"p50 ×{scanned.p50 / timing.p50:.1f}, p95 ×{scanned.p95 / timing.p95:.1f}; "
            f"top 3 scored as high as the baseline's: {good:.1%} of the questions"
        )
    print(
        f"    baseline (every entry scored): p50 {scanned.p50:6.2f} ms  p95 {scanned.p95:6.2f} ms"
    )


async def _search(relay: Relay, index: Index, question: str) -> list[Scored]:
    """The search as relay runs it: candidates (from the postings when the index holds them,
    else from the full-text index), scored, then the page's rows."""
    async with relay.db.read() as session:
        top = (await search(session, index, index.read(question)))[:3]
        await index.entries(session, [s.id for s in top])
    return top


async def _baseline(relay: Relay, index: Index, docs: list[Doc], question: str) -> list[Scored]:
    """The naive baseline: every entry (already in memory) scored, then the page's rows."""
    top = scan(docs, index, index.read(question))[:3]
    async with relay.db.read() as session:
        await index.entries(session, [s.id for s in top])
    return top


async def _timed(asked: list[str], ask: Callable[[str], Awaitable[list[Scored]]]) -> Timing:
    samples = []
    for question in asked:
        started = time.perf_counter()
        await ask(question)
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(samples)


async def _as_good(relay: Relay, index: Index, docs: list[Doc], asked: list[str]) -> float:
    """Share of questions whose top 3 score as high as the baseline's (ties among equal
    scores may pick other entries)."""
    same = 0
    for question in asked:
        found = [round(s.total, 9) for s in await _search(relay, index, question)]
        best = [round(s.total, 9) for s in await _baseline(relay, index, docs, question)]
        same += found == best
    return same / len(asked)


def generate(count: int, path: Path, communes_path: Path, seed: int = 7) -> None:
    """The sample directory's entries, copied into invented communes under other names, up to
    `count` entries; and the communes file (with coordinates) of that invented territory."""
    rng = random.Random(seed)
    with (CONFIG / "annuaire.csv").open(encoding="utf-8") as f:
        templates = list(csv.DictReader(f))
    with (CONFIG / "communes.csv").open(encoding="utf-8") as f:
        communes = list(csv.DictReader(f))
    invented: list[dict[str, str]] = []
    names = set()
    while len(invented) < 400:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name += rng.choice(SUFFIXES)
        if name in names:
            continue
        names.add(name)
        epci = len(invented) // 10
        invented.append(
            {
                "insee": f"9{len(invented):04d}",
                "commune": name,
                "code_postal": f"9{8000 + len(invented) // 3:04d}",
                "epci_siren": f"9990{epci:05d}",
                "epci": f"CC des Collines n°{epci}",
                "latitude": f"{46 + epci * 0.05 + rng.random() * 0.05:.4f}",
                "longitude": f"{-1 + (len(invented) % 10) * 0.05 + rng.random() * 0.05:.4f}",
            }
        )
    with communes_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(invented[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(communes + invented)
    rows = [dict(t) for t in templates]
    n = 0
    while len(rows) < count:
        n += 1
        template = rng.choice(templates)
        place = rng.choice(invented)
        old = template["commune"]
        row = {k: (v.replace(old, place["commune"]) if old else v) for k, v in template.items()}
        row.update(
            id=f"gen-{n:05d}",
            nom=f"{row['nom']} ({rng.choice(SYLLABLES).capitalize()}{n})",
            commune=place["commune"] if old else "",
            code_postal=place["code_postal"] if old else "",
        )
        rows.append(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@asynccontextmanager
async def database(backend: str, postgres: str | None) -> AsyncIterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{folder}/bench.db"
        return
    assert postgres
    name = f"relay_bench_{uuid.uuid4().hex[:10]}"
    dsn = make_url(postgres).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    main()
