"""A survey's counts as the report and /sondage resultats show them."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from relay.store import surveys as store
from relay.store.models_surveys import Survey as SurveyRow
from relay.surveys.definition import Survey

# A field whose metadata holds this key is for the text report only: the report's JSON
# (relay.reports.model) leaves it out.
TEXT_ONLY = "text_only"


@dataclass(frozen=True)
class SurveyQuestion:
    question: str
    answers: Mapping[str, int]  # answer label -> people who chose it, every label present
    # The answers counting as satisfied, on the question config/sondage.yaml marks as the
    # satisfaction one (the text report's satisfaction line); empty on the others.
    satisfied: tuple[str, ...] = field(default=(), metadata={TEXT_ONLY: True})


@dataclass(frozen=True)
class SurveyResult:
    """A survey sent or answered during the period, with its counts so far: the report's
    `surveys` (contract §6)."""

    id: int
    title: str
    sent: int  # people it was sent to
    respondents: int  # people who answered at least one question
    questions: tuple[SurveyQuestion, ...]


def tally(row: SurveyRow, by_answer: Counter[tuple[int, int]], respondents: int) -> SurveyResult:
    """Every question with every answer label (0 when nobody chose it), in the survey's order."""
    survey = Survey.from_snapshot(row.definition)
    return SurveyResult(
        id=row.id or 0,
        title=survey.title,
        sent=row.sent,
        respondents=respondents,
        questions=tuple(
            SurveyQuestion(
                question=question.text,
                answers={label: by_answer[(q, a)] for a, label in enumerate(question.answers)},
                satisfied=question.satisfied,
            )
            for q, question in enumerate(survey.questions)
        ),
    )


async def result(session: AsyncSession, row: SurveyRow) -> SurveyResult:
    by_answer, respondents = await store.counts(session, row)
    return tally(row, by_answer, respondents)
