"""/health/: each dependency's state (503 when one the portal needs is down); /health/live:
the process answers."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.health import dependencies


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    found = dependencies()
    healthy = all(d.ok for d in found if d.required)
    return JsonResponse(
        {
            "status": "ok" if healthy else "down",
            "dependencies": {
                d.name: {"ok": d.ok, "required": d.required, "detail": d.detail} for d in found
            },
        },
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
