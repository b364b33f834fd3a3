"""The public web site over HTTP, on every backend: the pages, what every response carries,
escaping, limits, the feeds, the API, the counts for the report, the agenda's public meetings."""

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import feedparser
import icalendar
import pytest
from sqlalchemy import text

from relay.app import Relay, opened
from relay.cli.directory import terminal_json
from relay.directory.entries import Entry
from relay.directory.jsonview import answer_json
from relay.messages import Platform
from relay.reports.model import Month
from relay.reports.monthly import build_report
from relay.settings import load_settings
from relay.states import MeetingKind
from relay.store import announcements as announcement_store
from tests.chat import ChatUser
from tests.web_support import HOSTILE, in_days, load_directory, relay_event, site

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


@pytest.fixture
async def loaded(relay: Relay) -> Relay:
    await load_directory(relay, HOSTILE)
    return relay


SITE_TAGS = {
    *("html", "head", "meta", "title", "link", "body", "header", "nav", "main", "footer"),
    *("div", "p", "a", "ul", "ol", "li", "h1", "h2", "h3", "span", "form", "label", "input"),
    *("button", "dl", "dt", "dd", "br", "section", "time", "script"),
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def parsed_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every tag of the page with its attributes, as a browser's parser reads them."""
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def main_text(html: str) -> str:
    """What a reader sees of the page's <main>, tags dropped."""
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


async def test_every_page_is_french_safe_and_sets_no_cookie(loaded: Relay) -> None:
    await relay_event(loaded, "Forum santé des jeunes", in_days(10))
    async with site(loaded) as http:
        for path in (
            "/",
            "/annuaire",
            "/annuaire?q=psychologue",
            "/annuaire/ann-0001",
            "/annuaire/ann-0001/signaler",
            "/agenda",
            "/integrer",
            "/integrer/annuaire?q=psychologue",
        ):
            async with http.get(path) as response:
                html = await response.text()
                assert response.status == 200, path
                assert response.content_type == "text/html"
                assert '<html lang="fr">' in html and html.count("<h1") == 1, path
                assert "Set-Cookie" not in response.headers, path
                for header in SECURITY_HEADERS:
                    assert header in response.headers, (path, header)
                policy = response.headers["Content-Security-Policy"]
                assert "script-src 'self'" in policy and "unsafe-inline" not in policy
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert "<script>" not in html, "no inline script"


async def test_the_search_page_gives_what_the_chat_gives(loaded: Relay) -> None:
    answer = await loaded.directory.ask("psychologue à Pornic", "telegram", limit=3)
    params = {"q": "psychologue à Pornic"}
    async with site(loaded) as http, http.get("/annuaire", params=params) as response:
        html = await response.text()
    listed = re.findall(r'<h2 class="nom"><a href="/annuaire/([^"]+)"', html)
    assert listed[:3] == [r.entry.ref for r in answer.results]
    assert f"{answer.total} fiches trouvées" in main_text(html)


async def test_filters_show_how_many_entries_each_keeps_and_narrow_the_list(
    loaded: Relay,
) -> None:
    async with site(loaded) as http:
        async with http.get("/annuaire", params={"q": "psychologue"}) as response:
            html = await response.text()
        match = re.search(
            r'href="([^"]*commune=Pornic)">Pornic <span class="compte">\((\d+)\)', html
        )
        assert match, "a commune filter with its count"
        link, count = unescape(match.group(1)), int(match.group(2))
        async with http.get(link) as response:
            narrowed = await response.text()
    assert f"{count} fiches trouvées" in main_text(narrowed)
    communes = re.findall(r"<p>[^<]*, (\d{5} [^<]+)</p>", narrowed)
    assert communes and all(c.endswith("Pornic") for c in communes)
    assert "retirer" in narrowed, "the chosen filter can be taken off"


async def test_more_results_on_request(loaded: Relay) -> None:
    async with site(loaded) as http:
        async with http.get("/annuaire", params={"theme": "sante-mentale"}) as response:
            first = await response.text()
        assert "Plus de résultats" in first
        next_page = unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1))  # type: ignore[union-attr]
        async with http.get(next_page) as response:
            second = await response.text()
    names = re.compile(r'<h2 class="nom"><a href="/annuaire/([^"]+)"')
    assert len(names.findall(first)) == 10
    assert names.findall(second) and not set(names.findall(first)) & set(names.findall(second))
    assert 'start="11"' in second


async def test_an_entry_page_has_everything_about_it(loaded: Relay) -> None:
    async with site(loaded) as http:
        async with http.get("/annuaire/ann-0205") as response:
            html = await response.text()
        async with http.get("/annuaire/hostile-1") as response:
            mapped = await response.text()
    shown = main_text(html)
    assert "Cabinet de psychologie de la Côte de Jade" in shown
    assert 'href="tel:0261917929"' in html
    assert "Dernière vérification" in shown
    assert 'href="/annuaire/ann-0205/signaler"' in html
    assert 'id="carte"' not in html, "no map without coordinates"
    assert 'data-lat="47.1158"' in mapped and "/static/leaflet/leaflet.js" in mapped
    assert "voir sur OpenStreetMap" in main_text(mapped)


async def test_hostile_entries_are_shown_as_text(loaded: Relay) -> None:
    async with site(loaded) as http:
        async with http.get("/annuaire/hostile-1") as response:
            entry = await response.text()
        async with http.get("/annuaire", params={"q": "dunes"}) as response:
            results = await response.text()
    for html in (entry, results):
        tags = parsed_tags(html)
        assert {t for t, _ in tags} <= SITE_TAGS, "no tag from an entry"
        for tag, attributes in tags:
            assert not [name for name in attributes if name.startswith("on")], tag
            links = [attributes.get(name) or "" for name in ("href", "src")]
            assert not [v for v in links if v.strip().lower().startswith("javascript:")]
            assert tag != "script" or attributes["src"].startswith("/static/")
    shown = main_text(entry)
    assert '<script>alert("nom")</script>' in shown, "the name reads as it was written"
    assert 'href="tel:' not in entry and 'href="mailto:' not in entry
    assert "javascript:alert(7)" in shown, "the bad site address is shown, not linked"


async def test_unknown_pages_and_failures_answer_in_french_without_a_trace(loaded: Relay) -> None:
    async with site(loaded) as http:
        async with http.get("/annuaire/nulle-part") as response:
            assert response.status == 404
            assert "Page introuvable" in await response.text()
        async with http.get("/pas-de-page") as response:
            assert response.status == 404
        async with http.delete("/annuaire") as response:
            assert response.status == 405
            assert "Méthode non permise" in await response.text()
        async with loaded.db.write() as session:  # a broken database
            await session.execute(text("DROP TABLE announcement_themes"))
        async with http.get("/agenda") as response:
            page = await response.text()
    assert response.status == 500
    assert "Une erreur s'est produite" in page
    assert "Traceback" not in page and "announcement_themes" not in page


async def test_the_query_is_capped(loaded: Relay) -> None:
    params = {"q": "psychologue " * 500}
    async with site(loaded) as http, http.get("/annuaire", params=params) as response:
        html = await response.text()
    assert response.status == 200
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)  # type: ignore[union-attr]
    assert len(unescape(heading)) < 230


async def test_too_many_searches_get_a_french_429(database_url: str) -> None:
    settings = load_settings(database_url=database_url, web_search_limit=3)
    async with opened(settings) as relay, site(relay) as http:
        await load_directory(relay)
        statuses = []
        for _ in range(5):
            async with http.get("/annuaire", params={"q": "psychologue"}) as response:
                statuses.append(response.status)
                page = await response.text()
                retry = response.headers.get("Retry-After")
        async with http.get("/annuaire/ann-0001") as response:
            assert response.status == 200, "reading entries is not limited"
    assert statuses == [200, 200, 200, 429, 429]
    assert "Trop de demandes" in page and retry == "20"


async def test_signaler_une_erreur_reaches_the_coordinators_as_a_proposal(loaded: Relay) -> None:
    async with site(loaded) as http:
        form = {"message": "Le numéro de téléphone a changé : 02 40 00 00 00."}
        async with http.post("/annuaire/ann-0205/signaler", data=form) as response:
            thanks = await response.text()
        async with http.post("/annuaire/ann-0205/signaler", data={"message": "?"}) as response:
            refused = await response.text()
            assert response.status == 400
    assert "Merci pour votre signalement" in thanks
    assert "5 caractères au moins" in refused and 'aria-invalid="true"' in refused
    async with loaded.db.read() as session:
        [proposal] = await announcement_store.pending_proposals(session)
        notices = (await session.execute(text("SELECT text, address FROM direct_notices"))).all()
    assert proposal.author is None and proposal.origin_platform is None
    assert "Le numéro de téléphone a changé" in proposal.text
    assert "Cabinet de psychologie de la Côte de Jade" in proposal.text
    assert "/annuaire/ann-0205" in proposal.text
    [(request, coordinator)] = notices
    assert coordinator == "1000" and f"Proposition n°{proposal.id}" in request


async def test_the_agenda_shows_relayed_events_and_public_meetings_only(loaded: Relay) -> None:
    await relay_event(loaded, "Forum santé des jeunes", in_days(10))
    await relay_event(loaded, "Conférence passée", in_days(-3))
    start = datetime.now(UTC) + timedelta(days=20)
    private = await loaded.meetings.schedule(MeetingKind.COPIL, start, "Mairie", (), "COPIL privé")
    public = await loaded.meetings.schedule(
        MeetingKind.WORKING_GROUP, start, "Salle des fêtes", ("jeunes",), "GT ouvert", public=True
    )
    async with site(loaded) as http:
        async with http.get("/agenda") as response:
            agenda = main_text(await response.text())
        async with http.get("/") as response:
            home = main_text(await response.text())
    assert "Forum santé des jeunes" in agenda and "GT ouvert" in agenda
    assert "Salle des fêtes" in agenda
    assert "Conférence passée" not in agenda and "COPIL privé" not in agenda
    assert "Forum santé des jeunes" in home
    assert private.id != public.id


async def test_the_agenda_as_a_calendar_and_the_news_as_a_feed(loaded: Relay) -> None:
    await relay_event(loaded, "Forum santé des jeunes", in_days(10), ("jeunes",))
    await relay_event(loaded, "Journée addictions", in_days(12), ("addictions",))
    start = datetime.now(UTC) + timedelta(days=20)
    await loaded.meetings.schedule(
        MeetingKind.COPIL, start, "Mairie", (), "COPIL ouvert", public=True
    )
    async with site(loaded) as http:
        async with http.get("/agenda.ics") as response:
            assert response.content_type == "text/calendar"
            calendar = icalendar.Calendar.from_ical(await response.read())
        async with http.get("/agenda.ics", params={"themes": "addictions"}) as response:
            addictions = icalendar.Calendar.from_ical(await response.read())
        async with http.get("/actualites.xml", params={"themes": "jeunes"}) as response:
            assert response.content_type == "application/atom+xml"
            feed = feedparser.parse(await response.read())
        async with http.get("/agenda.ics", params={"themes": "cuisine"}) as response:
            assert response.status == 400 and "Thème inconnu" in await response.text()
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Forum santé des jeunes", "Journée addictions", "COPIL ouvert"}
    assert events["Forum santé des jeunes"].decoded("DTSTART") == in_days(10)
    assert str(events["COPIL ouvert"]["UID"]).startswith("reunion-")
    assert str(events["COPIL ouvert"]["LOCATION"]) == "Mairie"
    assert [str(e["SUMMARY"]) for e in addictions.walk("VEVENT")] == ["Journée addictions"]
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["Forum santé des jeunes"]
    assert feed.entries[0].link == "https://cls.example.org/forum"
    assert feed.feed.title.startswith("Actualités")


async def test_the_api_answers_like_relay_ask_json_from_any_site(loaded: Relay) -> None:
    answer = await loaded.directory.ask("psychologue à Pornic", "cli", limit=5, log_query=False)
    expected = json.loads(
        terminal_json(
            answer_json("psychologue à Pornic", answer.query, answer.total, answer.results)
        )
    )
    async with site(loaded) as http:
        async with http.get(
            "/api/annuaire", params={"q": "psychologue à Pornic", "limit": "5"}
        ) as response:
            data = await response.json()
            assert response.headers["Access-Control-Allow-Origin"] == "*"
        async with http.get("/api/annuaire") as response:
            assert response.status == 400 and "q manquant" in (await response.json())["error"]
        async with http.options("/api/annuaire") as response:
            assert response.status == 204
    assert data == expected


async def test_searches_and_entry_views_are_counted_for_the_report(loaded: Relay) -> None:
    async with site(loaded) as http:
        for question in ("psychologue", "CSAPA", "dentiste"):
            async with http.get("/annuaire", params={"q": question}) as response:
                assert response.status == 200
        async with http.get("/annuaire", params={"q": "psychologue", "page": "2"}):
            pass  # more results of the same search: not a new search
        async with http.get("/api/annuaire", params={"q": "psychologue"}):
            pass
        for ref in ("ann-0001", "ann-0002"):
            async with http.get(f"/annuaire/{ref}"):
                pass
        async with http.get("/annuaire/nulle-part"):
            pass
    # the server stopped: what it counted is in the database
    now = datetime.now(UTC)
    month = Month(
        now.astimezone(loaded.settings.zone).year, now.astimezone(loaded.settings.zone).month
    )
    report = await build_report(loaded.db, loaded.settings, loaded.themes, month, now)
    assert report.directory.web_searches == 4
    assert report.directory.web_entry_views == 2
    async with loaded.db.read() as session:
        tables = (await session.execute(text("SELECT * FROM site_counts"))).all()
        assert {row[1] for row in tables} == {"searches", "entry_views"}, "numbers only"
        logged = (await session.execute(text("SELECT count(*) FROM directory_queries"))).scalar()
    assert logged == 0, "the site's searches are counted, not written to the question log"


async def test_health_says_ok_while_the_database_answers(loaded: Relay) -> None:
    async with site(loaded) as http, http.get("/sante") as response:
        assert response.status == 200 and (await response.text()).strip() == "ok"


async def test_health_says_so_when_the_database_does_not_answer() -> None:
    nothing_listens = "postgresql+asyncpg://relay@127.0.0.1:9/relay"
    unreachable = Relay(load_settings(database_url=nothing_listens))
    try:
        async with site(unreachable) as http, http.get("/sante") as response:
            assert response.status == 503
            assert "injoignable" in await response.text()
    finally:
        await unreachable.close()


async def test_a_coordinator_marks_a_meeting_public_in_chat(loaded: Relay) -> None:
    coordinator = ChatUser.private(loaded, user_id="1000")
    start = datetime.now(UTC) + timedelta(days=20)
    info = await loaded.meetings.schedule(MeetingKind.COPIL, start, "Mairie", (), "COPIL de mars")
    answer = await coordinator.say(f"/reunion publique {info.id}")
    assert "figure maintenant sur l'agenda public" in answer
    assert answer.endswith(f"{loaded.settings.public_url}/agenda")
    async with site(loaded) as http:
        async with http.get("/agenda") as response:
            assert "COPIL de mars" in await response.text()
        await coordinator.say(f"/reunion privee {info.id}")
        async with http.get("/agenda") as response:
            assert "COPIL de mars" not in await response.text()
    partner = ChatUser.private(loaded, user_id="77")
    assert "réservée aux coordinateurs" in await partner.say(f"/reunion publique {info.id}")


def test_relay_meeting_add_public_puts_it_on_the_site_agenda(database_url: str) -> None:
    day = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    env = {**os.environ, "RELAY_DATABASE_URL": database_url}

    def relay_command(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "relay", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    added = relay_command(
        "meeting", "add", "--kind", "gt", "--title", "GT ouvert aux habitants",
        "--at", f"{day} 18:00", "--themes", "jeunes", "--sans-invitation", "--public",
    )  # fmt: skip
    assert "agenda public du site : http://127.0.0.1:8080/agenda" in added
    relay_command("meeting", "add", "--kind", "copil", "--title", "COPIL", "--at", f"{day} 9:00")
    listed = json.loads(relay_command("meeting", "list", "--json"))
    assert [(m["title"], m["public"]) for m in listed] == [
        ("COPIL", False),
        ("GT ouvert aux habitants", True),
    ]
    relay_command("meeting", "public", str(listed[0]["id"]))
    relay_command("meeting", "public", str(listed[1]["id"]), "--retirer")
    listed = json.loads(relay_command("meeting", "list", "--json"))
    assert [(m["title"], m["public"]) for m in listed] == [
        ("COPIL", True),
        ("GT ouvert aux habitants", False),
    ]


async def test_clients_behind_the_proxy_each_have_their_own_limit(database_url: str) -> None:
    settings = load_settings(database_url=database_url, web_search_limit=2)
    async with opened(settings) as relay, site(relay) as http:
        statuses = []
        for client in ("203.0.113.5", "203.0.113.5", "203.0.113.5", "198.51.100.7"):
            proxied = {"X-Forwarded-For": f"10.1.1.1, {client}"}  # the proxy's last word counts
            async with http.get("/annuaire?q=CSAPA", headers=proxied) as response:
                statuses.append(response.status)
                assert response.headers["Server"] == "relay"
    assert statuses == [200, 200, 429, 200]


async def test_the_site_leaves_the_sample_notice_to_the_chat(relay: Relay) -> None:
    async with site(relay) as http, http.get("/annuaire?q=psychologue") as response:
        assert "fiches trouvées" in await response.text()  # the sample directory, loaded
    answer = await ChatUser.private(relay, "local", Platform.CONSOLE).say("psychologue")
    assert "L'annuaire était vide : j'ai chargé l'annuaire d'exemple" in answer


async def test_an_entry_id_may_hold_a_slash(relay: Relay) -> None:
    await load_directory(relay, Entry(name="Maison Zéphyrine", ref="cls/42", commune="Pornic"))
    async with site(relay) as http:
        async with http.get("/annuaire?q=zéphyrine") as response:
            link = re.search(r'href="(/annuaire/cls[^"]+)"', await response.text())
        assert link and link.group(1) == "/annuaire/cls%2F42"
        async with http.get(link.group(1)) as response:
            assert "Maison Zéphyrine" in await response.text()
        async with http.get(link.group(1) + "/signaler") as response:
            assert "Signaler une erreur" in await response.text()
