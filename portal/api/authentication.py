"""Who an API request is from: the owner of the personal token it carries."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from qualification.api_tokens import token_for


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`: the request acts as the token's owner, with the
    token as `request.auth`. A token that is unknown, expired or revoked, or whose owner was
    deactivated, is refused with the same answer (nothing to learn from the difference)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give one token after “Bearer”.")
        token = token_for(header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This token is not valid: it may have expired or been revoked."
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from the portal's API tokens page.",
        }
