"""The CLS survey: /sondage previews and sends config/sondage.yaml through the delivery outbox,
partners answer by buttons and may change an answer until the closing, one reminder, the purge
of who answered what a month after the closing (the counts stay), /oublier, bad presses, and
the report's keys. Run on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import col

from relay.app import Relay
from relay.messages import ChatKind, Incoming, Reply
from relay.reports import formats
from relay.reports.model import Month
from relay.reports.monthly import build_report
from relay.store import notices as notice_store
from relay.store.models import DirectNotice
from relay.store.models_surveys import SurveyAnswer, SurveyCount, SurveyInvitation
from relay.wording import count
from tests.chat import ChatUser
from tests.scheduled_support import Clock
from tests.test_delivery import subscribe
from tests.test_scheduler import running_scheduler

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
LABELS = ["Oui", "Plutôt oui", "Plutôt non", "Non", "Je ne sais pas"]
QUESTIONS = 5


def private(relay: Relay, user_id: str) -> ChatUser:
    return ChatUser.private(relay, user_id)


async def survey_notices(relay: Relay, address: str) -> list[Reply]:
    """What the outbox holds for this private chat from the survey, in order."""
    async with relay.db.read() as session:
        rows = await session.execute(
            select(DirectNotice)
            .where(col(DirectNotice.address) == address, col(DirectNotice.key).like("survey:%"))
            .order_by(col(DirectNotice.id))
        )
        return [notice_store.as_reply(notice) for notice in rows.scalars()]


async def answer(person: ChatUser, question: Reply, label: str) -> str:
    """`person` presses `label` under `question`, a message they received."""
    person.last = [question]
    return await person.press(label)


async def count_rows(relay: Relay, model: type) -> int:
    async with relay.db.read() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def sent_survey(relay: Relay, people: list[str]) -> tuple[ChatUser, Reply]:
    """Subscribe `people` in private chats (and a group, which is not asked), then the
    coordinator previews and sends the survey at START; returns the coordinator."""
    relay.surveys.clock = Clock(START)
    for address in people:
        await subscribe(relay, address, ["addictions"])
    await subscribe(relay, "-100777", ["addictions"], ChatKind.GROUP)
    coordinator = private(relay, "1000")
    preview = await coordinator.say("/sondage")
    reached = count(len(people), "personne abonnée", "personnes abonnées")
    assert f"envoyé à {reached} en conversation privée" in preview
    assert "(Telegram" in preview and "Questionnaire annuel du Contrat Local de Santé" in preview
    assert [b.label for b in coordinator.buttons()] == ["Envoyer", "Annuler"]
    [shown] = coordinator.last
    assert isinstance(shown, Reply)
    sent = await coordinator.press("Envoyer")
    assert f"envoyé à {count(len(people), 'personne')} ;" in sent
    return coordinator, shown


async def test_envoyer_queues_the_first_question_once_per_person(relay: Relay) -> None:
    coordinator, preview = await sent_survey(relay, ["11", "12", "13"])
    for address in ("11", "12", "13"):
        [invitation] = await survey_notices(relay, address)
        assert "Question 1/5 : Le CLS vous a-t-il aidé à identifier les missions" in invitation.text
        assert [b.label for row in invitation.buttons for b in row] == LABELS
    assert await survey_notices(relay, "-100777") == [], "a group is not a person"
    assert await count_rows(relay, SurveyInvitation) == 3

    # Envoyer pressed again, or a second survey: nothing goes twice.
    assert "déjà été envoyé" in await answer(coordinator, preview, "Envoyer")
    assert "déjà en cours" in await coordinator.say("/survey")
    assert coordinator.buttons() == []
    assert await count_rows(relay, DirectNotice) == 3


async def test_only_one_survey_open_even_from_two_previews(relay: Relay) -> None:
    relay.surveys.clock = Clock(START)
    await subscribe(relay, "11", ["addictions"])
    first, second = private(relay, "1000"), private(relay, "1000")
    await first.say("/sondage")
    await second.say("/sondage")
    assert "envoyé à 1 personne" in await first.press("Envoyer")
    refused = await second.press("Envoyer")
    assert "déjà en cours" in refused and "un seul à la fois" in refused
    assert len(await survey_notices(relay, "11")) == 1


async def test_annuler_sends_nothing(relay: Relay) -> None:
    relay.surveys.clock = Clock(START)
    await subscribe(relay, "11", ["addictions"])
    coordinator = private(relay, "1000")
    await coordinator.say("/sondage")
    assert "rien n'a été envoyé" in await coordinator.press("Annuler")
    assert await survey_notices(relay, "11") == []
    assert "Aucun questionnaire n'a encore été envoyé" in await coordinator.say(
        "/sondage resultats"
    )


async def test_sondage_is_for_coordinators_and_needs_someone_to_ask(relay: Relay) -> None:
    partner = private(relay, "11")
    assert "réservée aux coordinateurs" in await partner.say("/sondage")
    coordinator = private(relay, "1000")
    assert "n'atteindrait personne" in await coordinator.say("/sondage")
    assert coordinator.buttons() == []


async def test_answers_one_question_at_a_time_changed_until_the_closing(relay: Relay) -> None:
    coordinator, _ = await sent_survey(relay, ["11", "12"])
    camille, dominique = private(relay, "11"), private(relay, "12")
    [first] = await survey_notices(relay, "11")

    said = await answer(camille, first, "Oui")
    assert "C'est noté : « Oui »." in said and "Question 2/5 : Le CLS a-t-il amélioré" in said
    second = camille.last[0]
    assert isinstance(second, Reply)
    assert "déjà notée : rien n'a changé" in await answer(camille, first, "Oui")
    changed = await answer(camille, first, "Plutôt non")
    assert "Réponse modifiée : « Plutôt non » à la question 1." in changed
    assert "Question 2/5" in changed, "the next question not answered yet"

    await answer(camille, second, "Plutôt oui")
    for _ in range(QUESTIONS - 2):
        said = await camille.press("Oui")
    assert "vous avez répondu à toutes les questions" in said
    assert camille.buttons() == []
    [dominique_first] = await survey_notices(relay, "12")
    await answer(dominique, dominique_first, "Je ne sais pas")

    results = await coordinator.say("/sondage resultats")
    assert "2 répondants sur 2 personnes interrogées (100 %), dont 1 à tout" in results
    assert "Plutôt non 1" in results and "Je ne sais pas 1" in results
    assert "1. Le CLS vous a-t-il aidé" in results and "Oui 0" in results
    assert await count_rows(relay, SurveyAnswer) == QUESTIONS + 1

    # After the closing, an answer is refused and nothing changes.
    relay.surveys.clock = Clock(START + timedelta(days=22))
    closed = await answer(camille, first, "Non")
    assert "Ce questionnaire est clos depuis le" in closed and "pas été enregistrée" in closed
    assert "Plutôt non 1" in await coordinator.say("/sondage resultats")


async def test_bad_presses_are_answered_in_french_and_change_nothing(relay: Relay) -> None:
    await sent_survey(relay, ["11"])
    [first] = await survey_notices(relay, "11")
    stranger = private(relay, "99")
    assert "ne vous a pas été envoyé" in await answer(stranger, first, "Oui")
    camille = private(relay, "11")
    cases = {
        "sv:1:0": "n'est pas valable",
        "sv:1:x:0": "n'est pas valable",
        "sv:1:0:99": "n'est pas valable",
        "sv:1:42:0": "n'est pas valable",
        "sv:-1:0:0": "n'est pas valable",
        "sv:77:0:0": "n'existe plus",
    }
    for action, expected in cases.items():
        [said] = await relay.router.handle(Incoming(camille.chat, camille.user, action=action))
        assert expected in said.text, (action, said.text)
    assert await count_rows(relay, SurveyAnswer) == 0
    # A partner cannot send a survey by forging the coordinator's button either.
    [said] = await relay.router.handle(Incoming(camille.chat, camille.user, action="survey:send:1"))
    assert "réservée aux coordinateurs" in said.text


async def test_one_reminder_to_whoever_has_not_answered_everything(relay: Relay) -> None:
    await sent_survey(relay, ["11", "12", "13"])
    finished, halfway = private(relay, "11"), private(relay, "12")
    [question] = await survey_notices(relay, "11")
    await answer(finished, question, "Oui")
    for _ in range(QUESTIONS - 1):
        await finished.press("Oui")
    [question] = await survey_notices(relay, "12")
    await answer(halfway, question, "Non")

    clock = Clock(START + timedelta(days=6))
    relay.surveys.clock = clock
    async with running_scheduler(relay) as scheduler:
        await scheduler.survey_upkeep()
        assert await survey_notices(relay, "12") == [question], "not before its day"
        clock.set(START + timedelta(days=7, minutes=1))
        await scheduler.survey_upkeep()
        await scheduler.survey_upkeep()  # a second round sends nothing more
    assert len(await survey_notices(relay, "11")) == 1, "who answered everything is left alone"
    _, reminder = await survey_notices(relay, "12")
    assert "Petit rappel" in reminder.text and "Il vous reste 4 questions" in reminder.text
    assert "Question 2/5" in reminder.text
    _, untouched = await survey_notices(relay, "13")
    assert "Il vous reste 5 questions" in untouched.text and "Question 1/5" in untouched.text
    assert "C'est noté : « Oui »" in await answer(halfway, reminder, "Oui")


async def test_the_purge_keeps_only_the_counts(relay: Relay) -> None:
    coordinator, _ = await sent_survey(relay, ["11", "12"])
    camille = private(relay, "11")
    [question] = await survey_notices(relay, "11")
    await answer(camille, question, "Plutôt oui")
    before = await coordinator.say("/sondage resultats")

    relay.surveys.clock = Clock(START + timedelta(days=21 + 30))
    await relay.surveys.upkeep()
    assert await count_rows(relay, SurveyAnswer) == 1, "kept a month after the closing"
    relay.surveys.clock = Clock(START + timedelta(days=21 + 32))
    done = await relay.surveys.upkeep()
    assert done.purged == 1
    assert (await count_rows(relay, SurveyAnswer), await count_rows(relay, SurveyInvitation)) == (
        0,
        0,
    )
    assert await count_rows(relay, SurveyCount) == 1
    after = await coordinator.say("/sondage resultats")
    assert after.split(" (")[0] == before.split(" (")[0]
    assert "1 répondant sur 2 personnes interrogées (50 %)" in after
    assert "Plutôt oui 1" in after
    assert "clos" in await answer(camille, question, "Non")
    assert (await relay.surveys.upkeep()).purged == 0


async def test_oublier_removes_the_answers_and_the_invitation(relay: Relay) -> None:
    await sent_survey(relay, ["11", "12"])
    camille = private(relay, "11")
    [question] = await survey_notices(relay, "11")
    await answer(camille, question, "Oui")
    await camille.say("/oublier")
    await camille.press("Oui, tout effacer")
    async with relay.db.read() as session:
        invited = (await session.execute(select(col(SurveyInvitation.user_id)))).scalars().all()
    assert list(invited) == ["12"]
    assert await count_rows(relay, SurveyAnswer) == 0
    assert "ne vous a pas été envoyé" in await answer(camille, question, "Non")


async def test_the_report_lists_the_surveys_of_the_month(relay: Relay) -> None:
    await sent_survey(relay, ["11", "12", "13", "14"])
    for address, satisfied in (("11", "Oui"), ("12", "Plutôt oui"), ("13", "Non")):
        person = private(relay, address)
        [question] = await survey_notices(relay, address)
        await answer(person, question, "Oui")
        for _ in range(QUESTIONS - 2):
            await person.press("Oui")
        await person.press(satisfied)
    now = START + timedelta(days=40)
    report = await build_report(relay.db, relay.settings, relay.themes, Month(2027, 1), now)
    [survey] = report.to_dict()["surveys"]
    assert set(survey) == {"id", "title", "sent", "respondents", "questions"}
    assert (survey["sent"], survey["respondents"]) == (4, 3)
    last = survey["questions"][-1]
    assert set(last) == {"question", "answers"}
    assert last["answers"] == {
        "Oui": 1,
        "Plutôt oui": 1,
        "Plutôt non": 0,
        "Non": 1,
        "Je ne sais pas": 0,
    }
    text = formats.text(report, relay.themes)
    assert (
        "• Satisfaction des usagers et avis des partenaires : questionnaire « Questionnaire "
        "annuel du Contrat Local de Santé » : 3 répondants sur 4 (75 %) ; satisfaits "
        "(« Oui » ou « Plutôt oui ») : 2 sur 3 réponses (67 %)"
    ) in text
    rows = formats.to_csv(report).splitlines()
    assert "surveys,respondents,1,3" in rows
    assert (
        "surveys,answers.1,Êtes-vous satisfait(e) des informations relayées par le CLS ? | Non,1"
        in rows
    )
    for month in (Month(2026, 12), Month(2027, 3)):
        other = await build_report(
            relay.db, relay.settings, relay.themes, month, now + timedelta(days=60)
        )
        assert other.surveys == ()


async def test_aide_lists_sondage_for_coordinators_only(relay: Relay) -> None:
    assert "/sondage" in await private(relay, "1000").say("/aide")
    assert "/sondage" not in await private(relay, "11").say("/aide")
