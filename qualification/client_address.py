"""Who is at the other end of a request. Behind a reverse proxy every request comes from the
proxy's address, and the person's is in `X-Forwarded-For`; but anyone can send that header.
So it is believed only from the proxies named in `TRUSTED_PROXIES`, and the one function here
is what the sign-in lockout (django-axes) and the HTTPS check read."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted)


def _address(text: str) -> ipaddress._BaseAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(text: str) -> bool:
    address = _address(text)
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The person's address: the connecting one, unless that is a trusted proxy; then the
    nearest address in `X-Forwarded-For` that is not a trusted proxy itself (addresses to the
    left of it were written by the client and prove nothing)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if _address(hop) is None:
            break  # a garbled list: trust none of it
        if not is_trusted_proxy(hop):
            return hop
    return remote


class ForwardedHeadersMiddleware:
    """Drops the forwarded headers of a request that did not come through a trusted proxy,
    before anything reads them (Django's HTTPS check reads `X-Forwarded-Proto`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)
