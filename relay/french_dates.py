"""Dates and times written the French way, independent of the machine's locale."""

from datetime import UTC, date, datetime, time, timedelta, tzinfo

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


def offset_label(label: str) -> str:
    """A reminder offset as the CLS says it: '7d' -> 'J-7', '2h' -> 'H-2', '30m' -> '30 min'."""
    amount, unit = label[:-1], label[-1]
    return {"d": f"J-{amount}", "h": f"H-{amount}", "m": f"{amount} min", "s": f"{amount} s"}[unit]
