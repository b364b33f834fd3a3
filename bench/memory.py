"""Resident memory of `relay run` answering directory questions, and `relay ask`'s time.

    python -m bench.memory [--entries 20000] [--questions 1000] [--ask-entries 100000]

1. `relay run` (the console: no platform token) with France's communes of a département loaded
   (RELAY_TERRITORY=44) and a directory of `--entries` entries, then `--questions` questions
   typed on its console: resident memory (VmRSS) after start and after the questions. The
   baseline, in the same run, is the same process on the sample directory (325 entries).
2. `relay ask` on a directory of `--ask-entries` entries: the first call (the vocabulary is
   built and saved) and the next ones (it is read back), against `relay --help` (the
   interpreter and relay's imports) as the baseline.

The directories are generated as in bench.search (the sample's entries copied into invented
communes), in a temporary folder.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.search import CONFIG, generate
from relay.app import opened
from relay.settings import load_settings
from tests.directory_eval import SAMPLE_QUESTIONS, questions

IMPORT_ROWS = 20_000  # the import's own limit is 20 MB a file: big directories go in parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--questions", type=int, default=1_000)
    parser.add_argument("--ask-entries", type=int, default=100_000)
    args = parser.parse_args()
    print(f"Memory and start-up, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        sample = database(base / "sample", 0)
        big = database(base / "big", args.entries)
        asked = [item["q"] for item in questions(SAMPLE_QUESTIONS)]
        typed = [asked[i % len(asked)] for i in range(args.questions)]
        start_0, end_0 = resident(sample, typed)
        start_1, end_1 = resident(big, typed)
        print(f"\n`relay run`, {args.questions} questions (VmRSS):")
        print(f"  sample (325 entries):  {start_0:6.1f} MB at start, {end_0:6.1f} MB after")
        print(f"  {args.entries} entries:        {start_1:6.1f} MB at start, {end_1:6.1f} MB after")
        print(f"  ratio to the sample after the questions: ×{end_1 / end_0:.2f}")
        huge = database(base / "huge", args.ask_entries)
        baseline = statistics.median(timed([sys.executable, "-m", "relay", "--help"], huge))
        first, *again = (timed(ASK, huge)[0] for _ in range(4))
        print(f"\n`relay ask` on {args.ask_entries} entries:")
        print(f"  first call {first:.2f} s (builds and saves the vocabulary)")
        print(f"  next calls {statistics.median(again):.2f} s (median of 3)")
        print(f"  `relay --help` {baseline:.2f} s: ×{statistics.median(again) / baseline:.2f}")


ASK = [sys.executable, "-m", "relay", "ask", "psychologue à Pornic"]


def database(folder: Path, entries: int) -> Path:
    """A SQLite database holding `entries` generated entries (the sample when 0)."""
    folder.mkdir()
    parts: list[Path] = []
    if entries:
        generate(entries, folder / "annuaire.csv", folder / "communes.csv")
        lines = (folder / "annuaire.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        for start in range(1, len(lines), IMPORT_ROWS):
            part = folder / f"part-{start}.csv"
            part.write_text(lines[0] + "".join(lines[start : start + IMPORT_ROWS]), "utf-8")
            parts.append(part)
    path = folder / "relay.db"
    asyncio.run(_fill(path, parts))
    return path


async def _fill(path: Path, parts: list[Path]) -> None:
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{path}", config_dir=CONFIG)
    async with opened(settings) as relay:
        if not parts:
            await relay.directory.ensure_loaded()
        for part in parts:
            await relay.directory.import_file(part)


def environment(path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RELAY_DATABASE_URL": f"sqlite+aiosqlite:///{path}",
        "RELAY_CONFIG_DIR": str(CONFIG),
        "RELAY_TERRITORY": "44",
        "RELAY_WEB_PORT": "0",
    }


def resident(path: Path, typed: list[str]) -> tuple[float, float]:
    """VmRSS of `relay run` once it serves, and after answering every typed question."""
    process = subprocess.Popen(
        [sys.executable, "-m", "relay", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment(path),
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("csapa\n")  # the first answer: the directory is loaded
        process.stdin.flush()
        _wait_for(process, "relay ›")
        time.sleep(1)  # the rest of the answer
        at_start = _rss(process.pid)
        for question in typed:
            process.stdin.write(question.replace("\n", " ") + "\n")
        process.stdin.write("/aide\n")
        process.stdin.flush()
        _wait_for(process, "/abonner", limit=len(typed) * 200)
        return at_start, _rss(process.pid)
    finally:
        process.terminate()
        process.wait(30)


def _wait_for(process: subprocess.Popen[str], text: str, limit: int = 10_000) -> None:
    assert process.stdout is not None
    for _ in range(limit):
        line = process.stdout.readline()
        if not line or text in line:
            return
    raise RuntimeError(f"{text!r} never shown")


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def timed(command: list[str], path: Path) -> list[float]:
    start = time.perf_counter()
    subprocess.run(command, env=environment(path), check=True, capture_output=True)
    return [time.perf_counter() - start]


if __name__ == "__main__":
    main()
