"""A survey's counts as the report and /sondage resultats show them."""

from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from relay.reports.model import SurveyQuestion, SurveyResult
from relay.store import surveys as store
from relay.store.models_surveys import Survey as SurveyRow
from relay.surveys.definition import Survey


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
