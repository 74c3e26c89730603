"""Where to send someone back to after a form: only ever a page of this portal."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_target(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` if it is a page on this site, else `default`. Refuses "//host", "/\\host",
    "https://elsewhere" and the like, which browsers treat as other sites."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
