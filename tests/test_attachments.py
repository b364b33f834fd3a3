"""Posters and forms: an image or a PDF sent with /diffuser or /proposer (a Telegram photo or
document with the command as its caption, a file shared in a Slack direct message, or
`relay post --attach`) reaches every platform with the text, stored once; anything else gets a
clear French answer and nothing is kept."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import func, select

from relay.app import Relay
from relay.attachments import MAX_BYTES, AttachmentRefused, accept
from relay.channels.telegram import TelegramChannel
from relay.channels.telegram_format import render
from relay.messages import AnnouncementKind, AnnouncementView, Attachment, ChatRef, Platform
from relay.store.models import Announcement, DirectNotice, StoredAttachment
from tests.fakes.slack_api import FakeSlackServer
from tests.fakes.telegram_api import FakeTelegram
from tests.test_cross_platform import (
    SLACK_ADMIN,
    SLACK_COORDINATOR,
    TELEGRAM_COORDINATOR,
    TELEGRAM_PARTNER,
    World,
    both_platforms,
)
from tests.test_telegram_channel import running

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml" + bytes(200)
SLACK_CHANNEL = "C0SANTE"


def png(width: int = 800, height: int = 1131) -> bytes:
    """The start of a PNG (signature and header), as far as anyone looks before decoding it."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x06\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + header + b"\x00" * 4 + b"IDAT" * 50


async def stored(relay: Relay) -> tuple[int, int]:
    """How many announcements and stored files the database holds."""
    async with relay.db.read() as session:
        announcements = await session.scalar(select(func.count()).select_from(Announcement))
        files = await session.scalar(select(func.count()).select_from(StoredAttachment))
    return announcements or 0, files or 0


# What a file is


def test_a_file_is_known_by_its_content_not_its_name() -> None:
    poster = accept("affiche.pdf", png())
    assert (poster.mime_type, poster.filename) == ("image/png", "affiche.png")
    form = accept("formulaire d'inscription", PDF)
    assert (form.mime_type, form.filename) == ("application/pdf", "formulaire d'inscription.pdf")
    assert accept("../../etc/photo.JPEG", b"\xff\xd8\xff\xe0" + bytes(50)).filename == "photo.JPEG"
    with pytest.raises(AttachmentRefused) as refused:
        accept("compte-rendu.pdf", DOCX)
    assert "PNG, JPEG" in refused.value.message and "PDF" in refused.value.message
    assert "rien n'a été envoyé" in refused.value.message
    with pytest.raises(AttachmentRefused) as too_large:
        accept("affiche.png", png() + bytes(MAX_BYTES))
    assert "10 Mo" in too_large.value.message


# Telegram: how a poster is sent


def view(text: str, attachment: Attachment) -> AnnouncementView:
    return AnnouncementView(AnnouncementKind.EVENT, text, title="Forum", attachment=attachment)


def test_a_short_announcement_is_the_caption_of_its_poster_on_telegram() -> None:
    poster = Attachment("affiche.png", png(), "image/png")
    [part] = render(view("Forum santé mentale des jeunes, le 12/01 à Pornic.", poster))
    assert part.photo == poster and part.document is None
    assert "Forum santé mentale des jeunes" in part.html
    form = Attachment("formulaire.pdf", PDF, "application/pdf")
    [part] = render(view("Inscriptions ouvertes.", form))
    assert part.document == form and "Inscriptions ouvertes." in part.html


def test_a_text_too_long_for_a_caption_comes_first_then_its_file() -> None:
    poster = Attachment("affiche.png", png(), "image/png")
    text = "\n\n".join(f"Paragraphe {n} : " + "atelier " * 20 for n in range(10))
    *texts, last = render(view(text, poster))
    assert texts and all(p.photo is None and p.document is None for p in texts)
    assert last.photo == poster and last.html == ""
    assert "Paragraphe 9" in texts[-1].html


async def test_a_poster_telegram_refuses_as_a_photo_goes_as_a_document(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    banner = Attachment("banniere.png", png(12_000, 400), "image/png")
    async with running(database_url, telegram) as (_, channel):
        assert isinstance(channel, TelegramChannel)
        [part] = channel.render(view("Bannière du forum.", banner))
        await channel.send(ChatRef(Platform.TELEGRAM, str(TELEGRAM_PARTNER)), part)
    assert telegram.photos == []
    [document] = telegram.documents
    assert document.content == banner.content and document.filename == "banniere.png"
    assert document.caption is not None and "Bannière du forum." in document.caption


# End to end on both platforms


async def broadcast_from_telegram(world: World, send: bool = True) -> None:
    """The Telegram coordinator's preview has come (the file, then the question); press
    Envoyer."""
    telegram = world.telegram
    await telegram.wait_for(
        lambda: any(
            "Pièce jointe" in m.plain_text for m in telegram.messages_to(TELEGRAM_COORDINATOR)
        )
    )
    question = telegram.messages_to(TELEGRAM_COORDINATOR)[-1]
    assert question.reply_markup is not None
    if send:
        data = question.reply_markup["inline_keyboard"][0][0]["callback_data"]
        telegram.callback_query(
            TELEGRAM_COORDINATOR, TELEGRAM_COORDINATOR, question.message_id, data
        )


async def subscribe_both(world: World) -> None:
    await world.telegram_says(TELEGRAM_PARTNER, "/abonner santé mentale")
    await world.slack_command(SLACK_ADMIN.id, SLACK_CHANNEL, "abonner santé mentale")


def uploads_to(slack: FakeSlackServer, channel: str) -> list[bytes]:
    return [f.content for f in slack.state.files if f.channel == channel]


async def test_a_pdf_is_relayed_once_to_every_platform(database_url: str) -> None:
    async with both_platforms(database_url) as world:
        await subscribe_both(world)
        world.telegram.user_document(
            TELEGRAM_COORDINATOR,
            PDF,
            "formulaire-forum.pdf",
            "application/pdf",
            caption="/diffuser #sante-mentale Forum santé mentale des jeunes\n\n"
            "Inscriptions avec le formulaire ci-joint.",
        )
        await broadcast_from_telegram(world)
        [preview] = [d for d in world.telegram.documents if d.chat_id == TELEGRAM_COORDINATOR]
        assert preview.content == PDF and preview.caption and "Inscriptions" in preview.caption
        question = world.telegram.messages_to(TELEGRAM_COORDINATOR)[-1].plain_text
        assert "Pièce jointe : formulaire-forum.pdf (PDF" in question

        await world.telegram.wait_for(
            lambda: any(d.chat_id == TELEGRAM_PARTNER for d in world.telegram.documents)
        )
        await world.slack.state.wait_for(lambda: uploads_to(world.slack, SLACK_CHANNEL))
        await world.telegram.wait_for(
            lambda: any("Bilan" in m.plain_text for m in world.telegram.messages_to(1000))
        )
        [to_partner] = [d for d in world.telegram.documents if d.chat_id == TELEGRAM_PARTNER]
        assert to_partner.content == PDF and to_partner.filename == "formulaire-forum.pdf"
        assert to_partner.caption and "Inscriptions avec le formulaire" in to_partner.caption
        assert uploads_to(world.slack, SLACK_CHANNEL) == [PDF]
        texts = [m.text for m in world.slack.state.messages_in(SLACK_CHANNEL)]
        assert any("Inscriptions avec le formulaire" in text for text in texts)
        summary = world.telegram.messages_to(TELEGRAM_COORDINATOR)[-1].plain_text
        assert "2 remis" in summary
        assert world.telegram.duplicates == 0 and world.slack.state.duplicates == 0
        assert await stored(world.relay) == (1, 1)


async def test_a_poster_shared_in_a_slack_direct_message_reaches_telegram_as_a_photo(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        await subscribe_both(world)
        state = world.slack.state
        dm = state.conversation_with(SLACK_COORDINATOR.id)[0]
        poster = state.share_file(SLACK_COORDINATOR.id, "affiche-atelier.png", png())
        text = "diffuser #psy Atelier gestion du stress, jeudi 14h à la MSP de Pornic"
        await world.slack.push(
            world.slack.message_im(SLACK_COORDINATOR.id, dm, text, files=[poster])
        )
        [question] = await state.wait_for(
            lambda: [m for m in state.messages_in(dm) if "Pièce jointe" in m.text]
        )
        assert "affiche-atelier.png" in question.text
        assert uploads_to(world.slack, dm) == [poster.content], "the preview shows the poster"
        buttons = [
            element
            for block in question.blocks or []
            for element in block.get("elements", [])
            if element.get("type") == "button" and element["text"]["text"] == "Envoyer"
        ]
        await world.slack.push(
            world.slack.block_actions(
                SLACK_COORDINATOR.id,
                buttons[0]["action_id"],
                value=buttons[0]["value"],
                channel=dm,
                message_ts=question.ts,
            )
        )
        await world.telegram.wait_for(lambda: bool(world.telegram.photos))
        [photo] = world.telegram.photos
        assert photo.chat_id == TELEGRAM_PARTNER and photo.content == poster.content
        assert "Atelier gestion du stress" in photo.plain_caption
        await state.wait_for(lambda: uploads_to(world.slack, SLACK_CHANNEL))
        assert uploads_to(world.slack, SLACK_CHANNEL) == [poster.content]
        assert state.downloads == [poster.id], "downloaded once, with the bot token"
        assert await stored(world.relay) == (1, 1)


async def test_a_partner_proposes_a_form_and_its_approval_relays_it(database_url: str) -> None:
    async with both_platforms(database_url) as world:
        await subscribe_both(world)
        world.telegram.user_document(
            77,
            PDF,
            "appel-a-projets.pdf",
            "application/pdf",
            caption="/proposer #sante-mentale Appel à projets prévention, dépôt avant le 15/01",
        )
        await world.telegram.wait_for(
            lambda: any(d.chat_id == TELEGRAM_COORDINATOR for d in world.telegram.documents)
        )
        request = world.telegram.messages_to(TELEGRAM_COORDINATOR)[-1]
        assert "Proposition n°1" in request.plain_text and request.reply_markup is not None
        [to_coordinator] = [d for d in world.telegram.documents if d.chat_id == 1000]
        assert to_coordinator.content == PDF
        async with world.relay.db.read() as session:
            notices = (await session.execute(select(DirectNotice))).scalars().all()
        assert notices and all(n.attachment is None for n in notices), "the file is stored once"

        approve = request.reply_markup["inline_keyboard"][0][0]["callback_data"]
        world.telegram.callback_query(1000, 1000, request.message_id, approve)
        await world.telegram.wait_for(
            lambda: any(d.chat_id == TELEGRAM_PARTNER for d in world.telegram.documents)
        )
        await world.slack.state.wait_for(lambda: uploads_to(world.slack, SLACK_CHANNEL))
        assert uploads_to(world.slack, SLACK_CHANNEL) == [PDF]
        assert await stored(world.relay) == (1, 1)


# Refusals: a French answer, nothing half-done


async def test_a_file_too_large_is_refused_before_it_is_downloaded(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (relay, _):
        telegram.user_document(
            TELEGRAM_COORDINATOR,
            PDF + bytes(MAX_BYTES),
            "programme-complet.pdf",
            "application/pdf",
            caption="/diffuser #jeunes Programme du forum",
        )
        await telegram.wait_for(lambda: bool(telegram.messages_to(TELEGRAM_COORDINATOR)))
        answer = telegram.messages_to(TELEGRAM_COORDINATOR)[-1].plain_text
        assert "programme-complet.pdf" in answer and "10 Mo" in answer
        assert "rien n'a été envoyé" in answer
        assert telegram.requests["getFile"] == 0 and telegram.downloads == []
        assert await stored(relay) == (0, 0)

        telegram.user_photo(TELEGRAM_COORDINATOR, png())
        await telegram.wait_for(lambda: len(telegram.messages_to(TELEGRAM_COORDINATOR)) == 2)
        hint = telegram.messages_to(TELEGRAM_COORDINATOR)[-1].plain_text
        assert "/diffuser" in hint and "légende" in hint
        assert await stored(relay) == (0, 0)


async def test_a_file_that_is_not_an_image_or_a_pdf_gets_a_french_answer(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        state = world.slack.state
        dm = state.conversation_with(SLACK_COORDINATOR.id)[0]
        minutes = state.share_file(SLACK_COORDINATOR.id, "compte-rendu.pdf", DOCX)
        await world.slack.push(
            world.slack.message_im(
                SLACK_COORDINATOR.id, dm, "diffuser #psy Compte rendu du COPIL", files=[minutes]
            )
        )
        [answer] = await state.wait_for(lambda: state.messages_in(dm))
        assert "PNG, JPEG" in answer.text and "PDF" in answer.text
        assert "compte-rendu.pdf" in answer.text and "rien n'a été envoyé" in answer.text
        assert await stored(world.relay) == (0, 0)
        assert state.files == []


async def test_a_slack_app_without_files_read_says_it_could_not_fetch_the_file(
    database_url: str,
) -> None:
    """An app installed from an older manifest gets Slack's sign-in page, not the file."""
    async with both_platforms(database_url) as world:
        state = world.slack.state
        state.scopes = tuple(scope for scope in state.scopes if scope != "files:read")
        dm = state.conversation_with(SLACK_COORDINATOR.id)[0]
        poster = state.share_file(SLACK_COORDINATOR.id, "affiche.png", png())
        await world.slack.push(
            world.slack.message_im(
                SLACK_COORDINATOR.id, dm, "diffuser #psy Atelier", files=[poster]
            )
        )
        [answer] = await state.wait_for(lambda: state.messages_in(dm))
        assert "Je n'ai pas pu récupérer le fichier « affiche.png »" in answer.text
        assert "rien n'a été envoyé" in answer.text
        assert await stored(world.relay) == (0, 0)


async def test_the_bot_token_goes_to_slack_only(database_url: str) -> None:
    """A file whose address is not Slack's is not fetched: the token would go with it."""
    seen: list[str] = []

    async def elsewhere(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.Response(body=png())

    server = web.Application()
    server.router.add_get("/{path:.*}", elsewhere)
    runner = web.AppRunner(server)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        async with both_platforms(database_url) as world:
            state = world.slack.state
            dm = state.conversation_with(SLACK_COORDINATOR.id)[0]
            poster = state.share_file(SLACK_COORDINATOR.id, "affiche.png", png())
            event = world.slack.message_im(
                SLACK_COORDINATOR.id, dm, "diffuser #psy Atelier", files=[poster]
            )
            for file in event["event"]["files"]:
                file["url_private"] = f"http://127.0.0.1:{port}/affiche.png"
                file["url_private_download"] = f"http://127.0.0.1:{port}/download/affiche.png"
            await world.slack.push(event)
            [answer] = await state.wait_for(lambda: state.messages_in(dm))
            assert "Je n'ai pas pu récupérer le fichier" in answer.text
            assert await stored(world.relay) == (0, 0)
    finally:
        await runner.cleanup()
    assert seen == []


# Privacy


async def test_a_forgotten_partner_s_pending_file_goes_with_the_proposal(
    database_url: str,
) -> None:
    async with both_platforms(database_url) as world:
        world.telegram.user_document(
            77, PDF, "projet.pdf", "application/pdf", caption="/proposer #jeunes Notre projet"
        )
        await world.telegram.wait_for(lambda: bool(world.telegram.messages_to(77)))
        assert await stored(world.relay) == (1, 1)
        await world.telegram_says(77, "/oublier")
        question = world.telegram.messages_to(77)[-1]
        assert question.reply_markup is not None
        yes = question.reply_markup["inline_keyboard"][0][0]["callback_data"]
        world.telegram.callback_query(77, 77, question.message_id, yes)
        await world.telegram.wait_for(lambda: bool(world.telegram.edits))
        assert await stored(world.relay) == (0, 0)


# The command line


def test_relay_post_attaches_a_file(database_url: str, tmp_path: Path) -> None:
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

    poster = tmp_path / "affiche.png"
    poster.write_bytes(png())
    notes = tmp_path / "notes.docx"
    notes.write_bytes(DOCX)
    huge = tmp_path / "programme.pdf"
    huge.write_bytes(PDF + bytes(MAX_BYTES))

    assert relay_cli("chat", stdin="/abonner jeunes\n").returncode == 0
    for bad, words in (  # each refused whole: the announcement below is still n°1
        (notes, ("PNG, JPEG", "notes.docx")),
        (huge, ("10 Mo", "programme.pdf")),
        (tmp_path / "absent.pdf", ("introuvable",)),
    ):
        refused = relay_cli("post", "--themes", "jeunes", "--attach", str(bad), "Forum")
        assert refused.returncode == 2, refused.stdout
        said = " ".join(refused.stderr.replace("│", " ").split())  # as read, box and wraps aside
        assert all(word in said for word in words), refused.stderr
        assert "Traceback" not in refused.stderr

    posted = relay_cli(
        "post", "--themes", "jeunes", "--attach", str(poster), "--deliver", "Forum des jeunes"
    )
    assert posted.returncode == 0, posted.stderr
    assert "Annonce n°1 enregistrée" in posted.stdout
    assert "📎 affiche.png" in posted.stdout and "console : 1 remis" in posted.stdout
