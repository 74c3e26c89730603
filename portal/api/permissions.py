"""What a token may do: a read-only token reads, whatever its owner could do on the pages."""

from __future__ import annotations

from rest_framework import permissions

from qualification.models import ApiToken


class TokenScope(permissions.BasePermission):
    message = "This token is read only: make a read and write token to change anything."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return isinstance(token, ApiToken) and token.writes
