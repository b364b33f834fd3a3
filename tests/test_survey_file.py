"""config/sondage.yaml: the default survey carries the CLS's result indicators, and a broken
file is one French line naming it and the problem, which stops `relay run` at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from relay.app import opened
from relay.settings import load_settings
from relay.surveys.definition import SurveyFile, SurveyFileError
from tests.chat import ChatUser
from tests.conftest import CONFIG_DIR, COORDINATOR

ANSWERS = ("Oui", "Plutôt oui", "Plutôt non", "Non", "Je ne sais pas")
GOOD = (CONFIG_DIR / "sondage.yaml").read_text(encoding="utf-8")


def test_the_default_survey_asks_the_cls_indicators() -> None:
    survey_file = SurveyFile.load(CONFIG_DIR / "sondage.yaml")
    questions = survey_file.survey.questions
    assert all(q.answers == ANSWERS for q in questions)
    texts = " ".join(q.text for q in questions)
    assert "identifier les missions des acteurs du territoire" in texts
    assert "dynamique partenariale" in texts
    [satisfaction] = [q for q in questions if q.satisfied]
    assert "informations relayées" in satisfaction.text
    assert satisfaction.satisfied == ("Oui", "Plutôt oui")
    assert survey_file.duration is not None and survey_file.reminder_after is not None
    assert survey_file.reminder_after < survey_file.duration


def test_a_closing_date_instead_of_a_duration(tmp_path: Path) -> None:
    path = tmp_path / "sondage.yaml"
    path.write_text(GOOD.replace("duration_days: 21", "closes: 2027-03-31"), encoding="utf-8")
    survey_file = SurveyFile.load(path)
    assert survey_file.duration is None and str(survey_file.closes_on) == "2027-03-31"


BROKEN = [
    ("title: [", "fichier illisible"),
    ("- une liste", "doit décrire un questionnaire"),
    (GOOD.replace("title:", "titre:"), "clé « titre » inconnue"),
    (GOOD.replace("title: Questionnaire annuel du Contrat Local de Santé\n", ""), "le titre"),
    (GOOD.replace("answers: [Oui,", "answers: [Oui, Oui,"), "la réponse « Oui » figure deux fois"),
    (
        GOOD.replace(
            "answers: [Oui, Plutôt oui, Plutôt non, Non, Je ne sais pas]", "answers: [Oui]"
        ),
        "de 2 à 8 libellés",
    ),
    (
        GOOD.replace("satisfied: [Oui, Plutôt oui]", "satisfied: [Ravi]"),
        "« Ravi » n'en est pas une",
    ),
    (
        GOOD.replace("duration_days: 21", "closes: 2027-03-31\nduration_days: 21"),
        "soit « duration_days »",
    ),
    (GOOD.replace("duration_days: 21\n", ""), "soit « duration_days »"),
    (GOOD.replace("duration_days: 21", "duration_days: deux semaines"), "nombre entier de jours"),
    (GOOD.replace("reminder_days: 7", "reminder_days: 30"), "doit venir avant la clôture"),
    (GOOD.replace("duration_days: 21", "closes: le 31 mars"), "une date AAAA-MM-JJ"),
    (GOOD.replace("  - text: Êtes", "  - texte: Êtes"), "doit avoir un texte"),
    (GOOD.replace("    satisfied:", "    satisfait:"), "clé « satisfait » inconnue"),
    (GOOD.replace("questions:\n", "questions: []\nautres:\n"), "clé « autres » inconnue"),
]


def test_a_broken_survey_file_is_one_french_line(tmp_path: Path) -> None:
    path = tmp_path / "sondage.yaml"
    for content, problem in BROKEN:
        path.write_text(content, encoding="utf-8")
        try:
            SurveyFile.load(path)
        except SurveyFileError as error:
            message = str(error)
            assert problem in message and str(path) in message and "\n" not in message, message
        else:
            raise AssertionError(f"accepted: {content!r}")


def test_relay_run_stops_at_start_on_a_broken_survey_file(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    for name in ("themes.yaml", "typologie.yaml", "synonyms.yaml", "annuaire.csv", "feeds.yaml"):
        (config / name).write_bytes((CONFIG_DIR / name).read_bytes())
    (config / "sondage.yaml").write_text(
        GOOD.replace("satisfied: [Oui, Plutôt oui]", "satisfied: [Ravi]"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "relay", "run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
        env={
            **os.environ,
            "RELAY_CONFIG_DIR": str(config),
            "RELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}",
        },
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "sondage.yaml" in line and "question n°5" in line and "« Ravi »" in line


async def test_without_a_survey_file_relay_runs_and_sondage_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    for name in ("themes.yaml", "typologie.yaml", "synonyms.yaml", "annuaire.csv", "feeds.yaml"):
        (config / name).write_bytes((CONFIG_DIR / name).read_bytes())
    monkeypatch.setenv("RELAY_CONFIG_DIR", str(config))
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}", coordinators=COORDINATOR
    )
    async with opened(settings) as relay:
        said = await ChatUser.private(relay, "1000").say("/sondage")
    assert "Aucun questionnaire n'est configuré" in said and "sondage.yaml" in said
