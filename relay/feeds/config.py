"""config/feeds.yaml: the RSS/Atom sources relay polls, validated with readable messages."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from relay.durations import parse_offset
from relay.feeds.addresses import literal_refusal
from relay.themes import ALL_THEMES, ThemeCatalogue
from relay.yamlfile import parse_yaml

DEFAULT_INTERVAL = timedelta(hours=1)
MIN_INTERVAL = timedelta(minutes=5)


class FeedConfigError(ValueError):
    """feeds.yaml (or a feed given on the command line) is wrong; the message says where."""


@dataclass(frozen=True)
class FeedSpec:
    name: str
    url: str
    themes: tuple[str, ...] = ()
    auto: bool = False  # relay new items directly instead of proposing them to coordinators
    interval: timedelta = DEFAULT_INTERVAL


def check_url(url: str, allow_private: bool = False) -> str:
    """An http(s) URL whose host, when written as an IP address, is one feeds may use (names
    are checked once resolved, at each poll)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:  # a malformed IPv6 host, a port that is not a number
        scheme, host = "", None
    if scheme not in ("http", "https") or not host:
        raise FeedConfigError(f"« {url[:100]} » n'est pas une adresse http:// ou https://")
    refused = literal_refusal(host, allow_private)
    if refused:
        raise FeedConfigError(refused)
    return url


def parse_interval(value: Any) -> timedelta:
    """Minutes (60) or a duration ("1h", "30min", "1j")."""
    try:
        interval = (
            timedelta(minutes=int(value))
            if isinstance(value, int | float)
            else parse_offset(str(value)).delta
        )
    except (ValueError, OverflowError) as exc:
        raise FeedConfigError(
            f"intervalle invalide « {value} » (par ex. 60, 30min, 2h, 1j)"
        ) from exc
    if interval < MIN_INTERVAL:
        raise FeedConfigError(f"intervalle trop court « {value} » (5 minutes au moins)")
    return interval


def check_themes(names: Any, catalogue: ThemeCatalogue) -> tuple[str, ...]:
    text = ",".join(str(n) for n in names) if isinstance(names, list) else str(names or "")
    if not text.strip():
        return ()
    match = catalogue.parse(text)
    if match.unknown:
        raise FeedConfigError(f"thème inconnu « {match.unknown[0][0]} »")
    return (ALL_THEMES,) if match.everything else tuple(t.slug for t in match.themes)


def load_feed_specs(
    path: Path, catalogue: ThemeCatalogue, allow_private: bool = False
) -> list[FeedSpec]:
    """The feeds of feeds.yaml; an absent file means no feed."""
    if not path.is_file():
        return []
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise FeedConfigError(f"{path} : fichier illisible ({exc})") from exc
    entries = data.get("feeds") or [] if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise FeedConfigError(f"{path} : la clé « feeds » doit être une liste")
    specs: list[FeedSpec] = []
    for number, entry in enumerate(entries, start=1):
        try:
            if not isinstance(entry, dict) or "url" not in entry:
                raise FeedConfigError("chaque flux a au moins une adresse « url »")
            url = check_url(str(entry["url"]), allow_private)
            specs.append(
                FeedSpec(
                    name=str(entry.get("name") or urlsplit(url).hostname)[:200],
                    url=url,
                    themes=check_themes(entry.get("themes"), catalogue),
                    auto=bool(entry.get("auto", False)),
                    interval=parse_interval(entry.get("interval", 60)),
                )
            )
        except FeedConfigError as exc:
            raise FeedConfigError(f"{path}, flux n°{number} : {exc}") from None
    return specs
