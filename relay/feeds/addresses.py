"""Which network addresses a feed may be fetched from: public ones only, unless private
(intranet) addresses are allowed; link-local, multicast and the like never."""

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

LOOPBACK, PRIVATE = "locale", "privée"
ALLOWED_WHEN_PRIVATE_IS = (LOOPBACK, PRIVATE)
REFUSED_TEXT = "adresse refusée : {where} est une adresse {kind}{hint}"
PRIVATE_HINT = " (RELAY_FEEDS_ALLOW_PRIVATE=true l'autorise, pour un intranet)"


def kind_of(address: Address) -> str | None:
    """What makes an address internal, in French; None for a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified:
        return "non spécifiée"
    if address.is_loopback:
        return LOOPBACK
    if address.is_link_local:  # 169.254.169.254: the cloud metadata service
        return "lien-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "réservée"
    if not address.is_global:  # RFC 1918, fc00::/7, shared and documentation ranges
        return PRIVATE
    return None


def refusal(host: str, address: Address, allow_private: bool) -> str | None:
    """Why a feed on `host`, found at `address`, may not be fetched; None when it may."""
    kind = kind_of(address)
    if kind is None or (allow_private and kind in ALLOWED_WHEN_PRIVATE_IS):
        return None
    where = str(address) if host == str(address) else f"« {host} » ({address})"
    hint = PRIVATE_HINT if kind in ALLOWED_WHEN_PRIVATE_IS else ""
    return REFUSED_TEXT.format(where=where, kind=kind, hint=hint)


def literal_refusal(host: str, allow_private: bool) -> str | None:
    """The refusal of a host written as an IP address (checked without any DNS look-up)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return refusal(host, address, allow_private)
