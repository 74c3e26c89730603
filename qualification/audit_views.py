"""The audit trail, read-only: all of it for portal admins, their own organisation's for
organisation admins; and the endpoint browsers report policy violations to."""

from __future__ import annotations

import json
import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from qualification.audit_kinds import audit_kind_label
from qualification.enums import MembershipRole
from qualification.identifiers import as_uuid
from qualification.models import AuditEvent, Organisation
from qualification.rules import can_view_organisation, is_portal_admin, organisation_roles

PAGE_SIZE = 100
logger = logging.getLogger("qualification.csp")


def _page(request: HttpRequest, events) -> dict:
    visible = events
    kind = request.GET.get("kind", "")
    if kind:
        events = events.filter(kind=kind)
    page = Paginator(
        events.select_related("actor", "organisation", "qualification"), PAGE_SIZE
    ).get_page(request.GET.get("page") or 1)
    # The page links keep every filter but the page itself.
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "query": query.urlencode(),
        "kind": kind,
        # The kinds of the events this reader may see, by their labels. order_by() of its
        # own: the model's ordering would make every event a distinct row.
        "kinds": sorted(
            (
                (code, audit_kind_label(code))
                for code in visible.order_by().values_list("kind", flat=True).distinct()
            ),
            key=lambda pair: pair[1],
        ),
    }


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not is_portal_admin(request.user):
        raise PermissionDenied(_("The audit trail is for portal admins."))
    events = AuditEvent.objects.all()
    organisation = request.GET.get("organisation", "")
    if organisation:
        wanted = as_uuid(organisation)  # None would match every event without one
        events = events.filter(organisation__public_id=wanted) if wanted else events.none()
    context = _page(request, events)
    context["organisations"] = Organisation.objects.order_by("legal_name")
    context["organisation"] = organisation
    return render(request, "qualification/audit.html", context)


@login_required
def organisation_audit_log(request: HttpRequest, public_id) -> HttpResponse:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_view_organisation(request.user, organisation):
        raise Http404
    if not (
        is_portal_admin(request.user)
        or MembershipRole.ORG_ADMIN in organisation_roles(request.user, organisation)
    ):
        raise PermissionDenied(_("The audit trail is for organisation admins."))
    context = _page(request, AuditEvent.objects.filter(organisation=organisation))
    context["for_organisation"] = organisation
    return render(request, "qualification/audit.html", context)


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Browsers post violations here. Anyone can post, so reports go to the log (bounded in
    size), never to the database."""
    try:
        body = json.loads(request.body[:8192] or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    report = body.get("csp-report", body) if isinstance(body, dict) else {}
    if isinstance(report, dict):
        logger.warning(
            "Content Security Policy violation: %s blocked %s on %s",
            str(report.get("violated-directive", ""))[:200],
            str(report.get("blocked-uri", ""))[:500],
            str(report.get("document-uri", ""))[:500],
        )
    return HttpResponse(status=204)
