"""What a survey asks: config/sondage.yaml read strictly, and the snapshot a sent survey keeps
(a survey sent goes on with its own questions whatever becomes of the file)."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from relay.yamlfile import UnreadableYaml, read_yaml_file

MAX_TITLE = 120
MAX_QUESTION = 300
MAX_QUESTIONS = 20
MAX_ANSWER = 40  # a button's label, readable on a phone
MIN_ANSWERS, MAX_ANSWERS = 2, 8
MAX_DAYS = 366
DEFAULT_REMINDER_DAYS = 7
KEYS = {"title", "introduction", "answers", "questions", "duration_days", "closes", "reminder_days"}
QUESTION_KEYS = {"text", "answers", "satisfied"}

UNREADABLE_TEXT = "{path} : fichier illisible ({problem})"
NOT_A_MAPPING_TEXT = "{path} : le fichier doit décrire un questionnaire (title, questions…)"
UNKNOWN_KEY_TEXT = "{path} : clé « {key} » inconnue (attendues : {expected})"
NO_TITLE_TEXT = "{path} : le titre (« title ») manque"
TOO_LONG_TEXT = "{path} : {what} dépasse {limit} caractères"
NO_QUESTIONS_TEXT = "{path} : la liste « questions » manque ou est vide"
TOO_MANY_TEXT = "{path} : {count} questions, c'est plus que les {limit} permises"
BAD_QUESTION_TEXT = "{path} : la question n°{number} doit avoir un texte (« text »)"
UNKNOWN_QUESTION_KEY_TEXT = (
    "{path} : question n°{number} : clé « {key} » inconnue (attendues : {expected})"
)
NO_ANSWERS_TEXT = (
    "{path} : {where} : la liste des réponses doit compter de {low} à {high} libellés non vides"
)
ANSWER_TWICE_TEXT = "{path} : {where} : la réponse « {answer} » figure deux fois"
BAD_SATISFIED_TEXT = (
    "{path} : question n°{number} : « satisfied » doit nommer des réponses de la question "
    "(« {answer} » n'en est pas une)"
)
TWO_SATISFACTIONS_TEXT = (
    "{path} : une seule question peut porter « satisfied » (questions n°{first} et n°{second})"
)
WHEN_TEXT = (
    "{path} : indiquez soit « duration_days » (une durée en jours), soit « closes » (une date "
    "AAAA-MM-JJ), l'un des deux"
)
BAD_DAYS_TEXT = "{path} : « {key} » doit être un nombre entier de jours entre 1 et {limit}"
BAD_DATE_TEXT = "{path} : « closes » doit être une date AAAA-MM-JJ"
REMINDER_TOO_LATE_TEXT = (
    "{path} : le rappel (« reminder_days » : {reminder}) doit venir avant la clôture "
    "(« duration_days » : {duration})"
)
ALL_ANSWERS = "les réponses communes"
QUESTION_ANSWERS_TEXT = "question n°{number}"


class SurveyFileError(ValueError):
    """sondage.yaml is missing or malformed; the message is one French line naming it."""


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]
    # The answers that count as satisfied: marks the question the report's satisfaction line
    # reads (« Satisfaction des usagers »).
    satisfied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Survey:
    """The questions as partners receive them: what a sent survey keeps (`snapshot`)."""

    title: str
    questions: tuple[Question, ...]
    introduction: str = ""

    def snapshot(self) -> str:
        return json.dumps(
            {
                "title": self.title,
                "introduction": self.introduction,
                "questions": [
                    {"text": q.text, "answers": list(q.answers), "satisfied": list(q.satisfied)}
                    for q in self.questions
                ],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_snapshot(cls, text: str) -> "Survey":
        data = json.loads(text)
        return cls(
            title=data["title"],
            introduction=data.get("introduction", ""),
            questions=tuple(
                Question(q["text"], tuple(q["answers"]), tuple(q.get("satisfied", ())))
                for q in data["questions"]
            ),
        )


@dataclass(frozen=True)
class SurveyFile:
    """config/sondage.yaml: the survey, when it closes and when its reminder goes."""

    survey: Survey
    duration: timedelta | None  # from its sending
    closes_on: date | None  # at the end of that day
    reminder_after: timedelta | None  # from its sending; None: no reminder

    @classmethod
    def load(cls, path: Path) -> "SurveyFile":
        try:
            data = read_yaml_file(path)
        except UnreadableYaml as exc:
            raise SurveyFileError(UNREADABLE_TEXT.format(path=path, problem=exc.problem)) from None
        return _read(path, data)

    def closes_at(self, sent: datetime, zone: tzinfo) -> datetime:
        if self.duration is not None:
            return sent + self.duration
        assert self.closes_on is not None
        return datetime.combine(self.closes_on + timedelta(days=1), time(), tzinfo=zone)


def _read(path: Path, data: object) -> SurveyFile:
    if not isinstance(data, dict):
        raise SurveyFileError(NOT_A_MAPPING_TEXT.format(path=path))
    for key in data:
        if key not in KEYS:
            expected = ", ".join(sorted(KEYS))
            raise SurveyFileError(UNKNOWN_KEY_TEXT.format(path=path, key=key, expected=expected))
    title = _text(path, data.get("title"), "le titre", MAX_TITLE)
    if not title:
        raise SurveyFileError(NO_TITLE_TEXT.format(path=path))
    introduction = _text(path, data.get("introduction"), "l'introduction", MAX_QUESTION)
    common = None
    if "answers" in data:
        common = _answers(path, data["answers"], ALL_ANSWERS)
    entries = data.get("questions")
    if not isinstance(entries, list) or not entries:
        raise SurveyFileError(NO_QUESTIONS_TEXT.format(path=path))
    if len(entries) > MAX_QUESTIONS:
        raise SurveyFileError(
            TOO_MANY_TEXT.format(path=path, count=len(entries), limit=MAX_QUESTIONS)
        )
    questions = tuple(
        _question(path, number, entry, common) for number, entry in enumerate(entries, start=1)
    )
    marked = [n for n, q in enumerate(questions, start=1) if q.satisfied]
    if len(marked) > 1:
        first, second = marked[:2]
        raise SurveyFileError(TWO_SATISFACTIONS_TEXT.format(path=path, first=first, second=second))
    duration, closes_on, reminder = _timing(path, data)
    return SurveyFile(Survey(title, questions, introduction or ""), duration, closes_on, reminder)


def _text(path: Path, value: object, what: str, limit: int) -> str:
    if value is None:
        return ""
    text = " ".join(str(value).split())
    if len(text) > limit:
        raise SurveyFileError(TOO_LONG_TEXT.format(path=path, what=what, limit=limit))
    return text


def _answers(path: Path, value: object, where: str) -> tuple[str, ...]:
    labels = [" ".join(str(v).split()) for v in value] if isinstance(value, list) else []
    if not MIN_ANSWERS <= len(labels) <= MAX_ANSWERS or not all(labels):
        raise SurveyFileError(
            NO_ANSWERS_TEXT.format(path=path, where=where, low=MIN_ANSWERS, high=MAX_ANSWERS)
        )
    for number, label in enumerate(labels):
        if len(label) > MAX_ANSWER:
            what = f"{where} : la réponse « {label[:MAX_ANSWER]}… »"
            raise SurveyFileError(TOO_LONG_TEXT.format(path=path, what=what, limit=MAX_ANSWER))
        if label in labels[:number]:
            raise SurveyFileError(ANSWER_TWICE_TEXT.format(path=path, where=where, answer=label))
    return tuple(labels)


def _question(path: Path, number: int, entry: object, common: tuple[str, ...] | None) -> Question:
    if isinstance(entry, str):
        entry = {"text": entry}
    if not isinstance(entry, dict) or not str(entry.get("text") or "").strip():
        raise SurveyFileError(BAD_QUESTION_TEXT.format(path=path, number=number))
    for key in entry:
        if key not in QUESTION_KEYS:
            expected = ", ".join(sorted(QUESTION_KEYS))
            raise SurveyFileError(
                UNKNOWN_QUESTION_KEY_TEXT.format(
                    path=path, number=number, key=key, expected=expected
                )
            )
    text = _text(path, entry["text"], f"la question n°{number}", MAX_QUESTION)
    where = QUESTION_ANSWERS_TEXT.format(number=number)
    if "answers" in entry:
        answers = _answers(path, entry["answers"], where)
    elif common is not None:
        answers = common
    else:
        answers = _answers(path, None, where)
    satisfied: tuple[str, ...] = ()
    if "satisfied" in entry:
        satisfied = _answers_among(path, number, entry["satisfied"], answers)
    return Question(text, answers, satisfied)


def _answers_among(
    path: Path, number: int, value: object, answers: tuple[str, ...]
) -> tuple[str, ...]:
    labels = [" ".join(str(v).split()) for v in value] if isinstance(value, list) else []
    if not labels:
        raise SurveyFileError(BAD_SATISFIED_TEXT.format(path=path, number=number, answer=""))
    for label in labels:
        if label not in answers:
            raise SurveyFileError(BAD_SATISFIED_TEXT.format(path=path, number=number, answer=label))
    return tuple(labels)


def _days(path: Path, data: dict[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise SurveyFileError(BAD_DAYS_TEXT.format(path=path, key=key, limit=MAX_DAYS))
    return value


def _timing(
    path: Path, data: dict[str, Any]
) -> tuple[timedelta | None, date | None, timedelta | None]:
    if ("duration_days" in data) == ("closes" in data):
        raise SurveyFileError(WHEN_TEXT.format(path=path))
    reminder = _days(path, data, "reminder_days") if "reminder_days" in data else None
    if "closes" in data:
        closes = data["closes"]
        if isinstance(closes, datetime) or not isinstance(closes, date):
            raise SurveyFileError(BAD_DATE_TEXT.format(path=path))
        return None, closes, timedelta(days=reminder or DEFAULT_REMINDER_DAYS)
    duration = _days(path, data, "duration_days")
    if reminder is None:
        reminder = min(DEFAULT_REMINDER_DAYS, duration // 2)
        if not reminder:
            return timedelta(days=duration), None, None  # too short for a reminder
    if reminder >= duration:
        raise SurveyFileError(
            REMINDER_TOO_LATE_TEXT.format(path=path, reminder=reminder, duration=duration)
        )
    return timedelta(days=duration), None, timedelta(days=reminder)
