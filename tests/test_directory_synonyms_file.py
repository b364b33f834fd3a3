"""config/synonyms.yaml says each need once: two keys that read the same once their grammar words
are left out ("parler", "à qui parler") would have their lists merged without a word, and a key
written twice would keep only its last list."""

import logging
from pathlib import Path

import pytest

from relay.directory.synonyms import Synonyms, read_alike, written_keys
from tests.directory_fixtures import CONFIG


def test_no_two_keys_of_the_synonyms_file_read_the_same() -> None:
    text = (CONFIG / "synonyms.yaml").read_text(encoding="utf-8")
    assert read_alike(written_keys(text)) == []


def test_keys_that_read_the_same_are_found() -> None:
    text = """
synonyms:
  parler: [écoute]
  à qui parler: [groupe de parole]
  mot: [langage]
  mot de passe: [numérique]
  douche à l'italienne: [ergothérapeute]
  douche à l'italienne: [aménagement du logement]
  psychologue: [psy]
publics: []
"""
    assert read_alike(written_keys(text)) == [
        ["parler", "à qui parler"],
        ["mot", "mot de passe"],
        ["douche à l'italienne", "douche à l'italienne"],
    ]


def test_loading_warns_of_keys_that_read_the_same(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "synonyms.yaml"
    path.write_text("synonyms:\n  parler: [écoute]\n  à qui parler: [groupe de parole]\n")
    with caplog.at_level(logging.WARNING, logger="relay.directory.synonyms"):
        synonyms = Synonyms.load(path)
    assert "parler / à qui parler" in caplog.text
    assert synonyms.expansions[("parler",)] == (("ecoute",), ("groupe", "parole"))
