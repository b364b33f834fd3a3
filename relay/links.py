"""Links as relay relays them: without the tracking parameters that marketing tools add, and
otherwise exactly as written (the other parameters in their order, the fragment)."""

import re
from urllib.parse import unquote

URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")

TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_hsenc",  # HubSpot
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "mkt_tok",  # Marketo
        "igshid",  # Instagram
        "yclid",  # Yandex
        "twclid",  # Twitter / X
        "ref_src",
        "ref_url",
    }
)


def _is_tracking(parameter: str) -> bool:
    name = unquote(parameter.partition("=")[0]).lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def clean_link(url: str) -> str:
    """`url` without its tracking parameters; unchanged when it has none."""
    head, hash_mark, fragment = url.partition("#")
    base, question_mark, query = head.partition("?")
    parameters = query.split("&")
    kept = [p for p in parameters if p and not _is_tracking(p)]
    if not question_mark or len(kept) == len([p for p in parameters if p]):
        return url
    return base + ("?" + "&".join(kept) if kept else "") + hash_mark + fragment


def clean_links(text: str) -> str:
    """Every http(s) link in a text, cleaned where it stands."""
    return URL.sub(lambda match: clean_link(match.group(0)), text)
