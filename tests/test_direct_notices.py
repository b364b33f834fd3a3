"""Direct notices (a broadcast's summary, a moderation request, a partner's outcome) go through
the outbox: retried like deliveries, kept across a restart, never sent twice."""

from sqlalchemy import select
from sqlmodel import col

from relay.app import Relay
from relay.contract import RetryLater
from relay.messages import ChatKind, ChatRef, Platform, Reply
from relay.states import DeliveryState
from relay.store.models import Delivery, DirectNotice
from tests.chat import ChatUser
from tests.scripted_channel import ScriptedChannel
from tests.test_delivery import announce, engine_with, subscribe

COORDINATOR_CHAT = ChatRef(Platform.TELEGRAM, "1000", ChatKind.PRIVATE)


def refusals(count: int) -> list[RetryLater]:
    # Each says "nothing sent": the platform answered with an error, as a 502 does.
    return [RetryLater("502 Bad Gateway", nothing_sent=True) for _ in range(count)]


async def notice_states(relay: Relay) -> list[str]:
    async with relay.db.read() as session:
        rows = await session.execute(
            select(col(Delivery.status)).where(col(Delivery.notice_id).is_not(None))
        )
        return sorted(rows.scalars())


async def test_a_summary_refused_six_times_in_a_row_still_arrives_once(relay: Relay) -> None:
    for n in range(5):
        await subscribe(relay, str(n), ["jeunes"])
    channel = ScriptedChannel(failures={"1000": list(refusals(6))})
    async with engine_with(relay, channel) as engine:
        await announce(relay, ("jeunes",))
        assert await engine.drain(20)
    assert channel.failures["1000"] == [], "all six refusals were met"
    assert channel.delivered["1000"] == 1
    (summary,) = channel.texts["1000"]
    assert "5 remis, 0 en échec" in summary
    assert await notice_states(relay) == [DeliveryState.SENT]


async def test_a_notice_queued_before_a_restart_is_sent_after_it(relay: Relay) -> None:
    await relay.engine.notify(COORDINATOR_CHAT, Reply("Flux en échec : ARS Pays de la Loire"))
    assert await notice_states(relay) == [DeliveryState.PENDING], "kept, not sent: no channel"
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(10)
    assert channel.texts["1000"] == ["Flux en échec : ARS Pays de la Loire"]


async def test_a_keyed_notice_is_queued_once_whoever_queues_it(relay: Relay) -> None:
    first = await relay.engine.notify(COORDINATOR_CHAT, Reply("Rapport"), key="report:2027-01")
    second = await relay.engine.notify(COORDINATOR_CHAT, Reply("Rapport"), key="report:2027-01")
    assert (first, second) == (True, False)
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(10)
    assert channel.texts["1000"] == ["Rapport"]


async def test_a_partners_outcome_survives_a_platform_outage(relay: Relay) -> None:
    await subscribe(relay, "11", ["prevention"])
    partner = ChatUser.private(relay, "77")
    await partner.say("/proposer Atelier nutrition à Pornic le 12/02")
    coordinator = ChatUser.private(relay, "1000")
    assert "refusée" in await coordinator.say("/refuser 1 hors calendrier")
    channel = ScriptedChannel(failures={"77": list(refusals(6))})
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(20)
    assert channel.delivered["77"] == 1
    assert "Motif : hors calendrier" in channel.texts["77"][0]
    assert channel.delivered["1000"] == 1, "the moderation request, once"


async def test_forgetting_a_chat_drops_the_notices_waiting_for_it(relay: Relay) -> None:
    partner = ChatUser.private(relay, "77")
    await partner.say("/proposer Atelier nutrition à Pornic le 12/02")
    await ChatUser.private(relay, "1000").say("/refuser 1 hors calendrier")
    assert "définitif" in await partner.say("/oublier")
    assert "effacées" in await partner.press("Oui")
    async with relay.db.read() as session:
        left = (await session.execute(select(DirectNotice))).scalars().all()
    assert [n.address for n in left] == ["1000"], "the partner's outcome went with them"
    channel = ScriptedChannel()
    async with engine_with(relay, channel) as engine:
        assert await engine.drain(10)
    assert "77" not in channel.delivered


async def test_a_forgotten_partners_pending_proposal_can_no_longer_be_relayed(
    relay: Relay,
) -> None:
    await subscribe(relay, "11", ["prevention"])
    partner = ChatUser.private(relay, "77")
    await partner.say("/proposer Atelier nutrition à Pornic le 12/02 #prevention")
    await partner.say("/oublier")
    assert "effacées" in await partner.press("Oui")
    coordinator = ChatUser.private(relay, "1000")
    assert "Je ne trouve pas de proposition n°1" in await coordinator.say("/valider 1")
    async with relay.db.read() as session:
        assert (await session.execute(select(Delivery))).all() == []
