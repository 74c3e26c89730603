"""The API's OpenAPI schema and its documentation page, for signed-in people (a session) and
for tokens; the page's Swagger UI is served from the portal's own static files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import TemplateHTMLRenderer

from portal.api.authentication import PersonalTokenAuthentication

READERS = {
    "authentication_classes": [PersonalTokenAuthentication, SessionAuthentication],
    "permission_classes": [IsAuthenticated],
}

schema = SpectacularAPIView.as_view(**READERS)
documentation = login_required(
    SpectacularSwaggerSplitView.as_view(
        url_name="api-schema",
        title="QAD Portal API",
        renderer_classes=[TemplateHTMLRenderer],
        **READERS,
    )
)
