"""The store-backed search ranks exactly as the naive baseline (every entry scored in Python),
on every backend: the candidates come from the postings held in memory (a running relay) or
from the store's full-text index (a one-shot command), and only narrow what is scored."""

from dataclasses import replace

import pytest

from relay.app import Relay
from relay.directory import DirectoryService
from relay.directory.search import every_doc, scan, search, terms
from relay.settings import Settings
from relay.store import directory as store
from tests.directory_eval import SAMPLE_QUESTIONS, questions
from tests.directory_fixtures import understanding

EXTRA = [
    "pharmacie",
    "médecin près de Touvois",
    "aide à domicile 44320",
    "sage-femme",
    "sagefemme",
    "ophtalmologue",
    "kiné",
    "soins",
    "je n'arrive plus à payer mon loyer",
    "ma mère oublie tout et tombe souvent",
    "mon fils fume du cannabis près de Pornic",
]


@pytest.mark.parametrize("held", [True, False], ids=["postings", "full-text"])
async def test_search_matches_the_baseline(
    relay: Relay, held: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    await relay.directory.ensure_loaded()
    monkeypatch.setattr("relay.directory.search.HOLD_BATCH", 100)  # read in four batches
    relay.directory.forget_index()
    index = await relay.directory.index()
    assert index.postings is not None and len(index.postings) == 325  # a running relay's
    if not held:
        index = replace(index, postings=None)
    async with relay.db.read() as session:
        docs = await every_doc(session, index)
        assert len(docs) == 325
        for question in [item["q"] for item in questions(SAMPLE_QUESTIONS)] + EXTRA:
            query = index.read(question)
            found = await search(session, index, query)
            baseline = scan(docs, index, query)
            if query.area:  # far entries may be left out, below entries of the place
                assert found[:3] == baseline[:3], question
                assert all(s.proximity > 0 or s in baseline for s in found), question
            else:
                assert found == baseline, question


async def test_only_a_running_relay_holds_every_entry(
    relay: Relay, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    await relay.directory.ensure_loaded()
    one_shot = DirectoryService(relay.db, settings, relay.themes)
    assert (await one_shot.index()).postings is None
    assert (await one_shot.search("psychologue à Pornic"))[1]
    monkeypatch.setattr("relay.directory.service.WORDS_KEPT", 300)  # a larger directory
    relay.directory.forget_index()
    index = await relay.directory.index()
    assert index.postings is None and len(index.words) < 325
    assert (await relay.directory.search("psychologue à Pornic"))[1]


async def test_full_text_terms_are_checked_again(relay: Relay) -> None:
    await relay.directory.ensure_loaded()
    async with relay.db.read() as session:
        for token in ('psy" OR "a', "a*", "x NEAR y", "(", "é", ""):
            unsafe = store.Term((token,), (token,))
            assert await store.candidates(session, store.Formula([[[unsafe]]]), 10) == []
        term = store.Term(("psychologue",), ("psycholog",))
        assert len(await store.candidates(session, store.Formula([[[term]]]), 5)) == 5
        both = store.Term(("sante", "mentale"), ("sante", "mentale"), prefix=False)
        assert 0 < len(await store.candidates(session, store.Formula([[[both]]]), 100)) < 100
        cmp = store.Term(("cmp",), ("cmp",), prefix=False)
        pornic = store.Term(("pornic",), ("pornic",), prefix=False)
        assert len(await store.candidates(session, store.Formula([[[cmp], [pornic]]]), 100)) == 3


def test_terms_are_plain_tokens() -> None:
    reader = understanding()
    for question in ['psy" OR 1=1 --', "NEAR(a b)", "vaccin*", "café-théâtre à l'Œil"]:
        for concept in reader.read(question).concepts:
            for term in terms(concept, reader.vocabulary):
                assert term.safe
