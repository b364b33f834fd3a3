"""Block Kit and mrkdwn for relay on Slack: messages, the App Home, the broadcast modal, and
Slack's own markup read back as plain text.

Everything users typed is escaped (`&`, `<`, `>`) before it goes into mrkdwn, so `Réunion <CPTS>
& MSP` displays as typed and nobody can slip `<!channel>` into an announcement; Slack also reads a
plain `@channel`, `@here`, `@everyone` (and the old `@group`) as a call to the whole channel, so
these get an invisible word joiner after the `@` (readers see no change, Slack no mention; links
are left intact). Every limit Slack
enforces is respected here (50 blocks a message, 3,000 characters a section, 150 a header, 75 a
button), so a message relay produced is never refused: long texts are cut at paragraph breaks,
then line breaks, then spaces, and spread over several messages when needed. Lengths are counted
in UTF-16 code units, as Slack's JavaScript does, which is never less than Python's count.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any, TypeVar

from relay.contract import BroadcastForm, HomeSummary, ProposalSummary, ThemeChoice
from relay.french_dates import read_date
from relay.messages import (
    AnnouncementKind,
    AnnouncementView,
    Attachment,
    Button,
    Outgoing,
    Reply,
)
from relay.wording import count as counted

JSON = dict[str, Any]
T = TypeVar("T")

COMMAND = "/cls"

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_ACTIONS = 25
MAX_CHECKBOXES = 10
MAX_OPTION_TEXT = 75
MAX_FALLBACK = 3000  # the notification text of a message that has blocks
MAX_TITLE_INPUT = 120  # leaves room for the kind label in the 150-character header
MAX_TEXT_INPUT = 3000  # Slack's limit for a plain_text_input
MAX_HINT = 2000  # an input block's hint

# action_id prefixes and callback ids, matched by the listeners in relay.channels.slack
BUTTON_ACTION = "relay:"  # a Button: its value is the Button's action
THEMES_ACTION = "home_themes:"  # an App Home checkbox group
OPEN_BROADCAST = "open_broadcast"
OPEN_LINK = "open_link"
BROADCAST_FORM = "broadcast_form"
ALL_THEMES = "tout"  # BroadcastForm.themes for every theme

HOME_HEADER = "Relay — Contrat Local de Santé"
HOME_INTRO = (
    "Je relaie les appels à projets, les événements et les informations du CLS. "
    "Cochez ci-dessous les thèmes que vous voulez recevoir en message privé. "
    f"Pour abonner un canal, tapez `{COMMAND} abonner <thème>` dans ce canal ; "
    f"`{COMMAND} aide` donne toutes les commandes."
)
HOME_THEMES = "*Vos thèmes* (messages privés)"
HOME_AGENDA = "*Prochains rendez-vous*"
HOME_PROFILE = "*Votre profil* (facultatif : votre type de structure, rien d'autre)"
HOME_NO_AGENDA = "Aucun rendez-vous prévu pour l'instant."
HOME_COORDINATION = "*Coordination*"
NEW_BROADCAST = "Nouvelle diffusion"
HOME_PROPOSALS = "*Propositions des partenaires en attente*"
HOME_NO_PROPOSAL = "Aucune proposition en attente."
HOME_MORE_PROPOSALS = f"… et {{others}} : `{COMMAND} valider <n>` ou `{COMMAND} refuser <n>`."
PROPOSAL_LINE_TEXT = "*n°{number}* — {text}"
PROPOSAL_THEMES_TEXT = "Thèmes : {themes}"
PROPOSAL_NO_THEME = f"Aucun thème détecté : `{COMMAND} valider {{number}} #thème`"
APPROVE, REJECT = "Valider", "Refuser"
APPROVE_ACTION, REJECT_ACTION = "approve:", "reject:"
MAX_HOME_PROPOSALS = 20
PROPOSAL_PREVIEW = 500

OPEN_LINK_LABEL = "🔗 Ouvrir le lien"
THEMES_LINE_TEXT = "Thèmes : {themes}"

MODAL_TITLE = "Nouvelle diffusion"
MODAL_SUBMIT = "Prévisualiser"
MODAL_CLOSE = "Annuler"
KIND_LABEL = "Type"
TITLE_LABEL = "Titre"
TEXT_LABEL = "Texte"
LINK_LABEL = "Lien"
LINK_HINT = "https://…"
DATE_LABEL = "Date de l'événement ou date limite"
THEMES_LABEL = "Thèmes"
THEMES_HINT = "Choisissez un ou plusieurs thèmes"
ALL_THEMES_LABEL = "Tous les thèmes"
KIND_MISSING = "Choisissez le type de diffusion."
TEXT_MISSING = "Écrivez le texte de la diffusion."
# Slack caps a form's text at 3,000 characters; a direct message takes what the chat does.
LONGER_TEXT = (
    "Pour un texte plus long (jusqu'à 20\u202f000 caractères), écrivez-le en message direct à "
    "relay : « diffuser #thème » puis le texte, ses paragraphes et ses listes."
)
TEXT_HINT = f"3\u202f000 caractères au plus dans ce formulaire. {LONGER_TEXT}"
TEXT_TOO_LONG = f"Le texte dépasse les 3\u202f000 caractères de ce formulaire. {LONGER_TEXT}"
TITLE_TOO_LONG = f"Le titre ne doit pas dépasser {MAX_TITLE_INPUT} caractères."
BAD_LINK = "Le lien doit être une adresse web complète, commençant par https:// (sans espace)."
BAD_DATE = "Cette date n'est pas valide."
THEMES_MISSING = "Choisissez au moins un thème."

_BREAKS = ("\n\n", "\n", " ")
_URL = re.compile(r"https?://\S+")
WORD_JOINER = "\u2060"
# Slack's special mentions when typed as words: after anything but a letter or a digit.
_SPECIAL_MENTION = re.compile(r"(?<![^\W_])@(?=(?:channel|here|everyone|group)(?![^\W_]))", re.I)
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_SLACK_REFERENCE = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class SlackPart:
    """One Slack message: Block Kit `blocks` with `text`, their mrkdwn notification fallback;
    or a `file` to upload."""

    text: str
    blocks: tuple[JSON, ...] = ()
    file: Attachment | None = None


# Text


def units(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Plain text made safe for mrkdwn: it displays exactly as typed and calls nobody."""
    return _entities(defuse(text))


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def defuse(text: str) -> str:
    """`@channel`, `@here`, `@everyone`, `@group` shown as typed but mentioning nobody; links
    are kept as they are."""
    if "@" not in text:
        return text
    kept = [match.span() for match in _URL.finditer(text)]
    pieces, start = [], 0
    for begin, end in [*kept, (len(text), len(text))]:
        pieces.append(_SPECIAL_MENTION.sub("@" + WORD_JOINER, text[start:begin]))
        pieces.append(text[begin:end])
        start = end
    return "".join(pieces)


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def fit(text: str, limit: int) -> str:
    """Plain text cut to `limit` units, with an ellipsis when something was cut."""
    if units(text) <= limit:
        return text
    return _cut(text, limit - 1, escaped=False)[0] + "…"


def fit_mrkdwn(text: str, limit: int) -> str:
    """Plain text escaped for mrkdwn and cut to `limit` units, never inside an entity."""
    if units(escape(text)) <= limit:
        return escape(text)
    return _cut(text, limit - 1, escaped=True)[0] + "…"


def mrkdwn_pieces(text: str, limit: int = MAX_SECTION) -> list[str]:
    """Plain text escaped for mrkdwn, in pieces of at most `limit` units, cut at paragraph
    breaks where possible, else at line breaks, else between words, else anywhere."""
    return [piece.strip() for piece in _split(text, limit, 0) if piece.strip()]


def _split(text: str, limit: int, level: int) -> list[str]:
    if units(escape(text)) <= limit:
        return [escape(text)]
    if level == len(_BREAKS):
        return _cut(text, limit, escaped=True)
    separator = _BREAKS[level]
    pieces: list[str] = []
    current = ""
    for chunk in text.split(separator):
        for piece in _split(chunk, limit, level + 1):
            joined = f"{current}{separator}{piece}" if current else piece
            if units(joined) <= limit:
                current = joined
            else:
                pieces.append(current)
                current = piece
    pieces.append(current)
    return pieces


def _cut(text: str, limit: int, escaped: bool) -> list[str]:
    """`text` in pieces of at most `limit` units, cut between characters."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in defuse(text) if escaped else text:
        shown = _entities(char) if escaped else char
        if current and size + units(shown) > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(shown)
        size += units(shown)
    pieces.append("".join(current))
    return pieces


def from_slack(text: str) -> str:
    """Slack's message markup (`<@U1|alice>`, `<https://a.fr|a.fr>`, `&lt;`) as plain text."""
    return unescape(_SLACK_REFERENCE.sub(_plain_reference, text)).strip()


def _plain_reference(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith(("@", "#")):
        return target[0] + label if label else target
    if target.startswith("!"):  # <!here>, <!subteam^S1|@équipe>, <!date^…|fallback>
        return label or "@" + target[1:].split("^")[0]
    shown = target.removeprefix("mailto:")
    if not label or label in (shown, shown.partition("://")[2]):  # Slack's own auto-links
        return shown
    return f"{label} ({shown})"


# Block Kit elements


def plain(text: str, limit: int = MAX_HEADER) -> JSON:
    return {"type": "plain_text", "text": fit(defuse(text.strip()) or "…", limit), "emoji": True}


def mrkdwn(escaped: str) -> JSON:
    return {"type": "mrkdwn", "text": escaped}


def section(escaped: str) -> JSON:
    return {"type": "section", "text": mrkdwn(escaped)}


def sections(text: str) -> list[JSON]:
    return [section(piece) for piece in mrkdwn_pieces(text)]


def header(text: str) -> JSON:
    return {"type": "header", "text": plain(text, MAX_HEADER)}


def button(label: str, action_id: str, value: str | None = None, url: str | None = None) -> JSON:
    element: JSON = {
        "type": "button",
        "action_id": action_id,
        "text": plain(label, MAX_BUTTON_TEXT),
    }
    if value is not None:
        if len(value) > MAX_BUTTON_VALUE:
            raise ValueError(f"button action longer than {MAX_BUTTON_VALUE} characters")
        element["value"] = value
    if url is not None:
        element["url"] = url
    return element


def is_linkable(url: str) -> bool:
    """A URL Slack accepts in a link button."""
    return bool(_URL.fullmatch(url)) and units(url) <= MAX_URL


def link_sections(url: str) -> list[JSON]:
    """A link on a line of its own: clickable when Slack can take it as one."""
    link = f"<{_entities(url)}>"
    if is_linkable(url) and "|" not in url and units(link) <= MAX_SECTION:
        return [section(link)]
    return sections(url)


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# Messages


def render(message: Outgoing) -> list[SlackPart]:
    """The Slack messages that carry `message`, in order: usually one."""
    if isinstance(message, AnnouncementView):
        blocks = announcement_blocks(message)
    else:
        blocks = reply_blocks(message)
    blocks += button_blocks(message.buttons)
    parts = [
        SlackPart(fallback(group), tuple(group)) for group in _chunks(blocks, MAX_MESSAGE_BLOCKS)
    ]
    if message.attachment is not None:
        parts.append(SlackPart(escape(message.attachment.filename), file=message.attachment))
    return parts


def reply_blocks(reply: Reply) -> list[JSON]:
    blocks = _mentioning(reply) or sections(reply.text)
    if reply.link and reply.link not in reply.text:
        blocks += link_sections(reply.link)
    return blocks or [section("…")]


def _mentioning(reply: Reply) -> list[JSON]:
    """A reply that begins with a person, who is mentioned there (`<@U…>`); [] if none."""
    mention = reply.mention
    if (
        mention is None
        or not mention.name
        or not reply.text.startswith(mention.name)
        or not _SLACK_USER_ID.fullmatch(mention.user.user_id)
    ):
        return []
    tag = f"<@{mention.user.user_id}>"
    pieces = mrkdwn_pieces(reply.text.removeprefix(mention.name), MAX_SECTION - units(tag) - 1)
    first = f"{tag} {pieces[0]}" if pieces else tag
    return [section(first), *(section(piece) for piece in pieces[1:])]


def announcement_blocks(view: AnnouncementView) -> list[JSON]:
    heading = f"📣 {view.kind.label}" + (f" — {view.title}" if view.title.strip() else "")
    blocks = [header(heading), *sections(view.text)]
    if view.date_label:
        blocks.append(section(f"📅 *{fit_mrkdwn(view.date_label, MAX_SECTION - 5)}*"))
    if view.link:
        if is_linkable(view.link):
            link = button(OPEN_LINK_LABEL, OPEN_LINK, url=view.link)
            blocks.append({"type": "actions", "elements": [link]})
        else:
            blocks += link_sections(view.link)
    context = []
    if view.theme_labels:
        themes = THEMES_LINE_TEXT.format(themes=", ".join(view.theme_labels))
        context.append(mrkdwn(fit_mrkdwn(themes, MAX_SECTION)))
    if view.source_label:
        context.append(mrkdwn(fit_mrkdwn(view.source_label, MAX_SECTION)))
    if context:
        blocks.append({"type": "context", "elements": context})
    return blocks


def button_blocks(rows: Iterable[Sequence[Button]]) -> list[JSON]:
    """One actions block per row of buttons (more if a row is wider than Slack allows);
    action ids are unique within the message."""
    numbers = count()
    return [
        {
            "type": "actions",
            "elements": [
                button(b.label, f"{BUTTON_ACTION}{next(numbers)}", value=b.action) for b in group
            ],
        }
        for row in rows
        for group in _chunks(row, MAX_ACTIONS)
    ]


def fallback(blocks: Iterable[JSON]) -> str:
    """The mrkdwn text of a message with blocks, for notifications and screen readers."""
    lines = []
    for block in blocks:
        if block["type"] == "header":
            lines.append(escape(block["text"]["text"]))
        elif block["type"] == "section":
            lines.append(block["text"]["text"])
        elif block["type"] == "context":
            lines.extend(element["text"] for element in block["elements"])
    joined = "\n".join(lines) or "…"
    if units(joined) <= MAX_FALLBACK:
        return joined
    cut = _cut(joined, MAX_FALLBACK - 1, escaped=False)[0]
    # Entities and links hold no whitespace: cutting at a space or line break splits neither.
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    if boundary > 0:
        return cut[:boundary] + "…"
    return re.sub(r"(&[a-z]*|<[^>]*)$", "", cut) + "…"


# App Home


def home_view(home: HomeSummary) -> JSON:
    blocks: list[JSON] = [header(HOME_HEADER), section(escape(HOME_INTRO))]
    blocks += [{"type": "divider"}, section(HOME_THEMES), *theme_checkboxes(home.themes)]
    if home.profile_choices:
        blocks += [{"type": "divider"}, section(HOME_PROFILE), section(escape(home.profile))]
        blocks += button_blocks(home.profile_choices)
    blocks += [{"type": "divider"}, section(HOME_AGENDA)]
    agenda = "\n".join(f"• {line}" for line in home.agenda)
    blocks += sections(agenda) if agenda else [section(HOME_NO_AGENDA)]
    if home.is_coordinator:
        blocks += coordination_blocks(home.pending_proposals)
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}


def theme_checkboxes(themes: Sequence[ThemeChoice]) -> list[JSON]:
    """The themes as checkboxes, in groups of ten (Slack's limit for one element)."""
    blocks = []
    for number, group in enumerate(_chunks(themes, MAX_CHECKBOXES)):
        options = {t.slug: _option(t.label, t.slug) for t in group}
        element: JSON = {
            "type": "checkboxes",
            "action_id": f"{THEMES_ACTION}{number}",
            "options": list(options.values()),
        }
        checked = [options[t.slug] for t in group if t.subscribed]
        if checked:
            element["initial_options"] = checked
        blocks.append(
            {"type": "actions", "block_id": f"{THEMES_ACTION}{number}", "elements": [element]}
        )
    return blocks


def offered_themes(view: JSON, block_id: str) -> set[str]:
    """The theme slugs a checkbox group of a published App Home offers."""
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id:
            return {o["value"] for e in block.get("elements", []) for o in e.get("options", [])}
    return set()


def coordination_blocks(proposals: Sequence[ProposalSummary]) -> list[JSON]:
    new = button(NEW_BROADCAST, OPEN_BROADCAST) | {"style": "primary"}
    blocks: list[JSON] = [
        {"type": "divider"},
        section(HOME_COORDINATION),
        {"type": "actions", "elements": [new]},
        section(HOME_PROPOSALS),
    ]
    for proposal in proposals[:MAX_HOME_PROPOSALS]:
        blocks += proposal_blocks(proposal)
    if not proposals:
        blocks.append(section(HOME_NO_PROPOSAL))
    elif len(proposals) > MAX_HOME_PROPOSALS:
        more = len(proposals) - MAX_HOME_PROPOSALS
        blocks.append(section(escape(HOME_MORE_PROPOSALS.format(others=counted(more, "autre")))))
    return blocks


def proposal_blocks(proposal: ProposalSummary) -> list[JSON]:
    number = proposal.number
    text = PROPOSAL_LINE_TEXT.format(
        number=number, text=fit_mrkdwn(proposal.text, PROPOSAL_PREVIEW)
    )
    if proposal.themes:
        themes = PROPOSAL_THEMES_TEXT.format(themes=", ".join(proposal.themes))
    else:
        themes = PROPOSAL_NO_THEME.format(number=number)
    choices = [button(REJECT, f"{BUTTON_ACTION}{number}:reject", f"{REJECT_ACTION}{number}")]
    if proposal.themes:
        approve = button(APPROVE, f"{BUTTON_ACTION}{number}:approve", f"{APPROVE_ACTION}{number}")
        choices.insert(0, approve | {"style": "primary"})
    return [
        section(f"{text}\n_{fit_mrkdwn(themes, PROPOSAL_PREVIEW)}_"),
        {"type": "actions", "elements": choices},
    ]


# The coordinator's broadcast modal


def broadcast_modal(themes: Sequence[ThemeChoice]) -> JSON:
    kinds = [_option(kind.label, kind.value) for kind in AnnouncementKind]
    information = _option(AnnouncementKind.INFORMATION.label, AnnouncementKind.INFORMATION.value)
    theme_options = [_option(ALL_THEMES_LABEL, ALL_THEMES)]
    theme_options += [_option(t.label, t.slug) for t in themes[:99]]
    return {
        "type": "modal",
        "callback_id": BROADCAST_FORM,
        "title": plain(MODAL_TITLE, 24),
        "submit": plain(MODAL_SUBMIT, 24),
        "close": plain(MODAL_CLOSE, 24),
        "blocks": [
            _input(
                "kind",
                KIND_LABEL,
                {"type": "static_select", "options": kinds, "initial_option": information},
            ),
            _input(
                "title",
                TITLE_LABEL,
                {"type": "plain_text_input", "max_length": MAX_TITLE_INPUT},
                optional=True,
            ),
            _input(
                "text",
                TEXT_LABEL,
                {"type": "plain_text_input", "multiline": True, "max_length": MAX_TEXT_INPUT},
                hint=TEXT_HINT,
            ),
            _input(
                "link",
                LINK_LABEL,
                {"type": "plain_text_input", "placeholder": plain(LINK_HINT)},
                optional=True,
            ),
            _input("date", DATE_LABEL, {"type": "datepicker"}, optional=True),
            _input(
                "themes",
                THEMES_LABEL,
                {
                    "type": "multi_static_select",
                    "options": theme_options,
                    "placeholder": plain(THEMES_HINT),
                },
            ),
        ],
    }


def _option(label: str, value: str) -> JSON:
    return {"text": plain(label, MAX_OPTION_TEXT), "value": value}


def _input(
    block_id: str, label: str, element: JSON, optional: bool = False, hint: str = ""
) -> JSON:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": optional,
        "element": element | {"action_id": "value"},
    }
    return block | {"hint": plain(hint, MAX_HINT)} if hint else block


def read_broadcast_form(values: JSON, today: date) -> BroadcastForm | dict[str, str]:
    """The submitted modal as a BroadcastForm, or French errors by block id."""
    fields = {block_id: actions.get("value", {}) for block_id, actions in values.items()}
    errors: dict[str, str] = {}
    kind_value = (fields.get("kind", {}).get("selected_option") or {}).get("value")
    kinds = {kind.value: kind for kind in AnnouncementKind}
    if kind_value not in kinds:
        errors["kind"] = KIND_MISSING
    title = (fields.get("title", {}).get("value") or "").strip()
    if len(title) > MAX_TITLE_INPUT:
        errors["title"] = TITLE_TOO_LONG
    text = (fields.get("text", {}).get("value") or "").strip()
    if not text:
        errors["text"] = TEXT_MISSING
    elif len(text) > MAX_TEXT_INPUT:
        errors["text"] = TEXT_TOO_LONG
    link = (fields.get("link", {}).get("value") or "").strip() or None
    if link is not None and not is_linkable(link):
        errors["link"] = BAD_LINK
    event_date = read_date(fields.get("date", {}).get("selected_date"), today, errors, BAD_DATE)
    themes = [o["value"] for o in fields.get("themes", {}).get("selected_options") or []]
    if not themes:
        errors["themes"] = THEMES_MISSING
    if errors:
        return errors
    return BroadcastForm(
        kind=kinds[str(kind_value)],
        text=text,
        themes=(ALL_THEMES,) if ALL_THEMES in themes else tuple(themes),
        title=title,
        link=link,
        event_date=event_date,
    )
