"""The CLS survey: the survey sent, who it was sent to, what each person answered, and the
counts that stay once who answered what is purged (a month after closing)."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from relay.store.models import _utc_column, utcnow


def _survey_column() -> Column[int]:
    return Column(Integer, ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False, index=True)


class Survey(SQLModel, table=True):
    """One survey: a coordinator's preview (draft), then sent once. `definition` is the
    questions as sent (relay.surveys.definition.Survey's snapshot), whatever becomes of
    config/sondage.yaml. `open_guard` is 1 while it is open and NULL otherwise: its uniqueness
    keeps two surveys from being open at once, whichever processes send them."""

    __tablename__ = "surveys"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    definition: str
    status: str = Field(max_length=16, index=True)
    author: str | None = Field(default=None, max_length=100)  # platform:user id
    open_guard: int | None = Field(default=None, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    opened_at: datetime | None = Field(default=None, sa_column=_utc_column(True, index=True))
    closes_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    remind_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    reminded_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    closed_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    purged_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    sent: int = 0  # people it was sent to
    respondents: int = 0  # people who answered something: kept when the answers are purged


class SurveyInvitation(SQLModel, table=True):
    """One person a survey was sent to, and the private chat it went to."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        UniqueConstraint("survey_id", "platform", "user_id", name="uq_survey_invitation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(sa_column=_survey_column())
    platform: str = Field(max_length=16)
    user_id: str = Field(max_length=64, index=True)
    address: str = Field(max_length=64)
    invited_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class SurveyAnswer(SQLModel, table=True):
    """A person's answer to one question (indexes into the survey's definition); changed in
    place until the survey closes."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("survey_id", "invitation_id", "question", name="uq_survey_answer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(sa_column=_survey_column())
    invitation_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("survey_invitations.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    question: int
    answer: int
    answered_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    changed_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class SurveyCount(SQLModel, table=True):
    """How many people chose an answer to a question: written when a survey's answers are
    purged, and all that remains of them."""

    __tablename__ = "survey_counts"

    survey_id: int = Field(
        sa_column=Column(Integer, ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    )
    question: int = Field(primary_key=True)
    answer: int = Field(primary_key=True)
    count: int
