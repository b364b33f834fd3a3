"""The Rapport coordinator page, on every backend: the numbers of `relay report`, its chart, the
CSV and JSON it prints, and French refusals."""

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from html import unescape

from relay.app import Relay
from relay.french_dates import month_label
from relay.reports import monthly
from relay.reports.model import Month
from relay.store.models_schedule import Feed
from tests.board_support import browser, sign_in_link, signed_in
from tests.test_report import OCTOBER, build_october

HOSTILE = "<img src=x onerror=alert(1)>"


def row_values(html: str, label: str) -> list[str]:
    """The numbers of every table row headed `label`."""
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>((?:<td[^>]*>[^<]*</td>)+)</tr>', html)
    return [
        unescape(n).replace("\u202f", "")
        for name, cells in rows
        if unescape(name) == label
        for n in re.findall(r"<td[^>]*>([^<]*)</td>", cells)
    ]


def relay_report(database_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "relay", "report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "RELAY_DATABASE_URL": database_url},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def add_hostile_feed(relay: Relay) -> None:
    async with relay.db.write() as session:
        feed = Feed(name=HOSTILE, url="https://example.org/flux.xml", themes="jeunes")
        feed.failures, feed.last_error = 4, "<b>HTTP 500</b>"
        session.add(feed)


async def test_the_page_shows_the_reports_numbers(relay: Relay) -> None:
    await build_october(relay.db)
    await add_hostile_feed(relay)
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        async with http.get("/tableau/rapport?mois=2026-10") as response:
            assert response.status == 200
            page = await response.text()
    expected = await monthly.build_report(
        relay.db, relay.settings, relay.themes, OCTOBER, datetime.now(UTC)
    )
    data = expected.to_dict()
    assert "<h1>Rapport du relais d&#39;information du CLS — octobre 2026</h1>" in page
    assert row_values(page, "Informations relayées") == [str(data["information"]["total"])]
    directory = data["directory"]
    assert row_values(page, "Questions posées") == [str(directory["questions"])]
    assert row_values(page, "dont sans réponse") == [str(directory["unanswered"])]
    total = data["deliveries"]["total"]
    delivered = [total["delivered"], total["failed"], total["unreachable"]]
    assert row_values(page, "Total")[:4] == [
        *map(str, delivered),
        str(data["deliveries"]["chats_reached"]),
    ]
    requests = data["relay_requests"]
    assert row_values(page, "Reçues") == [str(requests["received"])]
    assert row_values(page, "Participants notés") == [str(data["meetings"]["participants"])]
    assert row_values(page, "ludotheque") == ["2", "2"], "most asked, and without an answer"
    assert '<th scope="col">' in page and "<caption>Par thème</caption>" in page
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>HTTP 500</b>" not in page
    chart = re.search(r'<img src="([^"]+)" alt="([^"]+)"', page)
    assert chart and unescape(chart.group(1)) == "/tableau/rapport/graphique.png?mois=2026-10"
    assert "de novembre 2025 à octobre 2026" in unescape(chart.group(2))


async def test_last_month_by_default_and_the_year(relay: Relay) -> None:
    last = Month.of(datetime.now(relay.settings.zone).date()).shift(-1)
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        async with http.get("/tableau/rapport") as response:
            assert response.status == 200
            page = unescape(await response.text())
        assert f"CLS — {month_label(last.year, last.month)}</h1>" in page
        assert f'value="{last}"' in page
        async with http.get("/tableau/rapport?annee=2026") as response:
            assert response.status == 200
            page = unescape(await response.text())
        assert "CLS — année 2026</h1>" in page and "graphique.png?annee=2026" in page


async def test_downloads_are_what_the_command_line_prints(relay: Relay) -> None:
    await build_october(relay.db)
    url = relay.settings.database_url
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        for kind, content_type in (("csv", "text/csv"), ("json", "application/json")):
            async with http.get(f"/tableau/rapport.{kind}?mois=2026-10") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith(content_type)
                disposition = response.headers["Content-Disposition"]
                assert disposition == f'attachment; filename="rapport-2026-10.{kind}"'
                downloaded = await response.text()
            assert downloaded == relay_report(url, "--month", "2026-10", "--format", kind)
        async with http.get("/tableau/rapport.json?annee=2026") as response:
            year = json.loads(await response.text())
        assert year == json.loads(relay_report(url, "--year", "2026", "--format", "json"))
        assert year["information"]["total"] >= 5


async def test_the_chart_is_a_png(relay: Relay) -> None:
    await build_october(relay.db)
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        async with http.get("/tableau/rapport/graphique.png?mois=2026-10") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "image/png"
            assert (await response.read())[:8] == b"\x89PNG\r\n\x1a\n"
        async with http.get("/tableau/rapport/graphique.png?mois=13") as response:
            assert response.status == 400


async def test_a_bad_month_or_year_is_refused_in_french(relay: Relay) -> None:
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        cases = {
            "?mois=2026-13": "n'est pas un mois AAAA-MM",
            "?mois=octobre": "« octobre » n'est pas un mois",
            "?mois=<script>": "&lt;script&gt;",
            "?annee=vingt": "n'est pas une année AAAA",
            "?mois=2026-10&annee=2026": "un mois ou une année, pas les deux",
            "?mois=2099-01": "Le mois 2099-01 n'a pas encore commencé.",
        }
        for query, message in cases.items():
            for path in ("/tableau/rapport", "/tableau/rapport.csv", "/tableau/rapport.json"):
                async with http.get(path + query) as response:
                    assert response.status == 400, (path, query)
                    page = await response.text()
                assert message in (page if "&lt;" in message else unescape(page)), page
                assert "<script>" not in page
    async with browser(relay) as other, other.get("/tableau/rapport.csv") as response:
        assert response.status == 403, "no session, no report"
