"""The CLS's public web site and relay's one HTTP server: an adapter, like the channels, that
calls the services and never the store."""

from relay.web.application import build_app
from relay.web.server import WebServer, WebServerError
from relay.web.site import SiteServices

__all__ = ["SiteServices", "WebServer", "WebServerError", "build_app"]
