"""Signing in to the coordinator pages through the chat, on every backend: the one-time link,
the session cookie, the CSRF token, and everything that must be refused."""

from datetime import UTC, datetime, timedelta
from html import unescape

import aiohttp
from sqlalchemy import text

from relay.app import Relay, opened
from relay.messages import Platform
from relay.settings import Settings, load_settings
from tests.board_support import browser, csrf_of, sign_in_link, signed_in
from tests.chat import ChatUser


async def test_a_coordinator_gets_a_personal_link_only_in_a_private_chat(relay: Relay) -> None:
    answer = await ChatUser.private(relay, "1000").say("/tableau")
    assert "lien personnel" in answer and "15 minutes" in answer
    assert f"{relay.settings.public_url}/connexion/" in answer
    in_group = await ChatUser.in_group(relay, "1000", "-500").say("/tableau")
    assert "conversation privée" in in_group and "/connexion/" not in in_group
    partner = await ChatUser.private(relay, "77").say("/dashboard")
    assert "réservée aux coordinateurs" in partner and "/connexion/" not in partner


async def test_the_link_opens_a_session_once(relay: Relay) -> None:
    link = await sign_in_link(relay)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 22, "at least 128 bits of randomness"
    async with browser(relay) as http:
        # Opening the link shows its form; a preview that only GETs it does not spend it.
        for _ in range(2):
            async with http.get(link) as response:
                assert response.status == 200
                assert 'action="/connexion/' in await response.text()
                assert response.headers["Cache-Control"] == "no-store"
        async with http.post(link, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/tableau"
            cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        assert "Max-Age=43200" in cookie
        async with http.get("/tableau/journal") as response:
            assert response.status == 200
            page = await response.text()
        assert "connexion aux pages de coordination" in page and "Telegram 1000" in page
        # The same link again, in this browser or another: refused.
        async with http.get(link) as response:
            assert response.status == 410 and "déjà servi" in await response.text()
        async with http.post(link, allow_redirects=False) as response:
            assert response.status == 410
    async with browser(relay) as other, other.post(link, allow_redirects=False) as response:
        assert response.status == 410 and "Set-Cookie" not in response.headers


async def test_only_hashes_of_links_and_sessions_are_stored(relay: Relay) -> None:
    link = await sign_in_link(relay)
    token = link.rsplit("/", 1)[1]
    async with browser(relay) as http:
        await signed_in(http, link)
        session_token = next(c.value for c in http.cookie_jar if c.key == "relay_session")
    async with relay.db.read() as session:
        stored = [
            " ".join(str(v) for v in row)
            for table in ("sign_in_links", "coordinator_sessions")
            for row in (await session.execute(text(f"SELECT * FROM {table}"))).all()
        ]
    assert stored and not any(token in row or session_token in row for row in stored)


async def test_an_expired_or_unknown_link_is_refused(relay: Relay) -> None:
    link = await sign_in_link(relay)
    async with relay.db.write() as session:
        past = datetime.now(UTC) - timedelta(seconds=1)
        await session.execute(text("UPDATE sign_in_links SET expires_at = :t"), {"t": past})
    async with browser(relay) as http:
        async with http.get(link) as response:
            assert response.status == 410 and "expiré" in await response.text()
        async with http.post(link, allow_redirects=False) as response:
            assert response.status == 410
        async with http.get("/connexion/pas-un-jeton") as response:
            assert response.status == 404 and "/tableau" in await response.text()
        async with http.get("/connexion/" + "x" * 5000) as response:
            assert response.status == 404


async def test_pages_need_a_live_session(relay: Relay) -> None:
    async with browser(relay) as http:
        for path in ("/tableau", "/tableau/journal"):
            async with http.get(path, allow_redirects=False) as response:
                assert response.status == 403
                assert "Session expirée" in await response.text()
        http.cookie_jar.update_cookies({"relay_session": "forged"})
        async with http.get("/tableau/journal") as response:
            assert response.status == 403


async def test_every_post_needs_the_session_csrf_token(relay: Relay) -> None:
    async with browser(relay) as http:
        page = await signed_in(http, await sign_in_link(relay))
        for form in ({}, {"csrf": "forged"}):
            async with http.post("/deconnexion", data=form) as response:
                assert response.status == 403 and "Formulaire expiré" in await response.text()
        async with http.get("/tableau/journal") as response:
            assert response.status == 200, "a refused POST changed nothing"
        async with http.post("/deconnexion", data={"csrf": csrf_of(page)}) as response:
            assert response.status == 200 and "Session terminée" in await response.text()
        async with http.get("/tableau/journal") as response:
            assert response.status == 403


async def test_a_coordinator_removed_loses_every_session(relay: Relay, settings: Settings) -> None:
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        cookie = next(c.value for c in http.cookie_jar if c.key == "relay_session")
    removed = load_settings(database_url=settings.database_url, coordinators="telegram:2000")
    async with opened(removed) as restarted, browser(restarted) as http:
        http.cookie_jar.update_cookies({"relay_session": cookie})
        async with http.get("/tableau/journal") as response:
            assert response.status == 403


async def test_the_cookie_is_secure_on_an_https_site(settings: Settings) -> None:
    https = settings.model_copy(update={"public_url": "https://cls.example.org"})
    async with opened(https) as relay:
        answer = await ChatUser.private(relay, "1000", Platform.TELEGRAM).say("/tableau")
        assert "https://cls.example.org/connexion/" in answer
        link = await sign_in_link(relay)
        async with browser(relay) as http, http.post(link, allow_redirects=False) as response:
            assert "Secure" in response.headers["Set-Cookie"]


async def test_sign_in_is_in_the_audit_log_with_chat_actions(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/diffuser #jeunes Forum santé des jeunes le 12/01 à Pornic")
    await coordinator.press("Envoyer")
    async with browser(relay) as http:
        page = await signed_in(http, await sign_in_link(relay))
    assert "diffusion" in page and "Forum santé des jeunes" in page
    assert page.index("connexion aux pages") < page.index("Forum santé des jeunes")


async def test_no_session_page_sets_a_cookie(relay: Relay) -> None:
    async with browser(relay) as http, http.get("/tableau/journal") as response:
        assert "Set-Cookie" not in response.headers
    assert isinstance(http, aiohttp.ClientSession)


async def test_oublier_ends_the_sessions_and_keeps_the_audit_without_the_person(
    relay: Relay,
) -> None:
    coordinator = ChatUser.private(relay, "1000")
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        await sign_in_link(relay)  # a second link, never used
        await coordinator.say("/oublier")
        assert "effacées" in await coordinator.press("Oui")
        async with http.get("/tableau/journal") as response:
            assert response.status == 403
    async with relay.db.read() as session:
        for table in ("sign_in_links", "coordinator_sessions"):
            assert (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 0
    async with browser(relay) as http:
        page = await signed_in(http, await sign_in_link(relay))
    assert "une personne qui a demandé l'oubli" in unescape(page)
