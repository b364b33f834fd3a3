"""The agenda as an iCalendar feed (RFC 5545) and the news as an Atom feed (RFC 4287)."""

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from xml.etree import ElementTree

from icalendar import Calendar, Event, vCalAddress, vText

from relay.agenda import AgendaItem, NewsItem
from relay.meetings.ical import PRODID, UID_DOMAIN, Organizer
from relay.web.render import web_link

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def agenda_ics(
    items: Sequence[AgendaItem],
    name: str,
    organizer: Organizer,
    theme_label: Callable[[str], str],
    now: datetime,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in items:
        calendar.add_component(_event(item, organizer, theme_label, now))
    return bytes(calendar.to_ical())


def _event(
    item: AgendaItem, organizer: Organizer, theme_label: Callable[[str], str], now: datetime
) -> Event:
    event = Event()
    event.add("uid", f"{item.uid}@{UID_DOMAIN}")
    event.add("sequence", item.sequence)
    event.add("dtstamp", now)
    event.add("last-modified", item.updated_at)
    start = item.starts_at or item.day
    event.add("dtstart", start)
    event.add("dtend", start + item.duration)
    event.add("summary", item.title)
    link = web_link(item.link)
    description = "\n\n".join(p for p in (item.text, link) if p and p != item.title)
    if description:
        event.add("description", description)
    if link:
        event.add("url", link)
    if item.place:
        event.add("location", item.place)
    if item.themes:
        event.add("categories", [theme_label(t) for t in item.themes])
    address = vCalAddress(f"mailto:{organizer.email}")
    address.params["CN"] = vText(organizer.name)
    event.add("organizer", address)
    event.add("status", "CONFIRMED")
    return event


def news_atom(
    items: Sequence[NewsItem],
    title: str,
    site_url: str,
    self_url: str,
    theme_label: Callable[[str], str],
    now: datetime,
) -> bytes:
    feed = ElementTree.Element("feed", xmlns=ATOM)
    feed.set("xml:lang", "fr")
    _text(feed, "id", self_url)
    _text(feed, "title", title)
    _text(feed, "updated", (items[0].published_at if items else now).isoformat())
    author = ElementTree.SubElement(feed, "author")
    _text(author, "name", title)
    ElementTree.SubElement(feed, "link", rel="self", href=self_url)
    ElementTree.SubElement(feed, "link", rel="alternate", type="text/html", href=site_url + "/")
    for item in items:
        entry = ElementTree.SubElement(feed, "entry")
        _text(entry, "id", f"{site_url}/actualites/{item.id}")
        _text(entry, "title", item.title)
        _text(entry, "published", item.published_at.isoformat())
        _text(entry, "updated", item.published_at.isoformat())
        link = web_link(item.link)
        if link:
            ElementTree.SubElement(entry, "link", rel="alternate", href=link)
        for theme in item.themes:
            ElementTree.SubElement(entry, "category", term=theme, label=theme_label(theme))
        _text(entry, "content", item.text).set("type", "text")
    return bytes(ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True))


def _text(parent: ElementTree.Element, tag: str, text: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", text)
    return element
