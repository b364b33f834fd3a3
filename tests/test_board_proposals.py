"""The Propositions page: a partner proposes in the chat, the coordinator decides in the browser
(themes to tick, a reason to give), with the chat's outcome messages, on every backend."""

import re
from html import unescape

import aiohttp
from sqlmodel import col, select

from relay.app import Relay
from relay.store.models import Announcement, Delivery, DirectNotice, Subscriber
from tests.board_support import browser, csrf_of, sign_in_link, signed_in
from tests.chat import ChatUser
from tests.test_delivery import subscribe

PAGE = "/tableau/propositions"
MESSAGE = re.compile(
    r'<div id="resultat" class="(message[^"]*)"[^>]*>\s*<p class="texte">(.*?)</p>', re.S
)
PROPOSAL = (
    "/proposer Atelier cuisine pour les ados\n\n"
    "Le mercredi 14h, à la maison des jeunes de Pornic.\n"
    "Gratuit https://exemple.fr/atelier"
)


async def partner_proposes(relay: Relay, text: str = PROPOSAL) -> ChatUser:
    partner = ChatUser.private(relay, "77")
    assert "proposition n°1" in await partner.say(text)
    return partner


async def page(http: aiohttp.ClientSession, path: str = PAGE) -> str:
    async with http.get(path) as response:
        assert response.status == 200
        return await response.text()


async def decide(
    http: aiohttp.ClientSession, path: str, form: dict[str, str]
) -> tuple[str, str, str]:
    """Post a decision; returns the message the page shows after the redirect, its class, and
    the page."""
    form = {"csrf": csrf_of(await page(http)), **form}
    async with http.post(path, data=form, allow_redirects=False) as response:
        assert response.status == 303, await response.text()
        location = response.headers["Location"]
    assert location.startswith(PAGE + "?")
    html = await page(http, location)
    found = MESSAGE.search(html)
    assert found, "no outcome shown"
    return unescape(found.group(2)), found.group(1), html


async def status_of(relay: Relay, number: int) -> str:
    async with relay.db.read() as session:
        announcement = await session.get(Announcement, number)
        assert announcement is not None
        return announcement.status


async def deliveries_of(relay: Relay, number: int) -> list[str]:
    async with relay.db.read() as session:
        query = (
            select(Subscriber.address)
            .join(Delivery, col(Delivery.subscriber_id) == col(Subscriber.id))
            .where(col(Delivery.announcement_id) == number)
        )
        return sorted((await session.execute(query)).scalars())


async def notices_to(relay: Relay, address: str) -> list[str]:
    async with relay.db.read() as session:
        query = select(DirectNotice.text).where(col(DirectNotice.address) == address)
        return list((await session.execute(query.order_by(col(DirectNotice.id)))).scalars())


async def test_the_coordinator_approves_a_proposal_choosing_its_themes(relay: Relay) -> None:
    await subscribe(relay, "11", ["jeunes"])
    await subscribe(relay, "12", ["nutrition-activite-physique"])
    await subscribe(relay, "13", ["addictions"])
    await partner_proposes(relay)
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        listed = await page(http)
        assert "Proposition n°1 : Atelier cuisine pour les ados" in listed
        assert "Le mercredi 14h, à la maison des jeunes de Pornic.\nGratuit" in listed
        assert "Proposée par un partenaire" in listed
        assert "Thèmes suggérés : Santé des jeunes" in listed
        assert re.search(r'name="theme-jeunes" checked', listed), "suggested themes are ticked"
        assert not re.search(r'name="theme-addictions" checked', listed)
        form = {"theme-jeunes": "on", "theme-nutrition-activite-physique": "on"}
        message, kind, _ = await decide(http, f"{PAGE}/1/valider", form)
        assert message == "Proposition n°1 validée : elle part vers 2 chats." and kind == "message"
        after = await page(http)
        journal = await page(http, "/tableau/journal")
    assert await status_of(relay, 1) == "queued"
    assert await deliveries_of(relay, 1) == ["11", "12"]
    assert await notices_to(relay, "77") == [
        "Bonne nouvelle : votre proposition n°1 a été validée et relayée par le CLS. Merci !"
    ]
    assert "Aucune proposition n'attend de décision." in after
    decided = after.split("<h2>Dernières décisions</h2>")[1]
    assert "Validée le" in decided and "Nutrition et activité physique" in decided
    assert "proposition validée" in journal and "Atelier cuisine pour les ados" in journal
    assert "Telegram 1000" in journal


async def test_a_refusal_tells_the_partner_the_reason(relay: Relay) -> None:
    await subscribe(relay, "11", ["jeunes"])
    await partner_proposes(relay)
    reason = "Hors du champ du CLS <script>alert('motif')</script>"
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        message, kind, _ = await decide(http, f"{PAGE}/1/refuser", {"motif": reason})
        assert message == "Proposition n°1 refusée. Le partenaire en est informé."
        assert kind == "message"
        after = await page(http)
        journal = await page(http, "/tableau/journal")
    assert await status_of(relay, 1) == "rejected" and await deliveries_of(relay, 1) == []
    (notice,) = await notices_to(relay, "77")
    assert notice.startswith("Votre proposition n°1 n'a pas été retenue")
    assert notice.endswith(f"Motif : {reason}")
    assert "Refusée" in after and "<script>alert" not in after
    assert "Motif : Hors du champ du CLS &lt;script&gt;" in after
    assert "proposition refusée" in journal and "<script>alert" not in journal


async def test_a_proposal_decided_in_the_chat_meanwhile_is_no_longer_pending(
    relay: Relay,
) -> None:
    await subscribe(relay, "11", ["jeunes"])
    await partner_proposes(relay)
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        csrf = csrf_of(await page(http))  # the page is open, with its forms
        assert "validée" in await ChatUser.private(relay, "1000").say("/valider 1 #jeunes")
        for action, form in (("valider", {"theme-addictions": "on"}), ("refuser", {})):
            async with http.post(
                f"{PAGE}/1/{action}", data={"csrf": csrf, **form}, allow_redirects=False
            ) as response:
                assert response.status == 303
                found = MESSAGE.search(await page(http, response.headers["Location"]))
            assert found and found.group(1) == "message erreur"
            assert unescape(found.group(2)) == (
                "Je ne trouve pas de proposition n°1 en attente de décision."
            )
    assert await status_of(relay, 1) == "queued" and await deliveries_of(relay, 1) == ["11"]
    assert len(await notices_to(relay, "77")) == 1, "the partner heard once"


async def test_validating_needs_a_theme(relay: Relay) -> None:
    await partner_proposes(relay, "/proposer Kermesse de l'école samedi")
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        listed = await page(http)
        assert "Thèmes suggérés : aucun détecté" in listed and " checked" not in listed
        message, kind, shown = await decide(http, f"{PAGE}/1/valider", {})
        assert message == ("Précisez au moins un thème pour la proposition n°1 : /valider 1 #thème")
        assert kind == "message erreur" and 'role="alert"' in shown
        assert '<fieldset aria-describedby="resultat">' in shown, "the error names its fields"
        assert await status_of(relay, 1) == "proposed"
        message, _, _ = await decide(http, f"{PAGE}/1/valider", {"theme-jeunes": "on"})
        assert message.startswith("Proposition n°1 validée")


async def test_forged_numbers_and_missing_tokens_change_nothing(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/diffuser #jeunes Forum santé des jeunes")  # a draft, no proposal
    partner = ChatUser.private(relay, "77")
    await partner.say("/proposer Atelier pour les ados")
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        csrf = csrf_of(await page(http))
        for path in (
            f"{PAGE}/999999/valider",
            f"{PAGE}/abc/valider",
            f"{PAGE}/1/valider",  # the coordinator's draft: no proposal
            f"{PAGE}/99999999999999999999/refuser",
            f"{PAGE}/2",
        ):
            async with http.post(path, data={"csrf": csrf, "theme-jeunes": "on"}) as response:
                assert response.status in (404, 405), path
                if response.status == 404:
                    assert "Page introuvable" in await response.text()
        for form in ({"theme-jeunes": "on"}, {"csrf": "forged", "theme-jeunes": "on"}):
            async with http.post(f"{PAGE}/2/valider", data=form) as response:
                assert response.status == 403 and "Formulaire expiré" in await response.text()
            async with http.post(f"{PAGE}/2/refuser", data=form) as response:
                assert response.status == 403
        # A message in a link nobody signed is not shown.
        forged = await page(http, f"{PAGE}?message=Votre+session+a+expir%C3%A9&signature=00")
        assert "Votre session a expiré" not in forged
    assert await status_of(relay, 1) == "draft" and await status_of(relay, 2) == "proposed"
    assert await notices_to(relay, "77") == []


async def test_hostile_proposals_are_shown_as_text(relay: Relay) -> None:
    await partner_proposes(
        relay, '/proposer <img src=x onerror="alert(1)"> Atelier <b>gras</b> javascript:alert(2)'
    )
    async with browser(relay) as http:
        await signed_in(http, await sign_in_link(relay))
        listed = await page(http)
    assert "<img src=x" not in listed and "<b>gras" not in listed
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in listed
    assert 'href="javascript' not in listed
