"""`relay run` serving the console (no token): a meeting scheduled by typing, its invitation
with numbered RSVP choices, an answer by number, then a clean stop on SIGTERM."""

from datetime import UTC, datetime, timedelta

from tests.console_process import console_relay


async def test_relay_run_on_the_console_schedules_invites_and_records_an_answer(
    database_url: str,
) -> None:
    relay = await console_relay(database_url)
    try:
        await relay.shows("sert la console")
        await relay.say("/abonner vie du cls")
        at = await relay.shows("Vie du CLS")
        day = (datetime.now(UTC) + timedelta(days=15)).strftime("%Y-%m-%d")
        await relay.say(f"/reunion copil {day} 14:00 Salle du conseil, Pornic")
        at = await relay.shows("1. Programmer et inviter", at)
        await relay.say("1")
        at = await relay.shows("programmée", at)
        at = await relay.shows("Invitation : COPIL du Contrat Local de Santé", at)
        at = await relay.shows("📎 reunion-1.ics", at)
        at = await relay.shows("1. Je viens", at)
        await relay.say("1")
        at = await relay.shows("C'est noté : vous venez", at)
        await relay.say("/reunion 1")
        await relay.shows("Réponses : 1 oui, 0 peut-être, 0 non", at)
    finally:
        code = await relay.stop()
    assert code == 0, relay.errors
    assert "Traceback" not in relay.errors + relay.output
