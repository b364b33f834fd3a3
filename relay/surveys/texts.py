"""Everything the survey says, in French: to partners (questions, acknowledgements, refusals)
and to coordinators (preview, sending, results)."""

from datetime import datetime, timedelta, tzinfo

from relay.french_dates import as_utc, long_date, long_datetime
from relay.messages import Button, Reply
from relay.surveys.definition import Survey
from relay.surveys.results import SurveyResult
from relay.wording import count

ANSWER_ACTION = "sv:"  # sv:<survey>:<question>:<answer>, short for Telegram's 64 bytes
ADMIN_ACTION = "survey:"
SEND, CANCEL = "send:", "cancel:"

INVITATION_TEXT = (
    "📋 Le Contrat Local de Santé vous pose {questions} courtes : « {title} ». "
    "{introduction}Répondez avec les boutons, une question à la fois ; vous pourrez changer "
    "une réponse jusqu'au {until}."
)
REMINDER_TEXT = (
    "📋 Petit rappel : le questionnaire du CLS « {title} » se termine le {until}. "
    "Il vous reste {left}."
)
QUESTION_TEXT = "Question {number}/{total} : {question}"
NOTED_TEXT = "C'est noté : « {answer} »."
CHANGED_TEXT = "Réponse modifiée : « {answer} » à la question {number}."
ALL_DONE_TEXT = (
    "Merci, vous avez répondu à toutes les questions ! Vous pouvez encore changer une réponse "
    "avec les boutons de sa question, jusqu'au {until}."
)
ALREADY_NOTED_TEXT = "Votre réponse « {answer} » était déjà notée : rien n'a changé."
CLOSED_TEXT = (
    "Ce questionnaire est clos depuis le {closed} : votre réponse n'a pas été enregistrée. "
    "Merci de votre participation !"
)
NOT_INVITED_TEXT = (
    "Ce questionnaire ne vous a pas été envoyé (ou vous avez demandé à être oublié) : "
    "votre réponse n'a pas été enregistrée."
)
UNKNOWN_SURVEY_TEXT = "Ce questionnaire n'existe plus : votre réponse n'a pas été enregistrée."
FORGED_TEXT = "Ce bouton n'est pas valable : rien n'a été enregistré."

PREVIEW_TEXT = (
    "Aperçu du questionnaire « {title} » ({questions}) :\n{lines}\n\n"
    "Il sera envoyé à {people} en conversation privée ({platforms}), une question "
    "à la fois, avec des boutons. Clôture le {until}{reminder}. Qui a répondu quoi est effacé "
    "un mois après la clôture ; seuls les totaux restent."
)
PREVIEW_QUESTION_TEXT = "{number}. {question} ({answers})"
PREVIEW_REMINDER_TEXT = " ; un rappel le {when} à qui n'aura pas tout répondu"
NO_FILE_TEXT = (
    "Aucun questionnaire n'est configuré : créez {path} (un modèle est décrit dans le README, "
    "« Survey ») puis tapez à nouveau /sondage."
)
NOBODY_TEXT = (
    "Personne n'est abonné en conversation privée : le questionnaire n'atteindrait personne. "
    "Rien n'a été envoyé."
)
PAST_CLOSING_TEXT = (
    "La date de clôture de config/sondage.yaml ({closes}) est passée : corrigez-la (« closes » "
    "ou « duration_days ») avant d'envoyer le questionnaire."
)
ALREADY_OPEN_TEXT = (
    "Un questionnaire est déjà en cours (« {title} », clôture le {until}) : un seul à la fois. "
    "/sondage resultats pour suivre ses réponses."
)
SENT_TEXT = (
    "Questionnaire « {title} » envoyé à {people} ; clôture le {until}. "
    "/sondage resultats pour suivre les réponses."
)
ALREADY_SENT_TEXT = "Ce questionnaire a déjà été envoyé. /sondage resultats pour ses réponses."
STALE_PREVIEW_TEXT = "Cet aperçu est trop ancien : tapez /sondage pour en afficher un nouveau."
CANCELLED_TEXT = "Questionnaire annulé : rien n'a été envoyé."
NO_SURVEY_TEXT = "Aucun questionnaire n'a encore été envoyé. /sondage pour en envoyer un."
RESULTS_TEXT = (
    "Résultats du questionnaire « {title} » ({state}) : {respondents} sur {sent} "
    "({rate}){complete}."
)
COMPLETE_TEXT = ", dont {people} à tout"
RESULTS_QUESTION_TEXT = "{number}. {question}\n   {answers}"
STATE_OPEN_TEXT = "en cours jusqu'au {until}"
STATE_CLOSED_TEXT = "clos le {until}"
NO_ANSWER_YET = "pas encore de réponse"
SEND_BUTTON, CANCEL_BUTTON = "Envoyer", "Annuler"
PLATFORM_NAMES = {"telegram": "Telegram", "slack": "Slack", "console": "console"}


def until(moment: datetime, zone: tzinfo) -> str:
    """'mardi 29 décembre 2026 à 10 h', or 'mardi 29 décembre 2026 inclus' for a closing at
    midnight (a closing date)."""
    local = as_utc(moment).astimezone(zone)
    if (local.hour, local.minute) == (0, 0):
        return long_date((local - timedelta(days=1)).date()) + " inclus"
    return long_datetime(moment, zone)


def question_reply(survey_id: int, survey: Survey, number: int, lead: str = "") -> Reply:
    """Question `number` (from 0) with one button per answer, after `lead` if any."""
    question = survey.questions[number]
    text = QUESTION_TEXT.format(
        number=number + 1, total=len(survey.questions), question=question.text
    )
    rows = tuple(
        (Button(label, f"{ANSWER_ACTION}{survey_id}:{number}:{a}"),)
        for a, label in enumerate(question.answers)
    )
    return Reply(f"{lead}\n\n{text}" if lead else text, buttons=rows)


def invitation(survey_id: int, survey: Survey, closes: str) -> Reply:
    lead = INVITATION_TEXT.format(
        questions=count(len(survey.questions), "question"),
        title=survey.title,
        introduction=f"{survey.introduction} " if survey.introduction else "",
        until=closes,
    )
    return question_reply(survey_id, survey, 0, lead)


def reminder(survey_id: int, survey: Survey, closes: str, answered: dict[int, int]) -> Reply:
    left = len(survey.questions) - len(answered)
    lead = REMINDER_TEXT.format(title=survey.title, until=closes, left=count(left, "question"))
    return question_reply(survey_id, survey, next_question(survey, answered, -1) or 0, lead)


def next_question(survey: Survey, answered: dict[int, int], after: int) -> int | None:
    """The first question not answered yet, looking after `after` first."""
    total = len(survey.questions)
    for step in range(1, total + 1):
        number = (after + step) % total
        if number not in answered:
            return number
    return None


def preview(
    survey_id: int, survey: Survey, reach: dict[str, int], closes: str, reminds: str | None
) -> Reply:
    lines = "\n".join(
        PREVIEW_QUESTION_TEXT.format(number=n, question=q.text, answers=" / ".join(q.answers))
        for n, q in enumerate(survey.questions, start=1)
    )
    platforms = ", ".join(f"{PLATFORM_NAMES.get(p, p)} {n}" for p, n in sorted(reach.items()) if n)
    text = PREVIEW_TEXT.format(
        title=survey.title,
        questions=count(len(survey.questions), "question"),
        lines=lines,
        people=count(sum(reach.values()), "personne abonnée", "personnes abonnées"),
        platforms=platforms,
        until=closes,
        reminder=PREVIEW_REMINDER_TEXT.format(when=reminds) if reminds else "",
    )
    buttons = (
        (
            Button(SEND_BUTTON, f"{ADMIN_ACTION}{SEND}{survey_id}"),
            Button(CANCEL_BUTTON, f"{ADMIN_ACTION}{CANCEL}{survey_id}"),
        ),
    )
    return Reply(text, buttons=buttons)


def rate(respondents: int, sent: int) -> str:
    return f"{round(100 * respondents / sent)} %" if sent else "—"


def results(result: SurveyResult, state: str, complete: int | None) -> str:
    """The counts as /sondage resultats gives them; `complete`: how many answered everything
    (unknown once the answers are purged)."""
    lines = [
        RESULTS_TEXT.format(
            title=result.title,
            state=state,
            respondents=count(result.respondents, "répondant"),
            sent=count(result.sent, "personne interrogée", "personnes interrogées"),
            rate=rate(result.respondents, result.sent),
            complete="" if complete is None else COMPLETE_TEXT.format(people=complete),
        )
    ]
    for number, question in enumerate(result.questions, start=1):
        answers = ", ".join(f"{label} {n}" for label, n in question.answers.items())
        shown = RESULTS_QUESTION_TEXT.format(
            number=number, question=question.question, answers=answers
        )
        lines.append(shown)
    return "\n".join(lines)
