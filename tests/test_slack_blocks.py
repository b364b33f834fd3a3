"""Block Kit rendering: what relay produces is shown as typed and is never refused by Slack, checked
against the fake Slack's own validation (tests/fakes/slack_api.py) and Slack's UTF-16 lengths."""

from datetime import date

import pytest

from relay.channels.slack_blocks import (
    BAD_LINK,
    BUTTON_ACTION,
    MAX_FALLBACK,
    MAX_MESSAGE_BLOCKS,
    WORD_JOINER,
    SlackPart,
    broadcast_modal,
    from_slack,
    home_view,
    read_broadcast_form,
    render,
    unescape,
    units,
)
from relay.contract import HomeSummary, ProposalSummary, ThemeChoice
from relay.messages import (
    AnnouncementKind,
    AnnouncementView,
    Attachment,
    Button,
    Mention,
    Outgoing,
    Platform,
    Reply,
    UserRef,
)
from tests.fakes.slack_api import SlackState, block_errors

TODAY = date(2026, 6, 1)
LONG_TEXT = "\n\n".join(
    f"Paragraphe {n} : le CLS & ses partenaires <CPTS> " + "mot " * (40 * (n % 7))
    for n in range(400)
)
NASTY: list[Outgoing] = [
    Reply(""),
    Reply("&" * 10_000),  # each character becomes &amp;: five times longer once escaped
    Reply("🩺" * 5_000),  # two UTF-16 units each
    Reply(LONG_TEXT, link="https://exemple.fr/" + "x" * 5_000),
    Reply(
        "Choisissez",
        buttons=tuple((Button(f"Thème n°{n} " + "é" * 100, f"theme:{n}"),) for n in range(60)),
    ),
    Reply("Large", buttons=(tuple(Button(str(n), f"x:{n}") for n in range(40)),)),
    AnnouncementView(
        kind=AnnouncementKind.CALL_FOR_PROJECTS,
        text=LONG_TEXT,
        title="Appel à projets " + "très long " * 40,
        link="exemple.fr sans schéma",
        date_label="Date limite : 15/01/2027",
        theme_labels=tuple(f"Thème {n} & co" for n in range(50)),
        source_label="Source : " + "flux " * 1_000,
    ),
    AnnouncementView(kind=AnnouncementKind.INFORMATION, text="", title="   "),
]


def assert_accepted_by_slack(part: SlackPart) -> None:
    assert block_errors(list(part.blocks), MAX_MESSAGE_BLOCKS) == []
    assert part.text and units(part.text) <= MAX_FALLBACK
    for block in part.blocks:
        for text in [block.get("text"), *block.get("elements", [])]:
            if isinstance(text, dict) and "text" in text and isinstance(text["text"], str):
                limit = {"header": 150, "actions": 75}.get(block["type"], 3000)
                assert units(text["text"]) <= limit


@pytest.mark.parametrize("message", NASTY, ids=lambda m: type(m).__name__)
def test_nothing_relay_renders_is_refused(message: Outgoing) -> None:
    parts = render(message)

    for part in parts:
        assert_accepted_by_slack(part)
    elements = [e for p in parts for b in p.blocks for e in b.get("elements", [])]
    action_ids = [e["action_id"] for e in elements if "action_id" in e]
    assert len(action_ids) == len(set(action_ids))


def test_a_long_text_is_split_at_paragraphs_and_loses_nothing() -> None:
    parts = render(Reply(LONG_TEXT))

    assert len(parts) > 1
    sections = [b["text"]["text"] for p in parts for b in p.blocks]
    assert all(units(s) <= 3000 for s in sections)
    assert all(s.startswith("Paragraphe") for s in sections)  # cut between paragraphs
    assert unescape(" ".join(sections)).split() == LONG_TEXT.split()


def test_user_text_is_escaped_once_and_reads_as_typed() -> None:
    typed = "Réunion <CPTS> & MSP *le 12/12* <!channel> &amp;"
    view = AnnouncementView(
        kind=AnnouncementKind.EVENT,
        text=typed,
        title=typed,
        link="https://exemple.fr/?a=1&b=<2>",
        theme_labels=("Santé & <environnement>",),
    )

    [part] = render(view)
    [reply] = render(Reply(typed, link="https://exemple.fr/?a=1&b=2"))

    header, text, link, context = part.blocks
    assert header["text"] == {
        "type": "plain_text",
        "text": f"📣 Événement — {typed}",
        "emoji": True,
    }
    assert text["text"]["text"] == (
        "Réunion &lt;CPTS&gt; &amp; MSP *le 12/12* &lt;!channel&gt; &amp;amp;"
    )
    assert unescape(text["text"]["text"]) == typed
    assert link["elements"][0]["url"] == "https://exemple.fr/?a=1&b=<2>"
    assert context["elements"][0]["text"] == "Thèmes : Santé &amp; &lt;environnement&gt;"
    assert "<!channel>" not in part.text
    assert reply.blocks[1]["text"]["text"] == "<https://exemple.fr/?a=1&amp;b=2>"


def test_no_rendered_text_can_call_the_whole_channel() -> None:
    j = WORD_JOINER
    view = AnnouncementView(
        kind=AnnouncementKind.INFORMATION,
        text="@here : voir https://exemple.fr/@channel, (@Channel) et x@here.fr",
        title="Alerte @everyone",
        link="https://exemple.fr/@here",
        theme_labels=("@group",),
        source_label="flux @channel",
    )

    [part] = render(view)
    [long] = render(Reply("Bonjour @channel " + "mot " * 800 + " @here" * 300))

    assert part.blocks == (
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": f"📣 Information — Alerte @{j}everyone",
                "emoji": True,
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"@{j}here : voir https://exemple.fr/@channel, (@{j}Channel) et x@here.fr",
            },
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "open_link",
                    "text": {"type": "plain_text", "text": "🔗 Ouvrir le lien", "emoji": True},
                    "url": "https://exemple.fr/@here",
                }
            ],
        },
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"Thèmes : @{j}group"},
                {"type": "mrkdwn", "text": f"flux @{j}channel"},
            ],
        },
    )
    assert part.text == (
        f"📣 Information — Alerte @{j}everyone\n"
        f"@{j}here : voir https://exemple.fr/@channel, (@{j}Channel) et x@here.fr\n"
        f"Thèmes : @{j}group\nflux @{j}channel"
    )
    texts = [long.text, *(b["text"]["text"] for b in long.blocks)]
    assert all("@here" not in t and "@channel" not in t for t in texts)  # cut pieces too


def test_a_reply_about_someone_mentions_them() -> None:
    told = Reply(
        "Bob @channel a abonné ce canal à : Addictions.",
        mention=Mention(UserRef(Platform.SLACK, "U0BOB"), "Bob @channel"),
        to_everyone=True,
    )
    forged = Reply("Bob a abonné", mention=Mention(UserRef(Platform.SLACK, "U0BOB>"), "Bob"))

    [part] = render(told)
    [unsafe] = render(forged)

    assert [b["text"]["text"] for b in part.blocks] == [
        "<@U0BOB> a abonné ce canal à : Addictions."
    ]
    assert part.text == "<@U0BOB> a abonné ce canal à : Addictions."
    assert unsafe.text == "Bob a abonné"  # not a Slack user id: the name, as text


def test_buttons_carry_their_action() -> None:
    reply = Reply(
        "Aperçu",
        buttons=((Button("Envoyer", "send:12"), Button("Annuler", "cancel:12")),),
    )

    [part] = render(reply)

    [actions] = [b for b in part.blocks if b["type"] == "actions"]
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("Envoyer", "send:12"),
        ("Annuler", "cancel:12"),
    ]
    assert all(e["action_id"].startswith(BUTTON_ACTION) for e in actions["elements"])


def test_an_attachment_is_a_file_part_of_its_own() -> None:
    invitation = Attachment("copil.ics", b"BEGIN:VCALENDAR", "text/calendar")

    text, file = render(Reply("Invitation au COPIL", attachment=invitation))

    assert text.file is None and file.file == invitation


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("Réunion &lt;CPTS&gt; &amp; MSP", "Réunion <CPTS> & MSP"),
        ("<@U0BOB|bob> et <@U0ALICE>", "@bob et @U0ALICE"),
        (
            "<#C0SANTE|sante-mentale> <!here> <!subteam^S1|@infirmiers>",
            "#sante-mentale @here @infirmiers",
        ),
        ("<https://exemple.fr/a?b=1&amp;c=2>", "https://exemple.fr/a?b=1&c=2"),
        ("<http://pornic.fr|pornic.fr>", "http://pornic.fr"),
        ("<https://exemple.fr/f|le formulaire>", "le formulaire (https://exemple.fr/f)"),
        ("<mailto:cls@exemple.fr|cls@exemple.fr>", "cls@exemple.fr"),
        ("  abonner psy  ", "abonner psy"),
    ],
)
def test_slack_markup_reads_back_as_plain_text(slack: str, plain: str) -> None:
    assert from_slack(slack) == plain


def themes(count: int, subscribed: set[int] = frozenset()) -> tuple[ThemeChoice, ...]:  # type: ignore[assignment]
    return tuple(ThemeChoice(f"theme-{n}", f"Thème {n}", n in subscribed) for n in range(count))


def test_the_app_home_fits_and_groups_checkboxes_by_ten() -> None:
    proposals = tuple(
        ProposalSummary(n, "Proposition " + "x" * 3_000, ("Santé mentale",) if n % 2 else ())
        for n in range(1, 31)
    )
    home = HomeSummary(
        themes=themes(25, {0, 11}),
        is_coordinator=True,
        agenda=("COPIL le 12/12 à 14 h",),
        pending_proposals=proposals,
    )

    view = home_view(home)

    assert block_errors(view["blocks"], 100) == []
    groups = [e for b in view["blocks"] for e in b.get("elements", []) if e["type"] == "checkboxes"]
    assert [len(g["options"]) for g in groups] == [10, 10, 5]
    assert [[o["value"] for o in g.get("initial_options", [])] for g in groups] == [
        ["theme-0"],
        ["theme-11"],
        [],
    ]
    text = str(view)
    assert "Nouvelle diffusion" in text and "COPIL le 12/12" in text
    assert "… et 10 autres" in text
    valider = [
        e
        for b in view["blocks"]
        for e in b.get("elements", [])
        if e.get("value", "").startswith("approve:")
    ]
    assert [e["value"] for e in valider][:2] == ["approve:1", "approve:3"]  # no themes: no Valider


def test_a_partner_home_has_no_coordination() -> None:
    view = home_view(HomeSummary(themes=themes(3), is_coordinator=False))

    assert "Nouvelle diffusion" not in str(view) and "Propositions" not in str(view)
    assert "Aucun rendez-vous prévu" in str(view)


def test_the_broadcast_modal_is_a_valid_view() -> None:
    modal = broadcast_modal(themes(12))

    stored = SlackState().store_view(modal, "modal")

    assert stored["callback_id"] == "broadcast_form"
    [themes_input] = [b for b in modal["blocks"] if b["block_id"] == "themes"]
    assert themes_input["element"]["options"][0]["value"] == "tout"
    [text_input] = [b for b in modal["blocks"] if b["block_id"] == "text"]
    assert text_input["element"]["max_length"] == 3000
    assert text_input["hint"]["text"].startswith("3\u202f000 caractères au plus dans ce formulaire")
    assert (
        "écrivez-le en message direct à relay : « diffuser #thème »" in text_input["hint"]["text"]
    )


def form(**fields: dict[str, object]) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": {"value": {"selected_option": {"value": "evenement"}}},
        "title": {"value": {"value": "Forum"}},
        "text": {"value": {"value": " Le forum des jeunes \n"}},
        "link": {"value": {"value": None}},
        "date": {"value": {"selected_date": "2026-12-12"}},
        "themes": {"value": {"selected_options": [{"value": "jeunes"}, {"value": "tout"}]}},
    }
    return values | {name: {"value": value} for name, value in fields.items()}


def test_a_complete_form_becomes_a_broadcast() -> None:
    result = read_broadcast_form(form(), TODAY)

    assert not isinstance(result, dict)
    assert (result.kind, result.title, result.text) == (
        AnnouncementKind.EVENT,
        "Forum",
        "Le forum des jeunes",
    )
    assert (result.themes, result.link, result.event_date) == (("tout",), None, date(2026, 12, 12))


def test_a_wrong_form_gets_french_errors() -> None:
    result = read_broadcast_form(
        form(
            kind={"selected_option": None},
            text={"value": "   "},
            link={"value": "www.exemple.fr"},
            date={"selected_date": "2026-01-01"},
            themes={"selected_options": []},
        ),
        TODAY,
    )

    assert result == {
        "kind": "Choisissez le type de diffusion.",
        "text": "Écrivez le texte de la diffusion.",
        "link": BAD_LINK,
        "date": "Cette date est déjà passée.",
        "themes": "Choisissez au moins un thème.",
    }


def test_a_text_too_long_for_the_form_says_where_a_longer_one_goes() -> None:
    result = read_broadcast_form(form(text={"value": "x" * 3001}), TODAY)

    assert isinstance(result, dict)
    assert result["text"].startswith("Le texte dépasse les 3\u202f000 caractères de ce formulaire.")
    assert "écrivez-le en message direct à relay" in result["text"]
