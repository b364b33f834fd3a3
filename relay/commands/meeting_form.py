"""The /reunion form: what a coordinator typed, what is still missing, and the compact button
actions (at most 64 bytes, Telegram's limit) that carry a half-filled form to the next step."""

from dataclasses import dataclass, replace
from datetime import date, time

from relay.french_dates import read_when
from relay.meetings.service import KINDS, parse_kind
from relay.states import MeetingKind
from relay.themes import ALL_THEMES, ThemeCatalogue

FORM_ACTION = "mtg:"
_KIND_CODES: dict[str, str] = {
    MeetingKind.COPIL: "c",
    MeetingKind.WORKING_GROUP: "g",
    MeetingKind.PROJECT_TEAM: "e",
}
_CODE_KINDS = {code: kind for kind, code in _KIND_CODES.items()}
VISIO, TO_BE_SET = "v", "x"  # place codes; "p<n>": the place of meeting n
MAX_GUIDED_THEMES = 6


@dataclass(frozen=True)
class MeetingForm:
    kind: str | None = None
    themes: tuple[str, ...] = ()
    day: date | None = None
    at: time | None = None
    place: str | None = None  # typed text, or a place code from a button
    unknown_themes: tuple[str, ...] = ()

    def missing(self) -> str | None:
        """The next thing to ask: kind, theme, day, time, place; None when complete."""
        if self.kind is None:
            return "kind"
        if self.kind == MeetingKind.WORKING_GROUP and not self.themes:
            return "theme"
        if self.day is None:
            return "day"
        if self.at is None:
            return "time"
        if self.place is None:
            return "place"
        return None

    def with_code(self, **changes: object) -> "MeetingForm":
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_form(text: str, catalogue: ThemeCatalogue, today: date) -> MeetingForm | None:
    """`copil 14/01 14h Salle du conseil`, `gt #jeunes jeudi 9h30 Mairie` or
    `copil 2027-01-14 14:00 Mairie` (a day without a year is its next occurrence from `today`);
    None if the text does not start with a kind of meeting. Raises `DateError` for a day or time
    that cannot be."""
    words = text.split()
    kind = None
    for size in (3, 2, 1):
        if len(words) >= size and (kind := parse_kind(" ".join(words[:size]))):
            words = words[size:]
            break
    if kind is None:
        return None
    themes: list[str] = []
    unknown: list[str] = []
    while words and words[0].startswith("#"):
        match = catalogue.parse(words.pop(0))
        themes.extend(t.slug for t in match.themes)
        unknown.extend(word for word, _ in match.unknown)
        if match.everything:
            themes.append(ALL_THEMES)
    when = read_when(words, today)
    place = " ".join(words[when.used :]) or None
    return MeetingForm(kind, tuple(dict.fromkeys(themes)), when.day, when.at, place, tuple(unknown))


def encode(form: MeetingForm, catalogue: ThemeCatalogue) -> str | None:
    """The form as a button action, or None if it cannot travel in one (a typed place)."""
    if form.place is not None and not _is_place_code(form.place):
        return None
    order = [t.slug for t in catalogue]
    indexes = [str(order.index(t)) for t in form.themes if t in order][:MAX_GUIDED_THEMES]
    fields = [
        _KIND_CODES[form.kind] if form.kind else "",
        ".".join(indexes),
        form.day.strftime("%Y%m%d") if form.day else "",
        form.at.strftime("%H%M") if form.at else "",
        form.place or "",
    ]
    action = FORM_ACTION + "|".join(fields)
    return action if len(action.encode()) <= 64 else None


def decode(action: str, catalogue: ThemeCatalogue) -> MeetingForm | None:
    fields = action.split("|")
    if len(fields) != 5:
        return None
    kind_code, theme_codes, day_code, time_code, place = fields
    order = [t.slug for t in catalogue]
    try:
        themes = tuple(order[int(i)] for i in theme_codes.split(".") if i)
        day = date(int(day_code[:4]), int(day_code[4:6]), int(day_code[6:])) if day_code else None
        at = time(int(time_code[:2]), int(time_code[2:])) if time_code else None
    except (ValueError, IndexError):
        return None
    if (kind_code and kind_code not in _CODE_KINDS) or (place and not _is_place_code(place)):
        return None
    kind = _CODE_KINDS.get(kind_code)
    assert kind is None or kind in KINDS
    return MeetingForm(kind, themes, day, at, place or None)


def _is_place_code(text: str) -> bool:
    return text in (VISIO, TO_BE_SET) or (text[:1] == "p" and text[1:].isdigit())
