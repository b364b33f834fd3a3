"""Partners' profiles: offered once after a first subscription in a private chat, given by
buttons (/profil), shown in Slack's App Home, forgotten with /oublier; a directory question is
counted by who asked without the log knowing who."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from relay.app import Relay
from relay.channels.console import ConsoleChannel
from relay.messages import Incoming, Platform, UserRef
from relay.profiles import KINDS, Typology, TypologyError
from relay.store import profiles
from relay.store.models import DirectoryQuery
from relay.store.models_profiles import Profile
from tests.chat import ChatUser
from tests.conftest import CONFIG_DIR
from tests.fakes.telegram_api import FakeTelegram
from tests.test_meetings_telegram import buttons_of
from tests.test_slack_channel import BOB, button, slack_world
from tests.test_telegram_channel import PARTNER, running, texts_to

TYPOLOGY = Typology.load(CONFIG_DIR / "typologie.yaml")


async def stored(relay: Relay, user: UserRef) -> Profile | None:
    async with relay.db.read() as session:
        return await profiles.get(session, user)


async def test_the_profile_is_offered_once_after_a_first_subscription(relay: Relay) -> None:
    camille = ChatUser.private(relay)
    await camille.say("/abonner addictions")
    labels = [b.label for b in camille.buttons()]
    assert labels == [k.label for k in TYPOLOGY] + ["Plus tard"]
    assert "rien d'autre n'est demandé" in camille.last[-1].text

    assert "quand vous voudrez avec /profil" in await camille.press("Plus tard")
    await camille.say("/abonner santé mentale")
    assert camille.buttons() == [], "never offered again"
    await camille.say("/themes")
    await camille.press("Santé des jeunes")
    assert not any(b.label == "Plus tard" for b in camille.buttons())
    profile = await stored(relay, camille.user)
    assert profile is not None and profile.kind is None


async def test_a_group_is_not_asked_and_profil_is_given_in_private(relay: Relay) -> None:
    admin = ChatUser.in_group(relay, "7", "-100555", admin=True)
    await admin.say("/abonner addictions")
    assert admin.buttons() == []
    assert "en conversation privée" in await admin.say("/profil")
    assert await stored(relay, admin.user) is None


async def test_profil_by_buttons_with_a_commune_then_forgotten(relay: Relay) -> None:
    camille = ChatUser.private(relay)
    assert "pas encore indiqué de profil" in await camille.say("/profile")
    said = await camille.press("Paramédical")
    assert "C'est noté : Paramédical" in said
    await camille.press("Indiquer ma commune")
    assert "Pornic" in [b.label for b in camille.buttons()]
    assert "à Pornic" in await camille.press("Pornic")
    profile = await stored(relay, camille.user)
    assert profile is not None and (profile.kind, profile.commune) == ("paramedical", "Pornic")

    board = await camille.say("/profil")
    assert "Votre profil actuel : Paramédical (infirmier, kiné, pharmacie…), à Pornic." in board
    assert "✅ Paramédical (infirmier, kiné, pharmacie…)" in [b.label for b in camille.buttons()]
    await camille.press("Habitant")
    await camille.press("Non merci")
    profile = await stored(relay, camille.user)
    assert profile is not None and (profile.kind, profile.commune) == ("habitant", "Pornic")
    await camille.say("/profil")
    await camille.press("Ma commune")
    await camille.press("Ne pas l'indiquer")
    profile = await stored(relay, camille.user)
    assert profile is not None and profile.commune is None

    await camille.say("/oublier")
    await camille.press("Oui, tout effacer")
    assert await stored(relay, camille.user) is None


async def test_an_outdated_choice_changes_nothing(relay: Relay) -> None:
    camille = ChatUser.private(relay)
    for action in ("profile:kind:astronaute", "profile:commune:atlantis", "profile:???"):
        answer = await relay.router.handle(Incoming(camille.chat, camille.user, action=action))
        assert "Ce choix n'existe plus" in answer[0].text
    assert await stored(relay, camille.user) is None


async def test_directory_questions_are_counted_by_who_asked_not_who(relay: Relay) -> None:
    nurse, resident, stranger = (ChatUser.private(relay, uid) for uid in ("51", "52", "53"))
    await nurse.say("/profil")
    await nurse.press("Paramédical")
    await resident.say("/profil")
    await resident.press("Habitant ou usager")
    for user in (nurse, resident, stranger):
        await user.say("psychologue à Pornic")
    await nurse.say("/trouver CSAPA")

    async with relay.db.read() as session:
        rows = (await session.execute(select(DirectoryQuery))).scalars().all()
    assert sorted(r.asker for r in rows) == [
        "habitant",
        "inconnu",
        "professionnel",
        "professionnel",
    ]
    for row in rows:
        assert not {"51", "52", "53"} & set(json.dumps(row.model_dump(), default=str).split('"'))


async def test_the_console_offers_the_profile_with_numbered_choices(relay: Relay) -> None:
    user = UserRef(Platform.CONSOLE, "local")
    output = io.StringIO()
    console = ConsoleChannel(user, stdin=io.StringIO("/abonner addictions\n1\n2\n"), stdout=output)
    await console.converse(relay.core)
    shown = output.getvalue()
    assert "1. Médical (médecin, centre de santé, hôpital)" in shown
    assert "11. Plus tard" in shown
    assert "C'est noté : Médical" in shown and "Merci ! Votre profil : Médical" in shown
    profile = await stored(relay, user)
    assert profile is not None and profile.kind == "medical"


async def test_telegram_offers_the_profile_and_a_press_records_it(database_url: str) -> None:
    telegram = FakeTelegram(private_chat_rate=None)
    async with running(database_url, telegram) as (relay, _):
        telegram.user_message(PARTNER, "/abonner addictions")
        await telegram.wait_for(lambda: len(telegram.messages_to(PARTNER)) >= 2)
        offer = telegram.messages_to(PARTNER)[-1]
        social = next(b for b in buttons_of(offer) if b["text"].startswith("Social"))
        telegram.callback_query(PARTNER, PARTNER, offer.message_id, social["callback_data"])
        await telegram.wait_for(
            lambda: any("C'est noté : Social" in e.plain_text for e in telegram.edits)
        )
        assert telegram.edits[-1].message_id == offer.message_id
        profile = await stored(relay, UserRef(Platform.TELEGRAM, str(PARTNER)))
        assert profile is not None and profile.kind == "social"
        assert not any("Plus tard" in t for t in texts_to(telegram, PARTNER)[2:])


async def test_the_slack_app_home_shows_and_sets_the_profile(database_url: str) -> None:
    async with slack_world(database_url, "socket") as world:
        home = await world.home(BOB.id)
        text = json.dumps(home, ensure_ascii=False)
        assert "Votre profil" in text and "pas encore indiqué de profil" in text
        action_id, value = button(home["blocks"], "Éducation, formation")
        await world.push(world.slack.block_actions(BOB.id, action_id, value=value, view=home))
        home = await world.new_home(BOB.id, home)

        assert "Votre profil actuel : Éducation, formation." in json.dumps(home, ensure_ascii=False)
        button(home["blocks"], "✅ Éducation, formation")
        [said] = await world.said_in(world.dm(BOB.id))
        assert "C'est noté : Éducation, formation" in said.text
        [answer] = await world.command(BOB.id, world.dm(BOB.id), "profil")
        assert "Éducation, formation" in answer["text"]


def test_every_contract_kind_has_a_label() -> None:
    assert [k.slug for k in TYPOLOGY] == list(KINDS)


def broken_typologies(tmp_path: Path) -> list[tuple[str, str]]:
    good = (CONFIG_DIR / "typologie.yaml").read_text(encoding="utf-8")
    return [
        ("types: [", "fichier illisible"),
        ("kinds: []", "la liste « types » manque"),
        (good.replace("slug: medical\n", "slug: medecine\n"), "type « medecine » inconnu"),
        (good.replace("  - slug: autre\n    label: Autre\n", ""), "il manque le type autre"),
        (good + "  - slug: social\n    label: Encore\n", "« social » figure deux fois"),
        (good.replace("label: Autre", "label:"), "l'entrée n°10 doit avoir"),
    ]


def test_a_broken_typology_is_one_french_line(tmp_path: Path) -> None:
    for content, problem in broken_typologies(tmp_path):
        path = tmp_path / "typologie.yaml"
        path.write_text(content, encoding="utf-8")
        try:
            Typology.load(path)
        except TypologyError as error:
            assert problem in str(error) and str(path) in str(error) and "\n" not in str(error)
        else:
            raise AssertionError(f"accepted: {content!r}")


def test_relay_run_stops_at_start_on_a_broken_typology(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    for name in ("themes.yaml", "communes.csv", "synonyms.yaml", "annuaire.csv", "feeds.yaml"):
        (config / name).write_bytes((CONFIG_DIR / name).read_bytes())
    (config / "typologie.yaml").write_text("types:\n  - slug: medical\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "relay", "run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
        env={
            **os.environ,
            "RELAY_CONFIG_DIR": str(config),
            "RELAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}",
        },
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "typologie.yaml" in line and "l'entrée n°1 doit avoir" in line
