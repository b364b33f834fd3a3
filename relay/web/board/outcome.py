"""What a coordinator's action gave, shown on the page the POST redirects to (303).

The message travels in the redirect's query string, signed with the session's CSRF token: only
the page that did the action can have written it, and a link crafted elsewhere shows nothing.
"""

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from relay.web.board.access import visitor

MESSAGE, ERROR, ABOUT, SIGNATURE = "message", "erreur", "objet", "signature"
MAX_MESSAGE = 1000


@dataclass(frozen=True)
class Outcome:
    text: str
    error: bool = False
    about: str = ""  # what the message is about (e.g. "p3", proposal n°3), for aria-describedby


def _signature(request: web.Request, outcome: Outcome) -> str:
    key = visitor(request).csrf_token.encode()
    payload = f"{int(outcome.error)}:{outcome.about}:{outcome.text}".encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def redirect(request: web.Request, path: str, outcome: Outcome) -> web.HTTPSeeOther:
    """A 303 to `path` that will show `outcome` (the caller raises it)."""
    query = {MESSAGE: outcome.text, SIGNATURE: _signature(request, outcome)}
    if outcome.error:
        query[ERROR] = "1"
    if outcome.about:
        query[ABOUT] = outcome.about
    return web.HTTPSeeOther(f"{path}?{urlencode(query)}")


def shown(request: web.Request) -> Outcome | None:
    """The outcome this page's query string carries, when this session signed it."""
    text = request.query.get(MESSAGE, "")
    if not text or len(text) > MAX_MESSAGE:
        return None
    outcome = Outcome(text, request.query.get(ERROR) == "1", request.query.get(ABOUT, ""))
    sent = request.query.get(SIGNATURE, "")
    expected = _signature(request, outcome)
    return outcome if hmac.compare_digest(sent.encode(), expected.encode()) else None
