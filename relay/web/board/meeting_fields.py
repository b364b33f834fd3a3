"""The fields of the Réunions page's forms, read into what the meetings service takes: a date
and a time typed in `<input type="date">` and `<input type="time">` are a moment in the CLS's
time zone. What cannot be read is refused with a French message naming the field."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from relay.french_dates import NOT_A_DATE_TEXT, NOT_A_TIME_TEXT, DateError, local_moment
from relay.meetings.service import BAD_PARTICIPANTS, KINDS, MeetingInfo
from relay.states import MeetingKind
from relay.textnorm import clean_input

MISSING_WHEN = "Indiquez la date et l'heure de la réunion."
UNKNOWN_KIND = "Choisissez le type de réunion : COPIL, groupe de travail ou équipe projet."
NEEDS_THEME = (
    "Cochez au moins un thème pour un groupe de travail : ses invités sont les abonnés de "
    "ces thèmes."
)
CONFIRM_CANCEL_TEXT = "Cochez « Je confirme l'annulation » pour annuler la réunion n°{id}."
THEME_FIELD = "theme-"  # one checkbox per theme: theme-<slug>
MAX_TEXT = 300
MAX_TYPED = 40  # characters of a date, time or number quoted back


class FieldError(ValueError):
    """A field that cannot be read; `field` is its name in the form."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewMeeting:
    kind: str
    starts_at: datetime  # UTC
    place: str
    themes: tuple[str, ...]
    title: str
    public: bool


def text_field(form: dict[str, Any], name: str, limit: int = MAX_TEXT) -> str:
    """A one-line text field, cleaned."""
    return clean_input(str(form.get(name, "")), limit).replace("\n", " ")


def ticked(form: dict[str, Any], name: str) -> bool:
    return bool(form.get(name))


def chosen_themes(form: dict[str, Any], known: Iterable[str]) -> tuple[str, ...]:
    """The themes ticked, known ones only, in the catalogue's order."""
    names = {name.removeprefix(THEME_FIELD) for name in form if name.startswith(THEME_FIELD)}
    return tuple(slug for slug in known if slug in names)


def read_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(NOT_A_DATE_TEXT.format(text=text[:MAX_TYPED]), "date") from None


def read_time(text: str) -> time:
    try:
        return time.fromisoformat(text).replace(second=0, microsecond=0, tzinfo=None)
    except ValueError:
        raise FieldError(NOT_A_TIME_TEXT.format(text=text[:MAX_TYPED]), "heure") from None


def read_moment(
    form: dict[str, Any], zone: tzinfo, current: datetime | None = None
) -> datetime | None:
    """The moment the `date` and `heure` fields give, in `zone`, as an aware UTC datetime.
    With a `current` moment (a change), a missing field keeps its part and two missing fields
    give None; without one, both are needed."""
    day_text, time_text = text_field(form, "date", MAX_TYPED), text_field(form, "heure", MAX_TYPED)
    if current is None and not (day_text and time_text):
        raise FieldError(MISSING_WHEN, "heure" if day_text else "date")
    if not (day_text or time_text):
        return None
    local = current.astimezone(zone) if current else None
    day = read_day(day_text) if day_text or local is None else local.date()
    at = read_time(time_text) if time_text or local is None else local.time()
    try:
        return local_moment(day, at, zone)
    except DateError as error:
        raise FieldError(str(error), "heure") from None


def new_meeting(form: dict[str, Any], themes: Iterable[str], zone: tzinfo) -> NewMeeting:
    """The meeting the scheduling form asks for."""
    kind = str(form.get("type", ""))
    if kind not in KINDS:
        raise FieldError(UNKNOWN_KIND, "type")
    chosen = chosen_themes(form, themes)
    if kind == MeetingKind.WORKING_GROUP and not chosen:
        raise FieldError(NEEDS_THEME, "themes")
    starts_at = read_moment(form, zone)
    assert starts_at is not None
    return NewMeeting(
        kind=kind,
        starts_at=starts_at,
        place=text_field(form, "lieu"),
        themes=chosen,
        title=text_field(form, "titre"),
        public=ticked(form, "publique"),
    )


def changes(
    form: dict[str, Any], info: MeetingInfo, zone: tzinfo
) -> tuple[datetime | None, str | None]:
    """What the change form changes: the moment, the place; None for what stays as it is (the
    form shows the current ones)."""
    starts_at = read_moment(form, zone, info.starts_at)
    place = text_field(form, "lieu")
    return (
        starts_at if starts_at != info.starts_at else None,
        place if place != info.place else None,
    )


def participants(form: dict[str, Any]) -> int:
    typed = text_field(form, "participants", MAX_TYPED)
    if not typed.isdigit() or len(typed) > 6:
        raise FieldError(BAD_PARTICIPANTS, "participants")
    return int(typed)
