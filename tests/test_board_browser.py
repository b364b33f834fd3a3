"""The coordinator pages in a real browser (Debian's chromium, Playwright, axe-core): a
coordinator signs in through the link a test chat gives her, a reused link fails, and no
coordinator page has a serious or critical accessibility violation or scrolls sideways on a
phone."""

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import text

from relay.app import Relay, delivering
from relay.contract import RecipientGone
from relay.messages import Platform
from tests.board_support import LINK
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
from tests.chat import ChatUser
from tests.scripted_channel import ScriptedChannel
from tests.web_support import HOSTILE, load_directory

__all__ = ["browser", "page"]  # fixtures
pytestmark = needs_browser

BOARD_PAGES = [
    "/tableau/journal",
    "/tableau/annuaire",
    "/tableau/rapport",
    "/tableau/rapport?annee=2026",
    "/tableau/diffusions",
    "/tableau/diffusions/1",  # delivered, one failure
    "/tableau/diffusions/4",  # in progress: updates itself
    "/tableau/diffusions/nouvelle",
    "/tableau/diffusions/3/apercu",  # a draft's preview
    "/tableau/propositions",
    "/tableau/reunions",
    "/tableau/reunions/1",  # coming: change, publish, cancel
    "/tableau/reunions/2",  # held: its participants
]
IN_PROGRESS = 4
BROADCAST = "Forum santé mentale des jeunes <script>alert(1)</script>"


async def _activity(relay: Relay) -> None:
    """A directory, three subscribed chats, a broadcast delivered to two and refused by one,
    a partner's proposal waiting, a meeting to come and one just held."""
    await load_directory(relay, HOSTILE)
    for user_id in ("11", "12", "13"):
        await ChatUser.private(relay, user_id).say("/abonner jeunes")
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say(f"/diffuser #jeunes {BROADCAST} le 12/01 à Pornic")
    await coordinator.press("Envoyer")
    channel = ScriptedChannel(failures={"13": [RecipientGone("Forbidden: bot was blocked")]})
    async with delivering(relay, [channel], receive=False):
        await relay.engine.drain(10)
    await ChatUser.private(relay, "12").say("/proposer #jeunes Atelier parents le 20/01 à Pornic")
    await coordinator.say(f"/diffuser #jeunes Brouillon {BROADCAST}")  # n°3, a draft
    await coordinator.say("/diffuser #jeunes Permanence addictologie jeudi")  # n°4, on its way
    await coordinator.press("Envoyer")
    now = datetime.now(UTC)
    await relay.meetings.schedule("copil", now + timedelta(days=20), BROADCAST, public=True)
    held = now + timedelta(seconds=1)
    await relay.meetings.schedule("gt", held, "CCAS", ("jeunes",), invite=False)
    await asyncio.sleep((held - datetime.now(UTC)).total_seconds() + 0.1)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSite]:
    with RunningSite(tmp_path_factory.mktemp("board") / "relay.db", _activity) as served:
        yield served


def new_link(running: RunningSite) -> str:
    async def ask() -> str:
        return await ChatUser.private(running.relay, "1000", Platform.TELEGRAM).say("/tableau")

    found = LINK.search(running.call(ask))
    assert found
    return f"{running.url}/connexion/{found.group(1)}"


@pytest.fixture(scope="module")
def signed_in(browser: Browser, running: RunningSite) -> Iterator[BrowserContext]:
    """A browser context signed in as the coordinator, shared by the page checks."""
    context = browser.new_context(locale="fr-FR")
    tab = context.new_page()
    tab.goto(new_link(running))
    tab.wait_for_url(re.compile(r"/tableau"))
    yield context
    context.close()


def test_a_coordinator_signs_in_with_the_link_and_a_reused_link_fails(
    running: RunningSite, browser: Browser
) -> None:
    link = new_link(running)
    context = browser.new_context(locale="fr-FR")
    try:
        tab = context.new_page()
        refused = blocked_by_policy(tab)
        tab.goto(link)  # the page's script sends the form at once
        tab.wait_for_url(re.compile(r"/tableau"))
        cookies = {c["name"]: c for c in context.cookies()}
        assert (
            cookies["relay_session"]["httpOnly"] and cookies["relay_session"]["sameSite"] == "Lax"
        )
        tab.goto(running.url + "/tableau/journal")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Journal des actions")
        journal = tab.get_by_role("table")
        expect(journal).to_contain_text("connexion aux pages de coordination")
        expect(journal).to_contain_text(BROADCAST)  # written as text, never run
        assert refused == []
        other = browser.new_context(locale="fr-FR")
        try:
            again = other.new_page()
            again.goto(link)
            expect(again.get_by_role("heading", level=1)).to_have_text("Ce lien a déjà servi")
            again.goto(running.url + "/tableau/journal")
            expect(again.get_by_role("heading", level=1)).to_contain_text("Session expirée")
        finally:
            other.close()
        tab.get_by_role("button", name="Se déconnecter").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Session terminée")
        tab.goto(running.url + "/tableau/journal")
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Session expirée")
    finally:
        context.close()


@pytest.mark.parametrize("path", BOARD_PAGES)
def test_no_serious_or_critical_accessibility_violation(
    running: RunningSite, signed_in: BrowserContext, path: str
) -> None:
    tab = signed_in.new_page()
    try:
        refused = blocked_by_policy(tab)
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: dialogs.append(dialog.message))
        response = tab.goto(running.url + path)
        assert response is not None and response.status == 200, path
        tab.wait_for_load_state("load")
        assert serious_violations(tab) == [], path
        assert refused == [], path
        assert dialogs == [], f"{path}: a hostile text ran as a script"
    finally:
        tab.close()


@pytest.mark.parametrize("path", BOARD_PAGES)
def test_a_phone_screen_never_scrolls_sideways(
    running: RunningSite, browser: Browser, signed_in: BrowserContext, path: str
) -> None:
    phone = browser.new_context(
        viewport=PHONE, locale="fr-FR", storage_state=signed_in.storage_state()
    )
    try:
        tab = phone.new_page()
        tab.goto(running.url + path)
        tab.wait_for_load_state("load")
        width = page_width(tab)
        assert width <= PHONE["width"], f"{path}: {width} px wide"
        # Tables wider than the phone scroll inside their frame: still readable by keyboard.
        assert serious_violations(tab) == [], path
    finally:
        phone.close()


def test_the_sign_in_and_refusal_pages_are_accessible(running: RunningSite, page: Page) -> None:
    for path in ("/connexion/pas-un-jeton", "/tableau/journal"):
        page.goto(running.url + path)
        page.wait_for_load_state("load")
        assert serious_violations(page) == [], path


def test_a_send_in_progress_shows_its_numbers_change_without_reloading(
    running: RunningSite, signed_in: BrowserContext
) -> None:
    tab = signed_in.new_page()
    try:
        tab.goto(f"{running.url}/tableau/diffusions/{IN_PROGRESS}")
        telegram = tab.locator('#avancement tr[data-plateforme="telegram"]')
        # Two chats: the third became unreachable with the first broadcast.
        expect(telegram.locator('[data-champ="pending"]')).to_have_text("2")
        expect(tab.get_by_role("link", name="Mettre à jour")).to_be_visible()

        async def deliver() -> None:
            async with delivering(running.relay, [ScriptedChannel()], receive=False):
                await running.relay.engine.drain(10)

        running.call(deliver)
        expect(telegram.locator('[data-champ="sent"]')).to_have_text("2", timeout=15_000)
        expect(telegram.locator('[data-champ="pending"]')).to_have_text("0")
        expect(tab.locator('[data-champ="done"]')).to_contain_text("Envoi terminé")
        recipients = tab.locator('#avancement [data-champ="recipients"]')
        expect(recipients).to_have_text("2 chats")  # the live readings keep the word
    finally:
        tab.close()


def test_a_broadcast_from_the_form_is_previewed_then_sent(
    running: RunningSite, signed_in: BrowserContext
) -> None:
    tab = signed_in.new_page()
    try:
        tab.goto(f"{running.url}/tableau/diffusions/nouvelle")
        tab.get_by_label("Titre (facultatif)").fill("Forum des parents")
        tab.get_by_label("Texte").fill("Première ligne.\nDeuxième ligne.")
        tab.get_by_role("button", name="Prévisualiser").click()
        expect(tab.get_by_role("alert")).to_contain_text("Choisissez au moins un thème.")
        expect(tab.get_by_label("Titre (facultatif)")).to_have_value("Forum des parents")
        tab.get_by_label("Jeunes").check()
        tab.get_by_label("Type").select_option("evenement")
        tab.get_by_role("button", name="Prévisualiser").click()
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Aperçu de la diffusion")
        expect(tab.locator(".apercu")).to_contain_text("Événement : Forum des parents")
        expect(tab.get_by_role("status")).to_contain_text("Destinataires : 2 chats")
        tab.get_by_role("button", name="Envoyer", exact=True).click()
        expect(tab.get_by_role("status")).to_contain_text("C'est parti : la diffusion n°")
        expect(tab.locator(".texte")).to_have_text("Première ligne.\nDeuxième ligne.")
    finally:
        tab.close()


def test_a_coordinator_reads_a_broadcasts_numbers_and_approves_a_proposal(
    running: RunningSite, signed_in: BrowserContext
) -> None:
    tab = signed_in.new_page()
    try:
        tab.goto(f"{running.url}/tableau/diffusions/1")
        reach = tab.locator('#avancement tr[data-plateforme="telegram"]')
        expect(reach.locator('[data-champ="sent"]')).to_have_text("2")
        expect(reach.locator('[data-champ="gone"]')).to_have_text("1")
        expect(tab.get_by_role("table", name="Chats non atteints et raison")).to_contain_text(
            "bot bloqué"
        )
        tab.goto(f"{running.url}/tableau/propositions")
        expect(tab.locator("main")).to_contain_text("Atelier parents le 20/01 à Pornic")
        expect(tab.get_by_label("Santé des jeunes")).to_be_checked()
        tab.get_by_role("button", name="Valider et diffuser la proposition n°2").click()
        expect(tab.get_by_role("status")).to_contain_text("n°2")
        expect(tab.get_by_role("status")).to_contain_text("validée")
        expect(tab.get_by_text("Aucune proposition n'attend de décision.")).to_be_visible()
        tab.goto(f"{running.url}/tableau/diffusions/2")
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Atelier parents")
        tab.goto(f"{running.url}/tableau/journal")
        expect(tab.get_by_role("table")).to_contain_text("proposition validée")
    finally:
        tab.close()


def test_an_expired_link_a_partner_a_form_without_its_token_and_a_forged_id_fail(
    running: RunningSite, browser: Browser, signed_in: BrowserContext
) -> None:
    async def partner_asks() -> str:
        return await ChatUser.private(running.relay, "12").say("/tableau")

    assert "/connexion/" not in running.call(partner_asks)
    link = new_link(running)

    async def expire() -> None:
        async with running.relay.db.write() as session:
            await session.execute(
                text("UPDATE sign_in_links SET expires_at = :t WHERE used_at IS NULL"),
                {"t": datetime.now(UTC) - timedelta(seconds=1)},
            )

    running.call(expire)
    stranger = browser.new_context(locale="fr-FR")
    try:
        tab = stranger.new_page()
        tab.goto(link)
        expect(tab.get_by_role("heading", level=1)).to_have_text("Ce lien a expiré")
        assert not stranger.cookies()
    finally:
        stranger.close()
    tab = signed_in.new_page()
    try:
        response = tab.goto(f"{running.url}/tableau/diffusions/999999")
        assert response is not None and response.status == 404
        tab.goto(f"{running.url}/tableau/propositions")
        form = tab.locator("form.deconnexion")
        form.locator('input[name="csrf"]').evaluate("field => field.remove()")
        form.get_by_role("button", name="Se déconnecter").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Formulaire expiré")
        tab.goto(f"{running.url}/tableau/journal")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Journal des actions")
    finally:
        tab.close()
