"""A directory read straight from a file, without a database: for the pure understanding and
scoring tests, and as the naive baseline's input."""

from functools import cache
from pathlib import Path

from relay.directory.geography import EntryPlace, load_communes
from relay.directory.importing import read_file
from relay.directory.synonyms import Synonyms
from relay.directory.understanding import Understanding
from relay.directory.upsert import columns
from relay.directory.vocabulary import EntrySource, Vocabulary
from relay.themes import ThemeCatalogue

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "config"
OTHER = REPO / "tests" / "data" / "other_territory"


def sources(path: Path) -> list[EntrySource]:
    parsed = read_file(path, ThemeCatalogue.load(CONFIG / "themes.yaml"))
    found = []
    for n, (_, entry) in enumerate(parsed.entries, start=1):
        row = columns(entry, entry.ref)
        found.append(
            EntrySource(
                id=n,
                search_name=str(row["search_name"]),
                search_keywords=str(row["search_keywords"]),
                search_text=str(row["search_text"]),
                publics=";".join(entry.publics),
                place=EntryPlace(entry.commune, entry.postal_code, entry.latitude, entry.longitude),
                category=entry.category,
                raw_text=" ".join((entry.name, *entry.keywords, entry.description)),
            )
        )
    return found


@cache
def vocabulary(territory: str = "other") -> Vocabulary:
    folder = OTHER if territory == "other" else CONFIG
    entries = sources(folder / "annuaire.csv")
    synonyms = Synonyms.load(CONFIG / "synonyms.yaml")
    return Vocabulary.build(entries, synonyms, load_communes(folder / "communes.csv"))


@cache
def understanding(territory: str = "other") -> Understanding:
    return Understanding(vocabulary(territory))
