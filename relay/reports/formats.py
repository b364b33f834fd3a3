"""The monthly report as French text (chat, terminal), JSON and CSV."""

import csv
import io
import json
from typing import Any

from relay.announcements import PLATFORM_LABELS
from relay.french_dates import month_label
from relay.meetings.service import KIND_LABELS
from relay.messages import AnnouncementKind
from relay.reports.model import (
    Deliveries,
    DeliveryCounts,
    Directory,
    FeedInError,
    Information,
    Meetings,
    MonthlyReport,
    QuestionCount,
    RelayRequests,
    Span,
    SubscriberCounts,
    Subscribers,
    Year,
)
from relay.states import AnnouncementSource, MeetingKind
from relay.surveys.results import SurveyResult
from relay.themes import ALL_THEMES, ThemeCatalogue
from relay.wording import agree

TITLE_TEXT = "Rapport du relais d'information du CLS — {month}"
YEAR_TITLE_TEXT = "année {year}"
INFORMATION_TEXT = "Informations relayées : {total}"
BY_SOURCE_TEXT = "• par origine : {items}"
BY_KIND_TEXT = "• par nature : {items}"
BY_THEME_TEXT = "• par thème : {items}"
SOURCE_LABELS: dict[str, str] = {
    AnnouncementSource.COORDINATOR: "coordination",
    AnnouncementSource.PROPOSAL: "propositions de partenaires",
    AnnouncementSource.FEED: "flux RSS",
}
DELIVERIES_TEXT = "Messages remis : {delivered} ({failed} en échec, {unreachable}) ; {chats}"
DELIVERY_LINE_TEXT = "• {platform} : {delivered} remis, {failed} en échec, {unreachable}, {chats}"
NOTICES_TEXT = "Invitations et rappels de réunion remis : {count}"
REQUESTS_TEXT = (
    "Demandes de relais des partenaires : {received}, {accepted}, {refused}, {pending} en attente"
)
SUBSCRIBERS_TEXT = "Abonnés (chats) : {total} (nouveaux : {new}, départs : {left})"
PLATFORM_LINE_TEXT = "• {platform} : {total} (nouveaux : {new}, départs : {left})"
THEME_SUBSCRIBERS_TEXT = "• par thème : {items}"
THEME_ITEM_TEXT = "{label} {total} (+{new}, −{left})"
DIRECTORY_TEXT = "Questions à l'annuaire : {questions}, dont {unanswered} sans réponse"
TOP_TEXT = "• les plus posées : {items}"
WEB_TEXT = "• sur le site : {web_searches}, {web_entry_views}"
TOP_UNANSWERED_TEXT = "• sans réponse : {items}"
MEETINGS_TEXT = "Réunions tenues : {held}{detail} ; participants notés : {participants}"
MEETINGS_DETAIL_TEXT = " ({items})"
RSVPS_TEXT = "• réponses aux invitations : {yes} oui, {maybe} peut-être, {no} non"
CANCELLED_TEXT = "• réunions annulées : {count}"
FEEDS_TEXT = "Flux en échec : {items}"
FEED_ITEM_TEXT = "{name} ({failures} : {error})"
NONE = "aucune"
NO_SUBSCRIBER = "aucun abonné"
CHART_NOTE = "Graphique joint : informations relayées par thème sur douze mois."
# The CLS's own indicators, named as its action sheets word them.
INDICATORS = "Indicateurs du CLS"
PARTNERS_TEXT = "• Nombre de partenaires participant au CLS (profils et abonnements) : {total}"
TYPOLOGY_TEXT = "• Typologie des acteurs ({described}) : {items}"
RELAYED_TEXT = "• Nombre d'informations relayées : {count}"
ASKING_TEXT = "• Nombre de partenaires sollicitant un relais d'information : {count}"
HELD_TEXT = (
    "• Nombre de réunions (COPIL, groupes de travail, équipe projet) : {held} ; "
    "participants : {participants}"
)
CONSULTATIONS_TEXT = (
    "• Consultations de l'annuaire par les professionnels : {professionals} ; par les "
    "habitants : {inhabitants} ; sans profil : {unknown} ; sur le site : {searches}, {views}"
)
SATISFACTION_TEXT = "• Satisfaction des usagers et avis des partenaires : {detail}"
NO_SURVEY = "aucun questionnaire sur la période"
SURVEY_TEXT = "questionnaire « {title} » : {respondents} sur {sent} ({rate}){satisfied}"
SATISFIED_TEXT = " ; satisfaits ({answers}) : {satisfied} sur {answered} ({rate})"
SURVEY_QUESTION_TEXT = "  – {question} : {answers}"
NO_ANSWER = "pas encore de réponse"
# Short names of the kinds of structure (config/typologie.yaml's slugs) for one line of text.
KIND_NAMES = {
    "medical": "médical",
    "paramedical": "paramédical",
    "medico-social": "médico-social",
    "social": "social",
    "prevention": "prévention",
    "education": "éducation-formation",
    "culture-loisirs": "culture-loisirs",
    "collectivite": "collectivités",
    "habitant": "habitants",
    "autre": "autres",
}
KIND_PLURALS = {
    AnnouncementKind.EVENT.value: "événements",
    AnnouncementKind.CALL_FOR_PROJECTS.value: "appels à projets",
    AnnouncementKind.INFORMATION.value: "informations",
}
MEETING_PLURALS: dict[str, str] = {
    MeetingKind.COPIL: "COPIL",
    MeetingKind.WORKING_GROUP: "groupes de travail",
    MeetingKind.PROJECT_TEAM: "équipes projet",
}


def number(n: int) -> str:
    """1 234 with a narrow no-break space, the French way."""
    return f"{n:,}".replace(",", "\u202f")


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """« 1 chat », « 1 234 chats »: the number the French way, and its word agreeing."""
    return f"{number(n)} {agree(n, singular, plural)}"


def described(n: int) -> str:
    """« 2 profils renseignés »: the profiles the typology counts."""
    return counted(n, "profil renseigné", "profils renseignés")


def _items(pairs: list[tuple[str, int]]) -> str:
    shown = [f"{label} {number(n)}" for label, n in pairs if n]
    return ", ".join(shown) or NONE


def theme_label(slug: str, catalogue: ThemeCatalogue) -> str:
    return "tous les thèmes" if slug == ALL_THEMES else catalogue.label(slug)


def platform_label(platform: str) -> str:
    return PLATFORM_LABELS.get(platform, platform)


def title(span: Span) -> str:
    """« Rapport du relais d'information du CLS — novembre 2026 » (or « — année 2026 »)."""
    if isinstance(span, Year):
        return TITLE_TEXT.format(month=YEAR_TITLE_TEXT.format(year=span.year))
    return TITLE_TEXT.format(month=month_label(span.year, span.month))


def text(report: MonthlyReport, catalogue: ThemeCatalogue) -> str:
    """The report as coordinators read it: one paragraph per section."""
    sections = [
        [title(report.month)],
        _indicators(report),
        _information(report.information, catalogue),
        _deliveries(report.deliveries),
        [_requests(report.relay_requests)],
        _subscribers(report.subscribers, catalogue),
        _directory(report.directory),
        _meetings(report.meetings),
        _feeds(report.feeds_in_error),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def _indicators(report: MonthlyReport) -> list[str]:
    partners, directory, meetings = report.partners, report.directory, report.meetings
    kinds = [(KIND_NAMES.get(k, k), n) for k, n in partners.by_type.items()]
    asked = directory.questions_by_asker
    surveys = [_survey(s) for s in report.surveys]
    lines = [
        INDICATORS,
        PARTNERS_TEXT.format(total=number(partners.total)),
        TYPOLOGY_TEXT.format(
            described=described(sum(partners.by_type.values())), items=_items(kinds)
        ),
        RELAYED_TEXT.format(count=number(report.information.total)),
        ASKING_TEXT.format(count=counted(report.relay_requests.received, "demande")),
        HELD_TEXT.format(held=number(meetings.held), participants=number(meetings.participants)),
        CONSULTATIONS_TEXT.format(
            professionals=number(asked.get("professionnel", 0)),
            inhabitants=number(asked.get("habitant", 0)),
            unknown=number(asked.get("inconnu", 0)),
            searches=counted(directory.web_searches, "recherche"),
            views=counted(directory.web_entry_views, "fiche consultée", "fiches consultées"),
        ),
        SATISFACTION_TEXT.format(detail=NO_SURVEY if not surveys else surveys[0][0]),
    ]
    lines += surveys[0][1:] if surveys else []
    for more in surveys[1:]:
        lines += [SATISFACTION_TEXT.format(detail=more[0]), *more[1:]]
    return lines


def _rate(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def _satisfied(survey: SurveyResult) -> str:
    """The share of satisfied answers to the question config/sondage.yaml marks as the
    satisfaction one, if the survey has one."""
    question = next((q for q in survey.questions if q.satisfied), None)
    if question is None:
        return ""
    answered = sum(question.answers.values())
    satisfied = sum(question.answers.get(label, 0) for label in question.satisfied)
    return SATISFIED_TEXT.format(
        answers=" ou ".join(f"« {label} »" for label in question.satisfied),
        satisfied=number(satisfied),
        answered=counted(answered, "réponse"),
        rate=_rate(satisfied, answered),
    )


def _survey(survey: SurveyResult) -> list[str]:
    lines = [
        SURVEY_TEXT.format(
            title=survey.title,
            respondents=counted(survey.respondents, "répondant"),
            sent=number(survey.sent),
            rate=_rate(survey.respondents, survey.sent),
            satisfied=_satisfied(survey),
        )
    ]
    for question in survey.questions:
        answers = ", ".join(f"{label} {number(n)}" for label, n in question.answers.items() if n)
        lines.append(
            SURVEY_QUESTION_TEXT.format(question=question.question, answers=answers or NO_ANSWER)
        )
    return lines


def _information(info: Information, catalogue: ThemeCatalogue) -> list[str]:
    themes = sorted(info.by_theme.items(), key=lambda kv: -kv[1])
    return [
        INFORMATION_TEXT.format(total=number(info.total)),
        BY_SOURCE_TEXT.format(
            items=_items([(SOURCE_LABELS.get(k, k), n) for k, n in info.by_source.items()])
        ),
        BY_KIND_TEXT.format(
            items=_items([(KIND_PLURALS.get(k, k), n) for k, n in info.by_kind.items()])
        ),
        BY_THEME_TEXT.format(items=_items([(theme_label(k, catalogue), n) for k, n in themes])),
    ]


def _delivery_numbers(counts: DeliveryCounts) -> dict[str, str]:
    return {
        "delivered": number(counts.delivered),
        "failed": number(counts.failed),
        "unreachable": counted(counts.unreachable, "injoignable"),
    }


def _deliveries(deliveries: Deliveries) -> list[str]:
    lines = [
        DELIVERIES_TEXT.format(
            chats=counted(deliveries.chats_reached, "chat atteint", "chats atteints"),
            **_delivery_numbers(deliveries.total),
        )
    ]
    for platform, counts in deliveries.by_platform.items():
        if counts.delivered or counts.failed or counts.unreachable:
            chats = deliveries.chats_reached_by_platform.get(platform, 0)
            lines.append(
                DELIVERY_LINE_TEXT.format(
                    platform=platform_label(platform),
                    chats=counted(chats, "chat"),
                    **_delivery_numbers(counts),
                )
            )
    lines.append(NOTICES_TEXT.format(count=number(deliveries.meeting_notices_delivered)))
    return lines


def _requests(requests: RelayRequests) -> str:
    return REQUESTS_TEXT.format(
        received=counted(requests.received, "reçue"),
        accepted=counted(requests.accepted, "acceptée"),
        refused=counted(requests.refused, "refusée"),
        pending=number(requests.pending),
    )


def _subscriber_numbers(counts: SubscriberCounts) -> dict[str, str]:
    return {"total": number(counts.total), "new": number(counts.new), "left": number(counts.left)}


def _subscribers(subscribers: Subscribers, catalogue: ThemeCatalogue) -> list[str]:
    chats = SubscriberCounts.sum(subscribers.by_platform.values())
    lines = [SUBSCRIBERS_TEXT.format(**_subscriber_numbers(chats))]
    for platform, counts in subscribers.by_platform.items():
        if counts.total or counts.new or counts.left:
            lines.append(
                PLATFORM_LINE_TEXT.format(
                    platform=platform_label(platform), **_subscriber_numbers(counts)
                )
            )
    by_theme = [
        THEME_ITEM_TEXT.format(label=theme_label(slug, catalogue), **_subscriber_numbers(counts))
        for slug, counts in sorted(subscribers.by_theme.items(), key=lambda kv: -kv[1].total)
        if counts.total or counts.new or counts.left
    ]
    lines.append(THEME_SUBSCRIBERS_TEXT.format(items=", ".join(by_theme) or NO_SUBSCRIBER))
    return lines


def _directory(directory: Directory) -> list[str]:
    lines = [
        DIRECTORY_TEXT.format(
            questions=number(directory.questions), unanswered=number(directory.unanswered)
        )
    ]
    searches = counted(directory.web_searches, "recherche")
    views = counted(directory.web_entry_views, "fiche consultée", "fiches consultées")
    lines.append(WEB_TEXT.format(web_searches=searches, web_entry_views=views))
    if directory.top_questions:
        lines.append(TOP_TEXT.format(items=_questions(directory.top_questions)))
    if directory.top_unanswered:
        lines.append(TOP_UNANSWERED_TEXT.format(items=_questions(directory.top_unanswered)))
    return lines


def _questions(rows: tuple[QuestionCount, ...]) -> str:
    return ", ".join(f"« {row.question} » ({number(row.count)})" for row in rows[:5])


def _meetings(meetings: Meetings) -> list[str]:
    kinds = _items(
        [
            (MEETING_PLURALS.get(k, KIND_LABELS.get(k, k)), n)
            for k, n in meetings.held_by_kind.items()
        ]
    )
    detail = MEETINGS_DETAIL_TEXT.format(items=kinds) if meetings.held else ""
    lines = [
        MEETINGS_TEXT.format(
            held=number(meetings.held),
            detail=detail,
            participants=number(meetings.participants),
        )
    ]
    rsvps = meetings.rsvps
    if rsvps.yes or rsvps.maybe or rsvps.no:
        lines.append(
            RSVPS_TEXT.format(yes=number(rsvps.yes), maybe=number(rsvps.maybe), no=number(rsvps.no))
        )
    if meetings.cancelled:
        lines.append(CANCELLED_TEXT.format(count=number(meetings.cancelled)))
    return lines


def _feeds(feeds: tuple[FeedInError, ...]) -> list[str]:
    if not feeds:
        return []
    items = ", ".join(
        FEED_ITEM_TEXT.format(
            name=feed.name, failures=counted(feed.failures, "essai"), error=feed.last_error
        )
        for feed in feeds
    )
    return [FEEDS_TEXT.format(items=items)]


def to_json(report: MonthlyReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def json_file(report: MonthlyReport) -> str:
    """The report as `relay report --format json` prints it, and as the pages download it."""
    return to_json(report) + "\n"


def to_csv(report: MonthlyReport) -> str:
    """One row per number: section, indicator, key, value (UTF-8, comma separated)."""
    data = report.to_dict()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "indicator", "key", "value"])
    writer.writerow(["report", "month", "", data["month"]])
    for section, content in data.items():
        if section in ("month", "period"):
            continue
        for indicator, key, value in _flatten(content):
            writer.writerow([section, indicator, key, value])
    return out.getvalue()


def _flatten(content: Any) -> list[tuple[str, str, Any]]:
    rows: list[tuple[str, str, Any]] = []
    if isinstance(content, list) and content and "questions" in content[0]:  # surveys
        for survey in content:
            number = str(survey["id"])
            rows += [(field, number, survey[field]) for field in ("title", "sent", "respondents")]
            for question in survey["questions"]:
                for label, count in question["answers"].items():
                    rows.append((f"answers.{number}", f"{question['question']} | {label}", count))
        return rows
    if isinstance(content, list):  # feeds in error
        for item in content:
            for field in ("failures", "last_error"):
                rows.append((field, item["name"], item[field]))
        return rows
    for indicator, value in content.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict):
                    rows.extend((f"{indicator}.{sub}", key, n) for sub, n in inner.items())
                else:
                    rows.append((indicator, key, inner))
        elif isinstance(value, list):
            rows.extend((indicator, row["question"], row["count"]) for row in value)
        else:
            rows.append((indicator, "", value))
    return rows
