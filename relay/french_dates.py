"""Dates and times written the French way, independent of the machine's locale: shown
(`long_date`, `clock_time`…) and read (`read_when`, `parse_moment`, `find_date`).

How a day or a time is read, the same for /reunion, /diffuser and scheduled sends:

- "14/01", "14 janvier", "1er février": without a year, the next such day (today included); with
  one ("14/01/2027", "14/01/27", "3 février 2027", "2027-01-14"), that day;
- "aujourd'hui", "demain", "après-demain"; "jeudi", "jeudi prochain", "ce jeudi": the next
  Thursday after today (never today: say "aujourd'hui" for today); "jeudi 14 janvier": that day,
  checked against its weekday;
- "14h", "14h30", "14 h 30", "14:30", "14 heures", "midi", "minuit", optionally after "à";
- a local time the spring change skips (2:30 on the last Sunday of March in Paris) is refused; one
  the autumn change repeats is its first occurrence (still summer time).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from relay.textnorm import fold

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone: they are UTC by construction."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def long_date(day: date) -> str:
    """'jeudi 14 janvier 2027'."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def clock_time(moment: datetime | time) -> str:
    """'14 h' or '14 h 30'."""
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


def long_datetime(moment: datetime, zone: tzinfo) -> str:
    """'jeudi 14 janvier 2027 à 14 h', in the given zone."""
    local = as_utc(moment).astimezone(zone)
    return f"{long_date(local.date())} à {clock_time(local)}"


def short_datetime(moment: datetime, zone: tzinfo) -> str:
    """'14/01/2027 14:00', in the given zone."""
    return as_utc(moment).astimezone(zone).strftime("%d/%m/%Y %H:%M")


def month_label(year: int, month: int) -> str:
    """'janvier 2027'."""
    return f"{MONTHS[month - 1]} {year}"


def delay_label(delta: timedelta) -> str:
    """How far ahead a reminder is: 'dans 7 jours', 'demain', 'dans 2 heures'."""
    seconds = int(delta.total_seconds())
    if seconds >= 86_400 and seconds % 86_400 == 0:
        days = seconds // 86_400
        return "demain" if days == 1 else f"dans {days} jours"
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return f"dans {hours} heure" + ("s" if hours > 1 else "")
    minutes = max(1, round(seconds / 60))
    return f"dans {minutes} minute" + ("s" if minutes > 1 else "")


def elapsed_label(delta: timedelta) -> str:
    """How long something took: '45 s', '2 min 10 s', '1 h 5 min', '2 j 3 h'."""
    seconds = max(0, round(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} j {hours} h" if hours else f"{days} j"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{seconds} s"


def offset_label(label: str) -> str:
    """A reminder offset as the CLS says it: '7d' -> 'J-7', '2h' -> 'H-2', '30m' -> '30 min'."""
    amount, unit = label[:-1], label[-1]
    return {"d": f"J-{amount}", "h": f"H-{amount}", "m": f"{amount} min", "s": f"{amount} s"}[unit]


# --- reading ---

NOT_A_DATE_TEXT = "« {text} » n'est pas une date : vérifiez le jour et le mois."
NOT_A_TIME_TEXT = (
    "« {text} » n'est pas une heure : entre 0 h et 23 h 59, par exemple 9h30 ou 14:00."
)
WRONG_WEEKDAY_TEXT = "Le {day} est un {actual}, pas un {said} : vérifiez la date."
SKIPPED_TIME_TEXT = (
    "{time} n'existe pas le {day} : les horloges avancent d'une heure cette nuit-là "
    "(passage à l'heure d'été). Choisissez une autre heure."
)
NOT_UNDERSTOOD_TEXT = (
    "Je ne comprends pas « {text} » : écrivez par exemple « lundi 9h », « demain 14h30 », "
    "« 14/01 à 9h » ou « 2027-01-14 14:00 »."
)
NEED_TIME_TEXT = "Précisez l'heure, par exemple « {text} 9h »."
PAST_MOMENT_TEXT = "Le {when} est déjà passé : choisissez un moment à venir."

_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_WEEKDAY_NUMBERS = {fold(name): number for number, name in enumerate(WEEKDAYS)}
_RELATIVE_DAYS = {"aujourd'hui": 0, "aujourdhui": 0, "demain": 1, "apres-demain": 2}
_BEFORE_DAY = {"le", "ce", "cet"}
_BEFORE_TIME = {"a", "vers"}
_NEXT = {"prochain", "prochaine"}
_HOUR_WORDS = {"h", "heure", "heures"}
_NAMED_TIMES = {"midi": time(12), "minuit": time(0)}
_YEARS_AHEAD = 8  # enough for a 29 February without a year

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DAY = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?")
_DAY_NUMBER = re.compile(r"1er|\d{1,2}")
_YEAR = re.compile(r"\d{4}")
_CLOCK = re.compile(r"(\d{1,2})(?:h(\d{2})?|:(\d{2}))")
_HOURS = re.compile(r"\d{1,2}")
_MINUTES = re.compile(r"\d{2}")
_ISO_T = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[Tt](\d{1,2}:\d{2})")

_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_FREE_DATES = (
    re.compile(r"(?<![\w/.-])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\w/])"),
    re.compile(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/-])"),
    re.compile(rf"(?<![\w/.-])(1er|\d{{1,2}})\s+({_MONTH_NAMES})\.?(?:\s+(\d{{4}}))?(?!\w)"),
)


class DateError(ValueError):
    """A day or time that cannot be, or cannot be understood; the message (French) says why."""


@dataclass(frozen=True)
class When:
    """What the first words of a text say: a day, a time, and how many words said it."""

    day: date | None
    at: time | None
    used: int


def read_when(words: Sequence[str], today: date) -> When:
    """The day and time the leading `words` give, in either order, relative to `today`
    (the date in the zone the text is meant in); the words after them are left alone."""
    tokens = [_token(word) for word in words]
    day: date | None = None
    at: time | None = None
    i = 0
    while i < len(tokens):
        if day is None and (found_day := _read_day(tokens, i, today)) is not None:
            day, i = found_day
        elif at is None and (found_time := _read_time(tokens, i)) is not None:
            at, i = found_time
        else:
            break
    return When(day, at, i)


def parse_day_time(text: str, today: date) -> tuple[date | None, time | None]:
    """A whole text that is a day, a time or both ("14/01 à 14h", "2027-01-14T14:00")."""
    words = _ISO_T.sub(r"\1 \2", text).split()
    when = read_when(words, today)
    if when.used < len(words):
        raise DateError(NOT_UNDERSTOOD_TEXT.format(text=" ".join(words[when.used :])[:80]))
    return when.day, when.at


def parse_moment(text: str, now: datetime, zone: tzinfo) -> datetime:
    """A moment to come, typed as "lundi 9h", "demain 9h30", "14/01 à 14h30" or
    "2027-01-14 14:00", read in `zone`, as an aware UTC datetime. A time alone is its next
    occurrence (today, or tomorrow once passed); a day needs a time; a past moment is refused."""
    shown = " ".join(text.split())[:80]
    today = as_utc(now).astimezone(zone).date()
    day, at = parse_day_time(text, today)
    if at is None:
        raise DateError((NEED_TIME_TEXT if day else NOT_UNDERSTOOD_TEXT).format(text=shown))
    if day is None:
        day = today if local_moment(today, at, zone) > now else today + timedelta(days=1)
    moment = local_moment(day, at, zone)
    if moment <= as_utc(now):
        raise DateError(PAST_MOMENT_TEXT.format(when=long_datetime(moment, zone)))
    return moment


def local_moment(day: date, at: time, zone: tzinfo) -> datetime:
    """A local date and time in `zone` as an aware UTC datetime. Refused (DateError) when the
    spring change skips it; when the autumn change repeats it, the first one (summer time)."""
    wall = datetime.combine(day, at)
    moment = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first of two
    if moment.astimezone(zone).replace(tzinfo=None) != wall:
        raise DateError(SKIPPED_TIME_TEXT.format(time=clock_time(at), day=long_date(day)))
    return moment


def find_date(text: str, today: date) -> date | None:
    """The first possible date written out in a free text ("le 12/12", "14 janvier 2027",
    "1er février"); without a year, its next occurrence from today. Weekdays and words such as
    "demain" are not dates here: "tous les mardis" is not an event's date."""
    folded = fold(text)
    found = sorted(
        (match.start(), pattern is _FREE_DATES[1], match)
        for pattern in _FREE_DATES
        for match in pattern.finditer(folded)
    )
    for _, iso, match in found:
        day, month, year = (match[3], match[2], match[1]) if iso else match.groups()
        month = str(_MONTHS.get(month, month))
        try:
            return _day_of(day.removesuffix("er"), month, year, today, match[0])
        except DateError:
            continue
    return None


def mentions_date(text: str) -> bool:
    """Whether a free text writes out something shaped like a date."""
    folded = fold(text)
    return any(pattern.search(folded) for pattern in _FREE_DATES)


def _token(word: str) -> str:
    return fold(word).replace("’", "'").strip(",;()")


def _read_day(tokens: Sequence[str], i: int, today: date) -> tuple[date, int] | None:
    token = tokens[i]
    if token in _BEFORE_DAY:
        return _read_day(tokens, i + 1, today) if i + 1 < len(tokens) else None
    if token in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[token]), i + 1
    if token == "apres" and tokens[i + 1 : i + 2] == ["demain"]:
        return today + timedelta(days=2), i + 2
    if token in _WEEKDAY_NUMBERS:
        return _read_weekday(tokens, i, today)
    return _read_explicit(tokens, i, today)


def _read_weekday(tokens: Sequence[str], i: int, today: date) -> tuple[date, int]:
    """'jeudi', 'jeudi prochain': the next Thursday after today; 'jeudi 14 janvier': that day,
    if it is a Thursday."""
    weekday = _WEEKDAY_NUMBERS[tokens[i]]
    i += 1
    if i < len(tokens) and tokens[i] in _NEXT:
        i += 1
    explicit = _read_explicit(tokens, i, today) if i < len(tokens) else None
    if explicit is None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1), i
    day, after = explicit
    if day.weekday() != weekday:
        raise DateError(
            WRONG_WEEKDAY_TEXT.format(
                day=long_date(day).partition(" ")[2],
                actual=WEEKDAYS[day.weekday()],
                said=WEEKDAYS[weekday],
            )
        )
    return day, after


def _read_explicit(tokens: Sequence[str], i: int, today: date) -> tuple[date, int] | None:
    """'2027-01-14', '14/01[/2027]', '14 janvier [2027]', '1er févr.'"""
    token = tokens[i].rstrip(".")
    if match := _ISO_DAY.fullmatch(token):
        return _day_of(match[3], match[2], match[1], today, token), i + 1
    if match := _NUMERIC_DAY.fullmatch(token):
        return _day_of(match[1], match[2], match[3], today, token), i + 1
    month = _MONTHS.get(tokens[i + 1].rstrip(".")) if i + 1 < len(tokens) else None
    if month is None or not _DAY_NUMBER.fullmatch(token):
        return None
    end = i + 2
    year = tokens[end].rstrip(".") if end < len(tokens) else None
    if year is not None and _YEAR.fullmatch(year):
        end += 1
    else:
        year = None
    typed = " ".join(tokens[i:end])
    return _day_of(token.removesuffix("er"), str(month), year, today, typed), end


def _day_of(day: str, month: str, year: str | None, today: date, typed: str) -> date:
    """A day from its parts; without a year, the next such day from `today` (today included)."""
    if year is not None:
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return date(full_year, int(month), int(day))
        except ValueError:
            raise DateError(NOT_A_DATE_TEXT.format(text=typed)) from None
    for candidate_year in range(today.year, today.year + _YEARS_AHEAD):
        try:
            candidate = date(candidate_year, int(month), int(day))
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise DateError(NOT_A_DATE_TEXT.format(text=typed))


def _read_time(tokens: Sequence[str], i: int) -> tuple[time, int] | None:
    """'14h', '14h30', '14:30', '14 h 30', '14 heures', 'midi', optionally after 'à'."""
    token = tokens[i]
    if token in _BEFORE_TIME:
        return _read_time(tokens, i + 1) if i + 1 < len(tokens) else None
    if token in _NAMED_TIMES:
        return _NAMED_TIMES[token], i + 1
    if match := _CLOCK.fullmatch(token):
        return _time_of(match[1], match[2] or match[3], token), i + 1
    if not _HOURS.fullmatch(token) or not set(tokens[i + 1 : i + 2]) & _HOUR_WORDS:
        return None
    end = i + 2
    minutes = tokens[end] if end < len(tokens) and _MINUTES.fullmatch(tokens[end]) else None
    end += minutes is not None
    return _time_of(token, minutes, " ".join(tokens[i:end])), end


def _time_of(hours: str, minutes: str | None, typed: str) -> time:
    hour, minute = int(hours), int(minutes or 0)
    if hour > 23 or minute > 59:
        raise DateError(NOT_A_TIME_TEXT.format(text=typed))
    return time(hour, minute)


PAST_DATE_TEXT = "Cette date est déjà passée."


def read_date(value: str | None, today: date, errors: dict[str, str], bad_date: str) -> date | None:
    """A form's ISO date (a date picker's): None when empty; an error noted under "date" when
    it is not a date, or a past one."""
    if not value:
        return None
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        errors["date"] = bad_date
        return None
    if chosen < today:
        errors["date"] = PAST_DATE_TEXT
    return chosen
