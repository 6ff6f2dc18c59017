"""The client's address: the one function the lockout, the audit log and every throttle use.

Behind the reverse proxy of the README's deployment every request comes from the proxy's own
address; the proxy appends the address it saw to X-Forwarded-For. That header is believed only
as far as trusted proxies (settings.ZHENGXING_TRUSTED_PROXIES, none by default) wrote it: read
from the right, each hop added by a trusted proxy is skipped, and the first hop that is not a
trusted proxy is the client. Whatever a client writes into the header itself lies to the left
of that and is never used, so a made-up X-Forwarded-For changes nothing.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.ZHENGXING_TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request, as far as the trusted proxies vouch for it."""
    peer_text = request.META.get("REMOTE_ADDR") or ""
    peer = _parse(peer_text)
    if peer is None:
        return peer_text or None
    if not _trusted(peer):
        return str(peer)
    client = peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for text in reversed(hops):
        hop = _parse(text)
        if hop is None:
            # not an address: nothing further left can be trusted; the last trusted proxy
            # that handed it on stands for the client
            break
        client = hop
        if not _trusted(hop):
            break
    return str(client)
