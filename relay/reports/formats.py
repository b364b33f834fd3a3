"""The monthly report as French text (chat, terminal), JSON and CSV."""

import csv
import io
import json
from typing import Any

from relay.announcements import PLATFORM_LABELS
from relay.french_dates import month_label
from relay.meetings.service import KIND_LABELS
from relay.messages import AnnouncementKind
from relay.themes import ALL_THEMES, ThemeCatalogue

TITLE = "Rapport du relais d'information du CLS — {month}"
INFORMATION = "Informations relayées : {total}"
BY_SOURCE = "• par origine : {items}"
BY_KIND = "• par nature : {items}"
BY_THEME = "• par thème : {items}"
SOURCE_LABELS = {
    "coordinator": "coordination",
    "proposal": "propositions de partenaires",
    "feed": "flux RSS",
}
DELIVERIES = (
    "Messages remis : {delivered} ({failed} en échec, {unreachable} injoignable(s)) ; "
    "{chats} chat(s) atteint(s)"
)
DELIVERY_LINE = (
    "• {platform} : {delivered} remis, {failed} en échec, {unreachable} injoignable(s), "
    "{chats} chat(s)"
)
NOTICES = "Invitations et rappels de réunion remis : {count}"
REQUESTS = (
    "Demandes de relais des partenaires : {received} reçue(s), {accepted} acceptée(s), "
    "{refused} refusée(s), {pending} en attente"
)
SUBSCRIBERS = "Abonnés (chats) : {total} ({new} nouveaux, {left} départs)"
PLATFORM_LINE = "• {platform} : {total} ({new} nouveaux, {left} départs)"
THEME_SUBSCRIBERS = "• par thème : {items}"
THEME_ITEM = "{label} {total} (+{new}, −{left})"
DIRECTORY = "Questions à l'annuaire : {questions}, dont {unanswered} sans réponse"
TOP = "• les plus posées : {items}"
WEB = "• sur le site : {web_searches} recherche(s), {web_entry_views} fiche(s) consultée(s)"
TOP_UNANSWERED = "• sans réponse : {items}"
MEETINGS = "Réunions tenues : {held}{detail} ; participants notés : {participants}"
MEETINGS_DETAIL = " ({items})"
RSVPS = "• réponses aux invitations : {yes} oui, {maybe} peut-être, {no} non"
CANCELLED = "• réunion(s) annulée(s) : {count}"
FEEDS = "Flux en échec : {items}"
FEED_ITEM = "{name} ({failures} essai(s) : {error})"
NONE = "aucune"
CHART_NOTE = "Graphique joint : informations relayées par thème sur douze mois."
KIND_PLURALS = {
    AnnouncementKind.EVENT.value: "événements",
    AnnouncementKind.CALL_FOR_PROJECTS.value: "appels à projets",
    AnnouncementKind.INFORMATION.value: "informations",
}
MEETING_PLURALS = {"copil": "COPIL", "gt": "groupes de travail", "equipe-projet": "équipes projet"}


def number(n: int) -> str:
    """1 234 with a narrow no-break space, the French way."""
    return f"{n:,}".replace(",", "\u202f")


def _items(pairs: list[tuple[str, int]]) -> str:
    shown = [f"{label} {number(n)}" for label, n in pairs if n]
    return ", ".join(shown) or NONE


def _theme_label(slug: str, catalogue: ThemeCatalogue) -> str:
    return "tous les thèmes" if slug == ALL_THEMES else catalogue.label(slug)


def text(report: dict[str, Any], catalogue: ThemeCatalogue) -> str:
    year, month = (int(p) for p in report["month"].split("-"))
    info = report["information"]
    lines = [TITLE.format(month=month_label(year, month)), ""]
    lines.append(INFORMATION.format(total=number(info["total"])))
    lines.append(
        BY_SOURCE.format(
            items=_items([(SOURCE_LABELS.get(k, k), n) for k, n in info["by_source"].items()])
        )
    )
    lines.append(
        BY_KIND.format(
            items=_items([(KIND_PLURALS.get(k, k), n) for k, n in info["by_kind"].items()])
        )
    )
    themes = sorted(info["by_theme"].items(), key=lambda kv: -kv[1])
    lines.append(
        BY_THEME.format(items=_items([(_theme_label(k, catalogue), n) for k, n in themes]))
    )

    deliveries = report["deliveries"]
    lines += [
        "",
        DELIVERIES.format(
            chats=number(deliveries["chats_reached"]), **_numbers(deliveries["total"])
        ),
    ]
    for platform, counts in deliveries["by_platform"].items():
        chats = deliveries["chats_reached_by_platform"].get(platform, 0)
        if any(counts.values()):
            lines.append(
                DELIVERY_LINE.format(
                    platform=PLATFORM_LABELS.get(platform, platform),
                    chats=number(chats),
                    **_numbers(counts),
                )
            )
    lines.append(NOTICES.format(count=number(deliveries["meeting_notices_delivered"])))

    lines += ["", REQUESTS.format(**_numbers(report["relay_requests"]))]

    subscribers = report["subscribers"]
    total = {
        k: sum(c[k] for c in subscribers["by_platform"].values()) for k in ("total", "new", "left")
    }
    lines += ["", SUBSCRIBERS.format(**_numbers(total))]
    for platform, counts in subscribers["by_platform"].items():
        if any(counts.values()):
            lines.append(
                PLATFORM_LINE.format(
                    platform=PLATFORM_LABELS.get(platform, platform), **_numbers(counts)
                )
            )
    by_theme = [
        THEME_ITEM.format(label=_theme_label(slug, catalogue), **_numbers(counts))
        for slug, counts in sorted(subscribers["by_theme"].items(), key=lambda kv: -kv[1]["total"])
        if any(counts.values())
    ]
    lines.append(THEME_SUBSCRIBERS.format(items=", ".join(by_theme) or NONE))

    directory = report["directory"]
    lines += [
        "",
        DIRECTORY.format(**_numbers({k: directory[k] for k in ("questions", "unanswered")})),
    ]
    lines.append(
        WEB.format(**_numbers({k: directory[k] for k in ("web_searches", "web_entry_views")}))
    )
    if directory["top_questions"]:
        lines.append(TOP.format(items=_questions(directory["top_questions"])))
    if directory["top_unanswered"]:
        lines.append(TOP_UNANSWERED.format(items=_questions(directory["top_unanswered"])))

    meetings = report["meetings"]
    kinds = _items(
        [
            (MEETING_PLURALS.get(k, KIND_LABELS.get(k, k)), n)
            for k, n in meetings["held_by_kind"].items()
        ]
    )
    detail = MEETINGS_DETAIL.format(items=kinds) if meetings["held"] else ""
    lines += [
        "",
        MEETINGS.format(
            held=number(meetings["held"]),
            detail=detail,
            participants=number(meetings["participants"]),
        ),
    ]
    if any(meetings["rsvps"].values()):
        lines.append(RSVPS.format(**_numbers(meetings["rsvps"])))
    if meetings["cancelled"]:
        lines.append(CANCELLED.format(count=number(meetings["cancelled"])))

    if report["feeds_in_error"]:
        items = ", ".join(
            FEED_ITEM.format(name=f["name"], failures=f["failures"], error=f["last_error"])
            for f in report["feeds_in_error"]
        )
        lines += ["", FEEDS.format(items=items)]
    return "\n".join(lines)


def _numbers(counts: dict[str, int]) -> dict[str, str]:
    return {k: number(v) for k, v in counts.items()}


def _questions(rows: list[dict[str, Any]]) -> str:
    return ", ".join(f"« {row['question']} » ({number(row['count'])})" for row in rows[:5])


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def to_csv(report: dict[str, Any]) -> str:
    """One row per number: section, indicator, key, value (UTF-8, comma separated)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "indicator", "key", "value"])
    writer.writerow(["report", "month", "", report["month"]])
    for section, content in report.items():
        if section in ("month", "period"):
            continue
        for indicator, key, value in _flatten(content):
            writer.writerow([section, indicator, key, value])
    return out.getvalue()


def _flatten(content: Any) -> list[tuple[str, str, Any]]:
    rows: list[tuple[str, str, Any]] = []
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
