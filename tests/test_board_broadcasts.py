"""The Diffusions pages on every backend: a broadcast's reach per platform and its failures with
their French reason, a send in progress, and a new broadcast from the form through the chat's
own service (draft, preview, Envoyer, plus tard, Annuler)."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from html import unescape

import aiohttp
from sqlalchemy import func, select
from sqlmodel import col

from relay.app import Relay
from relay.contract import MessageRejected, RecipientGone
from relay.delivery import DeliveryEngine, RetryPolicy, WorkerOptions
from relay.messages import Platform
from relay.states import AnnouncementState
from relay.store.models import Announcement, Delivery
from tests.board_support import browser, csrf_of, sign_in_link, signed_in
from tests.chat import ChatUser
from tests.scripted_channel import ScriptedChannel

FAST = WorkerOptions(retry=RetryPolicy(base_seconds=0.01, cap_seconds=0.05))
NUMBER = re.compile(r"diffusion n°(\d+)")


@asynccontextmanager
async def delivering(relay: Relay, *channels: ScriptedChannel) -> AsyncIterator[DeliveryEngine]:
    for channel in channels:
        relay.engine.add_channel(channel, FAST)
    relay.engine.start()
    try:
        yield relay.engine
    finally:
        await relay.engine.stop(grace_seconds=1)


async def subscribe(relay: Relay, user_id: str, platform: Platform, name: str) -> None:
    user = ChatUser.private(relay, user_id, platform)
    user.name = name
    answer = await user.say("/abonner addictions")
    assert "addictions" in answer.lower(), answer


async def broadcast_in_chat(relay: Relay, text: str) -> int:
    """/diffuser then « Envoyer », as a coordinator does in Telegram; returns its number."""
    coordinator = ChatUser.private(relay, "1000")
    preview = await coordinator.say(f"/diffuser #addictions {text}")
    found = NUMBER.search(preview)
    assert found, preview
    assert "C'est parti" in await coordinator.press("Envoyer")
    return int(found.group(1))


async def page(http: aiohttp.ClientSession, path: str, status: int = 200) -> str:
    async with http.get(path) as response:
        body = await response.text()
        assert response.status == status, (path, response.status, body[:500])
        return body


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def announcements(relay: Relay) -> list[Announcement]:
    async with relay.db.read() as session:
        return list((await session.execute(select(Announcement))).scalars())


async def send_rows(relay: Relay, number: int) -> int:
    async with relay.db.read() as session:
        query = select(func.count()).where(col(Delivery.announcement_id) == number)
        return int((await session.execute(query)).scalar_one())


async def test_a_chat_broadcast_shows_its_reach_per_platform_and_why_it_failed(
    relay: Relay,
) -> None:
    await subscribe(relay, "201", Platform.TELEGRAM, "Maison des ados")
    await subscribe(relay, "202", Platform.TELEGRAM, "CSAPA Pornic")
    await subscribe(relay, "U301", Platform.SLACK, "Élise (CPTS)")
    await subscribe(relay, "U302", Platform.SLACK, "")
    telegram = ScriptedChannel(
        Platform.TELEGRAM,
        failures={"202": [RecipientGone("Forbidden: bot was blocked by the user")]},
    )
    slack = ScriptedChannel(Platform.SLACK, failures={"U302": [MessageRejected("is_archived")]})
    async with delivering(relay, telegram, slack) as engine:
        number = await broadcast_in_chat(relay, "Forum prévention\n\nLe 12/12 à Pornic.")
        assert await engine.drain(20)
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        listing = text_of(await page(http, "/tableau/diffusions"))
        assert f"{number} Forum prévention Événement · coordination envoyée" in listing
        # recipients, then delivered, failed, unreachable (each split by platform), pending
        assert "4 2 Slack 1 Telegram 1 1 Slack 1 1 Telegram 1 0" in listing
        detail_html = await page(http, f"/tableau/diffusions/{number}")
        detail = text_of(detail_html)
    assert "Le 12/12 à Pornic." in detail and "Addictions" in detail
    assert "Telegram 1 0 1 0" in detail and "Slack 1 1 0 0" in detail
    assert "Destinataires : 4 chats Durée" in detail.replace(" .", "")
    assert "Telegram CSAPA Pornic bot bloqué par l'utilisateur" in detail
    assert "Slack U302 canal archivé is_archived" in detail  # no name stored: its address
    assert "Maison des ados" not in detail, "chats reached are not failures"
    assert "data-etat" not in detail_html and "diffusion.js" not in detail_html


async def test_a_send_in_progress_updates_itself(relay: Relay) -> None:
    for user_id in ("201", "202"):
        await subscribe(relay, user_id, Platform.TELEGRAM, "")
    number = await broadcast_in_chat(relay, "Permanence addictologie jeudi")
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        async with http.get(f"/tableau/diffusions/{number}/etat") as response:
            assert response.status == 200
            state = await response.json()
        assert state["done"] is False and state["duration"] == "en cours"
        assert state["platforms"] == [
            {
                "platform": "telegram",
                "label": "Telegram",
                "sent": 0,
                "failed": 0,
                "gone": 0,
                "pending": 2,
            }
        ]
        html = await page(http, f"/tableau/diffusions/{number}")
        assert 'aria-live="polite"' in html
        assert f'data-etat="/tableau/diffusions/{number}/etat"' in html
        assert '<script src="/static/diffusion.js" defer></script>' in html
        assert "Mettre à jour" in html and "en cours d'envoi" in text_of(html)
        assert "Destinataires : 2 chats Durée" in text_of(html).replace(" .", "")
        async with delivering(relay, ScriptedChannel(Platform.TELEGRAM)) as engine:
            assert await engine.drain(20)
        async with http.get(f"/tableau/diffusions/{number}/etat") as response:
            state = await response.json()
        assert state["done"] is True and state["platforms"][0]["sent"] == 2
        assert re.fullmatch(r"(\d+ min )?\d+ s", state["duration"]), state["duration"]
        async with http.get("/static/diffusion.js") as response:
            assert response.status == 200 and "setInterval" in await response.text()


async def test_a_broadcast_from_the_form_is_previewed_then_sent_and_logged(
    relay: Relay,
) -> None:
    for user_id in ("201", "202"):
        await subscribe(relay, user_id, Platform.TELEGRAM, "")
    relay.engine.add_channel(ScriptedChannel(Platform.TELEGRAM, part_size=200), FAST)
    link = await sign_in_link(relay)
    text = "Ateliers de prévention au collège.\n" + "Inscriptions ouvertes. " * 20
    async with browser(relay) as http:
        await signed_in(http, link)
        form = await page(http, "/tableau/diffusions/nouvelle")
        assert "<fieldset" in form and "<legend>Thèmes" in form and "Santé mentale" in form
        fields = {
            "csrf": csrf_of(form),
            "themes": "addictions",
            "kind": "evenement",
            "title": "Semaine de prévention",
            "text": text,
            "link": "https://exemple.fr/semaine?utm_source=x",
            "date": "",
        }
        async with http.post(
            "/tableau/diffusions/nouvelle", data=fields, allow_redirects=False
        ) as response:
            assert response.status == 303, await response.text()
            preview_path = response.headers["Location"]
        number = int(preview_path.split("/")[3])
        assert preview_path == f"/tableau/diffusions/{number}/apercu"
        assert await send_rows(relay, number) == 0, "a draft until Envoyer"
        preview = text_of(await page(http, preview_path))
        assert "Événement : Semaine de prévention" in preview
        assert "Ateliers de prévention au collège." in preview
        assert "Destinataires : 2 chats (Telegram : 2)." in preview
        assert "Sur Telegram, le texte est long : il partira en 3 messages" in preview
        assert "https://exemple.fr/semaine " in preview + " ", "tracking removed, as in chat"
        async with http.post(
            f"/tableau/diffusions/{number}/envoyer",
            data={"csrf": fields["csrf"]},
            allow_redirects=False,
        ) as response:
            assert response.status == 303
            location = response.headers["Location"]
        assert location.startswith(f"/tableau/diffusions/{number}?")
        detail = text_of(await page(http, location))
        assert f"C'est parti : la diffusion n°{number} part vers 2 chats." in detail
        again = text_of(await page(http, f"/tableau/diffusions/{number}"))
        assert "C'est parti" not in again, "the outcome goes with the redirect only"
        forged = location.replace("C'est+parti", "Tout+est+perdu")
        assert forged != location
        assert "Tout est perdu" not in text_of(await page(http, forged)), "only a signed one"
        journal = text_of(await page(http, "/tableau/journal"))
    assert await send_rows(relay, number) == 2
    assert f"Telegram 1000 diffusion n°{number} « Semaine de prévention », vers 2 chats" in (
        journal
    )


async def test_the_form_keeps_the_fields_and_says_what_is_wrong(relay: Relay) -> None:
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        token = csrf_of(await page(http, "/tableau/diffusions/nouvelle"))
        cases = [
            (
                {"title": "Forum <b>jeunes</b>", "text": "  "},
                [
                    "n'est pas enregistrée : 2 champs à corriger.",
                    "Choisissez au moins un thème.",
                    "Écrivez le texte de la diffusion.",
                ],
            ),
            (
                {"themes": "addictions", "text": "x" * 20_001},
                [
                    "n'est pas enregistrée : 1 champ à corriger.",
                    "Le texte fait 20 001 caractères : 20 000 au plus",
                ],
            ),
            (
                {"themes": "addictions", "text": "Forum", "link": "javascript:alert(1)"},
                ["Le lien doit être une adresse web complète"],
            ),
            (
                {"themes": "addictions", "text": "Forum", "date": "2020-01-01"},
                ["Cette date est déjà passée."],
            ),
            (
                {"themes": "addictions", "text": "Forum", "date": "31/02"},
                ["Cette date n'est pas valide"],
            ),
            ({"themes": "pas-un-theme", "text": "Forum"}, ["Thème inconnu : pas-un-theme."]),
        ]
        for values, problems in cases:
            data = {"csrf": token, "kind": "information", **values}
            async with http.post("/tableau/diffusions/nouvelle", data=data) as response:
                assert response.status == 400
                html = await response.text()
            shown = text_of(html)
            for problem in problems:
                assert problem in shown, (values, shown[:600])
            assert 'role="alert"' in html and 'aria-describedby="erreur-' in html
            if "text" in values and values["text"] != "Forum":
                assert 'aria-invalid="true" aria-describedby="erreur-text aide-text"' in html
            if "title" in values:
                assert 'value="Forum &lt;b&gt;jeunes&lt;/b&gt;"' in html, "kept, escaped"
            if values.get("themes") == "addictions":
                assert 'value="addictions" checked' in html
            if values.get("text") == "Forum":
                assert ">Forum</textarea>" in html
    assert await announcements(relay) == []


async def test_later_and_cancel_answer_as_the_chat_does(relay: Relay) -> None:
    await subscribe(relay, "201", Platform.TELEGRAM, "")
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        token = csrf_of(await page(http, "/tableau/diffusions/nouvelle"))
        numbers = []
        for title in ("Plus tard", "Abandonnée"):
            data = {
                "csrf": token,
                "themes": "addictions",
                "kind": "information",
                "title": title,
                "text": "Texte",
            }
            async with http.post("/tableau/diffusions/nouvelle", data=data) as response:
                assert response.status == 200  # followed to the preview
                numbers.append(int(str(response.url).split("/")[-2]))
        later, dropped = numbers
        past = {"csrf": token, "quand": "2020-05-04T09:00"}
        async with http.post(f"/tableau/diffusions/{later}/programmer", data=past) as response:
            assert response.status == 400
            assert "Ce moment est déjà passé" in text_of(await response.text())
        moment = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT10:30")
        data = {"csrf": token, "quand": moment}
        async with http.post(f"/tableau/diffusions/{later}/programmer", data=data) as response:
            shown = text_of(await response.text())
        assert f"C'est programmé : la diffusion n°{later} partira le" in shown
        assert "à 10 h 30" in shown or "10:30" in shown or "10h30" in shown
        async with http.post(f"/tableau/diffusions/{dropped}/annuler", data={"csrf": token}) as r:
            assert f"Diffusion n°{dropped} annulée : rien n'a été envoyé." in text_of(
                await r.text()
            )
        # A preview of what is no longer a draft leads to its page.
        async with http.get(f"/tableau/diffusions/{dropped}/apercu", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == f"/tableau/diffusions/{dropped}"
        listing = text_of(await page(http, "/tableau/diffusions"))
    assert f"{later} Plus tard Information · coordination programmée" in listing
    assert f"{dropped} Abandonnée Information · coordination annulée" in listing
    states = {a.id: a.status for a in await announcements(relay)}
    assert states == {later: AnnouncementState.SCHEDULED, dropped: AnnouncementState.CANCELLED}
    assert await send_rows(relay, later) == 0


async def test_forged_ids_and_posts_without_a_token_change_nothing(relay: Relay) -> None:
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        token = csrf_of(await page(http, "/tableau/diffusions/nouvelle"))
        for forged in ("999999", "abc", "-1", "0", "99999999999999999999", "١٢", "1e3"):
            await page(http, f"/tableau/diffusions/{forged}", 404)
            await page(http, f"/tableau/diffusions/{forged}/etat", 404)
            await page(http, f"/tableau/diffusions/{forged}/apercu", 404)
            for action in ("envoyer", "programmer", "annuler"):
                data = {"csrf": token, "creneau": "99999999"}
                async with http.post(f"/tableau/diffusions/{forged}/{action}", data=data) as r:
                    assert r.status == 404, (forged, action)
        await page(http, "/tableau/diffusions?page=abc", 404)
        await page(http, "/tableau/diffusions?page=999", 404)
        data = {"themes": "addictions", "kind": "information", "text": "Sans jeton"}
        async with http.post("/tableau/diffusions/nouvelle", data=data) as response:
            assert response.status == 403 and "Formulaire expiré" in await response.text()
        assert await announcements(relay) == []
        data["csrf"] = token
        async with http.post("/tableau/diffusions/nouvelle", data=data) as response:
            number = int(str(response.url).split("/")[-2])
        async with http.post(f"/tableau/diffusions/{number}/envoyer", data={"csrf": "x"}) as r:
            assert r.status == 403
        assert [a.status for a in await announcements(relay)] == [AnnouncementState.DRAFT]
    async with browser(relay) as stranger:
        await page(stranger, "/tableau/diffusions", 403)
        await page(stranger, f"/tableau/diffusions/{number}/etat", 403)


async def test_hostile_titles_and_texts_are_shown_escaped(relay: Relay) -> None:
    await subscribe(relay, "201", Platform.TELEGRAM, "<img src=x onerror=alert(1)>")
    telegram = ScriptedChannel(
        Platform.TELEGRAM, failures={"201": [RecipientGone("chat not found")]}
    )
    async with delivering(relay, telegram) as engine:
        number = await broadcast_in_chat(
            relay, "<script>alert('titre')</script>\n\nTexte <b>gras</b> & \"cité\""
        )
        assert await engine.drain(20)
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        listing = await page(http, "/tableau/diffusions")
        detail = await page(http, f"/tableau/diffusions/{number}")
    for html in (listing, detail):
        assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "<b>gras</b>" not in detail and "&lt;b&gt;gras&lt;/b&gt;" in detail
    assert "<img src=x" not in detail and "&lt;img src=x onerror=alert(1)&gt;" in detail
    assert "chat introuvable" in text_of(detail)


async def test_a_withdrawn_broadcast_shows_its_withdrawal(relay: Relay) -> None:
    for user_id in ("201", "202"):
        await subscribe(relay, user_id, Platform.TELEGRAM, "")
    telegram = ScriptedChannel(Platform.TELEGRAM)
    async with delivering(relay, telegram) as engine:
        number = await broadcast_in_chat(relay, "Forum annulé")
        assert await engine.drain(20)
        coordinator = ChatUser.private(relay, "1000")
        await coordinator.say(f"/retirer {number}")
        await coordinator.press("Oui, la retirer")
        assert await engine.drain(20)
    assert telegram.showing("201") == [] and telegram.showing("202") == []
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        listing = text_of(await page(http, "/tableau/diffusions"))
        detail = text_of(await page(http, f"/tableau/diffusions/{number}"))
    row = rf"{number} Forum annulé Événement · coordination retirée \S+ \S+ 2 2 0 0 0 "
    assert re.search(row, listing), "the send's reach stays what it was"
    assert "Retraits et corrections" in detail
    assert "retrait Telegram 1000 Telegram : 2 faits, 0 en échec, 0 injoignable" in detail


async def test_thirty_a_page_newest_first(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    for n in range(1, 33):
        await coordinator.say(f"/diffuser #addictions Numéro {n}")
    link = await sign_in_link(relay)
    async with browser(relay) as http:
        await signed_in(http, link)
        first = text_of(await page(http, "/tableau/diffusions"))
        second = text_of(await page(http, "/tableau/diffusions?page=2"))
    assert "page 1 sur 2, 32 en tout" in first and "Plus anciennes" in first
    assert "32 Numéro 32 Information · coordination brouillon" in first
    assert "3 Numéro 3 " in first and "2 Numéro 2 " not in first
    assert "2 Numéro 2 " in second and "1 Numéro 1 " in second and "Plus récentes" in second
