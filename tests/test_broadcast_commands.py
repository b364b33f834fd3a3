"""Broadcasting, proposing and moderating in chat, as coordinators and partners do it."""

import asyncio
import io
import os
import subprocess
import sys

from sqlalchemy import select
from sqlmodel import col

from relay.app import Relay
from relay.channels.console import ConsoleChannel
from relay.messages import AnnouncementView, Button, Platform, Reply, UserRef
from relay.store.models import Announcement, Delivery
from tests.chat import ChatUser
from tests.scripted_channel import ScriptedChannel
from tests.test_delivery import engine_with, subscribe


async def test_broadcast_preview_then_send_reaches_each_subscriber_once(relay: Relay) -> None:
    await subscribe(relay, "11", ["sante-mentale"])
    await subscribe(relay, "12", ["jeunes", "sante-mentale"])
    await subscribe(relay, "13", ["tout"])
    await subscribe(relay, "14", ["handicap"])
    coordinator = ChatUser.private(relay, "1000")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await coordinator.say(
            "/diffuser #sante-mentale #jeunes Forum santé mentale des jeunes le 12/12 à Pornic "
            "https://exemple.fr/forum"
        )
        preview, question = coordinator.last
        assert isinstance(preview, AnnouncementView)
        assert preview.theme_labels == ("Santé mentale", "Santé des jeunes")
        assert preview.link == "https://exemple.fr/forum"
        assert preview.date_label is not None and "12/12" in preview.date_label
        assert isinstance(question, Reply)
        assert "3 chats (Telegram : 3)" in question.text
        assert not channel.delivered, "nothing leaves before Envoyer"
        assert "C'est parti" in await coordinator.press("Envoyer")
        assert await engine.drain(10)
    assert dict(channel.delivered) == {"11": 1, "12": 1, "13": 1, "1000": 1}
    assert "3 remis" in channel.texts["1000"][0]


async def test_cancelled_broadcast_sends_nothing(relay: Relay) -> None:
    await subscribe(relay, "11", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/diffuser #jeunes Brouillon")
    preview = coordinator.last
    assert "annulée" in await coordinator.press("Annuler")
    coordinator.last = preview  # the old preview's Envoyer button, pressed too late
    assert "plus en attente" in await coordinator.press("Envoyer")
    async with relay.db.read() as session:
        assert (await session.execute(select(Delivery))).all() == []


async def test_broadcast_mistakes_are_explained(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    assert "par exemple" in await coordinator.say("/diffuser")
    assert "au moins un thème" in await coordinator.say("/diffuser Sans thème")
    assert "Thème inconnu : ornithologie" in await coordinator.say("/diffuser #ornithologie x")


async def test_non_coordinators_cannot_broadcast_or_moderate(relay: Relay) -> None:
    await subscribe(relay, "11", ["jeunes"])
    partner = ChatUser.private(relay, "77")
    await partner.say("/proposer Appel à projets jeunes https://exemple.fr")
    for attempt in (
        "/diffuser #jeunes Pirate",
        "/valider 1 #jeunes",
        "/refuser 1",
        "/broadcast #jeunes x",
    ):
        assert "réservée aux coordinateurs" in await partner.say(attempt)
    for action in ("send:1", "approve:1", "reject:1"):
        partner.last = [Reply("", buttons=((Button("x", action),),))]
        assert "réservée aux coordinateurs" in await partner.press("x")
    async with relay.db.read() as session:
        (announcement,) = (await session.execute(select(Announcement))).scalars().all()
        assert announcement.status == "proposed"
        broadcast = select(Delivery).where(col(Delivery.announcement_id).is_not(None))
        assert (await session.execute(broadcast)).all() == []


async def test_a_proposal_goes_to_coordinators_and_its_author_learns_the_outcome(
    relay: Relay,
) -> None:
    await subscribe(relay, "11", ["prevention"])
    partner = ChatUser.private(relay, "77")
    partner.name = "CPTS Pays de Retz"
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        answer = await partner.say(
            "/proposer Appel à projets ARS prévention 2027, dépôt avant le 15/01 https://ars.example.org"
        )
        assert "proposition n°1" in answer
        assert await engine.drain(10)  # the request goes through the outbox
        request = channel.texts["1000"][0]
        assert "CPTS Pays de Retz" in request and "Prévention et promotion de la santé" in request
        coordinator = ChatUser.private(relay, "1000")
        assert "validée" in await coordinator.say("/valider 1")
        assert await engine.drain(10)
        assert "Pas de proposition" not in await coordinator.say("/valider 1")
    assert channel.delivered["11"] == 1
    assert "Bonne nouvelle" in channel.texts["77"][0]
    async with relay.db.read() as session:
        (announcement,) = (await session.execute(select(Announcement))).scalars().all()
    assert (announcement.source, announcement.kind) == ("proposal", "appel_a_projets")


async def test_a_rejected_proposal_tells_the_reason_and_sends_nothing(relay: Relay) -> None:
    await subscribe(relay, "11", ["prevention"])
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await ChatUser.private(relay, "77").say("/proposer Vide-grenier de la mairie")
        coordinator = ChatUser.private(relay, "1000")
        assert "Usage" in await coordinator.say("/refuser")
        assert "n'est pas un numéro" in await coordinator.say("/refuser douze")
        assert "refusée" in await coordinator.say("/refuser 1 hors champ santé")
        assert await engine.drain(5)
    assert "Motif : hors champ santé" in channel.texts["77"][0]
    assert "11" not in channel.delivered


async def test_a_proposal_without_theme_asks_for_one(relay: Relay) -> None:
    await ChatUser.private(relay, "77").say("/proposer Kermesse de l'école")
    coordinator = ChatUser.private(relay, "1000")
    assert "Précisez au moins un thème" in await coordinator.say("/valider 1")
    assert "validée" in await coordinator.say("/valider 1 #jeunes")


async def test_forgetting_a_partner_keeps_the_relayed_proposal_but_not_who_sent_it(
    relay: Relay,
) -> None:
    partner = ChatUser.private(relay, "77")
    await partner.say("/proposer Atelier nutrition https://exemple.fr")
    assert "validée" in await ChatUser.private(relay, "1000").say("/valider 1 #nutrition")
    await partner.say("/oublier")
    await partner.press("Oui")
    async with relay.db.read() as session:
        (announcement,) = (await session.execute(select(Announcement))).scalars().all()
    assert announcement.author is None and announcement.origin_address is None


def test_relay_post_queues_and_delivers(database_url: str) -> None:
    env = {**os.environ, "RELAY_DATABASE_URL": database_url}

    def relay_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "relay", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )

    assert relay_cli("chat", stdin="/abonner psy\n").returncode == 0
    queued = relay_cli(
        "post", "--themes", "santé mentale", "--title", "Forum", "Réunion <CPTS> & MSP"
    )
    assert queued.returncode == 0, queued.stderr
    assert "Annonce n°1 enregistrée" in queued.stdout and "console : 1" in queued.stdout
    delivered = relay_cli("post", "--themes", "psy", "--deliver", "Deuxième annonce")
    assert delivered.returncode == 0, delivered.stderr
    assert "Réunion <CPTS> & MSP" in delivered.stdout  # the first one, waiting, went out too
    assert "Deuxième annonce" in delivered.stdout
    assert "console : 1 remis, 0 en échec, 0 injoignable, 0 en attente" in delivered.stdout
    bad = relay_cli("post", "--themes", "astronomie", "x")
    assert bad.returncode == 2 and "thème inconnu" in bad.stderr and "Traceback" not in bad.stderr


async def test_relay_post_deliver_gives_up_on_an_unreachable_platform(relay: Relay) -> None:
    await subscribe(relay, "42", ["jeunes"])
    env = {
        **os.environ,
        "RELAY_DATABASE_URL": relay.settings.database_url,
        "RELAY_TELEGRAM_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi",
        "RELAY_TELEGRAM_API_URL": "http://127.0.0.1:1/bot",  # nothing listens there
    }
    command = [sys.executable, "-m", "relay", "post", "--themes", "jeunes", "--deliver"]
    process = await asyncio.create_subprocess_exec(
        *command, "--wait", "3", "Forum jeunesse", stderr=asyncio.subprocess.PIPE, env=env
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    errors = stderr.decode()
    assert process.returncode == 1
    last_line = errors.strip().splitlines()[-1]
    assert last_line.startswith("relay : aucun envoi n'a abouti depuis 3 s")
    assert "la diffusion n°1 reste en file" in last_line
    assert "Traceback" not in errors and "ABCDEFGHIJ" not in errors
    async with relay.db.read() as session:
        (delivery,) = (await session.execute(select(Delivery))).scalars().all()
    assert delivery.status == "pending", "left for relay run, not stuck in sending"


async def test_links_are_relayed_without_their_tracking_parameters(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    partner = ChatUser.private(relay, "77")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await coordinator.say(
            "/diffuser #jeunes Forum des jeunes "
            "https://exemple.fr/forum?utm_source=lettre&jour=12&fbclid=IwAR0#programme."
        )
        preview, _ = coordinator.last
        assert isinstance(preview, AnnouncementView)
        assert preview.link == "https://exemple.fr/forum?jour=12#programme"
        assert preview.text == "Forum des jeunes https://exemple.fr/forum?jour=12#programme."
        await partner.say("/proposer #jeunes Atelier parents https://exemple.fr/atelier?mc_cid=1")
        assert await engine.drain(5)
    request = channel.texts["1000"][0]
    assert "https://exemple.fr/atelier" in request and "mc_cid" not in request
    async with relay.db.read() as session:
        stored = (await session.execute(select(Announcement))).scalars().all()
    assert sorted(a.link or "" for a in stored) == [
        "https://exemple.fr/atelier",
        "https://exemple.fr/forum?jour=12#programme",
    ]
    assert all("utm_" not in a.text and "mc_cid" not in a.text for a in stored)


PROGRAMME = (
    "Forum santé mentale des jeunes\n\n"
    "Le 12/01/2027 à Pornic, salle des fêtes.\n\n"
    "Programme :\n"
    "- 14h ateliers\n"
    "- 16h table ronde avec la Maison des adolescents"
)


async def test_a_broadcast_keeps_its_paragraphs_and_its_first_line_as_title(
    relay: Relay,
) -> None:
    await subscribe(relay, "11", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await coordinator.say("/diffuser #jeunes\n" + PROGRAMME)
        preview, _ = coordinator.last
        assert isinstance(preview, AnnouncementView)
        assert preview.title == "Forum santé mentale des jeunes"
        assert preview.text == PROGRAMME.split("\n\n", 1)[1]
        assert "Programme :\n- 14h ateliers\n- 16h table ronde" in preview.text
        await coordinator.press("Envoyer")
        assert await engine.drain(10)
    async with relay.db.read() as session:
        (announcement,) = (await session.execute(select(Announcement))).scalars().all()
    assert announcement.text.count("\n") == 4 and announcement.event_date is not None


async def test_a_first_line_without_a_blank_line_after_it_is_not_a_title(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/diffuser #jeunes Atelier parents\nmercredi à 14h\nà la médiathèque")
    preview, _ = coordinator.last
    assert isinstance(preview, AnnouncementView)
    assert preview.title == ""
    assert preview.text == "Atelier parents\nmercredi à 14h\nà la médiathèque"


class Terminal(io.StringIO):
    """What a person pastes into a terminal: every line at once."""

    def isatty(self) -> bool:
        return True


async def test_a_coordinator_writes_a_broadcast_of_several_lines_in_the_console(
    relay: Relay,
) -> None:
    await subscribe(relay, "11", ["jeunes"])
    typed = "/diffuser #jeunes\\\n" + "\\\n".join(PROGRAMME.split("\n")) + "\n1\n"
    shown = io.StringIO()
    console = ConsoleChannel(
        UserRef(Platform.CONSOLE, "local"), stdin=io.StringIO(typed), stdout=shown
    )
    await console.converse(relay.core)
    preview = shown.getvalue()
    assert "📣 Événement — Forum santé mentale des jeunes\n" in preview
    assert "Programme :\n        - 14h ateliers\n        - 16h table ronde" in preview
    assert "C'est parti : la diffusion n°1 part vers 1 chat." in preview
    assert "annuaire" not in preview, "no line was taken for a question"
    pasted = Terminal("/diffuser #jeunes\n" + PROGRAMME + "\n")
    shown = io.StringIO()
    console = ConsoleChannel(UserRef(Platform.CONSOLE, "local"), stdin=pasted, stdout=shown)
    await console.converse(relay.core)
    assert "Aperçu de la diffusion n°2" in shown.getvalue()
    async with relay.db.read() as session:
        texts = [a.text for a in (await session.execute(select(Announcement))).scalars()]
    assert texts == [PROGRAMME.split("\n\n", 1)[1]] * 2


async def test_coordinators_list_the_proposals_waiting_on_every_platform(relay: Relay) -> None:
    await subscribe(relay, "11", ["prevention"])
    partner = ChatUser.private(relay, "77")
    await partner.say("/proposer #prevention Atelier nutrition à Pornic")
    await partner.say("/proposer Vide-grenier de l'école")
    assert "réservée aux coordinateurs" in await partner.say("/propositions")
    for platform in (Platform.TELEGRAM, Platform.CONSOLE):
        coordinator = ChatUser.private(relay, "1000", platform)
        listing = await coordinator.say("/propositions")
        assert listing.startswith("2 propositions en attente de décision")
        assert "Proposition n°1 (un partenaire, le " in listing and "Atelier nutrition" in listing
        assert "Vide-grenier" in listing and "aucun détecté" in listing
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/proposals")
    coordinator.last = coordinator.last[1:2]  # the first proposal and its buttons
    assert "validée" in await coordinator.press("Valider")
    listing = await coordinator.say("/propositions")
    assert listing.startswith("1 proposition en attente") and "Atelier" not in listing
    await coordinator.say("/refuser 2")
    assert await coordinator.say("/propositions") == "Aucune proposition n'attend de décision."


async def test_an_event_date_written_in_words_is_found(relay: Relay) -> None:
    coordinator = ChatUser.private(relay, "1000")
    await coordinator.say("/diffuser #jeunes Forum des jeunes le 14 janvier à Pornic")
    preview = coordinator.last[0]
    assert isinstance(preview, AnnouncementView)
    assert preview.date_label is not None and preview.date_label.startswith("Date : 14/01/")
    await coordinator.say("/diffuser #jeunes Permanence tous les mardis, et demain aussi")
    preview = coordinator.last[0]
    assert isinstance(preview, AnnouncementView) and preview.date_label is None
