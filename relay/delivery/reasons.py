"""Why a delivery failed, in French, from what its platform answered (`Delivery.last_error`:
the `reason` of the send error a channel raised, or the delivery worker's own French words)."""

from relay.states import DeliveryState

# The platforms' words (Telegram's error texts, Slack's error codes), folded to lower case, and
# what a coordinator reads for them. The first that matches wins.
REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("bot was blocked",), "bot bloqué par l'utilisateur"),
    (("bot was kicked",), "bot exclu du groupe"),
    (("not a member", "not_in_channel"), "bot absent du canal"),
    (("is_archived",), "canal archivé"),
    (("group chat was deactivated",), "groupe supprimé"),
    (("user is deactivated", "account_inactive", "user_disabled"), "compte désactivé"),
    (
        ("chat not found", "channel_not_found", "user_not_found", "peer_id_invalid"),
        "chat introuvable",
    ),
    (
        (
            "have no rights to send",
            "need administrator rights",
            "chat_write_forbidden",
            "restricted_action",
        ),
        "le bot n'a plus le droit d'écrire",
    ),
    (("cannot_dm_bot",), "impossible d'écrire à un bot"),
    (("too many requests", "ratelimited", "retry after"), "trop de demandes"),
    (("message is too long", "msg_too_long"), "message trop long"),
    (("can't parse entities", "invalid_blocks"), "mise en forme refusée"),
    (("message can't be deleted", "edit_window_closed"), "trop tard pour changer le message"),
    (
        (
            "bad gateway",
            "http 5",
            "internal_error",
            "fatal_error",
            "service_unavailable",
            "request_timeout",
            "timeout",
            "timed out",
            "networkerror",
            "clientconnectorerror",
        ),
        "plateforme injoignable",
    ),
)
DEFAULTS: dict[str, str] = {
    DeliveryState.GONE: "chat injoignable",
    DeliveryState.EXPIRED: "trop tard pour changer le message",
}
REFUSED = "refusé par la plateforme"
_FRENCH_MARKS = ("é", "è", "à", "ç", "ê")  # the worker's own reasons are already French


def failure_reason(status: str, error: str | None) -> str:
    """A short French reason for a failed, gone or expired delivery."""
    words = (error or "").lower()
    for markers, reason in REASONS:
        if any(marker in words for marker in markers):
            return reason
    if error and any(mark in words for mark in _FRENCH_MARKS):
        return error
    return DEFAULTS.get(status, REFUSED)
