"""The web site in a real browser: Debian's chromium driven by Playwright, axe-core (from npm)
run in every page. A person searches from the home page, opens a result and reads it; the
agenda shows a relayed event; hostile entries stay text; no serious or critical accessibility
violation, no horizontal scrolling on a 375 px phone, no script blocked by the CSP."""

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from relay.app import Relay
from tests.browser_support import (
    PHONE,
    RunningSite,
    blocked_by_policy,
    browser,
    needs_browser,
    page,
    page_width,
    serious_violations,
)
from tests.web_support import HOSTILE, in_days, load_directory, relay_event

PAGES = [
    "/",
    "/annuaire",
    "/annuaire?q=psychologue+%C3%A0+Pornic",
    "/annuaire?theme=sante-mentale&commune=Pornic",
    "/annuaire?q=v%C3%A9t%C3%A9rinaire",
    "/annuaire/ann-0205",
    "/annuaire/hostile-1",
    "/annuaire/ann-0205/signaler",
    "/agenda",
    "/integrer",
    "/integrer/annuaire?q=psychologue",
    "/page-inconnue",
]
__all__ = ["browser", "page"]  # fixtures
pytestmark = needs_browser


async def _with_directory_and_event(relay: Relay) -> None:
    await load_directory(relay, HOSTILE)
    await relay_event(relay, "Forum santé mentale des jeunes", in_days(10), ("jeunes",))


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSite]:
    database = tmp_path_factory.mktemp("web") / "relay.db"
    with RunningSite(database, _with_directory_and_event) as served:
        yield served


def test_a_person_searches_from_the_home_page_opens_a_result_and_reads_it(
    running: RunningSite, page: Page
) -> None:
    page.goto(running.url + "/")
    page.get_by_label("Que cherchez-vous ?").fill("psychologue à Pornic")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Résultats pour « psychologue à Pornic »"
    )
    expect(page.get_by_role("status")).to_contain_text("fiches trouvées")
    page.get_by_role("link", name="Cabinet de psychologie de la Côte de Jade").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cabinet de psychologie de la Côte de Jade"
    )
    phone = page.get_by_role("link", name="02 61 91 79 29")
    expect(phone).to_have_attribute("href", "tel:0261917929")
    expect(page.locator("dl.fiche")).to_contain_text("Dernière vérification")
    expect(page.get_by_role("link", name="Signaler une erreur sur cette fiche")).to_be_visible()


def test_the_keyboard_reaches_the_content_first_and_shows_where_it_is(
    running: RunningSite, page: Page
) -> None:
    page.goto(running.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("CSAPA")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Résultats pour « CSAPA »")


def test_the_agenda_shows_a_relayed_event(running: RunningSite, page: Page) -> None:
    page.goto(running.url + "/agenda")
    event = page.get_by_role("listitem").filter(has_text="Forum santé mentale des jeunes")
    expect(event).to_contain_text("Événement")
    expect(event.get_by_role("link", name="Forum santé mentale des jeunes")).to_have_attribute(
        "href", "https://cls.example.org/forum"
    )
    page.get_by_label("Thème").select_option(label="Addictions")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Aucun événement à venir sur ce thème")).to_be_visible()


def test_hostile_entries_render_as_text(running: RunningSite, page: Page) -> None:
    dialogs: list[str] = []

    def opened_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", opened_dialog)
    page.goto(running.url + "/annuaire?q=dunes")
    page.get_by_role("link", name='Centre <script>alert("nom")</script> des Dunes').click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text('<script>alert("nom")</script>')
    expect(heading).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.get_by_text("javascript:alert(7)")).to_be_visible()
    assert (
        page.locator("img[src='x'], [onerror], [onmouseover], a[href^='javascript']").count() == 0
    )
    page.wait_for_load_state("load")
    assert dialogs == []


def test_the_map_shows_the_position_without_tiles_and_without_breaking_the_policy(
    running: RunningSite, page: Page
) -> None:
    refused = blocked_by_policy(page)
    page.goto(running.url + "/annuaire/hostile-1")
    expect(page.locator("#carte .leaflet-marker-icon")).to_have_count(1)
    expect(page.get_by_role("link", name="voir sur OpenStreetMap")).to_be_visible()
    assert refused == []


def test_signaler_une_erreur_in_the_browser(running: RunningSite, page: Page) -> None:
    page.goto(running.url + "/annuaire/ann-0205")
    page.get_by_role("link", name="Signaler une erreur sur cette fiche").click()
    page.get_by_label("Ce qui est inexact ou manque").fill("Les horaires ont changé le mardi.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre signalement")


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_accessibility_violation(
    running: RunningSite, page: Page, path: str
) -> None:
    refused = blocked_by_policy(page)
    page.goto(running.url + path)
    page.wait_for_load_state("load")
    assert serious_violations(page) == [], path
    assert refused == [], path


@pytest.mark.parametrize("path", PAGES)
def test_a_phone_screen_never_scrolls_sideways(
    running: RunningSite, browser: Browser, path: str
) -> None:
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    try:
        phone = context.new_page()
        phone.goto(running.url + path)
        phone.wait_for_load_state("load")
        width = page_width(phone)
        assert width <= PHONE["width"], f"{path}: {width} px wide"
    finally:
        context.close()


def test_only_the_embedded_search_may_be_framed_by_another_site(
    running: RunningSite, page: Page, tmp_path: Path
) -> None:
    (tmp_path / "partenaire.html").write_text(
        f'<iframe id="ok" src="{running.url}/integrer/annuaire?q=CSAPA"></iframe>'
        f'<iframe id="no" src="{running.url}/annuaire?q=CSAPA"></iframe>',
        encoding="utf-8",
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    partner = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # another origin: another port
    threading.Thread(target=partner.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{partner.server_address[1]}/partenaire.html")
        page.wait_for_load_state("load")  # the frames' loads included
        embedded = page.frame_locator("#ok")
        expect(embedded.get_by_role("heading", level=1)).to_contain_text("Annuaire")
        expect(embedded.get_by_role("status")).to_contain_text("trouvée")
        expect(page.frame_locator("#no").get_by_role("heading", level=1)).to_have_count(0)
    finally:
        partner.shutdown()
        partner.server_close()
