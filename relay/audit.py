"""The audit log: which coordinator did what, and when (approve, refuse, broadcast, import,
meeting change), wherever it was done (chat, command line, coordinator pages)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from relay.messages import UserRef
from relay.states import AuditAction
from relay.store import coordination as store
from relay.store.coordination import FORGOTTEN
from relay.store.db import Database
from relay.store.models import utcnow
from relay.store.models_coordination import AuditEntry

COMMAND_LINE = "cli"  # an action of `relay …` in a shell, not of a chat user
DETAIL_LIMIT = 500
ACTION_LABELS: dict[str, str] = {
    AuditAction.BROADCAST: "diffusion",
    AuditAction.APPROVE: "proposition validée",
    AuditAction.REFUSE: "proposition refusée",
    AuditAction.WITHDRAW: "diffusion retirée",
    AuditAction.CORRECT: "diffusion corrigée",
    AuditAction.IMPORT: "import de l'annuaire",
    AuditAction.MEETING: "réunion",
    AuditAction.SIGN_IN: "connexion aux pages de coordination",
}


def actor_name(actor: UserRef | None) -> str:
    """How the log names who acted: `telegram:123` as in RELAY_COORDINATORS, `cli` for a shell."""
    return str(actor) if actor else COMMAND_LINE


PLATFORM_NAMES = {"telegram": "Telegram", "slack": "Slack", "console": "console"}


def actor_label(name: str) -> str:
    """How pages show who acted: « Telegram 12345 », « ligne de commande »."""
    if name == COMMAND_LINE:
        return "ligne de commande"
    if name == FORGOTTEN:
        return "une personne qui a demandé l'oubli"
    platform, _, user_id = name.partition(":")
    if platform == "console":
        return "console"
    return f"{PLATFORM_NAMES.get(platform, platform)} {user_id}"


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str  # the French label
    detail: str


async def record(
    session: AsyncSession,
    actor: UserRef | None,
    action: AuditAction,
    detail: str,
    now: datetime | None = None,
) -> None:
    """Add a line in the caller's transaction: the action and its trace stand or fall together."""
    entry = AuditEntry(
        at=now or utcnow(), actor=actor_name(actor), action=action, detail=detail[:DETAIL_LIMIT]
    )
    await store.add_audit(session, entry)


class AuditLog:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def record(self, actor: UserRef | None, action: AuditAction, detail: str) -> None:
        async with self.db.write() as session:
            await record(session, actor, action, detail, self.clock())

    async def latest(self, limit: int = 200) -> list[AuditLine]:
        async with self.db.read() as session:
            entries = await store.audit_entries(session, limit)
        return [
            AuditLine(e.at, e.actor, ACTION_LABELS.get(e.action, e.action), e.detail)
            for e in entries
        ]
