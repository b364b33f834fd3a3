"""The directory's vocabulary is saved in the store: the next process (`relay ask`, a restart)
reads it instead of building it from every entry, answers the same, and builds it again when
the directory, the synonyms or the territory change."""

import shutil
from pathlib import Path

from relay.app import Relay
from relay.directory import DirectoryService
from relay.directory.search import Index
from relay.settings import Settings, load_settings

QUESTIONS = ["psychologue à Pornic", "mon père oublie tout", "aide à domicile 44320", "csapa"]


async def answers(directory: DirectoryService) -> list[list[str]]:
    found = []
    for question in QUESTIONS:
        _, results = await directory.search(question)
        found.append([r.entry.ref for r in results])
    return found


async def test_the_next_process_reads_the_saved_vocabulary(
    relay: Relay, settings: Settings
) -> None:
    first = relay.directory
    await first.ensure_loaded()
    assert (await first.index()).fresh
    expected = await answers(first)

    second = DirectoryService(relay.db, settings, relay.themes)
    index = await second.index()
    assert not index.fresh
    assert index.vocabulary == (await first.index()).vocabulary
    assert await answers(second) == expected


async def test_a_changed_directory_or_synonyms_builds_it_again(
    relay: Relay, settings: Settings, tmp_path: Path
) -> None:
    await relay.directory.ensure_loaded()
    await relay.directory.index()
    report = await relay.directory.import_file(
        Path(__file__).parent / "data" / "other_territory" / "annuaire.csv"
    )
    assert report.added > 50
    after_import = DirectoryService(relay.db, settings, relay.themes)
    assert (await after_import.index()).fresh
    assert not (await DirectoryService(relay.db, settings, relay.themes).index()).fresh

    config = tmp_path / "config"
    shutil.copytree(settings.config_dir, config)
    with (config / "synonyms.yaml").open("a", encoding="utf-8") as f:
        f.write("\n# a coordinator's edit\n")
    edited = load_settings(database_url=settings.database_url, config_dir=config)
    assert (await DirectoryService(relay.db, edited, relay.themes).index()).fresh
    territory = load_settings(database_url=settings.database_url, territory="44")
    assert (await DirectoryService(relay.db, territory, relay.themes).index()).fresh


async def test_a_large_directory_s_vocabulary_is_built_by_a_process_of_its_own(
    relay: Relay, settings: Settings
) -> None:
    """`relay run` has another process build it (and save it), then reads it: it never keeps
    what building takes. It is the vocabulary this process would have built."""
    await relay.directory.ensure_loaded()
    large = DirectoryService(relay.db, settings, relay.themes, build_apart_from=300)
    index = await large.index()
    assert not index.fresh  # read from the store, where the other process saved it
    directory = relay.directory
    async with relay.db.read() as session:
        here = await Index.load(session, lambda: directory.synonyms, directory.reference)
    assert here.fresh and here.vocabulary == index.vocabulary
    assert await answers(large) == await answers(relay.directory)

    await relay.directory.import_file(
        Path(__file__).parent / "data" / "other_territory" / "annuaire.csv"
    )
    small = DirectoryService(relay.db, settings, relay.themes, build_apart_from=10_000)
    assert (await small.index()).fresh  # below the threshold: built here
