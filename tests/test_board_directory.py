"""The Annuaire coordinator page, on every backend: entries to check again, questions that
found nothing, a file checked before anything is written and imported once confirmed, the
export."""

import csv
import io
import os
import re
import tempfile
import time
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import aiohttp
import pytest

from relay.app import Relay, opened, serving
from relay.directory.entries import Entry
from relay.settings import Settings, load_settings
from tests.board_support import browser, csrf_of, sign_in_link, signed_in
from tests.chat import ChatUser

HOSTILE = "<script>alert('fiche')</script>"
TOKEN = re.compile(r'name="jeton" value="([^"]+)"')
GOOD_FILE = (
    "id,nom,commune,telephone,latitude,longitude,verifie_le\n"
    "t-1,Maison des adolescents,Pornic,02 40 00 00 01,,,2026-01-10\n"
    "t-2,Épicerie solidaire,Machecoul,240820000,,,\n"
    "t-3,Point écoute,Pornic,,abc,-1.9,\n"
)


def upload(csrf: str, content: bytes, name: str, replace: bool = False) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)  # the name as a browser sends it
    form.add_field("csrf", csrf)
    form.add_field("fichier", content, filename=name, content_type="text/csv")
    if replace:
        form.add_field("remplacer", "oui")
    return form


def token_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no confirmation form in the page"
    return unescape(found.group(1))


def kept_files(folder: Path) -> list[Path]:
    """The files sent and kept, under the temporary directory."""
    return list(folder.glob("relay-import-*/*.csv"))


async def refs(relay: Relay) -> set[str]:
    return {entry.ref for entry in await relay.directory.entries()}


async def test_entries_not_verified_for_a_year_are_listed(relay: Relay) -> None:
    today = date.today()
    await relay.directory.import_entries(
        [
            Entry(name="Ancienne fiche", ref="old", commune="Pornic", verified_on=date(2024, 3, 2)),
            Entry(name="Jamais vérifiée", ref="never", commune="Machecoul"),
            Entry(name="Fiche récente", ref="new", verified_on=today - timedelta(days=30)),
            Entry(name=HOSTILE, ref="a b/<c>", commune="<b>Pornic</b>"),
        ]
    )
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        async with http.get("/tableau/annuaire") as response:
            assert response.status == 200
            page = await response.text()
    assert "3 fiches non vérifiées depuis plus d'un an" in page
    assert "Ancienne fiche" in page and "2 mars 2024" in page
    assert "Jamais vérifiée" in page and "jamais" in page
    assert "Fiche récente" not in page
    assert 'href="/annuaire/old"' in page and 'href="/annuaire/a%20b%2F%3Cc%3E"' in page
    assert HOSTILE not in page and "&lt;script&gt;alert(&#39;fiche&#39;)&lt;/script&gt;" in page
    assert "<b>Pornic</b>" not in page and "&lt;b&gt;Pornic&lt;/b&gt;" in page


async def test_questions_that_found_nothing_most_asked_first(relay: Relay) -> None:
    partner = ChatUser.private(relay, "42")
    for question in ["ludothèque"] + ["vétérinaire à Pornic"] * 3 + ["psychologue à Pornic"]:
        await partner.say(question)
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        for period in ("", "?periode=1", "?periode=12", "?periode=nimporte"):
            async with http.get("/tableau/annuaire" + period) as response:
                assert response.status == 200
                page = await response.text()
            unmet = page[page.index('id="sans-reponse"') : page.index('id="importer"')]
            assert "5 questions posées à l'annuaire, dont 4 sans réponse" in unmet
            rows = re.findall(r'<th scope="row">([^<]*)</th><td class="nombre">(\d+)</td>', unmet)
            assert rows == [("veterinaire à Pornic", "3"), ("ludotheque", "1")], rows
        assert "Les 12 derniers mois" in page and "psychologue" not in unmet


async def test_a_file_is_checked_before_anything_is_written(relay: Relay) -> None:
    async with browser(relay) as http:
        csrf = csrf_of(await signed_in(http, await sign_in_link(relay)))
        sent = upload(csrf, GOOD_FILE.encode(), "annuaire <novembre>.csv")
        async with http.post("/tableau/annuaire/import", data=sent) as response:
            assert response.status == 200
            raw = await response.text()
        check = unescape(raw)
        assert "Vérification du fichier" in check and "rien n'est encore enregistré" in check
        assert "annuaire &lt;novembre&gt;.csv" in raw and "<novembre>" not in raw
        assert "ligne 4 : latitude « abc » n'est pas un nombre" in check
        assert "erreur : ligne ignorée" in check and "zéro initial remis (02 40 82 00 00)" in check
        # The numbers the command line prints for the same file.
        assert "3 lignes lues (utf-8) : 2 ajoutées, 0 mise à jour, 0 inchangée, 1 rejetée." in check
        assert await refs(relay) == set(), "nothing written before the confirmation"
        async with http.get("/tableau/journal") as response:
            assert "import de l'annuaire" not in unescape(await response.text())

        confirm = {"csrf": csrf, "jeton": token_of(check)}
        async with http.post("/tableau/annuaire/import/confirmer", data=confirm) as response:
            assert response.status == 200
            done = await response.text()
        assert "Import du fichier « annuaire &lt;novembre&gt;.csv » terminé" in done
        done = unescape(done)
        assert "2 ajoutées" in done and "ligne 4 : latitude" in done
        assert await refs(relay) == {"t-1", "t-2"}
        async with http.get("/tableau/journal") as response:
            journal = await response.text()
        assert "annuaire &lt;novembre&gt;.csv : 2 ajoutées, 0 modifiée, 0 supprimée" in journal
        assert "import de l'annuaire" in unescape(journal)

        # The token served once.
        async with http.post("/tableau/annuaire/import/confirmer", data=confirm) as response:
            assert response.status == 400
            assert "n'est plus disponible" in unescape(await response.text())


async def test_replacing_shows_what_would_be_removed(relay: Relay) -> None:
    await relay.directory.import_entries(
        [Entry(name="Fiche ancienne", ref="gone"), Entry(name="Maison des adolescents", ref="t-1")]
    )
    async with browser(relay) as http:
        csrf = csrf_of(await signed_in(http, await sign_in_link(relay)))
        sent = upload(csrf, GOOD_FILE.encode(), "tout.csv", replace=True)
        async with http.post("/tableau/annuaire/import", data=sent) as response:
            check = unescape(await response.text())
        replacing = "(« Remplacer tout l'annuaire ») : 1."
        assert f"Fiches supprimées car absentes du fichier {replacing}" in check
        assert "1 ajoutée, 1 mise à jour" in check
        assert await refs(relay) == {"gone", "t-1"}
        confirm = {"csrf": csrf, "jeton": token_of(check)}
        async with http.post("/tableau/annuaire/import/confirmer", data=confirm) as response:
            assert response.status == 200
    assert await refs(relay) == {"t-1", "t-2"}


async def test_a_forged_or_expired_token_writes_nothing(
    relay: Relay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the files sent are kept
    async with browser(relay) as http:
        csrf = csrf_of(await signed_in(http, await sign_in_link(relay)))
        for forged in ("", "abc", "x" * 5000, "../../etc/passwd"):
            confirm = {"csrf": csrf, "jeton": forged}
            async with http.post("/tableau/annuaire/import/confirmer", data=confirm) as response:
                assert response.status == 400
                assert "Ce fichier n'est plus disponible" in unescape(await response.text())
        async with http.post(
            "/tableau/annuaire/import", data=upload(csrf, GOOD_FILE.encode(), "annuaire-du-cls.csv")
        ) as response:
            token = token_of(await response.text())
        kept = kept_files(tmp_path)
        assert len(kept) == 1 and "annuaire-du-cls" not in kept[0].name
        half_an_hour_ago = time.time() - 31 * 60
        os.utime(kept[0], (half_an_hour_ago, half_an_hour_ago))
        confirm = {"csrf": csrf, "jeton": token}
        async with http.post("/tableau/annuaire/import/confirmer", data=confirm) as response:
            assert response.status == 400
            assert "il a expiré" in await response.text()
        assert kept_files(tmp_path) == []
    assert await refs(relay) == set()


async def test_another_coordinators_token_is_refused(settings: Settings) -> None:
    two = load_settings(
        database_url=settings.database_url, coordinators="telegram:1000,telegram:2000"
    )
    async with opened(two) as relay, serving(relay.site([])) as server:
        jars = [aiohttp.CookieJar(unsafe=True) for _ in range(2)]
        async with (
            aiohttp.ClientSession(base_url=server.url, cookie_jar=jars[0]) as first,
            aiohttp.ClientSession(base_url=server.url, cookie_jar=jars[1]) as second,
        ):
            csrf = csrf_of(await signed_in(first, await sign_in_link(relay, "1000")))
            sent = upload(csrf, GOOD_FILE.encode(), "a.csv")
            async with first.post("/tableau/annuaire/import", data=sent) as response:
                token = token_of(await response.text())
            other = csrf_of(await signed_in(second, await sign_in_link(relay, "2000")))
            confirm = {"csrf": other, "jeton": token}
            async with second.post("/tableau/annuaire/import/confirmer", data=confirm) as response:
                assert response.status == 400
            assert await refs(relay) == set()
            confirm = {"csrf": csrf, "jeton": token}
            async with first.post("/tableau/annuaire/import/confirmer", data=confirm) as response:
                assert response.status == 200
            assert await refs(relay) == {"t-1", "t-2"}


async def test_posts_without_csrf_are_refused(relay: Relay) -> None:
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        async with http.post(
            "/tableau/annuaire/import", data=upload("forged", GOOD_FILE.encode(), "a.csv")
        ) as response:
            assert response.status == 403 and "Formulaire expiré" in await response.text()
        form = aiohttp.FormData()
        form.add_field("fichier", GOOD_FILE.encode(), filename="a.csv")
        async with http.post("/tableau/annuaire/import", data=form) as response:
            assert response.status == 403
        async with http.post("/tableau/annuaire/import/confirmer", data={"jeton": "x"}) as response:
            assert response.status == 403
    assert await refs(relay) == set()


async def test_unusable_files_are_refused_in_french(relay: Relay) -> None:
    async with browser(relay) as http:
        csrf = csrf_of(await signed_in(http, await sign_in_link(relay)))
        cases = [
            (b"nom\nA\n", "../../../etc/cron.d/x.txt", 400, "format non reconnu"),
            (b"ville,telephone\nPornic,02\n", "sans-nom.csv", 400, "pas de colonne « nom »"),
            (b"not a zip", "classeur.xlsx", 400, "classeur.xlsx :"),
            (b"nom\n" + b"x" * (22 * 2**20), "enorme.csv", 413, "20 Mo"),
        ]
        for content, name, status, message in cases:
            async with http.post(
                "/tableau/annuaire/import", data=upload(csrf, content, name)
            ) as response:
                page = await response.text()
                assert response.status == status, page
                assert message in unescape(page), page
        form = aiohttp.FormData({"csrf": csrf})
        async with http.post("/tableau/annuaire/import", data=form) as response:
            assert response.status == 400 and "Aucun fichier reçu" in await response.text()
    assert await refs(relay) == set()


async def test_the_export_round_trips(relay: Relay) -> None:
    await relay.directory.import_entries(
        [
            Entry(name="Maison des adolescents", ref="m-1", commune="Pornic", phone="+33 2 40"),
            Entry(name='=HYPERLINK("http://x")', ref="m-2", keywords=("écoute", "jeunes")),
        ]
    )
    async with browser(relay) as http:
        csrf = csrf_of(await signed_in(http, await sign_in_link(relay)))
        async with http.get("/tableau/annuaire/export.csv") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/csv")
            disposition = response.headers["Content-Disposition"]
            exported = await response.read()
        assert disposition.startswith('attachment; filename="annuaire-') and ".csv" in disposition
        rows = list(csv.DictReader(io.StringIO(exported.decode())))
        assert sorted((r["id"], r["nom"]) for r in rows) == [
            ("m-1", "Maison des adolescents"),
            ("m-2", '\'=HYPERLINK("http://x")'),
        ]
        async with http.post(
            "/tableau/annuaire/import", data=upload(csrf, exported, "export.csv")
        ) as response:
            check = unescape(await response.text())
        assert "2 lignes lues (utf-8) : 0 ajoutée, 0 mise à jour, 2 inchangées" in check
        async with http.get("/tableau/annuaire/export.xlsx") as response:
            assert response.status == 200
            assert response.headers["Content-Disposition"].endswith('.xlsx"')
            assert (await response.read())[:2] == b"PK"
        async with http.get("/tableau/annuaire/export.pdf") as response:
            assert response.status == 404
