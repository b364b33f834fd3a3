"""Everyday needs told as situations, asked of the development territories: how often a service
of the right kind is among the first three answers, by domain.

    python -m bench.needs [--misses] [domain ...]

tests/data/everyday_needs.yaml holds 260 situations in eighteen domains (housing, debts, memory
and ageing, early childhood, disability, the end of life…), written for this probe by someone
who had read neither config/synonyms.yaml nor the search, each with the kinds of service a
professional would accept (a regular expression on an entry's name and category, accents left
out). A situation is asked only of the directories that hold such a service. It measures how
far the synonyms reach beyond the questions they were written from: it is a development set,
read to write them, not an acceptance measure.
"""

import argparse
import asyncio
import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bench.heldout import imported
from relay.directory.analysis import fold

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NEEDS = DATA / "everyday_needs.yaml"
_SETS = "third fifth sixth seventh ninth tenth twelfth fourteenth fifteenth seventeenth"
TERRITORIES = (*_SETS.split(), "eighteenth", "nineteenth")


def needs(domains: list[str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = yaml.safe_load(NEEDS.read_text(encoding="utf-8"))
    return [item for item in items if not domains or item["domain"] in domains]


def kinds(path: Path) -> dict[str, str]:
    """Each entry's name and category, as the probe's expressions read them."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return {row["id"]: fold(f"{row['nom']} {row['categorie']}").lower() for row in rows}


async def ask(
    territory: str, items: list[dict[str, Any]], misses: bool
) -> tuple[Counter[str], Counter[str]]:
    path = DATA / f"{territory}_territory" / "annuaire.csv"
    kind = kinds(path)
    asked, found = Counter[str](), Counter[str]()
    async with imported(path) as (directory, _):
        for item in items:
            accepted = re.compile(item["accept"])
            if not any(accepted.search(k) for k in kind.values()):
                continue  # this directory holds no such service
            _, results = await directory.search(item["q"])
            hit = any(accepted.search(kind[r.entry.ref]) for r in results[:3])
            asked[item["domain"]] += 1
            found[item["domain"]] += hit
            if misses and not hit:
                print(f"  miss {territory} [{item['domain']}] {item['q']!r}")
    return asked, found


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("domains", nargs="*")
    args = parser.parse_args()
    items = needs(args.domains)
    asked, found = Counter[str](), Counter[str]()
    for territory in TERRITORIES:
        more_asked, more_found = await ask(territory, items, args.misses)
        asked += more_asked
        found += more_found
    for domain in sorted(asked):
        share = found[domain] / asked[domain]
        print(f"{domain:22} {found[domain]:4d} / {asked[domain]:4d}  {share:.2f}")
    total, of = sum(found.values()), sum(asked.values())
    print(f"{'all':22} {total:4d} / {of:4d}  {total / of:.2f}  ({len(items)} situations)")


if __name__ == "__main__":
    asyncio.run(main())
