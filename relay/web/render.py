"""Pages from Jinja2 templates, every value escaped (entries come from spreadsheets, news from
partners and feeds), with the few helpers the templates need."""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from relay.audit import actor_label
from relay.french_dates import as_utc, clock_time, long_date, long_datetime, short_datetime
from relay.states import AnnouncementState, MeetingState
from relay.wording import count

TEMPLATES = Path(__file__).parent / "templates"
HTML = "text/html"
_PHONE = re.compile(r"^\+?[0-9]{3,15}$")


class Renderer:
    """The templates, and what every page shows: the CLS's name, the site's address."""

    def __init__(
        self, globals_: Mapping[str, Any], zone: tzinfo, theme_label: Callable[[str], str]
    ) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(globals_)
        self.env.globals["query"] = query_string
        # States compared in templates: the StrEnums, never their strings retyped.
        self.env.globals.update(AnnouncementState=AnnouncementState, MeetingState=MeetingState)
        self.env.filters.update(
            long_date=long_date,
            when=lambda moment: long_datetime(moment, zone),
            stamp=lambda moment: short_datetime(moment, zone),
            clock=lambda moment: clock_time(as_utc(moment).astimezone(zone)),
            tel=tel_uri,
            web_link=web_link,
            entry_path=entry_path,
            iso=_iso,
            theme_label=theme_label,
            actor=actor_label,
            count=count,
        )

    def page(self, template: str, status: int = 200, **values: Any) -> web.Response:
        return respond(self.html(template, **values), status)

    def html(self, template: str, **values: Any) -> str:
        values.setdefault("section", "")
        values.setdefault("title", "")
        return self.env.get_template(template).render(**values)


def respond(html: str, status: int = 200) -> web.Response:
    return web.Response(text=html, status=status, content_type=HTML, charset="utf-8")


def tel_uri(phone: str) -> str:
    """A `tel:` link for a phone number written in any usual way, or "" when it is not one."""
    digits = re.sub(r"[\s.\-/()]", "", phone)
    return f"tel:{digits}" if _PHONE.match(digits) else ""


def web_link(url: str | None) -> str:
    """The address if it is a web address (http or https), else "" (never a javascript: or
    data: link, whatever a spreadsheet or a feed holds)."""
    if not url:
        return ""
    url = url.strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def entry_path(ref: str) -> str:
    return "/annuaire/" + quote(ref, safe="")


def query_string(**params: Any) -> str:
    """`?a=1&b=2` from the parameters that have a value."""
    kept = {k: v for k, v in params.items() if v not in ("", None) and not (k == "page" and v == 1)}
    return "?" + urlencode(kept) if kept else ""


def _iso(value: date | datetime) -> str:
    return value.isoformat()
