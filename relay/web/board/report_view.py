"""The monthly report as the Rapport page shows it: sections of small tables, each with its
caption and headers, worded as `relay report`'s text (relay.reports.formats)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from relay.meetings.service import KIND_LABELS
from relay.reports import formats
from relay.reports.model import (
    DeliveryCounts,
    MonthlyReport,
    QuestionCount,
    SubscriberCounts,
)
from relay.surveys.results import SurveyResult
from relay.themes import ThemeCatalogue


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = True


@dataclass(frozen=True)
class Row:
    label: str  # the row's header
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]  # the row headers' column first
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Section:
    title: str
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _n(value: int) -> Cell:
    return Cell(formats.number(value))


def _counts(caption: str, column: str, pairs: Iterable[tuple[str, int]], empty: str) -> Table:
    """A table of labelled numbers, the zeros left out (as the text report does)."""
    rows = tuple(Row(label, (_n(n),)) for label, n in pairs if n)
    return Table(caption, (column, "Nombre"), rows or (Row(empty, (Cell("0"),)),))


def _single(caption: str, pairs: Iterable[tuple[str, int]]) -> Table:
    return Table(caption, ("Indicateur", "Nombre"), tuple(Row(k, (_n(v),)) for k, v in pairs))


def sections(report: MonthlyReport, catalogue: ThemeCatalogue) -> list[Section]:
    return [
        _indicators(report),
        _information(report, catalogue),
        _deliveries(report),
        _requests(report),
        _subscribers(report, catalogue),
        _directory(report),
        _meetings(report),
        *_feeds(report),
    ]


def _indicators(report: MonthlyReport) -> Section:
    partners, directory, meetings = report.partners, report.directory, report.meetings
    asked = directory.questions_by_asker
    main = _single(
        "Indicateurs du CLS",
        [
            ("Partenaires participant au CLS (profils et abonnements)", partners.total),
            ("Informations relayées", report.information.total),
            ("Demandes de relais d'information des partenaires", report.relay_requests.received),
            ("Réunions (COPIL, groupes de travail, équipe projet)", meetings.held),
            ("Participants aux réunions", meetings.participants),
            ("Consultations de l'annuaire par les professionnels", asked.get("professionnel", 0)),
            ("Consultations de l'annuaire par les habitants", asked.get("habitant", 0)),
            ("Consultations de l'annuaire sans profil", asked.get("inconnu", 0)),
            ("Recherches sur le site", directory.web_searches),
            ("Fiches consultées sur le site", directory.web_entry_views),
        ],
    )
    kinds = [(formats.KIND_NAMES.get(k, k), n) for k, n in partners.by_type.items()]
    described = sum(partners.by_type.values())
    typology = _counts(
        f"Typologie des acteurs ({formats.described(described)})",
        "Type de structure",
        kinds,
        "aucun profil renseigné",
    )
    surveys = tuple(_survey(s) for s in report.surveys)
    notes = () if surveys else (formats.SATISFACTION_TEXT.format(detail=formats.NO_SURVEY)[2:],)
    return Section(formats.INDICATORS, (main, typology, *surveys), notes)


def _survey(survey: SurveyResult) -> Table:
    rows = [
        Row("Personnes sollicitées", (_n(survey.sent),)),
        Row("Répondants", (_n(survey.respondents),)),
    ]
    for question in survey.questions:
        rows += [Row(f"{question.question} — {a}", (_n(n),)) for a, n in question.answers.items()]
    return Table(f"Questionnaire « {survey.title} »", ("Réponse", "Nombre"), tuple(rows))


def _information(report: MonthlyReport, catalogue: ThemeCatalogue) -> Section:
    info = report.information
    themes = sorted(info.by_theme.items(), key=lambda kv: -kv[1])
    return Section(
        formats.INFORMATION_TEXT.format(total=formats.number(info.total)),
        (
            _counts(
                "Par origine",
                "Origine",
                [(formats.SOURCE_LABELS.get(k, k), n) for k, n in info.by_source.items()],
                formats.NONE,
            ),
            _counts(
                "Par nature",
                "Nature",
                [(formats.KIND_PLURALS.get(k, k), n) for k, n in info.by_kind.items()],
                formats.NONE,
            ),
            _counts(
                "Par thème",
                "Thème",
                [(formats.theme_label(k, catalogue), n) for k, n in themes],
                formats.NONE,
            ),
        ),
    )


def _delivery_row(label: str, counts: DeliveryCounts, chats: int) -> Row:
    numbers = (counts.delivered, counts.failed, counts.unreachable, chats)
    return Row(label, tuple(_n(n) for n in numbers))


def _deliveries(report: MonthlyReport) -> Section:
    deliveries = report.deliveries
    rows = [
        _delivery_row(formats.platform_label(p), c, deliveries.chats_reached_by_platform.get(p, 0))
        for p, c in deliveries.by_platform.items()
        if c.delivered or c.failed or c.unreachable
    ]
    rows.append(_delivery_row("Total", deliveries.total, deliveries.chats_reached))
    head = ("Plateforme", "Remis", "En échec", "Injoignables", "Chats atteints")
    notice = formats.NOTICES_TEXT.format(count=formats.number(deliveries.meeting_notices_delivered))
    return Section(
        "Messages remis",
        (Table("Messages des informations relayées, par plateforme", head, tuple(rows)),),
        (notice,),
    )


def _requests(report: MonthlyReport) -> Section:
    requests = report.relay_requests
    pairs = [
        ("Reçues", requests.received),
        ("Acceptées", requests.accepted),
        ("Refusées", requests.refused),
        ("En attente", requests.pending),
    ]
    return Section(
        "Demandes de relais des partenaires", (_single("Propositions des partenaires", pairs),)
    )


def _subscriber_row(label: str, counts: SubscriberCounts) -> Row:
    return Row(label, tuple(_n(n) for n in (counts.total, counts.new, counts.left)))


def _active(counts: Mapping[str, SubscriberCounts]) -> list[tuple[str, SubscriberCounts]]:
    return [(k, c) for k, c in counts.items() if c.total or c.new or c.left]


def _subscribers(report: MonthlyReport, catalogue: ThemeCatalogue) -> Section:
    subscribers = report.subscribers
    chats = SubscriberCounts.sum(subscribers.by_platform.values())
    platforms = [
        _subscriber_row(formats.platform_label(p), c) for p, c in _active(subscribers.by_platform)
    ]
    platforms.append(_subscriber_row("Total", chats))
    by_theme = sorted(_active(subscribers.by_theme), key=lambda kv: -kv[1].total)
    themes = [_subscriber_row(formats.theme_label(t, catalogue), c) for t, c in by_theme]
    head = ("Abonnés", "Total", "Nouveaux", "Départs")
    return Section(
        "Abonnés (chats)",
        (
            Table("Par plateforme", ("Plateforme", *head[1:]), tuple(platforms)),
            Table("Par thème", ("Thème", *head[1:]), tuple(themes)),
        ),
        () if themes else (formats.NO_SUBSCRIBER,),
    )


def _questions(caption: str, rows: tuple[QuestionCount, ...]) -> Table:
    return Table(
        caption, ("Question", "Fois posée"), tuple(Row(r.question, (_n(r.count),)) for r in rows)
    )


def _directory(report: MonthlyReport) -> Section:
    directory = report.directory
    asked = _single(
        "Questions à l'annuaire",
        [
            ("Questions posées", directory.questions),
            ("dont sans réponse", directory.unanswered),
            ("Recherches sur le site", directory.web_searches),
            ("Fiches consultées sur le site", directory.web_entry_views),
        ],
    )
    tables = [asked]
    if directory.top_questions:
        tables.append(_questions("Les plus posées", directory.top_questions))
    if directory.top_unanswered:
        tables.append(_questions("Sans réponse, les plus posées", directory.top_unanswered))
    return Section("Questions à l'annuaire", tuple(tables))


def _meetings(report: MonthlyReport) -> Section:
    meetings = report.meetings
    kinds = [
        (formats.MEETING_PLURALS.get(k, KIND_LABELS.get(k, k)), n)
        for k, n in meetings.held_by_kind.items()
    ]
    rsvps = meetings.rsvps
    return Section(
        "Réunions",
        (
            _counts("Réunions tenues, par type", "Type", kinds, formats.NONE),
            _single(
                "Participation",
                [
                    ("Participants notés", meetings.participants),
                    ("Réponses « oui » aux invitations", rsvps.yes),
                    ("Réponses « peut-être »", rsvps.maybe),
                    ("Réponses « non »", rsvps.no),
                    ("Réunions annulées", meetings.cancelled),
                ],
            ),
        ),
    )


def _feeds(report: MonthlyReport) -> list[Section]:
    if not report.feeds_in_error:
        return []
    rows = tuple(
        Row(feed.name, (_n(feed.failures), Cell(feed.last_error, numeric=False)))
        for feed in report.feeds_in_error
    )
    table = Table("Flux RSS en échec", ("Flux", "Essais", "Dernière erreur"), rows)
    return [Section("Flux en échec", (table,))]
