"""The Réunions page: scheduling, changing, cancelling a meeting and noting its participants in
the browser, with the chat's rules and messages, on every backend."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import aiohttp
from sqlmodel import col, select

from relay.app import Relay
from relay.meetings.reminders import RSVP_ACTION
from relay.messages import Button, Reply
from relay.store.models import Announcement, Delivery, Subscriber
from relay.store.models_schedule import Meeting
from tests.board_support import browser, csrf_of, sign_in_link, signed_in
from tests.chat import ChatUser
from tests.scheduled_support import Clock
from tests.test_delivery import subscribe

PAGE = "/tableau/reunions"
MONDAY = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # 10:00 in Paris
OUTCOME = re.compile(
    r'<div id="resultat" class="(message[^"]*)"[^>]*>\s*<p class="texte">(.*?)</p>', re.S
)
ERROR = re.compile(
    r'<div id="erreur-(\w+)" class="message erreur" role="alert"><p class="texte">(.*?)</p>', re.S
)
COPIL = {
    "type": "copil",
    "date": "2027-01-20",
    "heure": "14:00",
    "lieu": "Salle du conseil, Pornic",
}


async def get(http: aiohttp.ClientSession, path: str = PAGE) -> str:
    async with http.get(path) as response:
        assert response.status == 200, path
        return await response.text()


async def post(http: aiohttp.ClientSession, path: str, form: dict[str, str]) -> tuple[int, str]:
    """Post a form with the session's token; returns the status and the page shown after."""
    data = {"csrf": csrf_of(await get(http)), **form}
    async with http.post(path, data=data) as response:
        return response.status, await response.text()


def outcome(html: str) -> str:
    found = OUTCOME.search(html)
    assert found and found.group(1) == "message", "no outcome shown"
    return unescape(found.group(2))


def error(html: str) -> tuple[str, str]:
    found = ERROR.search(html)
    assert found, "no error shown"
    return found.group(1), unescape(found.group(2))


async def meeting_titles_to(relay: Relay, address: str) -> list[str]:
    """The meeting messages (invitation, change, cancellation) queued for a chat."""
    async with relay.db.read() as session:
        query = (
            select(Announcement.title)
            .join(Delivery, col(Delivery.announcement_id) == col(Announcement.id))
            .join(Subscriber, col(Delivery.subscriber_id) == col(Subscriber.id))
            .where(col(Subscriber.address) == address, col(Announcement.source) == "meeting")
            .order_by(col(Announcement.id))
        )
        return list((await session.execute(query)).scalars())


async def meetings(relay: Relay) -> list[Meeting]:
    async with relay.db.read() as session:
        query = select(Meeting).order_by(col(Meeting.id))
        return list((await session.execute(query)).scalars())


async def signed_in_browser(relay: Relay, http: aiohttp.ClientSession) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await signed_in(http, await sign_in_link(relay))


async def test_a_meeting_scheduled_from_the_page_invites(relay: Relay) -> None:
    await subscribe(relay, "61", ["vie-du-cls"])
    await subscribe(relay, "62", ["addictions"])
    await subscribe(relay, "63", ["jeunes"])
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        form = {**COPIL, "theme-addictions": "on", "publique": "on"}
        status, page = await post(http, PAGE, form)
        assert status == 200
        assert outcome(page) == "C'est fait : la réunion n°1 est programmée et l'invitation part."
        assert "Réunion n°1 : COPIL du Contrat Local de Santé" in page
        assert "mercredi 20 janvier 2027 à 14 h" in page and "Salle du conseil, Pornic" in page
        assert "sur l'agenda public du site" in page
        listed = await get(http)
        journal = await get(http, "/tableau/journal")
    assert "COPIL — COPIL du Contrat Local de Santé" in listed.split("Programmer une réunion")[0]
    (meeting,) = await meetings(relay)
    assert meeting.starts_at.replace(tzinfo=UTC) == datetime(2027, 1, 20, 13, 0, tzinfo=UTC)
    assert meeting.public and meeting.theme_slugs == ("vie-du-cls", "addictions")
    assert await meeting_titles_to(relay, "61") == ["Invitation : COPIL du Contrat Local de Santé"]
    assert await meeting_titles_to(relay, "62") == ["Invitation : COPIL du Contrat Local de Santé"]
    assert await meeting_titles_to(relay, "63") == []
    assert "réunion" in journal and "n°1 « COPIL du Contrat Local de Santé »" in journal
    assert "programmée" in journal


async def test_the_chat_rules_apply_and_the_fields_are_kept(relay: Relay) -> None:
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        past = {**COPIL, "date": "2027-01-03", "lieu": "Mairie <b>de</b> Pornic"}
        status, page = await post(http, PAGE, past)
        assert status == 400
        assert error(page) == (
            "programmer",
            "Cette date est déjà passée : choisissez une date à venir.",
        )
        assert (
            'value="2027-01-03"' in page and 'value="Mairie &lt;b&gt;de&lt;/b&gt; Pornic"' in page
        )
        assert 'aria-describedby="erreur-programmer"' in page
        status, page = await post(http, PAGE, {**COPIL, "date": "31/02"})
        assert status == 400 and error(page)[1].startswith("« 31/02 » n'est pas une date")
        status, page = await post(http, PAGE, {**COPIL, "date": ""})
        assert status == 400 and error(page)[1] == "Indiquez la date et l'heure de la réunion."
        status, page = await post(http, PAGE, {**COPIL, "type": "gt"})
        assert status == 400 and "Cochez au moins un thème" in error(page)[1]
        status, page = await post(http, PAGE, {**COPIL, "date": "2031-01-20"})
        assert status == 400 and error(page)[1].startswith("Cette date est à plus de trois ans")
        # The night the clocks go forward, 2:30 does not exist in Paris.
        status, page = await post(http, PAGE, {**COPIL, "date": "2027-03-28", "heure": "02:30"})
        assert status == 400 and "n'existe pas" in error(page)[1]
        assert "heure d'été" in error(page)[1]
    assert await meetings(relay) == []


async def test_the_same_meeting_twice_needs_the_coordinators_word(relay: Relay) -> None:
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        assert (await post(http, PAGE, COPIL))[0] == 200
        other = {**COPIL, "lieu": "Visioconférence", "titre": "COPIL <i>bis</i>"}
        status, page = await post(http, PAGE, other)
        assert status == 400
        assert error(page)[1] == (
            "Une réunion COPIL est déjà programmée à ce moment : n°1 « COPIL du Contrat Local "
            "de Santé », mercredi 20 janvier 2027 à 14 h, Salle du conseil, Pornic.\n"
            "Programmer celle-ci aussi, et inviter ?"
        )
        assert 'name="quand_meme" value="1"' in page and "Programmer quand même" in page
        assert 'value="COPIL &lt;i&gt;bis&lt;/i&gt;"' in page
        assert len(await meetings(relay)) == 1
        status, page = await post(http, PAGE, {**other, "quand_meme": "1"})
        assert status == 200 and outcome(page).startswith("C'est fait : la réunion n°2")
        assert "COPIL &lt;i&gt;bis&lt;/i&gt;" in page and "<i>bis" not in page
    assert [m.place for m in await meetings(relay)] == [
        "Salle du conseil, Pornic",
        "Visioconférence",
    ]


async def test_moving_onto_the_same_meeting_needs_the_coordinators_word(relay: Relay) -> None:
    await subscribe(relay, "61", ["vie-du-cls"])
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        await post(http, PAGE, COPIL)
        await post(http, PAGE, {**COPIL, "date": "2027-01-27", "lieu": "Mairie de Pornic"})
        assert 'name="quand_meme"' not in await get(http, f"{PAGE}/2")
        move = {"date": "2027-01-20", "heure": "14:00", "lieu": "Visioconférence"}
        status, page = await post(http, f"{PAGE}/2/modifier", move)
        assert status == 400
        assert error(page) == (
            "modifier",
            "Une réunion COPIL est déjà programmée à ce moment : n°1 « COPIL du Contrat Local "
            "de Santé », mercredi 20 janvier 2027 à 14 h, Salle du conseil, Pornic.\n"
            "Déplacer quand même la réunion n°2 à ce moment, et prévenir ses invités ?",
        )
        assert 'name="quand_meme" value="1"' in page and "Déplacer quand même" in page
        assert 'value="2027-01-20"' in page and 'value="Visioconférence"' in page
        assert "mercredi 27 janvier 2027 à 14 h" in page, "the meeting has not moved"
        status, page = await post(http, f"{PAGE}/2/modifier", {**move, "quand_meme": "1"})
        assert status == 200
        assert outcome(page) == "La réunion n°2 est modifiée ; les invités sont prévenus."
        assert "mercredi 20 janvier 2027 à 14 h" in page and 'name="quand_meme"' not in page
        # Its own time is no duplicate, even with the other one there now.
        own = {"date": "2027-01-20", "heure": "14:00", "lieu": "Mairie de Pornic"}
        status, page = await post(http, f"{PAGE}/1/modifier", own)
        assert status == 200 and outcome(page).startswith("La réunion n°1 est modifiée")
        journal = await get(http, "/tableau/journal")
    assert await meeting_titles_to(relay, "61") == [
        "Invitation : COPIL du Contrat Local de Santé",
        "Invitation : COPIL du Contrat Local de Santé",
        "Réunion modifiée : COPIL du Contrat Local de Santé",
        "Réunion modifiée : COPIL du Contrat Local de Santé",
    ]
    assert "n°2 « COPIL du Contrat Local de Santé » du mercredi 20 janvier 2027 à 14 h" in journal
    assert journal.count("modifiée") == 2
    assert [(m.place, m.starts_at.replace(tzinfo=UTC)) for m in await meetings(relay)] == [
        ("Mairie de Pornic", datetime(2027, 1, 20, 13, 0, tzinfo=UTC)),
        ("Visioconférence", datetime(2027, 1, 20, 13, 0, tzinfo=UTC)),
    ]


async def test_change_and_cancel_notify_invitees_and_go_in_the_journal(relay: Relay) -> None:
    await subscribe(relay, "61", ["vie-du-cls"])
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        await post(http, PAGE, COPIL)
        status, page = await post(
            http,
            f"{PAGE}/1/modifier",
            {"date": "2027-01-21", "heure": "14:00", "lieu": "Salle du conseil, Pornic"},
        )
        assert status == 200
        assert outcome(page) == "La réunion n°1 est modifiée ; les invités sont prévenus."
        assert "jeudi 21 janvier 2027 à 14 h" in page
        # Nothing changed: the chat's message, and nobody is told anything.
        status, page = await post(
            http,
            f"{PAGE}/1/modifier",
            {"date": "2027-01-21", "heure": "14:00", "lieu": "Salle du conseil, Pornic"},
        )
        assert status == 400
        assert error(page) == (
            "modifier",
            "Indiquez une nouvelle date, une nouvelle heure ou un nouveau lieu.",
        )
        status, page = await post(
            http,
            f"{PAGE}/1/modifier",
            {"date": "2027-01-21", "heure": "09:30", "lieu": "Mairie de Machecoul"},
        )
        assert status == 200 and "jeudi 21 janvier 2027 à 9 h 30" in page
        assert "Mairie de Machecoul" in page
        # Cancelling needs the box ticked.
        status, page = await post(http, f"{PAGE}/1/annuler", {})
        assert status == 400
        assert error(page) == (
            "annuler",
            "Cochez « Je confirme l'annulation » pour annuler la réunion n°1.",
        )
        assert 'aria-invalid="true"' in page
        status, page = await post(http, f"{PAGE}/1/annuler", {"confirmation": "on"})
        assert status == 200
        assert outcome(page) == "La réunion n°1 est annulée ; les invités sont prévenus."
        assert "/annuler" not in page and "/modifier" not in page
        status, page = await post(http, f"{PAGE}/1/modifier", {"heure": "10:00"})
        assert status == 400 and error(page)[1] == "La réunion n°1 est annulée."
        journal = await get(http, "/tableau/journal")
    assert await meeting_titles_to(relay, "61") == [
        "Invitation : COPIL du Contrat Local de Santé",
        "Réunion modifiée : COPIL du Contrat Local de Santé",
        "Réunion modifiée : COPIL du Contrat Local de Santé",
        "Réunion annulée : COPIL du Contrat Local de Santé",
    ]
    assert journal.count("modifiée") == 2 and journal.count("annulée") == 1
    (meeting,) = await meetings(relay)
    assert meeting.status == "cancelled" and meeting.place == "Mairie de Machecoul"


async def test_answers_and_participants_of_a_past_meeting(relay: Relay) -> None:
    await subscribe(relay, "31", ["vie-du-cls"])
    await subscribe(relay, "32", ["vie-du-cls"])
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        clock = relay.meetings.clock
        assert isinstance(clock, Clock)
        info = await relay.meetings.schedule("equipe-projet", MONDAY + timedelta(hours=3), "CCAS")
        for partner_id, answer in (("31", "yes"), ("32", "maybe")):
            partner = ChatUser.private(relay, partner_id)
            partner.last = [
                Reply("", buttons=((Button("x", f"{RSVP_ACTION}{info.id}:{answer}"),),))
            ]
            assert "C'est noté" in await partner.press("x")
        status, page = await post(http, f"{PAGE}/1/participants", {"participants": "12"})
        assert status == 400 and "/participants" not in page, "not before the meeting"
        assert "1 oui, 1 peut-être, 0 non" in page
        clock.advance(hours=4)
        listed = await get(http)
        past = listed.split("<h2>Passées</h2>")[1]
        assert "Équipe projet — Équipe projet du CLS" in past and "à noter" in past
        status, page = await post(http, f"{PAGE}/1/participants", {"participants": "douze"})
        assert status == 400
        assert error(page) == (
            "participants",
            "Le nombre de participants doit être un nombre entier entre 0 et 10 000.",
        )
        status, page = await post(http, f"{PAGE}/1/participants", {"participants": "20000"})
        assert status == 400 and "entre 0 et 10 000" in error(page)[1]
        status, page = await post(http, f"{PAGE}/1/participants", {"participants": "12"})
        assert status == 200
        assert (
            outcome(page)
            == "C'est noté : 12 participants à la réunion n°1 « Équipe projet du CLS »."
        )
        past = (await get(http)).split("<h2>Passées</h2>")[1]
        assert re.search(r'<td class="nombre">12</td>\s*</tr>', past)
        status, page = await post(http, f"{PAGE}/1/modifier", {"heure": "18:00"})
        assert status == 400 and error(page) == ("modifier", "La réunion n°1 a déjà eu lieu.")
    (meeting,) = await meetings(relay)
    assert meeting.participants == 12


async def test_the_public_agenda_from_the_page(relay: Relay) -> None:
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        await post(http, PAGE, COPIL)
        async with http.get("/agenda") as response:
            assert "COPIL du Contrat Local de Santé" not in await response.text()
        status, page = await post(http, f"{PAGE}/1/publique", {"publique": "1"})
        title = "La réunion n°1 « COPIL du Contrat Local de Santé »"
        assert status == 200
        assert outcome(page) == (
            f"{title} figure maintenant sur l'agenda public du site : "
            f"{relay.settings.public_url}/agenda"
        )
        async with http.get("/agenda") as response:
            assert "COPIL du Contrat Local de Santé" in await response.text()
        status, page = await post(http, f"{PAGE}/1/publique", {"publique": "0"})
        assert status == 200
        assert outcome(page) == f"{title} n'est plus sur l'agenda public du site."
    (meeting,) = await meetings(relay)
    assert not meeting.public


async def test_forged_numbers_and_missing_tokens_change_nothing(relay: Relay) -> None:
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        draft = await relay.meetings.draft("copil", MONDAY + timedelta(days=3), "", ())
        await post(http, PAGE, COPIL)  # n°2
        for path in (f"{PAGE}/999999", f"{PAGE}/abc", f"{PAGE}/{draft.id}", f"{PAGE}/99999999999"):
            async with http.get(path) as response:
                assert response.status == 404, path
        csrf = csrf_of(await get(http))
        for action in ("modifier", "annuler", "publique", "participants"):
            for number in ("999999", "abc", str(draft.id)):
                data = {"csrf": csrf, "confirmation": "on", "heure": "10:00", "publique": "1"}
                async with http.post(f"{PAGE}/{number}/{action}", data=data) as response:
                    assert response.status == 404, (number, action)
            for data in ({"confirmation": "on"}, {"csrf": "forged", "confirmation": "on"}):
                async with http.post(f"{PAGE}/2/{action}", data=data) as response:
                    assert response.status == 403 and "Formulaire expiré" in await response.text()
        async with http.post(PAGE, data={**COPIL, "date": "2027-02-01"}) as response:
            assert response.status == 403
    assert [(m.id, m.status) for m in await meetings(relay)] == [(1, "draft"), (2, "scheduled")]
    assert not (await meetings(relay))[1].public


async def test_hostile_titles_and_places_are_shown_as_text(relay: Relay) -> None:
    async with browser(relay) as http:
        await signed_in_browser(relay, http)
        hostile = {
            **COPIL,
            "titre": "<script>alert('t')</script>",
            "lieu": '"><img src=x onerror=alert(1)>',
        }
        status, page = await post(http, PAGE, hostile)
        assert status == 200
        listed = await get(http)
    for html in (page, listed):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in html
