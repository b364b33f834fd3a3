"""Undoing a broadcast: /retirer withdraws it from every chat it reached, /corriger replaces its
text there; both through the outbox, and refused with a French answer when they cannot be."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import col

from relay.announcements import summary_notice
from relay.app import Relay, opened
from relay.contract import TooLateToChange
from relay.delivery import DeliveryEngine
from relay.messages import AnnouncementView, ChatKind, ChatRef, Platform
from relay.reports import monthly as reports
from relay.reports.model import Month
from relay.revisions import change_summary_notice, change_summary_text
from relay.settings import load_settings
from relay.store import subscribers
from relay.store.models import Announcement, Delivery
from relay.store.models_revisions import AnnouncementChange
from tests.chat import ChatUser
from tests.scheduled_support import Clock
from tests.scripted_channel import ScriptedChannel
from tests.test_delivery import FAST_RETRIES, engine_with, subscribe
from tests.test_meetings import MONDAY
from tests.waiting import eventually

FORUM = "/diffuser #jeunes Forum santé des jeunes le 12/12 à Pornic"


async def broadcast(coordinator: ChatUser, text: str = FORUM) -> None:
    await coordinator.say(text)
    assert "C'est parti" in await coordinator.press("Envoyer")


async def revision_rows(relay: Relay) -> int:
    async with relay.db.read() as session:
        query = select(func.count()).where(col(Delivery.revision) > 0)
        return int((await session.execute(query)).scalar_one())


async def test_a_withdrawal_asks_first_then_reaches_every_chat_and_tells_its_author(
    relay: Relay,
) -> None:
    for address in ("11", "12", "13"):
        await subscribe(relay, address, ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await broadcast(coordinator)
        assert await engine.drain(10)
        assert "Forum santé des jeunes" in await coordinator.say("/agenda")

        question = await coordinator.say("/retirer")
        assert question == (
            "Retirer la diffusion n°1 « Forum santé des jeunes le 12/12 à Pornic » "
            "des 3 chats qui l'ont reçue ?"
        )
        assert [b.label for b in coordinator.buttons()] == ["Oui, la retirer", "Non"]
        assert "reste en place" in await coordinator.press("Non")
        assert await engine.drain(5)
        assert not channel.deleted, "nothing is withdrawn without the confirmation"

        await coordinator.say("/retirer 1")
        answer = await coordinator.press("Oui, la retirer")
        assert answer == (
            "C'est parti : je retire la diffusion n°1 des 3 chats qui l'ont reçue. "
            "Je vous enverrai le bilan."
        )
        assert await engine.drain(10)
        assert "a déjà été retirée" in await coordinator.say("/retirer 1")
        assert "Forum santé des jeunes" not in await coordinator.say("/agenda")
    for address in ("11", "12", "13"):
        assert channel.showing(address) == [], address
    assert channel.texts["1000"][-1] == (
        "Diffusion n°1 « Forum santé des jeunes le 12/12 à Pornic » retirée des 3 chats "
        "qui l'avaient reçue."
    )


async def test_a_withdrawn_broadcast_still_counts_as_relayed_that_month(relay: Relay) -> None:
    for address in ("11", "12"):
        await subscribe(relay, address, ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    async with engine_with(relay, ScriptedChannel()) as engine:
        await broadcast(coordinator)
        assert await engine.drain(10)
        await coordinator.say("/retirer 1")
        await coordinator.press("Oui")
        assert await engine.drain(10)
    now = datetime.now(UTC)
    month = Month(now.year, now.month)
    report = await reports.build_report(relay.db, relay.settings, relay.themes, month, now)
    assert report.information.total == 1
    assert report.deliveries.total.delivered == 2, "the withdrawal is no second delivery"


@asynccontextmanager
async def two_coordinators(database_url: str) -> AsyncIterator[Relay]:
    settings = load_settings(database_url=database_url, coordinators="telegram:1000,telegram:2000")
    async with opened(settings) as relay:
        yield relay


async def test_another_coordinators_an_unknown_or_an_unsent_broadcast_is_refused_in_french(
    database_url: str,
) -> None:
    async with two_coordinators(database_url) as relay:
        await subscribe(relay, "11", ["jeunes"])
        author = ChatUser.private(relay, "1000")
        other = ChatUser.private(relay, "2000")
        partner = ChatUser.private(relay, "77")
        channel = ScriptedChannel()
        async with engine_with(relay, channel) as engine:
            await broadcast(author)
            assert await engine.drain(10)
            await author.say("/diffuser #jeunes Brouillon jamais envoyé")  # n°2, a draft
            await partner.say("/proposer Journée prévention à Machecoul")  # n°3

            refusals = {
                "/retirer 1": "La diffusion n°1 a été envoyée par un autre coordinateur : "
                "seul son auteur peut la retirer.",
                "/corriger 1 Forum le 14/12": "La diffusion n°1 a été envoyée par un autre "
                "coordinateur : seul son auteur peut la corriger.",
                "/retirer 99": "Je ne trouve pas de diffusion n°99.",
                "/retirer": "Vous n'avez aucune diffusion en place à retirer. Pour une autre, "
                "donnez son numéro : /retirer 12",
                "/retirer douze": "« douze » n'est pas un numéro de diffusion.",
            }
            for command, refusal in refusals.items():
                assert (await other.say(command)).startswith(refusal), command
            assert "réservée aux coordinateurs" in await partner.say("/retirer 1")
            assert "n'est pas partie" in await author.say("/retirer 2")
            assert "n'est pas partie" in await author.say("/corriger 2 Autre texte")
            assert "attend une décision" in await author.say("/retirer 3")
            assert "/refuser 3" in await author.say("/corriger 3 Autre texte")
            assert await engine.drain(5)

            assert await revision_rows(relay) == 0, "nothing half-done"
            async with relay.db.read() as session:
                first = await session.get(Announcement, 1)
                assert first is not None and first.withdrawn_at is None
            assert channel.showing("11") and not channel.deleted and not channel.edited

            console = ChatUser.private(relay, "local", Platform.CONSOLE)
            assert "Retirer la diffusion n°1" in await console.say("/retirer 1")


async def test_a_forged_withdrawal_button_of_another_coordinator_changes_nothing(
    database_url: str,
) -> None:
    async with two_coordinators(database_url) as relay:
        await subscribe(relay, "11", ["jeunes"])
        author = ChatUser.private(relay, "1000")
        async with engine_with(relay, ScriptedChannel()) as engine:
            await broadcast(author)
            assert await engine.drain(10)
            await author.say("/retirer 1")
            other = ChatUser.private(relay, "2000")
            other.last = author.last
            assert "seul son auteur peut la retirer" in await other.press("Oui")
        assert await revision_rows(relay) == 0


async def test_a_withdrawal_during_the_send_stops_what_has_not_left_and_takes_back_the_rest(
    relay: Relay,
) -> None:
    for address in ("11", "12"):
        await subscribe(relay, address, ["jeunes"])
    async with relay.db.write() as session:  # a Slack channel, whose platform is down for now
        slack_chat = ChatRef(Platform.SLACK, "C0SANTE", ChatKind.CHANNEL)
        subscriber = await subscribers.ensure(session, slack_chat, "U0ADMIN", "")
        await subscribers.add_themes(session, subscriber, ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    on_its_way = asyncio.Event()
    channel = ScriptedChannel(holds={"12": on_its_way})
    async with engine_with(relay, channel) as engine:
        await broadcast(coordinator)
        await eventually(lambda: _true(channel.delivered["11"] == 1 and channel.attempts >= 2))
        question = await coordinator.say("/retirer 1")
        assert question.endswith(
            "des 2 chats qui l'ont reçue ? Le chat qui ne l'a pas encore reçue ne la recevra pas."
        )
        await coordinator.press("Oui")
        on_its_way.set()  # the send to 12 arrives after the withdrawal was asked for
        assert await engine.drain(10)
    assert channel.delivered["12"] == 1 and channel.showing("12") == channel.showing("11") == []
    slack = ScriptedChannel(platform=Platform.SLACK)
    slack_engine = DeliveryEngine(
        relay.db, relay.settings, relay.views, summary_notice, change_summary_notice
    )
    slack_engine.add_channel(slack, FAST_RETRIES)
    slack_engine.start()
    try:
        assert await slack_engine.drain(5)
    finally:
        await slack_engine.stop()
    assert not slack.delivered, "never sent after the withdrawal"
    summaries = [t for t in channel.texts["1000"] if t.startswith(("Diffusion n°1", "Bilan"))]
    assert summaries == [
        "Diffusion n°1 « Forum santé des jeunes le 12/12 à Pornic » retirée des 2 chats "
        "qui l'avaient reçue."
    ]


async def _true(value: bool) -> bool:
    return value


async def test_a_withdrawal_before_anything_left_sends_nothing(relay: Relay) -> None:
    await subscribe(relay, "11", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    await broadcast(coordinator)  # no engine: nothing leaves yet
    corrected = await coordinator.say("/corriger 1 Forum santé des jeunes le 14/12 à Pornic")
    assert corrected.endswith(
        "Diffusion n°1 corrigée (ci-dessus) : elle n'avait atteint aucun chat. "
        "Le chat qui ne l'a pas encore reçue recevra directement le texte corrigé."
    )
    assert "Elle n'a encore atteint aucun chat." in await coordinator.say("/retirer 1")
    assert "rien ne partira plus" in await coordinator.press("Oui")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(5)
    assert not channel.delivered


async def test_the_chats_telegram_no_longer_lets_go_are_counted_with_the_reason(
    relay: Relay,
) -> None:
    for address in ("11", "12", "13"):
        await subscribe(relay, address, ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await broadcast(coordinator)
        assert await engine.drain(10)
        too_late = TooLateToChange("Message can't be deleted")
        channel.failures.update({"12": [too_late], "13": [too_late]})
        await coordinator.say("/retirer 1")
        await coordinator.press("Oui")
        assert await engine.drain(10)
    assert channel.texts["1000"][-1] == (
        "Diffusion n°1 « Forum santé des jeunes le 12/12 à Pornic » retirée d'un chat ; "
        "2 l'ont gardée (Telegram ne permet plus de retirer un message de plus de 48 h)."
    )
    assert channel.showing("12") and channel.showing("13") and not channel.showing("11")


async def test_a_correction_replaces_the_text_everywhere_and_the_agenda_follows(
    relay: Relay,
) -> None:
    for address in ("11", "12"):
        await subscribe(relay, address, ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        await broadcast(coordinator)
        assert await engine.drain(10)
        fixed = "Forum santé des jeunes le 14/12 à Pornic"
        await coordinator.say(f"/corriger {fixed}")
        view, answer = coordinator.last
        assert isinstance(view, AnnouncementView) and view.text == fixed
        assert view.date_label is not None and "14/12" in view.date_label
        assert answer.text == (
            "Diffusion n°1 corrigée : le nouveau texte (ci-dessus) remplace l'ancien dans les "
            "2 chats qui l'ont reçue. Je vous enverrai le bilan."
        )
        assert await engine.drain(10)
        agenda = await coordinator.say("/agenda")
        assert "14/12" in agenda and "12/12" not in agenda
        assert "rien à corriger" in await coordinator.say(f"/corriger 1 {fixed}")
        themes = await coordinator.say("/corriger 1 #handicap Forum")
        assert themes.startswith("Les thèmes d'une diffusion ne changent plus")
        assert await engine.drain(5)
    assert channel.showing("11") == channel.showing("12") == [fixed]
    assert channel.delivered["11"] == 1, "edited in place, not sent again"
    assert channel.texts["1000"][-1] == (
        "Diffusion n°1 « Forum santé des jeunes le 14/12 à Pornic » corrigée dans les 2 chats "
        "qui l'avaient reçue."
    )


async def test_a_correction_longer_than_the_messages_sent_is_refused_a_shorter_one_fits(
    relay: Relay,
) -> None:
    await subscribe(relay, "11", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    channel = ScriptedChannel(part_size=100)
    lines = [f"Ligne {n} du programme : " + "x" * 65 for n in range(4)]
    long_text = "\n".join(lines[:3])  # 3 messages of 100 characters
    async with engine_with(relay, channel) as engine:
        await broadcast(coordinator, f"/diffuser #jeunes {long_text}")
        assert await engine.drain(10)
        assert len(channel.showing("11")) == 3

        longer = await coordinator.say("/corriger 1 " + "\n".join(lines))
        assert longer.startswith(
            "Le texte corrigé ne tient pas dans les messages déjà envoyés : sur Telegram, il en "
            "faudrait 4 au lieu de 3"
        )
        assert longer.endswith("Rien n'a été modifié.")
        assert await revision_rows(relay) == 0
        async with relay.db.read() as session:
            unchanged = await session.get(Announcement, 1)
            assert unchanged is not None and unchanged.text == long_text

        await coordinator.say("/corriger 1 Tout tient désormais en un seul message.")
        assert await engine.drain(10)
    assert channel.showing("11") == ["Tout tient désormais en un seul message."]
    assert channel.deleted["11"] == 2 and channel.edited["11"] == 1


async def test_a_correction_then_a_withdrawal_apply_in_that_order_in_each_chat(
    relay: Relay,
) -> None:
    for address in ("11", "12"):
        await subscribe(relay, address, ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    channel = ScriptedChannel(latency=0.01)
    async with engine_with(relay, channel) as engine:
        await broadcast(coordinator)
        assert await engine.drain(10)
    await coordinator.say("/corriger 1 Forum santé des jeunes le 14/12 à Pornic")
    await coordinator.say("/retirer 1")
    await coordinator.press("Oui")
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(10)
    assert channel.edited == {"11": 1, "12": 1} and channel.deleted == {"11": 1, "12": 1}
    summaries = [t for t in channel.texts["1000"] if t.startswith("Diffusion n°1")]
    assert [s.split("» ")[1] for s in summaries] == [
        "corrigée dans les 2 chats qui l'avaient reçue.",
        "retirée des 2 chats qui l'avaient reçue.",
    ]


async def test_forgetting_a_coordinator_keeps_their_withdrawals_but_not_who_asked(
    relay: Relay,
) -> None:
    await subscribe(relay, "11", ["jeunes"])
    coordinator = ChatUser.private(relay, "1000")
    async with engine_with(relay, ScriptedChannel()) as engine:
        await broadcast(coordinator)
        assert await engine.drain(10)
        await coordinator.say("/retirer 1")
        await coordinator.press("Oui")
        assert await engine.drain(10)
    await coordinator.say("/oublier")
    await coordinator.press("Oui")
    async with relay.db.read() as session:
        (change,) = (await session.execute(select(AnnouncementChange))).scalars().all()
    assert (change.revision, change.operation) == (1, "delete")
    assert change.author is None and change.origin_address is None


def test_a_summary_says_how_many_chats_kept_it_and_why() -> None:
    forum = Announcement(
        kind="evenement", title="Forum", text="…", source="coordinator", status="queued"
    )
    forum.id = 12
    withdrawal = AnnouncementChange(announcement_id=12, revision=1, operation="delete")
    correction = AnnouncementChange(announcement_id=12, revision=2, operation="edit")
    mixed = {
        "telegram": Counter(sent=1, expired=2),
        "slack": Counter(failed=1, gone=1),
    }
    assert change_summary_text(forum, withdrawal, mixed) == (
        "Diffusion n°12 « Forum » retirée d'un chat ; 4 l'ont gardée (2 : Telegram ne permet "
        "plus de retirer un message de plus de 48 h ; 1 : échec sur Slack ; 1 : chat devenu "
        "injoignable)."
    )
    assert change_summary_text(forum, correction, {"slack": Counter(failed=1)}) == (
        "Diffusion n°12 « Forum » : je n'ai pu la corriger dans aucun chat ; le chat qui "
        "l'avait reçue garde l'ancien texte (échec sur Slack)."
    )
    assert change_summary_text(forum, withdrawal, {"telegram": Counter(sent=1)}) == (
        "Diffusion n°12 « Forum » retirée du chat qui l'avait reçue."
    )
    assert change_summary_text(forum, withdrawal, {"telegram": Counter(sent=2, gone=2)}) == (
        "Diffusion n°12 « Forum » retirée de 2 chats ; 2 l'ont gardée (chats devenus injoignables)."
    )


async def test_a_meeting_invitation_is_changed_with_reunion_not_with_retirer(relay: Relay) -> None:
    relay.meetings.clock = Clock(MONDAY)
    await relay.meetings.schedule("copil", MONDAY + timedelta(days=3))
    coordinator = ChatUser.private(relay, "1000")
    for command in ("/retirer 1", "/corriger 1 COPIL déplacé"):
        assert (await coordinator.say(command)).startswith(
            "Le message n°1 est une invitation ou un rappel de réunion : pour déplacer ou "
            "annuler la réunion, utilisez /reunion modifier ou /reunion annuler."
        )
    assert await revision_rows(relay) == 0
