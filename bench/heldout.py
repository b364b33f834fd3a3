"""Score a held-out territory as acceptance does: recall@3, recall@1, each category,
unanswerable questions answered « rien trouvé », neighbours; with the file's coordinates and
with them removed.

    python -m bench.heldout tests/data/third_territory [--misses]

A held-out set is scored once, after the work it measures: its questions are never read to
tune the search. `--misses` prints the questions missed (which spends the set).
"""

import argparse
import asyncio
import csv
import tempfile
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from relay.app import opened
from relay.directory import DirectoryService
from relay.settings import load_settings
from tests.directory_eval import questions

CONFIG = Path(__file__).resolve().parent.parent / "config"
NO_ANSWER, NEIGHBOUR, EVERYDAY = "no_answer", "neighbour", "everyday"


def without_coordinates(source: Path, target: Path) -> Path:
    with source.open(encoding="utf-8", newline="") as read:
        rows = list(csv.DictReader(read, delimiter=";"))
        fields = list(rows[0])
    for row in rows:
        row["latitude"] = row["longitude"] = ""
    with target.open("w", encoding="utf-8", newline="") as write:
        writer = csv.DictWriter(write, fieldnames=fields, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return target


@asynccontextmanager
async def imported(directory_file: Path) -> AsyncIterator[tuple[DirectoryService, int]]:
    """A relay of its own (SQLite, in a temporary folder) holding one directory file: its
    directory, and how many entries the import added."""
    with tempfile.TemporaryDirectory() as work:
        settings = load_settings(
            database_url=f"sqlite+aiosqlite:///{Path(work) / 'relay.db'}", config_dir=CONFIG
        )
        async with opened(settings) as relay:
            directory = DirectoryService(relay.db, settings, relay.themes, hold_words=True)
            report = await directory.import_file(directory_file)
            yield directory, report.added


async def score(folder: Path, directory_file: Path, misses: bool) -> dict[str, Any]:
    async with imported(directory_file) as (directory, added):
        asked, at3, at1 = Counter[str](), Counter[str](), Counter[str]()
        for item in questions(folder / "questions.yaml"):
            category = item.get("category", "")
            _, found = await directory.search(item["q"])
            refs = [r.entry.ref for r in found[:3]]
            asked[category] += 1
            if item.get("expect_none"):
                hit = not found
                at3[category] += hit
                at1[category] += hit
            else:
                expected = set(item["expect_any"])
                hit = bool(set(refs) & expected)
                at3[category] += hit
                at1[category] += bool(refs[:1] and refs[0] in expected)
            if misses and not hit:
                print(f"  miss [{category}] {item['q']!r} -> {refs}")
    return {"entries": added, "asked": asked, "at3": at3, "at1": at1}


def summary(name: str, result: dict[str, Any]) -> None:
    asked, at3, at1 = result["asked"], result["at3"], result["at1"]
    answerable = sum(n for c, n in asked.items() if c != NO_ANSWER)
    found3 = sum(n for c, n in at3.items() if c != NO_ANSWER)
    found1 = sum(n for c, n in at1.items() if c != NO_ANSWER)
    print(f"{name} ({result['entries']} entries)")
    print(f"  recall@3 {found3 / answerable:.3f} ({found3}/{answerable})")
    print(f"  recall@1 {found1 / answerable:.3f} ({found1}/{answerable})")
    for category in sorted(asked):
        print(f"  {category}: {at3[category]}/{asked[category]}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    folder: Path = args.folder
    summary("with coordinates", await score(folder, folder / "annuaire.csv", args.misses))
    with tempfile.TemporaryDirectory() as work:
        bare = without_coordinates(folder / "annuaire.csv", Path(work) / "annuaire.csv")
        summary("coordinates removed", await score(folder, bare, args.misses))


if __name__ == "__main__":
    asyncio.run(main())
