"""A message for a coordinator's next page, after a form's redirect (« C'est parti : la
diffusion n°12 part vers 40 chat(s). »): kept in memory for their session, read once."""

from collections import OrderedDict

from aiohttp import web

from relay.web.board.access import visitor

KEPT = 1000  # sessions with a message waiting; the oldest go first


class Flash:
    def __init__(self) -> None:
        self._waiting: OrderedDict[str, str] = OrderedDict()

    def put(self, request: web.Request, text: str) -> None:
        key = visitor(request).csrf_token
        self._waiting.pop(key, None)
        self._waiting[key] = text
        while len(self._waiting) > KEPT:
            self._waiting.popitem(last=False)

    def take(self, request: web.Request) -> str | None:
        return self._waiting.pop(visitor(request).csrf_token, None)
