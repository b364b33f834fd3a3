"""Search quality on the sample directory and on another, invented territory, on every backend."""

from relay.app import Relay
from relay.directory import DirectoryService
from relay.settings import Settings
from tests.directory_eval import OTHER, SAMPLE_QUESTIONS, evaluate

# The sample and the second territory are answered whole (BENCHMARKS.md): a change to the search
# may not lose one of their questions.
MIN_RECALL_AT_3 = 1.0
MIN_NO_ANSWER_ACCURACY = 1.0


async def test_sample_directory_quality(relay: Relay) -> None:
    await relay.directory.ensure_loaded()
    result = await evaluate(relay.directory, SAMPLE_QUESTIONS)
    assert result.asked >= 80
    assert result.recall_at_3 >= MIN_RECALL_AT_3, result.misses
    assert result.no_answer_accuracy >= MIN_NO_ANSWER_ACCURACY, result.misses


async def test_other_territory_quality(relay: Relay, settings: Settings) -> None:
    directory = DirectoryService(
        relay.db, settings, relay.themes, communes_file=OTHER / "communes.csv"
    )
    report = await directory.import_file(OTHER / "annuaire.csv")
    assert report.parsed.problems == [] and report.added > 50
    result = await evaluate(directory, OTHER / "questions.yaml")
    assert result.recall_at_3 >= MIN_RECALL_AT_3, result.misses
    assert result.no_answer_accuracy >= MIN_NO_ANSWER_ACCURACY, result.misses
