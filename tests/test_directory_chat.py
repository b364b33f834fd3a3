"""Directory questions in a chat: /trouver, /ou, /find, free text, "Plus de résultats", bad
input, and the anonymous query log, on every backend."""

import pytest
from sqlalchemy import select

from relay.app import Relay
from relay.commands.router import EXPIRED_BUTTON
from relay.messages import Incoming, Platform, Reply
from relay.store.models import DirectoryQuery
from tests.chat import ChatUser


@pytest.fixture
async def user(relay: Relay) -> ChatUser:
    await relay.directory.import_file(relay.settings.config_dir / "annuaire.csv")
    return ChatUser.private(relay, user_id="918273645")


async def logged(relay: Relay) -> list[DirectoryQuery]:
    async with relay.db.read() as session:
        return list((await session.execute(select(DirectoryQuery))).scalars())


@pytest.mark.parametrize(
    "text",
    [
        "/trouver psychologue à Pornic",
        "/ou psychologue à Pornic",
        "/où psychologue à Pornic",
        "/find psychologue à Pornic",
        "où trouver un psychologue à Pornic ?",
        "psychologue pornic",
    ],
)
async def test_every_way_of_asking_gives_the_same_answer(user: ChatUser, text: str) -> None:
    answer = await user.say(text)
    assert answer.startswith("Voici ce que j'ai trouvé pour « psychologue » à Pornic :")
    assert "1. Cabinet de psychologie de la Côte de Jade" in answer
    assert (
        "📞 02 61 91" in answer and "🕒" in answer and "📍" in answer and "44210 Pornic" in answer
    )
    assert "4." not in answer  # three results a page


async def test_more_results_pages_through(user: ChatUser) -> None:
    first = await user.say("psychologue")
    assert "3." in first and "4." not in first
    [button] = user.buttons()
    assert button.label.startswith("Plus de résultats (")
    assert button.action.startswith("more:") and len(button.action.encode()) <= 64
    second = await user.press("Plus de résultats")
    assert second.startswith("Suite des résultats pour « psychologue » :")
    assert "4." in second and "7." not in second
    assert not set(first.split("\n")[2:]) & {line for line in second.split("\n") if ". " in line}
    while user.buttons():
        await user.press("Plus de résultats")
    assert len(await logged(user.relay)) == 1  # pages are not new questions


async def test_a_stale_button_is_refused_politely(user: ChatUser) -> None:
    for action in ("more:999999:3", "more:abc:3", "more:"):
        incoming = Incoming(user.chat, user.user, action=action)
        [reply] = await user.relay.router.handle(incoming)
        assert isinstance(reply, Reply) and reply.text == EXPIRED_BUTTON


async def test_nothing_found_is_said_honestly(user: ChatUser) -> None:
    answer = await user.say("où trouver un vétérinaire à Pornic ?")
    assert answer.startswith("Je n'ai rien trouvé pour « vétérinaire » à Pornic")
    assert "Essayez" in answer and not user.buttons()
    broader = await user.say("chirurgien esthétique à Pornic")
    assert "Essayez une recherche plus large, par exemple « chirurgien »" in broader
    # a trade the directory does not list is not broadened into the words around it
    vet = await user.say("vétérinaire de garde à Pornic")
    assert vet.startswith("Je n'ai rien trouvé pour « vétérinaire de garde » à Pornic")
    assert "plus large" not in vet and "Essayez d'autres mots" in vet


async def test_nearby_when_the_commune_has_nothing(user: ChatUser) -> None:
    answer = await user.say("ehpad près de Rouans")
    assert answer.startswith("Rien à Rouans même pour « ehpad » ; voici le plus proche :")


async def test_typos_are_admitted(user: ChatUser) -> None:
    answer = await user.say("psycologue saint brevin")
    assert "(j'ai lu « psychologue » pour « psycologue »)" in answer
    assert "Saint-Brevin-les-Pins" in answer.split("\n")[0]


async def test_a_correction_that_only_changes_an_ending_is_not_mentioned(user: ChatUser) -> None:
    answer = await user.say("qui peut m'aider à Pornic")
    assert answer.startswith("Voici ce que j'ai trouvé pour « aider » à Pornic :\n")
    assert "j'ai lu" not in answer


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("/trouver", "Dites-moi ce que vous cherchez"),
        ("/trouver    ", "Dites-moi ce que vous cherchez"),
        ("où trouver ?", "Que cherchez-vous ?"),
        ("je cherche", "Que cherchez-vous ?"),
        ("😀🙏🏽", "Que cherchez-vous ?"),
        ("Pornic", "Que cherchez-vous à Pornic ?"),
        ('/trouver " * ( ) - : ^', "Que cherchez-vous ?"),
        (
            '/trouver " * NEAR ( ) - : ^ OR AND',
            "Je n'ai rien trouvé pour « NEAR ( ) - : ^ OR AND »",
        ),
        ('/trouver psychologue" OR "*', "Voici ce que j'ai trouvé pour « psychologue"),
        ("/trouver '; DROP TABLE directory_entries; --", "Je n'ai rien trouvé"),
        (
            "/trouver psy NEAR(dentiste) -cmp:pornic",
            "Je n'ai rien trouvé pour « psy NEAR(dentiste)",
        ),
        ("/trouver " + "psychologue " * 500, "Voici ce que j'ai trouvé"),
        ("/trouver " + "x" * 5000, "Je n'ai rien trouvé"),
        ("/trouver dentiste 🦷 pornic", "Voici ce que j'ai trouvé pour « dentiste » à Pornic"),
    ],
)
async def test_bad_input_gets_a_polite_answer(user: ChatUser, text: str, start: str) -> None:
    answer = await user.say(text)
    assert answer.startswith(start), answer
    assert len(answer) < 4000
    assert len(await user.relay.directory.entries()) == 325


async def test_groups_answer_only_when_the_bot_is_addressed(relay: Relay) -> None:
    await relay.directory.import_file(relay.settings.config_dir / "annuaire.csv")
    member = ChatUser.in_group(relay, "7", "-100200")
    member.addressed = False
    assert await member.say("où trouver un CSAPA ?") == ""
    member.addressed = True
    assert "CSAPA" in await member.say("où trouver un CSAPA ?")
    assert "CSAPA" in await ChatUser.in_group(relay, "8", "-100200").say("/trouver CSAPA")


async def test_the_query_log_keeps_no_trace_of_who_asked(user: ChatUser) -> None:
    await user.say("où trouver un psycologue à Pornic ?")
    await user.say("notaire à Machecoul")
    await user.say("je cherche")  # no question: nothing to log
    first, second = await logged(user.relay)
    assert first.question == "psychologue à Pornic"  # the word the search read
    assert (first.best_entry_id, first.platform) == ("ann-0205", "telegram")
    assert first.result_count >= 3
    assert first.best_entry_name == "Cabinet de psychologie de la Côte de Jade"
    assert (second.question, second.result_count, second.best_entry_id) == (
        "notaire à Machecoul",  # the former commune, as asked
        0,
        None,
    )
    stored = " ".join(str(v) for row in (first, second) for v in row.model_dump().values())
    assert user.user.user_id not in stored and user.name not in stored


async def test_a_fresh_directory_loads_the_sample_once_and_says_so(relay: Relay) -> None:
    user = ChatUser.private(relay, platform=Platform.CONSOLE)
    first = await user.say("psychologue à Pornic")
    assert first.startswith(
        "ℹ️ L'annuaire était vide : j'ai chargé l'annuaire d'exemple "
        "(325 fiches du fichier annuaire.csv).\n"
    )
    second = await user.say("psychologue à Pornic")
    assert second.startswith("Voici ce que j'ai trouvé")


@pytest.mark.parametrize("platform", [Platform.SLACK, Platform.TELEGRAM])
async def test_partners_in_a_chat_are_not_told_about_the_sample_directory(
    relay: Relay, platform: Platform
) -> None:
    partner = ChatUser.private(relay, "U0PARTNER", platform=platform)
    first = await partner.say("psychologue à Pornic")
    assert first.startswith("Voici ce que j'ai trouvé pour « psychologue » à Pornic")
    assert "annuaire d'exemple" not in first


async def test_help_lists_the_command(user: ChatUser) -> None:
    assert "/trouver <question> — chercher dans l'annuaire" in await user.say("/aide")
