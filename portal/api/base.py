"""What every API view shares: changes made through it are audited as the token's owner,
marked with the token's name."""

from __future__ import annotations

from rest_framework.views import APIView

from qualification.audit import changes_via
from qualification.models import ApiToken


class ApiView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # who, may they, within their budget
        token = request.auth
        if isinstance(token, ApiToken):
            self._via = changes_via(f"API token “{token.name}”")
            self._via.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        via = getattr(self, "_via", None)
        if via is not None:
            self._via = None
            via.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)
