"""A meeting's move the coordinator may insist on (another meeting of its kind is at that time),
carried whole in the button that confirms it: the meeting, the change it was at (its sequence),
the new time and the new place; at most 64 bytes (Telegram's limit), else no button."""

from dataclasses import dataclass
from datetime import UTC, datetime

from relay.french_dates import as_utc

MOVE_ACTION = "mtgmove:"
_TIME_FORMAT = "%Y%m%d%H%M"
_MAX_BYTES = 64


@dataclass(frozen=True)
class Move:
    meeting_id: int
    sequence: int  # the meeting's sequence when the move was asked: a stale button moves nothing
    starts_at: datetime  # UTC
    place: str | None  # None: the place stays as it is


def encode(move: Move) -> str | None:
    """The move as a button action, or None if it cannot travel in one (a long place)."""
    moment = as_utc(move.starts_at).strftime(_TIME_FORMAT)
    fields = [str(move.meeting_id), str(move.sequence), moment]
    if move.place is not None:
        fields.append(move.place)
    action = MOVE_ACTION + "|".join(fields)
    return action if len(action.encode()) <= _MAX_BYTES else None


def decode(args: str) -> Move | None:
    """The move a button carries (its action without MOVE_ACTION); None if it is not one."""
    fields = args.split("|", 3)
    numbers = fields[:2]
    if len(fields) < 3 or not all(n.isdigit() and len(n) < 10 for n in numbers):
        return None
    try:
        starts_at = datetime.strptime(fields[2], _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    place = fields[3] if len(fields) == 4 else None
    return Move(int(numbers[0]), int(numbers[1]), starts_at, place)
