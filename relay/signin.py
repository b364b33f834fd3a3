"""Signing coordinators in to the coordinator pages through the chat: `/tableau` gives a
personal link, usable once and for 15 minutes, that opens a session of at most 12 hours. Only
hashes of links and sessions are stored; no password exists."""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from relay import audit
from relay.french_dates import as_utc
from relay.messages import UserRef
from relay.settings import Settings
from relay.states import AuditAction
from relay.store import coordination as store
from relay.store.db import Database
from relay.store.models import utcnow
from relay.store.models_coordination import CoordinatorSession

LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
TOKEN_BYTES = 32  # 256 bits of randomness
SIGN_IN_PATH = "/connexion/"


class LinkState(Enum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Visitor:
    """A browser signed in as a current coordinator."""

    coordinator: UserRef
    csrf_token: str
    session_hash: str


@dataclass(frozen=True)
class SignedIn:
    """A new session: `token` goes in the browser's cookie and nowhere else."""

    token: str
    visitor: Visitor
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CoordinatorAccess:
    def __init__(
        self, db: Database, settings: Settings, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def new_link(self, coordinator: UserRef) -> str:
        """A personal sign-in link; the caller checked that `coordinator` is one."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self.clock()
        async with self.db.write() as session:
            await store.purge(session, now)
            await store.add_link(
                session, token_hash(token), audit.actor_name(coordinator), now, now + LINK_LIFETIME
            )
        return self.settings.public_url.rstrip("/") + SIGN_IN_PATH + token

    async def link_state(self, token: str) -> LinkState:
        async with self.db.read() as session:
            link = await store.link(session, token_hash(token))
        if link is None or not self._coordinator(link.coordinator):
            return LinkState.UNKNOWN
        if link.used_at is not None:
            return LinkState.USED
        if as_utc(link.expires_at) <= self.clock():
            return LinkState.EXPIRED
        return LinkState.VALID

    async def sign_in(self, token: str) -> SignedIn | None:
        """Use the link (once) and open a session, or None if the link cannot be used."""
        now = self.clock()
        session_token = secrets.token_urlsafe(TOKEN_BYTES)
        async with self.db.write() as session:
            name = await store.use_link(session, token_hash(token), now)
            coordinator = self._coordinator(name) if name else None
            if name is None or coordinator is None:
                return None
            row = CoordinatorSession(
                token_hash=token_hash(session_token),
                coordinator=name,
                csrf_token=secrets.token_urlsafe(TOKEN_BYTES),
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
            await store.add_session(session, row)
            await audit.record(session, coordinator, AuditAction.SIGN_IN, "", now)
        visitor = Visitor(coordinator, row.csrf_token, row.token_hash)
        return SignedIn(session_token, visitor, row.expires_at)

    async def visitor(self, session_token: str) -> Visitor | None:
        """Who this session is, if it is live and its coordinator still one (a coordinator
        removed from RELAY_COORDINATORS loses every session at once)."""
        async with self.db.read() as session:
            row = await store.live_session(session, token_hash(session_token), self.clock())
        coordinator = self._coordinator(row.coordinator) if row else None
        if row is None or coordinator is None:
            return None
        return Visitor(coordinator, row.csrf_token, row.token_hash)

    async def sign_out(self, visitor: Visitor) -> None:
        async with self.db.write() as session:
            await store.end_session(session, visitor.session_hash, self.clock())

    def _coordinator(self, name: str) -> UserRef | None:
        try:
            user = UserRef.parse(name)
        except ValueError:
            return None
        return user if self.settings.is_coordinator(user) else None
