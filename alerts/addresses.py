"""Which client a per-address limit counts: the one home of the rule, used by every limit keyed by address (staff
sign-in throttling, Flask-Limiter's key function, code attempts, sign-up defences, short links). Ground floor: it
uses nothing of ours.

An IPv4 address is one client. An IPv6 client is its /64: one home or mobile connection is given a whole /64
(RFC 6177), and picks a new address in it at will (privacy addresses), so a limit counted per full IPv6 address
gives one attacker 2^64 allowances.
"""

from __future__ import annotations

import ipaddress

IPV6_CLIENT_PREFIX = 64


def client_network(address: str | None) -> str:
    """The key a per-address limit counts `address` under: an IPv4 address as it is (an IPv4 address written in
    IPv6 as itself), an IPv6 address as its /64, anything unparsable as given ("unknown" when missing)."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        mapped = parsed.ipv4_mapped
        if mapped is not None:
            return str(mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)
