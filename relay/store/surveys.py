"""The CLS survey's tables: drafts, sending, answers, reminders, closing, purge, forgetting."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from relay.messages import ChatKind, ChatRef, Platform, UserRef
from relay.states import SurveyState
from relay.store.dialect import insert_ignoring_duplicates
from relay.store.models import Subscriber, Subscription
from relay.store.models_surveys import Survey, SurveyAnswer, SurveyCount, SurveyInvitation

SENT_STATES = (SurveyState.OPEN, SurveyState.CLOSED, SurveyState.PURGED)


def _reachable() -> ColumnElement[bool]:
    """A private chat, still reachable, subscribed to at least one theme."""
    subscribed = exists().where(col(Subscription.subscriber_id) == col(Subscriber.id))
    return and_(
        col(Subscriber.chat_kind) == ChatKind.PRIVATE.value,
        col(Subscriber.active),
        col(Subscriber.user_id).is_not(None),
        subscribed,
    )


async def reach(session: AsyncSession) -> Counter[str]:
    """The people a survey sent now would reach, by platform."""
    query = (
        select(col(Subscriber.platform), func.count())
        .where(_reachable())
        .group_by(col(Subscriber.platform))
    )
    return Counter({str(p): int(n) for p, n in (await session.execute(query)).all()})


async def create_draft(
    session: AsyncSession,
    title: str,
    definition: str,
    author: str,
    closes_at: datetime,
    remind_at: datetime | None,
    now: datetime,
) -> int:
    """A coordinator's preview, with the closing and reminder times it announced."""
    survey = Survey(
        created_at=now,
        title=title,
        definition=definition,
        status=SurveyState.DRAFT,
        author=author,
        closes_at=closes_at,
        remind_at=remind_at,
    )
    session.add(survey)
    await session.flush()
    assert survey.id is not None
    return survey.id


async def get(session: AsyncSession, survey_id: int) -> Survey | None:
    return await session.get(Survey, survey_id)


async def delete_draft(session: AsyncSession, survey_id: int) -> bool:
    result = await session.execute(
        delete(Survey).where(col(Survey.id) == survey_id, col(Survey.status) == SurveyState.DRAFT)
    )
    return bool(getattr(result, "rowcount", 0))


async def open_survey(session: AsyncSession, now: datetime) -> Survey | None:
    """The survey open now, if any (one past its closing time is not)."""
    found = await session.execute(
        select(Survey).where(col(Survey.status) == SurveyState.OPEN, col(Survey.closes_at) > now)
    )
    return found.scalars().first()


async def latest_sent(session: AsyncSession) -> Survey | None:
    found = await session.execute(
        select(Survey)
        .where(col(Survey.status).in_(SENT_STATES))
        .order_by(col(Survey.opened_at).desc(), col(Survey.id).desc())
        .limit(1)
    )
    return found.scalars().first()


async def close_due(session: AsyncSession, now: datetime) -> list[int]:
    """Close the open surveys whose closing time has come; returns their ids."""
    due = await session.execute(
        select(col(Survey.id)).where(
            col(Survey.status) == SurveyState.OPEN, col(Survey.closes_at) <= now
        )
    )
    ids = [int(survey_id) for survey_id in due.scalars() if survey_id is not None]
    if ids:
        await session.execute(
            update(Survey)
            .where(col(Survey.id).in_(ids), col(Survey.status) == SurveyState.OPEN)
            .values(status=SurveyState.CLOSED, open_guard=None, closed_at=col(Survey.closes_at))
        )
    return ids


async def mark_open(
    session: AsyncSession,
    survey_id: int,
    now: datetime,
    closes_at: datetime,
    remind_at: datetime | None,
) -> bool:
    """Open a draft, unless another survey is open: False then (or if it is no draft any
    more). The unique `open_guard` settles two processes opening surveys at the same time."""
    await close_due(session, now)
    other = aliased(Survey)
    other_open = select(col(other.id)).where(col(other.open_guard).is_not(None)).exists()
    result = await session.execute(
        update(Survey)
        .where(col(Survey.id) == survey_id, col(Survey.status) == SurveyState.DRAFT, ~other_open)
        .values(
            status=SurveyState.OPEN,
            open_guard=1,
            opened_at=now,
            closes_at=closes_at,
            remind_at=remind_at,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def invite(session: AsyncSession, survey_id: int, now: datetime) -> list[SurveyInvitation]:
    """One invitation per person reachable now (never two for one person); returns them."""
    chats = await session.execute(
        select(col(Subscriber.platform), col(Subscriber.user_id), col(Subscriber.address))
        .where(_reachable())
        .order_by(col(Subscriber.id))
    )
    rows = [
        {
            "survey_id": survey_id,
            "platform": platform,
            "user_id": user_id,
            "address": address,
            "invited_at": now,
        }
        for platform, user_id, address in chats.all()
    ]
    for start in range(0, len(rows), 500):
        await session.execute(
            insert_ignoring_duplicates(
                session,
                SurveyInvitation,
                rows[start : start + 500],
                ["survey_id", "platform", "user_id"],
            )
        )
    invited = await invitations(session, survey_id)
    await session.execute(
        update(Survey).where(col(Survey.id) == survey_id).values(sent=len(invited))
    )
    return invited


async def invitations(session: AsyncSession, survey_id: int) -> list[SurveyInvitation]:
    found = await session.execute(
        select(SurveyInvitation)
        .where(col(SurveyInvitation.survey_id) == survey_id)
        .order_by(col(SurveyInvitation.id))
    )
    return list(found.scalars())


def chat_of(invitation: SurveyInvitation) -> ChatRef:
    return ChatRef(Platform(invitation.platform), invitation.address, ChatKind.PRIVATE)


async def invitation_of(
    session: AsyncSession, survey_id: int, user: UserRef
) -> SurveyInvitation | None:
    found = await session.execute(
        select(SurveyInvitation).where(
            col(SurveyInvitation.survey_id) == survey_id,
            col(SurveyInvitation.platform) == user.platform.value,
            col(SurveyInvitation.user_id) == user.user_id,
        )
    )
    return found.scalar_one_or_none()


async def answers_of(session: AsyncSession, invitation_id: int) -> dict[int, int]:
    """A person's answers: question index -> answer index."""
    found = await session.execute(
        select(col(SurveyAnswer.question), col(SurveyAnswer.answer)).where(
            col(SurveyAnswer.invitation_id) == invitation_id
        )
    )
    return {int(q): int(a) for q, a in found.all()}


async def record(
    session: AsyncSession,
    invitation: SurveyInvitation,
    question: int,
    answer: int,
    now: datetime,
) -> int | None:
    """Record an answer, or change it; returns the answer it replaced (None if new, `answer`
    itself if it was already the one recorded: nothing changes then)."""
    row = {
        "survey_id": invitation.survey_id,
        "invitation_id": invitation.id,
        "question": question,
        "answer": answer,
        "answered_at": now,
        "changed_at": now,
    }
    inserted = await session.execute(
        insert_ignoring_duplicates(
            session, SurveyAnswer, [row], ["survey_id", "invitation_id", "question"]
        )
    )
    if getattr(inserted, "rowcount", 0):
        return None
    is_this = and_(
        col(SurveyAnswer.invitation_id) == invitation.id, col(SurveyAnswer.question) == question
    )
    before = (await session.execute(select(col(SurveyAnswer.answer)).where(is_this))).scalar_one()
    if before != answer:
        await session.execute(
            update(SurveyAnswer).where(is_this).values(answer=answer, changed_at=now)
        )
    return int(before)


async def counts(session: AsyncSession, survey: Survey) -> tuple[Counter[tuple[int, int]], int]:
    """How many people chose each (question, answer), and how many answered something: from
    the answers while they are kept, from the counts kept after the purge."""
    if survey.status == SurveyState.PURGED:
        kept = await session.execute(
            select(
                col(SurveyCount.question), col(SurveyCount.answer), col(SurveyCount.count)
            ).where(col(SurveyCount.survey_id) == survey.id)
        )
        return Counter({(int(q), int(a)): int(n) for q, a, n in kept.all()}), survey.respondents
    chosen = await session.execute(
        select(col(SurveyAnswer.question), col(SurveyAnswer.answer), func.count())
        .where(col(SurveyAnswer.survey_id) == survey.id)
        .group_by(col(SurveyAnswer.question), col(SurveyAnswer.answer))
    )
    people = await session.execute(
        select(func.count(func.distinct(col(SurveyAnswer.invitation_id)))).where(
            col(SurveyAnswer.survey_id) == survey.id
        )
    )
    by_answer = Counter({(int(q), int(a)): int(n) for q, a, n in chosen.all()})
    return by_answer, int(people.scalar_one())


async def due_reminders(session: AsyncSession, now: datetime) -> list[Survey]:
    found = await session.execute(
        select(Survey).where(
            col(Survey.status) == SurveyState.OPEN,
            col(Survey.reminded_at).is_(None),
            col(Survey.remind_at) <= now,
            col(Survey.closes_at) > now,
        )
    )
    return list(found.scalars())


async def mark_reminded(session: AsyncSession, survey_id: int, now: datetime) -> bool:
    """Claim a survey's reminder: False if it was sent already (by another process)."""
    result = await session.execute(
        update(Survey)
        .where(col(Survey.id) == survey_id, col(Survey.reminded_at).is_(None))
        .values(reminded_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def unfinished(
    session: AsyncSession, survey_id: int, questions: int
) -> list[tuple[SurveyInvitation, dict[int, int]]]:
    """The people who have not answered every question yet, with what they answered."""
    rows = await invitations(session, survey_id)
    found = await session.execute(
        select(
            col(SurveyAnswer.invitation_id), col(SurveyAnswer.question), col(SurveyAnswer.answer)
        ).where(col(SurveyAnswer.survey_id) == survey_id)
    )
    answered: dict[int, dict[int, int]] = {}
    for invitation_id, question, answer in found.all():
        answered.setdefault(int(invitation_id), {})[int(question)] = int(answer)
    return [
        (invitation, answered.get(invitation.id or 0, {}))
        for invitation in rows
        if len(answered.get(invitation.id or 0, {})) < questions
    ]


async def due_purges(session: AsyncSession, before: datetime) -> list[Survey]:
    """Closed surveys whose closing came before `before`."""
    found = await session.execute(
        select(Survey).where(
            col(Survey.status) == SurveyState.CLOSED, col(Survey.closed_at) <= before
        )
    )
    return list(found.scalars())


async def purge(session: AsyncSession, survey: Survey, now: datetime) -> None:
    """Keep only the counts: who answered what, and who it was sent to, are deleted."""
    by_answer, respondents = await counts(session, survey)
    rows = [
        {"survey_id": survey.id, "question": q, "answer": a, "count": n}
        for (q, a), n in sorted(by_answer.items())
    ]
    if rows:
        await session.execute(
            insert_ignoring_duplicates(
                session, SurveyCount, rows, ["survey_id", "question", "answer"]
            )
        )
    await session.execute(delete(SurveyAnswer).where(col(SurveyAnswer.survey_id) == survey.id))
    await session.execute(
        delete(SurveyInvitation).where(col(SurveyInvitation.survey_id) == survey.id)
    )
    await session.execute(
        update(Survey)
        .where(col(Survey.id) == survey.id)
        .values(status=SurveyState.PURGED, purged_at=now, respondents=respondents)
    )


async def forget(session: AsyncSession, user: UserRef) -> None:
    """/oublier: the person's answers and invitations, to every survey."""
    theirs = select(col(SurveyInvitation.id)).where(
        col(SurveyInvitation.platform) == user.platform.value,
        col(SurveyInvitation.user_id) == user.user_id,
    )
    await session.execute(delete(SurveyAnswer).where(col(SurveyAnswer.invitation_id).in_(theirs)))
    await session.execute(
        delete(SurveyInvitation).where(
            col(SurveyInvitation.platform) == user.platform.value,
            col(SurveyInvitation.user_id) == user.user_id,
        )
    )


async def in_period(session: AsyncSession, start: datetime, end: datetime) -> Sequence[Survey]:
    """The surveys open at some moment of [start, end): sent or answerable then."""
    ended = func.coalesce(col(Survey.closed_at), col(Survey.closes_at))
    found = await session.execute(
        select(Survey)
        .where(
            col(Survey.status).in_(SENT_STATES),
            col(Survey.opened_at) < end,
            or_(ended.is_(None), ended > start),
        )
        .order_by(col(Survey.opened_at), col(Survey.id))
    )
    return list(found.scalars())
