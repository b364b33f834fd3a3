"""A coordinator's broadcast filled in a form (the coordinator pages' « Nouvelle diffusion »):
its fields checked, with French messages per field, then read as the chat reads a typed
/diffuser, so both make the same draft."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from relay.announcements import MAX_TITLE_CHARS, Draft, split_title
from relay.commands.router import MAX_INPUT_CHARS
from relay.contract import BroadcastForm
from relay.french_dates import find_date, read_date
from relay.links import URL
from relay.messages import AnnouncementKind
from relay.themes import ALL_THEMES, ThemeCatalogue

KIND_MISSING = "Choisissez le type de diffusion."
TEXT_MISSING = "Écrivez le texte de la diffusion."
TEXT_TOO_LONG_TEXT = "Le texte fait {length} caractères : {limit} au plus, comme dans le chat."
TITLE_TOO_LONG = f"Le titre ne doit pas dépasser {MAX_TITLE_CHARS} caractères."
BAD_LINK = "Le lien doit être une adresse web complète, commençant par https:// (sans espace)."
BAD_DATE = "Cette date n'est pas valide : choisissez-la dans le calendrier (jj/mm/aaaa)."
THEMES_MISSING = "Choisissez au moins un thème."
UNKNOWN_THEME_TEXT = "Thème inconnu : {themes}."
MAX_TEXT = MAX_INPUT_CHARS  # what the chat accepts in one message


@dataclass(frozen=True)
class FormFields:
    """The fields as typed, kept to show the form again."""

    kind: str = AnnouncementKind.INFORMATION.value
    title: str = ""
    text: str = ""
    link: str = ""
    date: str = ""  # YYYY-MM-DD, as a date field sends it
    themes: tuple[str, ...] = ()


def check_form(
    fields: FormFields, catalogue: ThemeCatalogue, today: date
) -> BroadcastForm | dict[str, str]:
    """The form as a BroadcastForm, or French errors by field name."""
    errors: dict[str, str] = {}
    kinds = {kind.value: kind for kind in AnnouncementKind}
    if fields.kind not in kinds:
        errors["kind"] = KIND_MISSING
    if len(fields.title) > MAX_TITLE_CHARS:
        errors["title"] = TITLE_TOO_LONG
    text = fields.text.strip()
    if not text:
        errors["text"] = TEXT_MISSING
    elif len(text) > MAX_TEXT:
        errors["text"] = TEXT_TOO_LONG_TEXT.format(length=_count(len(text)), limit=_count(MAX_TEXT))
    link = fields.link.strip() or None
    if link is not None and not is_web_address(link):
        errors["link"] = BAD_LINK
    event_date = read_date(fields.date.strip(), today, errors, BAD_DATE)
    _check_themes(fields.themes, catalogue, errors)
    if errors:
        return errors
    return BroadcastForm(
        kind=kinds[fields.kind],
        text=text,
        themes=(ALL_THEMES,) if ALL_THEMES in fields.themes else fields.themes,
        title=fields.title.strip(),
        link=link,
        event_date=event_date,
    )


def form_draft(form: BroadcastForm, today: date) -> Draft:
    """The draft a form makes: a title, link or date left empty is read from the text, as the
    chat's /diffuser reads them (a short first line then a blank line is the title)."""
    title, text = form.title.strip(), form.text.strip()
    if not title:
        title, text = split_title(text)
    found = URL.search(text)
    return Draft(
        text=text,
        themes=form.themes,
        unknown_themes=(),
        kind=form.kind,
        title=title,
        link=form.link or (found.group(0) if found else None),
        event_date=form.event_date or find_date(text, today),
    )


def is_web_address(link: str) -> bool:
    parts = urlsplit(link)
    return URL.fullmatch(link) is not None and bool(parts.netloc)


def _check_themes(themes: Sequence[str], catalogue: ThemeCatalogue, errors: dict[str, str]) -> None:
    if not themes:
        errors["themes"] = THEMES_MISSING
        return
    unknown = [t for t in themes if t != ALL_THEMES and catalogue.get(t) is None]
    if unknown:
        errors["themes"] = UNKNOWN_THEME_TEXT.format(themes=", ".join(t[:40] for t in unknown[:5]))


def _count(number: int) -> str:
    """20 000, as French writes thousands."""
    return f"{number:,}".replace(",", " ")
