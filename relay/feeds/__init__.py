"""RSS/Atom feeds: the configured list (`config`), fetching (`fetch`), parsing (`parse`), and
the polling round that proposes or relays new items (`poller`)."""
