"""A meeting as an .ics file (RFC 5545) that partners add to their calendars."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from relay.messages import Attachment

PRODID = "-//CLS//relay//FR"
UID_DOMAIN = "relay.cls"


@dataclass(frozen=True)
class Organizer:
    """Who publishes and cancels the events (RFC 5546 requires an ORGANIZER): the CLS."""

    name: str
    email: str


def meeting_ics(
    meeting_id: int,
    title: str,
    starts_at: datetime,
    duration: timedelta,
    place: str,
    description: str,
    sequence: int,
    organizer: Organizer,
    cancelled: bool = False,
    stamp: datetime | None = None,
) -> Attachment:
    """The same UID at every change, with a higher SEQUENCE, so calendars update the event."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"reunion-{meeting_id}@{UID_DOMAIN}")
    event.add("sequence", sequence)
    event.add("dtstamp", stamp or starts_at)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + duration)
    event.add("summary", title)
    address = vCalAddress(f"mailto:{organizer.email}")
    address.params["CN"] = vText(organizer.name)
    event.add("organizer", address)
    if place:
        event.add("location", place)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return Attachment(f"reunion-{meeting_id}.ics", calendar.to_ical(), "text/calendar")
