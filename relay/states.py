"""The states and kinds stored in the database, declared once. Each is a `StrEnum`: its members
are the very strings stored, so rows read back compare equal to them."""

from enum import StrEnum


class DeliveryState(StrEnum):
    """One delivery row of the outbox: one message to one chat."""

    PENDING = "pending"  # waiting for its turn (or its retry)
    SENDING = "sending"  # claimed by a worker, under lease
    SENT = "sent"
    FAILED = "failed"  # given up: refused by the platform, or too many attempts
    GONE = "gone"  # the chat is unreachable (bot blocked, removed, channel archived)
    # A withdrawal or correction the platform no longer allows (Telegram: 48 hours to delete)
    EXPIRED = "expired"


FINAL_DELIVERY_STATES = (
    DeliveryState.SENT,
    DeliveryState.FAILED,
    DeliveryState.GONE,
    DeliveryState.EXPIRED,
)


class DeliveryOperation(StrEnum):
    """What a delivery row does in its chat: the announcement's send (revision 0), or a later
    revision's withdrawal or correction of the messages that send left there."""

    SEND = "send"
    DELETE = "delete"
    EDIT = "edit"


class AnnouncementState(StrEnum):
    DRAFT = "draft"  # a coordinator's preview, not sent yet
    PROPOSED = "proposed"  # a partner's proposal (or a feed item) awaiting a decision
    QUEUED = "queued"  # its deliveries are in the outbox
    SCHEDULED = "scheduled"  # approved, held until its `send_at`
    CANCELLED = "cancelled"  # a draft (or a scheduled send) the coordinator cancelled
    REJECTED = "rejected"  # a proposal the coordinators refused


class AnnouncementSource(StrEnum):
    COORDINATOR = "coordinator"
    PROPOSAL = "proposal"
    FEED = "feed"
    MEETING = "meeting"  # invitations, reminders, notices: not counted as information relayed


INFORMATION_SOURCES = (
    AnnouncementSource.COORDINATOR,
    AnnouncementSource.PROPOSAL,
    AnnouncementSource.FEED,
)


class MeetingKind(StrEnum):
    COPIL = "copil"
    WORKING_GROUP = "gt"
    PROJECT_TEAM = "equipe-projet"


class MeetingState(StrEnum):
    DRAFT = "draft"  # shown to its coordinator, nobody invited yet
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DISCARDED = "discarded"  # a draft the coordinator dropped


class NoticeState(StrEnum):
    """A meeting's invitation, reminder or change notice."""

    PENDING = "pending"
    SENT = "sent"  # queued in the outbox
    SKIPPED = "skipped"  # missed while relay was down, or too close to the invitation
    WITHDRAWN = "withdrawn"  # the meeting changed or was cancelled


class Rsvp(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class PollStatus(StrEnum):
    """What one poll of a feed found."""

    NEW = "new"
    UNCHANGED = "unchanged"
    FAILED = "failed"


class Asker(StrEnum):
    """Who asked a directory question, as their profile says: the query log keeps only this."""

    PROFESSIONAL = "professionnel"
    INHABITANT = "habitant"
    UNKNOWN = "inconnu"


class SurveyState(StrEnum):
    """A survey's life: previewed, sent and answerable, closed, then purged of who answered
    what (its counts kept)."""

    DRAFT = "draft"  # a coordinator's preview, sent to nobody yet
    OPEN = "open"  # sent: answers recorded until `closes_at`
    CLOSED = "closed"  # no answer recorded any more; who answered what still kept
    PURGED = "purged"  # a month after closing: only the counts remain


class AuditAction(StrEnum):
    """A coordinator's action kept in the audit log."""

    BROADCAST = "broadcast"  # a broadcast sent or scheduled
    APPROVE = "approve"  # a partner's proposal approved
    REFUSE = "refuse"  # a partner's proposal refused
    WITHDRAW = "withdraw"  # a broadcast withdrawn
    CORRECT = "correct"  # a broadcast corrected
    IMPORT = "import"  # a directory file imported
    MEETING = "meeting"  # a meeting scheduled, changed or cancelled
    SIGN_IN = "sign_in"  # the coordinator pages opened through a link
