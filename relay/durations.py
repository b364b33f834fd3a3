"""Durations as people write them in relay.toml, the environment and feeds.yaml: "7j", "1j",
"2h", "30min", "45s" (French), and "7d", "30m" as before."""

import re
from dataclasses import dataclass
from datetime import timedelta

from relay.textnorm import fold

_OFFSET = re.compile(r"^\s*(\d{1,4})\s*([a-z]+)\s*$")
# Each spelling and its normalised unit: days, hours, minutes, seconds.
_UNITS = {
    "j": "d",
    "jour": "d",
    "jours": "d",
    "d": "d",
    "h": "h",
    "heure": "h",
    "heures": "h",
    "min": "m",
    "minute": "m",
    "minutes": "m",
    "m": "m",
    "s": "s",
    "sec": "s",
    "seconde": "s",
    "secondes": "s",
}
_DELTAS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
MAX_OFFSET = timedelta(days=90)
NOT_A_DURATION_TEXT = (
    "« {text} » n'est pas une durée comme 7j, 2h ou 30min "
    "(unités : j (jours), h (heures), min (minutes), s (secondes))"
)
OUT_OF_RANGE_TEXT = "« {text} » doit être entre 1 s et 90 jours"


@dataclass(frozen=True, order=True)
class Offset:
    """How long before a meeting a reminder goes; `label` is its normalised spelling ("7d"),
    the one stored with each reminder."""

    delta: timedelta
    label: str


def parse_offset(text: str) -> Offset:
    """A duration; ValueError (French) when it is not one or not between 1 s and 90 days."""
    match = _OFFSET.match(fold(text))
    unit = _UNITS.get(match[2]) if match else None
    if match is None or unit is None:
        raise ValueError(NOT_A_DURATION_TEXT.format(text=text.strip()[:40]))
    amount = int(match[1])
    delta = timedelta(**{_DELTAS[unit]: amount})
    if not timedelta(0) < delta <= MAX_OFFSET:
        raise ValueError(OUT_OF_RANGE_TEXT.format(text=text.strip()))
    return Offset(delta, f"{amount}{unit}")


def parse_offsets(items: list[str] | tuple[str, ...]) -> tuple[Offset, ...]:
    """Distinct offsets, the furthest from the meeting first."""
    found = {o.label: o for o in (parse_offset(item) for item in items)}
    return tuple(sorted(found.values(), reverse=True))
