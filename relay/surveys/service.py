"""The CLS survey: previewed and sent by a coordinator, one question at a time through the
delivery outbox, answered by buttons, reminded once, closed, then purged of who answered what.

Sending writes one invitation and one direct notice per person in the transaction that opens
the survey, each notice keyed by survey and person: the outbox delivers it at the platform's
pace, retries it, and never queues it twice. Answers are changed in place until the closing;
a month after it only the counts stay (relay.store.surveys.purge).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from relay.delivery.notices import Notices
from relay.french_dates import as_utc
from relay.messages import Reply, UserRef
from relay.settings import Settings
from relay.states import SurveyState
from relay.store import notices as notice_store
from relay.store import surveys as store
from relay.store.db import Database
from relay.store.models import utcnow
from relay.store.models_surveys import Survey as SurveyRow
from relay.surveys import texts
from relay.surveys.definition import Survey, SurveyFile, SurveyFileError
from relay.surveys.results import result
from relay.wording import count

log = logging.getLogger(__name__)

PURGE_AFTER = timedelta(days=31)  # who answered what is kept a month after the closing
PREVIEW_LIFETIME = timedelta(hours=24)  # an older preview is shown again before sending


@dataclass(frozen=True)
class Upkeep:
    """What one round of `Surveys.upkeep` did."""

    closed: int = 0
    reminded: int = 0  # people reminded
    purged: int = 0


class Surveys:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        notices: Notices,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self._settings = settings
        self._notices = notices
        self.clock = clock

    def _until(self, moment: datetime | None) -> str:
        return texts.until(moment or self.clock(), self._settings.zone)

    async def preview(self, author: UserRef) -> Reply:
        """config/sondage.yaml as it reads now, with the people it would reach and Envoyer /
        Annuler buttons; or why it cannot be sent."""
        path = self._settings.survey_file
        if not path.exists():
            return Reply(texts.NO_FILE_TEXT.format(path=path))
        try:
            survey_file = SurveyFile.load(path)
        except SurveyFileError as error:
            return Reply(str(error))
        now, zone = self.clock(), self._settings.zone
        closes_at = survey_file.closes_at(now, zone)
        if closes_at <= now:
            assert survey_file.closes_on is not None
            return Reply(texts.PAST_CLOSING_TEXT.format(closes=survey_file.closes_on.isoformat()))
        remind_at = None
        if survey_file.reminder_after is not None and now + survey_file.reminder_after < closes_at:
            remind_at = now + survey_file.reminder_after
        survey = survey_file.survey
        async with self._db.write() as session:
            current = await store.open_survey(session, now)
            if current is not None:
                return Reply(self._already_open(current))
            reach = await store.reach(session)
            if not sum(reach.values()):
                return Reply(texts.NOBODY_TEXT)
            survey_id = await store.create_draft(
                session, survey.title, survey.snapshot(), str(author), closes_at, remind_at, now
            )
        reminds = self._until(remind_at) if remind_at else None
        return texts.preview(survey_id, survey, reach, self._until(closes_at), reminds)

    def _already_open(self, current: SurveyRow) -> str:
        return texts.ALREADY_OPEN_TEXT.format(
            title=current.title, until=self._until(current.closes_at)
        )

    async def send(self, survey_id: int) -> Reply:
        """Open the previewed survey and queue its first question for every person it reaches,
        in one transaction."""
        now = self.clock()
        async with self._db.write() as session:
            draft = await store.get(session, survey_id)
            if draft is None:
                return Reply(texts.CANCELLED_TEXT, edit_origin=True)
            if draft.status != SurveyState.DRAFT:
                return Reply(texts.ALREADY_SENT_TEXT)
            closes_at = as_utc(draft.closes_at or now)
            if as_utc(draft.created_at) + PREVIEW_LIFETIME < now or closes_at <= now:
                return Reply(texts.STALE_PREVIEW_TEXT, edit_origin=True)
            remind_at = as_utc(draft.remind_at) if draft.remind_at else None
            if not await store.mark_open(session, survey_id, now, closes_at, remind_at):
                current = await store.open_survey(session, now)
                return Reply(self._already_open(current) if current else texts.ALREADY_SENT_TEXT)
            survey = Survey.from_snapshot(draft.definition)
            first = texts.invitation(survey_id, survey, self._until(closes_at))
            invited = await store.invite(session, survey_id, now)
            for person in invited:
                key = f"survey:{survey_id}:{person.platform}:{person.user_id}"
                await notice_store.queue(session, store.chat_of(person), first, key=key)
        self._notices.wake()
        people = count(len(invited), "personne")
        closes = self._until(closes_at)
        text = texts.SENT_TEXT.format(title=survey.title, people=people, until=closes)
        return Reply(text, edit_origin=True)

    async def cancel(self, survey_id: int) -> Reply:
        async with self._db.write() as session:
            survey = await store.get(session, survey_id)
            if survey is not None and survey.status != SurveyState.DRAFT:
                return Reply(texts.ALREADY_SENT_TEXT)
            await store.delete_draft(session, survey_id)
        return Reply(texts.CANCELLED_TEXT, edit_origin=True)

    async def answer(self, user: UserRef, payload: str) -> Reply:
        """A press on an answer's button (`<survey>:<question>:<answer>`): recorded, and the
        next question asked; anything else is refused in French and changes nothing."""
        parts = payload.split(":")
        if len(parts) != 3 or not all(p.isdigit() and len(p) < 10 for p in parts):
            return Reply(texts.FORGED_TEXT)
        survey_id, number, choice = (int(p) for p in parts)
        now = self.clock()
        async with self._db.write() as session:
            row = await store.get(session, survey_id)
            if row is None or row.status == SurveyState.DRAFT:
                return Reply(texts.UNKNOWN_SURVEY_TEXT)
            closes_at = as_utc(row.closed_at or row.closes_at or now)
            if row.status != SurveyState.OPEN or closes_at <= now:
                return Reply(texts.CLOSED_TEXT.format(closed=self._until(closes_at)))
            invitation = await store.invitation_of(session, survey_id, user)
            if invitation is None:
                return Reply(texts.NOT_INVITED_TEXT)
            survey = Survey.from_snapshot(row.definition)
            if number >= len(survey.questions) or choice >= len(survey.questions[number].answers):
                return Reply(texts.FORGED_TEXT)
            label = survey.questions[number].answers[choice]
            before = await store.record(session, invitation, number, choice, now)
            if before == choice:
                return Reply(texts.ALREADY_NOTED_TEXT.format(answer=label))
            answered = await store.answers_of(session, invitation.id or 0)
        if before is None:
            lead = texts.NOTED_TEXT.format(answer=label)
        else:
            lead = texts.CHANGED_TEXT.format(answer=label, number=number + 1)
        following = texts.next_question(survey, answered, number)
        if following is None:
            return Reply(f"{lead} " + texts.ALL_DONE_TEXT.format(until=self._until(closes_at)))
        return texts.question_reply(survey_id, survey, following, lead)

    async def results(self) -> Reply:
        """The latest survey's counts and response rate."""
        now = self.clock()
        async with self._db.read() as session:
            row = await store.latest_sent(session)
            if row is None:
                return Reply(texts.NO_SURVEY_TEXT)
            counted = await result(session, row)
            complete = None
            if row.status != SurveyState.PURGED:
                total = len(counted.questions)
                unfinished = await store.unfinished(session, row.id or 0, total)
                complete = row.sent - len(unfinished)
        closes_at = as_utc(row.closed_at or row.closes_at or now)
        if row.status == SurveyState.OPEN and closes_at > now:
            state = texts.STATE_OPEN_TEXT.format(until=self._until(closes_at))
        else:
            state = texts.STATE_CLOSED_TEXT.format(until=self._until(closes_at))
        return Reply(texts.results(counted, state, complete))

    async def upkeep(self) -> Upkeep:
        """Close what is due, send the reminder that is due, purge who answered what a month
        after closing. Idempotent: run it as often as you like, from any process."""
        now = self.clock()
        async with self._db.write() as session:
            closed = await store.close_due(session, now)
        reminded = 0
        async with self._db.read() as session:
            due = await store.due_reminders(session, now)
        for row in due:
            reminded += await self._remind(row.id or 0, now)
        async with self._db.write() as session:
            purged = await store.due_purges(session, now - PURGE_AFTER)
            for row in purged:
                await store.purge(session, row, now)
        if reminded:
            self._notices.wake()
        return Upkeep(closed=len(closed), reminded=reminded, purged=len(purged))

    async def _remind(self, survey_id: int, now: datetime) -> int:
        """One reminder to each person who has not answered everything, in the transaction
        that marks the survey reminded."""
        async with self._db.write() as session:
            if not await store.mark_reminded(session, survey_id, now):
                return 0
            row = await store.get(session, survey_id)
            assert row is not None
            survey = Survey.from_snapshot(row.definition)
            closes = self._until(row.closes_at)
            people = await store.unfinished(session, survey_id, len(survey.questions))
            for person, answered in people:
                reply = texts.reminder(survey_id, survey, closes, answered)
                key = f"survey:{survey_id}:reminder:{person.platform}:{person.user_id}"
                await notice_store.queue(session, store.chat_of(person), reply, key=key)
        log.info("survey %s: reminder queued for %d people", survey_id, len(people))
        return len(people)
