"""Needs described in everyday words ("je n'arrive plus à payer mon loyer") reach the services
that answer them, through config/synonyms.yaml; questions outside the directory still find
nothing."""

from relay.directory.synonyms import Synonyms, phrase


def test_a_need_is_read_in_any_form_of_its_words() -> None:
    synonyms = Synonyms.parse({"synonyms": {"frapper": ["violences"], "perd la tête": ["mémoire"]}})
    for typed in ("frappe", "frappée", "frappées", "frapper"):
        assert synonyms.key(phrase(typed)) == phrase("frapper"), typed
    assert synonyms.key(phrase("perdre la tête")) is None  # "perdre" is not "perd"
    assert synonyms.key(phrase("frites")) is None
