"""The command router, table-driven: what a user types, what relay answers, what it stores."""

from dataclasses import dataclass

import pytest
from sqlalchemy import text

from relay.app import Relay
from relay.messages import ChatKind, ChatRef, Incoming, Platform, Reply, UserRef
from relay.store import subscribers
from tests.chat import ChatUser


@dataclass(frozen=True)
class Case:
    name: str
    steps: tuple[tuple[str, str], ...]  # what the user types, a fragment the answer must contain
    themes: frozenset[str]  # the chat's stored themes afterwards


CASES = [
    Case("accents", (("/abonner santé mentale", "Santé mentale"),), frozenset({"sante-mentale"})),
    Case("slug", (("/abonner sante-mentale", "C'est noté"),), frozenset({"sante-mentale"})),
    Case("alias", (("/abonner psy", "Santé mentale"),), frozenset({"sante-mentale"})),
    Case(
        "upper case and plural", (("/abonner ADDICTION", "Addictions"),), frozenset({"addictions"})
    ),
    Case(
        "several themes",
        (("/abonner #jeunes #addictions", "Santé des jeunes, Addictions"),),
        frozenset({"jeunes", "addictions"}),
    ),
    Case(
        "two themes without separator",
        (("/abonner santé mentale jeunes", "Santé mentale, Santé des jeunes"),),
        frozenset({"sante-mentale", "jeunes"}),
    ),
    Case("english alias", (("/subscribe precarite", "Précarité"),), frozenset({"precarite"})),
    Case("plain line without slash", (("abonner handicap", "Handicap"),), frozenset({"handicap"})),
    Case("everything", (("/abonner tout", "Tous les thèmes"),), frozenset({"tout"})),
    Case(
        "twice",
        (("/abonner psy", "C'est noté"), ("/abonner santé mentale", "déjà abonné")),
        frozenset({"sante-mentale"}),
    ),
    Case("no theme", (("/abonner", "par exemple : /abonner"),), frozenset()),
    Case(
        "unknown theme gets suggestions",
        (("/abonner sante mentalle", "Vouliez-vous dire : Santé mentale"),),
        frozenset(),
    ),
    Case(
        "known and unknown together",
        (("/abonner jeunes, blabla", "Je ne connais pas le thème « blabla »"),),
        frozenset({"jeunes"}),
    ),
    Case(
        "unsubscribe",
        (("/abonner psy, jeunes", "noté"), ("/desabonner psy", "Désabonnement effectué")),
        frozenset({"jeunes"}),
    ),
    Case(
        "unsubscribe one theme out of everything",
        (("/abonner tout", "noté"), ("/unsubscribe addictions", "Addictions")),
        frozenset(
            {
                "prevention",
                "sante-environnement",
                "acces-aux-soins",
                "education-therapeutique",
                "personnes-agees",
                "handicap",
                "sante-mentale",
                "jeunes",
                "perinatalite",
                "precarite",
                "nutrition-activite-physique",
                "metiers-de-sante",
                "vie-du-cls",
            }
        ),
    ),
    Case(
        "unsubscribe everything",
        (("/abonner psy, jeunes", "noté"), ("/desabonner tout", "désabonnée de tous")),
        frozenset(),
    ),
    Case(
        "unsubscribe a theme never subscribed",
        (("/desabonner handicap", "n'était pas abonné"),),
        frozenset(),
    ),
    Case(
        "subscriptions listed",
        (("/abonner handicap", "noté"), ("/abonnements", "• Handicap")),
        frozenset({"handicap"}),
    ),
    Case("no subscription yet", (("/abonnements", "aucun thème"),), frozenset()),
    Case("help", (("/aide", "/abonner"),), frozenset()),
    Case("help in english", (("/help", "/desabonner"),), frozenset()),
    Case("start", (("/start", "Contrat Local de Santé"),), frozenset()),
    Case("unknown command", (("/abonnr psy", "Vouliez-vous dire /abonner"),), frozenset()),
    Case("empty line", (("", "Je n'ai rien reçu"),), frozenset()),
    Case("only spaces and controls", (("  \x00\x07 \t ", "Je n'ai rien reçu"),), frozenset()),
    Case(
        "sql-looking text",
        (("/abonner '; DROP TABLE subscribers; --", "Je ne connais pas le thème"),),
        frozenset(),
    ),
    Case("emoji", (("/abonner 🧠 psy 🎉", "Santé mentale"),), frozenset({"sante-mentale"})),
    Case(
        "right-to-left text",
        (("/abonner \u202eالصحة النفسية", "Je ne connais pas le thème"),),
        frozenset(),
    ),
    Case("bot name suffix", (("/abonner@cls_relay_bot jeunes", "noté"),), frozenset({"jeunes"})),
    Case("coordinator command refused", (("/diffuser", "commande"),), frozenset()),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_conversation(relay: Relay, case: Case) -> None:
    user = ChatUser.private(relay)
    for said, expected in case.steps:
        answer = await user.say(said)
        assert expected in answer, f"{said!r} answered {answer!r}"
    assert await user.stored_themes() == case.themes


async def test_twenty_thousand_characters_are_answered_and_change_nothing(relay: Relay) -> None:
    user = ChatUser.private(relay)
    answer = await user.say("/abonner " + "x" * 19_000)
    assert "Je ne connais pas le thème" in answer
    assert len(answer) < 500
    too_long = await user.say("/abonner " + "x" * 20_000)
    assert (
        "Votre message fait 20\u202f009 caractères" in too_long
        and "rien n'a été envoyé" in too_long
    )
    assert await user.stored_themes() == set()


async def test_subscribing_twice_keeps_one_row(relay: Relay) -> None:
    user = ChatUser.private(relay)
    await user.say("/abonner jeunes")
    await user.say("/abonner jeunes")
    async with relay.db.read() as session:
        views = await subscribers.listing(session)
    assert [v.themes for v in views] == [("jeunes",)]


@pytest.mark.parametrize(
    ("platform", "how"),
    [
        (Platform.TELEGRAM, "Touchez un thème pour"),
        (Platform.SLACK, "Cliquez sur un thème pour"),
        (Platform.CONSOLE, "Tapez le numéro d'un thème pour"),
    ],
)
async def test_the_theme_board_says_how_to_choose_on_each_platform(
    relay: Relay, platform: Platform, how: str
) -> None:
    user = ChatUser.private(relay, platform=platform)
    assert how in await user.say("/themes")
    assert how in await user.press("Santé mentale")


async def test_theme_buttons_toggle_and_show_the_state(relay: Relay) -> None:
    user = ChatUser.private(relay)
    await user.say("/themes")
    assert not any(b.label.startswith("✅") for b in user.buttons())
    await user.press("Santé mentale")
    assert isinstance(user.last[0], Reply) and user.last[0].edit_origin
    assert "✅ Santé mentale" in [b.label for b in user.buttons()]
    assert await user.stored_themes() == {"sante-mentale"}
    await user.press("Santé mentale")
    assert await user.stored_themes() == set()
    await user.press("Tous les thèmes")
    assert all(b.label.startswith("✅") for b in user.buttons())
    assert await user.stored_themes() == {"tout"}


async def test_forget_asks_first_then_deletes_everything(relay: Relay) -> None:
    user = ChatUser.private(relay)
    await user.say("/abonner psy, jeunes")
    answer = await user.say("/oublier")
    assert "définitif" in answer
    assert await user.stored_themes() == {"sante-mentale", "jeunes"}
    await user.press("Annuler")
    assert await user.stored_themes() == {"sante-mentale", "jeunes"}
    await user.say("/forget")
    assert "effacées" in await user.press("Oui")
    async with relay.db.read() as session:
        assert await subscribers.listing(session) == []


async def test_forget_keeps_groups_the_user_does_not_manage(relay: Relay) -> None:
    admin = ChatUser.in_group(relay, "7", "-100200", admin=True)
    await admin.say("/abonner jeunes")
    member = ChatUser.in_group(relay, "8", "-100200")
    await member.say("/oublier")
    await member.press("Oui")
    assert await admin.stored_themes() == {"jeunes"}


async def test_group_subscriptions_belong_to_admins(relay: Relay) -> None:
    member = ChatUser.in_group(relay, "8", "-100200")
    assert "administrateurs" in await member.say("/abonner jeunes")
    assert await member.stored_themes() == set()
    admin = ChatUser.in_group(relay, "7", "-100200", admin=True)
    assert "noté" in await admin.say("/abonner jeunes")
    assert "administrateurs" in await member.say("/desabonner jeunes")
    assert await member.stored_themes() == {"jeunes"}


async def test_a_group_is_named_a_group_and_told_nothing_more(relay: Relay) -> None:
    member = ChatUser.in_group(relay, "8", "-100200")
    admin = ChatUser.in_group(relay, "7", "-100200", admin=True)

    refused = await member.say("/abonner jeunes")
    accepted = await admin.say("/abonner jeunes")
    listed = await member.say("/abonnements")
    private = await ChatUser.private(relay).say("/abonner jeunes")

    assert refused == (
        "Seuls les administrateurs de ce groupe (ou les coordinateurs du CLS) "
        "peuvent modifier ses abonnements."
    )
    # Everyone in a Telegram group sees the answer: no separate notice.
    assert (
        accepted == "C'est noté ! Ce groupe recevra les informations du CLS sur : Santé des jeunes."
    )
    assert len(admin.last) == 1
    assert listed.startswith("Ce groupe est abonné à :")
    assert private.startswith("C'est noté ! Cette conversation recevra")


async def test_coordinator_may_manage_any_group(relay: Relay) -> None:
    coordinator = ChatUser.in_group(relay, "1000", "-100300")
    assert "noté" in await coordinator.say("/abonner addictions")


async def test_a_plain_question_starting_with_a_command_word_is_a_question(relay: Relay) -> None:
    user = ChatUser.private(relay)
    assert "Les commandes" in await user.say("aide")
    answer = await user.say("aide aux aidants près de Machecoul")
    assert "Les commandes" not in answer


async def test_group_chatter_is_ignored_unless_addressed(relay: Relay) -> None:
    member = ChatUser.in_group(relay, "8", "-100200")
    member.addressed = False
    assert await member.say("bonjour tout le monde") == ""


async def test_help_shows_coordinator_commands_only_to_coordinators(relay: Relay) -> None:
    partner = await ChatUser.private(relay).say("/aide")
    coordinator = await ChatUser.private(relay, "1000").say("/aide")
    assert "/proposer" in partner and "/proposer" in coordinator
    assert "/diffuser" not in partner and "coordinateurs" not in partner
    assert "Réservé aux coordinateurs" in coordinator and "/diffuser #thème" in coordinator


async def test_a_failing_handler_becomes_an_apology_and_a_logged_traceback(
    relay: Relay, caplog: pytest.LogCaptureFixture
) -> None:
    async with relay.db.write() as session:
        await session.execute(text("DROP TABLE subscriptions"))
    user = ChatUser.private(relay)
    answer = await user.say("/abonnements")
    assert answer == "Désolé, une erreur inattendue s'est produite. Réessayez dans un instant."
    assert any(record.exc_info for record in caplog.records)


async def test_unknown_button_is_answered(relay: Relay) -> None:
    incoming = Incoming(
        ChatRef(Platform.TELEGRAM, "1", ChatKind.PRIVATE),
        UserRef(Platform.TELEGRAM, "1"),
        action="nothing:here",
    )
    replies = await relay.router.handle(incoming)
    assert "plus valable" in replies[0].text
