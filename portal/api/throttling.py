"""A request budget for each token (API_RATE, 600 a minute unless set): one runaway script
cannot slow the portal down for the people using its pages. Over it, 429 with Retry-After."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class PerToken(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "pk"):
            return None  # refused before it counts: no token, nothing to throttle
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
