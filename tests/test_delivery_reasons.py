"""A failed delivery's reason as coordinators read it, from what each platform answers (the
texts relay's channels store: Telegram's error descriptions, Slack's error codes) and the
delivery worker's own words."""

import pytest

from relay.delivery.reasons import failure_reason
from relay.delivery.worker import FORGOTTEN_RECIPIENT
from relay.states import DeliveryState

GONE, FAILED = DeliveryState.GONE, DeliveryState.FAILED


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [
        (GONE, "Forbidden: bot was blocked by the user", "bot bloqué par l'utilisateur"),
        (GONE, "Forbidden: bot was kicked from the supergroup chat", "bot exclu du groupe"),
        (GONE, "Bad Request: chat not found", "chat introuvable"),
        (GONE, "Forbidden: user is deactivated", "compte désactivé"),
        (GONE, "is_archived", "canal archivé"),
        (GONE, "channel_not_found", "chat introuvable"),
        (GONE, "not_in_channel (channel_not_found)", "bot absent du canal"),
        (GONE, "account_inactive", "compte désactivé"),
        (
            GONE,
            "Bad Request: have no rights to send a message",
            "le bot n'a plus le droit d'écrire",
        ),
        (FAILED, "ratelimited", "trop de demandes"),
        (FAILED, "Too Many Requests: retry after 5", "trop de demandes"),
        (FAILED, "HTTP 503 service_unavailable", "plateforme injoignable"),
        (FAILED, "Timed out", "plateforme injoignable"),
        (FAILED, "Bad Request: message is too long", "message trop long"),
        (FAILED, "Bad Request: can't parse entities: unclosed tag", "mise en forme refusée"),
        (GONE, FORGOTTEN_RECIPIENT, FORGOTTEN_RECIPIENT),
        (FAILED, "invalid_arguments", "refusé par la plateforme"),
        (GONE, "something new", "chat injoignable"),
        (FAILED, None, "refusé par la plateforme"),
    ],
)
def test_each_platform_answer_has_a_french_reason(status: str, error: str, reason: str) -> None:
    assert failure_reason(status, error) == reason
