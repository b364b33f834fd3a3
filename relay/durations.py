"""Reminder offsets as people write them in relay.toml: "7d", "1d", "2h", "30m", "45s"."""

import re
from dataclasses import dataclass
from datetime import timedelta

_OFFSET = re.compile(r"^\s*(\d{1,4})\s*([dhms])\s*$", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
MAX_OFFSET = timedelta(days=90)


@dataclass(frozen=True, order=True)
class Offset:
    """How long before a meeting a reminder goes; `label` is its normalised spelling ("7d")."""

    delta: timedelta
    label: str


def parse_offset(text: str) -> Offset:
    match = _OFFSET.match(text)
    if not match:
        raise ValueError(f"{text.strip()!r} is not a duration such as 7d, 1d, 2h or 30m")
    amount, unit = int(match[1]), match[2].lower()
    delta = timedelta(**{_UNITS[unit]: amount})
    if not timedelta(0) < delta <= MAX_OFFSET:
        raise ValueError(f"{text.strip()!r} must be between 1s and 90d")
    return Offset(delta, f"{amount}{unit}")


def parse_offsets(items: list[str] | tuple[str, ...]) -> tuple[Offset, ...]:
    """Distinct offsets, the furthest from the meeting first."""
    found = {o.label: o for o in (parse_offset(item) for item in items)}
    return tuple(sorted(found.values(), reverse=True))
