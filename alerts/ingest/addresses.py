"""Which addresses a feed may be fetched from. An admin's feed source, or a redirect from one, must never
reach the cloud metadata service (169.254.169.254), the database or anything else on the private network.

The rule has this one home; fetch.py applies it to every hop of every fetch, and the feed source form to the
address an admin types. Names are resolved once and every address they resolve to is checked; the connection
then goes to the checked address (fetch.py pins it), so a name that resolves differently a moment later (DNS
rebinding) can't slip past.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """A feed address we won't fetch; the message says why, for the admin's feed source page."""


def forbidden_kind(address: IpAddress, *, allow_loopback: bool = False) -> str | None:
    """Why `address` is off limits ("a loopback address", ...), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_private or address.is_reserved or not address.is_global:
        return "a private or reserved address"
    return None


def refusal_for_url(url: str, *, https_only: bool, allow_loopback: bool = False) -> str | None:
    """What is wrong with `url` that can be told without DNS: its scheme, or a host that is a literal address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return "The feed address is not a valid web address"
    if https_only and parts.scheme != "https":
        return "The feed address must start with https://"
    if (host == "localhost" or host.endswith(".localhost")) and not allow_loopback:
        return f"The feed address is not allowed: {host} is a loopback address"
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked once resolved
    kind = forbidden_kind(literal, allow_loopback=allow_loopback)
    return f"The feed address is not allowed: {host} is {kind}" if kind else None


def resolve_checked(host: str, port: int, *, allow_loopback: bool = False) -> str:
    """The address to connect to for `host`, once every address it resolves to has passed; else AddressRefused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(f"Could not find {host}") from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise AddressRefused(f"Could not find {host}")
    for address in addresses:
        # Every address, not just the first: a name may carry a public and a private one.
        kind = forbidden_kind(address, allow_loopback=allow_loopback)
        if kind:
            where = f"{host} is {kind}" if str(address) == host else f"{host} resolves to {address}, {kind}"
            raise AddressRefused(f"The feed address is not allowed: {where}")
    return str(addresses[0])
