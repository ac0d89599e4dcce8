"""The client's address, as every limiter sees it.

Behind nginx, REMOTE_ADDR is nginx's own address: counting by it puts the whole city in
one bucket. The address a proxy wrote in X-Forwarded-For is believed only as far as the
operator says proxies are in front (TRUSTED_PROXY_COUNT, or TRUSTED_PROXY_NETWORKS);
anything further left was written by the client and could be anything.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                 ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent the request (see the module docstring)."""
    peer = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 (a unix socket)
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    networks = _networks(tuple(settings.TRUSTED_PROXY_NETWORKS))
    if networks:
        # Walk back from the peer through every hop that is one of our proxies; the first
        # hop that is not (or the last one written) is the client.
        client = peer
        for hop in [peer, *reversed(forwarded)]:
            address = _address(hop)
            if address is None:
                break
            client = str(address)
            if not any(address in network for network in networks):
                break
        return client
    count = settings.TRUSTED_PROXY_COUNT
    if count and len(forwarded) >= count:
        address = _address(forwarded[-count])
        if address is not None:
            return str(address)
    return peer
