"""The portal's URLs plus the bare view the load benchmark measures as its ceiling."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def ceiling(request: HttpRequest) -> HttpResponse:
    """A fixed string: the fastest answer this server can give through the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling), *portal_urlpatterns]
