"""Needs described in everyday words ("je n'arrive plus à payer mon loyer") reach the services
that answer them, through config/synonyms.yaml; questions outside the directory still find
nothing."""

import pytest

from relay.app import Relay
from relay.directory.synonyms import Synonyms, phrase
from tests.directory_fixtures import understanding


def test_a_need_is_read_in_any_form_of_its_words() -> None:
    synonyms = Synonyms.parse({"synonyms": {"frapper": ["violences"], "perd la tête": ["mémoire"]}})
    for typed in ("frappe", "frappée", "frappées", "frapper"):
        assert synonyms.key(phrase(typed)) == phrase("frapper"), typed
    assert synonyms.key(phrase("perdre la tête")) is None  # "perdre" is not "perd"
    assert synonyms.key(phrase("frites")) is None


def test_the_words_around_a_need_are_dropped() -> None:
    concepts = understanding().read("je n'arrive plus à payer mon loyer").concepts
    assert [c.text for c in concepts] == ["payer loyer"]
    assert all(c.known for c in concepts)
    question = understanding().read("pas de voiture pour aller à l'hôpital")
    assert [c.text for c in question.concepts] == ["voiture", "hopital"]


def test_a_form_the_file_does_not_write_finds_its_synonyms() -> None:
    (concept,) = understanding().read("ma mère a été frappée").concepts
    assert ("violence", "conjugale") in [a.words for a in concept.alternatives]


def test_a_body_part_after_au_is_no_place() -> None:
    query = understanding().read("j'ai mal au dos")
    assert query.unknown_place is None and query.place is None
    assert [c.text for c in query.concepts] == ["mal dos"]


async def first_categories(relay: Relay, question: str) -> list[str]:
    _, found = await relay.directory.search(question)
    return [r.entry.category for r in found]


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("je n'arrive plus à payer mon loyer", "CCAS"),
        ("mon mari joue tout notre argent", "CSAPA"),
        ("ma mère oublie tout, elle perd la tête", "Association Alzheimer"),
        ("mon petit de 3 ans ne parle pas encore", "Orthophoniste"),
        ("mon bébé ne prend pas de poids", "PMI"),
        ("mon copain est violent", "Violences intrafamiliales"),
        ("je ne dors plus", "Psychologue"),
        ("j'ai mal au dos", "Kinésithérapeute"),
        ("je veux perdre du poids", "Diététicien"),
        ("je n'arrive pas à faire mes démarches sur internet", "France services"),
        ("comment faire reconnaître mon handicap", "MDPH"),
    ],
)
async def test_a_need_finds_the_service_that_answers_it(
    relay: Relay, question: str, category: str
) -> None:
    await relay.directory.ensure_loaded()
    assert (await first_categories(relay, question))[0] == category


@pytest.mark.parametrize(
    "question", ["réparer ma voiture", "vendre mon appartement", "cours de guitare"]
)
async def test_what_the_directory_does_not_list_finds_nothing(relay: Relay, question: str) -> None:
    await relay.directory.ensure_loaded()
    assert await first_categories(relay, question) == []
