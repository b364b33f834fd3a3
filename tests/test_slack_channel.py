"""The Slack channel end to end: the real adapter (slack-bolt, slack_sdk) against the fake Slack,
with relay's real core, database and delivery engine, in Socket Mode and in HTTP mode."""

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import aiohttp
import pytest

from relay.announcements import Draft
from relay.app import Relay, delivering, opened
from relay.channels.slack import SlackChannel
from relay.channels.slack_blocks import BAD_LINK, unescape
from relay.channels.slack_manifest import BOT_SCOPES
from relay.contract import Core
from relay.messages import AnnouncementKind, Incoming, Outgoing
from relay.settings import Settings, load_settings
from relay.states import AnnouncementSource, AnnouncementState
from relay.store import subscribers
from relay.store.subscribers import SubscriberView
from tests.fakes.slack_api import (
    FakeSlackServer,
    FakeUser,
    Message,
    SlackState,
    sign_body,
    sign_request,
)

JSON = dict[str, Any]
SECRET = "relay-test-signing-secret"
COORDINATOR = FakeUser("U0COORD", "claire", real_name="Claire Coordinatrice")
ALICE = FakeUser("U0ALICE", "alice", real_name="Alice Martin", is_admin=True)
BOB = FakeUser("U0BOB", "bob", real_name="Bob Durand")
MODES = ["socket", "http"]


@dataclass(frozen=True)
class Answer:
    """What Slack got back from the app for one request: the ack."""

    status: int
    payload: JSON | None
    delay: float


@dataclass
class SlackWorld:
    """The fake Slack, relay and its Slack channel, running; `push` speaks the current mode."""

    slack: FakeSlackServer
    relay: Relay
    channel: SlackChannel
    mode: str
    http: aiohttp.ClientSession | None = field(default=None)

    @property
    def state(self) -> SlackState:
        return self.slack.state

    async def push(self, payload: JSON, retry: int = 0, **signing: Any) -> Answer:
        if self.mode == "socket":
            ack = await self.slack.push(
                payload, retry_attempt=retry, retry_reason="timeout" if retry else ""
            )
            return Answer(200, ack.payload, ack.delay)
        assert self.http is not None
        signed = sign_request(payload, SECRET, retry_num=retry or None, **signing)
        url = f"http://127.0.0.1:{self.channel.http_port}/slack/events"
        started = time.monotonic()
        async with self.http.post(url, data=signed.body, headers=signed.headers) as response:
            body = await response.text()
        answered = json.loads(body) if body.startswith("{") else None
        return Answer(response.status, answered, time.monotonic() - started)

    async def command(self, user: str, channel: str, text: str, answers: int = 1) -> list[JSON]:
        """`/cls text` typed by `user` in `channel`; the private answers it got."""
        seen = len(self.state.responses)
        answer = await self.push(self.slack.slash_command(user, channel, text))
        assert (answer.status, answer.payload) == (200, None)
        await self.state.wait_for(lambda: len(self.state.responses) >= seen + answers)
        return [r.body for r in self.state.responses[seen:]]

    def dm(self, user: str) -> str:
        return self.state.conversation_with(user)[0]

    async def said_in(self, channel: str, count: int = 1) -> list[Message]:
        """The first `count` messages in `channel`, once they are there."""
        await self.state.wait_for(lambda: len(self.state.messages_in(channel)) >= count)
        return self.state.messages_in(channel)[:count]

    def announcements_in(self, channel: str) -> list[Message]:
        """The announcements in `channel` (with their header), not relay's other messages."""
        return [m for m in self.state.messages_in(channel) if headers_of([m])]

    async def announced_in(self, channel: str, count: int = 1) -> list[Message]:
        """The first `count` announcements in `channel`, once they are there."""
        await self.state.wait_for(lambda: len(self.announcements_in(channel)) >= count)
        return self.announcements_in(channel)[:count]

    async def new_home(self, user: str, before: JSON | None) -> JSON:
        """The App Home published for `user` after `before`."""
        await self.state.wait_for(lambda: self.state.home_views.get(user) is not before)
        return self.state.home_views[user]

    async def home(self, user: str) -> JSON:
        """The App Home `user` sees after opening it."""
        before = self.state.home_views.get(user)
        await self.push(self.slack.app_home_opened(user))
        return await self.new_home(user, before)

    async def press(self, user: str, message: Message, label: str) -> Answer:
        action_id, value = button(message.blocks or [], label)
        payload = self.slack.block_actions(
            user, action_id, value=value, channel=message.channel, message_ts=message.ts
        )
        return await self.push(payload)

    async def subscribers(self) -> dict[str, SubscriberView]:
        async with self.relay.db.read() as session:
            return {s.address: s for s in await subscribers.listing(session)}


def button(blocks: list[JSON], label: str) -> tuple[str, str]:
    """The action id and value of the button with this text, or else whose text contains it."""
    buttons = [
        element
        for block in blocks
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]
    exact = [b for b in buttons if b["text"]["text"] == label]
    found = [
        (b["action_id"], b.get("value", ""))
        for b in exact or [b for b in buttons if label in b["text"]["text"]]
    ]
    assert len(found) == 1, f"{label!r}: {found}"
    return found[0]


def headers_of(messages: list[Message]) -> list[str]:
    return [b["text"]["text"] for m in messages for b in m.blocks or [] if b["type"] == "header"]


def slack_settings(slack: FakeSlackServer, database_url: str, mode: str) -> Settings:
    transport = (
        {"slack_app_token": slack.state.app_token}
        if mode == "socket"
        else {"slack_signing_secret": SECRET}
    )
    return load_settings(
        database_url=database_url,
        slack_bot_token=slack.state.bot_token,
        slack_api_url=slack.api_url,
        coordinators=f"slack:{COORDINATOR.id}",
        **transport,
    )


@asynccontextmanager
async def slack_world(
    database_url: str, mode: str, core: Callable[[Core], Core] | None = None
) -> AsyncIterator[SlackWorld]:
    # Slack lets a channel take a short burst over its 1 message per second; so does the fake.
    # The scopes relay's manifest asks for: without chat:write.public, relay must join to post.
    state = SlackState(users=[COORDINATOR, ALICE, BOB], channel_burst=3, scopes=BOT_SCOPES)
    async with FakeSlackServer(state) as slack, aiohttp.ClientSession() as http:
        settings = slack_settings(slack, database_url, mode)
        async with opened(settings) as relay:
            channel = SlackChannel(settings, http_port=0)
            if core is None:
                async with delivering(relay, [channel]):
                    yield SlackWorld(slack, relay, channel, mode, http)
            else:
                await channel.start(core(relay.core))
                try:
                    yield SlackWorld(slack, relay, channel, mode, http)
                finally:
                    await channel.stop()


@pytest.fixture(params=MODES)
async def world(request: pytest.FixtureRequest, database_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(database_url, request.param) as running:
        yield running


async def subscribe(world: SlackWorld, channel: str, themes: str) -> None:
    """`channel` subscribed by a member, and told so in the channel."""
    seen = len(world.state.messages_in(channel))
    [answer] = await world.command(ALICE.id, channel, f"abonner {themes}")
    assert "C'est noté" in answer["text"], answer
    await world.state.wait_for(lambda: len(world.state.messages_in(channel)) > seen)


async def deliver(world: SlackWorld, text: str, theme: str) -> None:
    """A coordinator's information on `theme`, delivered by the engine."""
    draft = Draft(text, (theme,), (), AnnouncementKind.INFORMATION, "", None, None)
    number, _ = await world.relay.announcements.create(
        draft, AnnouncementSource.COORDINATOR, AnnouncementState.QUEUED, None, None
    )
    assert await world.relay.engine.drain(10, number)


# Subscribing


async def test_any_member_subscribes_a_channel_and_the_channel_is_told(
    world: SlackWorld,
) -> None:
    [answer] = await world.command(BOB.id, "C0SANTE", "abonner santé mentale, psy, jeunes")
    [told] = await world.said_in("C0SANTE")
    [listed] = await world.command(ALICE.id, "C0SANTE", "abonnements")

    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == (
        "C'est noté ! Ce canal recevra les informations du CLS sur : "
        "Santé mentale, Santé des jeunes."
    )
    assert told.text == (
        "<@U0BOB> a abonné ce canal aux informations du CLS sur : "
        "Santé mentale, Santé des jeunes. "
        "Pour annuler : /cls desabonner santé mentale, santé des jeunes"
    )
    assert told.thread_ts is None and world.state.ephemerals == []  # for all to see
    assert "Ce canal est abonné à :\n• Santé mentale\n• Santé des jeunes" in listed["text"]
    assert "Tapez /cls themes pour modifier" in listed["text"]  # the core's /themes, on Slack
    [channel] = (await world.subscribers()).values()
    assert (channel.platform, channel.address, channel.chat_kind) == ("slack", "C0SANTE", "channel")
    assert channel.themes == ("jeunes", "sante-mentale") and channel.active
    assert channel.display_name == "Bob Durand"


async def test_anyone_in_the_channel_undoes_it_as_the_channel_was_told(
    world: SlackWorld,
) -> None:
    await world.command(BOB.id, "C0SANTE", "abonner santé mentale, jeunes")
    [told] = await world.said_in("C0SANTE")
    undo = told.text.split("Pour annuler : /cls ")[1]

    [answer] = await world.command(ALICE.id, "C0SANTE", undo)
    _, untold = await world.said_in("C0SANTE", 2)
    await world.command(ALICE.id, "C0SANTE", "desabonner addictions")  # nothing changes

    assert answer["text"] == "Désabonnement effectué pour : Santé mentale, Santé des jeunes."
    assert untold.text == (
        "<@U0ALICE> a désabonné ce canal de : Santé mentale, Santé des jeunes. "
        "Pour revenir en arrière : /cls abonner santé mentale, santé des jeunes"
    )
    assert (await world.subscribers())["C0SANTE"].themes == ()
    assert len(world.state.messages_in("C0SANTE")) == 2


async def test_app_home_checkboxes_subscribe_the_direct_message(world: SlackWorld) -> None:
    home = await world.home(BOB.id)
    assert not any("Nouvelle diffusion" in json.dumps(b) for b in home["blocks"])
    checkboxes = [
        e for b in home["blocks"] for e in b.get("elements", []) if e["type"] == "checkboxes"
    ]
    assert all(len(c["options"]) <= 10 for c in checkboxes) and len(checkboxes) >= 2
    first = checkboxes[0]

    await world.push(
        world.slack.block_actions(
            BOB.id, first["action_id"], selected_options=["sante-mentale"], view=home
        )
    )
    home = await world.new_home(BOB.id, home)
    checked = [
        o["value"]
        for b in home["blocks"]
        for e in b.get("elements", [])
        for o in e.get("initial_options", [])
    ]
    assert checked == ["sante-mentale"]
    dm = (await world.subscribers())[world.dm(BOB.id)]
    assert (dm.chat_kind, dm.themes, dm.display_name) == (
        "private",
        ("sante-mentale",),
        "Bob Durand",
    )

    await world.push(
        world.slack.block_actions(BOB.id, first["action_id"], selected_options=[], view=home)
    )
    await world.new_home(BOB.id, home)
    assert (await world.subscribers())[world.dm(BOB.id)].themes == ()
    assert world.state.delivered_count == 0  # the checkboxes are the answer: no message


async def test_a_member_presses_the_theme_board_and_the_channel_is_told(
    world: SlackWorld,
) -> None:
    [board] = await world.command(BOB.id, "C0SANTE", "themes")
    action_id, value = button(board["blocks"], "Santé mentale")
    seen = len(world.state.responses)
    press = world.slack.block_actions(
        BOB.id, action_id, value=value, channel="C0SANTE", message_ts="1.000200"
    )
    press["container"]["is_ephemeral"] = True  # /cls answers are private messages
    await world.push(press)
    await world.state.wait_for(lambda: len(world.state.responses) > seen)
    [told] = await world.said_in("C0SANTE")

    assert board["response_type"] == "ephemeral"
    assert board["text"].startswith(
        "Les thèmes du CLS. Cliquez sur un thème pour abonner ou désabonner ce canal"
    )
    rows = [b for b in board["blocks"] if b["type"] == "actions"]
    assert len(rows) == len(list(world.relay.themes)) + 1  # each theme, and "tout"
    [edited] = [r.body for r in world.state.responses[seen:]]
    assert edited["replace_original"] is True
    assert button(edited["blocks"], "✅ Santé mentale")[1] == "theme:sante-mentale"
    assert (await world.subscribers())["C0SANTE"].themes == ("sante-mentale",)
    assert told.text == (
        "<@U0BOB> a abonné ce canal aux informations du CLS sur : Santé mentale. "
        "Pour annuler : /cls desabonner santé mentale"
    )
    assert world.state.delivered_count == 1 and world.state.updates == []


# Talking to the bot


async def test_a_direct_message_and_a_mention_are_answered(world: SlackWorld) -> None:
    dm = world.dm(BOB.id)
    question = world.slack.app_mention(BOB.id, "C0SANTE", "où trouver un CSAPA ?")

    await world.push(world.slack.message_im(BOB.id, dm, "abonnements"))
    await world.push(question)

    [private] = await world.said_in(dm)
    [in_thread] = await world.said_in("C0SANTE")
    assert "Cette conversation n'est abonnée à aucun thème" in private.text
    assert private.thread_ts is None
    assert in_thread.thread_ts == question["event"]["ts"]
    assert in_thread.text and "U0RELAYBOT" not in in_thread.text


async def test_a_mention_in_a_thread_answers_in_that_thread(world: SlackWorld) -> None:
    mention = world.slack.app_mention(
        ALICE.id, "C0SANTE", "abonner addictions", thread_ts="1.000100"
    )

    await world.push(mention)

    [reply] = await world.said_in("C0SANTE")
    assert reply.thread_ts == "1.000100"
    assert "Addictions" in reply.text
    assert (await world.subscribers())["C0SANTE"].themes == ("addictions",)


# Broadcasting


def broadcast_values(
    text: str = "Forum santé mentale des jeunes, inscriptions ouvertes.",
    themes: tuple[str, ...] = ("sante-mentale",),
    title: str = "Forum SISM",
    link: str = "https://exemple.fr/forum",
    when: date | None = None,
    kind: AnnouncementKind = AnnouncementKind.EVENT,
) -> JSON:
    when = when or date.today() + timedelta(days=30)
    return {
        "kind": {"value": {"type": "static_select", "selected_option": {"value": kind.value}}},
        "title": {"value": {"type": "plain_text_input", "value": title}},
        "text": {"value": {"type": "plain_text_input", "value": text}},
        "link": {"value": {"type": "plain_text_input", "value": link}},
        "date": {"value": {"type": "datepicker", "selected_date": when.isoformat()}},
        "themes": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": t} for t in themes],
            }
        },
    }


async def open_modal(world: SlackWorld, user: str) -> JSON:
    home = await world.home(user)
    opened_before = len(world.state.opened_views)
    action_id, _ = button(home["blocks"], "Nouvelle diffusion")
    answer = await world.push(world.slack.block_actions(user, action_id, view=home))
    assert answer.status == 200
    [modal] = await world.state.wait_for(lambda: world.state.opened_views[opened_before:])
    return modal


async def test_the_coordinator_broadcasts_from_the_modal(world: SlackWorld) -> None:
    for channel in ("C0SANTE", "C0PSY"):
        await subscribe(world, channel, "santé mentale")
    await subscribe(world, "C0AUTRE", "addictions")
    coordinator_dm = world.dm(COORDINATOR.id)

    modal = await open_modal(world, COORDINATOR.id)
    wrong = broadcast_values(text="  ", link="exemple.fr", themes=())
    refused = await world.push(
        world.slack.view_submission(COORDINATOR.id, modal["callback_id"], wrong)
    )
    accepted = await world.push(
        world.slack.view_submission(COORDINATOR.id, modal["callback_id"], broadcast_values())
    )
    preview, question = await world.said_in(coordinator_dm, 2)
    asked = question.text  # the fake edits its record of the message in place
    await world.press(COORDINATOR.id, question, "Envoyer")

    assert refused.payload is not None and refused.payload["response_action"] == "errors"
    assert refused.payload["errors"] == {
        "text": "Écrivez le texte de la diffusion.",
        "link": BAD_LINK,
        "themes": "Choisissez au moins un thème.",
    }
    assert accepted.payload is None  # the modal closes
    assert headers_of([preview]) == ["📣 Événement — Forum SISM"]
    assert "Destinataires : 2 chats (Slack : 2)" in asked
    [update] = await world.state.wait_for(lambda: world.state.updates)
    assert (update.channel, update.ts) == (coordinator_dm, question.ts)
    assert update.text.startswith("C'est parti : la diffusion n°1 part vers 2 chats")
    assert not [b for b in update.blocks or [] if b["type"] == "actions"]  # buttons gone
    for channel in ("C0SANTE", "C0PSY"):
        [announcement] = await world.announced_in(channel)
        assert headers_of([announcement]) == ["📣 Événement — Forum SISM"]
        assert button(announcement.blocks or [], "Ouvrir le lien")[0] == "open_link"
        context = [b for b in announcement.blocks or [] if b["type"] == "context"]
        assert context[0]["elements"][0]["text"] == "Thèmes : Santé mentale"
    summary = await world.state.wait_for(
        lambda: [m for m in world.state.messages_in(coordinator_dm) if "Bilan" in m.text]
    )
    assert summary[0].text.startswith("Bilan de la diffusion n°1 « Forum SISM » : 2 remis")
    assert world.announcements_in("C0AUTRE") == []
    assert len(world.announcements_in("C0SANTE")) == 1 and world.state.duplicates == 0


async def test_a_non_coordinator_can_neither_broadcast_nor_approve(world: SlackWorld) -> None:
    bob_dm = world.dm(BOB.id)
    home = await world.home(BOB.id)
    assert "Nouvelle diffusion" not in json.dumps(home, ensure_ascii=False)
    forged = {
        "type": "button",
        "action_id": "open_broadcast",
        "text": {"type": "plain_text", "text": "x"},
    }
    forged_home = home | {"blocks": [*home["blocks"], {"type": "actions", "elements": [forged]}]}

    await world.push(world.slack.block_actions(BOB.id, "open_broadcast", view=forged_home))
    [refusal] = await world.said_in(bob_dm)
    await world.push(world.slack.view_submission(BOB.id, "broadcast_form", broadcast_values()))
    await world.said_in(bob_dm, 2)
    [proposed] = await world.command(BOB.id, bob_dm, "proposer Journée santé mentale à Pornic")
    await world.said_in(world.dm(COORDINATOR.id))  # the coordinators were asked
    approve = world.slack.block_actions(
        BOB.id, "relay:0", value="approve:1", channel=bob_dm, message_ts=refusal.ts
    )
    await world.push(approve)
    *_, last = await world.said_in(bob_dm, 3)

    assert world.state.opened_views == []
    assert "réservée aux coordinateurs" in refusal.text
    assert all("réservée aux coordinateurs" in m.text for m in world.state.messages_in(bob_dm))
    assert "proposition n°1" in proposed["text"]
    assert "réservée aux coordinateurs" in last.text
    coordinator_home = await world.home(COORDINATOR.id)
    assert "Journée santé mentale à Pornic" in json.dumps(coordinator_home, ensure_ascii=False)


async def test_a_proposal_reaches_the_coordinator_and_approval_delivers_it(
    world: SlackWorld,
) -> None:
    await subscribe(world, "C0SANTE", "santé mentale")
    coordinator_dm = world.dm(COORDINATOR.id)
    text = "Journée santé mentale le 12/12 à Pornic <https://exemple.fr/sism|exemple.fr/sism>"

    [thanks] = await world.command(BOB.id, "C0PART", f"proposer {text}")
    [request] = await world.said_in(coordinator_dm)
    asked = request.text  # the fake edits its record of the message in place
    await world.press(COORDINATOR.id, request, "Valider")

    assert "Votre proposition n°1 a été transmise" in thanks["text"]
    assert "Proposition n°1 d'un partenaire (Bob Durand)" in asked
    assert "https://exemple.fr/sism" in asked
    assert "/cls valider 1 #thème" in asked
    [update] = await world.state.wait_for(lambda: world.state.updates)
    assert update.text.startswith("Proposition n°1 validée : elle part vers 1 chat")
    [announcement] = await world.announced_in("C0SANTE")
    [context] = [b["elements"] for b in announcement.blocks or [] if b["type"] == "context"]
    assert [e["text"] for e in context] == [
        "Thèmes : Santé mentale",
        "Proposé par un partenaire du CLS",
    ]
    [good_news] = await world.said_in(world.dm(BOB.id))  # not in the channel, for all to see
    assert good_news.text.startswith("Bonne nouvelle : votre proposition n°1 a été validée")
    assert world.state.messages_in("C0PART") == []


async def test_the_coordinator_moderates_from_the_app_home(world: SlackWorld) -> None:
    bob_dm = world.dm(BOB.id)
    await world.command(BOB.id, bob_dm, "proposer Atelier nutrition à Machecoul")
    await world.said_in(world.dm(COORDINATOR.id))

    home = await world.home(COORDINATOR.id)
    action_id, value = button(home["blocks"], "Refuser")
    await world.push(world.slack.block_actions(COORDINATOR.id, action_id, value=value, view=home))
    home = await world.new_home(COORDINATOR.id, home)

    assert value == "reject:1"
    assert "Aucune proposition en attente." in json.dumps(home, ensure_ascii=False)
    [*_, refused] = await world.said_in(world.dm(COORDINATOR.id), 2)
    assert refused.text == "Proposition n°1 refusée. Le partenaire en est informé."
    [*_, told] = await world.said_in(bob_dm, 1)
    assert "n'a pas été retenue" in told.text


# What users typed arrives as typed


async def test_markup_typed_by_users_is_shown_as_typed(world: SlackWorld) -> None:
    await subscribe(world, "C0SANTE", "santé mentale")
    typed = "Réunion <CPTS> & MSP : venez nombreux <!channel>"

    # Slack escapes what users type; relay reads it back as typed, then escapes it once.
    await world.command(
        BOB.id, world.dm(BOB.id), "proposer Réunion &lt;CPTS&gt; &amp; MSP santé mentale"
    )
    [request] = await world.said_in(world.dm(COORDINATOR.id))
    modal = await open_modal(world, COORDINATOR.id)
    values = broadcast_values(text=typed, title="Réunion <CPTS> & MSP", link="")
    await world.push(world.slack.view_submission(COORDINATOR.id, modal["callback_id"], values))
    await world.said_in(world.dm(COORDINATOR.id), 3)
    question = world.state.messages_in(world.dm(COORDINATOR.id))[2]
    await world.press(COORDINATOR.id, question, "Envoyer")
    [announcement] = await world.announced_in("C0SANTE")

    assert "Réunion &lt;CPTS&gt; &amp; MSP santé mentale" in request.text
    assert headers_of([announcement]) == ["📣 Événement — Réunion <CPTS> & MSP"]
    [text] = [b["text"]["text"] for b in announcement.blocks or [] if b["type"] == "section"][:1]
    assert text == "Réunion &lt;CPTS&gt; &amp; MSP : venez nombreux &lt;!channel&gt;"
    assert unescape(text) == typed
    assert "<!channel>" not in announcement.text


# Channels relay is not in yet


async def test_a_public_channel_is_joined_when_a_member_subscribes_it(database_url: str) -> None:
    async with slack_world(database_url, "socket") as world:
        world.state.add_channel("C0PUBLIC", bot_member=False)

        [answer] = await world.command(BOB.id, "C0PUBLIC", "abonner addictions")
        [told] = await world.said_in("C0PUBLIC")
        joined_before_delivery = world.state.requests["conversations.join"]
        await deliver(world, "Moi(s) sans tabac", "addictions")

    assert answer["text"].startswith("C'est noté ! Ce canal recevra")
    assert joined_before_delivery == 1 and world.state.bot_is_member("C0PUBLIC")
    assert told.text.startswith("<@U0BOB> a abonné ce canal aux informations du CLS sur")
    assert [m.text for m in world.announcements_in("C0PUBLIC")] == [
        "📣 Information\nMoi(s) sans tabac\nThèmes : Addictions"
    ]
    assert (await world.subscribers())["C0PUBLIC"].active


async def test_a_private_channel_must_invite_relay_before_subscribing(database_url: str) -> None:
    async with slack_world(database_url, "socket") as world:
        world.state.add_channel("C0SECRET", private=True, bot_member=False)

        [refused] = await world.command(BOB.id, "C0SECRET", "abonner addictions")
        [board] = await world.command(BOB.id, "C0SECRET", "themes")
        action_id, value = button(board["blocks"], "Addictions")
        seen = len(world.state.responses)
        await world.push(
            world.slack.block_actions(
                BOB.id, action_id, value=value, channel="C0SECRET", message_ts="1.000200"
            )
        )
        [pressed] = await world.state.wait_for(lambda: world.state.responses[seen:])
        nothing_stored = await world.subscribers()
        world.state.invite_bot("C0SECRET")  # a member types /invite @relay
        [accepted] = await world.command(BOB.id, "C0SECRET", "abonner addictions")
        [told] = await world.said_in("C0SECRET")

    invite = (
        "Je ne peux pas entrer seul dans ce canal : invitez-moi d'abord en y tapant "
        "/invite @relay, puis recommencez. Sans cela, aucune information du CLS ne pourrait "
        "y arriver."
    )
    assert refused["text"] == invite and pressed.body["text"] == invite
    assert nothing_stored == {}
    assert accepted["text"].startswith("C'est noté ! Ce canal recevra")
    assert told.text.startswith("<@U0BOB> a abonné ce canal")
    assert (await world.subscribers())["C0SECRET"].themes == ("addictions",)


# What relay relays cannot call the whole channel


async def test_a_relayed_text_cannot_notify_the_whole_channel(database_url: str) -> None:
    async with slack_world(database_url, "socket") as world:
        await subscribe(world, "C0SANTE", "santé mentale")
        typed = (
            "Forum santé mentale @channel @here @Everyone <!channel> <!here> "
            "<!subteam^S0SOIN|@soignants> (écrire à contact@here.fr)"
        )
        await world.command(BOB.id, world.dm(BOB.id), f"proposer {typed}")
        [request] = await world.said_in(world.dm(COORDINATOR.id))
        asked = request.text, json.dumps(request.blocks, ensure_ascii=False)
        await world.press(COORDINATOR.id, request, "Valider")
        [announcement] = await world.announced_in("C0SANTE")

    j = "\u2060"  # an invisible word joiner: Slack sees no @channel, readers see no change
    shown = (
        f"Forum santé mentale @{j}channel @{j}here @{j}Everyone @{j}channel @{j}here "
        "@soignants (écrire à contact@here.fr)"
    )
    assert [b["text"]["text"] for b in announcement.blocks or [] if b["type"] == "section"] == [
        shown
    ]
    assert announcement.text.split("\n")[1:] == [
        shown,
        "Thèmes : Santé mentale",
        "Proposé par un partenaire du CLS",
    ]
    assert shown in asked[0] and shown in asked[1]
    for text in (announcement.text, json.dumps(announcement.blocks), *asked):
        assert not re.search(r"(?<![^\W_])@(channel|here|everyone|group)", text, re.I)
        assert not re.search(r"<!(channel|here|everyone|subteam)", text)


# Acknowledging, redeliveries, signatures


class SlowCore:
    """The real core, except that answering waits until the test says so."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self.release = asyncio.Event()
        self.asked = asyncio.Event()

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        self.asked.set()
        await self.release.wait()
        return await self._core.handle(incoming)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._core, name)


@pytest.mark.parametrize("mode", MODES)
async def test_slack_gets_its_ack_before_the_work_is_done(database_url: str, mode: str) -> None:
    slow: list[SlowCore] = []

    def slowed(core: Core) -> Core:
        slow.append(SlowCore(core))
        return slow[0]

    async with slack_world(database_url, mode, core=slowed) as world:
        answer = await world.push(world.slack.slash_command(ALICE.id, "C0SANTE", "abonner psy"))
        await asyncio.wait_for(slow[0].asked.wait(), 3)
        assert world.state.responses == []
        slow[0].release.set()
        await world.state.wait_for(lambda: world.state.responses)

    assert (answer.status, answer.payload) == (200, None)
    assert answer.delay < 3
    assert "C'est noté" in world.state.responses[0].body["text"]


async def test_an_event_slack_delivers_again_is_handled_once(world: SlackWorld) -> None:
    dm = world.dm(ALICE.id)
    event = world.slack.message_im(ALICE.id, dm, "abonner addictions")

    first = await world.push(event)
    await world.said_in(dm)
    again = await world.push(event, retry=1)
    await world.push(world.slack.message_im(ALICE.id, dm, "abonnements"))
    await world.said_in(dm, 2)

    assert (first.status, again.status) == (200, 200)
    assert world.channel.duplicates == 1
    assert ["C'est noté" in m.text for m in world.state.messages_in(dm)] == [True, False]


@pytest.mark.parametrize("mode", ["http"])
async def test_http_mode_rejects_forged_and_stale_requests(database_url: str, mode: str) -> None:
    async with slack_world(database_url, mode) as world:
        command = world.slack.slash_command(ALICE.id, "C0SANTE", "abonner tout")
        forged = await world.push(command, bad_signature=True)
        stale = await world.push(command, timestamp=int(time.time()) - 600)
        challenge = await world.push(world.slack.url_verification("3eZbrw1aBm2rZgRNFdxV"))
        genuine = await world.push(world.slack.slash_command(ALICE.id, "C0SANTE", "abonnements"))
        await world.state.wait_for(lambda: world.state.responses)

        assert (forged.status, stale.status) == (401, 401)
        assert challenge.payload == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}
        assert genuine.status == 200
        [answer] = world.state.responses
        assert "aucun thème" in answer.body["text"]  # the forged "abonner tout" did nothing
        assert await world.subscribers() == {}


async def test_http_mode_refuses_unsigned_garbage_in_one_line(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    garbage = [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe", "text/plain"),
        (b"payload=%7Bnot", "application/x-www-form-urlencoded"),
    ]
    async with slack_world(database_url, "http") as world:
        assert world.http is not None
        url = f"http://127.0.0.1:{world.channel.http_port}/slack/events"
        caplog.clear()
        caplog.set_level(logging.INFO)
        statuses = []
        for body, content_type in garbage:
            async with world.http.post(url, data=body, headers={"Content-Type": content_type}) as r:
                statuses.append(r.status)
        signed = sign_body(b"[1, 2]", SECRET, "application/json")
        async with world.http.post(url, data=signed.body, headers=signed.headers) as r:
            statuses.append(r.status)

    assert statuses == [401, 401, 401, 401, 400]
    logged = [r for r in caplog.records if r.name != "relay.app"]
    assert [r.exc_info for r in logged] == [None] * 5
    assert all("\n" not in r.getMessage() and SECRET not in r.getMessage() for r in logged)


# Deliveries that fail


async def test_unreachable_channels_are_deactivated_and_joinable_ones_joined(
    database_url: str,
) -> None:
    async with slack_world(database_url, "socket") as world:
        for channel in ("C0GONE", "C0ARCHIVE", "C0JOIN", "C0PRIVATE", "C0OK"):
            await subscribe(world, channel, "addictions")
        world.state.set_channel_error("C0GONE", "channel_not_found")
        world.state.set_channel_error("C0ARCHIVE", "is_archived")
        world.state.set_channel_error("C0JOIN", "not_in_channel", joinable=True)
        world.state.set_channel_error("C0PRIVATE", "not_in_channel")
        world.state.burst_429(1, retry_after=1)  # the first post: the whole channel waits

        draft = Draft(
            "Moi(s) sans tabac", ("addictions",), (), AnnouncementKind.INFORMATION, "", None, None
        )
        number, _ = await world.relay.announcements.create(
            draft, AnnouncementSource.COORDINATOR, AnnouncementState.QUEUED, None, None
        )
        assert await world.relay.engine.drain(10, number)
        listed = await world.subscribers()

    assert world.state.rate_limited == 1
    assert (listed["C0GONE"].active, listed["C0GONE"].inactive_reason) == (
        False,
        "channel_not_found",
    )
    assert (listed["C0ARCHIVE"].active, listed["C0ARCHIVE"].inactive_reason) == (
        False,
        "is_archived",
    )
    assert listed["C0PRIVATE"].inactive_reason == "not_in_channel (missing_scope)"
    assert listed["C0JOIN"].active and listed["C0OK"].active
    assert world.state.requests["conversations.join"] == 2
    for channel in ("C0JOIN", "C0OK"):
        assert [m.text for m in world.announcements_in(channel)] == [
            "📣 Information\nMoi(s) sans tabac\nThèmes : Addictions"
        ]
